/**
 * The schedule form's presets (hourly, daily at 06:00, weekly on Monday at 06:00, custom), the
 * time zones it offers (the browser's first) and how a next tick reads ("in 3 h"). Pure; the
 * server parses and checks the cron expression itself.
 */

export type PresetId = "hourly" | "daily" | "weekly" | "custom";

export interface SchedulePreset {
  id: Exclude<PresetId, "custom">;
  label: string;
  cron: string;
}

export const SCHEDULE_PRESETS: readonly SchedulePreset[] = [
  { id: "hourly", label: "Every hour", cron: "0 * * * *" },
  { id: "daily", label: "Every day at 06:00", cron: "0 6 * * *" },
  { id: "weekly", label: "Every Monday at 06:00", cron: "0 6 * * 1" },
];

/** The preset a cron expression is (spacing aside), else "custom". */
export function presetOfCron(cron: string): PresetId {
  const normalized = cron.trim().split(/\s+/).join(" ");
  return SCHEDULE_PRESETS.find((p) => p.cron === normalized)?.id ?? "custom";
}

/** The cron of a preset; a custom one keeps what was typed. */
export function cronOfPreset(preset: PresetId, typed: string): string {
  return SCHEDULE_PRESETS.find((p) => p.id === preset)?.cron ?? typed.trim();
}

/** The browser's IANA time zone ("Europe/Paris"), "UTC" when it cannot tell. */
export function browserTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  } catch {
    return "UTC";
  }
}

/** The zones to offer: the browser's, then UTC, then every zone the browser knows, once each. */
export function timeZoneChoices(
  browserZone: string,
  known: readonly string[] = supportedTimeZones(),
): string[] {
  return [...new Set([browserZone, "UTC", ...known])];
}

function supportedTimeZones(): string[] {
  const intl = Intl as unknown as { supportedValuesOf?: (key: string) => string[] };
  try {
    return intl.supportedValuesOf?.("timeZone") ?? [];
  } catch {
    return [];
  }
}

/** When a tick comes, relative to now: "in 45 min", "in 3 h", "in 2 days"; "due now" when past. */
export function formatUntil(atMs: number, nowMs: number): string {
  const seconds = (atMs - nowMs) / 1000;
  if (!Number.isFinite(seconds)) return "";
  if (seconds < 30) return "due now";
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `in ${Math.max(1, minutes)} min`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `in ${hours} h`;
  return `in ${Math.round(hours / 24)} days`;
}
