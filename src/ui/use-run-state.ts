import { useSyncExternalStore } from 'react';
import type { RunState } from '../events/index.js';
import type { RunStore } from './store.js';

/** The state the store last published; re-renders at most once per frame. */
export function useRunState(store: RunStore): RunState {
  return useSyncExternalStore(store.subscribe, store.snapshot, store.snapshot);
}
