#!/usr/bin/env bash
# Builds etcd, kube-apiserver and clusterpki into tests/cluster/bin/<key>/ unless they are
# there already, and prints that directory. See lib.sh for the key and the flags.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ensure_built
bin_dir
printf '\n'
