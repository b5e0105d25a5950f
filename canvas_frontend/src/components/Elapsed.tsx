/** Times that tick once a second from the shared ticker (elapsed, and the estimate of the time
 * left); only mounted where time is running. */

import { useSyncExternalStore } from "react";
import { elapsedSeconds, formatDuration, formatElapsed } from "../graph/elapsed";
import { formatEta, secondsLeft } from "../graph/runStats";
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

/** "~12 s left" for a running node: from its progress rate, else its last duration; nothing
 * when neither is known. */
export function LiveEta({
  since,
  done,
  total,
  lastDurationS,
}: {
  since: number;
  done: number | null;
  total: number | null;
  lastDurationS: number | null;
}) {
  const now = useSyncExternalStore(ticker.subscribe, ticker.now);
  const text = formatEta(
    secondsLeft({ elapsedS: Math.max(0, now - since) / 1000, done, total, lastDurationS }),
  );
  return text ? <span className="run-eta">{text}</span> : null;
}
