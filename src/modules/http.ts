/**
 * HTTP requests made on the target with `curl` (or GNU `wget` where there
 * is no curl), for `uri` and `get_url`.
 *
 * The request travels as a curl config (`curl -K`) and a wgetrc on stdin,
 * never in argv: headers and credentials stay out of `ps`. The script reads the
 * config's bytes with `dd`, then the body (if any) from the rest of stdin
 * into a file curl sends (`--data-binary @file`),
 * runs curl with the response headers to a temp file and the body to
 * `$bo` (a temp file, or the caller's), and prints
 * `http <code> <redirects> <effective url>` and `headers <base64>`.
 * The caller's own lines run after it (`$bo`, `$code`, `$tmp` are set)
 * and the script's trap removes `$tmp`.
 *
 * wget reports its response headers with `-S` (no effective URL, no
 * `If-Modified-Since` from a file: the caller's sha1 compare decides);
 * busybox wget lacks `--method` and `--content-on-error`, so a target with
 * neither curl nor GNU wget says `how none` and the module fails naming them.
 */
import { STATUS_CODES } from 'node:http';

export type Redirects = 'all' | 'safe' | 'none';

export interface HttpRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
  /** Seconds without progress before giving up (ansible-core's socket timeout). */
  timeout: number;
  validateCerts: boolean;
  follow: Redirects;
  user?: string;
  password?: string;
  /** `User-Agent` (ansible-core's `http_agent`). */
  agent?: string;
  /** Sends `If-Modified-Since` with this target file's mtime when it exists (curl `-z`); a shell word. */
  ifModifiedSince?: string;
}

/** A string in a curl config file: double-quoted with `\` and `"` escaped. */
function cfgString(s: string): string {
  if (/[\r\n]/.test(s)) throw new Error(`a value in an HTTP request may not hold a line break: ${JSON.stringify(s)}`);
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** The curl config for a request. */
function curlConfig(r: HttpRequest): string {
  const lines = [
    `url = ${cfgString(r.url)}`,
    'silent', 'show-error',
    `connect-timeout = ${r.timeout}`,
    // No byte for `timeout` seconds ends the transfer, as a socket timeout does.
    `speed-time = ${r.timeout}`, 'speed-limit = 1',
    'max-redirs = 10',
    // ansible-core's urllib says `Connection: close`; servers answer it in kind.
    'header = "Connection: close"',
    `user-agent = ${cfgString(r.agent ?? 'ansible-httpget')}`,
  ];
  if (r.method === 'HEAD') lines.push('head');
  else if (r.method !== 'GET' || r.body !== undefined) lines.push(`request = ${cfgString(r.method)}`);
  const follow = r.follow === 'all' || (r.follow === 'safe' && (r.method === 'GET' || r.method === 'HEAD'));
  if (follow) lines.push('location');
  if (!r.validateCerts) lines.push('insecure');
  if (r.user !== undefined) lines.push(`user = ${cfgString(`${r.user}:${r.password ?? ''}`)}`);
  for (const [k, v] of Object.entries(r.headers)) lines.push(`header = ${cfgString(`${k}: ${v}`)}`);
  return `${lines.join('\n')}\n`;
}

/** The same request as a wgetrc (GNU wget reads the rest of a line as the value). */
function wgetConfig(r: HttpRequest): string {
  const follow = r.follow === 'all' || (r.follow === 'safe' && (r.method === 'GET' || r.method === 'HEAD'));
  const line = (k: string, v: string) => {
    if (/[\r\n]/.test(v)) throw new Error(`a value in an HTTP request may not hold a line break: ${JSON.stringify(v)}`);
    return `${k} = ${v}`;
  };
  const lines = [
    line('timeout', String(r.timeout)), line('tries', '1'), line('max_redirect', follow ? '10' : '0'),
    line('header', 'Connection: close'), line('user_agent', r.agent ?? 'ansible-httpget'), line('method', r.method),
  ];
  if (!r.validateCerts) lines.push(line('check_certificate', 'off'));
  if (r.user !== undefined) lines.push(line('http_user', r.user), line('http_password', r.password ?? ''), line('auth_no_challenge', 'on'));
  for (const [k, v] of Object.entries(r.headers)) lines.push(line('header', `${k}: ${v}`));
  return `${lines.join('\n')}\n`;
}

export interface RequestScript {
  script: string;
  stdin: string;
}

/**
 * The request as script lines and stdin. `bodyTo` is the shell word the
 * response body goes to (default a file in `$tmp`). `tmpDir` is where the
 * temp directory is made (default `$TMPDIR` or /tmp). curl where the
 * target has it, else GNU wget (busybox wget lacks `--method` and
 * `--content-on-error`: it is refused as missing).
 */
export function requestScript(r: HttpRequest, opts: { bodyTo?: string; tmpDir?: string } = {}): RequestScript {
  const curlCfg = curlConfig(r);
  const wgetCfg = wgetConfig(r);
  const tmpParent = opts.tmpDir ?? '"${TMPDIR:-/tmp}"';
  const lines = [
    'if command -v curl >/dev/null 2>&1; then how=curl; elif wget --version 2>/dev/null | grep -q "GNU Wget"; then how=wget; else echo "how none"; exit 0; fi',
    `tmp=$(mktemp -d ${tmpParent}/.playwatch-http.XXXXXXXX) || exit 1`,
    'trap \'rm -rf "$tmp"\' EXIT',
    `dd bs=1 count=${Buffer.byteLength(curlCfg)} of="$tmp/cfg" 2>/dev/null`,
    `dd bs=1 count=${Buffer.byteLength(wgetCfg)} of="$tmp/wgetrc" 2>/dev/null`,
    r.body !== undefined ? 'cat > "$tmp/body"' : ':',
    `bo=${opts.bodyTo ?? '"$tmp/out"'}`,
    `z=; ${r.ifModifiedSince ? `[ -f ${r.ifModifiedSince} ] && z=${r.ifModifiedSince}` : ':'}`,
    'if [ $how = curl ]; then',
    `  out=$(curl -K "$tmp/cfg"${r.body !== undefined ? ' --data-binary @"$tmp/body"' : ''}\${z:+ -z "\$z"} -D "$tmp/h" -o "$bo" -w '%{http_code} %{num_redirects} %{url_effective}' 2>"$tmp/err")`,
    '  rc=$?',
    'else',
    // wget: response headers (-S) on stderr, one block per response; no If-Modified-Since (the sha1 compare decides instead).
    `  wget -q -S --content-on-error --config="$tmp/wgetrc"${r.body !== undefined ? ' --body-file="$tmp/body"' : ''} -O "$bo" ${quoteWord(r.url)} 2>"$tmp/h"`,
    '  rc=$?',
    '  c=$(grep -E \'^ *HTTP/\' "$tmp/h" | tail -n 1 | awk \'{print $2}\')',
    `  out="\${c:-000} - ${r.url.replace(/["$`\\]/g, '\\$&')}"`,
    '  [ $rc = 0 ] || [ $rc = 8 ] || echo "wget exit $rc" > "$tmp/err"',
    'fi',
    'code=${out%% *}',
    'printf \'http %s\\n\' "$out"',
    'printf \'curlrc %s\\n\' "$rc"',
    '[ -s "$tmp/err" ] && printf \'err %s\\n\' "$(head -c 2000 "$tmp/err" | base64 | tr -d \'\\n\')"',
    '[ -f "$tmp/h" ] && printf \'headers %s\\n\' "$(base64 < "$tmp/h" | tr -d \'\\n\')"',
  ];
  return { script: lines.join('\n'), stdin: curlCfg + wgetCfg + (r.body ?? '') };
}

/** A URL as one shell word. */
function quoteWord(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

export interface HttpResponse {
  /** -1 when no response came (refused, timed out, bad certificate). */
  status: number;
  url: string;
  redirects: number;
  /** Response headers of the final response, lowercased, duplicates joined with `, ` (as ansible-core's fetch_url). */
  headers: Record<string, string>;
  /** `OK (N bytes)`, `HTTP Error 404: Not Found` or `Request failed: …`, as ansible-core's `info['msg']`. */
  msg: string;
  /** Cookies set along the way. */
  cookies: Record<string, string>;
}

const field = (stdout: string, key: string) => new RegExp(`^${key} (.*)$`, 'm').exec(stdout)?.[1];

/** The response as the request script printed it; undefined when the target has no curl. */
export function parseResponse(stdout: string, requested: string): HttpResponse | 'no-curl' | undefined {
  if (/^how none$/m.test(stdout)) return 'no-curl';
  const http = field(stdout, 'http');
  if (http === undefined) return undefined;
  const [code, redirects, ...rest] = http.split(' ');
  const status = Number(code) || -1;
  // One block per response (curl separates them with a blank line, wget indents its lines and does not).
  const text = Buffer.from(field(stdout, 'headers') ?? '', 'base64').toString('utf8').replace(/^ {2}/gm, '');
  const blocks = text.split(/^(?=HTTP\/)/m).map((b) => b.trim()).filter((b) => /^HTTP\//.test(b));
  const last = blocks[blocks.length - 1] ?? '';
  const headers: Record<string, string> = {};
  for (const line of last.split(/\r?\n/).slice(1)) {
    const i = line.indexOf(':');
    if (i <= 0) continue;
    const k = line.slice(0, i).trim().toLowerCase();
    const v = line.slice(i + 1).trim();
    headers[k] = headers[k] === undefined ? v : `${headers[k]}, ${v}`;
  }
  const cookies: Record<string, string> = {};
  for (const b of blocks) {
    for (const m of b.matchAll(/^set-cookie:\s*([^=;\s]+)=([^;\r\n]*)/gim)) cookies[m[1]] = m[2];
  }
  const reason = /^HTTP\/[\d.]+ \d+ ?(.*)$/m.exec(last)?.[1]?.trim() || STATUS_CODES[status] || '';
  let msg: string;
  if (status === -1) {
    const err = Buffer.from(field(stdout, 'err') ?? '', 'base64').toString('utf8').trim();
    msg = `Request failed: ${err || `curl exit ${field(stdout, 'curlrc')}`}`;
  } else if (status >= 400 || (status >= 300 && status < 400)) {
    msg = `HTTP Error ${status}: ${reason}`;
  } else {
    msg = `OK (${headers['content-length'] ?? 'unknown'} bytes)`;
  }
  if (redirects === '-') {
    // wget: the effective URL follows the Location of each response before the last.
    let url = requested;
    for (const b of blocks.slice(0, -1)) {
      const loc = /^location:\s*(.*)$/im.exec(b)?.[1]?.trim();
      if (loc) url = new URL(loc, url).toString();
    }
    return { status, url, redirects: Math.max(0, blocks.length - 1), headers, msg, cookies };
  }
  const url = status === -1 ? requested : rest.join(' ') || requested;
  return { status, url, redirects: Number(redirects) || 0, headers, msg, cookies };
}

/** Python's `json.dumps` with its default separators and `ensure_ascii` (what ansible-core sends for `body_format: json`). */
export function pythonJson(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : v > 0 ? 'Infinity' : v < 0 ? '-Infinity' : 'NaN';
  if (typeof v === 'string') return JSON.stringify(v).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  if (Array.isArray(v)) return `[${v.map(pythonJson).join(', ')}]`;
  return `{${Object.entries(v as Record<string, unknown>).map(([k, x]) => `${pythonJson(k)}: ${pythonJson(x)}`).join(', ')}}`;
}

/** Python's `quote_plus`. */
function quotePlus(s: string): string {
  return [...Buffer.from(s, 'utf8')].map((b) => {
    const c = String.fromCharCode(b);
    if (/[A-Za-z0-9_.\-~]/.test(c)) return c;
    return c === ' ' ? '+' : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }).join('');
}

/** Python's `str()` of a scalar, as `urlencode` writes it. */
const pyStr = (v: unknown): string => (v === true ? 'True' : v === false ? 'False' : v === null ? 'None' : String(v));

/** ansible-core's `form_urlencoded`: `urlencode(body, doseq=True)` of a mapping or a list of pairs. */
export function formUrlencoded(body: unknown): string {
  if (typeof body === 'string') return body;
  const pairs: [unknown, unknown][] = Array.isArray(body) ? body.map((p) => (Array.isArray(p) ? [p[0], p[1]] : [p, ''])) : Object.entries(body as Record<string, unknown>);
  return pairs.flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((x) => `${quotePlus(pyStr(k))}=${quotePlus(pyStr(x))}`)).join('&');
}
