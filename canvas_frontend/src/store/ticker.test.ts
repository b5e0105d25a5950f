import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createTicker } from "./ticker";

describe("createTicker", () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.setSystemTime(1_000_000);
  });
  afterEach(() => vi.useRealTimers());

  it("ticks every period for its subscribers with a stable time between ticks", () => {
    const ticker = createTicker(1000);
    const seen: number[] = [];
    const stop = ticker.subscribe(() => seen.push(ticker.now()));
    expect(ticker.now()).toBe(1_000_000);
    vi.advanceTimersByTime(500);
    expect(ticker.now()).toBe(1_000_000);
    vi.advanceTimersByTime(2500);
    expect(seen).toEqual([1_001_000, 1_002_000, 1_003_000]);
    stop();
  });

  it("runs one interval for many subscribers and none without subscribers", () => {
    const ticker = createTicker(1000);
    expect(vi.getTimerCount()).toBe(0);
    const a = vi.fn();
    const b = vi.fn();
    const stopA = ticker.subscribe(a);
    const stopB = ticker.subscribe(b);
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(1000);
    expect(a).toHaveBeenCalledTimes(1);
    expect(b).toHaveBeenCalledTimes(1);
    stopA();
    vi.advanceTimersByTime(1000);
    expect(a).toHaveBeenCalledTimes(1);
    expect(b).toHaveBeenCalledTimes(2);
    stopB();
    expect(vi.getTimerCount()).toBe(0);
  });

  it("reads the current time while idle, unchanged within a period", () => {
    const ticker = createTicker(1000);
    vi.advanceTimersByTime(60_000);
    expect(ticker.now()).toBe(1_060_000);
    vi.advanceTimersByTime(400);
    expect(ticker.now()).toBe(1_060_000);
  });

  it("starts from the current time when it wakes up again", () => {
    const ticker = createTicker(1000);
    ticker.subscribe(() => undefined)();
    vi.advanceTimersByTime(60_000);
    const stop = ticker.subscribe(() => undefined);
    expect(ticker.now()).toBe(1_060_000);
    stop();
  });
});
