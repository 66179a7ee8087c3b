#!/usr/bin/env bash
# A fleet of real OpenSSH servers on loopback addresses, for tests and benchmarks.
#
#   test/fleet/fleet.sh up N [dir]   start N sshd on 127.0.0.11, .12, … (port $PLAYWATCH_FLEET_PORT, default 2222)
#   test/fleet/fleet.sh down [dir]   stop them (by the pids in their pid files)
#
# dir defaults to $PLAYWATCH_FLEET_DIR or /tmp/playwatch-fleet. `up` writes there:
#   inventory.ini   hosts h01..hNN in group [fleet] with ansible_host, ansible_port,
#                   ansible_user=root, ansible_ssh_private_key_file and
#                   playwatch_known_hosts (the known_hosts file below),
#                   playwatch_lock_path=~/.playwatch/lock (one lock per host's HOME)
#   id_ed25519      the client key;  known_hosts  every host's key
#   ssh_config      for a manual look: ssh -F <dir>/ssh_config h01
#   hNN/            sshd_config, host key, sshd.pid, sshd.log
#
# Each host has its own host key (tests swap one to fake a changed key). The
# client key is authorized with environment="SHLVL=1": root's ~/.bashrc on
# this image runs `pyenv init`, which bash sources for every command sshd
# runs (+~150 ms each); with SHLVL already 1, bash counts itself as nested
# and skips it. Needs root (sshd's privilege separation), loopback only.
set -euo pipefail

SSHD=${SSHD:-/usr/sbin/sshd}
PORT=${PLAYWATCH_FLEET_PORT:-2222}

die() { echo "fleet.sh: $*" >&2; exit 1; }

address() { echo "127.0.0.$((10 + $1))"; }
name() { printf 'h%02d' "$1"; }

up() {
  local n=$1 dir=$2
  [[ "$n" =~ ^[0-9]+$ && "$n" -ge 1 && "$n" -le 200 ]] || die "N must be 1..200"
  [ -x "$SSHD" ] || die "$SSHD not found (apt-get install --no-install-recommends openssh-server)"
  [ "$(id -u)" = 0 ] || die "run as root (sshd needs it to switch users)"
  if [ -f "$dir/inventory.ini" ]; then down "$dir"; fi
  mkdir -p "$dir" /run/sshd
  chmod 700 "$dir"
  [ -f "$dir/id_ed25519" ] || ssh-keygen -q -t ed25519 -N '' -C playwatch-fleet -f "$dir/id_ed25519"
  : >"$dir/known_hosts"
  {
    echo "[fleet]"
    for i in $(seq 1 "$n"); do echo "$(name "$i") ansible_host=$(address "$i")"; done
    echo
    echo "[fleet:vars]"
    echo "ansible_port=$PORT"
    echo "ansible_user=root"
    echo "ansible_ssh_private_key_file=$dir/id_ed25519"
    echo "playwatch_known_hosts=$dir/known_hosts"
    # The hosts are one machine: each keeps its deploy lock in its own HOME, not in the shared /run/lock.
    echo "playwatch_lock_path=~/.playwatch/lock"
  } >"$dir/inventory.ini"
  : >"$dir/ssh_config"
  for i in $(seq 1 "$n"); do
    local h addr hd
    h=$(name "$i"); addr=$(address "$i"); hd="$dir/$h"
    mkdir -p "$hd/home"
    # Each host gets its own HOME, so ~/.playwatch_async and ~/.playwatch/lock
    # behave as on separate machines although every host is this one.
    echo "environment=\"SHLVL=1\",environment=\"HOME=$hd/home\" $(cat "$dir/id_ed25519.pub")" >"$hd/authorized_keys"
    [ -f "$hd/ssh_host_ed25519_key" ] || ssh-keygen -q -t ed25519 -N '' -C "$h" -f "$hd/ssh_host_ed25519_key"
    cat >"$hd/sshd_config" <<EOF
ListenAddress $addr:$PORT
HostKey $hd/ssh_host_ed25519_key
PidFile $hd/sshd.pid
AuthorizedKeysFile $hd/authorized_keys
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
PermitUserEnvironment SHLVL,HOME
MaxStartups 100:30:200
PrintMotd no
LogLevel INFO
Subsystem sftp internal-sftp
EOF
    echo "[$addr]:$PORT $(cut -d' ' -f1,2 "$hd/ssh_host_ed25519_key.pub")" >>"$dir/known_hosts"
    printf 'Host %s\n  HostName %s\n  Port %s\n  User root\n  IdentityFile %s/id_ed25519\n  UserKnownHostsFile %s/known_hosts\n' \
      "$h" "$addr" "$PORT" "$dir" "$dir" >>"$dir/ssh_config"
    rm -f "$hd/sshd.pid"
    # Without -D sshd binds, writes its pid file and detaches, so the port is open when this returns.
    "$SSHD" -f "$hd/sshd_config" -E "$hd/sshd.log" || die "sshd for $h failed to start: $(tail -n 3 "$hd/sshd.log")"
  done
  for i in $(seq 1 "$n"); do
    local hd; hd="$dir/$(name "$i")"
    for _ in $(seq 1 50); do [ -s "$hd/sshd.pid" ] && break; sleep 0.1; done
    [ -s "$hd/sshd.pid" ] || die "sshd for $(name "$i") wrote no pid file"
  done
  echo "fleet: $n hosts up ($(address 1)..$(address "$n") port $PORT), inventory $dir/inventory.ini"
}

down() {
  local dir=$1 pids=()
  for pf in "$dir"/h*/sshd.pid; do
    [ -s "$pf" ] || continue
    local pid; pid=$(cat "$pf")
    # Only our sshd: its command line names this fleet's config.
    if [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "$(dirname "$pf")/sshd_config"; then
      kill "$pid" 2>/dev/null && pids+=("$pid")
    fi
    rm -f "$pf"
  done
  for pid in "${pids[@]}"; do
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  done
  echo "fleet: ${#pids[@]} sshd stopped"
}

case "${1:-}" in
  up) [ $# -ge 2 ] || die "usage: fleet.sh up N [dir]"; up "$2" "${3:-${PLAYWATCH_FLEET_DIR:-/tmp/playwatch-fleet}}" ;;
  down) down "${2:-${PLAYWATCH_FLEET_DIR:-/tmp/playwatch-fleet}}" ;;
  *) die "usage: fleet.sh up N [dir] | down [dir]" ;;
esac
