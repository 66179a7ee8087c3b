/**
 * The floor a program can reach with exec channels: plain Node and ssh2,
 * nothing else. Connections open in parallel with TCP_NODELAY, then each
 * task runs its command on one exec channel per host, with a barrier
 * between tasks (as a linear strategy does). Plain JavaScript, so its
 * whole-process time carries no TypeScript loader.
 *
 *   node floor.mjs <hosts.json> <tasks> [command]
 *
 * Prints one JSON line at the end: { connectMs, commandsMs }.
 *
 * hosts.json: [{ "host": "127.0.0.1", "port": 2222, "username": "root", "privateKey": "/path/key" }, …]
 */
import fs from 'node:fs';
import ssh2 from 'ssh2';

const [file, tasksArg, command = '/bin/true'] = process.argv.slice(2);
const hosts = JSON.parse(fs.readFileSync(file, 'utf8'));
const tasks = Number(tasksArg);

const connect = (h) => new Promise((resolve, reject) => {
  const c = new ssh2.Client();
  c.on('ready', () => {
    c.setNoDelay(true);
    resolve(c);
  });
  c.on('error', reject);
  c.connect({ host: h.host, port: h.port, username: h.username, privateKey: fs.readFileSync(h.privateKey), readyTimeout: 60_000 });
});

const exec = (c) => new Promise((resolve, reject) => {
  c.exec(command, (err, ch) => {
    if (err) return reject(err);
    let code = -1;
    ch.on('exit', (rc) => (code = rc));
    ch.on('close', () => (code === 0 ? resolve() : reject(new Error(`rc ${code}`))));
    ch.resume();
    ch.stderr.resume();
    ch.end();
  });
});

const t0 = performance.now();
const clients = await Promise.all(hosts.map(connect));
const t1 = performance.now();
for (let t = 0; t < tasks; t++) await Promise.all(clients.map(exec));
const t2 = performance.now();
for (const c of clients) c.end();
process.stdout.write(`${JSON.stringify({ connectMs: t1 - t0, commandsMs: t2 - t1 })}\n`);
