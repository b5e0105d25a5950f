import { beforeEach, describe, expect, it } from "vitest";
import { useRunPanelsStore } from "./useRunPanelsStore";

describe("useRunPanelsStore", () => {
  beforeEach(() => useRunPanelsStore.getState().reset());

  it("keeps the two newest ticks for comparison", () => {
    const s = useRunPanelsStore.getState();
    s.toggleCompare("a");
    s.toggleCompare("b");
    s.toggleCompare("c");
    expect(useRunPanelsStore.getState().compareIds).toEqual(["b", "c"]);
    s.toggleCompare("b");
    expect(useRunPanelsStore.getState().compareIds).toEqual(["c"]);
  });

  it("compares only with two runs ticked, and stops when one is unticked or a run is shown", () => {
    const s = useRunPanelsStore.getState();
    s.toggleCompare("a");
    s.setComparing(true);
    expect(useRunPanelsStore.getState().comparing).toBe(false);
    s.toggleCompare("b");
    s.setComparing(true);
    expect(useRunPanelsStore.getState().comparing).toBe(true);
    s.toggleCompare("a");
    expect(useRunPanelsStore.getState().comparing).toBe(false);
    s.toggleCompare("a");
    s.setComparing(true);
    s.showRun("a");
    expect(useRunPanelsStore.getState()).toMatchObject({ comparing: false, shownRunId: "a" });
  });

  it("opens the schedule dialog for a node or the whole workflow", () => {
    const s = useRunPanelsStore.getState();
    s.openSchedule("train");
    expect(useRunPanelsStore.getState().scheduleFor).toBe("train");
    s.openSchedule(null);
    expect(useRunPanelsStore.getState().scheduleFor).toBe("");
    s.closeSchedule();
    expect(useRunPanelsStore.getState().scheduleFor).toBeNull();
  });
});
