/**
 * Schedules as the schedule dialog uses them: list a workflow's, create one (the whole workflow
 * or one node with its upstream), change its cron, zone or on/off, delete it. A bad cron or zone
 * comes back as the server's InvalidInputError, which the dialog shows inline.
 */

import type { Result } from "./canvasApi";
import { request, type RequestOptions } from "./client";
import {
  CreateScheduleDocument,
  DeleteScheduleDocument,
  SchedulesDocument,
  UpdateScheduleDocument,
  type CreateScheduleMutation,
  type ScheduleFieldsFragment,
  type ScheduleInput,
  type ScheduleUpdate,
} from "./generated/graphql";

export type Schedule = ScheduleFieldsFragment;
export type ScheduleError = Exclude<
  CreateScheduleMutation["createSchedule"],
  { __typename?: "Schedule" }
>;

export async function fetchSchedules(
  workflowId: string,
  options?: RequestOptions,
): Promise<Schedule[]> {
  return (await request(SchedulesDocument, { workflowId }, options)).schedules;
}

export async function createSchedule(
  input: ScheduleInput,
  options?: RequestOptions,
): Promise<Result<Schedule, ScheduleError>> {
  const result = (await request(CreateScheduleDocument, { input }, options)).createSchedule;
  return result.__typename === "Schedule"
    ? { ok: true, value: result }
    : { ok: false, error: result as ScheduleError };
}

/** Change a schedule; fields left out stay (toggle: `{ enabled }`). */
export async function updateSchedule(
  id: string,
  input: ScheduleUpdate,
  options?: RequestOptions,
): Promise<Result<Schedule, ScheduleError>> {
  const result = (await request(UpdateScheduleDocument, { id, input }, options)).updateSchedule;
  return result.__typename === "Schedule"
    ? { ok: true, value: result }
    : { ok: false, error: result as ScheduleError };
}

export async function deleteSchedule(
  id: string,
  options?: RequestOptions,
): Promise<Result<string, { message: string }>> {
  const result = (await request(DeleteScheduleDocument, { id }, options)).deleteSchedule;
  return result.__typename === "ScheduleDeleted"
    ? { ok: true, value: result.id }
    : { ok: false, error: { message: result.message } };
}
