import { beforeEach, describe, expect, it } from "vitest";

import { useRunStore } from "./useRunStore";

const status = (nodeId: string, lastDurationS: number | null) => ({
  nodeId,
  state: "fresh",
  reason: "result for the current params and inputs is stored",
  cacheKey: `k-${nodeId}`,
  deterministic: true,
  lastDurationS,
});

describe("setFreshness", () => {
  beforeEach(() => useRunStore.getState().clear());

  it("keeps each node's last duration for the running estimate, where the server knows it", () => {
    useRunStore.getState().setLastDurations({ b: 9 });
    useRunStore.getState().setFreshness([status("a", 2.5), status("b", null)]);
    expect(useRunStore.getState().lastDurationS).toEqual({ a: 2.5, b: 9 });
    expect(useRunStore.getState().freshness.a?.cacheKey).toBe("k-a");
  });
});
