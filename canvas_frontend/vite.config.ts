/// <reference types="vitest/config" />
import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// The API (graphql_api.server) serves dist/ at /; `npm run dev` proxies /graphql, /files and the
// Dagster UI (/dagster) to it.
const api = process.env.CANVAS_API ?? "http://127.0.0.1:8000";

export default defineConfig({
  plugins: [react()],
  build: { outDir: "dist", sourcemap: true },
  server: {
    proxy: {
      "/graphql": { target: api, ws: true },
      "/files": { target: api },
      "/dagster": { target: api, ws: true },
    },
  },
  test: {
    include: ["src/**/*.test.ts", "codegen.test.ts"],
    environment: "node",
  },
});
