/** `loop`, every `with_<lookup>` and `loop_control`. */
import { UserError, withHint, type LoopSpec, type Pos, type Vars } from '../model/index.js';
import { isLoopLookup, lookupName, lookupNames, UNSUPPORTED_LOOKUPS } from '../template/index.js';
import { field, toNumOrStr, toStr } from './coerce.js';
import { asMap, entries, kindOf, posOf, toValue, type Entry, type Source } from './source.js';

/** `loop` and `with_<lookup>` for any lookup playwatch has. */
export function isLoopKey(key: string): boolean {
  return key === 'loop' || (key.startsWith('with_') && isLoopLookup(key.slice(5)));
}

const CONTROL_KEYS = ['label', 'loop_var', 'index_var', 'pause', 'extended', 'extended_allitems', 'break_when'];

/**
 * A `with_<name>` key playwatch cannot run, as a load-time error: a lookup
 * refused on purpose says why; an unknown one says so, as ansible-core does
 * only once the task runs.
 */
export function refuseWith(src: Source, e: Entry): UserError {
  const name = lookupName(e.key.slice(5));
  const reason = UNSUPPORTED_LOOKUPS[name];
  const msg = reason ? `'${e.key}': ${reason}` : `'${e.key}': there is no lookup named '${name}' (with_<lookup> loops run a lookup plugin)`;
  return new UserError(msg, posOf(src, e.keyNode));
}

/**
 * Builds the loop of a task or include. A `with_<name>` loop keeps the
 * lookup's name in `with`: the engine runs that lookup over the templated
 * terms, as ansible-core does (`with_items` is the `items` lookup).
 */
export function readLoop(src: Source, keys: Entry[], _extra: Vars): LoopSpec | undefined {
  const loops = keys.filter((e) => isLoopKey(e.key));
  if (loops.length > 1) {
    throw new UserError(`conflicting loop keywords: ${loops.map((e) => e.key).join(', ')}`, posOf(src, loops[1].keyNode));
  }
  const loop = loops[0];
  const control = keys.find((e) => e.key === 'loop_control');
  if (!loop) {
    if (control) throw new UserError("'loop_control' needs 'loop' or a 'with_<lookup>' on the same task", posOf(src, control.keyNode));
    return undefined;
  }
  const items = toValue(src, loop.value);
  const spec: LoopSpec = { items, loopVar: 'item' };
  if (loop.key === 'loop') {
    if (items == null || typeof items === 'number' || typeof items === 'boolean') {
      throw new UserError(`'loop' needs a list or a {{ template }}, got ${kindOf(loop.value)}`, posOf(src, loop.keyNode));
    }
  } else {
    spec.with = lookupName(loop.key.slice(5));
  }
  if (control) readControl(src, control, spec);
  return spec;
}

function readControl(src: Source, control: Entry, spec: LoopSpec): void {
  const map = asMap(src, control.value);
  if (!map) {
    throw new UserError(`'loop_control' must be a mapping, got ${kindOf(control.value)}`, posOf(src, control.keyNode));
  }
  for (const e of entries(src, map)) {
    const f = field(src, e);
    if (e.key === 'label') spec.label = toStr(f);
    else if (e.key === 'loop_var') spec.loopVar = identifier(f.pos, e.key, toStr(f));
    else if (e.key === 'index_var') spec.indexVar = identifier(f.pos, e.key, toStr(f));
    else if (e.key === 'pause') spec.pause = number(f.pos, e.key, toNumOrStr(f));
    else if (e.key === 'extended') spec.extended = flag(f.pos, e.key, toValue(src, e.value));
    else if (e.key === 'extended_allitems') spec.extendedAllitems = flag(f.pos, e.key, toValue(src, e.value));
    else if (e.key === 'break_when') {
      throw new UserError("'break_when' is new in ansible-core 2.18; playwatch follows 2.14: use 'until' or a 'when' on the items", f.pos);
    } else {
      throw new UserError(withHint(`unknown loop_control option '${e.key}'`, e.key, CONTROL_KEYS), f.pos);
    }
  }
}

/** A number, or a template that gives one when the task runs. */
function number(pos: Pos, key: string, v: number | string): number | string {
  if (typeof v === 'number' || /\{\{|\{%/.test(v)) return v;
  throw new UserError(`'${key}' must be a number of seconds`, pos);
}

function flag(pos: Pos, key: string, v: unknown): boolean | string {
  if (typeof v === 'boolean' || (typeof v === 'string' && /\{\{|\{%/.test(v))) return v;
  if (typeof v === 'string' && /^(yes|no|true|false|on|off|y|n|1|0)$/i.test(v)) return /^(yes|true|on|y|1)$/i.test(v);
  if (v === 0 || v === 1) return v === 1;
  throw new UserError(`'${key}' must be a boolean, got ${JSON.stringify(v)}`, pos);
}

function identifier(pos: Pos, key: string, v: string): string {
  if (!/^[A-Za-z_]\w*$/.test(v)) throw new UserError(`'${key}' must be a variable name, got '${v}'`, pos);
  return v;
}

const LOOKUP_CALL = /\b(?:lookup|query|q)\s*\(\s*(['"])([\w.]+)\1/g;

/**
 * Lookups a task's strings call by a literal name (`lookup('hashi_vault', …)`)
 * that playwatch does not have: an error at load, at the task, rather than
 * when the template runs halfway through a deploy.
 */
export function checkLookupCalls(value: unknown, pos: Pos): void {
  if (typeof value === 'string') {
    if (!value.includes('(')) return;
    for (const m of value.matchAll(LOOKUP_CALL)) {
      const name = lookupName(m[2]);
      if (isLoopLookup(name)) continue;
      const reason = UNSUPPORTED_LOOKUPS[name];
      throw new UserError(reason ?? withHint(`lookup plugin '${m[2]}' is not available in playwatch`, name, lookupNames()), pos);
    }
  } else if (Array.isArray(value)) {
    for (const v of value) checkLookupCalls(v, pos);
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      checkLookupCalls(k, pos);
      checkLookupCalls(v, pos);
    }
  }
}
