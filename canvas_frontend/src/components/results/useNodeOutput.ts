/**
 * The result the panel shows for one node output: fetched when the node, port, sort or filter
 * changes, and again when `reload` changes (the node's run finished, its freshness changed).
 * When the node has no current result but an earlier one is stored, that earlier one is fetched
 * (it comes back with `current: false`). A filter the API refuses keeps the last good table on
 * screen and reports the refusal separately, so the grid does not vanish while the user types.
 * Loading is derived (the settled request differs from the wanted one), never set in an effect.
 */

import { useEffect, useState } from "react";
import {
  fetchNodeOutput,
  type InvalidInput,
  type OutputError,
  type OutputPreview,
  type OutputRequest,
} from "../../api/outputsApi";

export interface OutputTarget {
  workflowId: string;
  nodeId: string;
  port: string | null;
}

export interface OutputQuery {
  sortBy: string | null;
  descending: boolean;
  where: string | null;
}

interface Settled {
  key: string;
  target: string;
  preview: OutputPreview | null;
  error: OutputError | null;
  whereError: InvalidInput | null;
  failure: string | null;
}

export interface NodeOutputState {
  loading: boolean;
  /** The result to show (possibly of the previous sort/filter while a new one loads). */
  preview: OutputPreview | null;
  /** Why there is no result (not run, stale without an earlier result, no such port...). */
  error: OutputError | null;
  /** The filter the API refused, with its position and hint. */
  whereError: InvalidInput | null;
  /** The request did not reach the API or the API failed. */
  failure: string | null;
}

const EMPTY: NodeOutputState = {
  loading: false,
  preview: null,
  error: null,
  whereError: null,
  failure: null,
};

function targetKey(target: OutputTarget | null): string {
  return target ? `${target.workflowId}\u0000${target.nodeId}\u0000${target.port ?? ""}` : "";
}

async function load(
  request: OutputRequest,
  signal: AbortSignal,
): Promise<Pick<Settled, "preview" | "error">> {
  const first = await fetchNodeOutput(request, { signal });
  if (first.ok) return { preview: first.value, error: null };
  const error = first.error;
  if (error.__typename === "NoResultError" && error.earlierCacheKey) {
    const earlier = await fetchNodeOutput(
      { ...request, cacheKey: error.earlierCacheKey },
      { signal },
    );
    if (earlier.ok) return { preview: earlier.value, error: null };
  }
  return { preview: null, error };
}

export function useNodeOutput(
  target: OutputTarget | null,
  query: OutputQuery,
  reload: string,
): NodeOutputState {
  const [settled, setSettled] = useState<Settled | null>(null);
  const target_ = targetKey(target);
  const key = `${target_}\u0000${query.sortBy ?? ""}\u0000${query.descending}\u0000${query.where ?? ""}\u0000${reload}`;

  useEffect(() => {
    if (!target) return;
    const controller = new AbortController();
    const request: OutputRequest = {
      workflowId: target.workflowId,
      nodeId: target.nodeId,
      port: target.port,
      sortBy: query.sortBy,
      descending: query.descending,
      where: query.where,
    };
    load(request, controller.signal)
      .then(({ preview, error }) => {
        if (controller.signal.aborted) return;
        setSettled((prev) => {
          const sameTarget = prev?.target === target_;
          if (error?.__typename === "InvalidInputError" && error.field === "where") {
            return {
              key,
              target: target_,
              preview: sameTarget ? prev.preview : null,
              error: sameTarget ? prev.error : null,
              whereError: error,
              failure: null,
            };
          }
          return { key, target: target_, preview, error, whereError: null, failure: null };
        });
      })
      .catch((err: unknown) => {
        if (controller.signal.aborted) return;
        setSettled((prev) => ({
          key,
          target: target_,
          preview: prev?.target === target_ ? prev.preview : null,
          error: null,
          whereError: null,
          failure: err instanceof Error ? err.message : String(err),
        }));
      });
    return () => controller.abort();
    // `key` holds every input of the request; `target` and `query` are read through it.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);

  if (!target) return EMPTY;
  if (!settled || settled.target !== target_) return { ...EMPTY, loading: true };
  return {
    loading: settled.key !== key,
    preview: settled.preview,
    error: settled.error,
    whereError: settled.whereError,
    failure: settled.failure,
  };
}
