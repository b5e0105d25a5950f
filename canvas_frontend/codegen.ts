import type { CodegenConfig } from "@graphql-codegen/cli";

// Types for the checked-in SDL and the operations in src/api/*.graphql (one file per domain).
// Run `npm run codegen` after either changes; src/api/generated.test.ts fails when they are stale.
const config: CodegenConfig = {
  schema: "../graphql_api/schema.graphql",
  documents: ["src/api/*.graphql"],
  generates: {
    "src/api/generated/graphql.ts": {
      plugins: ["typescript-operations", "typed-document-node"],
      config: {
        enumsAsTypes: true,
        useTypeImports: true,
        avoidOptionals: { field: true, inputValue: false, object: true, defaultValue: false },
        scalars: {
          JSON: "unknown",
          DateTime: "string",
          Upload: "File",
        },
        nonOptionalTypename: false,
        documentMode: "string",
      },
    },
  },
  hooks: { afterAllFileWrite: ["prettier --write"] },
};

export default config;
