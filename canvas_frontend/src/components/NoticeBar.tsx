/**
 * The canvas page's one notice: an error (an alert) or information (a status), until dismissed
 * or replaced. It floats over the top of the canvas (styles.css .canvas-notice) instead of taking
 * a row of the page, so it appearing or going never moves the canvas under the user's pointer.
 */

import { memo } from "react";
import { useWorkflowStore } from "../store/useWorkflowStore";

export const NoticeBar = memo(function NoticeBar() {
  const notice = useWorkflowStore((s) => s.notice);
  if (!notice) return null;
  return (
    <div
      className={`notice canvas-notice notice-${notice.kind}`}
      role={notice.kind === "error" ? "alert" : "status"}
    >
      {notice.text}
      <button
        type="button"
        onClick={() => useWorkflowStore.getState().notify(null)}
        aria-label="Dismiss"
      >
        ×
      </button>
    </div>
  );
});
