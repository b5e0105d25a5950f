import { describe, expect, it } from "vitest";
import { edgeId, freeCopyId, freeGroupId, freeNodeId, slugFromType } from "./nodeIds";

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

describe("freeCopyId", () => {
  it("keeps a free id and numbers the stem of a taken one", () => {
    expect(freeCopyId("revenue", ["orders"])).toBe("revenue");
    expect(freeCopyId("revenue", ["revenue"])).toBe("revenue_2");
    expect(freeCopyId("revenue_2", ["revenue", "revenue_2"])).toBe("revenue_3");
    expect(freeCopyId("revenue", ["revenue", "revenue_2", "revenue_3"])).toBe("revenue_4");
  });

  it("turns an id that is not a slug into one", () => {
    expect(freeCopyId("Bad Id", [])).toBe("bad_id");
    expect(freeCopyId("Bad Id", ["bad_id"])).toBe("bad_id_2");
  });
});

describe("freeGroupId and edgeId", () => {
  it("numbers group ids and names edges by their ends", () => {
    expect(freeGroupId([])).toBe("group");
    expect(freeGroupId(["group"])).toBe("group_2");
    expect(edgeId("a", "data", "b", "left")).toBe("a.data->b.left");
  });
});
