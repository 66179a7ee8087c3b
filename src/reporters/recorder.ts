/**
 * The recorder: every event, as it happens, to `<runDir>/events.jsonl`, so a
 * run can be replayed, followed (`replay --follow`), compared or fed to other
 * tools. Lines are written synchronously on one descriptor, so a crash loses
 * at most the line being written.
 */
import fs from 'node:fs';
import { FileSink } from './file-sink.js';
import path from 'node:path';
import type { Reporter } from '../events/index.js';
import { eventLine } from './json.js';

/** The file name of the event log inside a run directory. */
export const EVENTS_FILE = 'events.jsonl';

/**
 * Creates the run directory (0700) when missing and opens `events.jsonl`
 * (0600) for appending. Throws if either cannot be made, before the run starts.
 */
export function createRecorder(opts: { runDir: string }): Reporter & { file: string; flush(): void } {
  if (!fs.existsSync(opts.runDir)) {
    fs.mkdirSync(opts.runDir, { recursive: true, mode: 0o700 });
    // mkdir's mode is filtered by the umask; run directories are 0700 regardless.
    fs.chmodSync(opts.runDir, 0o700);
  }
  const sink = new FileSink(path.join(opts.runDir, EVENTS_FILE));
  return {
    name: 'recorder',
    onEvent(event) {
      sink.write(eventLine(event));
      // The record must be whole on disk the moment a run ends.
      if (event.type === 'run.end') sink.flush();
    },
    close() {
      sink.close();
    },
    file: sink.file,
    /**
     * Puts every event so far on disk (the control socket reads a watcher's
     * past events from the file). A failure waits for the bus, as in the timer.
     */
    flush() {
      sink.flushQuietly();
    },
  };
}
