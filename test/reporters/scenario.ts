/**
 * A two-play deploy as the engine would report it: roles, a loop with a
 * failed item, a retried task, a skipped task, an ignored failure, a fatal
 * command, an unreachable host, async polls, a debug message and a handler.
 */
import type { RunEvent } from '../../src/events/index.js';
import { emptyStats } from '../../src/model/index.js';
import { Script } from './events.js';

export function deployScenario(): RunEvent[] {
  const s = new Script();
  s.emit({
    type: 'run.start', schema: 2, runId: 'r1', playbook: 'site.yml', runDir: '/tmp/r1',
    hosts: ['web1', 'web2', 'db1'], check: false, argv: ['run', 'site.yml'],
  });

  s.wait(40).emit({ type: 'play.start', index: 0, total: 2, name: 'Deploy web', hosts: ['web1', 'web2', 'db1'] });
  s.emit({ type: 'batch.start', index: 0, total: 1, hosts: ['web1', 'web2', 'db1'] });

  const install = s.task('Install packages', { role: 'common', module: 'apt' });
  s.wait(13).emit({ type: 'task.start', task: install });
  for (const h of ['web1', 'web2', 'db1']) s.emit({ type: 'host.start', task: install, host: h });
  s.wait(1200).emit({ type: 'host.ok', task: install, host: 'web1', changed: true, result: { changed: true } });
  s.wait(300).emit({ type: 'host.ok', task: install, host: 'web2', changed: false, result: { changed: false } });
  s.wait(500).emit({
    type: 'host.unreachable', task: install, host: 'db1',
    result: { changed: false, unreachable: true, msg: 'Failed to connect to the host via ssh: ssh: connect to host db1 port 22: Connection refused' },
  });

  const users = s.task('Create users', { role: 'common', module: 'user' });
  s.wait(5).emit({ type: 'task.start', task: users });
  for (const h of ['web1', 'web2']) s.emit({ type: 'host.start', task: users, host: h });
  s.wait(100).emit({ type: 'host.ok', task: users, host: 'web1', changed: true, item: 'alice', result: { changed: true, item: 'alice', ansible_loop_var: 'item' } });
  s.wait(100).emit({ type: 'host.ok', task: users, host: 'web2', changed: false, item: 'alice', result: { changed: false, item: 'alice', ansible_loop_var: 'item' } });
  s.wait(100).emit({ type: 'host.ok', task: users, host: 'web1', changed: false, item: 'bob', result: { changed: false, item: 'bob', ansible_loop_var: 'item' } });
  s.emit({ type: 'host.ok', task: users, host: 'web1', changed: true, loop: true, result: { changed: true, msg: 'All items completed', results: [{}, {}] } });
  s.wait(200).emit({
    type: 'host.failed', task: users, host: 'web2', ignored: false, item: 'bob',
    result: { ansible_loop_var: 'item', changed: false, failed: true, item: 'bob', msg: "useradd: group 'ops' does not exist", rc: 6, _ansible_no_log: false },
  });
  s.emit({
    type: 'host.failed', task: users, host: 'web2', ignored: false, loop: true,
    result: { changed: false, failed: true, msg: 'One or more items failed', skipped: false, results: [{}, {}] },
  });

  const health = s.task('Wait for health', { role: 'app', module: 'uri' });
  s.wait(7).emit({ type: 'task.start', task: health });
  s.emit({ type: 'host.start', task: health, host: 'web1' });
  s.wait(1000).emit({ type: 'host.retry', task: health, host: 'web1', attempt: 1, retriesLeft: 2, result: { failed: true, status: 503 } });
  s.wait(1000).emit({ type: 'host.retry', task: health, host: 'web1', attempt: 2, retriesLeft: 1, result: { failed: true, status: 503 } });
  s.wait(1000).emit({ type: 'host.ok', task: health, host: 'web1', changed: false, result: { changed: false, status: 200, attempts: 3 } });

  const optional = s.task('Install debug tools', { role: 'app', module: 'apt' });
  s.wait(3).emit({ type: 'task.start', task: optional });
  s.wait(2).emit({ type: 'host.skipped', task: optional, host: 'web1', result: { changed: false, skipped: true, false_condition: 'debug_tools', skip_reason: 'Conditional result was False' } });

  const check = s.task('Check config', { module: 'command' });
  s.wait(4).emit({ type: 'task.start', task: check });
  s.emit({ type: 'host.start', task: check, host: 'web1' });
  s.wait(250).emit({
    type: 'host.failed', task: check, host: 'web1', ignored: true,
    result: {
      changed: true, cmd: ['grep', '-q', 'debug', '/etc/app.conf'], rc: 1, stdout: '', stderr: '', msg: 'non-zero return code',
      stdout_lines: [], stderr_lines: [], invocation: { module_args: { _raw_params: 'grep -q debug /etc/app.conf' } }, _ansible_no_log: false,
    },
  });

  const show = s.task('Show version', { module: 'debug' });
  s.wait(3).emit({ type: 'task.start', task: show });
  s.emit({ type: 'host.start', task: show, host: 'web1' });
  s.wait(2).emit({ type: 'host.ok', task: show, host: 'web1', changed: false, result: { changed: false, msg: 'version 1.4.2 (build \u001b[31m77\u001b[0m)', _ansible_verbose_always: true } });

  const monitor = s.task('Monitor webapp', { role: 'app', module: 'command' });
  s.wait(5).emit({ type: 'task.start', task: monitor });
  s.emit({ type: 'host.start', task: monitor, host: 'web1' });
  s.emit({ type: 'async.start', task: monitor, host: 'web1', jid: 'j4821.93', limit: 360, poll: 12 });
  s.wait(12_000).emit({ type: 'async.poll', task: monitor, host: 'web1', jid: 'j4821.93', elapsed: 12, limit: 360, polls: 1, nextPollIn: 12, lastLine: 'GET /health 200' });
  s.wait(12_000).emit({ type: 'async.poll', task: monitor, host: 'web1', jid: 'j4821.93', elapsed: 24.4, limit: 360, polls: 2, nextPollIn: 12 });
  s.wait(6_000).emit({ type: 'async.done', task: monitor, host: 'web1', jid: 'j4821.93', rc: 0, duration: 30, timedOut: false });
  s.emit({ type: 'host.ok', task: monitor, host: 'web1', changed: true, result: { changed: true, rc: 0, stdout: 'ok\u001b]0;owned\u0007', ansible_job_id: 'j4821.93' } });

  s.wait(10).emit({ type: 'warning', message: 'Module remote_tmp /root/.ansible/tmp did not exist and was created' });

  const restart = s.task('Restart app', { role: 'app', module: 'service', isHandler: true });
  s.wait(20).emit({ type: 'handler.start', task: restart });
  s.emit({ type: 'host.start', task: restart, host: 'web1' });
  s.wait(2_500).emit({ type: 'host.ok', task: restart, host: 'web1', changed: true, result: { changed: true, name: 'app', state: 'started' } });
  s.emit({ type: 'play.end', index: 0 });

  s.wait(30).emit({ type: 'play.start', index: 1, total: 2, name: 'Migrate', hosts: ['web1'] });
  s.emit({ type: 'batch.start', index: 0, total: 1, hosts: ['web1'] });
  const fetch = s.task('Fetch artifact', { role: 'deploy', module: 'get_url' });
  s.wait(11).emit({ type: 'task.start', task: fetch });
  s.emit({ type: 'host.start', task: fetch, host: 'web1' });
  s.wait(21_000).emit({ type: 'host.ok', task: fetch, host: 'web1', changed: true, result: { changed: true, dest: '/opt/app.tgz' } });

  const cleanup = s.task('Remove old releases', { role: 'deploy', module: 'file' });
  s.wait(6).emit({ type: 'task.start', task: cleanup });
  s.emit({ type: 'host.start', task: cleanup, host: 'web1' });
  for (const item of ['r1', 'evil\u001b[2Jname']) {
    s.wait(1).emit({ type: 'host.skipped', task: cleanup, host: 'web1', item, result: { changed: false, skipped: true, item } });
  }
  s.emit({ type: 'host.skipped', task: cleanup, host: 'web1', loop: true, result: { changed: false, skipped: true, msg: 'All items skipped', results: [] } });

  const migrate = s.task('Migrate database', { role: 'deploy', module: 'command' });
  s.wait(8).emit({ type: 'task.start', task: migrate });
  s.emit({ type: 'host.start', task: migrate, host: 'web1' });
  s.wait(3_300).emit({
    type: 'host.failed', task: migrate, host: 'web1', ignored: false,
    result: {
      changed: true, cmd: '/opt/app/bin/migrate --to latest', rc: 2, stdout: 'applying 0042_users', stderr: 'error: relation "users" already exists',
      msg: 'non-zero return code', start: '2015-12-09 11:53:20.101', end: '2015-12-09 11:53:23.401', delta: '0:00:03.300',
      stdout_lines: ['applying 0042_users'], stderr_lines: ['error: relation "users" already exists'],
    },
  });
  s.emit({ type: 'play.end', index: 1 });

  const stats = {
    web2: { ...emptyStats(), ok: 2, failed: 1 },
    web1: { ...emptyStats(), ok: 9, changed: 5, failed: 1, skipped: 2, ignored: 1 },
    db1: { ...emptyStats(), unreachable: 1 },
  };
  s.wait(15).emit({ type: 'run.end', stats, exitCode: 2, aborted: false, durationMs: 62_736 });
  return s.events;
}
