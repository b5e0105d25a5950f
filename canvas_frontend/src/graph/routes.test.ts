import { describe, expect, it } from "vitest";
import { exportFileName, pageTitle, parseRoute, workflowHash } from "./routes";

describe("routes", () => {
  it("reads the list, a workflow and anything else", () => {
    expect(parseRoute("")).toEqual({ page: "list" });
    expect(parseRoute("#/")).toEqual({ page: "list" });
    expect(parseRoute("#/w/abc-1")).toEqual({ page: "workflow", id: "abc-1" });
    expect(parseRoute("#/nope")).toEqual({ page: "missing" });
    expect(parseRoute("#/w/")).toEqual({ page: "missing" });
    expect(parseRoute("#/w/%E0%A4%A")).toEqual({ page: "missing" });
  });

  it("round-trips ids that need escaping", () => {
    const id = "a b/c?d";
    expect(parseRoute(workflowHash(id))).toEqual({ page: "workflow", id });
  });

  it("titles each page", () => {
    expect(pageTitle({ page: "list" }, null)).toBe("Workflows · Visual ML Canvas");
    expect(pageTitle({ page: "workflow", id: "x" }, "Churn")).toBe("Churn · Visual ML Canvas");
    expect(pageTitle({ page: "workflow", id: "x" }, null)).toBe("Visual ML Canvas");
    expect(pageTitle({ page: "missing" }, null)).toBe("Page not found · Visual ML Canvas");
  });

  it("names an export after the slug, with safe characters only", () => {
    expect(exportFileName("sales_by_region")).toBe("sales_by_region.json");
    expect(exportFileName("../etc/passwd")).toBe("etc_passwd.json");
    expect(exportFileName("")).toBe("workflow.json");
  });
});
