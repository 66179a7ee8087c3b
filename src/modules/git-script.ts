/**
 * The `sh` script `git` sends: ansible-core's git module as one command on
 * the target, using the target's `git`. It prints `before <sha>`,
 * `after <sha>`, `urlchanged 0|1`, `reset` (local modifications thrown
 * away with force), `changed` (check mode's guess), or `localmods` /
 * `fail <what>` and stops; git's own errors go to stderr.
 */
import { q, shPath } from './sh.js';

export interface GitPlan {
  repo: string;
  dest: string;
  version: string;
  remote: string;
  force: boolean;
  depth?: number;
  update: boolean;
  clone: boolean;
  bare: boolean;
  singleBranch: boolean;
  acceptHostkey: boolean;
  check: boolean;
}

/** The repo as a shell word: an absolute (or `~`) path becomes a `file://` URL, as ansible-core makes it. */
function repoWord(repo: string): string {
  if (repo.startsWith('/')) return q(`file://${repo}`);
  if (repo === '~' || repo.startsWith('~/')) return `"file://$HOME"${repo.length > 1 ? `/${q(repo.slice(2))}` : ''}`;
  return q(repo);
}

/** Shell functions: remote head of a version, which kind of ref it is, and the checkout. */
const FUNCTIONS = [
  'fail() { printf \'fail %s\\n\' "$1"; exit 0; }',
  // ansible-core's unfrackgitpath: a trailing slash and `.git` do not make another URL.
  'norm() { x=${1%/}; printf \'%s\' "${x%.git}"; }',
  'isbranch() { git ls-remote --exit-code --heads "$1" "refs/heads/$version" >/dev/null 2>&1; }',
  'istag() { git ls-remote --exit-code --tags "$1" "refs/tags/$version" >/dev/null 2>&1; }',
  // The sha the version names on the remote (`$1`): HEAD, a branch, a tag (peeled), or the version itself (a sha).
  'remotehead() {',
  '  if [ "$version" = HEAD ]; then o=$(git ls-remote "$1" HEAD) || fail ls-remote',
  '  elif isbranch "$1"; then o=$(git ls-remote "$1" "refs/heads/$version") || fail ls-remote',
  '  elif istag "$1"; then o=$(git ls-remote "$1" "refs/tags/$version" "refs/tags/$version^{}") || fail ls-remote; o=$(printf \'%s\\n\' "$o" | tail -n 1)',
  '  else o=$version; fi',
  '  [ -n "$o" ] || { printf \'fail remote %s\\n\' "$version"; exit 0; }',
  '  printf \'%s\' "${o%%[\t ]*}"',
  '}',
  // ansible-core's switch_version.
  'switch() {',
  '  if [ "$version" = HEAD ]; then',
  '    b=$(git ls-remote --symref "$remote" HEAD 2>/dev/null | sed -n \'s|^ref: refs/heads/\\([^\t]*\\)\tHEAD$|\\1|p\')',
  '    [ -n "$b" ] || b=$(git symbolic-ref --short HEAD 2>/dev/null)',
  '    git checkout --force "$b" >&2 || { printf \'fail checkout %s\\n\' "$b"; exit 0; }',
  '    git reset --hard "$remote/$b" -- >&2 || { printf \'fail checkout %s\\n\' "$b"; exit 0; }',
  '  elif git rev-parse --verify -q "refs/remotes/$remote/$version" >/dev/null; then',
  '    if git rev-parse --verify -q "refs/heads/$version" >/dev/null; then',
  '      git checkout --force "$version" >&2 && git reset --hard "$remote/$version" >&2 || { printf \'fail checkout %s\\n\' "$version"; exit 0; }',
  '    else git checkout --track -b "$version" "$remote/$version" >&2 || { printf \'fail checkout %s\\n\' "$version"; exit 0; }; fi',
  '  else git checkout --force "$version" >&2 || { printf \'fail checkout %s\\n\' "$version"; exit 0; }; fi',
  '}',
];

/** The whole `git` task as one script. */
export function gitScript(p: GitPlan): string {
  const depth = p.depth ? ` --depth ${p.depth}` : '';
  const lines = [
    'command -v git >/dev/null 2>&1 || { echo "how none"; exit 0; }',
    'export GIT_TERMINAL_PROMPT=0 LC_ALL=C',
    ...(p.acceptHostkey ? ['export GIT_SSH_COMMAND="ssh -o StrictHostKeyChecking=no"'] : []),
    `repo=${repoWord(p.repo)}; dest=${shPath(p.dest)}; version=${q(p.version)}; remote=${q(p.remote)}`,
    ...FUNCTIONS,
    `cfg="$dest/${p.bare ? 'config' : '.git/config'}"`,
    'if [ ! -f "$cfg" ]; then',
    ...(p.check || !p.clone
      ? ['  printf \'after %s\\n\' "$(remotehead "$repo")"', '  echo changed', '  exit 0']
      : [
        '  mkdir -p -- "$(dirname -- "$dest")"',
        `  set -- ${p.bare ? '--bare' : '--origin "$remote"'}`,
        ...(p.depth ? [`  if [ "$version" = HEAD ]; then set -- "$@"${depth}; elif isbranch "$repo" || istag "$repo"; then set -- "$@"${depth} --branch "$version"; fi`] : []),
        ...(p.singleBranch ? ['  set -- "$@" --single-branch; if [ "$version" != HEAD ] && { isbranch "$repo" || istag "$repo"; }; then set -- "$@" --branch "$version"; fi'] : []),
        '  git clone "$@" "$repo" "$dest" >&2 || fail clone',
        ...(p.bare ? [] : ['  cd "$dest" || fail clone', '  switch']),
        `  printf 'after %s\\n' "$(git ${p.bare ? '--git-dir="$dest"' : ''} rev-parse HEAD)"`,
        '  exit 0',
      ]),
    'fi',
    `cd "$dest" || fail cd`,
    'printf \'before %s\\n\' "$(git rev-parse HEAD 2>/dev/null)"',
  ];
  if (!p.update) return [...lines, 'exit 0'].join('\n');
  lines.push(
    ...(p.bare ? [] : [
      'if [ -n "$(git status --porcelain | grep -v \'^??\')" ]; then',
      ...(p.force ? (p.check ? ['  :  # check mode: ansible-core guesses from the shas alone'] : ['  git reset --hard HEAD >&2 || fail reset', '  echo reset']) : ['  echo localmods', '  exit 0']),
      'fi',
    ]),
    'url=$(git config --get "remote.$remote.url")',
    'urlchanged=0',
    'if [ "$url" != "$repo" ] && [ "$(norm "$url")" != "$(norm "$repo")" ]; then',
    p.check ? '  [ -n "$url" ] && urlchanged=1' : '  git remote set-url "$remote" "$repo" 2>/dev/null || git remote add "$remote" "$repo" || fail set-url; [ -n "$url" ] && urlchanged=1',
    'fi',
    'printf \'urlchanged %s\\n\' "$urlchanged"',
  );
  if (p.check) {
    lines.push('printf \'after %s\\n\' "$(remotehead "$remote")"', 'exit 0');
    return lines.join('\n');
  }
  const refspec = p.bare ? '"+refs/heads/*:refs/heads/*"' : '"+refs/heads/*:refs/remotes/$remote/*"';
  lines.push(
    `git fetch${depth}${p.force ? ' --force' : ''} "$remote" ${refspec} "+refs/tags/*:refs/tags/*" >&2 || fail fetch`,
    ...(p.bare ? [] : ['switch']),
    'printf \'after %s\\n\' "$(git rev-parse HEAD)"',
  );
  return lines.join('\n');
}
