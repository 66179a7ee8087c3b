import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as os from 'node:os';
import { setupModule } from '../../src/modules/setup.js';
import { parseFacts } from '../../src/modules/setup-facts.js';
import { fakeContext, tempDir } from './context.js';

test('setup gathers the basic facts with a single command', async () => {
  const root = tempDir();
  const ctx = fakeContext('setup', {}, { root });
  const r = await setupModule.run(ctx);
  assert.equal(ctx.commands.length, 1);
  const f = r.ansible_facts as Record<string, any>;
  assert.equal(f.ansible_hostname, os.hostname().split('.')[0]);
  assert.equal(f.ansible_user_id, os.userInfo().username);
  assert.equal(f.ansible_user_uid, os.userInfo().uid);
  assert.equal(f.ansible_env.HOME, root);
  assert.equal(f.ansible_user_dir, root);
  assert.equal(f.ansible_system, os.type());
  assert.equal(f.ansible_kernel, os.release());
  assert.equal(f.ansible_architecture, process.arch === 'x64' ? 'x86_64' : f.ansible_architecture);
  const dt = f.ansible_date_time;
  assert.match(dt.date, /^\d{4}-\d\d-\d\d$/);
  assert.match(dt.time, /^\d\d:\d\d:\d\d$/);
  assert.match(dt.iso8601, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.ok(Math.abs(Number(dt.epoch) - Date.now() / 1000) < 60);
  assert.equal(typeof f.ansible_os_family, 'string');
});

test('setup filter keeps only matching facts', async () => {
  const r = await setupModule.run(fakeContext('setup', { filter: 'ansible_date*' }));
  assert.deepEqual(Object.keys(r.ansible_facts as object), ['ansible_date_time']);
});

test('fact parsing reads os-release, multi-line env values and the date line', () => {
  const out = [
    '@@pw:host', 'web1.example.com',
    '@@pw:fqdn', 'web1.example.com',
    '@@pw:id', 'deploy', '1001', '1001',
    '@@pw:date', '2024|03|05|14|07|09|1709647629|123456789|CET|+0100|Tuesday|2|10',
    '@@pw:uname', 'Linux', '6.1.0', 'aarch64', 'web1.example.com',
    '@@pw:nproc', '4',
    '@@pw:os', 'ID=ubuntu', 'ID_LIKE=debian', 'VERSION_ID="22.04"', 'VERSION_CODENAME=jammy',
    '@@pw:env', 'HOME=/home/deploy', 'MULTI=line one', 'line two', '@@pw:fake', 'PATH=/bin', '',
  ].join('\n');
  const f = parseFacts(out) as Record<string, any>;
  assert.equal(f.ansible_hostname, 'web1');
  assert.equal(f.ansible_fqdn, 'web1.example.com');
  assert.equal(f.ansible_os_family, 'Debian');
  assert.equal(f.ansible_distribution, 'Ubuntu');
  assert.equal(f.ansible_distribution_version, '22.04');
  assert.equal(f.ansible_distribution_major_version, '22');
  assert.equal(f.ansible_distribution_release, 'jammy');
  assert.equal(f.ansible_architecture, 'aarch64');
  assert.equal(f.ansible_processor_vcpus, 4);
  assert.deepEqual(f.ansible_env, { HOME: '/home/deploy', MULTI: 'line one\nline two\n@@pw:fake', PATH: '/bin' });
  assert.deepEqual(f.ansible_date_time, {
    year: '2024', month: '03', day: '05', hour: '14', minute: '07', second: '09',
    date: '2024-03-05', time: '14:07:09', epoch: '1709647629', epoch_int: '1709647629',
    iso8601: '2024-03-05T14:07:09Z', iso8601_micro: '2024-03-05T14:07:09.123456Z',
    iso8601_basic: '20240305T140709123456', iso8601_basic_short: '20240305T140709',
    tz: 'CET', tz_offset: '+0100', weekday: 'Tuesday', weekday_number: '2', weeknumber: '10',
  });
});
