import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { UserError } from '../../src/model/index.js';
import { loadModules, moduleInfo } from '../../src/modules/index.js';
import { synchronizeRefusal } from '../../src/modules/synchronize.js';

// Every module's code, so the synchronous loader and validate can check args (a run loads only what it names).
await loadModules();

const pos = { file: 'deploy.yml', line: 14, col: 7 };

test('synchronize is refused at load, naming what is missing and the engine that runs it', () => {
  const rsync = spawnSync('sh', ['-c', 'command -v rsync'], { stdio: 'ignore' }).status === 0;
  assert.throws(() => moduleInfo.validate!('synchronize', { src: 'build/', dest: '/srv/app' }, pos), (e: unknown) =>
    e instanceof UserError && e.message === `deploy.yml:14:7: ${synchronizeRefusal(rsync)}`);
  assert.match(synchronizeRefusal(false), /^synchronize needs rsync on the controller .*--engine ansible/);
  assert.match(synchronizeRefusal(true), /ansible-core engine \(--engine ansible\)$/);
});

test('reboot refuses a local connection: it would reboot the controller', async () => {
  const { rebootModule } = await import('../../src/modules/reboot.js');
  const { fakeContext } = await import('./context.js');
  const r = await rebootModule.run(fakeContext('reboot', { reboot_command: '/bin/false' }));
  assert.deepEqual(r, { changed: false, elapsed: 0, rebooted: false, failed: true, msg: 'Running reboot with local connection would reboot the control node.' });
});
