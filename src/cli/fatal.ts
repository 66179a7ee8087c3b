import { UserError } from '../model/index.js';
import { EXIT } from '../engine/index.js';
import { errorLine } from './stderr.js';

/** Prints an error that ended the run and returns its exit code. */
export function reportFatal(err: unknown): number {
  if (err instanceof UserError) {
    errorLine(`ERROR! ${err.message}`);
    return EXIT.error;
  }
  const e = err as Error;
  errorLine(`playwatch: internal error: ${e?.stack ?? String(err)}`);
  return EXIT.internal;
}
