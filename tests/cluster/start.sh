#!/usr/bin/env bash
# Starts a real control plane on loopback for the contract suite: etcd and kube-apiserver
# built from source (build.sh), Istio's CRDs installed and Established, RBAC for a restricted
# identity, a kubeconfig with two contexts. Leaves both servers running and prints the
# kubeconfig path and the variables the suite reads; stop.sh stops them. See README.md.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if [ -f "$WORK_DIR/pids" ]; then
  while read -r _name pid; do
    if kill -0 "$pid" 2>/dev/null; then
      die "a control plane from $WORK_DIR is still running (pid $pid); run tests/cluster/stop.sh first"
    fi
  done < "$WORK_DIR/pids"
fi

ensure_built
BIN=$(bin_dir)

# Whatever goes wrong from here on, nothing started is left behind.
trap '"$CLUSTER_DIR/stop.sh" --quiet; exit 1' ERR
trap '"$CLUSTER_DIR/stop.sh" --quiet; exit 130' INT
trap '"$CLUSTER_DIR/stop.sh" --quiet; exit 143' TERM
started=$(now_ms)

rm -rf "$WORK_DIR"
mkdir -p "$WORK_DIR/pki"
: > "$WORK_DIR/pids"
"$BIN/clusterpki" pki -dir "$WORK_DIR/pki" -hosts 127.0.0.1,localhost
read -r ETCD_PORT ETCD_PEER_PORT APISERVER_PORT < <("$BIN/clusterpki" ports 3)
ADMIN_TOKEN=$("$BIN/clusterpki" token)
RESTRICTED_TOKEN=$("$BIN/clusterpki" token)

# token,user,uid,"groups": the admin may do anything through system:masters; the
# restricted identity gets only what bootstrap.ts grants it.
printf '%s,splitscope-admin,splitscope-admin,"system:masters"\n%s,splitscope-restricted,splitscope-restricted,"splitscope:restricted"\n' \
  "$ADMIN_TOKEN" "$RESTRICTED_TOKEN" > "$WORK_DIR/tokens.csv"
chmod 600 "$WORK_DIR/tokens.csv"

# Plain HTTP on loopback between kube-apiserver and etcd: both are ours and nothing else
# listens there. No fsync: the data is thrown away when the run ends.
"$BIN/etcd" \
  --name splitscope \
  --data-dir "$WORK_DIR/etcd" \
  --listen-client-urls "http://127.0.0.1:$ETCD_PORT" \
  --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
  --listen-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
  --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
  --initial-cluster "splitscope=http://127.0.0.1:$ETCD_PEER_PORT" \
  --unsafe-no-fsync \
  --log-level warn \
  > "$WORK_DIR/etcd.log" 2>&1 &
echo "etcd $!" >> "$WORK_DIR/pids"

# The default admission plugins stay on (ServiceAccount included: bootstrap.ts creates
# the `default` ServiceAccount that a controller-manager would). The endpoint reconciler
# is off because a loopback address is no valid endpoint for the `kubernetes` Service
# (kube-apiserver's own test server does the same). The service range is only an
# allocation pool: no kube-proxy, nothing is ever routed to it.
"$BIN/kube-apiserver" \
  --etcd-servers "http://127.0.0.1:$ETCD_PORT" \
  --bind-address 127.0.0.1 \
  --advertise-address 127.0.0.1 \
  --secure-port "$APISERVER_PORT" \
  --tls-cert-file "$WORK_DIR/pki/apiserver.crt" \
  --tls-private-key-file "$WORK_DIR/pki/apiserver.key" \
  --token-auth-file "$WORK_DIR/tokens.csv" \
  --authorization-mode RBAC \
  --service-account-issuer https://kubernetes.default.svc.cluster.local \
  --service-account-key-file "$WORK_DIR/pki/sa.pub" \
  --service-account-signing-key-file "$WORK_DIR/pki/sa.key" \
  --service-cluster-ip-range 10.0.0.0/24 \
  --endpoint-reconciler-type none \
  --profiling=false \
  > "$WORK_DIR/kube-apiserver.log" 2>&1 &
echo "kube-apiserver $!" >> "$WORK_DIR/pids"

SERVER="https://127.0.0.1:$APISERVER_PORT"
CA_DATA=$(base64 -w0 < "$WORK_DIR/pki/ca.crt")
cat > "$WORK_DIR/kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters:
  - name: splitscope-contract
    cluster:
      server: $SERVER
      certificate-authority-data: $CA_DATA
users:
  - name: splitscope-admin
    user:
      token: $ADMIN_TOKEN
  - name: splitscope-restricted
    user:
      token: $RESTRICTED_TOKEN
contexts:
  - name: splitscope-admin
    context: { cluster: splitscope-contract, user: splitscope-admin }
  - name: splitscope-restricted
    context: { cluster: splitscope-contract, user: splitscope-restricted }
current-context: splitscope-admin
EOF
chmod 600 "$WORK_DIR/kubeconfig"

# Istio's CRDs at the version go.mod pins, verified against go.sum like any module.
ISTIO_DIR=$(module_field istio.io/api '{{.Dir}}')
if [ -z "$ISTIO_DIR" ]; then
  (cd "$CLUSTER_DIR" && go mod download istio.io/api)
  ISTIO_DIR=$(module_field istio.io/api '{{.Dir}}')
fi
ISTIO_CRDS="$ISTIO_DIR/kubernetes/customresourcedefinitions.gen.yaml"
[ -f "$ISTIO_CRDS" ] || die "Istio CRDs not found at $ISTIO_CRDS"

(cd "$REPO_ROOT" && npx --no-install tsx tests/cluster/bootstrap.ts \
  --kubeconfig "$WORK_DIR/kubeconfig" \
  --context splitscope-admin \
  --restricted-user splitscope-restricted \
  --crds "$ISTIO_CRDS" \
  --pids "$WORK_DIR/pids")

cat > "$WORK_DIR/env.sh" <<EOF
export SPLITSCOPE_CONTRACT_KUBECONFIG='$WORK_DIR/kubeconfig'
export SPLITSCOPE_CONTRACT_CONTEXT=splitscope-admin
export SPLITSCOPE_CONTRACT_RESTRICTED_CONTEXT=splitscope-restricted
export SPLITSCOPE_CONTRACT_STRICT=1
export SPLITSCOPE_CONTRACT_PIDS='$WORK_DIR/pids'
EOF

trap - ERR INT TERM
log "control plane ready in $(( ($(now_ms) - started) / 1000 ))s at $SERVER ($("$BIN/kube-apiserver" --version), istio.io/api $(module_field istio.io/api '{{.Version}}'))"
log "kubeconfig: $WORK_DIR/kubeconfig (contexts splitscope-admin, splitscope-restricted)"
log "for the suite: . $WORK_DIR/env.sh && npx vitest run --project contract"
log "stop with: tests/cluster/stop.sh"
