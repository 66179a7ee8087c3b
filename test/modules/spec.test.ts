import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UserError } from '../../src/model/index.js';
import { checkSpec, readArgs, type ArgSpec } from '../../src/modules/spec.js';

const SPEC: ArgSpec = {
  options: {
    path: { type: 'path', required: true, aliases: ['dest', 'name'] },
    state: { type: 'str', choices: ['file', 'directory', 'absent'] },
    mode: { type: 'mode' },
    force: { type: 'bool', default: false },
    content: { type: 'str' },
    src: { type: 'path' },
    retries: { type: 'int' },
    paths: { type: 'list', elements: 'path' },
    owner: { type: 'str' },
    group: { type: 'str' },
    seuser: { type: 'str', unsupported: 'playwatch sets no SELinux contexts; remove it' },
  },
  mutuallyExclusive: [['content', 'src']],
  requiredTogether: [['owner', 'group']],
  requiredIf: [['state', 'directory', ['mode']]],
};

const pos = { file: 'roles/app/tasks/main.yml', line: 12, col: 7 };

const REFUSED: Array<[args: Record<string, unknown>, message: string]> = [
  [{ path: '/a', stat: 'file' }, "roles/app/tasks/main.yml:12:7: unsupported parameter 'stat' for module 'demo' (did you mean 'state'?)"],
  [{ path: '/a', frce: true }, "roles/app/tasks/main.yml:12:7: unsupported parameter 'frce' for module 'demo' (did you mean 'force'?)"],
  [{ path: '/a', bogus: 1 }, "roles/app/tasks/main.yml:12:7: unsupported parameter 'bogus' for module 'demo'"],
  [{ _raw_params: 'x=1' }, "roles/app/tasks/main.yml:12:7: module 'demo' takes no free-form arguments; use name=value pairs or a mapping"],
  [{ state: 'file' }, 'roles/app/tasks/main.yml:12:7: module \'demo\': missing required arguments: path'],
  [{ path: '/a', dest: '/b' }, "roles/app/tasks/main.yml:12:7: module 'demo': 'dest' and 'path' are the same parameter; give it once"],
  [{ path: '/a', state: 'link' }, "roles/app/tasks/main.yml:12:7: module 'demo': value of 'state' must be one of: file, directory, absent, got: link"],
  [{ path: '/a', force: 'perhaps' }, `roles/app/tasks/main.yml:12:7: module 'demo': 'force' must be a boolean, got "perhaps"`],
  [{ path: '/a', retries: '3x' }, `roles/app/tasks/main.yml:12:7: module 'demo': 'retries' must be an integer, got "3x"`],
  [{ path: '/a', mode: 'rw-r--r--' }, "roles/app/tasks/main.yml:12:7: module 'demo': 'mode': bad symbolic permission for mode: rw-r--r-- (use octal like '0644' or symbolic like 'u=rw,g=r,o=')"],
  [{ path: '/a', mode: ['0644'] }, `roles/app/tasks/main.yml:12:7: module 'demo': 'mode' must be a mode (octal like 0644 or symbolic like u=rw,g=r), got ["0644"]`],
  [{ path: '/a', content: 'x', src: 'y' }, "roles/app/tasks/main.yml:12:7: module 'demo': parameters are mutually exclusive: content|src"],
  [{ path: '/a', owner: 'www' }, "roles/app/tasks/main.yml:12:7: module 'demo': parameters are required together: owner, group"],
  [{ path: '/a', state: 'directory' }, "roles/app/tasks/main.yml:12:7: module 'demo': state is directory but all of the following are missing: mode"],
  [{ path: '/a', seuser: 'x' }, "roles/app/tasks/main.yml:12:7: module 'demo': 'seuser' is not supported: playwatch sets no SELinux contexts; remove it"],
  [{ path: '/a', paths: [{ a: 1 }] }, `roles/app/tasks/main.yml:12:7: module 'demo': each element of 'paths' must be a path, got {"a":1}`],
];

for (const [args, message] of REFUSED) {
  test(`a spec refuses ${JSON.stringify(args)} at load with its position`, () => {
    assert.throws(() => checkSpec('demo', SPEC, args, pos), (e: unknown) => e instanceof UserError && e.message === message);
  });
}

test('a spec accepts aliases, lenient booleans, octal modes, and leaves templated values for run time', () => {
  for (const args of [
    { dest: '/a', force: 'yes', mode: 420 },
    { name: '/a', state: '{{ wanted_state }}', mode: '{{ m }}', retries: '5' },
    { path: '/a', mode: 'u=rw,g=r,o=', owner: 'www', group: 'www', paths: 'a, b' },
    { path: '/a', state: 'directory', mode: '0755' },
  ]) {
    assert.doesNotThrow(() => checkSpec('demo', SPEC, args, pos), JSON.stringify(args));
  }
});

test('readArgs gives canonical names, defaults and coerced types, and refuses bad rendered values without a position', () => {
  assert.deepEqual(readArgs('demo', SPEC, { dest: '/a', retries: '5', paths: 'x, y', mode: '0644' }), {
    path: '/a', force: false, retries: 5, paths: ['x', 'y'], mode: '0644',
  });
  assert.deepEqual(readArgs('demo', SPEC, { name: 7, force: 'on' }), { path: '7', force: true });
  assert.throws(() => readArgs('demo', SPEC, { path: '/a', state: 'gone' }), /^UserError: module 'demo': value of 'state' must be one of: file, directory, absent, got: gone$/);
});
