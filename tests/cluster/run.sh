#!/usr/bin/env bash
# npm run test:cluster [-- extra vitest args]
# Builds (once, cached), starts a real control plane, runs the contract suite against it,
# and stops everything it started, whatever happens. See README.md.
# SPLITSCOPE_CONTRACT_RECORD=1 also rewrites tests/contract/fixtures/real/.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

[ "${1:-}" = "--" ] && shift

trap '"$CLUSTER_DIR/stop.sh"' EXIT
# Without these the EXIT trap would not run on a signal; exit status as a shell reports it.
trap 'exit 130' INT
trap 'exit 143' TERM

"$CLUSTER_DIR/start.sh"
. "$WORK_DIR/env.sh"

started=$(now_ms)
status=0
(cd "$REPO_ROOT" && npx --no-install vitest run --project contract "$@") || status=$?
log "suite finished in $(( ($(now_ms) - started) / 1000 ))s with status $status"
exit "$status"
