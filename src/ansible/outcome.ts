import type { HostStats } from '../model/index.js';
import type { AnsibleStats } from './records.js';

/** Exit codes (DESIGN §6), as the native engine's `EXIT`. */
const EXIT = { ok: 0, error: 1, failed: 2, unreachable: 4, aborted: 99, internal: 250 } as const;

export interface Fatal {
  message: string;
  /** An error in the user's input (exit 1) rather than in ansible-core or playwatch (250). */
  user: boolean;
}

/**
 * Why a run that was not aborted ended without its stats: the plugin never
 * loaded, or ansible-playbook stopped on an error (its `ERROR!` line).
 */
export function fatalLine(r: {
  code: number;
  hello: boolean;
  helloFailed: boolean;
  gotStats: boolean;
  tail: string;
  pluginDir: string;
  helloTimeoutMs: number;
}): Fatal | undefined {
  if (r.gotStats && r.code !== 250) return undefined;
  const error = errorOf(r.tail);
  const skipped = /Skipping plugin \((\S*playwatch\.py)\), cannot load:\s*([\s\S]*?)\n(?=\[|ERROR!|$)/.exec(r.tail);
  if (!r.hello && skipped) {
    return { message: `ansible-core could not load playwatch's callback plugin (${skipped[1]}): ${skipped[2]!.replace(/\s+/g, ' ').trim()}`, user: false };
  }
  if (r.helloFailed) {
    return { message: `ansible-playbook did not load playwatch's callback plugin (${r.pluginDir}) within ${Math.round(r.helloTimeoutMs / 1000)} s${error ? `: ${error}` : ''}`, user: false };
  }
  if (error) return { message: error, user: r.code !== 250 };
  if (!r.hello) {
    const last = lastLines(r.tail);
    return { message: `ansible-playbook exited with ${r.code} without loading playwatch's callback plugin (${r.pluginDir})${last ? `: ${last}` : ''}`, user: false };
  }
  if (!r.gotStats) return { message: `ansible-playbook exited with ${r.code} before the end of the run${lastLines(r.tail) ? `: ${lastLines(r.tail)}` : ''}`, user: r.code !== 250 };
  return undefined;
}

/** ansible-core's `ERROR! …` message: its first line (with the detail under it when that line ends in a colon) and the position. */
export function errorOf(text: string): string | undefined {
  const lines = text.split('\n');
  const i = lines.findIndex((l) => l.startsWith('ERROR!'));
  if (i < 0) return undefined;
  let first = lines[i]!.replace(/^ERROR!\s*/, '');
  const rest = lines.slice(i + 1, i + 12);
  const whereAt = rest.findIndex((l) => /^The (error|offending line) appears to be in/.test(l));
  if (first.endsWith(':')) {
    const detail = rest.slice(0, whereAt < 0 ? 6 : whereAt).map((l) => l.trim()).filter(Boolean);
    first = `${first} ${detail.join(' ')}`.slice(0, 400).trim();
  }
  const where = whereAt < 0 ? undefined : rest[whereAt];
  return where ? `${first} (${where.replace(/^The (error|offending line) appears to be in /, '').replace(/, but may[\s\S]*$/, '')})` : first;
}

function lastLines(text: string): string {
  return text.trim().split('\n').slice(-1)[0]?.trim() ?? '';
}

/** The exit code: from the stats as the native engine derives it (DESIGN §11), not from ansible-playbook's own code. */
export function exitCodeFor(r: { aborted: boolean; fatal?: Fatal; ansibleCode: number; stats: Record<string, HostStats> }): number {
  if (r.aborted) return EXIT.aborted;
  if (r.fatal) return r.fatal.user ? EXIT.error : EXIT.internal;
  const all = Object.values(r.stats);
  if (all.some((s) => s.unreachable > 0)) return EXIT.unreachable;
  if (all.some((s) => s.failed > 0)) return EXIT.failed;
  // ansible-playbook failed without a failed host (a callback crash, an error after the stats).
  if (r.ansibleCode !== 0 && r.ansibleCode !== 2 && r.ansibleCode !== 4) return EXIT.internal;
  return EXIT.ok;
}

/** `host: field ours/theirs` for each count the events' tally and ansible-core's recap disagree on; '' when they agree. */
export function statsDisagree(ours: Record<string, HostStats>, theirs: Record<string, AnsibleStats>): string {
  const out: string[] = [];
  for (const [host, t] of Object.entries(theirs)) {
    const o = ours[host];
    const pairs: Array<[string, number, number]> = [
      ['ok', o?.ok ?? 0, t.ok],
      ['changed', o?.changed ?? 0, t.changed],
      ['unreachable', o?.unreachable ?? 0, t.unreachable],
      ['failed', o?.failed ?? 0, t.failures],
      ['skipped', o?.skipped ?? 0, t.skipped],
      ['rescued', o?.rescued ?? 0, t.rescued],
      ['ignored', o?.ignored ?? 0, t.ignored],
    ];
    for (const [k, a, b] of pairs) if (a !== b) out.push(`${host}: ${k} ${a}/${b}`);
  }
  return out.join(', ');
}
