import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { uriModule } from '../../src/modules/uri.js';
import { formUrlencoded, pythonJson } from '../../src/modules/http.js';
import { startHttp, type TestHttp } from '../helpers/http-server.js';
import { fakeContext, tempDir } from './context.js';

const pos = { file: 'roles/app/tasks/main.yml', line: 9, col: 3 };
let srv: TestHttp;
before(async () => { srv = await startHttp(); });
after(() => srv.close());

const run = (args: Record<string, unknown>) => uriModule.run(fakeContext('uri', { ...args, url: `${srv.url}${args.url}` }));

test('uri GETs a JSON endpoint: status, msg, parsed json, headers as keys, cookies', async () => {
  const r = await run({ url: '/json' });
  assert.equal(r.failed, undefined, String(r.msg));
  assert.deepEqual({ ...r, date: undefined }, {
    changed: false, redirected: false, elapsed: 0, status: 200, url: `${srv.url}/json`, msg: 'OK (38 bytes)',
    connection: 'close', content_length: '38', content_type: 'application/json', date: undefined, x_request_id: 'abc-123',
    json: { ok: true, items: [1, 2], name: 'web' }, cookies: {}, cookies_string: '',
  });
  assert.match(String(r.date), /GMT$/);
});

test('uri follows a redirect for GET and says so; follow_redirects none stops at it with an absolute location', async () => {
  const followed = await run({ url: '/redirect', return_content: true });
  assert.equal(followed.redirected, true);
  assert.equal(followed.url, `${srv.url}/json`);
  assert.equal(followed.content, '{"ok":true,"items":[1,2],"name":"web"}');
  const stopped = await run({ url: '/redirect', follow_redirects: 'none' });
  assert.equal(stopped.failed, true);
  assert.equal(stopped.msg, 'Status code was 302 and not [200]: HTTP Error 302: Found');
  assert.equal(stopped.location, `${srv.url}/json`);
  const allowed = await run({ url: '/redirect', follow_redirects: 'none', status_code: [200, 302] });
  assert.equal(allowed.failed, undefined);
});

test('uri fails on a status not asked for, with ansible-core\'s message, and passes when it is in status_code', async () => {
  const missing = await run({ url: '/missing', return_content: true });
  assert.equal(missing.failed, true);
  assert.equal(missing.msg, 'Status code was 404 and not [200]: HTTP Error 404: Not Found');
  assert.equal(missing.status, 404);
  assert.equal(missing.content, 'not here\n');
  assert.equal(missing.cookies, undefined);
  const asked = await run({ url: '/missing', status_code: '200,404' });
  assert.equal(asked.failed, undefined);
});

test('uri sends basic auth, which the private endpoint needs', async () => {
  const anon = await run({ url: '/private' });
  assert.equal(anon.status, 401);
  const r = await run({ url: '/private', url_username: 'deploy', url_password: 's3cret-pw', force_basic_auth: true });
  assert.deepEqual([r.status, r.json], [200, { user: 'deploy' }]);
});

test('uri POSTs bodies as ansible-core encodes them (json, form-urlencoded, raw) with headers', async () => {
  const rows: Array<[Record<string, unknown>, Record<string, unknown>]> = [
    [{ body_format: 'json', body: { a: 1, b: [true, null], c: 'é' } }, { type: 'application/json', body: '{"a": 1, "b": [true, null], "c": "\\u00e9"}' }],
    [{ body_format: 'form-urlencoded', body: { name: 'a b', tags: ['x', 'y&z'] } }, { type: 'application/x-www-form-urlencoded', body: 'name=a+b&tags=x&tags=y%26z' }],
    [{ body: 'plain text', headers: { 'Content-Type': 'text/plain', 'X-Token': 'tok "1"' } }, { type: 'text/plain', body: 'plain text', token: 'tok "1"' }],
  ];
  for (const [args, want] of rows) {
    const r = await run({ url: '/echo', method: 'POST', status_code: 201, ...args });
    assert.equal(r.failed, undefined, String(r.msg));
    assert.deepEqual(r.json, { method: 'POST', token: null, ...want });
  }
});

test('uri reports a refused connection as status -1', async () => {
  const r = await uriModule.run(fakeContext('uri', { url: 'http://127.0.0.1:9/x', timeout: 2 }));
  assert.equal(r.failed, true);
  assert.equal(r.status, -1);
  assert.match(String(r.msg), /^Status code was -1 and not \[200\]: Request failed: curl: \(7\)/);
});

test('uri writes the body to dest (changed), and creates skips the request', async () => {
  const dir = tempDir();
  const dest = path.join(dir, 'page.txt');
  const r = await run({ url: '/text', dest, mode: '0600' });
  assert.equal(r.failed, undefined, String(r.msg));
  assert.equal(r.changed, true);
  assert.equal(r.path, dest);
  assert.equal(fs.readFileSync(dest, 'utf8'), 'hello\n');
  assert.equal(fs.statSync(dest).mode & 0o777, 0o600);
  const into = await run({ url: '/text', dest: dir });
  assert.equal(into.path, path.join(dir, 'text'));
  const before = srv.hits.get('GET /text');
  const skipped = await run({ url: '/text', creates: dest });
  assert.deepEqual(skipped, { changed: false, stdout: `skipped, since '${dest}' exists` });
  assert.equal(srv.hits.get('GET /text'), before);
});

test('uri keeps headers and credentials out of the command line (they go to curl on stdin)', async () => {
  const ctx = fakeContext('uri', { url: `${srv.url}/private`, url_username: 'deploy', url_password: 's3cret-pw', headers: { 'X-Token': 'tok-very-secret' } });
  await uriModule.run(ctx);
  assert.equal(ctx.commands.length, 1);
  assert.ok(!ctx.commands[0].includes('s3cret-pw') && !ctx.commands[0].includes('tok-very-secret'));
});

test('bodies are encoded as Python\'s json.dumps and urlencode write them', () => {
  assert.equal(pythonJson({ a: [1, 'x'], b: { c: false } }), '{"a": [1, "x"], "b": {"c": false}}');
  assert.equal(formUrlencoded({ a: true, 'k~': 'v/w' }), 'a=True&k~=v%2Fw');
});

test('uri refuses unknown arguments and what it cannot do at load', () => {
  assert.throws(() => uriModule.validate!({ url: 'http://x', stauts_code: 200 }, pos), /unsupported parameter 'stauts_code' for module 'uri' \(did you mean 'status_code'\?\)/);
  assert.throws(() => uriModule.validate!({ url: 'http://x', client_cert: '/c.pem' }, pos), /'client_cert' is not supported: .*ansible-core engine/);
  assert.throws(() => uriModule.validate!({}, pos), /missing required arguments: url/);
  assert.equal(uriModule.supportsCheck, false);
});

test('without curl the same requests go through GNU wget and read back alike', async () => {
  const { requestScript, parseResponse } = await import('../../src/modules/http.js');
  const { LocalTransport } = await import('../../src/transport/local.js');
  // A PATH of everything in /usr/bin and /bin but curl.
  const bin = tempDir();
  for (const d of ['/usr/bin', '/bin']) {
    for (const f of fs.readdirSync(d)) if (f !== 'curl' && !fs.existsSync(path.join(bin, f))) fs.symlinkSync(path.join(d, f), path.join(bin, f));
  }
  const local = new LocalTransport({ host: 'localhost', connection: 'local' }, { killGraceMs: 200, drainMs: 200 });
  const rows = [
    { url: '/json', method: 'GET' },
    { url: '/redirect', method: 'GET' },
    { url: '/missing', method: 'GET' },
    { url: '/private', method: 'GET', user: 'deploy', password: 's3cret-pw' },
    { url: '/echo', method: 'POST', body: 'a=1', headers: { 'X-Token': 't 1' } },
  ];
  for (const row of rows) {
    const req = { headers: {}, timeout: 5, validateCerts: true, follow: 'safe' as const, ...row, url: `${srv.url}${row.url}` };
    const read = async (env?: Record<string, string>) => {
      const s = requestScript(req);
      const res = await local.exec(`${s.script}\nprintf 'body %s\\n' "$(base64 < "$bo" | tr -d '\\n')"`, { stdin: s.stdin, env });
      const parsed = parseResponse(res.stdout, req.url);
      assert.ok(parsed && parsed !== 'no-curl', `${row.url}: ${res.stdout} ${res.stderr}`);
      const { date: _date, ...headers } = parsed.headers;
      return { ...parsed, headers, body: /^body (.*)$/m.exec(res.stdout)?.[1] };
    };
    const viaCurl = await read();
    const viaWget = await read({ PATH: bin });
    assert.deepEqual(viaWget, viaCurl, row.url);
  }
});
