import type { ModuleResult } from '../model/index.js';
import { formUrlencoded, parseResponse, pythonJson, requestScript, type HttpRequest, type HttpResponse, type Redirects } from './http.js';
import { baseName, q, shPath } from './sh.js';
import { READ_MAX } from './slurp.js';
import { readArgs, specValidator, type ArgSpec } from './spec.js';
import type { Module, ModuleContext } from './types.js';

const NOT_HERE = 'playwatch sends requests with curl or wget on the target; run it with the ansible-core engine';

/** ansible-core 2.14's `uri` options (the TLS client and proxy knobs refused at load). */
export const SPEC: ArgSpec = {
  options: {
    url: { type: 'str', required: true },
    method: { type: 'str', default: 'GET' },
    body: { type: 'raw' },
    body_format: { type: 'str', default: 'raw', choices: ['form-urlencoded', 'json', 'raw', 'form-multipart'] },
    headers: { type: 'dict' },
    status_code: { type: 'list', elements: 'int', default: [200] },
    return_content: { type: 'bool', default: false },
    validate_certs: { type: 'bool', default: true },
    timeout: { type: 'int', default: 30 },
    follow_redirects: { type: 'str', default: 'safe', choices: ['all', 'no', 'none', 'safe', 'urllib2', 'yes'] },
    url_username: { type: 'str', aliases: ['user'] },
    url_password: { type: 'str', aliases: ['password'] },
    force_basic_auth: { type: 'bool', default: false },
    dest: { type: 'path' },
    creates: { type: 'path' },
    removes: { type: 'path' },
    mode: { type: 'mode' },
    owner: { type: 'str' },
    group: { type: 'str' },
    http_agent: { type: 'str', default: 'ansible-httpget' },
    use_proxy: { type: 'bool', default: true, ignored: true },
    use_netrc: { type: 'bool', default: true, ignored: true },
    decompress: { type: 'bool', default: true, ignored: true },
    force: { type: 'bool', default: false, ignored: true },
    unredirected_headers: { type: 'list', elements: 'str', default: [], ignored: true },
    src: { type: 'path', unsupported: NOT_HERE },
    remote_src: { type: 'bool', default: false, unsupported: NOT_HERE },
    unsafe_writes: { type: 'bool', default: false, ignored: true },
    selevel: { type: 'str', unsupported: NOT_HERE },
    serole: { type: 'str', unsupported: NOT_HERE },
    setype: { type: 'str', unsupported: NOT_HERE },
    seuser: { type: 'str', unsupported: NOT_HERE },
    unix_socket: { type: 'path', unsupported: NOT_HERE },
    client_cert: { type: 'path', unsupported: NOT_HERE },
    client_key: { type: 'path', unsupported: NOT_HERE },
    ca_path: { type: 'path', unsupported: NOT_HERE },
    ciphers: { type: 'list', unsupported: NOT_HERE },
    use_gssapi: { type: 'bool', default: false, unsupported: NOT_HERE },
    attributes: { type: 'str', aliases: ['attr'], unsupported: NOT_HERE },
  },
  mutuallyExclusive: [['body', 'src']],
};

/** Python's `str()` of the status code list: `[200, 201]`. */
const pyList = (codes: number[]) => `[${codes.join(', ')}]`;

/** Follow redirects for which methods, from ansible-core's words. */
export function redirectsOf(v: string): Redirects {
  return v === 'none' || v === 'no' ? 'none' : v === 'safe' ? 'safe' : 'all';
}

/** The body as ansible-core sends it, and the content type it adds when none is given. */
function bodyOf(body: unknown, format: string, headers: Record<string, string>): string | undefined {
  const has = Object.keys(headers).some((k) => k.toLowerCase() === 'content-type');
  if (format === 'json') {
    if (!has) headers['Content-Type'] = 'application/json';
    if (body === undefined || body === null) return body === null ? 'null' : undefined;
    return typeof body === 'string' ? body : pythonJson(body);
  }
  if (format === 'form-urlencoded') {
    if (!has) headers['Content-Type'] = 'application/x-www-form-urlencoded';
    return body === undefined || body === null ? undefined : formUrlencoded(body);
  }
  if (body === undefined || body === null) return undefined;
  return typeof body === 'string' ? body : String(body);
}

/** The `json` and content keys from the body, as ansible-core decides when to read and parse it. */
function contentKeys(res: HttpResponse, body: string, returnContent: boolean): Record<string, unknown> {
  const type = res.headers['content-type'] ?? '';
  const sub = (type.split(';')[0].split('/')[1] ?? '').trim().toLowerCase();
  const suffix = sub.includes('+') ? sub.split('+')[1] : sub;
  const out: Record<string, unknown> = {};
  if (suffix === 'json' || suffix === 'javascript') {
    try {
      out.json = JSON.parse(body);
    } catch {
      // not JSON after all: ansible-core leaves `json` out too
    }
  }
  if (returnContent) out.content = body;
  return out;
}

/** Response headers as result keys: lowercased, `-` → `_`. */
function headerKeys(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.replace(/-/g, '_'), v]));
}

/** A `Location` made absolute as ansible-core's `absolute_location` does. */
function absoluteLocation(url: string, location: string): string {
  try {
    return new URL(location, url).toString();
  } catch {
    return location;
  }
}

/**
 * `uri`: one command on the target: the `creates`/`removes` look, the
 * request through curl (http.ts), the body written to `dest` when the
 * status is one asked for, and the body sent back otherwise. Requests
 * are not predictable, so no check mode (skipped there, as in ansible-core).
 */
export const uriModule: Module = {
  name: 'uri',
  supportsCheck: false,
  validate: specValidator('uri', SPEC),
  async run(ctx: ModuleContext): Promise<ModuleResult> {
    const a = readArgs('uri', SPEC, ctx.args);
    const method = String(a.method).toUpperCase();
    if (!/^[A-Z]+$/.test(method)) return { failed: true, changed: false, msg: "Parameter 'method' needs to be a single word in uppercase, like GET or POST." };
    if (a.body_format === 'form-multipart') return { failed: true, changed: false, msg: `body_format form-multipart is not supported: ${NOT_HERE}` };
    const headers = Object.fromEntries(Object.entries((a.headers as Record<string, unknown> | undefined) ?? {}).map(([k, v]) => [k, String(v)]));
    const url = a.url as string;
    const codes = a.status_code as number[];
    const request: HttpRequest = {
      url, method, headers, body: bodyOf(a.body, a.body_format as string, headers),
      timeout: a.timeout as number, validateCerts: a.validate_certs as boolean, follow: redirectsOf(a.follow_redirects as string),
      ...(a.url_username !== undefined ? { user: a.url_username as string, password: (a.url_password as string | undefined) ?? '' } : {}),
    };
    const dest = a.dest as string | undefined;
    request.agent = a.http_agent as string;
    // An existing dest is fetched again only when newer (If-Modified-Since), as ansible-core asks.
    if (dest !== undefined) request.ifModifiedSince = shPath(dest);
    let req;
    try {
      req = requestScript(request);
    } catch (err) {
      return { failed: true, changed: false, msg: (err as Error).message };
    }
    const lines = [
      ...(a.creates !== undefined ? [`if [ -e ${shPath(a.creates as string)} ]; then echo 'skip'; exit 0; fi`] : []),
      ...(a.removes !== undefined ? [`if [ ! -e ${shPath(a.removes as string)} ]; then echo 'skip'; exit 0; fi`] : []),
      req.script,
      dest !== undefined ? destLines(dest, url, codes, a) : 'printf \'body %s\\n\' "$(base64 < "$bo" | tr -d \'\\n\')"',
    ];
    const t0 = Date.now();
    const res = await ctx.exec(lines.join('\n'), { stdin: req.stdin, quiet: true, maxBytes: READ_MAX });
    const elapsed = Math.floor((Date.now() - t0) / 1000);
    if (/^skip$/m.test(res.stdout)) return { changed: false, stdout: skipText(a) };
    const parsed = parseResponse(res.stdout, url);
    if (parsed === 'no-curl') return { failed: true, changed: false, msg: 'uri needs curl or GNU wget on the target (neither is on its PATH)', elapsed: 0 };
    if (!parsed) return { failed: true, changed: false, msg: `uri: the request did not run: ${res.stderr.trim() || `rc=${res.rc}`}`, elapsed };
    if (dest !== undefined && /^destfail /m.test(res.stdout)) {
      return { failed: true, changed: false, msg: `failed to write ${/^destfail (.*)$/m.exec(res.stdout)![1]}`, status: parsed.status, url: parsed.url, elapsed };
    }
    const body = Buffer.from(/^body (.*)$/m.exec(res.stdout)?.[1] ?? '', 'base64').toString('utf8');
    return resultOf(parsed, { url, codes, elapsed, body, returnContent: a.return_content as boolean, dest: /^wrote (.*)$/m.exec(res.stdout)?.[1] ?? (dest !== undefined ? dest : undefined) });
  },
};

/** Which of creates/removes made the task skip its request. */
function skipText(a: Record<string, unknown>): string {
  return a.creates !== undefined ? `skipped, since '${a.creates}' exists` : `skipped, since '${a.removes}' does not exist`;
}

/** Moves the body to `dest` (a directory takes the URL's file name) when the status is one asked for, and sets its attributes. */
function destLines(dest: string, url: string, codes: number[], a: Record<string, unknown>): string {
  const name = baseName(new URL(url).pathname) || 'index.html';
  const mode = a.mode === undefined ? undefined : typeof a.mode === 'number' ? a.mode.toString(8) : String(a.mode);
  const owner = a.owner === undefined ? '' : String(a.owner);
  const group = a.group === undefined ? '' : `:${String(a.group)}`;
  return [
    `case " ${codes.filter((c) => c !== 304).join(' ')} " in *" $code "*)`,
    `  d=${shPath(dest)}; [ -d "$d" ] && d="$d"/${q(name)}`,
    '  mv -f -- "$bo" "$d" || { printf \'destfail %s\\n\' "$d"; exit 0; }',
    ...(mode !== undefined ? [`  chmod ${q(mode)} -- "$d" || { printf 'destfail %s\\n' "$d"; exit 0; }`] : []),
    ...(owner || group ? [`  chown ${q(owner + group)} -- "$d" || { printf 'destfail %s\\n' "$d"; exit 0; }`] : []),
    '  printf \'wrote %s\\n\' "$d" ;;',
    '*) [ -f "$bo" ] && printf \'body %s\\n\' "$(base64 < "$bo" | tr -d \'\\n\')" ;;',
    'esac',
  ].join('\n');
}

interface Outcome {
  url: string;
  codes: number[];
  elapsed: number;
  body: string;
  returnContent: boolean;
  dest?: string;
}

/** The module's result from the response, with ansible-core's keys. */
function resultOf(res: HttpResponse, o: Outcome): ModuleResult {
  const headers = headerKeys(res.headers);
  if (headers.location !== undefined) headers.location = absoluteLocation(res.url, headers.location);
  const wrote = o.dest !== undefined && o.codes.includes(res.status) && res.status !== 304;
  const base: ModuleResult = {
    changed: wrote, redirected: res.url !== o.url, ...headers, elapsed: o.elapsed, status: res.status, url: res.url, msg: res.msg,
    ...(o.dest !== undefined ? { path: o.dest } : {}),
    ...(wrote ? {} : contentKeys(res, o.body, o.returnContent)),
  };
  if (!o.codes.includes(res.status)) {
    return { ...base, failed: true, changed: false, msg: `Status code was ${res.status} and not ${pyList(o.codes)}: ${res.msg}` };
  }
  const cookiesString = Object.entries(res.cookies).map(([k, v]) => `${k}=${v}`).join('; ');
  return { ...base, cookies: res.cookies, cookies_string: cookiesString };
}
