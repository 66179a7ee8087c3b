/** ansible-core's retry file (`retry_files_enabled`): the failed and unreachable hosts, for `--limit @file`. */
import fs from 'node:fs';
import path from 'node:path';
import type { HostStats } from '../model/index.js';

/**
 * Writes `<playbook name>.retry` (beside the playbook, or in
 * `retry_files_save_path`) with the hosts that failed or were unreachable,
 * sorted, one a line, as ansible-core's playbook executor does; returns the
 * line it prints, or nothing when every host did well. A file that cannot be
 * written is a warning line, never a failed run.
 */
export function writeRetryFile(playbookPath: string, stats: Record<string, HostStats>, saveDir?: string): string | undefined {
  const hosts = Object.entries(stats)
    .filter(([, s]) => s.failed > 0 || s.unreachable > 0)
    .map(([h]) => h)
    .sort();
  if (!hosts.length) return undefined;
  const dir = saveDir ?? path.dirname(path.resolve(playbookPath));
  const file = path.join(dir, `${path.basename(playbookPath, path.extname(playbookPath))}.retry`);
  try {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(file, hosts.map((h) => `${h}\n`).join(''));
  } catch (e) {
    return `[WARNING]: Could not create retry file '${file}'. ${(e as Error).message}`;
  }
  return `\tto retry, use: --limit @${file}`;
}
