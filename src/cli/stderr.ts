import { inert } from '../text/index.js';
import { flushOut } from './stdout.js';

/**
 * One line on stderr, made inert: warnings, resume commands and errors can
 * carry text from targets, file names and the command line, which must not
 * drive the operator's terminal (DESIGN §7).
 */
export function errorLine(s: string): void {
  // What the presenter printed before this line is on stdout first (2>&1 keeps the order).
  flushOut();
  process.stderr.write(`${inert(s)}\n`);
}
