#!/usr/bin/env bash
# The cluster suite's --kubeconfig mode, run here: cluster/up.js starts the from-source control plane as
# a cluster of its own (3 KWOK nodes of 4 CPU / 16Gi, not sized from any nodeBudget; a default StorageClass;
# KEDA's CRDs) and writes a kubeconfig whose one context, rightsize-external, no stack file names; then
#   npm run test:cluster -- --kubeconfig FILE --context rightsize-external [args]
# runs with the CLI built from source first on PATH, standing in for the official one, and the built
# provider installed in a PULUMI_HOME as the plugin an official CLI would download. The cluster is
# stopped when the suite ends.
#
#   bash cluster/test-external.sh [vitest args...]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/rightsize-test-external-XXXXXX")"
node "$here/up.js" --kubeconfig "$work/kubeconfig" --context rightsize-external --pulumi-home "$work/pulumi-home" > "$work/up.log" 2>&1 &
up=$!
cleanup() {
  kill -TERM "$up" 2>/dev/null && wait "$up" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
for _ in $(seq 1 240); do
  grep -q '^ready: ' "$work/up.log" && break
  if ! kill -0 "$up" 2>/dev/null; then echo "cluster/up.js exited before the cluster was ready:"; cat "$work/up.log"; exit 1; fi
  sleep 0.5
done
grep -q '^ready: ' "$work/up.log" || { echo "cluster/up.js: not ready after 120 s:"; tail -40 "$work/up.log"; exit 1; }
head -1 "$work/up.log"
eval "$(grep '^export ' "$work/up.log")"
cd "$here/.."
status=0
node cluster/test.js --kubeconfig "$work/kubeconfig" --context rightsize-external "$@" || status=$?
exit $status
