/**
 * TCP proxies with a delay, in a process of their own, so a benchmark can
 * time children with spawnSync while the proxies keep forwarding.
 *
 *   node --import tsx proxies.ts <ms per direction> <host:port> …
 *
 * Prints one JSON line, the local ports in order, and runs until its stdin closes.
 */
import { startTcpProxy } from '../../helpers/tcp-proxy.js';

const [delay, ...targets] = process.argv.slice(2);
const proxies = await Promise.all(targets.map(async (t) => {
  const [host, port] = t.split(':');
  const p = await startTcpProxy(Number(port), host);
  p.delay(Number(delay), Number(delay));
  return p;
}));
process.stdout.write(`${JSON.stringify(proxies.map((p) => p.port))}\n`);
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
