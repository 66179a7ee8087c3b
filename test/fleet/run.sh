#!/usr/bin/env bash
# npm run test:fleet: start 10 real sshd hosts, run the fleet tests, stop the hosts.
# PLAYWATCH_FLEET_DIR picks the fleet directory (default: a fresh temp dir, removed afterwards).
set -euo pipefail
cd "$(dirname "$0")/../.."

if [ -z "${PLAYWATCH_FLEET_DIR:-}" ]; then
  PLAYWATCH_FLEET_DIR=$(mktemp -d /tmp/playwatch-fleet.XXXXXX)
  trap 'test/fleet/fleet.sh down "$PLAYWATCH_FLEET_DIR" >/dev/null || true; rm -rf "$PLAYWATCH_FLEET_DIR"' EXIT
else
  trap 'test/fleet/fleet.sh down "$PLAYWATCH_FLEET_DIR" >/dev/null || true' EXIT
fi
export PLAYWATCH_FLEET_DIR
test/fleet/fleet.sh up 10 "$PLAYWATCH_FLEET_DIR"
node --import tsx --test --test-reporter=spec --test-concurrency=1 $(find test/fleet -name '*.test.ts' | sort)
