/**
 * Runs as the canvas reads them beyond launching: the latest run of a workflow, the run history,
 * one run's per-node steps and metrics, re-executing a failed run from its failure, and
 * cancelling. Launching and the event stream live in canvasApi.ts.
 */

import type { LaunchRunError, Result, RunLaunched } from "./canvasApi";
import { request, type RequestOptions } from "./client";
import {
  CancelRunDocument,
  LatestRunsDocument,
  ReexecuteRunDocument,
  RunDetailsDocument,
  RunHistoryDocument,
  RunMetricsDocument,
  type CancelRunMutation,
  type LatestRunsQuery,
  type RunDetailsQuery,
  type RunHistoryQuery,
  type RunMetricsQuery,
} from "./generated/graphql";

export type RunSummary = LatestRunsQuery["runs"][number];
export type RunWithSteps = Extract<RunDetailsQuery["run"], { __typename: "Run" }>;
export type RunStep = RunWithSteps["steps"][number];
export type RunHistoryEntry = RunHistoryQuery["runs"][number];
export type RunMetrics = Extract<RunMetricsQuery["run"], { __typename: "Run" }>["metrics"];
export type CancelRunError = Exclude<
  CancelRunMutation["cancelRun"],
  { __typename: "RunCanceling" }
>;

/** Dagster's statuses of a run that has ended; any other status is still going. */
export const FINISHED_RUN_STATUSES: ReadonlySet<string> = new Set([
  "SUCCESS",
  "FAILURE",
  "CANCELED",
]);

/** The workflow's newest run visible to this user, or null when it never ran. */
export async function fetchLatestRun(
  workflowId: string,
  options?: RequestOptions,
): Promise<RunSummary | null> {
  const runs = (await request(LatestRunsDocument, { workflowId, first: 1 }, options)).runs;
  return runs[0] ?? null;
}

export async function fetchRun(
  runId: string,
  options?: RequestOptions,
): Promise<Result<RunWithSteps, { message: string }>> {
  const result = (await request(RunDetailsDocument, { id: runId }, options)).run;
  return result.__typename === "Run"
    ? { ok: true, value: result }
    : { ok: false, error: { message: result.message } };
}

/** Ask the server to stop the run before its next node starts. */
export async function cancelRun(
  runId: string,
  options?: RequestOptions,
): Promise<Result<string, CancelRunError>> {
  const result = (await request(CancelRunDocument, { id: runId }, options)).cancelRun;
  return result.__typename === "RunCanceling"
    ? { ok: true, value: result.runId }
    : { ok: false, error: result };
}

/** The workflow's runs visible to this user, newest first, with the nodes each executes. */
export async function fetchRunHistory(
  workflowId: string,
  first = 30,
  options?: RequestOptions,
): Promise<RunHistoryEntry[]> {
  return (await request(RunHistoryDocument, { workflowId, first }, options)).runs;
}

/** The metrics the nodes of one run produced, flattened to named scalars. */
export async function fetchRunMetrics(
  runId: string,
  options?: RequestOptions,
): Promise<Result<RunMetrics, { message: string }>> {
  const result = (await request(RunMetricsDocument, { id: runId }, options)).run;
  return result.__typename === "Run"
    ? { ok: true, value: result.metrics }
    : { ok: false, error: { message: result.message } };
}

/** A new run of what a failed or canceled run did not complete, reusing what it did. */
export async function reexecuteRun(
  runId: string,
  options?: RequestOptions,
): Promise<Result<RunLaunched, LaunchRunError>> {
  const result = (await request(ReexecuteRunDocument, { id: runId }, options)).reexecuteRun;
  return result.__typename === "RunLaunched"
    ? { ok: true, value: result as RunLaunched }
    : { ok: false, error: result as LaunchRunError };
}
