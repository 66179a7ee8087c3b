import { useEffect, useRef, useState } from 'react';
import { useInput, useStdin } from 'ink';
import { handleKey, initialView, type Command, type KeyContext, type ViewState } from './keys.js';
import type { RunStore } from './store.js';

/**
 * The screen's view state, driven by the keyboard (and by Ctrl-C arriving
 * as SIGINT when the terminal has no raw mode). `ctx` is read when a key
 * arrives, so it always reflects the frame on screen.
 */
export function useKeys(store: RunStore, ctx: KeyContext, run: (command: Command) => void): ViewState {
  const [view, setView] = useState<ViewState>(initialView);
  const latest = useRef({ view, ctx, run });
  latest.current = { view, ctx, run };
  const { isRawModeSupported } = useStdin();

  const press = (input: string, key: Parameters<typeof handleKey>[2]) => {
    const { view: v, ctx: c, run: r } = latest.current;
    const next = handleKey(v, input, key, c);
    latest.current.view = next.view;
    setView(next.view);
    if (next.command) r(next.command);
  };

  useInput((input, key) => press(input, key), { isActive: isRawModeSupported === true });
  useEffect(() => store.onInterrupt(() => press('c', { ctrl: true })), [store]);
  return view;
}
