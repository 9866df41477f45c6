#!/usr/bin/env bash
# Builds the real pieces that `npm run test:cluster` runs, from the Go module proxy, into a cache
# outside the checkout keyed by version: ${RIGHTSIZE_CACHE:-/var/cache/rightsize}/<name>-<version>/bin.
# A piece whose folder is complete (its stamp matches the wrapper module's go.mod and go.sum) is reused.
#
#   cluster/build.sh [--print-env] [piece...]     pieces: kubernetes etcd kwok pulumi pulumi-kubernetes
#
# Each wrapper module under cluster/go/<piece> requires the upstream module at a pinned version (and
# replaces only module paths by other published versions, never a local folder). Cold wall times are
# appended to $CACHE/build-times.log. At most two builds run at once (the caller decides; `all` runs
# them two by two).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CACHE="${RIGHTSIZE_CACHE:-/var/cache/rightsize}"
export CGO_ENABLED=0 GOFLAGS="-mod=mod -buildvcs=false"
mkdir -p "$CACHE"

# version <piece>: the upstream version the wrapper pins (the cache key).
version() {
  case "$1" in
    kubernetes) modv k8s.io/kubernetes kubernetes ;;
    etcd) modv go.etcd.io/etcd/server/v3 etcd ;;
    kwok) modv sigs.k8s.io/kwok kwok ;;
    pulumi) modv github.com/pulumi/pulumi/pkg/v3 pulumi ;;
    pulumi-kubernetes) cat "$here/go/pulumi-kubernetes/VERSION" ;;
    *) echo "unknown piece $1" >&2; return 2 ;;
  esac
}
modv() { awk -v m="$1" '$1==m && $2 ~ /^v/ {print $2; exit} $1=="require" && $2==m {print $3; exit}' "$here/go/$2/go.mod"; }
stamp() { (cd "$here/go/$1" && find . -type f ! -name '*.json' | LC_ALL=C sort | xargs cat) | sha256sum | cut -c1-16; }
dir() { echo "$CACHE/$1-$(version "$1")"; }

build() {
  local piece="$1" v out t0 t1
  v="$(version "$piece")"; out="$(dir "$piece")"
  if [[ -f "$out/.stamp" && "$(cat "$out/.stamp")" == "$(stamp "$piece")" ]]; then
    echo "[$piece] $v: cached in $out"; return 0
  fi
  # built beside the cache folder and renamed into place, so a rebuild never removes a binary in use
  local final="$out"; out="$final.partial"
  rm -rf "$out"; mkdir -p "$out/bin"
  echo "[$piece] $v: building into $final"
  t0=$(date +%s)
  # errexit does not hold inside a command whose status is tested, so each step is checked: a separate
  # bash with -e runs the step, and the binaries it must leave are checked after it.
  if ! (cd "$here/go/$piece" && bash -ec "$(declare -f gob "build_$piece"); build_$piece \"\$1\" \"\$2\"" _ "$out" "$v") > "$out/build.log" 2>&1 \
    || ! binaries_present "$piece" "$out"; then
    echo "[$piece] build failed, last lines of $out/build.log:" >&2; tail -30 "$out/build.log" >&2; return 1
  fi
  t1=$(date +%s)
  stamp "$piece" > "$out/.stamp"
  rm -rf "$final.old"; [[ -e "$final" ]] && mv "$final" "$final.old"
  mv "$out" "$final"; rm -rf "$final.old"; out="$final"
  echo "$(date -u +%FT%TZ) $piece $v cold-build-seconds=$((t1 - t0)) gocache=$(go env GOCACHE)" >> "$CACHE/build-times.log"
  echo "[$piece] $v: built in $((t1 - t0)) s"
}

gob() { nice -n 10 go build -trimpath "$@"; }

binaries_present() {
  local want
  case "$1" in
    kubernetes) want="kube-apiserver kube-controller-manager kube-scheduler kubectl" ;;
    etcd) want="etcd" ;;
    kwok) want="kwok" ;;
    pulumi) want="pulumi pulumi-language-nodejs" ;;
    pulumi-kubernetes) want="pulumi-resource-kubernetes" ;;
  esac
  for b in $want; do [[ -x "$2/bin/$b" ]] || { echo "missing $2/bin/$b" >> "$2/build.log"; return 1; }; done
}

build_kubernetes() {
  local out="$1" v="$2" minor
  minor="$(echo "$v" | cut -d. -f2)"
  local p=k8s.io/component-base/version
  local ld="-s -w -X $p.gitVersion=$v -X $p.gitMajor=1 -X $p.gitMinor=$minor -X $p.gitTreeState=clean -X $p.buildDate=1970-01-01T00:00:00Z"
  ld="$ld -X k8s.io/client-go/pkg/version.gitVersion=$v -X k8s.io/client-go/pkg/version.gitMajor=1 -X k8s.io/client-go/pkg/version.gitMinor=$minor"
  gob -ldflags "$ld" -o "$out/bin/" k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager \
    k8s.io/kubernetes/cmd/kube-scheduler k8s.io/kubernetes/cmd/kubectl
}

build_etcd() {
  local out="$1" v="$2"
  gob -ldflags "-s -w" -o "$out/bin/etcd" .
}

build_kwok() {
  local out="$1" v="$2" src
  gob -ldflags "-s -w -X sigs.k8s.io/kwok/pkg/consts.Version=$v" -o "$out/bin/kwok" sigs.k8s.io/kwok/cmd/kwok
  # KWOK v0.8 runs no stage unless given its files with -c: the "fast" set (nodes Ready, pods Running and
  # Ready at once, deleted pods removed) plus node heartbeats with leases, so nodes stay Ready.
  src="$(go list -m -f '{{.Dir}}' sigs.k8s.io/kwok)/kustomize/stage"
  mkdir -p "$out/stage"
  cp "$src"/node/fast/node-initialize.yaml "$src"/node/heartbeat-with-lease/node-heartbeat-with-lease.yaml \
    "$src"/pod/fast/pod-ready.yaml "$src"/pod/fast/pod-complete.yaml "$src"/pod/fast/pod-delete.yaml "$out/stage/"
  chmod -R u+w "$out/stage"
}

# The CLI and the Node.js language host (vendored, see go/pulumi/pulumi-language-nodejs/README.md) in one go build.
build_pulumi() {
  local out="$1" v="$2"
  gob -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$v" -o "$out/bin/" \
    github.com/pulumi/pulumi/pkg/v3/cmd/pulumi ./pulumi-language-nodejs
}

# The provider's main package embeds schema-embed.json and terraform-mapping-embed.json, which its
# generate.go writes from the schema.json and terraform-mapping.json shipped in the module zip (with the
# version stamped in). That is done in a copy of the wrapper module under the cache folder, never here.
build_pulumi-kubernetes() {
  local out="$1" v="$2" src work
  # go list -m names a module's folder only once it is in the module cache: on a cold machine it is not
  # until something downloads it, so download it first (a no-op when it is there).
  go mod download github.com/pulumi/pulumi-kubernetes/provider/v4
  src="$(go list -m -f '{{.Dir}}' github.com/pulumi/pulumi-kubernetes/provider/v4)"
  [[ -n "$src" && -d "$src" ]] || { echo "github.com/pulumi/pulumi-kubernetes/provider/v4 is not in the module cache after go mod download" >&2; return 1; }
  src="$src/cmd/pulumi-resource-kubernetes"
  work="$out/src"; mkdir -p "$work/cmd"
  cp go.mod go.sum tools.go "$work/"
  cp "$src"/main.go "$src"/generate.go "$src"/schema.json "$src"/terraform-mapping.json "$work/cmd/"
  chmod -R u+w "$work"
  (cd "$work/cmd" && VERSION="$v" go run ./generate.go)
  (cd "$work" && gob -ldflags "-s -w -X github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version.Version=$v" \
    -o "$out/bin/pulumi-resource-kubernetes" ./cmd)
  rm -f "$work/cmd/schema.json" "$work/cmd/terraform-mapping.json"
}

if [[ "${1:-}" == "--print-env" ]]; then
  shift
  for p in kubernetes etcd kwok pulumi pulumi-kubernetes; do
    echo "RIGHTSIZE_$(echo "$p" | tr a-z- A-Z_)_DIR=$(dir "$p")"
  done
  exit 0
fi

pieces=("$@")
if [[ ${#pieces[@]} -eq 0 || "${pieces[0]}" == all ]]; then
  # two at a time: the machine has two cores and is shared.
  build kubernetes & a=$!; build pulumi & b=$!; wait $a; wait $b
  build etcd & a=$!; build kwok & b=$!; wait $a; wait $b
  build pulumi-kubernetes
else
  for p in "${pieces[@]}"; do build "$p"; done
fi
