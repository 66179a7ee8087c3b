/**
 * Opens, before the run starts, every vault-encrypted file the run will
 * surely read: the `group_vars`/`host_vars` of each host a play targets
 * (within `--limit`) and the plays' static `vars_files`. A wrong password is
 * then one error at `file:line` with exit 1, as DESIGN §6 wants for the
 * user's input, instead of a failure halfway through a deploy. Hosts no
 * play targets are left alone, as ansible-core leaves them: a staging
 * deploy needs no production password. (Files named by templates are
 * opened when they are read.)
 */
import fs from 'node:fs';
import path from 'node:path';
import type { HostSource, Playbook, TaskLoader } from '../model/index.js';

export function openEveryVault(l: { playbook: Playbook; limit?: string }, hosts: HostSource, loader: TaskLoader): void {
  const allowed = l.limit ? new Set(hosts.select(l.limit)) : undefined;
  // Each play reads the group_vars/host_vars beside its own file (import_playbook).
  for (const play of l.playbook.plays) {
    const dir = play.pos.file ? path.dirname(path.resolve(play.pos.file)) : l.playbook.dir;
    for (const host of hosts.select(play.hosts)) if (!allowed || allowed.has(host)) hosts.varsFor(host, dir);
  }
  for (const play of l.playbook.plays) {
    for (const entry of play.varsFiles) {
      const options = (Array.isArray(entry) ? entry : [entry]).map(String);
      if (options.some((f) => f.includes('{{') || f.includes('{%'))) continue;
      const found = options.map((f) => path.resolve(l.playbook.dir, f)).find((f) => fs.existsSync(f));
      if (found) loader.varsFile(found);
    }
  }
}
