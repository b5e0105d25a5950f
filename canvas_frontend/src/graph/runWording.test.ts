import { describe, expect, it } from "vitest";
import { canReexecute } from "./runHistory";
import { reexecuteAction } from "./runWording";

describe("reexecuteAction", () => {
  it("says Resume after a cancel and Re-execute from failure after a failure", () => {
    expect(reexecuteAction("CANCELED")?.label).toBe("Resume");
    expect(reexecuteAction("FAILURE")?.label).toBe("Re-execute from failure");
    expect(reexecuteAction("SUCCESS")).toBeNull();
    expect(reexecuteAction(null)).toBeNull();
  });

  it("offers the action exactly for the runs that can be re-executed", () => {
    for (const status of ["QUEUED", "STARTED", "CANCELING", "SUCCESS", "FAILURE", "CANCELED"]) {
      expect(reexecuteAction(status) !== null, status).toBe(canReexecute(status));
    }
  });
});
