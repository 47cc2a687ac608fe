#!/usr/bin/env bash
# A real, local Kubernetes control plane for the tests, on loopback only, envtest-style
# (domain/test-control-plane.md §3): etcd + kube-apiserver with our own CA, a serving cert, an
# admin client cert in system:masters, a service-account key pair and a kubeconfig. With --full
# it adds kube-controller-manager, kube-scheduler and kwok with fake Nodes (§4, §5), so
# Deployments and StatefulSets get pods that become Running and Ready (no containers run).
#
#   hack/cluster.sh up [--full] [--nodes N] [--dir DIR] [--owner-pid PID [--ephemeral]]
#   hack/cluster.sh down   [--dir DIR] [--purge]
#   hack/cluster.sh status [--dir DIR]
#   hack/cluster.sh env    [--dir DIR]      # prints KUBECONFIG=... (eval-able)
#
# DIR defaults to $GMS_CLUSTER_DIR or <repo>/.cache/cluster; the kubeconfig is DIR/kubeconfig.
# Every server listens on 127.0.0.1 on ports picked free at start, so several clusters (one per
# engineer or test run) coexist. Every process runs in its own process group with a pid file;
# `down` stops the groups (TERM, then KILL) and checks nothing is left. `up` tears down what it
# started if it fails or is interrupted. --owner-pid starts a watchdog that runs `down` when
# that process exits, so a test runner killed with SIGKILL leaves no control plane behind
# (with --ephemeral the watchdog also deletes DIR: `down --purge`).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SELF="$ROOT/hack/cluster.sh"

log() { printf '[cluster %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() {
  log "ERROR: $*"
  exit 1
}

# ------------------------------------------------------------------------------------------
# arguments
cmd="${1:-}"
[ $# -gt 0 ] && shift
FULL=0
NODES="${GMS_CLUSTER_NODES:-3}"
DIR="${GMS_CLUSTER_DIR:-$ROOT/.cache/cluster}"
OWNER=""
PURGE=0
EPHEMERAL=0
while [ $# -gt 0 ]; do
  case "$1" in
    --full) FULL=1 ;;
    --nodes) NODES="$2"; shift ;;
    --dir) DIR="$2"; shift ;;
    --owner-pid) OWNER="$2"; shift ;;
    --ephemeral) EPHEMERAL=1 ;;
    --purge) PURGE=1 ;;
    *) die "unknown argument: $1 (usage: $0 up [--full] [--nodes N] [--dir DIR] [--owner-pid PID [--ephemeral]] | down [--purge] | status | env)" ;;
  esac
  shift
done
[[ "$NODES" =~ ^[0-9]+$ ]] || die "--nodes must be a number"
mkdir -p "$DIR"
DIR="$(cd "$DIR" && pwd)"
PIDS="$DIR/pids"
KUBECONFIG_FILE="$DIR/kubeconfig"

# Start order; `down` stops in reverse.
COMPONENTS=(etcd kube-apiserver kube-controller-manager kube-scheduler kwok)

# ------------------------------------------------------------------------------------------
# process groups

# running PID: the process exists and is not a zombie. Components are reparented to PID 1
# once `up` exits; a PID 1 that reaps late (as in some sandboxes) leaves exited ones as zombies,
# which hold no port or memory but still answer kill -0.
running() {
  kill -0 "$1" 2>/dev/null || return 1
  local state
  state="$(sed -n 's/^[0-9]* (.*) \([A-Za-z]\).*/\1/p' "/proc/$1/stat" 2>/dev/null || true)"
  [ "$state" != Z ]
}

# pid_alive NAME: the recorded process still runs and is still ours (pid reuse guard).
pid_alive() {
  local f="$PIDS/$1.pid" pid
  [ -f "$f" ] || return 1
  pid="$(cat "$f")"
  [ -n "$pid" ] && running "$pid" || return 1
  [ "$1" = watchdog ] && return 0
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$DIR" # every component's args name DIR
}

# stop NAME: TERM the process group, wait up to 15 s, then KILL it.
stop() {
  local name="$1" f="$PIDS/$1.pid" pid i
  [ -f "$f" ] || return 0
  pid="$(cat "$f")"
  if pid_alive "$name"; then
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 1 150); do
      running "$pid" || break
      sleep 0.1
    done
    if running "$pid"; then
      log "$name (pid $pid) ignored SIGTERM; killing"
      kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
    fi
  fi
  rm -f "$f"
}

# launch NAME CMD...: start CMD in its own session (so its whole group can be signalled),
# stdin closed, output to DIR/NAME.log, pid to DIR/pids/NAME.pid.
launch() {
  local name="$1"
  shift
  mkdir -p "$PIDS"
  setsid "$@" </dev/null >>"$DIR/$name.log" 2>&1 &
  echo $! >"$PIDS/$name.pid"
}

down() {
  local name i
  # The watchdog goes first so it does not race us (unless we are the watchdog).
  if [ -f "$PIDS/watchdog.pid" ] && [ "$(cat "$PIDS/watchdog.pid")" != "$$" ]; then
    stop watchdog
  fi
  rm -f "$PIDS/watchdog.pid"
  for ((i = ${#COMPONENTS[@]} - 1; i >= 0; i--)); do
    stop "${COMPONENTS[$i]}"
  done
  # Keep the logs for a post-mortem; a kubeconfig of a stopped cluster would only mislead.
  rm -rf "$DIR/etcd-data" "$DIR/kcm-certs" "$DIR/scheduler-certs" "$DIR/certs" "$DIR/state.env" "$KUBECONFIG_FILE"
  # Nothing may be left: a process whose arguments name this cluster's files is a leak.
  local left
  left="$(pgrep -f -- "$DIR/(etcd-data|certs|kubeconfig)" 2>/dev/null | grep -vx "$$" || true)"
  if [ -n "$left" ]; then
    log "leftover processes after down: $left; killing"
    # shellcheck disable=SC2086
    kill -KILL $left 2>/dev/null || true
  fi
}

# ------------------------------------------------------------------------------------------
# helpers for up

free_port() {
  if command -v node >/dev/null; then
    node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
  else
    python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1]);s.close()'
  fi
}

# wait_url NAME URL SECONDS [curl args]: poll every 100 ms while the component still runs.
wait_url() {
  local name="$1" url="$2" t="$3" i
  shift 3
  for i in $(seq 1 $((t * 10))); do
    curl -fsS --max-time 2 "$@" "$url" >/dev/null 2>&1 && return 0
    pid_alive "$name" || return 2
    sleep 0.1
  done
  return 1
}

# A component that could not bind its port (another test grabbed it between free_port and
# bind) is started again on new ports; any other failure is reported with its log tail.
start_with_retry() {
  local name="$1" fn="$2" attempt rc
  for attempt in 1 2 3; do
    rc=0
    "$fn" || rc=$?
    [ "$rc" = 0 ] && return 0
    if [ "$rc" = 2 ] && grep -q 'address already in use' "$DIR/$name.log"; then
      log "$name: port taken by someone else, retrying on new ports ($attempt/3)"
      stop "$name"
      continue
    fi
    log "$name failed to become healthy; last lines of $DIR/$name.log:"
    tail -n 25 "$DIR/$name.log" >&2 || true
    return 1
  done
  return 1
}

# kube-apiserver needs an advertise address; with a loopback bind and no flag it takes the
# interface of the default route and dies without one ("unable to find suitable network
# address ... no default routes found"), and since 1.21 a loopback address is refused
# (test-control-plane.md §3, controller-runtime#669/#1562). The address is only written into
# the `kubernetes` Endpoints; nothing connects to it, the server still listens on 127.0.0.1.
advertise_address() {
  if ip -4 route show default 2>/dev/null | grep -q '^default'; then
    return 0 # the apiserver finds it itself
  fi
  local ip4
  ip4="$(hostname -I 2>/dev/null | tr ' ' '\n' | grep -E '^[0-9]+\.' | grep -v '^127\.' | head -1 || true)"
  # No non-loopback IPv4 at all (an isolated network namespace): a TEST-NET-2 address
  # (RFC 5737) that is never routed.
  echo "--advertise-address=${ip4:-198.51.100.1}"
}

make_certs() {
  local c="$DIR/certs"
  rm -rf "$c"
  mkdir -p "$c"
  (
    cd "$c"
    local ec=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes)
    openssl req -x509 "${ec[@]}" -keyout ca.key -out ca.crt -days 7 -subj "/CN=gms-test-ca" \
      -addext "basicConstraints=critical,CA:TRUE" \
      -addext "keyUsage=critical,keyCertSign,cRLSign,digitalSignature" 2>/dev/null
    printf '%s\n' 'basicConstraints=CA:FALSE' 'keyUsage=critical,digitalSignature,keyEncipherment' \
      'extendedKeyUsage=serverAuth' \
      'subjectAltName=IP:127.0.0.1,DNS:localhost,IP:10.96.0.1,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local' \
      >server.ext
    openssl req "${ec[@]}" -keyout apiserver.key -out apiserver.csr -subj "/CN=kube-apiserver" 2>/dev/null
    openssl x509 -req -in apiserver.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 7 \
      -extfile server.ext -out apiserver.crt 2>/dev/null
    printf '%s\n' 'basicConstraints=CA:FALSE' 'keyUsage=critical,digitalSignature,keyEncipherment' \
      'extendedKeyUsage=clientAuth' >client.ext
    openssl req "${ec[@]}" -keyout admin.key -out admin.csr -subj "/O=system:masters/CN=admin" 2>/dev/null
    openssl x509 -req -in admin.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 7 \
      -extfile client.ext -out admin.crt 2>/dev/null
    # Aggregation layer (front proxy): its own CA and the client cert the apiserver presents
    # to extension apiservers; also fills the requestheader CA of the
    # extension-apiserver-authentication ConfigMap that KCM and the scheduler read.
    openssl req -x509 "${ec[@]}" -keyout front-proxy-ca.key -out front-proxy-ca.crt -days 7 \
      -subj "/CN=gms-test-front-proxy-ca" -addext "basicConstraints=critical,CA:TRUE" \
      -addext "keyUsage=critical,keyCertSign,cRLSign,digitalSignature" 2>/dev/null
    openssl req "${ec[@]}" -keyout front-proxy-client.key -out front-proxy-client.csr \
      -subj "/CN=front-proxy-client" 2>/dev/null
    openssl x509 -req -in front-proxy-client.csr -CA front-proxy-ca.crt -CAkey front-proxy-ca.key \
      -CAcreateserial -days 7 -extfile client.ext -out front-proxy-client.crt 2>/dev/null
    # Service-account token signing key pair (RSA: what every client library verifies).
    openssl genrsa -out sa.key 2048 2>/dev/null
    openssl rsa -in sa.key -pubout -out sa.pub 2>/dev/null
    rm -f ./*.csr ./*.ext ./*.srl
  ) || die "openssl failed to create the certificates in $c"
}

write_kubeconfig() {
  local c="$DIR/certs" tmp="$KUBECONFIG_FILE.tmp"
  cat >"$tmp" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: gms-test
  cluster:
    server: https://127.0.0.1:$API_PORT
    certificate-authority-data: $(base64 -w0 "$c/ca.crt")
users:
- name: admin
  user:
    client-certificate-data: $(base64 -w0 "$c/admin.crt")
    client-key-data: $(base64 -w0 "$c/admin.key")
contexts:
- name: gms-test
  context: {cluster: gms-test, user: admin, namespace: default}
current-context: gms-test
EOF
  chmod 600 "$tmp"
  mv "$tmp" "$KUBECONFIG_FILE"
}

launch_etcd() {
  ETCD_PORT="$(free_port)"
  local peer
  peer="$(free_port)"
  rm -rf "$DIR/etcd-data"
  # --unsafe-no-fsync: test data only (envtest does the same); keeps etcd off the disk's back.
  launch etcd "$ETCD_BIN/etcd" --name gms-test --data-dir "$DIR/etcd-data" \
    --listen-client-urls "http://127.0.0.1:$ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
    --listen-peer-urls "http://127.0.0.1:$peer" --initial-advertise-peer-urls "http://127.0.0.1:$peer" \
    --initial-cluster "gms-test=http://127.0.0.1:$peer" \
    --unsafe-no-fsync=true --quota-backend-bytes=4294967296 --log-level=warn
  wait_url etcd "http://127.0.0.1:$ETCD_PORT/health" 30
}

# Service ClusterIPs: a /16 (65,534 addresses, kubeadm's default range) so a benchmark with
# thousands of ChatServices (a client and a headless Service each, plus load-balancer Services)
# never runs out; the apiserver's own Service takes the first address, 10.96.0.1, which the
# serving certificate names. Pods (kwok --cidr 10.244.0.0/16) and node IPs (10.240.0.1) are
# outside it.
SERVICE_CIDR=10.96.0.0/16

launch_apiserver() {
  API_PORT="$(free_port)"
  local c="$DIR/certs" adv sa_admission=()
  adv="$(advertise_address)"
  # Without kube-controller-manager nobody creates the `default` ServiceAccount, so pods would
  # be refused by the ServiceAccount admission plugin (envtest disables it the same way).
  [ "$FULL" = 1 ] || sa_admission=(--disable-admission-plugins=ServiceAccount)
  # shellcheck disable=SC2086
  launch kube-apiserver "$KUBE_BIN/kube-apiserver" \
    --etcd-servers="http://127.0.0.1:$ETCD_PORT" \
    --bind-address=127.0.0.1 --secure-port="$API_PORT" $adv \
    --cert-dir="$DIR/certs" --tls-cert-file="$c/apiserver.crt" --tls-private-key-file="$c/apiserver.key" \
    --client-ca-file="$c/ca.crt" --authorization-mode=RBAC \
    --service-cluster-ip-range="$SERVICE_CIDR" \
    --service-account-issuer="https://kubernetes.default.svc.cluster.local" \
    --service-account-key-file="$c/sa.pub" --service-account-signing-key-file="$c/sa.key" \
    --requestheader-client-ca-file="$c/front-proxy-ca.crt" --requestheader-allowed-names=front-proxy-client \
    --requestheader-username-headers=X-Remote-User --requestheader-group-headers=X-Remote-Group \
    --requestheader-extra-headers-prefix=X-Remote-Extra- \
    --proxy-client-cert-file="$c/front-proxy-client.crt" --proxy-client-key-file="$c/front-proxy-client.key" \
    "${sa_admission[@]}" --allow-privileged=true --profiling=false \
    --event-ttl=30m
  # /readyz is readable anonymously (system:public-info-viewer); then the default namespace,
  # which the apiserver's bootstrap controller creates a moment after it turns ready.
  wait_url kube-apiserver "https://127.0.0.1:$API_PORT/readyz" 120 --cacert "$c/ca.crt" || return $?
  wait_url kube-apiserver "https://127.0.0.1:$API_PORT/api/v1/namespaces/default" 60 \
    --cacert "$c/ca.crt" --cert "$c/admin.crt" --key "$c/admin.key"
}

# Controllers the tests rely on: namespaces terminate, owner references are collected,
# Deployments/StatefulSets create pods, Services get EndpointSlices, PDBs get status, default
# ServiceAccounts and their tokens exist, aggregated ClusterRoles (admin/edit/view) fill in,
# and node-lifecycle lifts the node.kubernetes.io/not-ready taint the API server puts on every
# new Node (TaintNodesByCondition) once kwok reports it Ready. Left out: taint-based eviction
# (a kwok heartbeat late under load must not evict test pods), volumes, cloud, certificates.
KCM_CONTROLLERS="node-lifecycle-controller,namespace-controller,garbage-collector-controller,serviceaccount-controller,serviceaccount-token-controller,root-ca-certificate-publisher-controller,clusterrole-aggregation-controller,deployment-controller,replicaset-controller,statefulset-controller,daemonset-controller,job-controller,cronjob-controller,ttl-after-finished-controller,endpoints-controller,endpointslice-controller,endpointslice-mirroring-controller,disruption-controller,pod-garbage-collector-controller,resourcequota-controller"

launch_kcm() {
  KCM_PORT="$(free_port)"
  local c="$DIR/certs"
  launch kube-controller-manager "$KUBE_BIN/kube-controller-manager" \
    --kubeconfig="$KUBECONFIG_FILE" --authentication-kubeconfig="$KUBECONFIG_FILE" \
    --authorization-kubeconfig="$KUBECONFIG_FILE" --leader-elect=false \
    --bind-address=127.0.0.1 --secure-port="$KCM_PORT" --cert-dir="$DIR/kcm-certs" \
    --authorization-always-allow-paths=/healthz,/readyz,/livez,/metrics \
    --root-ca-file="$c/ca.crt" --service-account-private-key-file="$c/sa.key" \
    --controllers="$KCM_CONTROLLERS" --concurrent-gc-syncs=5
  wait_url kube-controller-manager "https://127.0.0.1:$KCM_PORT/healthz" 60 -k
}

launch_scheduler() {
  SCHED_PORT="$(free_port)"
  launch kube-scheduler "$KUBE_BIN/kube-scheduler" \
    --kubeconfig="$KUBECONFIG_FILE" --authentication-kubeconfig="$KUBECONFIG_FILE" \
    --authorization-kubeconfig="$KUBECONFIG_FILE" --leader-elect=false \
    --bind-address=127.0.0.1 --secure-port="$SCHED_PORT" --cert-dir="$DIR/scheduler-certs" \
    --authorization-always-allow-paths=/healthz,/readyz,/livez,/metrics
  wait_url kube-scheduler "https://127.0.0.1:$SCHED_PORT/healthz" 60 -k
}

# kwok fakes the kubelets of the Nodes annotated kwok.x-k8s.io/node=fake: node status and
# lease heartbeats, and pod status through the "fast" stages hack/build-tools.sh installs
# (the kwok binary has none built in): pods Running and Ready at once, deletions finish.
launch_kwok() {
  KWOK_PORT="$(free_port)"
  launch kwok "$KWOK_BIN/kwok" --kubeconfig="$KUBECONFIG_FILE" \
    --manage-all-nodes=false --manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake \
    --cidr=10.244.0.0/16 --node-ip=10.240.0.1 --node-lease-duration-seconds=40 \
    --server-address="127.0.0.1:$KWOK_PORT" --config="$KWOK_BIN/stages.yaml"
  wait_url kwok "http://127.0.0.1:$KWOK_PORT/healthz" 60
}

kubectl_() { "$KUBE_BIN/kubectl" --kubeconfig="$KUBECONFIG_FILE" "$@"; }

create_nodes() {
  local i manifest=""
  for ((i = 0; i < NODES; i++)); do
    manifest+="
---
apiVersion: v1
kind: Node
metadata:
  name: kwok-node-$i
  annotations: {node.alpha.kubernetes.io/ttl: '0', kwok.x-k8s.io/node: fake}
  labels:
    kubernetes.io/hostname: kwok-node-$i
    kubernetes.io/os: linux
    kubernetes.io/arch: amd64
    topology.kubernetes.io/zone: zone-$((i % 3))
    type: kwok
status:
  addresses: [{type: InternalIP, address: 10.240.0.$((i + 1))}, {type: Hostname, address: kwok-node-$i}]
  allocatable: {cpu: '32', memory: 256Gi, pods: '110'}
  capacity: {cpu: '32', memory: 256Gi, pods: '110'}
"
  done
  printf '%s\n' "$manifest" | kubectl_ apply -f - >/dev/null
  kubectl_ wait --for=condition=Ready node -l type=kwok --timeout=60s >/dev/null
  # Schedulable once node-lifecycle has lifted the not-ready taint from every node.
  local t
  for t in $(seq 1 600); do
    [ -z "$(kubectl_ get nodes -l type=kwok -o jsonpath='{.items[*].spec.taints}')" ] && return 0
    sleep 0.1
  done
  return 1
}

start_watchdog() {
  local owner="$1"
  # A detached loop: when the owner (e.g. the vitest process) is gone, tear everything down.
  # `down` stops the watchdog first; the watchdog's own `down` (same pid after exec) skips that.
  local purge=()
  [ "$EPHEMERAL" = 1 ] && purge=(--purge)
  setsid bash -c '
    while kill -0 "$1" 2>/dev/null && ! grep -q "^[0-9]* (.*) Z" "/proc/$1/stat" 2>/dev/null; do sleep 1; done
    shift 2; exec "$@"
  ' watchdog "$owner" "$DIR" "$SELF" down --dir "$DIR" "${purge[@]}" </dev/null >>"$DIR/watchdog.log" 2>&1 &
  echo $! >"$PIDS/watchdog.pid"
}

up() {
  [ -n "$(ls "$PIDS"/*.pid 2>/dev/null)" ] && {
    if pid_alive kube-apiserver; then die "a cluster already runs in $DIR (hack/cluster.sh down --dir $DIR)"; fi
    log "stale pid files in $DIR; cleaning up first"
    down
  }
  local bins
  bins="$("$ROOT/hack/build-tools.sh" --print)"
  eval "$bins"
  local b
  for b in "$ETCD_BIN/etcd" "$KUBE_BIN/kube-apiserver" "$KUBE_BIN/kubectl"; do
    [ -x "$b" ] || die "$b is missing: run make tools (hack/build-tools.sh) first"
  done
  if [ "$FULL" = 1 ]; then
    for b in "$KUBE_BIN/kube-controller-manager" "$KUBE_BIN/kube-scheduler" "$KWOK_BIN/kwok" "$KWOK_BIN/stages.yaml"; do
      [ -e "$b" ] || die "$b is missing: run make tools (hack/build-tools.sh) first"
    done
  fi
  for b in openssl curl base64 setsid; do command -v "$b" >/dev/null || die "$b is not installed"; done

  local t0
  t0=$(date +%s)
  rm -f "$DIR"/*.log "$KUBECONFIG_FILE"
  mkdir -p "$PIDS"
  # From here on, any failure or interrupt removes what was started.
  trap 'rc=$?; trap - EXIT INT TERM; if [ "$rc" != 0 ]; then log "start failed; tearing down"; down; fi; exit "$rc"' EXIT
  trap 'exit 130' INT TERM
  [ -n "$OWNER" ] && start_watchdog "$OWNER"

  make_certs
  start_with_retry etcd launch_etcd || die "etcd did not start"
  start_with_retry kube-apiserver launch_apiserver || die "kube-apiserver did not start"
  write_kubeconfig
  if [ "$FULL" = 1 ]; then
    start_with_retry kube-controller-manager launch_kcm || die "kube-controller-manager did not start"
    start_with_retry kube-scheduler launch_scheduler || die "kube-scheduler did not start"
    start_with_retry kwok launch_kwok || die "kwok did not start"
    create_nodes || die "fake nodes did not become Ready"
    # The serviceaccount controller creates `default` in each namespace; pods need it.
    local i
    for i in $(seq 1 300); do
      kubectl_ get serviceaccount default -n default >/dev/null 2>&1 && break
      sleep 0.1
    done
  fi
  cat >"$DIR/state.env" <<EOF
KUBECONFIG=$KUBECONFIG_FILE
GMS_CLUSTER_DIR=$DIR
GMS_CLUSTER_MODE=$([ "$FULL" = 1 ] && echo full || echo minimal)
GMS_API_SERVER=https://127.0.0.1:$API_PORT
GMS_KUBECTL=$KUBE_BIN/kubectl
GMS_HELM=$HELM_BIN/helm
EOF
  trap - EXIT INT TERM
  log "control plane ($([ "$FULL" = 1 ] && echo "full, $NODES kwok nodes" || echo minimal)) ready in $(($(date +%s) - t0))s at https://127.0.0.1:$API_PORT"
  log "export KUBECONFIG=$KUBECONFIG_FILE"
}

status() {
  local name any=0
  for name in "${COMPONENTS[@]}" watchdog; do
    if [ -f "$PIDS/$name.pid" ]; then
      any=1
      if pid_alive "$name"; then echo "$name: running (pid $(cat "$PIDS/$name.pid"))"; else echo "$name: DEAD (see $DIR/$name.log)"; fi
    fi
  done
  [ "$any" = 1 ] || {
    echo "no control plane in $DIR"
    return 1
  }
  [ -f "$DIR/state.env" ] && cat "$DIR/state.env"
  pid_alive kube-apiserver
}

case "$cmd" in
  up) up ;;
  down)
    down
    if [ "$PURGE" = 1 ]; then
      rm -rf "$DIR"
      log "stopped; nothing left running, $DIR removed"
    else
      log "stopped; nothing left running from $DIR (logs kept)"
    fi
    ;;
  status) status ;;
  env)
    [ -f "$DIR/state.env" ] || die "no control plane in $DIR (make cluster-up)"
    sed 's/^/export /' "$DIR/state.env"
    ;;
  *) die "usage: $0 up [--full] [--nodes N] [--dir DIR] [--owner-pid PID [--ephemeral]] | down [--purge] | status | env" ;;
esac
