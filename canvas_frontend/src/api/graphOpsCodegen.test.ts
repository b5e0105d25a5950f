// Fails when src/api/generated/graphOps.ts is stale against the JSON Schema of graph ops that the
// server side checks in (node_library/graph_ops/graph_ops.schema.json): generate in memory with
// the options of `npm run codegen:ops`, format like it does, compare with the checked-in file.
import { compile } from "json-schema-to-typescript";
import { format, resolveConfig } from "prettier";
import { describe, expect, it } from "vitest";

// The app's tsconfig has no Node types, so node:fs comes in untyped through a variable specifier.
const fsModule = "node:fs";
const fs = (await import(/* @vite-ignore */ fsModule)) as {
  readFileSync(path: URL, encoding: "utf8"): string;
};

const schemaFile = new URL(
  "../../../node_library/graph_ops/graph_ops.schema.json",
  import.meta.url,
);
const generatedFile = new URL("./generated/graphOps.ts", import.meta.url);

describe("generated graph op types", () => {
  it("match the checked-in JSON Schema (run `npm run codegen:ops`)", async () => {
    const schema = JSON.parse(fs.readFileSync(schemaFile, "utf8")) as Parameters<typeof compile>[0];
    const fresh = await compile(schema, "GraphOp", { additionalProperties: false, format: false });
    const options = (await resolveConfig(generatedFile)) ?? {};
    const formatted = await format(fresh, { ...options, filepath: generatedFile.pathname });
    const stored = fs.readFileSync(generatedFile, "utf8");
    expect(
      stored === formatted,
      "src/api/generated/graphOps.ts is stale: run npm run codegen:ops",
    ).toBe(true);
  }, 30_000);
});
