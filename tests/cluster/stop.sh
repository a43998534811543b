#!/usr/bin/env bash
# Stops what start.sh started (the pids it recorded, nothing found by name) and any
# Splitscope launcher the suite recorded next to them and did not stop itself (an
# interrupted run), reports each one's peak resident memory, and checks with pgrep that
# nothing of the control plane is left.
# --quiet: say nothing when there is nothing to stop.
set -uo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

quiet=false
[ "${1:-}" = "--quiet" ] && quiet=true
pids_file="$WORK_DIR/pids"
if [ ! -s "$pids_file" ]; then
  $quiet || log "nothing to stop ($pids_file is empty or missing)"
  exit 0
fi

# kube-apiserver first, so that it does not spend its last seconds retrying etcd.
mapfile -t entries < <(tac "$pids_file")
for entry in "${entries[@]}"; do
  read -r name pid <<< "$entry"
  # Splitscope launchers (recorded by the suite's global setup) lead their own process
  # group (tsx, the launcher, next-server): the group is signalled, and waited for.
  target=$pid
  case $name in splitscope-*) target=-$pid ;; esac
  kill -0 -- "$target" 2>/dev/null || continue
  hwm=$(awk '/^VmHWM:/ {printf "%d MiB", $2 / 1024}' "/proc/$pid/status" 2>/dev/null || true)
  log "stopping $name (pid $pid, peak RSS ${hwm:-unknown})"
  kill -TERM -- "$target" 2>/dev/null || true
  for _ in $(seq 1 100); do
    kill -0 -- "$target" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 -- "$target" 2>/dev/null; then
    log "$name did not stop within 10s; killing it"
    kill -KILL -- "$target" 2>/dev/null || true
  fi
done
: > "$pids_file"

# Each server names a file of the work directory in its arguments: anything that still
# does is ours and was missed.
if left=$(pgrep -a -f -- "--data-dir $WORK_DIR/etcd|--token-auth-file $WORK_DIR/tokens.csv"); then
  log "error: processes of $WORK_DIR are still running:"
  printf '%s\n' "$left" >&2
  exit 1
fi
$quiet || log "stopped; no process of $WORK_DIR is left"
