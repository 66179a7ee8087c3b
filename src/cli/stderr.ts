import { inert } from '../text/index.js';

/**
 * One line on stderr, made inert: warnings, resume commands and errors can
 * carry text from targets, file names and the command line, which must not
 * drive the operator's terminal (DESIGN §7).
 */
export function errorLine(s: string): void {
  process.stderr.write(`${inert(s)}\n`);
}
