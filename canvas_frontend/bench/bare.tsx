/**
 * The frame-time benchmark's baseline (bench/bench_canvas.py): a bare React Flow page that draws
 * the same graph as the app, with React Flow's built-in default nodes and bezier edges,
 * uncontrolled (`defaultNodes`/`defaultEdges`), and no Background, MiniMap or Controls.
 *
 * `bare.html?graph=<url>` fetches the graph JSON the runner generated:
 * `{nodes: [{id, x, y, label}], edges: [{id, source, target}]}`; optional `&width=<px>&height=<px>`
 * give the canvas the app's pane size so both pages paint the same area. Built by
 * `vite build --config vite.bench.config.ts` into dist-bench/ (never part of the app's build).
 */

import "@xyflow/react/dist/style.css";
import { createRoot } from "react-dom/client";
import "./bare.css";
import { BareFlow } from "./BareFlow";
import { parseGraph } from "./benchGraph";

/** An optional size parameter in pixels; undefined when absent (the canvas fills the window). */
function pixels(params: URLSearchParams, name: string): number | undefined {
  const text = params.get(name);
  if (text === null) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 100) {
    throw new Error(
      `?${name}= must be a whole number of pixels >= 100, got ${JSON.stringify(text)}`,
    );
  }
  return value;
}

async function main(rootElement: HTMLElement): Promise<void> {
  const params = new URLSearchParams(window.location.search);
  const url = params.get("graph");
  if (!url) {
    throw new Error(
      "bare.html needs ?graph=<url of a graph JSON>; bench/bench_canvas.py serves one",
    );
  }
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  const graph = parseGraph(await response.json(), url);
  const size = { width: pixels(params, "width"), height: pixels(params, "height") };
  createRoot(rootElement).render(<BareFlow graph={graph} size={size} />);
}

const rootElement = document.getElementById("root");
if (!rootElement) throw new Error("bare.html has no #root element");
main(rootElement).catch((err: unknown) => {
  const message = document.createElement("p");
  message.className = "bare-error";
  message.setAttribute("role", "alert");
  message.textContent = `The bare benchmark page cannot start: ${String(err)}`;
  rootElement.replaceChildren(message);
  // Re-thrown so the runner sees it as a page error too.
  throw err;
});
