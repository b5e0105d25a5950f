/**
 * One shared clock for everything that ticks (a running node's elapsed time, the run's). It
 * runs a single 1 s interval only while something subscribes, so idle canvases and nodes that
 * are not running never re-render for time. Read it with `useSyncExternalStore(ticker.subscribe,
 * ticker.now)`: only the components that render a ticking time subscribe.
 */

export interface Ticker {
  subscribe: (listener: () => void) => () => void;
  /** The time of the last tick in ms since the epoch (the same value between ticks). */
  now: () => number;
}

interface Timers {
  setInterval: (fn: () => void, ms: number) => unknown;
  clearInterval: (handle: unknown) => void;
}

const realTimers: Timers = {
  setInterval: (fn, ms) => globalThis.setInterval(fn, ms),
  clearInterval: (handle) => globalThis.clearInterval(handle as ReturnType<typeof setInterval>),
};

export function createTicker(
  periodMs = 1000,
  clock: () => number = Date.now,
  timers: Timers = realTimers,
): Ticker {
  const listeners = new Set<() => void>();
  let current = clock();
  let handle: unknown = null;
  return {
    subscribe(listener) {
      listeners.add(listener);
      if (handle === null) {
        current = clock();
        handle = timers.setInterval(() => {
          current = clock();
          for (const l of [...listeners]) l();
        }, periodMs);
      }
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0 && handle !== null) {
          timers.clearInterval(handle);
          handle = null;
        }
      };
    },
    now: () => {
      // Idle (no interval): catch up on read, at most once a period, so a component mounting
      // after a quiet minute starts from the right time and consecutive reads stay equal.
      if (handle === null) {
        const t = clock();
        if (t - current >= periodMs) current = t;
      }
      return current;
    },
  };
}

export const ticker = createTicker();

/** A slow clock for relative times ("3 min ago", "in 2 h") that need not tick every second. */
export const slowTicker = createTicker(30_000);
