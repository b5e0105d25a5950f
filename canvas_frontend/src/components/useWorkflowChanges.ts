/**
 * Follows workflowChanged so teammates' edits appear live. Once the open workflow is loaded, a
 * sync session starts (useGraphCommit.ts) and the subscription streams every batch after the
 * session's revision into it; when the stream fails or ends it resumes, with backoff, from the
 * newest revision taken, so no batch is missed and none is applied twice (revisions are taken
 * once). The connection state feeds the toolbar's live indicator. Leaving the canvas keeps
 * sending edits still queued (closeSession); closing the tab with edits unsaved asks first.
 */

import { useEffect } from "react";
import { subscriptionClient } from "../api/client";
import { subscribeWorkflowChanges } from "../api/workflowsApi";
import { useCollabStore } from "../store/useCollabStore";
import { useWorkflowStore } from "../store/useWorkflowStore";
import { closeSession, openSession } from "./useGraphCommit";

const FIRST_RETRY_MS = 1000;
const MAX_RETRY_MS = 15_000;

export function useWorkflowChanges(workflowId: string): void {
  const loaded = useWorkflowStore((s) => s.workflowId === workflowId && s.doc !== null);

  useEffect(() => {
    if (!loaded) return;
    const session = openSession(workflowId);
    if (!session) return;
    const collab = useCollabStore.getState();
    const client = subscriptionClient();
    const listeners = [
      client.on("connected", () => collab.setConnection("live")),
      client.on("closed", () => collab.setConnection("offline")),
    ];
    let stop: (() => void) | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let delay = FIRST_RETRY_MS;

    const listen = (): void => {
      // graphql-ws reports no per-subscription start: live until the socket says otherwise
      collab.setConnection("live");
      stop = subscribeWorkflowChanges(workflowId, session.revision, {
        next: (batch) => {
          delay = FIRST_RETRY_MS;
          collab.setConnection("live");
          session.receive(batch);
        },
        error: () => {
          collab.setConnection("offline");
          resume();
        },
        complete: () => resume(),
      });
    };
    const resume = (): void => {
      stop = null;
      timer = setTimeout(listen, delay);
      delay = Math.min(delay * 2, MAX_RETRY_MS);
    };
    listen();
    // Closing the tab while edits are still on their way would lose them: the browser asks first.
    const onLeave = (e: BeforeUnloadEvent) => {
      if (useCollabStore.getState().unsaved > 0) e.preventDefault();
    };
    window.addEventListener("beforeunload", onLeave);

    return () => {
      window.removeEventListener("beforeunload", onLeave);
      clearTimeout(timer);
      stop?.();
      for (const off of listeners) off();
      closeSession(session);
    };
  }, [loaded, workflowId]);
}
