/**
 * Templating throughput with a realistic scope: 500 hosts' hostvars plus
 * play vars, where each template reads only two names. Prints renders per
 * second for the common shapes. Only with --only template.
 */
import { evalCond, evalExpr, render } from '../../../src/template/index.js';
import type { Scenario } from '../lib/scenario.js';
import { single } from '../lib/stats.js';
import type { Row } from '../lib/types.js';

const hostvars: Record<string, unknown> = {};
for (let i = 0; i < 500; i++) {
  hostvars[`web${i}`] = {
    ansible_host: `10.0.${i >> 8}.${i & 255}`,
    group_names: ['web', 'prod'],
    app: { port: 8000 + i, root: '/srv/app', features: ['a', 'b', 'c'] },
    motd: 'x'.repeat(60),
  };
}
const scope: Record<string, unknown> = {
  hostvars,
  groups: { all: Object.keys(hostvars), web: Object.keys(hostvars) },
  inventory_hostname: 'web7',
  base: '/srv',
  app_dir: '{{ base }}/app',
  item: { name: 'nginx', state: 'present' },
  r: { rc: 0, stdout: 'ok' },
};

/** Warm up, then as many calls as fit in ~300 ms (a slow shape must not take minutes on a busy machine). */
function bench(rows: Row[], label: string, fn: () => unknown): void {
  for (let i = 0; i < 100; i++) fn();
  let n = 0;
  const t0 = performance.now();
  let ms = 0;
  while (ms < 300 || n < 10) {
    fn();
    n++;
    ms = performance.now() - t0;
  }
  rows.push({ scenario: 'template', measure: label, unit: 'µs', figure: single((ms / n) * 1000) });
}

export const template: Scenario = {
  name: 'template',
  title: 'Template: µs per render with 500 hosts in hostvars, in-process',
  inDefault: false,
  fleet: () => 0,
  estimateS: () => 10,
  async run() {
    const rows: Row[] = [];
    bench(rows, 'render "{{ app_dir }}/{{ item.name }}"', () => render('{{ app_dir }}/{{ item.name }}', scope));
    bench(rows, 'render "{{ item.name | upper }}-{{ r.rc }}"', () => render('{{ item.name | upper }}-{{ r.rc }}', scope));
    bench(rows, 'render "{{ item.name }}" (lone variable)', () => render('{{ item.name }}', scope));
    bench(rows, 'evalExpr "item.state ~ r.stdout"', () => evalExpr('item.state ~ r.stdout', scope));
    bench(rows, 'evalCond "r.rc == 0 and item is defined"', () => evalCond('r.rc == 0 and item is defined', scope));
    bench(rows, 'render "{{ hostvars[inventory_hostname].app.port }}"', () => render('{{ hostvars[inventory_hostname].app.port }}', scope));
    bench(rows, 'render "{{ groups.web | length }}"', () => render('{{ groups.web | length }}', scope));
    bench(rows, 'render "{{ hostvars | length }}" (whole, 500 hosts)', () => render('{{ hostvars | length }}', scope));
    bench(rows, 'render plain string (fast path)', () => render('no templates here', scope));
    bench(rows, 'render {args} with 2 templated values', () => render({ name: '{{ item.name }}', dest: '{{ app_dir }}/conf', mode: '0644' }, scope));
    return rows;
  },
};
