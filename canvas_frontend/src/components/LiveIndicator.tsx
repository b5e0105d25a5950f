/**
 * The toolbar's live-collaboration indicator: whether teammates' edits stream in ("Live"), how
 * many of their edits were applied since the workflow was opened, and, while saving fails for a
 * network reason, how many of this user's edits wait (kept on the canvas and retried).
 */

import { memo } from "react";
import { useCollabStore } from "../store/useCollabStore";
import "./workflows.css";

const WORDS = { connecting: "Connecting…", live: "Live", offline: "Offline" } as const;

export const LiveIndicator = memo(function LiveIndicator() {
  const connection = useCollabStore((s) => s.connection);
  const teammateEdits = useCollabStore((s) => s.teammateEdits);
  const unsaved = useCollabStore((s) => s.unsaved);
  const retrying = useCollabStore((s) => s.retrying);
  const title =
    connection === "live"
      ? "Teammates' edits to this workflow appear as they are made"
      : connection === "offline"
        ? "Not receiving teammates' edits; reconnecting"
        : "Connecting to receive teammates' edits";
  return (
    <span className={`live-indicator live-${connection}`} role="status" title={title}>
      <span className="live-dot" aria-hidden="true" />
      {WORDS[connection]}
      {teammateEdits > 0 && (
        <span className="live-edits">
          · {teammateEdits} teammate edit{teammateEdits === 1 ? "" : "s"} applied
        </span>
      )}
      {retrying && unsaved > 0 && (
        <span className="live-unsaved">
          {unsaved} edit{unsaved === 1 ? "" : "s"} not saved yet, retrying
        </span>
      )}
    </span>
  );
});
