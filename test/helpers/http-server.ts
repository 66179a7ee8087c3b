/**
 * A loopback HTTP server for the network modules' tests (uri, get_url,
 * wait_for): fixed endpoints on 127.0.0.1 and a random port, each request
 * counted, so a test can tell whether a second run downloaded again.
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export const FILE_BODY = 'release 1.2.3\n'.repeat(40);
export const FILE_SHA256 = createHash('sha256').update(FILE_BODY).digest('hex');
export const FILE_SHA1 = createHash('sha1').update(FILE_BODY).digest('hex');

export interface TestHttp {
  url: string;
  port: number;
  /** Requests seen, by path (`GET /file.txt`). */
  hits: Map<string, number>;
  close(): Promise<void>;
}

type Handler = (req: http.IncomingMessage, body: string, res: http.ServerResponse) => void;

const json = (res: http.ServerResponse, status: number, value: unknown, extra: http.OutgoingHttpHeaders = {}) => {
  const text = JSON.stringify(value);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), ...extra });
  res.end(text);
};

const text = (res: http.ServerResponse, status: number, value: string, extra: http.OutgoingHttpHeaders = {}) => {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(value), ...extra });
  res.end(value);
};

const ROUTES: Record<string, Handler> = {
  '/json': (_q, _b, res) => json(res, 200, { ok: true, items: [1, 2], name: 'web' }, { 'X-Request-Id': 'abc-123' }),
  '/text': (_q, _b, res) => text(res, 200, 'hello\n'),
  '/redirect': (_q, _b, res) => { res.writeHead(302, { Location: '/json', 'Content-Length': 0 }); res.end(); },
  '/missing': (_q, _b, res) => text(res, 404, 'not here\n'),
  '/private': (req, _b, res) => {
    const want = `Basic ${Buffer.from('deploy:s3cret-pw').toString('base64')}`;
    if (req.headers.authorization === want) return json(res, 200, { user: 'deploy' });
    text(res, 401, 'who are you\n', { 'WWW-Authenticate': 'Basic realm="test"' });
  },
  '/echo': (req, body, res) => json(res, req.method === 'POST' ? 201 : 200, {
    method: req.method, type: req.headers['content-type'] ?? null, body, token: req.headers['x-token'] ?? null,
  }),
  '/cookie': (_q, _b, res) => json(res, 200, {}, { 'Set-Cookie': 'session=xyz; Path=/' }),
  '/file.txt': (_q, _b, res) => text(res, 200, FILE_BODY),
  '/file.txt.sha256': (_q, _b, res) => text(res, 200, `${FILE_SHA256}  file.txt\n`),
  '/slow': (_q, _b, res) => void setTimeout(() => text(res, 200, 'late\n'), 4000),
};

/** Starts the server; `close()` ends it and any open connection. */
export async function startHttp(): Promise<TestHttp> {
  const hits = new Map<string, number>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const p = new URL(req.url ?? '/', 'http://x').pathname;
      hits.set(`${req.method} ${p}`, (hits.get(`${req.method} ${p}`) ?? 0) + 1);
      const route = ROUTES[p];
      if (route) route(req, Buffer.concat(chunks).toString('utf8'), res);
      else text(res, 404, 'no route\n');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    hits,
    close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}
