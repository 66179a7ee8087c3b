import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { UserError } from '../../src/model/index.js';
import { moduleInfo } from '../../src/modules/index.js';
import { synchronizeRefusal } from '../../src/modules/synchronize.js';

const pos = { file: 'deploy.yml', line: 14, col: 7 };

test('synchronize is refused at load, naming what is missing and the engine that runs it', () => {
  const rsync = spawnSync('sh', ['-c', 'command -v rsync'], { stdio: 'ignore' }).status === 0;
  assert.throws(() => moduleInfo.validate!('synchronize', { src: 'build/', dest: '/srv/app' }, pos), (e: unknown) =>
    e instanceof UserError && e.message === `deploy.yml:14:7: ${synchronizeRefusal(rsync)}`);
  assert.match(synchronizeRefusal(false), /^synchronize needs rsync on the controller .*--engine ansible/);
  assert.match(synchronizeRefusal(true), /ansible-core engine \(--engine ansible\)$/);
});
