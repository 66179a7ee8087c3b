#!/usr/bin/env bash
# npm run test:parity: the parity suite on its own. Uses the fleet at
# $PLAYWATCH_FLEET_DIR when one is up there; otherwise starts one sshd host
# (port $PLAYWATCH_FLEET_PORT, default 2222) in a temp directory and stops it
# afterwards. Needs root, sshd and ansible-core, as test:system does.
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v ansible-playbook >/dev/null || { echo "test:parity: install ansible-core (apt-get install --no-install-recommends ansible-core)" >&2; exit 1; }
if [ -z "${PLAYWATCH_FLEET_DIR:-}" ] || [ ! -f "$PLAYWATCH_FLEET_DIR/inventory.ini" ]; then
  own=${PLAYWATCH_FLEET_DIR:-$(mktemp -d /tmp/playwatch-parity.XXXXXX)}
  export PLAYWATCH_FLEET_DIR=$own
  trap 'test/fleet/fleet.sh down "$PLAYWATCH_FLEET_DIR" >/dev/null || true' EXIT
  test/fleet/fleet.sh up 1 "$PLAYWATCH_FLEET_DIR"
fi
node --import tsx --test --test-reporter=spec test/system/parity.test.ts
