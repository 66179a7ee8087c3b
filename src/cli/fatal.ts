import { UserError } from '../model/index.js';
import { EXIT } from '../engine/index.js';

/** Prints an error that ended the run and returns its exit code. */
export function reportFatal(err: unknown): number {
  if (err instanceof UserError) {
    process.stderr.write(`ERROR! ${err.message}\n`);
    return EXIT.error;
  }
  const e = err as Error;
  process.stderr.write(`playwatch: internal error: ${e?.stack ?? String(err)}\n`);
  return EXIT.internal;
}
