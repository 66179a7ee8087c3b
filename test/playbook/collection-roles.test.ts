import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { loadConfig } from '../../src/config/index.js';
import { UserError, type Include, type TaskNode } from '../../src/model/index.js';
import { loadPlaybook, taskLoader } from '../../src/playbook/index.js';
import { flat, testModules, tree } from './helpers.js';

/** A collection role that says where it was loaded from. */
function collectionRole(root: string, fqcn: string, says: string): Record<string, string> {
  const [ns, coll, role] = fqcn.split('.');
  return { [`${root}/ansible_collections/${ns}/${coll}/roles/${role}/tasks/main.yml`]: `- debug: {msg: ${says}}\n` };
}

const PLAY = [
  '- hosts: all',
  '  roles: [acme.web.nginx]',
  '  tasks:',
  '    - import_role: {name: acme.web.nginx}',
  '    - include_role: {name: acme.db.pg}',
  '',
].join('\n');

/** The project's settings as playwatch reads them, with a home and /etc of its own. */
function settingsIn(dir: string, env: NodeJS.ProcessEnv = {}) {
  fs.mkdirSync(path.join(dir, 'home'), { recursive: true });
  return loadConfig({ cwd: dir, env, home: path.join(dir, 'home'), systemConfig: path.join(dir, 'no-etc.cfg') }).settings;
}

/** The play's tasks: each task's role and debug msg, include_role as `include <name>`, plus the role an include brings in. */
async function load(dir: string, env: NodeJS.ProcessEnv = {}): Promise<string[]> {
  const settings = settingsIn(dir, env);
  const pb = loadPlaybook(path.join(dir, 'site.yml'), { collectionsPath: settings.collectionsPath, modules: testModules });
  const loader = taskLoader({ playbookDir: pb.dir, collectionsPath: settings.collectionsPath, modules: testModules });
  const describe = async (n: TaskNode): Promise<string[]> => {
    if (n.kind === 'task') return [`${n.role?.name ?? '-'}: ${String((n.args as { msg?: unknown }).msg)}`];
    if (n.kind !== 'include') return [];
    const inc = n as Include;
    return [`include ${inc.target}`, ...(await describeAll(flat((await loader.includeRole(inc, inc.target, [])).tasks)))];
  };
  const describeAll = async (nodes: TaskNode[]): Promise<string[]> => {
    const out: string[] = [];
    for (const n of nodes) out.push(...(await describe(n)));
    return out;
  };
  return describeAll(flat(pb.plays[0].sections.flatMap((s) => s.tasks)));
}

/** The load error's message, the temp dir shown as DIR. */
async function loadError(dir: string, env: NodeJS.ProcessEnv = {}): Promise<string> {
  try {
    await load(dir, env);
  } catch (e) {
    assert.ok(e instanceof UserError, String(e));
    return e.message.split(dir).join('DIR');
  }
  assert.fail('the playbook loaded');
}

const EXPECTED = [
  'acme.web.nginx: from installed',
  'acme.web.nginx: from installed',
  'include acme.db.pg',
  'acme.db.pg: from installed',
];

const SOURCES: Array<[how: string, cfg: string | undefined, env: NodeJS.ProcessEnv]> = [
  ['ansible.cfg collections_path', '[defaults]\ncollections_path = ./installed\n', {}],
  ['ansible.cfg collections_paths (the older name)', '[defaults]\ncollections_paths = ./installed\n', {}],
  ['ansible.cfg naming the ansible_collections dir itself', '[defaults]\ncollections_path = installed/ansible_collections\n', {}],
  ['ANSIBLE_COLLECTIONS_PATH', undefined, { ANSIBLE_COLLECTIONS_PATH: 'elsewhere:installed' }],
  ['ANSIBLE_COLLECTIONS_PATHS', undefined, { ANSIBLE_COLLECTIONS_PATHS: 'installed' }],
];

for (const [how, cfg, env] of SOURCES) {
  test(`roles:, import_role and include_role find FQCN roles installed under ${how}`, async () => {
    const dir = tree({
      'site.yml': PLAY,
      ...(cfg ? { 'ansible.cfg': cfg } : {}),
      ...collectionRole('installed', 'acme.web.nginx', 'from installed'),
      ...collectionRole('installed', 'acme.db.pg', 'from installed'),
    });
    assert.deepEqual(await load(dir, env), EXPECTED);
  });
}

test('the collections dir beside the playbook is searched before collections_path, and its copy of a collection wins', async () => {
  const dir = tree({
    'site.yml': PLAY,
    'ansible.cfg': '[defaults]\ncollections_path = ./installed\n',
    ...collectionRole('installed', 'acme.web.nginx', 'from installed'),
    ...collectionRole('installed', 'acme.db.pg', 'from installed'),
    ...collectionRole('collections', 'acme.web.nginx', 'from beside'),
  });
  assert.deepEqual(await load(dir), ['acme.web.nginx: from beside', 'acme.web.nginx: from beside', 'include acme.db.pg', 'acme.db.pg: from installed']);
});

test('the current name ANSIBLE_COLLECTIONS_PATH wins over ANSIBLE_COLLECTIONS_PATHS', () => {
  const dir = tree({ 'ansible.cfg': '[defaults]\ncollections_paths = /old\ncollections_path = /new\n' });
  assert.deepEqual(settingsIn(dir).collectionsPath, ['/new']);
  assert.deepEqual(settingsIn(dir, { ANSIBLE_COLLECTIONS_PATHS: '/a', ANSIBLE_COLLECTIONS_PATH: '/b' }).collectionsPath, ['/b']);
});

test('the default collections path is ansible-core\'s', () => {
  const dir = tree({});
  assert.deepEqual(settingsIn(dir).collectionsPath, [path.join(dir, 'home/.ansible/collections'), '/usr/share/ansible/collections']);
});

const MISSING: Array<[where: string, play: string, message: string]> = [
  [
    'in roles:',
    '- hosts: all\n  roles:\n    - acme.web.nginx\n    - acme.web.missing\n',
    "DIR/site.yml:4:7: role 'acme.web.missing' not found in collection acme.web (at DIR/installed/ansible_collections/acme/web): no roles/missing there",
  ],
  [
    'in import_role',
    '- hosts: all\n  tasks:\n    - import_role:\n        name: other.coll.nginx\n',
    "DIR/site.yml:3:7: role 'other.coll.nginx' not found: collection other.coll is not installed; looked in: " +
      'DIR/collections/ansible_collections/other/coll, DIR/installed/ansible_collections/other/coll',
  ],
  [
    'in include_role (when it runs)',
    '- hosts: all\n  tasks:\n    - include_role: {name: acme.db.nope}\n',
    "DIR/site.yml:3:7: role 'acme.db.nope' not found: collection acme.db is not installed; looked in: " +
      'DIR/collections/ansible_collections/acme/db, DIR/installed/ansible_collections/acme/db',
  ],
  [
    'hidden by an earlier copy of its collection beside the playbook',
    '- hosts: all\n  roles: [acme.web.nginx]\n',
    "DIR/site.yml:2:11: role 'acme.web.nginx' not found in collection acme.web (at DIR/collections/ansible_collections/acme/web): no roles/nginx there",
  ],
];

for (const [where, play, message] of MISSING) {
  test(`a missing FQCN role ${where} is one error at its file:line:col naming the paths searched`, async () => {
    const dir = tree({
      'site.yml': play,
      'ansible.cfg': '[defaults]\ncollections_path = ./installed\n',
      ...collectionRole('installed', 'acme.web.nginx', 'ok'),
      ...(where.startsWith('hidden') ? collectionRole('collections', 'acme.web.other', 'beside') : {}),
    });
    assert.equal(await loadError(dir), message);
  });
}
