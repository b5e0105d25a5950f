/** The time for relative dates ("3 min ago", "in 2 h"), refreshed every 30 s while shown. */

import { useSyncExternalStore } from "react";
import { slowTicker } from "../store/ticker";

export function useNow(): number {
  return useSyncExternalStore(slowTicker.subscribe, slowTicker.now);
}
