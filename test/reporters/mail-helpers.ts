/** A real SMTP server on 127.0.0.1 for mail tests, and servers that misbehave. */
import net from 'node:net';
import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';

export interface TestSmtp {
  port: number;
  messages: ParsedMail[];
  /** Credentials the server was offered (what the client sent). */
  logins: Array<{ user: string; pass: string }>;
  close(): Promise<void>;
}

/** Starts smtp-server on a random loopback port; with `auth`, only those credentials are accepted. */
export async function startSmtp(opts: { auth?: { user: string; pass: string } } = {}): Promise<TestSmtp> {
  const messages: ParsedMail[] = [];
  const logins: TestSmtp['logins'] = [];
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    authOptional: !opts.auth,
    logger: false,
    onAuth(auth, _session, cb) {
      logins.push({ user: auth.username ?? '', pass: auth.password ?? '' });
      if (opts.auth && auth.username === opts.auth.user && auth.password === opts.auth.pass) return cb(null, { user: auth.username });
      return cb(new Error('Invalid username or password'));
    },
    onData(stream, _session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        simpleParser(Buffer.concat(chunks)).then(
          (m) => {
            messages.push(m);
            cb();
          },
          (err: Error) => cb(err),
        );
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as net.AddressInfo).port;
  return { port, messages, logins, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** A port on 127.0.0.1 that nothing listens on (bound, then closed). */
export async function closedPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

/** A TCP server that accepts connections and never says a word. */
export async function blackHole(): Promise<{ port: number; stats: { accepted: number; closed: number }; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const stats = { accepted: 0, closed: 0 };
  const srv = net.createServer((s) => {
    sockets.add(s);
    stats.accepted++;
    s.on('error', () => {});
    s.on('close', () => {
      if (sockets.delete(s)) stats.closed++;
    });
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as net.AddressInfo).port;
  return {
    port,
    stats,
    close: () =>
      new Promise<void>((r) => {
        const open = [...sockets];
        sockets.clear();
        for (const s of open) s.destroy();
        srv.close(() => r());
      }),
  };
}
