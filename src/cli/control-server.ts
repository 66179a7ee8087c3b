/**
 * The run's end of the control socket (DESIGN §12): serves its state,
 * pause/resume/drain/kill and its event stream to the run's owner, on a
 * Unix socket (0600 in a 0700 directory; never TCP). A reporter on the bus,
 * so watchers hear every event as the other reporters do. The socket and the
 * run directory's `control.json` go away when the run ends.
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { Reporter, RunEvent } from '../events/index.js';
import type { RunControl } from '../engine/index.js';
import { eventLine } from '../reporters/json.js';
import { CONTROL_FILE, controlDir, ensureControlDir, socketPath, SOCKET_PATH_MAX, type ControlRecord } from './control-path.js';
import { lineSplitter, MAX_CLIENT_LINE, parseClientLine, PROTOCOL, type ClientMessage, type ControlState, type ServerMessage } from './control-protocol.js';

/** A watcher that has this much unread is too slow to follow the run: it is let go (the run never waits for it). */
const MAX_UNREAD = 32 * 1024 * 1024;

export interface ControlServerOptions {
  runId: string;
  runDir: string;
  playbook: string;
  groups: Record<string, readonly string[]>;
  control: RunControl;
  /** The run's `events.jsonl`, and a way to make it whole on disk: a watcher's past events are read from it. */
  record: { file: string; flush(): void };
  /** The socket directory (default: `controlDir()`). */
  dir?: string;
}

/** The server: a reporter for the bus, its socket's path, and `close`. */
export interface ControlServer extends Reporter {
  socket: string;
  /** Ends every connection, removes the socket and `control.json` (also done at `run.end`). */
  close(): void;
}

interface Client {
  sock: net.Socket;
  /** `backlog`: past events are being sent, live ones wait in `queue`. */
  watch: 'no' | 'backlog' | 'live';
  queue: string[];
}

/** Starts listening, or says why the run has no control socket (the run goes on without one). */
export async function startControlServer(o: ControlServerOptions): Promise<{ ok: true; server: ControlServer } | { ok: false; message: string }> {
  const dir = o.dir ?? controlDir();
  const made = ensureControlDir(dir);
  if (!made.ok) return made;
  const sock = socketPath(dir, o.runId);
  if (Buffer.byteLength(sock) > SOCKET_PATH_MAX) return { ok: false, message: `${sock} is longer than ${SOCKET_PATH_MAX} bytes` };
  await sweepStale(dir);
  const hub = new Hub(o, sock);
  const server = net.createServer((s) => hub.connected(s));
  const failed = await listenPrivately(server, sock);
  if (failed) return { ok: false, message: `cannot listen on ${sock}: ${failed.message}` };
  // Not unref'd: a paused run waits on nothing else, and must not end for want of work (closed at the run's end).
  hub.serving(server);
  return { ok: true, server: { name: 'control socket', socket: sock, onEvent: (e) => hub.event(e), close: () => hub.close() } };
}

/**
 * Removes the sockets of runs that died without cleaning up (SIGKILL, a
 * power cut): nothing answers on them, and they would be listed as live.
 */
export async function sweepStale(dir: string): Promise<string[]> {
  const stale = fs
    .readdirSync(dir)
    .filter((n) => n.endsWith('.sock'))
    .map((n) => path.join(dir, n))
    .filter((f) => fs.lstatSync(f, { throwIfNoEntry: false })?.isSocket());
  const refused = await Promise.all(
    stale.map(
      (f) =>
        new Promise<string | undefined>((resolve) => {
          const probe = net.createConnection(f);
          probe.on('connect', () => {
            probe.destroy();
            resolve(undefined);
          });
          probe.on('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ECONNREFUSED' ? f : undefined));
        }),
    ),
  );
  const gone = refused.filter((f): f is string => f !== undefined);
  for (const f of gone) fs.rmSync(f, { force: true });
  return gone;
}

/** Listens with the socket 0600 from the start (the directory already keeps others out; chmod makes sure). */
async function listenPrivately(server: net.Server, sock: string): Promise<Error | undefined> {
  const umask = process.umask(0o177);
  try {
    server.listen(sock);
  } finally {
    process.umask(umask);
  }
  const failed = await new Promise<Error | undefined>((resolve) => {
    server.once('listening', () => resolve(undefined));
    server.once('error', resolve);
  });
  if (!failed) fs.chmodSync(sock, 0o600);
  return failed;
}

/** The clients of one run's socket, and what the run tells them. */
class Hub {
  private readonly clients = new Set<Client>();
  private events = 0;
  private exitCode: number | undefined;
  private closed = false;
  private server?: net.Server;
  private readonly recordFile: string;
  private readonly removeFiles = () => {
    for (const f of [this.sock, this.recordFile]) fs.rmSync(f, { force: true });
  };

  constructor(
    private readonly o: ControlServerOptions,
    private readonly sock: string,
  ) {
    this.recordFile = path.join(o.runDir, CONTROL_FILE);
  }

  /** Listening: the run directory names the socket until the run ends (or the process exits). */
  serving(server: net.Server): void {
    this.server = server;
    const rec: ControlRecord = { socket: this.sock, pid: process.pid, runId: this.o.runId };
    fs.writeFileSync(this.recordFile, `${JSON.stringify(rec)}\n`, { mode: 0o600 });
    process.once('exit', this.removeFiles);
  }

  connected(s: net.Socket): void {
    const c: Client = { sock: s, watch: 'no', queue: [] };
    this.clients.add(c);
    s.on('close', () => this.clients.delete(c));
    s.on('error', () => s.destroy());
    const o = this.o;
    this.send(c, { kind: 'hello', protocol: PROTOCOL, runId: o.runId, pid: process.pid, playbook: o.playbook, runDir: o.runDir, groups: o.groups });
    const onLine = (line: string) => {
      const m = parseClientLine(line);
      if ('error' in m) this.send(c, { kind: 'ack', id: m.id, ok: false, error: m.error });
      else this.command(c, m);
    };
    s.on('data', lineSplitter(onLine, { max: MAX_CLIENT_LINE, onTooLong: () => s.destroy() }));
  }

  event(e: RunEvent): void {
    this.events++;
    // Made only for a watcher: with none (the usual run) an event costs nothing here.
    let line: string | undefined;
    for (const c of this.clients) {
      if (c.watch === 'no') continue;
      line ??= `{"kind":"event","event":${eventLine(e).trimEnd()}}\n`;
      if (c.watch === 'live') this.send(c, line);
      else c.queue.push(line);
    }
    if (e.type === 'run.end') {
      this.exitCode = e.exitCode;
      this.close();
    }
  }

  /** Ends every connection (one still reading past events, once it has them), removes the socket and `control.json`. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.server?.close();
    this.removeFiles();
    process.off('exit', this.removeFiles);
    for (const c of this.clients) if (c.watch !== 'backlog') this.end(c);
  }

  private state(): ControlState {
    const ctl = this.o.control;
    return { paused: ctl.paused, draining: ctl.draining, killed: ctl.killed, ended: this.exitCode !== undefined };
  }

  private command(c: Client, m: ClientMessage): void {
    if (m.command === 'state') {
      this.send(c, { kind: 'state', id: m.id, runId: this.o.runId, pid: process.pid, playbook: this.o.playbook, state: this.state(), events: this.events });
      return;
    }
    if (m.command !== 'watch') this.o.control[m.command](m.source ?? 'control socket');
    this.send(c, { kind: 'ack', id: m.id, command: m.command, ok: true, state: this.state() });
    if (m.command === 'watch' && c.watch === 'no') void this.watch(c);
  }

  /** Past events from the record (made whole on disk first), then the live ones that came meanwhile. */
  private async watch(c: Client): Promise<void> {
    c.watch = 'backlog';
    let size = 0;
    try {
      this.o.record.flush();
      size = fs.statSync(this.o.record.file).size;
    } catch {
      // no record (its reporter failed): the watcher gets the live events only
    }
    try {
      if (size > 0) await sendLines(c, fs.createReadStream(this.o.record.file, { encoding: 'utf8', start: 0, end: size - 1 }));
    } catch {
      c.sock.destroy();
      return;
    }
    c.watch = 'live';
    for (const m of c.queue) this.send(c, m);
    c.queue = [];
    if (this.closed) this.end(c);
  }

  private send(c: Client, m: ServerMessage | string): void {
    if (c.sock.destroyed) return;
    if (c.sock.writableLength > MAX_UNREAD) {
      c.sock.destroy();
      return;
    }
    c.sock.write(typeof m === 'string' ? m : `${JSON.stringify(m)}\n`);
  }

  private end(c: Client): void {
    if (this.exitCode !== undefined) this.send(c, { kind: 'end', exitCode: this.exitCode });
    c.sock.end();
    // One that does not read its last lines is not waited for.
    setTimeout(() => c.sock.destroy(), 2000).unref();
  }
}

/** Each line of the record, as an event message, at the pace the watcher reads. */
async function sendLines(c: Client, stream: fs.ReadStream): Promise<void> {
  let rest = '';
  for await (const chunk of stream) {
    const lines = (rest + String(chunk)).split('\n');
    rest = lines.pop() ?? '';
    const text = lines.filter((l) => l.trim()).map((l) => `{"kind":"event","event":${l}}\n`).join('');
    if (c.sock.destroyed) throw new Error('watcher gone');
    if (!c.sock.write(text)) await drained(c.sock);
  }
}

function drained(s: net.Socket): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      s.off('drain', done);
      s.off('close', done);
      resolve();
    };
    s.once('drain', done);
    s.once('close', done);
  });
}
