/**
 * Inventory sources as real projects have them (scripts, directories,
 * constructed configs), shared by the unit tests and the ansible-core
 * parity test. Keys ending in `*` are written executable (the `*` dropped).
 */
import fs from 'node:fs';
import path from 'node:path';
import { writeTree } from './helpers.js';

const META_SCRIPT = `#!/bin/sh
# A dynamic inventory that answers --list with _meta (one call).
if [ "$1" = "--list" ]; then cat <<'JSON'
{"web": {"hosts": ["web1", "web2"], "vars": {"http_port": 8080}},
 "db": ["db1"],
 "prod": {"children": ["web", "db"], "vars": {"env": "prod"}},
 "_meta": {"hostvars": {"web1": {"ansible_host": "10.0.0.1", "rack": "r1"}, "db1": {"ansible_port": 2222}}}}
JSON
else echo '{}'; fi
`;

const HOST_SCRIPT = `#!/bin/sh
# An old-style dynamic inventory: no _meta, so --host NAME per host.
case "$1" in
  --list) echo '{"app": {"hosts": ["app1", "app2"]}, "ungrouped": {"hosts": ["solo"]}}' ;;
  --host) case "$2" in
      app1) echo '{"role": "primary", "weight": 3}' ;;
      app2) echo '{"role": "replica"}' ;;
      *) echo '{}' ;;
    esac ;;
esac
`;

export const SOURCES: Record<string, Record<string, string>> = {
  'script with _meta': { 'inv.sh*': META_SCRIPT },
  'script without _meta': { 'inv.py*': HOST_SCRIPT },
  'directory of INI, YAML and a script': {
    'inv/01-static': '[web]\nweb1 from=ini\n[web:vars]\nhttp_port=80\n[lb]\nlb1\n',
    'inv/02-more.yml': 'all:\n  children:\n    db:\n      hosts:\n        db1: {from: yaml}\n        web1: {size: 2}\n      vars: {engine: pg}\n',
    'inv/03-dynamic*': META_SCRIPT,
    'inv/hosts.ini': '[ignored]\nnever\n',
    'inv/README.md': '# not an inventory\n',
    'inv/group_vars/web.yml': 'from_group_vars: yes\n',
  },
  'constructed source after a static one': {
    'inv/10-hosts.yml': [
      'all:',
      '  hosts:',
      '    a1: {os: debian, rack: r1, port: 22, tags: [blue, green]}',
      '    a2: {os: centos, rack: r2, port: 2222}',
      '    a3: {rack: r1}',
      '  children:',
      '    web: {hosts: {a1: , a2: }, vars: {tier: front}}',
      '',
    ].join('\n'),
    'inv/20-constructed.yml': [
      'plugin: ansible.builtin.constructed',
      'strict: false',
      'compose:',
      '  next_port: port + 1',
      '  label: "rack ~ \'-\' ~ tier"',
      '  is_front: tier == "front"',
      'groups:',
      '  debian_hosts: os == "debian"',
      '  in_r1: rack == "r1"',
      'keyed_groups:',
      '  - key: os',
      '    prefix: os',
      '  - key: rack',
      '    separator: ""',
      '    parent_group: racks',
      '  - key: tags',
      '    prefix: tag',
      '',
    ].join('\n'),
  },
};

/** Write one named source tree; returns its directory and the `-i` path (`inv` or the single file). */
export function writeSource(name: string): { dir: string; source: string } {
  const files = SOURCES[name];
  const plain = Object.fromEntries(Object.entries(files).map(([k, v]) => [k.replace(/\*$/, ''), v]));
  const dir = writeTree(plain);
  for (const k of Object.keys(files)) if (k.endsWith('*')) fs.chmodSync(path.join(dir, k.slice(0, -1)), 0o755);
  const top = [...new Set(Object.keys(plain).map((k) => k.split('/')[0]))];
  return { dir, source: path.join(dir, top.length === 1 ? top[0] : '.') };
}
