import { test } from 'node:test';
import assert from 'node:assert/strict';
import { userModule, userArgs, looksUnhashed } from '../../src/modules/user.js';
import { groupModule, groupCommand, type GroupArgs } from '../../src/modules/group.js';
import { chageScript, commandLine, parseSeen, useraddWords, usermodWords, userdelWords, type UserSeen } from '../../src/modules/user-plan.js';
import { missingFailure, sections } from '../../src/modules/accounts.js';
import { loadModule } from '../../src/modules/index.js';

const pos = { file: 'site.yml', line: 4, col: 7 };

test('user and group are registered under their names and FQCNs', async () => {
  assert.equal(await loadModule('ansible.builtin.user'), userModule);
  assert.equal(await loadModule('group'), groupModule);
});

test('user and group refuse what ansible-core refuses, and what playwatch does not do, at load', () => {
  const rows: Array<[typeof userModule, Record<string, unknown>, RegExp]> = [
    [userModule, {}, /missing required arguments: name/],
    [userModule, { name: 'a', state: 'gone' }, /value of 'state' must be one of: absent, present, got: gone/],
    [userModule, { name: 'a', uid: 'x' }, /'uid' must be an integer/],
    [userModule, { name: 'a', ssh_key_passphrase: 'p' }, /'ssh_key_passphrase' is not supported/],
    [userModule, { name: 'a', local: true }, /useradd\/usermod\/userdel only/],
    [userModule, { name: 'a', update_password: 'never' }, /must be one of: always, on_create/],
    [userModule, { name: 'a', shel: '/bin/sh' }, /unsupported parameter 'shel' for module 'user' \(did you mean 'shell'\?\)/],
    [groupModule, { name: 'g', non_unique: true }, /non_unique is true but all of the following are missing: gid/],
    [groupModule, { name: 'g', gid: 'abc' }, /'gid' must be an integer/],
  ];
  for (const [m, args, re] of rows) assert.throws(() => m.validate!(args, pos), re, JSON.stringify(args));
  assert.doesNotThrow(() => userModule.validate!({ user: 'a', createhome: 'no', groups: 'x,y', uid: '{{ uid }}' }, pos));
});

const noone: UserSeen = {
  missing: '', hash: '', aging: { expire: -1 }, named: new Map(), member: [], ownGroup: false, hostname: 'h', homeExists: false,
};
const seenWith = (o: Partial<UserSeen>): UserSeen => ({ ...noone, ...o });
const grp = (name: string, gid: number, members: string[] = []) => ({ name, gid, members });
const alice = { name: 'alice', uid: 1001, gid: 1001, comment: 'Alice', home: '/home/alice', shell: '/bin/sh' };

test('useradd gets the options ansible-core gives it, every value quoted', () => {
  const rows: Array<[Record<string, unknown>, Partial<UserSeen>, string]> = [
    [{ name: 'alice' }, {}, "useradd '-m' 'alice'"],
    [{ name: 'alice' }, { ownGroup: true }, "useradd '-N' '-m' 'alice'"],
    [{ name: 'alice', create_home: false, system: true }, {}, "useradd '-M' '-r' 'alice'"],
    [{ name: 'alice', uid: 7, non_unique: true, group: 'staff', groups: ['a', ' b', 'a'], comment: "it's $(x)", home: '/h/a', shell: '/bin/sh', skeleton: '/s' }, {},
      "useradd '-u' '7' '-o' '-g' 'staff' '-G' 'a,b' '-c' 'it'\\''s $(x)' '-d' '/h/a' '-s' '/bin/sh' '-m' '-k' '/s' 'alice'"],
    [{ name: 'alice', password: '$6$x$y', password_lock: true }, {}, "useradd '-p' '!$6$x$y' '-m' 'alice'"],
  ];
  for (const [raw, seen, want] of rows) {
    assert.equal(commandLine(useraddWords(userArgs(raw), seenWith(seen))), want, JSON.stringify(raw));
  }
});

test('usermod changes only what differs, groups as ansible-core compares them', () => {
  const staff = grp('staff', 50);
  const rows: Array<[Record<string, unknown>, Partial<UserSeen>, string[]]> = [
    [{ name: 'alice', shell: '/bin/sh', comment: 'Alice', home: '/home/alice', uid: 1001 }, {}, []],
    [{ name: 'alice', shell: '/bin/bash' }, {}, ['usermod', '-s', '/bin/bash', 'alice']],
    [{ name: 'alice', home: '/srv/alice', move_home: true }, {}, ['usermod', '-d', '/srv/alice', '-m', 'alice']],
    [{ name: 'alice', group: 'staff' }, { named: new Map([['staff', staff]]) }, ['usermod', '-g', '50', 'alice']],
    [{ name: 'alice', groups: ['staff'] }, { member: ['staff'] }, []],
    [{ name: 'alice', groups: ['staff'] }, { member: ['staff', 'old'] }, ['usermod', '-G', 'staff', 'alice']],
    [{ name: 'alice', groups: ['staff'], append: true }, { member: ['staff', 'old'] }, []],
    [{ name: 'alice', groups: ['new'], append: true }, { member: ['old'] }, ['usermod', '-a', '-G', 'new', 'alice']],
    [{ name: 'alice', groups: [] }, { member: ['old'] }, ['usermod', '-G', '', 'alice']],
    [{ name: 'alice', groups: [], append: true }, { member: ['old'] }, []],
    [{ name: 'alice', password: '$6$a$b' }, { hash: '$6$a$b' }, []],
    [{ name: 'alice', password: '$6$a$b' }, { hash: '!$6$a$b' }, []],
    [{ name: 'alice', password: '$6$a$c' }, { hash: '$6$a$b' }, ['usermod', '-p', '$6$a$c', 'alice']],
    [{ name: 'alice', password: '$6$a$c', update_password: 'on_create' }, { hash: '$6$a$b' }, []],
    [{ name: 'alice', password_lock: true }, { hash: '$6$a$b' }, ['usermod', '-L', 'alice']],
    [{ name: 'alice', password_lock: true, password: '$6$a$c' }, { hash: '$6$a$b' }, ['usermod', '-p', '!$6$a$c', 'alice']],
    [{ name: 'alice', password_lock: false }, { hash: '!$6$a$b' }, ['usermod', '-U', 'alice']],
    [{ name: 'alice', expires: 1893456000 }, {}, ['usermod', '-e', '2030-01-01', 'alice']],
    [{ name: 'alice', expires: 1893456000.5 }, { aging: { expire: 21915 } }, []],
    [{ name: 'alice', expires: -1 }, { aging: { expire: 21915 } }, ['usermod', '-e', '', 'alice']],
    [{ name: 'alice', expires: -1 }, {}, []],
  ];
  for (const [raw, seen, want] of rows) assert.deepEqual(usermodWords(userArgs(raw), seenWith({ passwd: alice, ...seen })), want, JSON.stringify(raw));
});

test('chage runs for the aging that differs; for a new account the fields are compared after useradd', () => {
  const seen = seenWith({ passwd: alice, aging: { min: 0, max: 99999, expire: -1 } });
  assert.equal(chageScript(userArgs({ name: 'alice', password_expire_max: 90, password_expire_min: 0 }), seen, false), "chage '-M' '90' 'alice'");
  assert.equal(chageScript(userArgs({ name: 'alice', password_expire_max: 99999 }), seen, false), undefined);
  assert.match(chageScript(userArgs({ name: 'alice', password_expire_min: 1 }), noone, true)!, /cut -d: -f4\)" = '1' \] \|\| set -- "\$@" -m '1'/);
  assert.equal(commandLine(useraddWords(userArgs({ name: 'a', expires: 1893456000, create_home: false }), noone)), "useradd '-e' '2030-01-01' '-M' 'a'");
});

test('userdel takes -f and -r as asked', () => {
  assert.deepEqual(userdelWords(userArgs({ name: 'a', state: 'absent', force: true, remove: true })), ['userdel', '-f', '-r', 'a']);
  assert.deepEqual(userdelWords(userArgs({ name: 'a', state: 'absent' })), ['userdel', 'a']);
});

test('the read is parsed by section: passwd, shadow, the named groups (missing ones marked), memberships, the key', () => {
  const out = ['@@@ missing', '@@@ passwd', 'alice:x:1001:1001:Alice:/home/alice:/bin/sh', '@@@ shadow', 'alice:$6$a$b:19000:0:99999:7:::',
    '@@@ owngroup', 'alice:x:1001:', '@@@ named', 'staff:x:50:alice,bob', '?nope', '@@@ member', 'staff', '@@@ hostname', 'web1',
    '@@@ home', 'yes', '@@@ keypath', '/home/alice/.ssh/id_rsa', '@@@ key', 'dir', 'pub', '@@@ fingerprint', '@@@ pubkey', 'ssh-rsa AAA c', ''].join('\n');
  const seen = parseSeen(userArgs({ name: 'alice', group: 'staff', groups: ['nope'], generate_ssh_key: true }), out);
  assert.deepEqual(seen.passwd, alice);
  assert.equal(seen.hash, '$6$a$b');
  assert.deepEqual(seen.named.get('staff'), grp('staff', 50, ['alice', 'bob']));
  assert.equal(seen.named.get('nope'), undefined);
  assert.deepEqual([seen.member, seen.ownGroup, seen.hostname, seen.homeExists], [['staff'], true, 'web1', true]);
  assert.deepEqual(seen.key, { path: '/home/alice/.ssh/id_rsa', dirExists: true, priv: false, pub: true, fingerprint: '', publicKey: 'ssh-rsa AAA c' });
});

test('groupadd, groupmod and groupdel only when the group differs', () => {
  const g = (o: Partial<GroupArgs>): GroupArgs => ({ name: 'ops', state: 'present', system: false, non_unique: false, ...o });
  const ops = grp('ops', 300);
  const rows: Array<[GroupArgs, typeof ops | undefined, string | undefined]> = [
    [g({}), undefined, "groupadd 'ops'"],
    [g({ gid: 301, non_unique: true, system: true }), undefined, "groupadd '-g' '301' '-o' '-r' 'ops'"],
    [g({}), ops, undefined],
    [g({ gid: 300 }), ops, undefined],
    [g({ gid: 301 }), ops, "groupmod '-g' '301' 'ops'"],
    [g({ state: 'absent' }), ops, "groupdel 'ops'"],
    [g({ state: 'absent' }), undefined, undefined],
  ];
  for (const [args, current, want] of rows) assert.equal(groupCommand(args, current), want, JSON.stringify(args));
});

test('a host without the programs gets one error naming them and their package', () => {
  assert.equal(missingFailure('user', 'useradd\nusermod', ['getent', 'useradd', 'usermod'])?.msg,
    'user: the target has no useradd, usermod on its PATH (install passwd (shadow-utils); playwatch does not fall back to busybox adduser/addgroup)');
  assert.equal(missingFailure('user', 'ssh-keygen', ['useradd']), undefined);
});

test('sections keep each part whole and the last of a repeated one', () => {
  assert.deepEqual([...sections('junk\n@@@ a\n1\n\n2\n@@@ b\n@@@ a\n3\n')], [['a', '3'], ['b', '']]);
});

test('a password that is not a crypt hash is recognised as ansible-core does', () => {
  const rows: Array<[string, boolean]> = [
    ['secret', true], ['!', false], ['*', false], ['$6$salt$short', true], ['$1$abcdefgh$' + 'a'.repeat(22), false],
    ['$6$pwtestsalt$qvjNuqVesYKGrYxxw38dAmAThXI5DU4p21p2Vj.178vSZQbECRmd9Qx8IKGUhHYLqUNDTotSYXeNQv4Fg.9wg/', false],
    ['$y$j9T$abc$def', false], ['$6$x:y$z', true],
  ];
  for (const [pw, want] of rows) assert.equal(looksUnhashed(pw), want, pw);
});
