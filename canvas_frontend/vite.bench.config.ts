/**
 * Build of the frame-time benchmark's bare React Flow page (bench/bare.html) into dist-bench/.
 * Separate from vite.config.ts so the app's build output never changes; bench/bench_canvas.py runs
 * `vite build --config vite.bench.config.ts`.
 */
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

const root = fileURLToPath(new URL("./bench", import.meta.url));

export default defineConfig({
  root,
  base: "./",
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL("./dist-bench", import.meta.url)),
    emptyOutDir: true,
    rolldownOptions: { input: { bare: `${root}/bare.html` } },
  },
});
