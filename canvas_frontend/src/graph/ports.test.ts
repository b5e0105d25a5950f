import { describe, expect, it } from "vitest";
import { canConnect, dataTypeColor, refusalReason, ruleSet } from "./ports";

const rules = ruleSet([{ source: "metrics", target: "json" }]);

describe("canConnect", () => {
  it("connects identical types", () => {
    expect(canConnect("dataframe", "dataframe", [], rules)).toEqual({ ok: true });
  });

  it("connects a type the target port accepts", () => {
    expect(canConnect("series", "dataframe", ["series"], rules)).toEqual({ ok: true });
  });

  it("connects a pair from the connection rules", () => {
    expect(canConnect("metrics", "json", [], rules)).toEqual({ ok: true });
  });

  it("refuses a rule in the wrong direction with the reason", () => {
    const verdict = canConnect("json", "metrics", [], rules);
    expect(verdict).toEqual({ ok: false, reason: refusalReason("json", "metrics") });
  });

  it("refuses a series into a dataframe port that does not accept it", () => {
    const verdict = canConnect("series", "dataframe", [], rules);
    expect(verdict.ok).toBe(false);
    if (!verdict.ok) expect(verdict.reason).toContain("a series output cannot feed a dataframe");
  });
});

describe("dataTypeColor", () => {
  it("gives unknown types a neutral colour", () => {
    expect(dataTypeColor("plot")).not.toBe(dataTypeColor("no-such-type"));
  });

  it("gives a model spec its own colour, distinct from a fitted model's", () => {
    expect(dataTypeColor("model_spec")).not.toBe(dataTypeColor("no-such-type"));
    expect(dataTypeColor("model_spec")).not.toBe(dataTypeColor("model"));
  });
});
