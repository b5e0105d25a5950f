/** A time that ticks once a second from the shared ticker; only mounted where time is running. */

import { useSyncExternalStore } from "react";
import { elapsedSeconds, formatDuration, formatElapsed } from "../graph/elapsed";
import { ticker } from "../store/ticker";

export function LiveElapsed({ since }: { since: number }) {
  const now = useSyncExternalStore(ticker.subscribe, ticker.now);
  return <>{formatElapsed(elapsedSeconds(since, now))}</>;
}

/** Elapsed from `since`, ticking in whole seconds while `until` is null, then the duration. */
export function Elapsed({ since, until }: { since: number; until: number | null }) {
  return until === null ? (
    <LiveElapsed since={since} />
  ) : (
    <>{formatDuration(Math.max(0, until - since) / 1000)}</>
  );
}
