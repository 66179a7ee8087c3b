/**
 * Making text from targets inert before it reaches a terminal or a log.
 *
 * A target is not trusted: a command's output (or a file it cats) can carry
 * escape sequences that move the cursor, rewrite earlier lines, set the
 * window title, or hide text. Escape sequences are removed whole; any other
 * control character is shown as a visible `\xHH` so tampering stays visible.
 */

// CSI: ESC [ (or the 8-bit 0x9b), parameter bytes, intermediate bytes, one final byte.
const CSI = String.raw`(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]`;
// OSC, DCS, SOS, PM, APC: a string ended by BEL or ST (ESC \ or 0x9c). An unterminated one
// is cut at the end of its line, so one stray sequence cannot hide the rest of the output.
// (Their 8-bit introducers are left to CONTROLS and shown escaped: they are rare and a
// stray one should not eat text.)
const STRING_SEQ = String.raw`\x1b[\]PX^_][^\n]*?(?:\x07|\x1b\\|\x9c|(?=\n)|$)`;
// Other escapes: ESC, optional intermediates, one final byte (ESC c, ESC ( B, ESC 7 ...).
const OTHER_ESC = String.raw`\x1b[ -/]*[0-~]`;
const SEQUENCES = new RegExp(`${STRING_SEQ}|${CSI}|${OTHER_ESC}`, 'g');
// Whatever control characters remain: C0 except tab and newline, DEL, C1.
const CONTROLS = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;
// Anything any of the replacements above acts on (CONTROLS without the g flag: `test` keeps no state).
const ANY_CONTROL = new RegExp(CONTROLS.source);

/**
 * Returns `s` with escape sequences removed and other control characters
 * escaped as `\xHH`. Newlines and tabs are kept; `\r\n` becomes `\n` and a
 * lone `\r` (progress bars redrawing a line) becomes `\n` too, so nothing
 * printed earlier can be overwritten.
 */
export function inert(s: string): string {
  // Most text has no control character at all (ESC, CR, 0x9b and the rest are all in ANY_CONTROL).
  if (!ANY_CONTROL.test(s)) return s;
  return s
    .replace(SEQUENCES, '')
    .replace(/\r\n?/g, '\n')
    .replace(CONTROLS, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
