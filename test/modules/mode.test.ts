import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatMode, modeProblem, resolveMode } from '../../src/modules/mode.js';

// Expected values are AnsibleModule._symbolic_mode_to_octal's (ansible-core 2.14) under umask 022.
const SYMBOLIC: Array<[current: number, isDir: boolean, mode: string, want: number]> = [
  [0o777, false, 'u=rw,g=r,o=', 0o640],
  [0o644, false, 'a+X', 0o644],
  [0o644, true, 'a+X', 0o755],
  [0o666, false, 'go-w', 0o644],
  [0o644, false, '+x', 0o755],
  [0o444, false, '+w', 0o644],
  [0o750, false, 'u+s,g=u', 0o4770],
  [0o755, true, 'o+t', 0o1755],
  [0o600, false, 'u=rwx,g=rx,o=', 0o750],
  [0o640, false, '=r', 0o444],
  [0o700, false, 'g+u-w', 0o750],
];

for (const [current, isDir, mode, want] of SYMBOLIC) {
  test(`symbolic mode ${mode} on ${formatMode(current)}${isDir ? ' (directory)' : ''} gives ${formatMode(want)}, as ansible-core computes it`, () => {
    assert.equal(formatMode(resolveMode(mode, { current, isDir, umask: 0o022 })), formatMode(want));
  });
}

test('octal modes: integers as given (YAML 0644 is already 420), strings read as octal', () => {
  const base = { current: 0o777, isDir: false, umask: 0o022 };
  assert.equal(resolveMode(420, base), 0o644);
  assert.equal(resolveMode('0644', base), 0o644);
  assert.equal(resolveMode('755', base), 0o755);
  assert.equal(resolveMode('01777', base), 0o1777);
});

test('modeProblem accepts octal, symbolic and preserve, and names what is wrong otherwise', () => {
  for (const ok of ['0644', '644', 'u=rw,g=r,o=', 'a+X', 'preserve', 'g+u-w', 493]) assert.equal(modeProblem(ok), undefined, String(ok));
  assert.match(modeProblem('0999') ?? '', /bad symbolic permission for mode: 0999/);
  assert.match(modeProblem('u=rw,z+x') ?? '', /bad symbolic permission for mode: z\+x/);
  assert.match(modeProblem(0o17777) ?? '', /out of range/);
});
