import { describe, expect, it } from "vitest";
import {
  cronOfPreset,
  formatUntil,
  presetOfCron,
  SCHEDULE_PRESETS,
  timeZoneChoices,
} from "./schedulePresets";

describe("schedule presets", () => {
  it("offers hourly, daily at 06:00 and weekly Monday 06:00", () => {
    expect(SCHEDULE_PRESETS.map((p) => p.cron)).toEqual(["0 * * * *", "0 6 * * *", "0 6 * * 1"]);
  });

  it("recognizes a preset's cron, whatever its spacing, and calls the rest custom", () => {
    expect(presetOfCron("0 6 * * *")).toBe("daily");
    expect(presetOfCron("  0  6 * * 1 ")).toBe("weekly");
    expect(presetOfCron("*/5 * * * *")).toBe("custom");
  });

  it("gives a preset's cron, or the typed one for custom", () => {
    expect(cronOfPreset("hourly", "ignored")).toBe("0 * * * *");
    expect(cronOfPreset("custom", " */15 * * * * ")).toBe("*/15 * * * *");
  });
});

describe("time zones", () => {
  it("puts the browser's zone first and UTC second, each once", () => {
    expect(timeZoneChoices("Europe/Paris", ["Africa/Abidjan", "Europe/Paris", "UTC"])).toEqual([
      "Europe/Paris",
      "UTC",
      "Africa/Abidjan",
    ]);
    expect(timeZoneChoices("UTC", ["UTC"])).toEqual(["UTC"]);
  });
});

describe("formatUntil", () => {
  const now = Date.parse("2026-01-01T00:00:00Z");
  it("reads minutes, hours, days ahead", () => {
    expect(formatUntil(now + 45 * 60_000, now)).toBe("in 45 min");
    expect(formatUntil(now + 40_000, now)).toBe("in 1 min");
    expect(formatUntil(now + 3 * 3600_000, now)).toBe("in 3 h");
    expect(formatUntil(now + 72 * 3600_000, now)).toBe("in 3 days");
  });

  it("says due now for a tick in the past", () => {
    expect(formatUntil(now - 5000, now)).toBe("due now");
  });
});
