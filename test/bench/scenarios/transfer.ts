/**
 * command, script, slurp, fetch, find, assemble and unarchive: the commands
 * one call sends (each is one round trip over SSH) on a first and a second
 * run, and the wall time per call on the local transport. No fleet. Only
 * with --only transfer.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadModule } from '../../../src/modules/index.js';
import { fakeContext, fakeTask } from '../../modules/context.js';
import { atCleanup } from '../lib/cleanup.js';
import type { Scenario } from '../lib/scenario.js';
import { single } from '../lib/stats.js';
import type { Row } from '../lib/types.js';

const CALLS: Array<[string, Record<string, unknown>]> = [
  ['command', { _raw_params: 'touch made', creates: 'made' }],
  ['script', { _raw_params: 'run.sh done', creates: 'done' }],
  ['slurp', { src: 'big.bin' }],
  ['fetch', { src: 'big.bin', dest: 'fetched' }],
  ['find', { paths: 'tree', recurse: true, patterns: '*.log', contains: 'line 9' }],
  ['assemble', { src: 'frags', dest: 'assembled.conf' }],
  ['unarchive', { src: 'tree.tgz', dest: 'unpacked' }],
];

function setUp(): { root: string; project: string; host: string } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-bench-transfer-'));
  const project = path.join(root, 'project');
  const host = path.join(root, 'host');
  fs.mkdirSync(path.join(project, 'files'), { recursive: true });
  fs.writeFileSync(path.join(project, 'files', 'run.sh'), '#!/bin/sh\ntouch "$1"\n');
  for (let d = 0; d < 10; d++) {
    fs.mkdirSync(path.join(host, 'tree', `d${d}`), { recursive: true });
    for (let f = 0; f < 100; f++) fs.writeFileSync(path.join(host, 'tree', `d${d}`, `f${f}.log`), `line ${f}\n`);
  }
  fs.mkdirSync(path.join(host, 'frags'));
  for (let f = 0; f < 50; f++) fs.writeFileSync(path.join(host, 'frags', `${String(f).padStart(2, '0')}.conf`), `k${f}=v\n`);
  fs.writeFileSync(path.join(host, 'big.bin'), Buffer.alloc(1 << 20, 7));
  fs.mkdirSync(path.join(host, 'unpacked'));
  execFileSync('tar', ['czf', path.join(project, 'files', 'tree.tgz'), 'tree'], { cwd: host });
  return { root, project, host };
}

export const transfer: Scenario = {
  name: 'transfer',
  title: 'Transfer modules: commands per call (first and second run) and wall time, local transport',
  inDefault: false,
  fleet: () => 0,
  estimateS: () => 10,
  async run() {
    const { root, project, host } = setUp();
    const remove = atCleanup(() => fs.rmSync(root, { recursive: true, force: true }));
    const rows: Row[] = [];
    try {
      for (const [name, args] of CALLS) {
        for (const run of ['first', 'second']) {
          const ctx = fakeContext(name, args, { root: host, task: fakeTask(name, path.join(project, 'site.yml')), vars: { playbook_dir: project } });
          const t0 = performance.now();
          const r = await (await loadModule(name))!.run(ctx);
          const ms = performance.now() - t0;
          const label = `${name} ${JSON.stringify(args)}, ${run} run`;
          rows.push({ scenario: 'transfer', measure: `${label}: commands`, unit: 'n', figure: single(ctx.commands.length), ...(r.failed ? { note: `failed: ${String(r.msg)}` } : {}) });
          rows.push({ scenario: 'transfer', measure: `${label}: wall`, unit: 'ms', figure: single(ms) });
        }
      }
    } finally {
      remove();
    }
    return rows;
  },
};
