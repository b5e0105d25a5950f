/**
 * The properties form's draft of one node's params. Edits are kept as a draft and committed as
 * one update_params op with the full params ~400 ms after the last change (or when the selection
 * changes, or before a run), so a burst of typing is one undo step. A draft is made on the
 * document's params as they were; when those change under it (undo, a teammate's edit, a
 * reload), the form shows the document's again and the draft is not committed.
 */

import { useCallback, useEffect, useRef, useState } from "react";
import { stableKey } from "../graph/paramsForm";
import { useWorkflowStore } from "../store/useWorkflowStore";
import type { Commit } from "./useGraphCommit";

const DEBOUNCE_MS = 400;

type Params = Record<string, unknown>;

interface Draft {
  nodeId: string;
  /** stableKey of the document's params the draft was made on; another value means undo/reload. */
  base: string;
  params: Params;
  dirty: boolean;
}

export interface PropertiesDraft {
  /** What the form shows: the draft while it is based on the document's params, else those. */
  params: Params;
  /** Edits not committed yet (the server's issues may be about the params before them). */
  pending: boolean;
  /** Set one param (undefined removes it) and commit after a pause. */
  setParam: (name: string, value: unknown) => void;
  /** Commit what is pending now. */
  flush: () => void;
}

const NO_PARAMS: Params = {};

function without<T>(record: Record<string, T>, key: string): Record<string, T> {
  return Object.fromEntries(Object.entries(record).filter(([k]) => k !== key));
}

/** The draft for node `nodeId`, whose params in the document are `docParams` (undefined while
 * the node is not in the document). */
export function usePropertiesDraft(
  nodeId: string,
  docParams: Params | undefined,
  commit: Commit,
): PropertiesDraft {
  const [draft, setDraftState] = useState<Draft | null>(null);
  const draftRef = useRef<Draft | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  const setDraft = useCallback((next: Draft | null) => {
    draftRef.current = next;
    setDraftState(next);
  }, []);

  const flush = useCallback(() => {
    clearTimeout(timer.current);
    timer.current = undefined;
    const d = draftRef.current;
    if (!d?.dirty) return;
    const current = useWorkflowStore.getState().doc?.nodes.find((n) => n.id === d.nodeId);
    if (!current || stableKey(current.params) !== d.base) return; // changed under the draft
    commit([{ op: "update_params", node_id: d.nodeId, params: d.params }]);
    setDraft({ ...d, dirty: false, base: stableKey(d.params) });
  }, [commit, setDraft]);

  // Save what is pending when the node is deselected or the panel goes away.
  useEffect(() => flush, [flush]);

  const live =
    docParams && draft && draft.nodeId === nodeId && draft.base === stableKey(docParams)
      ? draft
      : null;

  function setParam(name: string, value: unknown) {
    if (!docParams) return;
    const base = live ?? { nodeId, base: stableKey(docParams), params: docParams, dirty: false };
    const next: Draft = {
      ...base,
      params: value === undefined ? without(base.params, name) : { ...base.params, [name]: value },
      dirty: true,
    };
    clearTimeout(timer.current);
    timer.current = setTimeout(flush, DEBOUNCE_MS);
    setDraft(next);
  }

  return {
    params: live?.params ?? docParams ?? NO_PARAMS,
    pending: live?.dirty ?? false,
    setParam,
    flush,
  };
}
