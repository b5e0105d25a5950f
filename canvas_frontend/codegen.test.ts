// Fails when src/api/generated/ is stale against ../graphql_api/schema.graphql or the operations:
// regenerate in memory, format like the codegen hook does, compare with the checked-in file.
import { readFile } from "node:fs/promises";
import { generate } from "@graphql-codegen/cli";
import { format, resolveConfig } from "prettier";
import { describe, expect, it } from "vitest";
import config from "./codegen";

describe("generated GraphQL types", () => {
  it("match the checked-in SDL and operations (run `npm run codegen`)", async () => {
    const outputs = (await generate({ ...config, silent: true, hooks: {} }, false)) as {
      filename: string;
      content: string;
    }[];
    expect(outputs.length).toBeGreaterThan(0);
    for (const output of outputs) {
      const options = (await resolveConfig(output.filename)) ?? {};
      const fresh = await format(output.content, { ...options, filepath: output.filename });
      const stored = await readFile(output.filename, "utf8");
      expect(stored === fresh, `${output.filename} is stale: run npm run codegen`).toBe(true);
    }
  }, 60_000);
});
