/** The test TCP proxy does what the network fault tests rely on. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { startTcpProxy } from '../helpers/tcp-proxy.js';

/** An echo server, and a client through the proxy that records what comes back and how it ended. */
async function setup() {
  const echo = net.createServer((s) => {
    s.on('error', () => {});
    s.pipe(s);
  });
  await new Promise<void>((r) => echo.listen(0, '127.0.0.1', r));
  const proxy = await startTcpProxy((echo.address() as net.AddressInfo).port);
  const client = net.connect(proxy.port, '127.0.0.1');
  await new Promise((r) => client.once('connect', r));
  const got = { data: '', error: '' as string, closed: false };
  client.on('data', (d) => (got.data += d));
  client.on('error', (e: NodeJS.ErrnoException) => (got.error = e.code ?? e.message));
  client.on('close', () => (got.closed = true));
  const roundTrip = async (s: string, ms = 2000) => {
    const before = got.data.length;
    const t0 = Date.now();
    client.write(s);
    while (got.data.length < before + s.length && Date.now() - t0 < ms) await new Promise((r) => setTimeout(r, 5));
    return { ms: Date.now() - t0, echoed: got.data.slice(before) };
  };
  const done = async () => {
    client.destroy();
    await proxy.close();
    await new Promise((r) => echo.close(r));
  };
  return { proxy, client, got, roundTrip, done };
}

test('the proxy forwards, delays each direction by its own amount, drops silently, and resets', async (t) => {
  await t.test('forwards', async () => {
    const s = await setup();
    const r = await s.roundTrip('hello');
    assert.equal(r.echoed, 'hello');
    assert.ok(r.ms < 150, `${r.ms} ms`);
    await s.done();
  });
  await t.test('delays: 200 ms up and 100 ms down make a 300 ms round trip, in order', async () => {
    const s = await setup();
    s.proxy.delay(200, 100);
    const r = await s.roundTrip('abc');
    assert.equal(r.echoed, 'abc');
    assert.ok(r.ms >= 290 && r.ms < 700, `${r.ms} ms`);
    await s.done();
  });
  await t.test('drop: nothing comes back and nothing is closed; restore forwards again', async () => {
    const s = await setup();
    s.proxy.drop();
    const lost = await s.roundTrip('lost', 400);
    assert.equal(lost.echoed, '');
    assert.equal(s.got.closed, false);
    assert.ok(s.proxy.dropped() >= 1);
    s.proxy.restore();
    assert.equal((await s.roundTrip('back')).echoed, 'back');
    await s.done();
  });
  await t.test('reset: the client sees ECONNRESET', async () => {
    const s = await setup();
    s.proxy.reset();
    const t0 = Date.now();
    while (!s.got.closed && Date.now() - t0 < 2000) await new Promise((r) => setTimeout(r, 5));
    assert.equal(s.got.error, 'ECONNRESET');
    await s.done();
  });
});
