/**
 * The one node component, drawn from the registry's spec: a title, input ports on the left and
 * output ports on the right, each labeled and coloured by data type. It reads its spec and run
 * state through narrow selectors so a status change re-renders this node only.
 */

import { Handle, Position, type NodeProps } from "@xyflow/react";
import { memo } from "react";
import type { PortSpec } from "../api/canvasApi";
import { dataTypeColor } from "../graph/ports";
import type { CanvasFlowNode } from "../store/flowModel";
import { useRegistryStore } from "../store/useRegistryStore";
import { useRunStore } from "../store/useRunStore";

function PortRow({ port, side }: { port: PortSpec; side: "in" | "out" }) {
  const color = dataTypeColor(port.dataType);
  return (
    <div className={`port port-${side}`} title={`${port.dataType}: ${port.description}`}>
      <Handle
        type={side === "in" ? "target" : "source"}
        position={side === "in" ? Position.Left : Position.Right}
        id={port.name}
        style={{ background: color, borderColor: color }}
      />
      <span className="port-label">
        {port.label || port.name}
        {side === "in" && port.required ? "" : side === "in" ? " (optional)" : ""}
      </span>
      <span className="port-type" style={{ color }}>
        {port.dataType}
      </span>
    </div>
  );
}

function CanvasNodeView({ id, data, selected }: NodeProps<CanvasFlowNode>) {
  const spec = useRegistryStore((s) => s.specs[data.typeId]);
  const run = useRunStore((s) => s.byNode[id]);
  const fresh = useRunStore((s) => s.freshness[id]);
  const status = run?.state ?? fresh?.state ?? null;
  const title = data.label || spec?.displayName || data.typeId;
  const progress = run?.state === "running" && run.total ? ` ${run.done ?? 0}/${run.total}` : "";
  return (
    <div
      className={`canvas-node${selected ? " selected" : ""}${status ? ` status-${status}` : ""}`}
      title={run?.message || fresh?.reason || spec?.description || ""}
    >
      <div className="node-header">
        <span className="node-title">{title}</span>
        {status && (
          <span className={`node-badge badge-${status}`}>
            {status}
            {progress}
          </span>
        )}
      </div>
      {spec ? (
        <div className="node-ports">
          {spec.inputs.map((p) => (
            <PortRow key={`in-${p.name}`} port={p} side="in" />
          ))}
          {spec.outputs.map((p) => (
            <PortRow key={`out-${p.name}`} port={p} side="out" />
          ))}
        </div>
      ) : (
        <div className="node-unknown">unknown node type {data.typeId}</div>
      )}
    </div>
  );
}

export const CanvasNode = memo(CanvasNodeView);
