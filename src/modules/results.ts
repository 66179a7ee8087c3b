/** Small helpers that give results ansible-core's exact shapes. */

/** Python's `str(datetime.now())`: `2024-05-01 13:04:05.123000`, local time. */
export function ansibleTimestamp(d: Date): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ` +
    `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}000`;
}

/** Python's `str(timedelta)`: `0:00:01.503000`. */
export function ansibleDelta(ms: number): string {
  const total = Math.max(0, Math.round(ms));
  const h = Math.floor(total / 3_600_000);
  const m = Math.floor(total / 60_000) % 60;
  const s = Math.floor(total / 1000) % 60;
  const frac = total % 1000;
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${h}:${p(m)}:${p(s)}.${p(frac, 3)}000`;
}

/** Python's `str.splitlines()` for the common line ends. */
export function splitLines(s: string): string[] {
  if (s === '') return [];
  const lines = s.split(/\r\n|\r|\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** ansible's `strip_empty_ends`: drops trailing newlines and carriage returns. */
export function stripEnds(s: string): string {
  return s.replace(/[\r\n]+$/, '');
}
