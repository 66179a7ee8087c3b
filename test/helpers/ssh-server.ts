/**
 * An in-process SSH server for tests on a bare machine: ssh2's `Server`
 * running exec requests through `/bin/sh -c` (each in its own session and
 * process group, as sshd does) with enough SFTP for put and get. Listens on
 * 127.0.0.1 on a random port.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { timingSafeEqual } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import ssh2 from 'ssh2';
import type { Connection, ParsedKey, ServerChannel, SFTPWrapper } from 'ssh2';

const { Server, utils } = ssh2;
const { STATUS_CODE } = utils.sftp;

export interface KeyPair {
  /** OpenSSH private key text. */
  private: string;
  /** `ssh-ed25519 AAAA… comment` line. */
  public: string;
}

/**
 * A fresh ed25519 key pair. ssh2's generator writes a malformed key about
 * once in 200 (a public key with a leading zero byte comes out 31 bytes
 * long), so a key its own parser refuses is thrown away and made again.
 */
export function generateKey(comment = 'playwatch-test'): KeyPair {
  for (;;) {
    const k = utils.generateKeyPairSync('ed25519', { comment });
    if (!(utils.parseKey(k.private) instanceof Error)) return { private: k.private, public: k.public };
  }
}

/** The key blob of a `type base64 comment` public key line. */
export function publicKeyBlob(publicLine: string): Buffer {
  return Buffer.from(publicLine.trim().split(/\s+/)[1], 'base64');
}

export interface TestServerOptions {
  /** Public key line allowed to log in. */
  authorizedKey: string;
  /** Also accept this password. */
  password?: string;
  /** Host key (default: generated). */
  hostKey?: KeyPair;
  /** Sessions on one connection beyond this are refused, like OpenSSH's MaxSessions (default 10). */
  maxSessions?: number;
  /** Working directory for commands and relative SFTP paths (default: os.tmpdir()). */
  home?: string;
  /** Text sent before the SSH version line (`greeting`) and as the pre-auth banner (`banner`), as a server's MOTD-like banners are. */
  greeting?: string;
  banner?: string;
  /** Extra environment for the commands (as a login would set). */
  env?: Record<string, string>;
}

export interface TestSshServer {
  readonly port: number;
  readonly hostKey: KeyPair;
  /** Sessions (exec and sftp channels) open now on all connections, and the most at once. */
  readonly sessions: { current: number; peak: number; refused: number };
  /** Exec requests received, in order. */
  readonly execs: string[];
  /** The user name of each accepted login, in order. */
  readonly users: string[];
  /** Authentications that failed. */
  readonly authFailures: number;
  /** Cuts every client connection without a goodbye (as a crashed host would). */
  dropConnections(): void;
  /** Stops listening, drops connections and kills the commands still running. */
  close(): Promise<void>;
}

/** Starts a server; close it in the test's `after`. */
export async function startSshServer(opts: TestServerOptions): Promise<TestSshServer> {
  const hostKey = opts.hostKey ?? generateKey('host');
  const allowed = utils.parseKey(opts.authorizedKey) as ParsedKey;
  if (allowed instanceof Error) throw allowed;
  const home = opts.home ?? os.tmpdir();
  const maxSessions = opts.maxSessions ?? 10;
  const sockets = new Set<Socket>();
  const children = new Set<ChildProcess>();
  const state = { sessions: { current: 0, peak: 0, refused: 0 }, execs: [] as string[], users: [] as string[], authFailures: 0 };

  const server = new Server({ hostKeys: [hostKey.private], ...(opts.greeting ? { greeting: opts.greeting } : {}), ...(opts.banner ? { banner: opts.banner } : {}) }, (client: Connection) => {
    const sock = (client as unknown as { _sock: Socket })._sock;
    sockets.add(sock);
    // As OpenSSH does (TCP_NODELAY on interactive sessions): without it every exec waits ~40 ms on Nagle and delayed ACKs.
    sock.setNoDelay(true);
    sock.on('close', () => sockets.delete(sock));
    client.on('error', () => {});
    client.on('authentication', (ctx) => {
      const accept = () => {
        state.users.push(ctx.username);
        ctx.accept();
      };
      if (ctx.method === 'password' && opts.password !== undefined && ctx.password === opts.password) return accept();
      if (ctx.method === 'publickey' && ctx.key.algo === allowed.type && sameBytes(ctx.key.data, allowed.getPublicSSH())) {
        if (!ctx.signature) return ctx.accept();
        if (allowed.verify(ctx.blob!, ctx.signature, ctx.hashAlgo) === true) return accept();
      }
      if (ctx.method !== 'none') state.authFailures++;
      ctx.reject(['publickey', ...(opts.password !== undefined ? ['password' as const] : [])]);
    });
    let mine = 0; // this connection's sessions: MaxSessions is per connection
    client.on('ready', () => {
      // direct-tcpip, so the server can act as a ProxyJump host (loopback only).
      client.on('tcpip', (accept, reject, info) => {
        if (!/^127\./.test(info.destIP)) return reject();
        const out = net.connect(info.destPort, info.destIP);
        out.on('error', () => reject());
        out.on('connect', () => {
          const ch = accept();
          ch.on('error', () => {});
          ch.pipe(out).pipe(ch);
          sockets.add(out);
          out.on('close', () => sockets.delete(out));
        });
      });
      client.on('session', (accept, reject) => {
        if (mine >= maxSessions) {
          state.sessions.refused++;
          reject();
          return;
        }
        state.sessions.current++;
        mine++;
        state.sessions.peak = Math.max(state.sessions.peak, state.sessions.current);
        const session = accept();
        let open = true;
        const closed = () => {
          if (open) {
            state.sessions.current--;
            mine--;
          }
          open = false;
        };
        session.on('close', closed);
        session.on('exec', (acceptExec, _reject, info) => {
          state.execs.push(info.command);
          runExec(acceptExec(), info.command, home, children, closed, opts.env);
        });
        session.on('sftp', (acceptSftp) => serveSftp(acceptSftp(), home));
      });
    });
  });
  server.on('error', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  const dropConnections = () => {
    for (const s of sockets) s.destroy();
  };
  return {
    port,
    hostKey,
    sessions: state.sessions,
    execs: state.execs,
    users: state.users,
    get authFailures() {
      return state.authFailures;
    },
    dropConnections,
    close: async () => {
      dropConnections();
      for (const c of children) {
        try {
          process.kill(-c.pid!, 'SIGKILL');
        } catch {
          // gone
        }
      }
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function sameBytes(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Runs one exec request as sshd would: `/bin/sh -c` as a session leader, stdin from the channel. */
function runExec(stream: ServerChannel, command: string, home: string, children: Set<ChildProcess>, onDone: () => void, env: Record<string, string> = {}): void {
  // sshd sets HOME to the user's home: async jobs and the deploy lock live there.
  const child = spawn('/bin/sh', ['-c', command], { cwd: home, env: { ...process.env, HOME: home, ...env }, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
  children.add(child);
  child.stdin.on('error', () => {});
  stream.on('error', () => {});
  stream.on('data', (d: Buffer) => child.stdin.write(d));
  stream.on('end', () => child.stdin.end());
  child.stdout.on('data', (d: Buffer) => stream.write(d));
  child.stderr.on('data', (d: Buffer) => stream.stderr.write(d));
  // As sshd does, the exit status goes out when the shell ends; the channel closes once its output is drained
  // (a background process holding stdout keeps it open).
  let exited = false;
  const exit = (code: number | null, signal: NodeJS.Signals | null) => {
    if (exited) return;
    exited = true;
    try {
      if (signal) stream.exit(signal.replace(/^SIG/, ''), false, '');
      else stream.exit(code ?? 0);
    } catch {
      // the client is gone
    }
  };
  child.on('exit', exit);
  child.on('close', (code, signal) => {
    children.delete(child);
    exit(code, signal);
    try {
      stream.end();
    } catch {
      // the client is gone
    }
    onDone();
  });
}

/** The SFTP requests ssh2's client uses for writeFile, readFile, chmod, rename and unlink. */
function serveSftp(sftp: SFTPWrapper, home: string): void {
  const handles = new Map<number, number>();
  let next = 1;
  const abs = (p: string) => path.resolve(home, p);
  const fd = (h: Buffer) => handles.get(h.readUInt32BE(0));
  const guard = (reqid: number, fn: () => void) => {
    try {
      fn();
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      sftp.status(reqid, code === 'ENOENT' ? STATUS_CODE.NO_SUCH_FILE : code === 'EACCES' ? STATUS_CODE.PERMISSION_DENIED : STATUS_CODE.FAILURE, (err as Error).message);
    }
  };
  const attrsOf = (st: fs.Stats) => ({ mode: st.mode, uid: st.uid, gid: st.gid, size: st.size, atime: st.atimeMs / 1000, mtime: st.mtimeMs / 1000 });
  sftp.on('OPEN', (reqid, filename, flags, attrs) => guard(reqid, () => {
    const f = fs.openSync(abs(filename), utils.sftp.flagsToString(flags) ?? 'r', attrs.mode ?? 0o644);
    const h = Buffer.alloc(4);
    h.writeUInt32BE(next);
    handles.set(next++, f);
    sftp.handle(reqid, h);
  }));
  sftp.on('WRITE', (reqid, handle, offset, data) => guard(reqid, () => {
    fs.writeSync(fd(handle)!, data, 0, data.length, offset);
    sftp.status(reqid, STATUS_CODE.OK);
  }));
  sftp.on('READ', (reqid, handle, offset, length) => guard(reqid, () => {
    const buf = Buffer.alloc(length);
    const n = fs.readSync(fd(handle)!, buf, 0, length, offset);
    if (n === 0) sftp.status(reqid, STATUS_CODE.EOF);
    else sftp.data(reqid, buf.subarray(0, n));
  }));
  sftp.on('FSTAT', (reqid, handle) => guard(reqid, () => sftp.attrs(reqid, attrsOf(fs.fstatSync(fd(handle)!)))));
  sftp.on('STAT', (reqid, p) => guard(reqid, () => sftp.attrs(reqid, attrsOf(fs.statSync(abs(p))))));
  sftp.on('LSTAT', (reqid, p) => guard(reqid, () => sftp.attrs(reqid, attrsOf(fs.lstatSync(abs(p))))));
  sftp.on('SETSTAT', (reqid, p, attrs) => guard(reqid, () => {
    if (attrs.mode !== undefined) fs.chmodSync(abs(p), attrs.mode);
    sftp.status(reqid, STATUS_CODE.OK);
  }));
  sftp.on('FSETSTAT', (reqid, handle, attrs) => guard(reqid, () => {
    if (attrs.mode !== undefined) fs.fchmodSync(fd(handle)!, attrs.mode);
    sftp.status(reqid, STATUS_CODE.OK);
  }));
  sftp.on('CLOSE', (reqid, handle) => guard(reqid, () => {
    const id = handle.readUInt32BE(0);
    fs.closeSync(handles.get(id)!);
    handles.delete(id);
    sftp.status(reqid, STATUS_CODE.OK);
  }));
  sftp.on('RENAME', (reqid, from, to) => guard(reqid, () => {
    if (fs.existsSync(abs(to))) throw new Error('target exists'); // SFTP v3 rename does not overwrite
    fs.renameSync(abs(from), abs(to));
    sftp.status(reqid, STATUS_CODE.OK);
  }));
  sftp.on('REMOVE', (reqid, p) => guard(reqid, () => {
    fs.unlinkSync(abs(p));
    sftp.status(reqid, STATUS_CODE.OK);
  }));
  sftp.on('REALPATH', (reqid, p) => guard(reqid, () => sftp.name(reqid, [{ filename: abs(p), longname: abs(p), attrs: {} as never }])));
}
