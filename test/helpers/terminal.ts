import { EventEmitter } from 'node:events';

/** A terminal-like output stream that keeps everything written to it. */
export function fakeTerminal() {
  const out = Object.assign(new EventEmitter(), {
    isTTY: true,
    columns: 100,
    rows: 30,
    chunks: [] as string[],
    writable: true,
    write(s: string, cb?: () => void) {
      out.chunks.push(String(s));
      if (typeof cb === 'function') cb();
      return true;
    },
  });
  const input = Object.assign(new EventEmitter(), {
    isTTY: true,
    setRawMode() {},
    setEncoding() {},
    resume() {},
    pause() {},
    ref() {},
    unref() {},
    read: () => null,
  });
  return { out, input };
}
