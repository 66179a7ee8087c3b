/**
 * The client end of a run's control socket: `attach`, `abort`, `pause` and
 * `resume` connect, ask, and hear the run's events and its end.
 */
import net from 'node:net';
import type { RunEvent } from '../events/index.js';
import { lineSplitter, type ControlCommand, type ControlSource, type Hello, type ServerMessage } from './control-protocol.js';

/** An answer to one command: `ack` or `state`. */
export type Answer = Extract<ServerMessage, { kind: 'ack' | 'state' }>;

export interface ControlConnection {
  hello: Hello;
  /** Sends one command; resolves with the run's answer, or undefined when the connection ends first. */
  ask(command: ControlCommand, source?: ControlSource): Promise<Answer | undefined>;
  /** Every event the run sends (after `watch`). */
  onEvent(fn: (e: RunEvent) => void): void;
  /** The connection ended: with the run's exit code when the run ended, else undefined. */
  onClose(fn: (exitCode: number | undefined) => void): void;
  close(): void;
}

const HELLO_TIMEOUT_MS = 5000;

/** Connects and waits for the run's hello; a failure is a sentence for the operator. */
export function connectControl(socket: string, runId: string): Promise<{ ok: true; conn: ControlConnection } | { ok: false; message: string }> {
  return new Promise((resolve) => {
    const s = net.createConnection(socket);
    const waiting = new Map<number, (a: Answer | undefined) => void>();
    const eventFns: Array<(e: RunEvent) => void> = [];
    const closeFns: Array<(code: number | undefined) => void> = [];
    let exitCode: number | undefined;
    let closed = false;
    let next = 1;
    let hello: Hello | undefined;
    let settled = false;
    const fail = (message: string) => {
      if (settled) return;
      settled = true;
      s.destroy();
      resolve({ ok: false, message });
    };
    const timer = setTimeout(() => fail(`run ${runId} did not answer on ${socket}`), HELLO_TIMEOUT_MS);

    const conn: ControlConnection = {
      get hello() {
        return hello!;
      },
      ask(command, source) {
        if (s.destroyed || s.writableEnded) return Promise.resolve(undefined);
        const id = next++;
        s.write(`${JSON.stringify({ id, command, ...(source ? { source } : {}) })}\n`);
        return new Promise((r) => waiting.set(id, r));
      },
      onEvent: (fn) => void eventFns.push(fn),
      // The run may end before the caller listens (a run ending as attach connects): it hears of it all the same.
      onClose: (fn) => (closed ? queueMicrotask(() => fn(exitCode)) : void closeFns.push(fn)),
      close: () => void s.end(),
    };

    const onMessage = (m: ServerMessage) => {
      if (m.kind === 'hello') {
        hello = m;
        settled = true;
        clearTimeout(timer);
        resolve({ ok: true, conn });
      } else if (m.kind === 'event') for (const fn of eventFns) fn(m.event);
      else if (m.kind === 'end') exitCode = m.exitCode;
      else if (m.id !== null) {
        waiting.get(m.id)?.(m);
        waiting.delete(m.id);
      }
    };
    s.on(
      'data',
      lineSplitter((line) => {
        let m: ServerMessage;
        try {
          m = JSON.parse(line) as ServerMessage;
        } catch {
          // A torn record line (its disk filled mid-write) is skipped, as parseRecord skips one.
          return;
        }
        onMessage(m);
      }),
    );
    s.on('error', (err: NodeJS.ErrnoException) => fail(connectError(err, socket, runId)));
    s.on('close', () => {
      closed = true;
      clearTimeout(timer);
      fail(`run ${runId} closed the connection before saying hello`);
      for (const r of waiting.values()) r(undefined);
      waiting.clear();
      for (const fn of closeFns) fn(exitCode);
    });
  });
}

function connectError(err: NodeJS.ErrnoException, socket: string, runId: string): string {
  switch (err.code) {
    case 'ENOENT':
      return `run ${runId} is not live: no control socket at ${socket}`;
    case 'ECONNREFUSED':
      return `run ${runId} is not live: nothing answers on ${socket} (the process is gone)`;
    case 'EACCES':
    case 'EPERM':
      return `run ${runId}: permission denied on ${socket} (a run's control socket is open to its owner only)`;
    default:
      return `run ${runId}: ${err.message}`;
  }
}
