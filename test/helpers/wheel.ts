/**
 * A tiny pure-Python wheel (`playwatch-test-pip`, one module) written
 * with python3's zipfile, for offline `pip` tests: install it with
 * `--no-index --find-links <dir>` (or PIP_NO_INDEX / PIP_FIND_LINKS).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const TEST_WHEEL_NAME = 'playwatch-test-pip';

const WRITE = `
import sys, zipfile
out, version = sys.argv[1], sys.argv[2]
info = 'playwatch_test_pip-%s.dist-info' % version
files = {
  'playwatch_test_pip/__init__.py': 'VERSION = %r\\n' % version,
  info + '/METADATA': 'Metadata-Version: 2.1\\nName: playwatch-test-pip\\nVersion: %s\\nSummary: playwatch test package\\n' % version,
  info + '/WHEEL': 'Wheel-Version: 1.0\\nGenerator: playwatch-tests\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n',
}
files[info + '/RECORD'] = ''.join('%s,,\\n' % f for f in list(files) + [info + '/RECORD'])
with zipfile.ZipFile(out, 'w') as z:
    for name, text in files.items():
        z.writestr(name, text)
`;

/** A folder holding the test wheel in each version asked for. */
export function makeWheels(versions: string[]): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pw-wheels-'));
  for (const v of versions) {
    const r = spawnSync('python3', ['-c', WRITE, path.join(dir, `playwatch_test_pip-${v}-py3-none-any.whl`), v], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`writing the test wheel: ${r.error?.message ?? r.stderr}`);
  }
  return dir;
}
