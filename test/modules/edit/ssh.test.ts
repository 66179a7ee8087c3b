/**
 * The edit modules over the SSH transport (the in-process ssh2 server):
 * the same one read and one write, content through stdin, and the file
 * on the target edited as on the local transport.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Vars } from '../../../src/model/index.js';
import { loadModule } from '../../../src/modules/index.js';
import type { ModuleContext } from '../../../src/modules/types.js';
import type { Transport } from '../../../src/transport/types.js';
import { makeFixture } from '../../transport/ssh-helpers.js';
import { fakeContext } from '../context.js';

function sshContext(module: string, args: Vars, transport: Transport, o: { check?: boolean; diff?: boolean } = {}) {
  const base = fakeContext(module, args, o);
  const commands: string[] = [];
  const ctx: ModuleContext = { ...base, transport, exec: (command, opts) => { commands.push(command); return transport.exec(command, opts); } };
  return { ctx, commands };
}

test('lineinfile, blockinfile and replace over SSH: one command unchanged, two changed, check mode writes nothing', async () => {
  const fx = await makeFixture();
  try {
    const t = fx.transport();
    await t.connect();
    const file = path.join(fx.dir, 'sshd_config');
    fs.writeFileSync(file, '#Port 22\nPermitRootLogin yes\n');
    const steps: Array<[string, Vars, { check?: boolean }, boolean, number]> = [
      ['lineinfile', { path: file, regexp: '^#?Port ', line: 'Port 2222' }, { check: true }, true, 1],
      ['lineinfile', { path: file, regexp: '^#?Port ', line: 'Port 2222' }, {}, true, 2],
      ['lineinfile', { path: file, regexp: '^#?Port ', line: 'Port 2222' }, {}, false, 1],
      ['replace', { path: file, regexp: '^(PermitRootLogin) yes$', replace: '\\1 no' }, {}, true, 2],
      ['blockinfile', { path: file, block: "Match User deploy\n  X11Forwarding no" }, {}, true, 2],
      ['blockinfile', { path: file, block: "Match User deploy\n  X11Forwarding no" }, {}, false, 1],
    ];
    for (const [module, args, o, changed, commands] of steps) {
      const call = sshContext(module, args, t, o);
      const result = await (await loadModule(module))!.run(call.ctx);
      assert.equal(result.failed, undefined, `${module}: ${String(result.msg)}`);
      assert.equal(result.changed, changed, `${module} ${JSON.stringify(args)} ${JSON.stringify(o)}`);
      assert.equal(call.commands.length, commands, `${module} round trips`);
    }
    assert.equal(fs.readFileSync(file, 'utf8'),
      'Port 2222\nPermitRootLogin no\n# BEGIN ANSIBLE MANAGED BLOCK\nMatch User deploy\n  X11Forwarding no\n# END ANSIBLE MANAGED BLOCK\n');
  } finally {
    await fx.cleanup();
  }
});
