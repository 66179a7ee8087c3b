/**
 * Templating throughput with a realistic scope: 500 hosts' hostvars plus
 * play vars, where each template reads only two names. Prints renders per
 * second for the common shapes; no assertions (run: node --import tsx test/bench/template.ts).
 */
import { evalCond, evalExpr, render } from '../../src/template/index.js';

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

function bench(label: string, fn: () => unknown): void {
  for (let i = 0; i < 1000; i++) fn();
  const n = 10000;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) fn();
  const ms = performance.now() - t0;
  console.log(`${label.padEnd(44)} ${Math.round((n / ms) * 1000).toString().padStart(8)} /s  (${((ms / n) * 1000).toFixed(1)} µs each)`);
}

console.log('scope: 500 hosts in hostvars; each template reads 2 names\n');
bench('render "{{ app_dir }}/{{ item.name }}"', () => render('{{ app_dir }}/{{ item.name }}', scope));
bench('render "{{ item.name | upper }}-{{ r.rc }}"', () => render('{{ item.name | upper }}-{{ r.rc }}', scope));
bench('render "{{ item.name }}" (lone variable)', () => render('{{ item.name }}', scope));
bench('evalExpr "item.state ~ r.stdout"', () => evalExpr('item.state ~ r.stdout', scope));
bench('evalCond "r.rc == 0 and item is defined"', () => evalCond('r.rc == 0 and item is defined', scope));
bench('render "{{ hostvars[inventory_hostname].app.port }}"', () => render('{{ hostvars[inventory_hostname].app.port }}', scope));
bench('render "{{ groups.web | length }}"', () => render('{{ groups.web | length }}', scope));
bench('render "{{ hostvars | length }}" (whole, 500 hosts)', () => render('{{ hostvars | length }}', scope));
bench('render plain string (fast path)', () => render('no templates here', scope));
bench('render {args} with 2 templated values', () => render({ name: '{{ item.name }}', dest: '{{ app_dir }}/conf', mode: '0644' }, scope));
