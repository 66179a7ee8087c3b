/**
 * lookup(), query() and q() in templates: each builtin lookup over real
 * files of a scratch project (files/, templates/, the playbook directory),
 * the comma join of `lookup`, the lists of `query`, and `errors=`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loopLookup, ON_WARNING, render } from '../../src/template/index.js';
import { UserError } from '../../src/model/index.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-lookups-'));
const files: Record<string, string> = {
  'files/a.txt': '  alpha  \n',
  'files/b.txt': 'beta\n',
  'files/app.ini': '[db]\nuser = bob\nPort = 5432\n[DEFAULT]\nzone = eu\n',
  'files/app.properties': 'user.name=alice\n',
  'files/el.csv': 'Li,3,6.94\n"Na",11,22.99\n',
  'templates/t.j2': 'hi {{ who }}\n\n',
  'roles/r/tasks/main.yml': '[]\n',
  'roles/r/files/in-role.txt': 'from the role\n',
  'top.txt': 'beside the playbook\n',
  'data/d.csv': 'x\n',
};
for (const [f, text] of Object.entries(files)) {
  fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
  fs.writeFileSync(path.join(dir, f), text);
}
process.env.PW_LOOKUP_TEST = 'set';
delete process.env.PW_LOOKUP_UNSET;

const warnings: string[] = [];
const scope = {
  playbook_dir: dir,
  ansible_search_path: [path.join(dir, 'roles/r'), path.join(dir, 'roles/r/tasks')],
  inventory_hostname: 'web1',
  who: 'you',
  nums: [1, [2, 3]],
  words: ['x', 'y'],
  users: [{ name: 'ann', keys: ['k1', 'k2'] }, { name: 'bo', keys: [] }],
  port: '{{ 40 + 2 }}',
  groups: { all: ['web1', 'web2', 'db1'], web: ['web1', 'web2'], db: ['db1'], ungrouped: [] },
  hostvars: {},
  [ON_WARNING]: (m: string) => warnings.push(m),
};
const at = { file: 'site.yml', line: 3, col: 7 };
const r = (t: string) => render(t, scope, at);

const cases: Array<[string, string, unknown]> = [
  ['env', "{{ lookup('env', 'PW_LOOKUP_TEST') }}", 'set'],
  ['env, unset', "{{ lookup('env', 'PW_LOOKUP_UNSET') }}", ''],
  ['env with default', "{{ lookup('env', 'PW_LOOKUP_UNSET', default='d') }}", 'd'],
  ['file, stripped on the right', "{{ lookup('file', 'a.txt') }}", '  alpha'],
  ['file, lstrip', "{{ lookup('file', 'a.txt', lstrip=True) }}", 'alpha'],
  ['file, two joined', "{{ lookup('file', 'a.txt', 'b.txt', lstrip=True) }}", 'alpha,beta'],
  ['file, in the role first', "{{ lookup('file', 'in-role.txt') }}", 'from the role'],
  ['file, beside the playbook', "{{ lookup('file', 'top.txt') }}", 'beside the playbook'],
  ['file, collection name', "{{ lookup('ansible.builtin.file', 'b.txt') }}", 'beta'],
  ['query gives a list', "{{ query('file', 'b.txt') }}", ['beta']],
  ['q is query', "{{ q('file', 'b.txt') }}", ['beta']],
  ['template, with the scope and newlines kept', "{{ lookup('template', 't.j2') }}", 'hi you\n\n'],
  ['template, template_vars', "{{ lookup('template', 't.j2', template_vars={'who': 'me'}) }}", 'hi me\n\n'],
  ['pipe', "{{ lookup('pipe', 'echo one; echo two') }}", 'one\ntwo'],
  ['pipe runs in the playbook directory', "{{ lookup('pipe', 'ls top.txt') }}", 'top.txt'],
  ['lines', "{{ query('lines', 'printf \"a\\nb\\n\"') }}", ['a', 'b']],
  ['vars, templated', "{{ lookup('vars', 'port') }}", '42'],
  ['vars, default', "{{ lookup('vars', 'nope', default=0) }}", '0'],
  ['varnames', "{{ query('varnames', '^w') }}", ['who', 'words']],
  ['items flattens the terms one level: one list term stays as it is', "{{ lookup('items', nums) }}", [1, [2, 3]]],
  ['items over two terms', "{{ query('items', words, nums) }}", [['x', 'y'], [1, [2, 3]]].flat()],
  ['items of strings join', "{{ lookup('items', words) }}", 'x,y'],
  ['items, wantlist', "{{ lookup('items', words, wantlist=True) }}", ['x', 'y']],
  ['list keeps the list as one term', "{{ query('list', words) }}", [['x', 'y']]],
  ['dict', "{{ query('dict', {'a': 1}) }}", [{ key: 'a', value: 1 }]],
  ['indexed_items', "{{ query('indexed_items', words) }}", [[0, 'x'], [1, 'y']]],
  ['an empty result stays a list', "{{ lookup('items', []) }}", []],
  ['sequence, key=value', "{{ query('sequence', 'start=2 end=6 stride=2') }}", ['2', '4', '6']],
  ['sequence, shortcut with format', "{{ query('sequence', '3:n%02d') }}", ['n01', 'n02', 'n03']],
  ['sequence, hex count', "{{ query('sequence', 'start=0x0e count=3 format=%02x') }}", ['0e', '0f', '10']],
  ['sequence, backwards', "{{ query('sequence', 'start=3 end=1 stride=-1') }}", ['3', '2', '1']],
  ['nested', "{{ query('nested', ['a', 'b'], [1, 2]) }}", [['a', 1], ['a', 2], ['b', 1], ['b', 2]]],
  ['together fills with None', "{{ query('together', ['a', 'b'], [1]) }}", [['a', 1], ['b', null]]],
  ['subelements', "{{ query('subelements', users, 'keys') | map(attribute='1') | list }}", ['k1', 'k2']],
  ['subelements pops the sublist', "{{ query('subelements', users, 'keys')[0][0] }}", { name: 'ann' }],
  ['subelements leaves the variable whole', "{{ (query('subelements', users, 'keys') and users[0].keys) }}", ['k1', 'k2']],
  ['first_found', "{{ lookup('first_found', ['nope', 'b.txt']) }}", path.join(dir, 'files/b.txt')],
  ['first_found, mapping', "{{ lookup('first_found', {'files': ['x', 'app.ini'], 'paths': ['files']}) }}", path.join(dir, 'files/app.ini')],
  ['first_found, a trailing mapping is a term, keywords are options', "{{ query('first_found', {'files': ['b.txt']}) == query('first_found', ['b.txt']) }}", true],
  ['subelements, flags in a trailing mapping', "{{ query('subelements', users, 'nokey', {'skip_missing': True}) }}", []],
  ['first_found, skip', "{{ query('first_found', ['nope'], skip=True) }}", []],
  ['fileglob looks in the search path and its files/', "{{ query('fileglob', 'in-*.txt') }}", [path.join(dir, 'roles/r/files/in-role.txt')]],
  ['fileglob with a directory part finds the directory on the search path, then the playbook', "{{ query('fileglob', 'data/*.csv') }}", [path.join(dir, 'data/d.csv')]],
  ['fileglob, no match', "{{ query('fileglob', '*.none') }}", []],
  ['ini', "{{ lookup('ini', 'user', section='db', file='app.ini') }}", 'bob'],
  ['ini, keys are case-insensitive', "{{ lookup('ini', 'PORT', section='db', file='app.ini') }}", '5432'],
  ['ini, DEFAULT section', "{{ lookup('ini', 'zone', section='db', file='app.ini') }}", 'eu'],
  ['ini, default', "{{ lookup('ini', 'x', section='db', file='app.ini', default='none') }}", 'none'],
  ['ini, properties', "{{ lookup('ini', 'user.name', type='properties', file='app.properties') }}", 'alice'],
  ['ini, inline options', "{{ lookup('ini', 'user section=db file=app.ini') }}", 'bob'],
  ['csvfile', "{{ lookup('csvfile', 'Na', file='el.csv', delimiter=',') }}", '11'],
  ['csvfile, inline col', "{{ lookup('csvfile', 'Li file=el.csv delimiter=, col=2') }}", '6.94'],
  ['password, /dev/null', "{{ lookup('password', '/dev/null length=9 chars=digits') is match('^[0-9]{9}$') }}", true],
  ['random_choice', "{{ lookup('random_choice', 'a', 'a') }}", 'a'],
  ['config', "{{ lookup('config', 'DEFAULT_BECOME_USER') }}", 'root'],
  ['config, typed, printed as text', "{{ lookup('config', 'DEFAULT_FORKS') }}", '5'],
  ['config, skip', "{{ query('config', 'NOPE', on_missing='skip') }}", []],
  ['inventory_hostnames', "{{ query('inventory_hostnames', 'all:!db') }}", ['web1', 'web2']],
  ['inventory_hostnames, intersection', "{{ query('inventory_hostnames', 'all:&db') }}", ['db1']],
  ['errors=ignore, lookup gives None', "{{ lookup('file', 'nope', errors='ignore') is none }}", true],
  ['errors=ignore, query gives []', "{{ query('file', 'nope', errors='ignore') }}", []],
];

for (const [what, template, expected] of cases) {
  test(`lookup: ${what}: ${template} gives ${JSON.stringify(expected)}`, () => {
    assert.deepEqual(r(template), expected);
  });
}

const failures: Array<[string, string, string]> = [
  ['first_found with keyword arguments only (no term)', "{{ lookup('first_found', files=['b.txt']) }}", 'No file was found when using first_found.'],
  ['a missing file', "{{ lookup('file', 'nope.txt') }}",
    "site.yml:3:7: An unhandled exception occurred while running the lookup plugin 'file'. Error was a <class 'ansible.errors.AnsibleError'>, original message: could not locate file in lookup: nope.txt. could not locate file in lookup: nope.txt"],
  ['an unknown lookup', "{{ lookup('nope', 'x') }}", 'site.yml:3:7: lookup plugin (nope) not found'],
  ['the url lookup', "{{ lookup('url', 'https://example.com') }}", "site.yml:3:7: the 'url' lookup is not supported"],
  ['first_found finding nothing (a handled lookup error)', "{{ lookup('first_found', ['x']) }}", 'site.yml:3:7: No file was found when using first_found.'],
  ['a failing command', "{{ lookup('pipe', 'exit 4') }}", 'lookup_plugin.pipe(exit 4) returned 4'],
  ['a missing variable', "{{ lookup('vars', 'nope') }}", 'site.yml:3:7: No variable found with this name: nope'],
  ['an undefined term', "{{ lookup('file', missing_name) }}", "site.yml:3:7: 'missing_name' is undefined"],
  ['a bad sequence', "{{ lookup('sequence', 'start=5 end=1') }}", 'to count backwards make stride negative'],
  ['subelements on a missing key', "{{ query('subelements', users, 'nokey') }}", "could not find 'nokey' key in iterated item"],
];

for (const [what, template, message] of failures) {
  test(`lookup: ${what} fails with "${message.slice(0, 60)}…"`, () => {
    assert.throws(() => r(template), (e: unknown) => e instanceof UserError && e.message.includes(message));
  });
}

test('lookup: errors=warn gives None and one warning naming the failure', () => {
  warnings.length = 0;
  assert.equal(r("{{ lookup('file', 'nope.txt', errors='warn') is none }}"), true);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /^Lookup failed but the error is being ignored: An unhandled exception .*could not locate file in lookup: nope.txt/);
});

test('lookup: a variable named q shadows the q() function, as a context variable shadows a Jinja global', () => {
  assert.equal(render('{{ q }}', { q: 'mine' }), 'mine');
});

test('lookup: the password file is written 0600 on first use and read back after', () => {
  const file = path.join(dir, 'secret/pw');
  const first = r(`{{ lookup('password', '${file} length=10') }}`) as string;
  assert.equal(first.length, 10);
  assert.equal(fs.statSync(file).mode & 0o777, 0o600);
  assert.equal(fs.readFileSync(file, 'utf8'), `${first}\n`);
  assert.equal(r(`{{ lookup('password', '${file} length=30') }}`), first);
});

test('lookup: a lookup inside a template lookup runs too (nested templating)', () => {
  fs.writeFileSync(path.join(dir, 'templates/nested.j2'), "{{ lookup('file', 'b.txt') }}-{{ lookup('env', 'PW_LOOKUP_TEST') }}");
  assert.equal(r("{{ lookup('template', 'nested.j2') }}"), 'beta-set');
});

/** [with_ lookup, terms as written, items] */
const loops: Array<[string, unknown, unknown[]]> = [
  ['items', '{{ nums }}', [1, 2, 3]],
  ['items', ['a', ['b', ['c']]], ['a', 'b', ['c']]],
  ['items', 'single', ['single']],
  ['list', [[1, 2], 3], [[1, 2], 3]],
  ['dict', { a: 1 }, [{ key: 'a', value: 1 }]],
  ['indexed_items', ['x', ['y']], [[0, 'x'], [1, 'y']]],
  ['sequence', 'start=1 end=3', ['1', '2', '3']],
  ['nested', ['{{ words }}', [1]], [['x', 1], ['y', 1]]],
  ['together', [['a'], [1, 2]], [['a', 1], [null, 2]]],
  ['subelements', ['{{ users }}', 'keys'], [[{ name: 'ann' }, 'k1'], [{ name: 'ann' }, 'k2']]],
  ['first_found', ['{{ undefined_var }}', 'nope', 'b.txt'], [path.join(dir, 'files/b.txt')]],
  ['first_found', [{ files: ['nope'], skip: true }], []],
  ['fileglob', 'data/*.csv', [path.join(dir, 'data/d.csv')]],
  ['lines', "printf 'a\\nb\\n'", ['a', 'b']],
  ['file', ['b.txt'], ['beta']],
  ['env', ['PW_LOOKUP_TEST'], ['set']],
  ['ini', ['user section=db file=app.ini'], ['bob']],
  ['csvfile', ['Li file=el.csv delimiter=,'], ['3']],
  ['random_choice', ['only'], ['only']],
  ['inventory_hostnames', 'web', ['web1', 'web2']],
  ['varnames', '^wh', ['who']],
  ['vars', ['who'], ['you']],
  ['template', 't.j2', ['hi you\n\n']],
  ['pipe', ['echo p'], ['p']],
  ['config', ['DEFAULT_MODULE_NAME'], ['command']],
];

for (const [name, terms, items] of loops) {
  test(`with_${name}: ${JSON.stringify(terms)} gives the items ${JSON.stringify(items)}`, () => {
    assert.deepEqual(loopLookup(name, terms, scope, at), items);
  });
}

test('with_first_found on a template task looks under templates/', () => {
  assert.deepEqual(loopLookup('first_found', ['t.j2'], scope, at, 'templates'), [path.join(dir, 'templates/t.j2')]);
});

test('a with_ loop whose lookup fails throws the lookup message, as ansible-core fails the task', () => {
  assert.throws(() => loopLookup('file', ['nope.txt'], scope, at), /^Error: could not locate file in lookup: nope.txt$/);
});

test('lookup: a result holding {{ }} is data: stored in a variable and read again, it is not templated', () => {
  fs.writeFileSync(path.join(dir, 'files/raw.txt'), 'raw {{ who }}\n');
  const content = r("{{ lookup('file', 'raw.txt') }}");
  assert.equal(content, 'raw {{ who }}');
  assert.equal(render('{{ content }}', { ...scope, content }, at), 'raw {{ who }}');
  assert.equal(render('{{ who }}', scope, at), 'you');
});

test("lookup: errors='warn' giving None warns once (the lookup runs once)", () => {
  warnings.length = 0;
  assert.equal(r("{{ lookup('file', 'nope.txt', errors='warn') }}"), '');
  assert.equal(warnings.length, 1);
});

test('lookup: config reads ansible.cfg ($ANSIBLE_CONFIG) below the environment, paths relative to the file', () => {
  const cfgDir = path.join(dir, 'cfg');
  fs.mkdirSync(cfgDir, { recursive: true });
  fs.writeFileSync(path.join(cfgDir, 'ansible.cfg'), '[defaults]\nforks = 17 ; a note\nroles_path = ./myroles:/x\ntimeout = 33\n');
  const saved = { ANSIBLE_CONFIG: process.env.ANSIBLE_CONFIG, ANSIBLE_TIMEOUT: process.env.ANSIBLE_TIMEOUT };
  process.env.ANSIBLE_CONFIG = cfgDir;
  process.env.ANSIBLE_TIMEOUT = '44';
  try {
    assert.deepEqual(r("{{ query('config', 'DEFAULT_FORKS', 'DEFAULT_ROLES_PATH', 'DEFAULT_TIMEOUT') }}"), [17, [path.join(cfgDir, 'myroles'), '/x'], 44]);
  } finally {
    for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k]; else process.env[k] = v;
  }
});
