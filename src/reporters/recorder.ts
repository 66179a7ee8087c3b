/**
 * The recorder: every event, as it happens, to `<runDir>/events.jsonl`, so a
 * run can be replayed, followed (`replay --follow`), compared or fed to other
 * tools. Lines are written synchronously on one descriptor, so a crash loses
 * at most the line being written.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Reporter } from '../events/index.js';
import { eventLine } from './json.js';

/** The file name of the event log inside a run directory. */
export const EVENTS_FILE = 'events.jsonl';

/**
 * Creates the run directory (0700) when missing and opens `events.jsonl`
 * (0600) for appending. Throws if either cannot be made, before the run starts.
 */
export function createRecorder(opts: { runDir: string }): Reporter {
  if (!fs.existsSync(opts.runDir)) {
    fs.mkdirSync(opts.runDir, { recursive: true, mode: 0o700 });
    // mkdir's mode is filtered by the umask; run directories are 0700 regardless.
    fs.chmodSync(opts.runDir, 0o700);
  }
  let fd: number | undefined = fs.openSync(path.join(opts.runDir, EVENTS_FILE), 'a', 0o600);
  fs.fchmodSync(fd, 0o600);
  return {
    name: 'recorder',
    onEvent(event) {
      if (fd === undefined) return;
      const buf = Buffer.from(eventLine(event));
      let off = 0;
      while (off < buf.length) off += fs.writeSync(fd, buf, off, buf.length - off);
    },
    close() {
      if (fd === undefined) return;
      const f = fd;
      fd = undefined;
      fs.closeSync(f);
    },
  };
}
