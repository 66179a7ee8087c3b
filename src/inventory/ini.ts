/**
 * INI inventories, read as ansible-core's `ini` inventory plugin reads them.
 */
import type { Inventory, Vars } from '../model/index.js';
import { UserError } from '../model/index.js';
import { addChild, addGroup, addHost } from './data.js';
import { parseIniValue } from './literal.js';
import { expandHostRange, hasRange, splitPort } from './ranges.js';
import { ShlexError, splitWords } from './shlex.js';

const SECTION = /^\[([^:\]\s]+)(?::(\w+))?\]\s*(?:#.*)?$/;
const GROUP_NAME = /^([^:\]\s]+)\s*(?:#.*)?$/;

type State = 'hosts' | 'vars' | 'children';

/** A group named before it was declared: `[g:vars]`, or a child in `[p:children]`. */
interface Pending {
  line: number;
  col: number;
  state: 'vars' | 'children';
  parents: string[];
}

/** Parse INI inventory text from `file` into `inv`. Errors are UserErrors at `file:line:col`. */
export function parseIniInventory(inv: Inventory, text: string, file: string): void {
  const pending = new Map<string, Pending>();
  let group = 'ungrouped';
  let state: State = 'hosts';
  const lines = text.split(/\r?\n/);
  for (let n = 0; n < lines.length; n++) {
    const raw = lines[n];
    const line = raw.trim();
    const lineNo = n + 1;
    const col = raw.length - raw.trimStart().length + 1;
    const fail = (msg: string, c = col): never => {
      throw new UserError(msg, { file, line: lineNo, col: c });
    };
    if (line === '' || line[0] === '#' || line[0] === ';') continue;

    const section = SECTION.exec(line);
    if (section) {
      group = section[1];
      const kind = section[2] ?? 'hosts';
      if (kind !== 'hosts' && kind !== 'vars' && kind !== 'children') {
        fail(`section [${group}:${kind}] has unknown type '${kind}' (expected hosts, vars or children)`);
      }
      state = kind as State;
      if (!inv.groups.has(group)) {
        if (state === 'vars' && !pending.has(group)) {
          pending.set(group, { line: lineNo, col: col + 1, state: 'vars', parents: [] });
        }
        addGroup(inv, group);
      }
      if (state !== 'vars') declare(inv, group, pending);
      continue;
    }
    if (line.startsWith('[') && line.endsWith(']')) {
      fail(`invalid section entry '${line}': section names may not contain spaces or other invalid characters`);
    }

    if (state === 'hosts') parseHostLine(inv, raw, group, fail);
    else if (state === 'vars') {
      const eq = line.indexOf('=');
      if (eq < 0) fail(`expected key=value in [${group}:vars], got '${line}'`);
      const key = line.slice(0, eq).trim();
      if (key === '') fail(`missing variable name before '=' in [${group}:vars]`);
      addGroup(inv, group).vars[key] = parseIniValue(line.slice(eq + 1).trim());
    } else {
      const m = GROUP_NAME.exec(line);
      if (!m) fail(`expected a group name in [${group}:children], got '${line}'`);
      const child = m![1];
      if (inv.groups.has(child)) addChild(inv, group, child, { file, line: lineNo, col });
      else {
        const p = pending.get(child);
        if (p) p.parents.push(group);
        else pending.set(child, { line: lineNo, col, state: 'children', parents: [group] });
      }
    }
  }
  for (const [name, p] of pending) {
    const pos = { file, line: p.line, col: p.col };
    if (p.state === 'vars') throw new UserError(`section [${name}:vars] is for group '${name}', which is not defined`, pos);
    const parent = p.parents[p.parents.length - 1];
    throw new UserError(
      `section [${parent}:children] names group '${name}', which is not defined (declare it with [${name}] or [${name}:children])`,
      pos,
    );
  }
}

/** A group waited on in `pending` is now declared: link it to its parents. */
function declare(inv: Inventory, group: string, pending: Map<string, Pending>): void {
  const p = pending.get(group);
  if (!p) return;
  pending.delete(group);
  if (p.state !== 'children') return;
  for (const parent of p.parents) {
    addChild(inv, parent, group);
    declare(inv, parent, pending);
  }
}

function parseHostLine(inv: Inventory, raw: string, group: string, fail: (msg: string, col?: number) => never): void {
  let words;
  try {
    words = splitWords(raw);
  } catch (err) {
    if (err instanceof ShlexError) fail(`cannot parse host line: ${err.message}`, err.col);
    throw err;
  }
  if (words.length === 0) return;
  const [first, ...rest] = words;
  const { name, port } = splitPort(first.text);
  if (first.text.endsWith(':') && port === undefined) {
    fail(`invalid host pattern '${first.text}': a trailing ':' must be followed by a port`, first.col);
  }
  if (name === '---') fail(`invalid host name '---' (this looks like a YAML file; give it a .yml extension)`, first.col);
  let names: string[];
  try {
    names = hasRange(name) ? expandHostRange(name) : [name];
  } catch (err) {
    if (err instanceof RangeError) fail(err.message, first.col);
    throw err;
  }
  // A `host:port` sets ansible_port first, so an explicit ansible_port= wins.
  const vars: Vars = port === undefined ? {} : { ansible_port: port };
  for (const w of rest) {
    const eq = w.text.indexOf('=');
    if (eq <= 0) fail(`expected key=value host variable, got '${w.text}'`, w.col);
    vars[w.text.slice(0, eq)] = parseIniValue(w.text.slice(eq + 1));
  }
  for (const n of names!) addHost(inv, n, group, vars);
}
