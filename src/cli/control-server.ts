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
import { lineSplitter, MAX_CLIENT_LINE, parseClientLine, PROTOCOL, type ClientMessage, type ControlState, type Hello, type ServerMessage } from './control-protocol.js';

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
  const recordFile = path.join(o.runDir, CONTROL_FILE);
  const clients = new Set<Client>();
  let events = 0;
  let exitCode: number | undefined;
  let closed = false;

  const state = (): ControlState => ({ paused: o.control.paused, draining: o.control.draining, killed: o.control.killed, ended: exitCode !== undefined });
  const hello: Hello = { kind: 'hello', protocol: PROTOCOL, runId: o.runId, pid: process.pid, playbook: o.playbook, runDir: o.runDir, groups: o.groups };

  const send = (c: Client, m: ServerMessage | string) => {
    if (c.sock.destroyed) return;
    if (c.sock.writableLength > MAX_UNREAD) {
      c.sock.destroy();
      return;
    }
    c.sock.write(typeof m === 'string' ? m : `${JSON.stringify(m)}\n`);
  };
  const endClient = (c: Client) => {
    if (exitCode !== undefined) send(c, { kind: 'end', exitCode });
    c.sock.end();
    // One that does not read its last lines is not waited for.
    setTimeout(() => c.sock.destroy(), 2000).unref();
  };

  const onCommand = (c: Client, m: ClientMessage) => {
    const source = m.source ?? 'control socket';
    switch (m.command) {
      case 'state':
        send(c, { kind: 'state', id: m.id, runId: o.runId, pid: process.pid, playbook: o.playbook, state: state(), events });
        return;
      case 'watch':
        send(c, { kind: 'ack', id: m.id, command: m.command, ok: true, state: state() });
        if (c.watch === 'no') void watch(c);
        return;
      default:
        o.control[m.command](source);
        send(c, { kind: 'ack', id: m.id, command: m.command, ok: true, state: state() });
    }
  };

  /** Past events from the record (made whole on disk first), then the live ones that came meanwhile. */
  const watch = async (c: Client) => {
    c.watch = 'backlog';
    let size = 0;
    try {
      o.record.flush();
      size = fs.statSync(o.record.file).size;
    } catch {
      // no record (its reporter failed): the watcher gets the live events only
    }
    try {
      if (size > 0) await sendLines(c, fs.createReadStream(o.record.file, { encoding: 'utf8', start: 0, end: size - 1 }));
    } catch {
      c.sock.destroy();
      return;
    }
    c.watch = 'live';
    for (const m of c.queue) send(c, m);
    c.queue = [];
    if (closed) endClient(c);
  };

  const server = net.createServer((s) => {
    const c: Client = { sock: s, watch: 'no', queue: [] };
    clients.add(c);
    s.on('close', () => clients.delete(c));
    s.on('error', () => s.destroy());
    send(c, hello);
    s.on(
      'data',
      lineSplitter(
        (line) => {
          const m = parseClientLine(line);
          if ('error' in m) send(c, { kind: 'ack', id: m.id, ok: false, error: m.error });
          else onCommand(c, m);
        },
        { max: MAX_CLIENT_LINE, onTooLong: () => s.destroy() },
      ),
    );
  });
  // Created 0600 from the start (the directory already keeps others out); chmod below makes sure.
  const umask = process.umask(0o177);
  try {
    server.listen(sock);
  } finally {
    process.umask(umask);
  }
  const listening = await new Promise<Error | undefined>((resolve) => {
    server.once('listening', () => resolve(undefined));
    server.once('error', resolve);
  });
  if (listening) return { ok: false, message: `cannot listen on ${sock}: ${listening.message}` };
  // Not unref'd: a paused run waits on nothing else, and must not end for want of work (closed at the run's end).
  fs.chmodSync(sock, 0o600);
  const rec: ControlRecord = { socket: sock, pid: process.pid, runId: o.runId };
  fs.writeFileSync(recordFile, `${JSON.stringify(rec)}\n`, { mode: 0o600 });

  const removeFiles = () => {
    for (const f of [sock, recordFile]) fs.rmSync(f, { force: true });
  };
  process.once('exit', removeFiles);
  const close = () => {
    if (closed) return;
    closed = true;
    server.close();
    removeFiles();
    process.off('exit', removeFiles);
    for (const c of clients) if (c.watch !== 'backlog') endClient(c);
  };

  const onEvent = (e: RunEvent) => {
    events++;
    const line = `{"kind":"event","event":${eventLine(e).trimEnd()}}\n`;
    for (const c of clients) {
      if (c.watch === 'live') send(c, line);
      else if (c.watch === 'backlog') c.queue.push(line);
    }
    if (e.type === 'run.end') {
      exitCode = e.exitCode;
      close();
    }
  };
  return { ok: true, server: { name: 'control socket', socket: sock, onEvent, close } };
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
