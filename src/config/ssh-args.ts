/**
 * `[ssh_connection] ssh_args` as playwatch can honour it. ansible-core puts
 * these words first on every `ssh` command line, and OpenSSH keeps the first
 * value it sees for an option, so what they set wins over `ansible_user`,
 * `ansible_port` and `~/.ssh/config`. playwatch speaks SSH itself (ssh2), so
 * it reads the options it can honour and names the others once.
 */

/** What ssh_args set that playwatch honours. */
export interface SshArgs {
  user?: string;
  port?: number;
  proxyJump?: string;
  identityFile?: string;
  /** `StrictHostKeyChecking=no` (or `accept-new`'s looser sibling `off`). */
  hostKeyChecking?: false;
  /** `UserKnownHostsFile` (the first file named). */
  knownHostsFile?: string;
  /** `ConnectTimeout`, seconds. */
  connectTimeout?: number;
  /** Options playwatch does not honour, as written (each named in a note). */
  ignored: string[];
}

/**
 * Options that mean nothing to a controller that keeps one connection per
 * host open for the whole run (ControlPersist is what that connection gives
 * ansible-core) and sends its own keepalives.
 */
const MOOT = new Set(['controlmaster', 'controlpersist', 'controlpath', 'serveraliveinterval', 'serveralivecountmax']);

/** Reads ssh_args' words: `-o Key=Value`, `-oKey=Value`, `-o 'Key Value'`, `-J`, `-l`, `-p`, `-i`. */
export function parseSshArgs(text: string): SshArgs {
  const out: SshArgs = { ignored: [] };
  const words = shellWords(text);
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    const flag = /^-([oJlpi])(.*)$/.exec(w);
    if (!flag) {
      out.ignored.push(w);
      continue;
    }
    const value = flag[2] !== '' ? flag[2] : words[++i] ?? '';
    if (flag[1] === 'o') option(out, value);
    else option(out, `${{ J: 'ProxyJump', l: 'User', p: 'Port', i: 'IdentityFile' }[flag[1]]}=${value}`);
  }
  return out;
}

function option(out: SshArgs, text: string): void {
  const m = /^\s*(\w+)\s*(?:=|\s)\s*(.*?)\s*$/.exec(text);
  if (!m) {
    out.ignored.push(`-o ${text}`);
    return;
  }
  const key = m[1].toLowerCase();
  const value = m[2];
  // The first value wins, as in OpenSSH.
  const first = <K extends keyof SshArgs>(k: K, v: SshArgs[K]) => {
    if (out[k] === undefined) out[k] = v;
  };
  if (key === 'user') first('user', value);
  else if (key === 'port' && /^\d+$/.test(value)) first('port', Number(value));
  else if (key === 'proxyjump') first('proxyJump', value);
  else if (key === 'identityfile') first('identityFile', value);
  else if (key === 'stricthostkeychecking' && /^(no|off)$/i.test(value)) first('hostKeyChecking', false);
  else if (key === 'userknownhostsfile') first('knownHostsFile', value.split(/\s+/)[0]);
  else if (key === 'connecttimeout' && /^\d+$/.test(value)) first('connectTimeout', Number(value));
  else if (!MOOT.has(key)) out.ignored.push(`-o ${m[1]}=${value}`);
}

/** Splits like a POSIX shell: single and double quotes, backslash escapes. */
function shellWords(text: string): string[] {
  const words: string[] = [];
  let cur = '';
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (/\s/.test(c)) {
      if (inWord) words.push(cur);
      cur = '';
      inWord = false;
    } else if (c === "'") {
      const end = text.indexOf("'", i + 1);
      cur += text.slice(i + 1, end < 0 ? text.length : end);
      i = end < 0 ? text.length : end;
      inWord = true;
    } else if (c === '"') {
      let j = i + 1;
      for (; j < text.length && text[j] !== '"'; j++) cur += text[j] === '\\' && j + 1 < text.length ? text[++j] : text[j];
      i = j;
      inWord = true;
    } else if (c === '\\' && i + 1 < text.length) {
      cur += text[++i];
      inWord = true;
    } else {
      cur += c;
      inWord = true;
    }
  }
  if (inWord) words.push(cur);
  return words;
}

/** The note for options playwatch does not honour, or nothing. */
export function sshArgsNote(args: SshArgs): string | undefined {
  if (!args.ignored.length) return undefined;
  return (
    `ssh_args: ${args.ignored.join(' ')} ${args.ignored.length > 1 ? 'are' : 'is'} not honoured by playwatch's SSH client ` +
    '(it honours -o ProxyJump, User, Port, IdentityFile, UserKnownHostsFile, ConnectTimeout and StrictHostKeyChecking=no; ControlPersist and keepalives are moot: each host keeps one connection for the run)'
  );
}
