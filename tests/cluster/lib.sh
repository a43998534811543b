# Shared by build.sh, start.sh, stop.sh and run.sh (sourced, not run). Bash.
#
# Layout (all git-ignored):
#   tests/cluster/bin/<key>/   etcd, kube-apiserver, clusterpki; <key> hashes go.mod, go.sum,
#                              the Go version and this file's build flags
#   tests/cluster/.work/       one running control plane: pki, tokens, etcd data, logs, pids,
#                              kubeconfig, env.sh (override with SPLITSCOPE_CLUSTER_WORK)

CLUSTER_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$CLUSTER_DIR/../.." && pwd)
WORK_DIR=${SPLITSCOPE_CLUSTER_WORK:-$CLUSTER_DIR/.work}
BIN_ROOT=$CLUSTER_DIR/bin

# Only the Go module proxy is reachable in CI. Dropping the `direct` fallback makes a module
# the proxy lacks fail loudly instead of reaching for a VCS host. go.sum is committed and
# -mod=readonly refuses anything it does not list, so every download is verified against
# go.sum offline; the checksum database (unreachable here) is never needed, hence GOSUMDB=off.
GOPROXY=$(go env GOPROXY)
GOPROXY=${GOPROXY%[,|]direct}
export GOPROXY
export GOSUMDB=off
export GOFLAGS="-mod=readonly -buildvcs=false"
# Static binaries, as the Kubernetes release build makes kube-apiserver and etcd.
export CGO_ENABLED=0
# Two shared cores: never more than two compile jobs at once.
GO_BUILD_JOBS=${SPLITSCOPE_GO_BUILD_JOBS:-2}

log() { printf '[cluster] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

# Milliseconds since the epoch (GNU date).
now_ms() { date +%s%3N; }

# The cache key of the binaries: anything that changes what gets built changes it.
build_key() {
  {
    cat "$CLUSTER_DIR/go.mod" "$CLUSTER_DIR/go.sum"
    sed -n '/^# build-flags-begin/,/^# build-flags-end/p' "$CLUSTER_DIR/lib.sh"
    (cd "$CLUSTER_DIR" && go version)
    find "$CLUSTER_DIR/cmd" -name '*.go' -type f | LC_ALL=C sort | xargs cat
  } | sha256sum | cut -c1-16
}

bin_dir() { printf '%s/%s' "$BIN_ROOT" "$(build_key)"; }

module_field() { (cd "$CLUSTER_DIR" && go list -m -f "$2" "$1"); }

# build-flags-begin
# The version variables the Kubernetes release build sets (hack/lib/version.sh,
# kube::version::ldflags) for both client-go and component-base. gitCommit and
# gitTreeState are set there only when a git commit is known; a module zip carries none,
# so they keep their defaults. buildDate is the release time the proxy reports for the
# module, so rebuilding gives the same binary. -s -w -trimpath as in a release build.
kube_ldflags() {
  local version major minor date flags pkg
  version=$(module_field k8s.io/kubernetes '{{.Version}}')
  date=$(module_field k8s.io/kubernetes '{{if .Time}}{{.Time.UTC.Format "2006-01-02T15:04:05Z"}}{{end}}')
  major=${version#v}; major=${major%%.*}
  minor=${version#v"$major".}; minor=${minor%%.*}
  flags="-s -w"
  for pkg in k8s.io/client-go/pkg/version k8s.io/component-base/version; do
    flags+=" -X $pkg.gitVersion=$version -X $pkg.gitMajor=$major -X $pkg.gitMinor=$minor"
    [ -n "$date" ] && flags+=" -X $pkg.buildDate=$date"
  done
  printf '%s' "$flags"
}

# etcd's own build (scripts/build_lib.sh) stamps GitSHA from git and falls back to
# "GitNotFound"; its version is a constant in go.etcd.io/etcd/api/v3/version.
etcd_ldflags() { printf '%s' "-s -w -X go.etcd.io/etcd/api/v3/version.GitSHA=GitNotFound"; }
# build-flags-end

# Builds the three binaries into bin/<key>/ unless they are there already.
ensure_built() {
  local dir tmp started
  dir=$(bin_dir)
  if [ -x "$dir/kube-apiserver" ] && [ -x "$dir/etcd" ] && [ -x "$dir/clusterpki" ]; then
    return 0
  fi
  log "building kube-apiserver, etcd and clusterpki into $dir (first build takes a while; -p $GO_BUILD_JOBS)"
  started=$(now_ms)
  tmp="$BIN_ROOT/.tmp-$$"
  rm -rf "$tmp" && mkdir -p "$tmp"
  (
    cd "$CLUSTER_DIR" &&
      go build -p "$GO_BUILD_JOBS" -trimpath -ldflags "$(kube_ldflags)" -o "$tmp/kube-apiserver" k8s.io/kubernetes/cmd/kube-apiserver &&
      go build -p "$GO_BUILD_JOBS" -trimpath -ldflags "$(etcd_ldflags)" -o "$tmp/etcd" go.etcd.io/etcd/server/v3 &&
      go build -p "$GO_BUILD_JOBS" -trimpath -o "$tmp/clusterpki" ./cmd/clusterpki
  ) || { rm -rf "$tmp"; die "build failed"; }
  # Older keys are stale builds; keep only the one just made.
  find "$BIN_ROOT" -mindepth 1 -maxdepth 1 -type d ! -name ".tmp-*" -exec rm -rf {} +
  mv "$tmp" "$dir"
  log "built in $(( ($(now_ms) - started) / 1000 ))s: $("$dir/kube-apiserver" --version), etcd $("$dir/etcd" --version | head -n1 | awk '{print $3}')"
}
