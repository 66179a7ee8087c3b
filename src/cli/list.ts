import type { Inventory, Playbook, TaskNode } from '../model/index.js';
import { selectHosts } from '../inventory/index.js';
import { shouldRun, type TagFilter } from '../engine/index.js';

interface ListOptions {
  listHosts?: boolean;
  listTasks?: boolean;
  listTags?: boolean;
  limit?: string;
  tags: TagFilter;
  cwd: string;
  playbookArg: string;
}

/** `--list-hosts`, `--list-tasks`, `--list-tags`, in ansible-playbook's layout. */
export function listPlaybook(pb: Playbook, inv: Inventory, o: ListOptions): string {
  const out: string[] = ['', `playbook: ${o.playbookArg}`];
  pb.plays.forEach((play, i) => {
    out.push('', `  play #${i + 1} (${play.hosts}): ${play.name}\tTAGS: [${play.tags.join(', ')}]`);
    if (o.listHosts) {
      let hosts = selectHosts(inv, play.hosts, { cwd: o.cwd });
      if (o.limit) {
        const allowed = new Set(selectHosts(inv, o.limit, { cwd: o.cwd }));
        hosts = hosts.filter((h) => allowed.has(h));
      }
      out.push(`    pattern: ['${play.hosts}']`, `    hosts (${hosts.length}):`, ...hosts.map((h) => `      ${h}`));
    }
    const tasks = play.sections.flatMap((s) => flatten(s.tasks)).filter((t) => shouldRun(t.tags, o.tags));
    if (o.listTasks) {
      out.push('    tasks:');
      for (const t of tasks) out.push(`      ${t.role ? `${t.role.name} : ` : ''}${t.name ?? ('module' in t ? t.module : t.kind)}\tTAGS: [${t.tags.join(', ')}]`);
    }
    if (o.listTags) {
      const tags = [...new Set(tasks.flatMap((t) => t.tags))].sort();
      out.push(`      TASK TAGS: [${tags.join(', ')}]`);
    }
  });
  return out.join('\n') + '\n';
}

function flatten(nodes: TaskNode[]): TaskNode[] {
  return nodes.flatMap((n) => (n.kind === 'block' ? [...flatten(n.block), ...flatten(n.rescue), ...flatten(n.always)] : [n]));
}
