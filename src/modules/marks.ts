/**
 * The small protocol of the one-command scripts that decide on the target
 * (services, packages): the script prints `@pw:<key> <value>` lines among
 * whatever else it prints, and stops with `@pw:fail <message>` followed by
 * the failing tool's output. The sh side is `MARKS_SH`; `readMarks` reads
 * it back.
 */

/** sh functions every such script starts with: `mark KEY VALUE` and `fail MESSAGE OUTPUT` (which ends the script). */
export const MARKS_SH = [
  "mark() { printf '@pw:%s %s\\n' \"$1\" \"$2\"; }",
  "fail() { printf '@pw:fail %s\\n%s' \"$1\" \"$2\"; exit 0; }",
].join('\n');

export interface Marks {
  /** Each key's values in the order printed. */
  values: Map<string, string[]>;
  /** The lines that were not marks, before any failure. */
  other: string[];
  /** The failure's message and the tool output after it. */
  fail?: { msg: string; output: string };
}

export function readMarks(stdout: string): Marks {
  const values = new Map<string, string[]>();
  const other: string[] = [];
  const lines = stdout.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^@pw:(\S+)(?: (.*))?$/.exec(lines[i]);
    if (!m) {
      if (i < lines.length - 1 || lines[i] !== '') other.push(lines[i]);
      continue;
    }
    if (m[1] === 'fail') return { values, other, fail: { msg: m[2] ?? '', output: lines.slice(i + 1).join('\n').trim() } };
    values.set(m[1], [...(values.get(m[1]) ?? []), m[2] ?? '']);
  }
  return { values, other };
}

/** The last value printed for a key. */
export function lastMark(marks: Marks, key: string): string | undefined {
  const v = marks.values.get(key);
  return v?.[v.length - 1];
}

/** A failure message with the tool's output after it, as ansible-core's modules word them (`msg: output`). */
export function failMessage(fail: { msg: string; output: string }): string {
  return fail.output ? `${fail.msg}: ${fail.output}` : fail.msg;
}
