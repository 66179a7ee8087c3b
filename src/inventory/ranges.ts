/**
 * Host ranges in inventory host names, as ansible-core expands them:
 * `web[01:20]` (zero padded), `db-[a:c]`, `[1:10:2]` (stride), `[:3]` (from 0),
 * several ranges in one name.
 */

const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** True when the name holds a `[x:y]` range. */
export function hasRange(name: string): boolean {
  const open = name.indexOf('[');
  if (open < 0) return false;
  const close = name.indexOf(']', open);
  return close > open && name.slice(open, close).includes(':');
}

/** Expand every range in `name`; a name without one comes back alone. Throws `RangeError` with a message. */
export function expandHostRange(name: string): string[] {
  if (!hasRange(name)) return [name];
  const open = name.indexOf('[');
  const close = name.indexOf(']', open);
  const head = name.slice(0, open);
  const tail = name.slice(close + 1);
  const bounds = name.slice(open + 1, close).split(':');
  if (bounds.length !== 2 && bounds.length !== 3) {
    throw new RangeError(`host range must be begin:end or begin:end:step in '${name}'`);
  }
  const [beginRaw, end, stepRaw] = bounds;
  const begin = beginRaw === '' ? '0' : beginRaw;
  if (end === '') throw new RangeError(`host range must specify end value in '${name}'`);
  const step = stepRaw === undefined ? 1 : Number(stepRaw);
  if (!Number.isInteger(step) || step <= 0) {
    throw new RangeError(`host range step must be a positive integer in '${name}'`);
  }
  const out: string[] = [];
  for (const part of rangeValues(begin, end, step, name)) {
    out.push(...expandHostRange(head + part + tail));
  }
  return out;
}

function rangeValues(begin: string, end: string, step: number, name: string): string[] {
  if (/^[A-Za-z]$/.test(begin) && /^[A-Za-z]$/.test(end)) {
    const from = LETTERS.indexOf(begin);
    const to = LETTERS.indexOf(end);
    if (from > to) throw new RangeError(`host range must have begin <= end in '${name}'`);
    const out: string[] = [];
    for (let i = from; i <= to; i += step) out.push(LETTERS[i]);
    return out;
  }
  if (!/^\d+$/.test(begin) || !/^\d+$/.test(end)) {
    throw new RangeError(`host range bounds must be numbers or single letters in '${name}'`);
  }
  const padded = begin.length > 1 && begin.startsWith('0');
  if (padded && begin.length !== end.length) {
    throw new RangeError(`host range must specify equal-length begin and end formats in '${name}'`);
  }
  const out: string[] = [];
  for (let i = Number(begin); i <= Number(end); i += step) {
    out.push(padded ? String(i).padStart(begin.length, '0') : String(i));
  }
  return out;
}

/**
 * Split `host:port` (and `[v6addr]:port`) as ansible-core does for host lines.
 * A bare IPv6 address (several colons) has no port.
 */
export function splitPort(token: string): { name: string; port?: number } {
  const v6 = /^\[([0-9a-fA-F:.]+)\](?::(\d+))?$/.exec(token);
  if (v6 && v6[1].includes(':')) return { name: v6[1], port: v6[2] ? Number(v6[2]) : undefined };
  // Only split when the name has no colon outside brackets: a bare IPv6
  // address has several, and `web[1:3]` has one inside its range.
  const m = /^(.+):(\d+)$/.exec(token);
  if (m && !m[1].replace(/\[[^\]]*\]/g, '').includes(':')) return { name: m[1], port: Number(m[2]) };
  return { name: token };
}
