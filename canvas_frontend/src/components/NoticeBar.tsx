/**
 * The canvas page's one notice under the toolbar: an error (an alert) or information (a status),
 * until dismissed or replaced.
 */

import { memo } from "react";
import { useWorkflowStore } from "../store/useWorkflowStore";

export const NoticeBar = memo(function NoticeBar() {
  const notice = useWorkflowStore((s) => s.notice);
  if (!notice) return null;
  return (
    <div
      className={`notice notice-${notice.kind}`}
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
