import { describe, expect, it } from "vitest";
import {
  CLIPBOARD_KEY,
  copySelection,
  parseClipboard,
  pasteOps,
  serializeClipboard,
  type ClipboardPayload,
} from "./clipboard";
import { applyOps, type GraphDoc, type GraphNode } from "./ops";

/** The value, or a test failure when it is missing. */
function must<T>(value: T | null | undefined): T {
  if (value === null || value === undefined) throw new Error("expected a value");
  return value;
}

function node(id: string, type: string, x: number, y: number): GraphNode {
  return {
    id,
    type,
    type_version: 1,
    params: { p: id },
    position: { x, y },
    label: id.toUpperCase(),
  };
}

const doc: GraphDoc = {
  name: "wf",
  description: "",
  nodes: [
    node("orders", "sources.csv", 0, 0),
    node("revenue", "transforms.compute", 300, 40),
    node("totals", "transforms.aggregate", 600, 80),
  ],
  edges: [
    { id: "e1", source: "orders", source_port: "data", target: "revenue", target_port: "data" },
    { id: "e2", source: "revenue", source_port: "data", target: "totals", target_port: "data" },
  ],
  groups: [{ id: "g", title: "Prep", node_ids: ["orders", "revenue"], collapsed: false }],
};

const types = {
  "sources.csv": { version: 1 },
  "transforms.compute": { version: 1 },
  "transforms.aggregate": { version: 1 },
};

function copied(ids: string[]): ClipboardPayload {
  const payload = copySelection(doc, ids);
  if (!payload) throw new Error("nothing copied");
  return payload;
}

function pasted(payload: ClipboardPayload, target = doc, at?: { x: number; y: number }) {
  const result = pasteOps(payload, target, types, at ? { at } : {});
  if (!result.ok) throw new Error(result.message);
  return result.value;
}

describe("copySelection", () => {
  it("takes the selected nodes, the edges between them and the groups they fill", () => {
    const payload = copied(["revenue", "orders"]);
    expect(payload[CLIPBOARD_KEY]).toBe(1);
    expect(payload.nodes.map((n) => n.id)).toEqual(["orders", "revenue"]);
    expect(payload.edges.map((e) => e.id)).toEqual(["e1"]);
    expect(payload.groups.map((g) => g.id)).toEqual(["g"]);
    expect(copied(["revenue", "totals"]).groups).toEqual([]);
  });

  it("gives null when nothing is selected and does not alias the document", () => {
    expect(copySelection(doc, [])).toBeNull();
    const payload = copied(["orders"]);
    (payload.nodes[0]?.params as Record<string, unknown>).p = "changed";
    expect(doc.nodes[0]?.params).toEqual({ p: "orders" });
  });
});

describe("parseClipboard", () => {
  it("reads back what was serialized", () => {
    const payload = copied(["orders", "revenue"]);
    expect(parseClipboard(serializeClipboard(payload))).toEqual({ ok: true, value: payload });
  });

  it("refuses foreign text and JSON without the envelope, saying how to copy nodes", () => {
    for (const text of ["", "hello", "[1,2]", '{"nodes": []}', "{"]) {
      const result = parseClipboard(text);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.message).toMatch(/holds no canvas nodes.*Ctrl\+C/);
    }
  });

  it("names the damaged field of malformed canvas data", () => {
    const bad = JSON.parse(serializeClipboard(copied(["orders", "revenue"])));
    bad.nodes[1].position = { x: "1", y: 2 };
    const result = parseClipboard(JSON.stringify(bad));
    expect(result).toEqual({
      ok: false,
      message: expect.stringContaining("nodes[1]: position must be {x, y} numbers"),
    });
    const noEdges = parseClipboard(JSON.stringify({ [CLIPBOARD_KEY]: 1, nodes: [doc.nodes[0]] }));
    expect(noEdges.ok || noEdges.message).toMatch(/edges: must be a list/);
  });

  it("asks for a reload when the format is newer", () => {
    const result = parseClipboard(JSON.stringify({ [CLIPBOARD_KEY]: 2, nodes: [], edges: [] }));
    expect(result.ok || result.message).toMatch(/newer.*Reload/);
  });
});

describe("pasteOps", () => {
  it("adds copies with fresh ids and the edge between them remapped, as one batch", () => {
    const paste = pasted(copied(["orders", "revenue"]));
    expect(paste.nodeIds).toEqual(["orders_2", "revenue_2"]);
    expect(paste.ops.map((o) => o.op)).toEqual(["add_node", "add_node", "add_edge", "add_group"]);
    const after = applyOps(doc, paste.ops).doc; // the batch applies as a whole
    expect(after.nodes.map((n) => n.id)).toEqual([
      "orders",
      "revenue",
      "totals",
      "orders_2",
      "revenue_2",
    ]);
    expect(after.edges.at(-1)).toEqual({
      id: "orders_2.data->revenue_2.data",
      source: "orders_2",
      source_port: "data",
      target: "revenue_2",
      target_port: "data",
    });
    expect(after.groups.at(-1)).toMatchObject({
      id: "group",
      title: "Prep",
      node_ids: ["orders_2", "revenue_2"],
    });
    const copy = after.nodes.find((n) => n.id === "revenue_2");
    expect(copy).toMatchObject({ params: { p: "revenue" }, label: "REVENUE" });
  });

  it("drops edges to nodes that were not copied", () => {
    const payload = copied(["revenue"]);
    payload.edges.push({ ...must(doc.edges[1]) }); // revenue -> totals, totals not copied
    const paste = pasted(payload);
    expect(paste.ops.map((o) => o.op)).toEqual(["add_node"]);
  });

  it("offsets the copies by 40 px, or puts the block's top-left corner at the paste point", () => {
    const offset = pasted(copied(["revenue", "totals"]));
    expect(offset.ops.slice(0, 2)).toMatchObject([
      { node: { position: { x: 340, y: 80 } } },
      { node: { position: { x: 640, y: 120 } } },
    ]);
    const atMouse = pasted(copied(["revenue", "totals"]), doc, { x: 1000.4, y: -20 });
    expect(atMouse.ops.slice(0, 2)).toMatchObject([
      { node: { position: { x: 1000, y: -20 } } },
      { node: { position: { x: 1300, y: 20 } } },
    ]);
  });

  it("keeps the ids when pasting into a workflow that does not have them", () => {
    const empty: GraphDoc = { name: "other", description: "", nodes: [], edges: [], groups: [] };
    const paste = pasted(copied(["orders", "revenue", "totals"]), empty);
    expect(paste.nodeIds).toEqual(["orders", "revenue", "totals"]);
    expect(applyOps(empty, paste.ops).doc.edges.map((e) => e.id)).toEqual([
      "orders.data->revenue.data",
      "revenue.data->totals.data",
    ]);
  });

  it("refuses unknown node types and other type versions with a message naming the node", () => {
    const payload = copied(["orders"]);
    payload.nodes[0] = { ...must(payload.nodes[0]), type: "plugins.magic" };
    const unknown = pasteOps(payload, doc, types);
    expect(unknown.ok || unknown.message).toMatch(/no node type 'plugins.magic' \(node 'orders'\)/);
    const old = copied(["orders"]);
    old.nodes[0] = { ...must(old.nodes[0]), type_version: 3 };
    const versioned = pasteOps(old, doc, types);
    expect(versioned.ok || versioned.message).toMatch(/version 3.*version 1/);
  });

  it("pastes one edge per input even from a hand-made clipboard", () => {
    const payload = copied(["orders", "revenue"]);
    payload.edges.push({ ...must(payload.edges[0]), id: "dup" });
    const paste = pasted(payload);
    expect(paste.ops.filter((o) => o.op === "add_edge")).toHaveLength(1);
    expect(() => applyOps(doc, paste.ops)).not.toThrow();
  });
});
