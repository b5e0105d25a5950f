/**
 * The schedule dialog ("Schedule…" in the toolbar, "Schedule this node…" in a node's status
 * panel): the workflow's schedules (what they run, cron and its description, time zone, next
 * tick, last run, an on/off toggle, delete) and a form to add one for the whole workflow or the
 * node it was opened for, with presets (hourly, daily at 06:00, Monday at 06:00, custom cron)
 * and the time zone defaulting to the browser's. The server checks the cron and zone; its error
 * shows under the form.
 */

import { memo, useCallback, useEffect, useMemo, useRef, useState, type FormEvent } from "react";
import {
  createSchedule,
  deleteSchedule,
  fetchSchedules,
  updateSchedule,
  type Schedule,
  type ScheduleError,
} from "../api/schedulesApi";
import { parseTimestamp } from "../graph/elapsed";
import { formatAgo } from "../graph/runHistory";
import {
  browserTimeZone,
  cronOfPreset,
  formatUntil,
  SCHEDULE_PRESETS,
  timeZoneChoices,
  type PresetId,
} from "../graph/schedulePresets";
import { useRunPanelsStore } from "../store/useRunPanelsStore";
import { useWorkflowStore } from "../store/useWorkflowStore";
import { useNow } from "./useNow";
import "./runHistory.css";

export const ScheduleDialog = memo(function ScheduleDialog() {
  const scheduleFor = useRunPanelsStore((s) => s.scheduleFor);
  const workflowId = useWorkflowStore((s) => s.workflowId);
  if (scheduleFor === null || !workflowId) return null;
  return <ScheduleDialogBody workflowId={workflowId} node={scheduleFor || null} />;
});

function errorText(error: ScheduleError): string {
  const hint = "hint" in error && error.hint ? ` (${error.hint})` : "";
  return `${error.message}${hint}`;
}

function ScheduleDialogBody({ workflowId, node }: { workflowId: string; node: string | null }) {
  const close = useCallback(() => useRunPanelsStore.getState().closeSchedule(), []);
  const closeButton = useRef<HTMLButtonElement | null>(null);
  const [schedules, setSchedules] = useState<Schedule[] | null>(null);
  const [listError, setListError] = useState<string | null>(null);
  const [version, setVersion] = useState(0);
  const reload = useCallback(() => setVersion((v) => v + 1), []);
  const labels = useWorkflowStore((s) => s.doc?.nodes);
  const labelOf = (id: string) => labels?.find((n) => n.id === id)?.label || id;

  useEffect(() => closeButton.current?.focus(), []);
  useEffect(() => {
    let live = true;
    fetchSchedules(workflowId)
      .then((list) => {
        if (!live) return;
        setSchedules(list);
        setListError(null);
      })
      .catch((err: unknown) => live && setListError(String(err)));
    return () => {
      live = false;
    };
  }, [workflowId, version]);

  const act = async (action: () => Promise<{ ok: boolean; error?: unknown }>) => {
    try {
      const result = await action();
      if (!result.ok) {
        const error = result.error as { message?: string } | undefined;
        setListError(error?.message ?? "the server refused the change");
      }
    } catch (err) {
      setListError(String(err));
    }
    reload();
  };

  return (
    <div
      className="modal-backdrop"
      onMouseDown={(e) => {
        if (e.target === e.currentTarget) close();
      }}
    >
      <div
        className="modal schedule-dialog"
        role="dialog"
        aria-modal="true"
        aria-label="Schedules"
        onKeyDown={(e) => {
          if (e.key === "Escape") {
            e.preventDefault();
            e.stopPropagation();
            close();
          }
        }}
      >
        <header>
          <h2>Schedules</h2>
          <button type="button" ref={closeButton} onClick={close} aria-label="Close">
            ×
          </button>
        </header>
        <p className="muted small">
          Each tick runs what is stale; when everything is fresh the tick does nothing. Scheduled
          runs show in Runs with the trigger “schedule”.
        </p>
        {listError && (
          <p className="runs-error" role="alert">
            {listError}
          </p>
        )}
        {schedules === null ? (
          <p className="muted">…</p>
        ) : schedules.length === 0 ? (
          <p className="muted">This workflow has no schedule yet.</p>
        ) : (
          <ScheduleList
            schedules={schedules}
            labelOf={labelOf}
            onToggle={(s) => {
              // the switch flips at once; the reload after the answer says what the server kept
              setSchedules(
                (list) =>
                  list && list.map((x) => (x.id === s.id ? { ...x, enabled: !s.enabled } : x)),
              );
              void act(() => updateSchedule(s.id, { enabled: !s.enabled }));
            }}
            onDelete={(s) => void act(() => deleteSchedule(s.id))}
          />
        )}
        <AddScheduleForm
          workflowId={workflowId}
          node={node}
          nodeLabel={node ? labelOf(node) : null}
          onAdded={reload}
        />
      </div>
    </div>
  );
}

function ScheduleList({
  schedules,
  labelOf,
  onToggle,
  onDelete,
}: {
  schedules: readonly Schedule[];
  labelOf: (id: string) => string;
  onToggle: (s: Schedule) => void;
  onDelete: (s: Schedule) => void;
}) {
  const now = useNow();
  return (
    <table className="schedule-list">
      <thead>
        <tr>
          <th>Runs</th>
          <th>When</th>
          <th>Time zone</th>
          <th>Next tick</th>
          <th>Last run</th>
          <th>On</th>
          <th aria-label="Delete" />
        </tr>
      </thead>
      <tbody>
        {schedules.map((s) => {
          const next = parseTimestamp(s.nextTick);
          const last = s.lastRun;
          const lastAt = last ? parseTimestamp(last.startedAt ?? last.createdAt) : null;
          const what = s.node ? `${labelOf(s.node)} (with its upstream)` : "the whole workflow";
          return (
            <tr key={s.id} data-schedule-id={s.id}>
              <td>{what}</td>
              <td>
                {s.description}
                {s.description !== s.cron && (
                  <>
                    {" "}
                    <code className="muted">{s.cron}</code>
                  </>
                )}
              </td>
              <td>{s.timezone}</td>
              <td
                className="schedule-next"
                title={next !== null ? new Date(next).toLocaleString() : "off"}
              >
                {next !== null ? formatUntil(next, now) : s.enabled ? "—" : "off"}
              </td>
              <td>
                {last ? (
                  <>
                    <span className={`run-chip run-chip-${last.status.toLowerCase()}`}>
                      {last.status}
                    </span>{" "}
                    <span className="muted">{formatAgo(lastAt, now)}</span>
                  </>
                ) : (
                  <span className="muted">never</span>
                )}
              </td>
              <td>
                <input
                  type="checkbox"
                  role="switch"
                  aria-label={`Schedule ${s.cron} on`}
                  checked={s.enabled}
                  onChange={() => onToggle(s)}
                />
              </td>
              <td>
                <button
                  type="button"
                  onClick={() => onDelete(s)}
                  aria-label={`Delete schedule ${s.cron}`}
                  title="Delete this schedule"
                >
                  Delete
                </button>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function AddScheduleForm({
  workflowId,
  node,
  nodeLabel,
  onAdded,
}: {
  workflowId: string;
  node: string | null;
  nodeLabel: string | null;
  onAdded: () => void;
}) {
  const zones = useMemo(() => timeZoneChoices(browserTimeZone()), []);
  const [preset, setPreset] = useState<PresetId>("daily");
  const [custom, setCustom] = useState("*/30 * * * *");
  const [timezone, setTimezone] = useState(() => zones[0] ?? "UTC");
  const [forNode, setForNode] = useState(node !== null);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function submit(e: FormEvent) {
    e.preventDefault();
    setSaving(true);
    setError(null);
    try {
      const result = await createSchedule({
        workflowId,
        node: forNode ? node : null,
        cron: cronOfPreset(preset, custom),
        timezone,
        enabled: true,
      });
      if (result.ok) onAdded();
      else setError(errorText(result.error));
    } catch (err) {
      setError(`Could not add the schedule: ${String(err)}`);
    } finally {
      setSaving(false);
    }
  }

  return (
    <form className="schedule-form" onSubmit={(e) => void submit(e)} aria-label="Add a schedule">
      <h3 style={{ gridColumn: "1 / -1" }}>Add a schedule</h3>
      <span className="label">Run</span>
      <div className="schedule-presets">
        <label>
          <input
            type="radio"
            name="schedule-target"
            checked={!forNode}
            onChange={() => setForNode(false)}
          />{" "}
          the whole workflow
        </label>
        {node && (
          <label>
            <input
              type="radio"
              name="schedule-target"
              checked={forNode}
              onChange={() => setForNode(true)}
            />{" "}
            {nodeLabel} and what it needs
          </label>
        )}
      </div>
      <span className="label">When</span>
      <div className="schedule-presets" role="radiogroup" aria-label="When">
        {SCHEDULE_PRESETS.map((p) => (
          <label key={p.id} title={p.cron}>
            <input
              type="radio"
              name="schedule-preset"
              checked={preset === p.id}
              onChange={() => setPreset(p.id)}
            />{" "}
            {p.label}
          </label>
        ))}
        <label>
          <input
            type="radio"
            name="schedule-preset"
            checked={preset === "custom"}
            onChange={() => setPreset("custom")}
          />{" "}
          Custom cron
        </label>
      </div>
      {preset === "custom" && (
        <>
          <label htmlFor="schedule-cron">Cron</label>
          <input
            id="schedule-cron"
            type="text"
            value={custom}
            spellCheck={false}
            placeholder="minute hour day month weekday, e.g. */15 * * * *"
            onChange={(e) => setCustom(e.target.value)}
          />
        </>
      )}
      <label htmlFor="schedule-timezone">Time zone</label>
      <select id="schedule-timezone" value={timezone} onChange={(e) => setTimezone(e.target.value)}>
        {zones.map((z) => (
          <option key={z} value={z}>
            {z}
          </option>
        ))}
      </select>
      {error && (
        <div className="field-error" role="alert">
          {error}
        </div>
      )}
      <div className="actions">
        <button type="submit" className="primary" disabled={saving}>
          Add schedule
        </button>
      </div>
    </form>
  );
}
