/**
 * What our pure edits say a case's outcome is, in the oracle's terms. A
 * case's file starts 0644 (`mode0` for a second run) and a created file is
 * 0644 (umask 022), so a `mode` argument changes attributes when it names
 * another mode.
 */
import { EDITS, withAttrs } from '../../../src/modules/edit/index.js';
import type { EditCase } from './cases.js';
import type { Outcome } from './oracle-table.js';

export function predict(c: EditCase, check: boolean, mode0 = '0644'): Outcome {
  const r = EDITS[c.module](c.before, { ...c.args, path: '{path}' });
  // ansible-core returns before the attribute step in check mode on a missing file.
  const attrsApply = !r.failed && !r.skipAttrs && !(check && c.before === null);
  const wanted = c.args.mode === undefined ? undefined : String(c.args.mode).padStart(4, '0');
  const current = c.before === null ? '0644' : mode0;
  const attrsChanged = attrsApply && wanted !== undefined && wanted !== current;
  const { msg, changed } = withAttrs(r.msg, r.changed, attrsChanged);
  const written = !check && !r.failed && r.changed;
  const after = written ? r.content : c.before;
  return {
    changed,
    failed: Boolean(r.failed),
    msg,
    ...(r.rc === undefined ? {} : { rc: r.rc }),
    ...(r.found === undefined ? {} : { found: r.found }),
    backup: !check && r.backup,
    warned: (r.warnings ?? []).length > 0,
    after,
    mode: after === null ? null : attrsChanged && !check ? wanted! : current,
  };
}

/** The second run: the same call on what the first run left. */
export function predictAgain(row: EditCase & { run: Outcome }): Outcome {
  return predict({ ...row, before: row.run.after }, false, row.run.mode ?? '0644');
}
