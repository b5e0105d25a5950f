/** How run times and sizes read on the canvas: ticking elapsed time, step durations, row counts. */

import { formatRowCount } from "./gridFormat";

/** Whole seconds from `startMs` to `nowMs`, never negative (the server's clock may run ahead). */
export function elapsedSeconds(startMs: number, nowMs: number): number {
  return Math.max(0, Math.floor((nowMs - startMs) / 1000));
}

/** A ticking clock: "7 s", then "1:05", then "1:02:03". */
export function formatElapsed(seconds: number): string {
  const total = Math.max(0, Math.floor(seconds));
  if (total < 60) return `${total} s`;
  const s = String(total % 60).padStart(2, "0");
  const minutes = Math.floor(total / 60);
  if (minutes < 60) return `${minutes}:${s}`;
  const m = String(minutes % 60).padStart(2, "0");
  return `${Math.floor(minutes / 60)}:${m}:${s}`;
}

/** A finished step's duration: sub-second steps keep two decimals, long ones read as a clock. */
export function formatDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds) || seconds < 0) return "";
  if (seconds < 1) return `${seconds.toFixed(2)} s`;
  if (seconds < 10) return `${seconds.toFixed(1)} s`;
  return formatElapsed(seconds);
}

/** "1 row", "1,234 rows"; empty when unknown. */
export function formatRows(rows: number | null): string {
  return rows === null ? "" : formatRowCount(rows);
}

/** Milliseconds since the epoch of an ISO timestamp, or null when absent or unreadable. */
export function parseTimestamp(iso: string | null | undefined): number | null {
  if (!iso) return null;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? null : ms;
}
