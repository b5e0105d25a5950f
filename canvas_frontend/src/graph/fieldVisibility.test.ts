import { describe, expect, it } from "vitest";
import { fieldApplies, hiddenFields, visibilityRules } from "./fieldVisibility";

// The train/test split's schema as the server sends it (node_library/nodes/split).
const split = {
  properties: {
    method: { default: "random", enum: ["random", "stratified", "time-ordered"], type: "string" },
    test_size: { default: 0.25, type: "number" },
    stratify_column: {
      default: "",
      type: "string",
      "x-widget": "column",
      "x-visible-when": { method: ["stratified"] },
    },
    time_column: {
      default: "",
      type: "string",
      "x-widget": "column",
      "x-visible-when": { method: ["time-ordered"] },
    },
    shuffle: {
      default: true,
      type: "boolean",
      "x-visible-when": { method: ["random", "stratified"] },
    },
  },
};

describe("hiddenFields", () => {
  it("hides the time column unless the method is time-ordered, and the stratify column unless stratified", () => {
    expect(hiddenFields(split, { method: "random" })).toEqual(
      new Set(["stratify_column", "time_column"]),
    );
    expect(hiddenFields(split, { method: "stratified" })).toEqual(new Set(["time_column"]));
    expect(hiddenFields(split, { method: "time-ordered" })).toEqual(
      new Set(["stratify_column", "shuffle"]),
    );
  });

  it("reads an absent controlling param as its default", () => {
    expect(hiddenFields(split, {})).toEqual(new Set(["stratify_column", "time_column"]));
  });

  it("keeps showing a param the server has an issue about, even where it does not apply", () => {
    expect(hiddenFields(split, { method: "random" }, new Set(["time_column"]))).toEqual(
      new Set(["stratify_column"]),
    );
  });

  it("requires every condition to hold", () => {
    const schema = {
      properties: {
        auth: { default: "none" },
        method: { default: "GET" },
        body: { "x-visible-when": { auth: ["basic"], method: ["POST"] } },
      },
    };
    expect(hiddenFields(schema, { auth: "basic", method: "POST" })).toEqual(new Set());
    expect(hiddenFields(schema, { auth: "basic", method: "GET" })).toEqual(new Set(["body"]));
    expect(hiddenFields(schema, { auth: "none", method: "POST" })).toEqual(new Set(["body"]));
  });

  it("compares booleans and null exactly, not as text", () => {
    const schema = {
      properties: {
        advanced: { default: false },
        level: { "x-visible-when": { advanced: [true] } },
        fallback: { "x-visible-when": { level: [null] } },
      },
    };
    expect(hiddenFields(schema, { advanced: "true" }).has("level")).toBe(true);
    expect(hiddenFields(schema, { advanced: true }).has("level")).toBe(false);
    expect(hiddenFields(schema, { level: null }).has("fallback")).toBe(false);
    expect(hiddenFields(schema, { level: "null" }).has("fallback")).toBe(true);
  });
});

describe("visibilityRules", () => {
  it("reads only well-formed rules, so a malformed one never hides a param", () => {
    const rules = visibilityRules({
      properties: {
        a: { "x-visible-when": { mode: "x" } },
        b: { "x-visible-when": { mode: [] } },
        c: { "x-visible-when": ["mode"] },
        d: { "x-visible-when": { mode: ["x"] } },
      },
    });
    expect([...rules.keys()]).toEqual(["d"]);
    expect(visibilityRules(undefined).size).toBe(0);
    expect(fieldApplies({}, rules, { mode: "y" }, "a")).toBe(true);
    expect(fieldApplies({}, rules, { mode: "y" }, "d")).toBe(false);
  });
});
