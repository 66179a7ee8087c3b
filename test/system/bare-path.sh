#!/usr/bin/env bash
# Runs a command with a PATH that has no system test programs, as a fresh
# machine has: a folder of links to everything in /usr/bin and /bin except
# sudo*, sshd, tmux, ansible* and redis-*, plus the node, npm and npx found on
# the current PATH. /usr/sbin and /usr/local/* are not on it.
#
#   test/system/bare-path.sh npm test
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: bare-path.sh COMMAND [ARG...]" >&2; exit 2; }

node_bin=$(command -v node) || { echo "bare-path.sh: node not found on PATH" >&2; exit 1; }
npm_bin=$(command -v npm) || { echo "bare-path.sh: npm not found on PATH" >&2; exit 1; }
npx_bin=$(command -v npx || true)

bare=$(mktemp -d "${TMPDIR:-/tmp}/playwatch-bare-path.XXXXXX")
trap 'rm -rf "$bare"' EXIT
for dir in /usr/bin /bin; do
  for f in "$dir"/*; do
    name=${f##*/}
    case "$name" in
      sudo* | sshd | tmux | ansible* | redis-*) continue ;;
    esac
    [ -e "$bare/$name" ] || ln -s "$f" "$bare/$name"
  done
done
# The node that npm uses, wherever it is installed.
ln -sfn "$node_bin" "$bare/node"
ln -sfn "$npm_bin" "$bare/npm"
[ -z "$npx_bin" ] || ln -sfn "$npx_bin" "$bare/npx"

PATH=$bare "$@"
