#!/usr/bin/env bash
# npm run test:system: the tests that need Debian packages. Checks that every
# program they need is installed (fails, naming the package, when one is not),
# builds when dist/ is stale, starts 10 real sshd hosts, runs test/system and
# test/fleet, stops the hosts.
# PLAYWATCH_FLEET_DIR picks the fleet directory (default: a fresh temp dir, removed afterwards).
set -euo pipefail
cd "$(dirname "$0")/../.."

# program → Debian package. redis-server has no test yet; it is required so
# that tests written later can rely on it.
missing=()
need() { command -v "$1" >/dev/null 2>&1 || missing+=("$1 (apt-get install --no-install-recommends $2)"); }
need sudo sudo
need tmux tmux
need ansible-playbook ansible-core
need ansible-vault ansible-core
need ansible-inventory ansible-core
need redis-server redis-server
# sshd lives in /usr/sbin, which a user's PATH often lacks; fleet.sh runs $SSHD.
SSHD=${SSHD:-$(command -v sshd || echo /usr/sbin/sshd)}
[ -x "$SSHD" ] || missing+=("sshd (apt-get install --no-install-recommends openssh-server)")
if [ ${#missing[@]} -gt 0 ]; then
  echo "test:system: missing programs, install their Debian packages (.ci/run does):" >&2
  printf '  %s\n' "${missing[@]}" >&2
  exit 1
fi
[ "$(id -u)" = 0 ] || { echo "test:system: run as root (sshd needs it to switch users; sudo runs the -K test)" >&2; exit 1; }
export SSHD

# Some tests run the built CLI (bin/playwatch.js): build when dist/ is missing or older than src/.
if [ ! -f dist/cli/main.js ] || [ -n "$(find src -newer dist/cli/main.js -print -quit)" ]; then
  npm run build
fi

if [ -z "${PLAYWATCH_FLEET_DIR:-}" ]; then
  PLAYWATCH_FLEET_DIR=$(mktemp -d /tmp/playwatch-fleet.XXXXXX)
  trap 'test/fleet/fleet.sh down "$PLAYWATCH_FLEET_DIR" >/dev/null || true; rm -rf "$PLAYWATCH_FLEET_DIR"' EXIT
else
  trap 'test/fleet/fleet.sh down "$PLAYWATCH_FLEET_DIR" >/dev/null || true' EXIT
fi
export PLAYWATCH_FLEET_DIR
test/fleet/fleet.sh up 10 "$PLAYWATCH_FLEET_DIR"
# One file at a time: the fleet's addresses and the tmux server are shared.
node --import tsx --test --test-reporter=spec --test-concurrency=1 $(find test/system test/fleet -name '*.test.ts' | sort)
