import { describe, expect, it } from "vitest";
import {
  markSeen,
  ONBOARDING_KEY,
  ONBOARDING_STEPS,
  ONBOARDING_VERSION,
  readSeen,
  shouldAutoShow,
} from "./onboarding";

function memoryStorage(): Pick<Storage, "getItem" | "setItem"> & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return {
    data,
    getItem: (key) => data.get(key) ?? null,
    setItem: (key, value) => void data.set(key, value),
  };
}

describe("the first-visit tour", () => {
  it("has the three steps: add nodes, wire ports, run and inspect", () => {
    expect(ONBOARDING_STEPS.map((s) => s.title)).toEqual([
      "Add nodes from the palette",
      "Wire the ports",
      "Run and inspect the results",
    ]);
    for (const step of ONBOARDING_STEPS) expect(step.body.length).toBeGreaterThan(40);
  });

  it("opens by itself on a first visit only, and never under automation", () => {
    expect(shouldAutoShow(null, false)).toBe(true);
    expect(shouldAutoShow(ONBOARDING_VERSION, false)).toBe(false);
    // an older tour was seen: the reworked one shows once
    expect(shouldAutoShow("0", false)).toBe(true);
    expect(shouldAutoShow(null, true)).toBe(false);
  });

  it("remembers it was seen, and survives a storage that refuses", () => {
    const storage = memoryStorage();
    expect(readSeen(storage)).toBeNull();
    expect(markSeen(storage)).toBe(true);
    expect(storage.data.get(ONBOARDING_KEY)).toBe(ONBOARDING_VERSION);
    expect(shouldAutoShow(readSeen(storage), false)).toBe(false);

    const refusing = {
      getItem: () => {
        throw new Error("SecurityError");
      },
      setItem: () => {
        throw new Error("QuotaExceededError");
      },
    };
    expect(readSeen(refusing)).toBeNull();
    expect(markSeen(refusing)).toBe(false);
    expect(readSeen(null)).toBeNull();
    expect(markSeen(null)).toBe(false);
  });
});
