/**
 * Playbook parse benchmark: a generated playbook with 50 roles × 40 tasks
 * (2,000 tasks, plus handlers and defaults), loaded in-process. Prints the
 * first load (cold: JIT and fs caches) and the best of 5, each measured with
 * performance.now() around loadPlaybook only, after Node and the modules are
 * up. Target: under 200 ms. Only with --only parse.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { LineCounter, parseDocument } from 'yaml';
import { loadPlaybook } from '../../../src/playbook/index.js';
import { testModules } from '../../playbook/helpers.js';
import { atCleanup } from '../lib/cleanup.js';
import type { Scenario } from '../lib/scenario.js';
import { single, summarize } from '../lib/stats.js';
import { atMost } from '../lib/targets.js';

const ROLES = 50;
const TASKS = 40;

/** One task of a role, varied like real roles: free-form, k=v, mappings, loops, conditions. */
function taskYaml(r: number, t: number): string {
  switch (t % 5) {
    case 0:
      return `- name: Run step ${t} of role ${r}\n  shell: /opt/app/bin/step-${t}.sh --role r${r} chdir=/opt/app creates=/tmp/done-${r}-${t}\n  register: step_${t}\n  changed_when: "'changed' in step_${t}.stdout"\n`;
    case 1:
      return `- name: Report ${t}\n  debug: msg="role {{ role_name }} step {{ step_${t - 1}.rc | default(0) }}"\n  when: verbose | bool\n  tags: [report, r${r}]\n`;
    case 2:
      return `- name: Copy file ${t}\n  copy:\n    src: files/f${t}.conf\n    dest: /etc/app/f${t}.conf\n    mode: "0644"\n  notify: restart r${r}\n`;
    case 3:
      return `- name: Loop ${t}\n  command: echo {{ item }}\n  loop: "{{ packages_${r} }}"\n  loop_control:\n    label: "{{ item.name | default(item) }}"\n`;
    default:
      return `- name: Guarded block ${t}\n  when: enable_${r}\n  block:\n    - name: Inner ${t}\n      command: /bin/true\n  rescue:\n    - name: Recover ${t}\n      debug: msg=recovered\n`;
  }
}

function generate(dir: string): string {
  for (let r = 0; r < ROLES; r++) {
    const role = path.join(dir, 'roles', `role${r}`);
    for (const part of ['tasks', 'handlers', 'defaults', 'meta']) fs.mkdirSync(path.join(role, part), { recursive: true });
    let tasks = '---\n';
    for (let t = 0; t < TASKS; t++) tasks += taskYaml(r, t);
    fs.writeFileSync(path.join(role, 'tasks', 'main.yml'), tasks);
    fs.writeFileSync(path.join(role, 'handlers', 'main.yml'), `- name: restart r${r}\n  command: systemctl restart r${r}\n`);
    fs.writeFileSync(path.join(role, 'defaults', 'main.yml'), `enable_${r}: true\npackages_${r}: [a, b, c]\n`);
    fs.writeFileSync(path.join(role, 'meta', 'main.yml'), 'dependencies: []\n');
  }
  const roles = Array.from({ length: ROLES }, (_, r) => `    - { role: role${r}, tags: ['r${r}'] }\n`).join('');
  const file = path.join(dir, 'site.yml');
  fs.writeFileSync(file, `- name: Big play\n  hosts: all\n  gather_facts: false\n  roles:\n${roles}`);
  return file;
}

function countTasks(nodes: { kind: string; block?: unknown[]; rescue?: unknown[]; always?: unknown[] }[]): number {
  let n = 0;
  for (const t of nodes) {
    if (t.kind === 'block') n += countTasks([...(t.block ?? []), ...(t.rescue ?? []), ...(t.always ?? [])] as never);
    else n++;
  }
  return n;
}

/** The YAML library's own time on the same files: the floor for a positioned parse. */
function yamlOnly(dir: string): { best: number; bytes: number } {
  const files = [path.join(dir, 'site.yml')];
  for (const r of fs.readdirSync(path.join(dir, 'roles'))) {
    for (const part of ['tasks', 'handlers', 'defaults', 'meta']) files.push(path.join(dir, 'roles', r, part, 'main.yml'));
  }
  const texts = files.map((f) => fs.readFileSync(f, 'utf8'));
  let best = Infinity;
  for (let i = 0; i < 5; i++) {
    const start = performance.now();
    for (const t of texts) parseDocument(t, { lineCounter: new LineCounter(), version: '1.1' });
    best = Math.min(best, performance.now() - start);
  }
  return { best, bytes: texts.reduce((n, t) => n + t.length, 0) };
}

export const parse: Scenario = {
  name: 'parse',
  title: 'Parse: a playbook of 50 roles × 40 tasks, in-process',
  inDefault: false,
  fleet: () => 0,
  estimateS: () => 5,
  async run(ctx) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-bench-parse-'));
    const remove = atCleanup(() => fs.rmSync(dir, { recursive: true, force: true }));
    try {
      const file = generate(dir);
      const times: number[] = [];
      let tasks = 0;
      for (let i = 0; i < 6; i++) {
        const start = performance.now();
        const pb = loadPlaybook(file, { modules: testModules });
        times.push(performance.now() - start);
        tasks = countTasks(pb.plays[0].sections[1].tasks);
      }
      const [first, ...rest] = times;
      const floor = yamlOnly(dir);
      const label = `${ROLES}×${TASKS} roles (${tasks} tasks, ${(floor.bytes / 1024).toFixed(0)} KiB)`;
      ctx.log(`parse ${label}: first ${first.toFixed(1)} ms, then ${rest.map((t) => t.toFixed(1)).join(', ')} ms`);
      return [
        { scenario: 'parse', measure: `${label}: loadPlaybook, first (cold)`, unit: 'ms', figure: single(first) },
        { scenario: 'parse', measure: `${label}: loadPlaybook, warm`, unit: 'ms', figure: summarize(rest), target: atMost(200, '≤ 200 ms', 'positions are kept for every node; a lazier walk of the YAML tree would close it.') },
        { scenario: 'parse', measure: `${label}: yaml.parseDocument alone, best`, unit: 'ms', figure: single(floor.best) },
      ];
    } finally {
      remove();
    }
  },
};
