import { describe, expect, it } from "vitest";
import { freeNodeId, slugFromType } from "./nodeIds";

describe("freeNodeId", () => {
  it("uses the type's last segment when free and numbers it when taken", () => {
    expect(freeNodeId("transforms.filter_rows", ["a"])).toBe("filter_rows");
    expect(freeNodeId("transforms.filter_rows", ["filter_rows"])).toBe("filter_rows_2");
    expect(freeNodeId("transforms.filter_rows", ["filter_rows", "filter_rows_2"])).toBe(
      "filter_rows_3",
    );
  });

  it("makes a valid slug from any type id", () => {
    expect(slugFromType("sources.S3-Object")).toBe("s3_object");
    expect(slugFromType("x.9lives")).toBe("lives");
    expect(slugFromType("...")).toBe("node");
    expect(slugFromType("a.b")).toMatch(/^[a-z][a-z0-9_]{0,62}$/);
  });
});
