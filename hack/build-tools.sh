#!/usr/bin/env bash
# Builds the real control-plane binaries the integration tests run against, from Go modules
# through the module proxy (no binary downloads are reachable here), into a cache keyed by
# version. Recipe and pitfalls: ../shared/domain/test-control-plane.md (§1 why a wrapper
# module, §2.2 staging replaces, §2.3 etcd in its own module, §2.4 helm v4, §5 kwok).
#
#   hack/build-tools.sh            build whatever is missing, print the bin directory
#   hack/build-tools.sh --print    only print where the binaries live (no build)
#
# Idempotent: a binary that exists in the cache is never rebuilt, so a warm run is instant.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=hack/versions.env
source "$ROOT/hack/versions.env"
CACHE="${GMS_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/gms-operator/bin}"

dir_kube="$CACHE/kube-$KUBE_VERSION"
dir_etcd="$CACHE/etcd-$ETCD_VERSION"
dir_helm="$CACHE/helm-$HELM_VERSION"
dir_kwok="$CACHE/kwok-$KWOK_VERSION"

if [ "${1:-}" = "--print" ]; then
  printf 'KUBE_BIN=%s\nETCD_BIN=%s\nHELM_BIN=%s\nKWOK_BIN=%s\n' "$dir_kube" "$dir_etcd" "$dir_helm" "$dir_kwok"
  exit 0
fi

# Go is needed only when something must be built: a warm cache works without it.
require_go() {
  command -v go >/dev/null || {
    echo "build-tools: go is not on PATH (Go >= 1.21; GOTOOLCHAIN=auto fetches 1.26 via the module proxy)" >&2
    exit 1
  }
}
export GOWORK=off CGO_ENABLED=0 GOFLAGS=-buildvcs=false
export GOTOOLCHAIN="${GOTOOLCHAIN:-auto}"
# Two cores and no swap here: keep parallel compiles bounded so the linker never OOMs.
PAR="${GO_BUILD_PARALLEL:-2}"

log() { printf '[build-tools %s] %s\n' "$(date +%H:%M:%S)" "$*"; }
start=$(date +%s)

build_kube() {
  local mod="$ROOT/hack/tools/kube" minor ldf c
  minor="$(echo "$KUBE_VERSION" | cut -d. -f2)"
  ldf="-s -w"
  for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ldf+=" -X $p.gitVersion=$KUBE_VERSION -X $p.gitMajor=1 -X $p.gitMinor=$minor -X $p.gitTreeState=clean"
  done
  mkdir -p "$dir_kube"
  for c in kube-apiserver kube-controller-manager kube-scheduler kubectl; do
    if [ -x "$dir_kube/$c" ]; then log "$c $KUBE_VERSION cached"; continue; fi
    log "building $c $KUBE_VERSION (cold: several minutes per binary on 2 cores)"
    require_go
    (cd "$mod" && go build -p "$PAR" -trimpath -tags selinux,notest,grpcnotrace -ldflags "$ldf" \
      -o "$dir_kube/$c.tmp" "k8s.io/kubernetes/cmd/$c")
    mv "$dir_kube/$c.tmp" "$dir_kube/$c" # atomic: an interrupted build never leaves a half binary
  done
}

build_etcd() {
  local mod="$ROOT/hack/tools/etcd"
  mkdir -p "$dir_etcd"
  if [ -x "$dir_etcd/etcd" ]; then log "etcd $ETCD_VERSION cached"; return; fi
  log "building etcd $ETCD_VERSION"
  require_go
  (cd "$mod" && go build -p "$PAR" -trimpath \
    -ldflags "-s -w -X go.etcd.io/etcd/api/v3/version.GitSHA=$ETCD_VERSION" \
    -o "$dir_etcd/etcd.tmp" go.etcd.io/etcd/server/v3)
  mv "$dir_etcd/etcd.tmp" "$dir_etcd/etcd"
}

build_helm() {
  mkdir -p "$dir_helm"
  if [ -x "$dir_helm/helm" ]; then log "helm $HELM_VERSION cached"; return; fi
  log "building helm $HELM_VERSION"
  require_go
  local tmp
  tmp="$(mktemp -d)"
  # helm v4 takes its Kubernetes version from build info; only the version string needs ldflags.
  (cd "$tmp" && GOBIN="$tmp" go install -p "$PAR" -trimpath \
    -ldflags "-s -w -X helm.sh/helm/v4/internal/version.version=$HELM_VERSION" \
    "helm.sh/helm/v4/cmd/helm@$HELM_VERSION")
  mv "$tmp/helm" "$dir_helm/helm"
  rm -rf "$tmp"
}

# The kwok binary has no built-in stages (v0.8.0 exits with "no stages found"; only kwokctl
# embeds defaults, pkg/kwokctl/runtime/cluster.go). Install the same set kwokctl uses for a
# cluster with node leases, from the module's kustomize/stage at the pinned version: node
# fast (initialize) + heartbeat-with-lease, pod fast (ready, complete, delete).
write_kwok_stages() {
  require_go
  local dir tmp
  tmp="$(mktemp -d)"
  dir="$(cd "$tmp" && go mod download -json "sigs.k8s.io/kwok@$KWOK_VERSION" |
    sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
  rm -rf "$tmp"
  [ -d "$dir/kustomize/stage" ] || { echo "build-tools: kwok module source not found" >&2; return 1; }
  local s="$dir/kustomize/stage" f out="$dir_kwok/stages.yaml.tmp"
  : >"$out"
  for f in node/fast/node-initialize.yaml node/heartbeat-with-lease/node-heartbeat-with-lease.yaml \
    pod/fast/pod-ready.yaml pod/fast/pod-complete.yaml pod/fast/pod-delete.yaml; do
    printf -- '---\n# kwok %s kustomize/stage/%s\n' "$KWOK_VERSION" "$f" >>"$out"
    cat "$s/$f" >>"$out"
  done
  mv "$out" "$dir_kwok/stages.yaml"
  log "kwok stages written to $dir_kwok/stages.yaml"
}

build_kwok() {
  mkdir -p "$dir_kwok"
  if [ -x "$dir_kwok/kwok" ] && [ -f "$dir_kwok/stages.yaml" ]; then log "kwok $KWOK_VERSION cached"; return; fi
  if [ ! -x "$dir_kwok/kwok" ]; then
    log "building kwok $KWOK_VERSION"
    require_go
    local tmp
    tmp="$(mktemp -d)"
    (cd "$tmp" && GOBIN="$tmp" go install -p "$PAR" -trimpath -ldflags "-s -w" \
      "sigs.k8s.io/kwok/cmd/kwok@$KWOK_VERSION")
    mv "$tmp/kwok" "$dir_kwok/kwok"
    rm -rf "$tmp"
  fi
  write_kwok_stages
}

only="${1:-all}"
case "$only" in
  all) build_etcd; build_kube; build_helm; build_kwok ;;
  kube) build_kube ;;
  etcd) build_etcd ;;
  helm) build_helm ;;
  kwok) build_kwok ;;
  *) echo "usage: $0 [--print|all|kube|etcd|helm|kwok]" >&2; exit 2 ;;
esac
log "done in $(( $(date +%s) - start ))s; binaries under $CACHE"
