/** `loop`, `with_items`, `with_list`, `with_dict`, `with_indexed_items` and `loop_control`. */
import { UserError, withHint, type LoopSpec, type Pos, type Vars } from '../model/index.js';
import { field, toNumOrStr, toStr } from './coerce.js';
import { asMap, entries, kindOf, posOf, toValue, type Entry, type Source } from './source.js';

export const LOOP_KEYS: ReadonlySet<string> = new Set(['loop', 'with_items', 'with_list', 'with_dict', 'with_indexed_items']);

const CONTROL_KEYS = ['label', 'loop_var', 'index_var', 'pause', 'extended', 'extended_allitems', 'break_when'];

/**
 * Builds the loop of a task or include. `with_dict` and `with_indexed_items`
 * are marked in `extra._with` ('dict' / 'indexed_items') so the engine can
 * turn the items into `{key, value}` pairs or `[index, item]` pairs.
 */
export function readLoop(src: Source, keys: Entry[], extra: Vars): LoopSpec | undefined {
  const loops = keys.filter((e) => LOOP_KEYS.has(e.key));
  if (loops.length > 1) {
    throw new UserError(`conflicting loop keywords: ${loops.map((e) => e.key).join(', ')}`, posOf(src, loops[1].keyNode));
  }
  const loop = loops[0];
  if (!loop) return undefined;
  const items = toValue(src, loop.value);
  if (items == null || typeof items === 'number' || typeof items === 'boolean') {
    throw new UserError(`'${loop.key}' needs a list or a {{ template }}, got ${kindOf(loop.value)}`, posOf(src, loop.keyNode));
  }
  const spec: LoopSpec = { items, flatten: loop.key === 'with_items' || loop.key === 'with_indexed_items', loopVar: 'item' };
  if (loop.key === 'with_dict') extra._with = 'dict';
  if (loop.key === 'with_indexed_items') extra._with = 'indexed_items';
  const control = keys.find((e) => e.key === 'loop_control');
  if (control) readControl(src, control, spec, extra);
  return spec;
}

function readControl(src: Source, control: Entry, spec: LoopSpec, extra: Vars): void {
  const map = asMap(src, control.value);
  if (!map) {
    throw new UserError(`'loop_control' must be a mapping, got ${kindOf(control.value)}`, posOf(src, control.keyNode));
  }
  for (const e of entries(src, map)) {
    const f = field(src, e);
    if (e.key === 'label') spec.label = toStr(f);
    else if (e.key === 'loop_var') spec.loopVar = identifier(f.pos, e.key, toStr(f));
    else if (e.key === 'index_var') spec.indexVar = identifier(f.pos, e.key, toStr(f));
    else if (e.key === 'pause') {
      const p = toNumOrStr(f);
      if (typeof p !== 'number') throw new UserError(`'pause' must be a number of seconds`, f.pos);
      spec.pause = p;
    } else if (CONTROL_KEYS.includes(e.key)) {
      const kept = (extra.loop_control ?? {}) as Vars;
      kept[e.key] = toValue(src, e.value);
      extra.loop_control = kept;
    } else {
      throw new UserError(withHint(`unknown loop_control option '${e.key}'`, e.key, CONTROL_KEYS), f.pos);
    }
  }
}

function identifier(pos: Pos, key: string, v: string): string {
  if (!/^[A-Za-z_]\w*$/.test(v)) throw new UserError(`'${key}' must be a variable name, got '${v}'`, pos);
  return v;
}
