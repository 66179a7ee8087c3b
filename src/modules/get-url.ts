import type { ModuleResult } from '../model/index.js';
import { planAttrs } from './attrs.js';
import { parseResponse, requestScript, type HttpRequest } from './http.js';
import { changeAndRead, fileKeys, parseState, stateScript, BACKUP_NAME, type FileState } from './remote-file.js';
import { q, shPath } from './sh.js';
import { readArgs, specValidator, type ArgSpec } from './spec.js';
import type { Module, ModuleContext } from './types.js';
import { redirectsOf } from './uri.js';

const NOT_HERE = 'playwatch downloads with curl or wget on the target; run it with the ansible-core engine';

/** ansible-core 2.14's `get_url` options (TLS client, proxy and SELinux knobs refused at load). */
export const SPEC: ArgSpec = {
  options: {
    url: { type: 'str', required: true },
    dest: { type: 'path', required: true },
    checksum: { type: 'str', default: '' },
    force: { type: 'bool', default: false },
    backup: { type: 'bool', default: false },
    headers: { type: 'dict' },
    timeout: { type: 'int', default: 10 },
    tmp_dest: { type: 'path' },
    mode: { type: 'mode' },
    owner: { type: 'str' },
    group: { type: 'str' },
    validate_certs: { type: 'bool', default: true },
    url_username: { type: 'str', aliases: ['username'] },
    url_password: { type: 'str', aliases: ['password'] },
    force_basic_auth: { type: 'bool', default: false },
    http_agent: { type: 'str', default: 'ansible-httpget' },
    use_proxy: { type: 'bool', default: true, ignored: true },
    use_netrc: { type: 'bool', default: true, ignored: true },
    decompress: { type: 'bool', default: true, ignored: true },
    unsafe_writes: { type: 'bool', default: false, ignored: true },
    unredirected_headers: { type: 'list', elements: 'str', default: [], ignored: true },
    client_cert: { type: 'path', unsupported: NOT_HERE },
    client_key: { type: 'path', unsupported: NOT_HERE },
    ciphers: { type: 'list', unsupported: NOT_HERE },
    use_gssapi: { type: 'bool', default: false, unsupported: NOT_HERE },
    attributes: { type: 'str', aliases: ['attr'], unsupported: NOT_HERE },
    selevel: { type: 'str', unsupported: NOT_HERE },
    serole: { type: 'str', unsupported: NOT_HERE },
    setype: { type: 'str', unsupported: NOT_HERE },
    seuser: { type: 'str', unsupported: NOT_HERE },
  },
};

const ALGORITHMS = ['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512'];

type Args = Record<string, unknown>;

/** The request for `url` with the task's headers, credentials and timeout. */
function requestFor(a: Args, url: string, method: string): HttpRequest {
  return {
    url, method, headers: Object.fromEntries(Object.entries((a.headers as Args | undefined) ?? {}).map(([k, v]) => [k, String(v)])),
    timeout: a.timeout as number, validateCerts: a.validate_certs as boolean, follow: redirectsOf('safe'), agent: a.http_agent as string,
    ...(a.url_username !== undefined ? { user: a.url_username as string, password: (a.url_password as string | undefined) ?? '' } : {}),
  };
}

const isUrl = (s: string) => /^[a-z][a-z0-9+.-]*:\/\//i.test(s);

/** `url_filename`: the last path component of a URL, or `index.html`. */
function urlFilename(url: string): string {
  try {
    return decodeURIComponent(new URL(url).pathname.split('/').pop() ?? '') || 'index.html';
  } catch {
    return 'index.html';
  }
}

/**
 * ansible-core's parse of a checksum file: one bare sum, or `sum  name`
 * lines (a `*` or space before the name dropped, `./` stripped); the sum of
 * the downloaded file's name.
 */
export function sumFromFile(text: string, filename: string): string | undefined {
  const lines = text.split('\n').map((l) => l.replace(/\r$/, '')).filter((l, i, all) => i < all.length - 1 || l !== '');
  if (lines.length === 1 && lines[0].split(/\s+/).filter(Boolean).length === 1) return lines[0].trim();
  for (const line of lines) {
    const sp = line.indexOf(' ');
    if (sp < 0) continue;
    let name = line.slice(sp + 1);
    if (name.startsWith(' ') || name.startsWith('*')) name = name.slice(1);
    if (name.replace(/^[./]+/, '') === filename) return line.slice(0, sp);
  }
  return undefined;
}

/** `algo:hex` (or `algo:url`, fetched on the target first) → the algorithm and the lowercase hex, or a failed result. */
async function wantedSum(ctx: ModuleContext, a: Args, base: ModuleResult): Promise<{ algo: string; hex: string } | ModuleResult | undefined> {
  const spec = a.checksum as string;
  if (spec === '') return undefined;
  const i = spec.indexOf(':');
  if (i < 0) return { ...base, failed: true, msg: 'The checksum parameter has to be in format <algorithm>:<checksum>' };
  const algo = spec.slice(0, i).toLowerCase();
  let sum: string | undefined = spec.slice(i + 1);
  if (!ALGORITHMS.includes(algo)) return { ...base, failed: true, msg: `Could not hash file with algorithm '${algo}'. Available algorithms: ${ALGORITHMS.join(', ')}` };
  if (isUrl(sum)) {
    const sumUrl = sum;
    const req = requestScript(requestFor(a, sumUrl, 'GET'));
    const res = await ctx.exec(`${req.script}\nprintf 'body %s\\n' "$(head -c 1048576 "$bo" | base64 | tr -d '\\n')"`, { stdin: req.stdin, quiet: true });
    const parsed = parseResponse(res.stdout, sumUrl);
    if (parsed === 'no-curl') return { ...base, failed: true, msg: 'get_url needs curl or GNU wget on the target (neither is on its PATH)' };
    if (!parsed || parsed.status !== 200) return { ...base, failed: true, msg: 'Request failed', status_code: parsed?.status ?? -1, response: parsed?.msg ?? res.stderr.trim(), url: sumUrl };
    const text = Buffer.from(/^body (.*)$/m.exec(res.stdout)?.[1] ?? '', 'base64').toString('utf8');
    sum = sumFromFile(text, urlFilename(a.url as string));
    if (sum === undefined) return { failed: true, changed: false, msg: `Unable to find a checksum for file '${urlFilename(a.url as string)}' in '${sumUrl}'` };
  }
  const hex = sum.replace(/\W+/g, '').toLowerCase();
  if (!/^[0-9a-f]+$/.test(hex)) return { ...base, failed: true, msg: 'The checksum format is invalid' };
  return { algo, hex };
}

/**
 * The one download script: the "already there with that checksum" look,
 * the request (HEAD in check mode, `If-Modified-Since` unless forced),
 * the destination's name for a directory, both sha1s, the move with its
 * backup, the checksum check, the md5 and the final state.
 */
function downloadScript(a: Args, want: { algo: string; hex: string } | undefined, check: boolean): { script: string; stdin: string } {
  const tmpDir = a.tmp_dest === undefined ? undefined : shPath(a.tmp_dest as string);
  const req = requestScript({ ...requestFor(a, a.url as string, check ? 'HEAD' : 'GET'), ifModifiedSince: '"$zf"' }, tmpDir ? { tmpDir } : {});
  const sum = (word: string) => `$(${want?.algo ?? 'sha1'}sum < ${word} | cut -d' ' -f1)`;
  const lines = [
    `d=${shPath(a.dest as string)}; force=${a.force ? 1 : 0}; want=${q(want?.hex ?? '')}`,
    'isdir=0; [ -d "$d" ] && isdir=1',
    ...(tmpDir ? [`[ -d ${tmpDir} ] || { if [ -e ${tmpDir} ]; then echo 'tmp file'; else echo 'tmp missing'; fi; exit 0; }`] : []),
    'if [ $isdir = 0 ] && [ -e "$d" ] && [ -n "$want" ] && [ $force = 0 ]; then',
    `  if [ "${sum('"$d"')}" = "$want" ]; then echo exists; p=$d; ${stateScript().split('\n').join('\n  ')}`,
    '  exit 0; fi',
    '  force=1',
    'fi',
    'zf=; [ $force = 0 ] && [ $isdir = 0 ] && zf=$d',
    req.script,
    '[ "$code" = 200 ] || exit 0',
    '[ -f "$bo" ] || : > "$bo"',
    'if [ $isdir = 1 ]; then',
    '  n=$(sed -n \'s/^[Cc]ontent-[Dd]isposition:.*filename="\\{0,1\\}\\([^";]*\\)"\\{0,1\\}.*$/\\1/p\' "$tmp/h" | tr -d \'\\r\' | tail -n 1)',
    '  if [ -z "$n" ]; then u=${out#* * }; u=${u%%\\?*}; u=${u%%#*}; n=${u##*/}; fi',
    '  [ -n "$n" ] || n=index.html',
    '  d="${d%/}/$n"',
    'fi',
    'printf \'dest %s\\n\' "$d"',
    'printf \'src %s\\n\' "$(sha1sum < "$bo" | cut -d\' \' -f1)"',
    'if [ -e "$d" ]; then',
    '  [ -w "$d" ] || { echo \'destfail writable\'; exit 0; }',
    '  [ -r "$d" ] || { echo \'destfail readable\'; exit 0; }',
    '  printf \'dsum %s\\n\' "$(sha1sum < "$d" | cut -d\' \' -f1)"',
    'else',
    '  [ -d "$(dirname -- "$d")" ] || { echo \'destfail missing\'; exit 0; }',
    '  [ -w "$(dirname -- "$d")" ] || { echo \'destfail dirwritable\'; exit 0; }',
    'fi',
  ];
  if (!check) {
    lines.push(
      'if [ "$(sha1sum < "$bo" | cut -d\' \' -f1)" != "$(sha1sum < "$d" 2>/dev/null | cut -d\' \' -f1)" ]; then',
      ...(a.backup ? [`  if [ -f "$d" ]; then b=${BACKUP_NAME}; cp -p -- "$d" "$b" || exit 93; printf 'backup %s\\n' "$b"; fi`] : []),
      '  mv -f -- "$bo" "$d" || exit 94',
      '  echo moved',
      'fi',
      `if [ -n "$want" ]; then have=${sum('"$d"')}; if [ "$have" != "$want" ]; then rm -f -- "$d"; printf 'mismatch %s\\n' "$have"; exit 0; fi; fi`,
      'printf \'md5 %s\\n\' "$(md5sum < "$d" | cut -d\' \' -f1)"',
    );
  }
  lines.push('p=$d', stateScript());
  return { script: lines.join('\n'), stdin: req.stdin };
}

const field = (stdout: string, key: string) => new RegExp(`^${key} (.*)$`, 'm').exec(stdout)?.[1];

/**
 * `get_url`: the download in one command on the target (curl, http.ts),
 * and a second only when mode/owner/group must change (attrs.ts). Same
 * rules as ansible-core: an existing `dest` with the given checksum is
 * not fetched; otherwise it is fetched (with `If-Modified-Since` unless
 * `force`) and replaced only when its sha1 differs. Check mode sends HEAD,
 * as ansible-core does.
 */
export const getUrlModule: Module = {
  name: 'get_url',
  supportsCheck: true,
  validate: specValidator('get_url', SPEC),
  async run(ctx: ModuleContext): Promise<ModuleResult> {
    const a = readArgs('get_url', SPEC, ctx.args);
    const url = a.url as string;
    const base: ModuleResult = { changed: false, checksum_dest: null, checksum_src: null, dest: a.dest, elapsed: 0, url };
    const t0 = Date.now();
    const want = await wantedSum(ctx, a, base);
    if (want && 'failed' in want) return want as ModuleResult;
    const w = want as { algo: string; hex: string } | undefined;
    let dl;
    try {
      dl = downloadScript(a, w, ctx.check);
    } catch (err) {
      return { ...base, failed: true, msg: (err as Error).message };
    }
    const res = await ctx.exec(dl.script, { stdin: dl.stdin, quiet: true });
    const elapsed = Math.floor((Date.now() - t0) / 1000);
    const out = res.stdout;
    const tmp = field(out, 'tmp');
    if (tmp) return { failed: true, changed: false, elapsed, msg: tmp === 'file' ? `${a.tmp_dest} is a file but should be a directory.` : `${a.tmp_dest} directory does not exist.` };
    if (/^exists$/m.test(out)) return withAttrs(ctx, a, { ...base, msg: 'file already exists' }, parseState(a.dest as string, out), true);
    const parsed = parseResponse(out, url);
    if (parsed === 'no-curl') return { ...base, failed: true, msg: 'get_url needs curl or GNU wget on the target (neither is on its PATH)' };
    if (!parsed) return { ...base, failed: true, msg: `get_url: the download did not run: ${res.stderr.trim() || `rc=${res.rc}`}`, elapsed };
    if (parsed.status === 304) return { url, dest: a.dest, changed: false, msg: parsed.msg, status_code: 304, elapsed };
    if (parsed.status === -1) return { failed: true, msg: parsed.msg, url, dest: a.dest, elapsed };
    if (parsed.status !== 200) return { failed: true, changed: false, msg: 'Request failed', status_code: parsed.status, response: parsed.msg, url, dest: a.dest, elapsed };
    const dest = field(out, 'dest') ?? (a.dest as string);
    const sums = { checksum_src: field(out, 'src') ?? null, checksum_dest: field(out, 'dsum') ?? null };
    const result: ModuleResult = { ...base, ...sums, dest, elapsed };
    const destFail = field(out, 'destfail');
    if (destFail) return { ...result, failed: true, msg: destMessage(destFail, dest) };
    if (res.rc !== 0) return { ...result, failed: true, msg: `failed to copy to ${dest}: ${res.stderr.trim() || `rc=${res.rc}`}` };
    if (ctx.check) return withAttrs(ctx, a, { ...result, changed: sums.checksum_dest === null || sums.checksum_src !== sums.checksum_dest, msg: parsed.msg }, parseState(dest, out), false);
    const mismatch = field(out, 'mismatch');
    if (mismatch !== undefined) return { ...result, changed: /^moved$/m.test(out), failed: true, msg: `The checksum for ${dest} did not match ${w!.hex}; it was ${mismatch}.` };
    const backup = field(out, 'backup');
    return withAttrs(ctx, a, {
      ...result, changed: /^moved$/m.test(out), md5sum: field(out, 'md5') ?? null, msg: parsed.msg, status_code: parsed.status,
      ...(backup ? { backup_file: backup } : {}),
    }, parseState(dest, out), false);
  },
};

function destMessage(kind: string, dest: string): string {
  const dir = dest.replace(/\/[^/]*$/, '') || '/';
  return {
    writable: `Destination ${dest} is not writable`,
    readable: `Destination ${dest} is not readable`,
    missing: `Destination ${dir} does not exist`,
    dirwritable: `Destination ${dir} is not writable`,
  }[kind] ?? `Destination ${dest}: ${kind}`;
}

/** Mode, owner and group through attrs.ts (a second command only when one differs), and the path's keys in the result as ansible-core adds them. */
async function withAttrs(ctx: ModuleContext, a: Args, result: ModuleResult, state: FileState, exists: boolean): Promise<ModuleResult> {
  if (!state.exists) return { ...result, ...fileKeys(state) };
  let plan;
  try {
    plan = planAttrs(state.path, state, { mode: a.mode as string | number | undefined, owner: a.owner as string | undefined, group: a.group as string | undefined });
  } catch (err) {
    return { ...result, failed: true, msg: (err as Error).message };
  }
  if (!plan.changed) return { ...result, ...fileKeys(state) };
  const msg = exists ? { msg: 'file already exists but file attributes changed' } : {};
  if (ctx.check) return { ...result, ...msg, changed: true, ...fileKeys(state) };
  const after = await changeAndRead(ctx, state.path, plan.commands);
  if (!after.ok) return { ...after.result, ...result, failed: true, msg: after.result.msg };
  return { ...result, ...msg, changed: true, ...fileKeys(after.value) };
}
