import { useEffect, useState } from 'react';

/**
 * Re-renders every `ms` while `active` (the elapsed clock, growing bars).
 * With `phase` (the clock being shown, in ms) the ticks land just after
 * each whole `ms` of that clock, so a displayed second never lags.
 * Returns the tick count.
 */
export function useTicker(ms: number, active: boolean, phase?: () => number): number {
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (!active) return undefined;
    let timer: NodeJS.Timeout;
    const next = () => {
      const delay = phase ? ms - (((phase() % ms) + ms) % ms) + 5 : ms;
      timer = setTimeout(() => {
        setTick((t) => t + 1);
        next();
      }, delay);
      timer.unref();
    };
    next();
    return () => clearTimeout(timer);
  }, [ms, active, phase]);
  return tick;
}
