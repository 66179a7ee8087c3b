import fs from 'node:fs';
import path from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node, type Pair } from 'yaml';
import { UserError } from '../model/index.js';

/** Play keywords that are playwatch's own (group budgets): ansible-core knows nothing of them. */
export const PLAYWATCH_ONLY_KEYWORDS: Record<string, string> = {
  max_concurrent_per: 'group budgets',
  max_concurrent: 'group budgets',
  on_group_failure: 'group budgets',
};

/**
 * Stops a run under ansible-core before it starts when a play uses one of
 * playwatch's own keywords: ansible-core would refuse the play (or, worse,
 * run it without the budget). Follows `import_playbook` of literal files.
 * A file that does not parse is left to ansible-playbook to report.
 */
export function checkPlaywatchKeywords(file: string, seen = new Set<string>()): void {
  const real = path.resolve(file);
  if (seen.has(real)) return;
  seen.add(real);
  let text: string;
  try {
    text = fs.readFileSync(real, 'utf8');
  } catch {
    return;
  }
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc });
  if (doc.errors.length || !isSeq(doc.contents)) return;
  for (const play of doc.contents.items) {
    if (!isMap(play)) continue;
    for (const pair of play.items as Array<Pair<Node, Node>>) {
      const key = isScalar(pair.key) ? String(pair.key.value) : '';
      const what = PLAYWATCH_ONLY_KEYWORDS[key];
      if (what) {
        const { line, col } = lc.linePos(pair.key?.range?.[0] ?? 0);
        throw new UserError(
          `'${key}' is playwatch's own keyword (${what}): ansible-core cannot honour it; run this playbook with --engine native, or remove '${key}' to run it under ansible-core`,
          { file: real, line, col },
        );
      }
      if ((key === 'import_playbook' || key === 'ansible.builtin.import_playbook') && isScalar(pair.value) && typeof pair.value.value === 'string' && !pair.value.value.includes('{{')) {
        checkPlaywatchKeywords(path.resolve(path.dirname(real), pair.value.value), seen);
      }
    }
  }
}
