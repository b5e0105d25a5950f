/**
 * A group's frame on the canvas (a React Flow node of type "groupFrame", drawn below the nodes):
 * a title bar that drags the group (store/flowModel.ts moves the members along), a title renamed
 * by double-click, a collapse toggle and an ungroup button. Collapsed, it is a compact box with
 * the member count, and edges to hidden members end on its two handles. Every edit is one
 * committed op, so one undo step.
 */

import { Handle, Position, type NodeProps } from "@xyflow/react";
import { memo, useState, type KeyboardEvent } from "react";
import { FRAME_IN, FRAME_OUT, titleProblem } from "../graph/groups";
import type { GroupFrameNode } from "../store/flowModel";
import { useWorkflowStore } from "../store/useWorkflowStore";
import { useGraphCommit } from "./useGraphCommit";
import "./GroupFrame.css";

function GroupFrameView({ data }: NodeProps<GroupFrameNode>) {
  const { commit } = useGraphCommit();
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(data.title);
  const title = data.title || "Group";
  const members = `${data.count} node${data.count === 1 ? "" : "s"}`;

  function startEditing() {
    setDraft(data.title);
    setEditing(true);
  }

  function finish(save: boolean) {
    setEditing(false);
    const next = draft.trim();
    if (!save || next === data.title) return;
    const problem = titleProblem(next);
    if (problem) {
      useWorkflowStore.getState().notify({ kind: "error", text: problem });
      return;
    }
    commit([{ op: "update_group", group_id: data.groupId, title: next }]);
  }

  function onKeyDown(event: KeyboardEvent) {
    if (event.key === "Enter") finish(true);
    else if (event.key === "Escape") finish(false);
  }

  return (
    <div
      className={`group-frame${data.collapsed ? " collapsed" : ""}`}
      data-group-id={data.groupId}
      aria-label={`Group ${title}`}
    >
      <div className="group-frame-header" title="Drag to move the group; double-click to rename">
        {editing ? (
          <input
            className="group-frame-title-input nodrag"
            aria-label="Group title"
            value={draft}
            maxLength={200}
            autoFocus
            onChange={(e) => setDraft(e.target.value)}
            onKeyDown={onKeyDown}
            onBlur={() => finish(true)}
          />
        ) : (
          <span className="group-frame-title" onDoubleClick={startEditing}>
            {title}
          </span>
        )}
        <span className="group-frame-count">{members}</span>
        <button
          type="button"
          className="nodrag"
          onClick={() =>
            commit([{ op: "update_group", group_id: data.groupId, collapsed: !data.collapsed }])
          }
          aria-label={data.collapsed ? `Expand group ${title}` : `Collapse group ${title}`}
          title={data.collapsed ? "Expand" : "Collapse"}
        >
          {data.collapsed ? "▸" : "▾"}
        </button>
        <button
          type="button"
          className="nodrag"
          onClick={() => commit([{ op: "remove_group", group_id: data.groupId }])}
          aria-label={`Ungroup ${title}`}
          title="Ungroup (the nodes stay)"
        >
          ⤫
        </button>
      </div>
      {data.collapsed && <div className="group-frame-summary">{members} hidden</div>}
      <Handle type="target" position={Position.Left} id={FRAME_IN} isConnectable={false} />
      <Handle type="source" position={Position.Right} id={FRAME_OUT} isConnectable={false} />
    </div>
  );
}

export const GroupFrame = memo(GroupFrameView);
