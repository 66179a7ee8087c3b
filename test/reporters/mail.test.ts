import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { list } from 'tar';
import type { RunEvent } from '../../src/events/index.js';
import { emptyStats } from '../../src/model/index.js';
import { createRecorder } from '../../src/reporters/recorder.js';
import { createRunRecord, type RunRecordResult } from '../../src/reporters/run-record.js';
import { sendRunMail, type MailConfig } from '../../src/reporters/mail/index.js';
import { SummaryCollector } from '../../src/reporters/run-summary.js';
import { Script } from './events.js';
import { blackHole, closedPort, startSmtp } from './mail-helpers.js';
import { deployScenario } from './scenario.js';

const FAST = { connection: 500, greeting: 500, socket: 500, total: 3000 };
const PASSWORD = 'pw-Sm7p-9f2c-hunter2';

function config(port: number, extra: Partial<MailConfig> = {}): MailConfig {
  return {
    host: '127.0.0.1',
    port,
    secure: false,
    starttls: false,
    from: 'deploy@example.test',
    to: ['ops@example.test'],
    on: ['failed', 'unreachable', 'aborted'],
    ...extra,
  };
}

/** Runs `events` through a run record (with the recorder, as the CLI does) and finishes it. */
async function runWith(
  events: RunEvent[],
  mail: MailConfig | undefined,
  extra: { mailTo?: string[]; env?: NodeJS.ProcessEnv } = {},
): Promise<{ runDir: string; result: RunRecordResult; ms: number }> {
  const runsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'playwatch-mail-'));
  const runDir = path.join(runsDir, '20151209-115149-beef');
  fs.mkdirSync(runDir, { mode: 0o700 });
  const record = createRunRecord({
    runDir,
    settings: { ...(mail ? { mail } : {}), runsKeep: 10, runsMaxMb: 100 },
    mailTimeouts: FAST,
    env: extra.env ?? {},
    ...(extra.mailTo ? { mailTo: extra.mailTo } : {}),
  });
  const reporters = [createRecorder({ runDir }), ...record.reporters];
  for (const e of events) for (const r of reporters) r.onEvent(e);
  for (const r of reporters) await r.close?.();
  const t0 = Date.now();
  const last = events.at(-1);
  const result = await record.finish({ exitCode: last?.type === 'run.end' ? last.exitCode : 250 });
  return { runDir, result, ms: Date.now() - t0 };
}

function cleanRun(): RunEvent[] {
  const s = new Script();
  s.emit({ type: 'run.start', schema: 2, runId: 'ok', playbook: 'site.yml', runDir: '/tmp/ok', hosts: ['web1'], check: false, argv: ['run', 'site.yml'] });
  const t = s.task('Ping', { module: 'ping' });
  s.emit({ type: 'task.start', task: t }).emit({ type: 'host.start', task: t, host: 'web1' });
  s.wait(20).emit({ type: 'host.ok', task: t, host: 'web1', changed: false, result: { ping: 'pong' } });
  s.emit({ type: 'run.end', stats: { web1: { ...emptyStats(), ok: 1 } }, exitCode: 0, aborted: false, durationMs: 20 });
  return s.events;
}

function failedRun(): RunEvent[] {
  const s = new Script();
  s.emit({ type: 'run.start', schema: 2, runId: 'f', playbook: 'deploy.yml', runDir: '/tmp/f', hosts: ['web1', 'web2'], check: false, argv: ['run', 'deploy.yml'] });
  const t = s.task('Restart app', { role: 'app', module: 'command' });
  s.emit({ type: 'task.start', task: t }).emit({ type: 'host.start', task: t, host: 'web1' }).emit({ type: 'host.start', task: t, host: 'web2' });
  s.wait(300).emit({ type: 'host.ok', task: t, host: 'web1', changed: true, result: { changed: true } });
  s.wait(100).emit({
    type: 'host.failed', task: t, host: 'web2', ignored: false,
    result: { failed: true, rc: 1, msg: 'non-zero return code', stderr: 'Job for app.service failed\nSee journalctl -xe', stdout: '' },
  });
  const stats = { web1: { ...emptyStats(), ok: 1, changed: 1 }, web2: { ...emptyStats(), failed: 1 } };
  s.wait(5).emit({ type: 'run.end', stats, exitCode: 2, aborted: false, durationMs: 405 });
  return s.events;
}

async function tarEntries(buf: Buffer): Promise<string[]> {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'playwatch-att-')), 'a.tar.gz');
  fs.writeFileSync(file, buf);
  const names: string[] = [];
  await list({ file, onReadEntry: (e) => void names.push(e.path) });
  return names;
}

test('a failed run sends exactly one message with the archive attached', async () => {
  const smtp = await startSmtp();
  try {
    const { result } = await runWith(deployScenario(), config(smtp.port));
    assert.equal(result.mail?.sent, true);
    assert.equal(result.mailWarning, undefined);
    assert.equal(smtp.messages.length, 1);
    const m = smtp.messages[0]!;
    assert.equal(m.subject, 'Unreachable: Failed to connect to the host via ssh: ssh: connect to host db1 port 22: Connection refused');
    assert.equal(m.from?.text, 'deploy@example.test');
    assert.deepEqual(m.attachments.map((a) => a.filename), ['20151209-115149-beef.tar.gz']);
    const entries = await tarEntries(m.attachments[0]!.content);
    assert.ok(entries.includes('20151209-115149-beef/run.log'), entries.join(', '));
    assert.ok(entries.includes('20151209-115149-beef/events.jsonl'));
    assert.ok(entries.includes('20151209-115149-beef/summary.json'));
    // The attached run.log is final: it ends with the total time.
    const gz = zlib.gunzipSync(m.attachments[0]!.content).toString('latin1');
    assert.match(gz, /Playbook run took 0 days, 0 hours, 1 minutes, 2 seconds\n/);
  } finally {
    await smtp.close();
  }
});

test('the body has the playbook, hosts, recap, first failures with output, and the slowest tasks', async () => {
  const smtp = await startSmtp();
  try {
    await runWith(deployScenario(), config(smtp.port));
    const body = smtp.messages[0]!.text ?? '';
    assert.match(body, /^Playbook: site\.yml$/m);
    assert.match(body, /^Hosts \(3\): web1, web2, db1$/m);
    assert.match(body, /^web2 +: ok=2 +changed=0 +unreachable=0 +failed=1 /m);
    assert.match(body, /^web1: FAILED at 0:01:02\.721 in \[deploy : Migrate database\]/m);
    assert.match(body, /^ {2}error: relation "users" already exists$/m);
    assert.match(body, /^ {4}applying 0042_users$/m);
    assert.match(body, /^db1: UNREACHABLE at /m);
    const slow = body.slice(body.indexOf('SLOWEST TASKS'));
    assert.match(slow, /^app \| Monitor webapp -+ 30\.00s$/m);
    assert.equal(slow.split('\n').filter((l) => / -+ \d+\.\d\ds(  \(median .*\))?$/.test(l)).length, 10);
    assert.match(body, /^Archive: .*20151209-115149-beef\.tar\.gz \(attached\)$/m);
  } finally {
    await smtp.close();
  }
});

test('a clean run sends nothing', async () => {
  const smtp = await startSmtp();
  try {
    const { result } = await runWith(cleanRun(), config(smtp.port));
    assert.equal(result.mail, undefined);
    assert.equal(result.warnings.length, 0);
    assert.ok(result.archivePath && fs.existsSync(result.archivePath));
    assert.equal(smtp.messages.length, 0);
  } finally {
    await smtp.close();
  }
});

test('a failed host gives a "Failed: host: first error line" subject', async () => {
  const smtp = await startSmtp();
  try {
    await runWith(failedRun(), config(smtp.port));
    assert.deepEqual(smtp.messages.map((m) => m.subject), ['Failed: web2: Job for app.service failed']);
  } finally {
    await smtp.close();
  }
});

test('mail is sent only for the outcomes listed in `on`', async () => {
  const smtp = await startSmtp();
  try {
    const { result } = await runWith(failedRun(), config(smtp.port, { on: ['unreachable'] }));
    assert.equal(result.mail, undefined);
    await runWith(deployScenario(), config(smtp.port, { on: ['failed'] }));
    assert.deepEqual(smtp.messages.map((m) => m.subject), ["Failed: web2: useradd: group 'ops' does not exist"]);
  } finally {
    await smtp.close();
  }
});

test('--mail-to adds recipients to those in the config', async () => {
  const smtp = await startSmtp();
  try {
    await runWith(failedRun(), config(smtp.port), { mailTo: ['oncall@example.test', 'ops@example.test'] });
    assert.equal(smtp.messages.length, 1);
    const to = smtp.messages[0]!.to;
    const text = Array.isArray(to) ? to.map((t) => t.text).join(', ') : to?.text;
    assert.equal(text, 'ops@example.test, oncall@example.test');
  } finally {
    await smtp.close();
  }
});

test('an aborted run gives an "Aborted: playbook" subject', async () => {
  const smtp = await startSmtp();
  try {
    const s = new Script();
    s.emit({ type: 'run.start', schema: 2, runId: 'a', playbook: 'deploy.yml', runDir: '/tmp/a', hosts: ['web1'], check: false, argv: [] });
    s.wait(50).emit({ type: 'abort.requested', mode: 'drain', source: 'Ctrl-C' });
    s.emit({ type: 'abort.done', mode: 'drain' });
    s.emit({ type: 'run.end', stats: { web1: emptyStats() }, exitCode: 99, aborted: true, durationMs: 50 });
    await runWith(s.events, config(smtp.port));
    assert.deepEqual(smtp.messages.map((m) => m.subject), ['Aborted: deploy.yml']);
    assert.match(smtp.messages[0]!.text ?? '', /^Aborted \(drain, by Ctrl-C\) at 0:00:00\.050$/m);
  } finally {
    await smtp.close();
  }
});

test('with the SMTP server down the run ends with one warning and no exception', async () => {
  const port = await closedPort();
  const { result, ms } = await runWith(failedRun(), config(port));
  assert.equal(result.mail?.sent, false);
  assert.match(result.mailWarning ?? '', /^mail not sent to ops@example\.test via 127\.0\.0\.1:\d+: .*ECONNREFUSED/);
  assert.doesNotMatch(result.mailWarning ?? '', /\n/);
  assert.ok(ms < FAST.total, `${ms} ms`);
  assert.ok(result.archivePath && fs.existsSync(result.archivePath));
});

test('a server that refuses the login gives a warning without the password', async () => {
  const smtp = await startSmtp({ auth: { user: 'deploy', pass: 'something-else' } });
  try {
    const mail = config(smtp.port, { user: 'deploy', passwordEnv: 'SMTP_PW' });
    const { result } = await runWith(failedRun(), mail, { env: { SMTP_PW: PASSWORD } });
    assert.equal(smtp.logins.length, 1);
    assert.equal(smtp.logins[0]!.pass, PASSWORD);
    assert.equal(smtp.messages.length, 0);
    assert.match(result.mailWarning ?? '', /Invalid login|535/);
    assert.ok(!(result.mailWarning ?? '').includes(PASSWORD));
    assert.ok(!(result.mailWarning ?? '').includes(Buffer.from(PASSWORD).toString('base64')));
  } finally {
    await smtp.close();
  }
});

test('a server that accepts connections and never answers is given up on within the timeout', async () => {
  const hole = await blackHole();
  try {
    const { result, ms } = await runWith(failedRun(), config(hole.port));
    assert.equal(result.mail?.sent, false);
    assert.match(result.mailWarning ?? '', /greeting|timeout|timed out/i);
    assert.ok(ms < FAST.total + 500, `${ms} ms`);
  } finally {
    await hole.close();
  }
});

test("the overall deadline holds even when every step's own timeout is long", async () => {
  const hole = await blackHole();
  try {
    const summary = new SummaryCollector();
    for (const e of failedRun()) summary.onEvent(e);
    const t0 = Date.now();
    const out = await sendRunMail({
      config: config(hole.port),
      summary: summary.summary(),
      runLogPath: '/nonexistent/run.log',
      timeouts: { connection: 60_000, greeting: 60_000, socket: 60_000, total: 400 },
    });
    assert.ok(Date.now() - t0 < 1500);
    assert.match(out.warning ?? '', /gave up after 0\.4 s/);
    // The connection is dropped at the deadline, not left to its 60 s timeouts.
    await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(hole.stats, { accepted: 1, closed: 1 });
  } finally {
    await hole.close();
  }
});

test('the SMTP password is in no file of the run directory', async () => {
  const smtp = await startSmtp({ auth: { user: 'deploy', pass: PASSWORD } });
  try {
    const mail = config(smtp.port, { user: 'deploy', passwordEnv: 'SMTP_PW' });
    const { runDir, result } = await runWith(deployScenario(), mail, { env: { SMTP_PW: PASSWORD } });
    assert.equal(smtp.messages.length, 1, result.mailWarning);
    const files: string[] = [];
    const walk = (d: string) => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p);
        else files.push(p);
      }
    };
    walk(runDir);
    assert.ok(files.length >= 5, files.join(', '));
    for (const f of files) assert.ok(!fs.readFileSync(f, 'latin1').includes(PASSWORD), f);
    const archived = zlib.gunzipSync(fs.readFileSync(result.archivePath!)).toString('latin1');
    assert.ok(archived.includes('PLAY RECAP'));
    assert.ok(!archived.includes(PASSWORD));
  } finally {
    await smtp.close();
  }
});

test('a password printed by a target is masked in the run log, host logs and summary', async () => {
  const s = new Script();
  s.emit({ type: 'run.start', schema: 2, runId: 'p', playbook: 'p.yml', runDir: '/tmp/p', hosts: ['a'], check: false, argv: [] });
  const t = s.task('env', { module: 'command' });
  s.emit({ type: 'task.start', task: t }).emit({ type: 'host.start', task: t, host: 'a' });
  s.wait(5).emit({ type: 'host.failed', task: t, host: 'a', ignored: false, result: { failed: true, msg: `SMTP_PW=${PASSWORD}`, rc: 1 } });
  s.emit({ type: 'run.end', stats: { a: { ...emptyStats(), failed: 1 } }, exitCode: 2, aborted: false, durationMs: 5 });
  const mail = config(await closedPort(), { user: 'deploy', passwordEnv: 'SMTP_PW' });
  const { runDir } = await runWith(s.events, mail, { env: { SMTP_PW: PASSWORD } });
  for (const f of ['run.log', 'hosts/a.log', 'summary.json']) {
    const text = fs.readFileSync(path.join(runDir, f), 'utf8');
    assert.ok(!text.includes(PASSWORD), f);
    assert.match(text, /SMTP_PW=\*{8}/, f);
  }
});

test('an archive over the attachment limit is replaced by the end of run.log and summary.json', async () => {
  const smtp = await startSmtp();
  try {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'playwatch-big-'));
    const log = path.join(dir, 'run.log');
    fs.writeFileSync(log, `${'line\n'.repeat(200_000)}PLAY RECAP last line\n`);
    const archive = path.join(dir, 'big.tar.gz');
    fs.writeFileSync(archive, Buffer.alloc(5000));
    const summary = new SummaryCollector();
    for (const e of failedRun()) summary.onEvent(e);
    const out = await sendRunMail({ config: config(smtp.port), summary: summary.summary(), runLogPath: log, archivePath: archive, timeouts: FAST, attachLimitBytes: 4000 });
    assert.equal(out.sent, true);
    const m = smtp.messages[0]!;
    assert.deepEqual(m.attachments.map((a) => a.filename), ['run.log.tail.txt', 'summary.json']);
    const tail = m.attachments[0]!.content.toString('utf8');
    assert.ok(tail.endsWith('PLAY RECAP last line\n'));
    assert.ok(tail.length < 600 * 1024);
    assert.equal(JSON.parse(m.attachments[1]!.content.toString('utf8')).exitCode, 2);
    assert.match(m.text ?? '', /^Archive: .*big\.tar\.gz \(not attached: 0\.0 MB is over 0\.0 MB\)$/m);
  } finally {
    await smtp.close();
  }
});

test('no recipients at all means no mail and no warning', async () => {
  const { result } = await runWith(failedRun(), undefined);
  assert.equal(result.mail, undefined);
  assert.deepEqual(result.warnings, []);
});
