#!/usr/bin/env bash
# Benchmark: the replication-lag rate sweep under both tuning profiles, in one run on this
# machine, then the per-rate p50/p99 of each and their ratio (low-latency / default).
#
# Usage: bash bench/replication-lag-profiles.sh [RATES] [STEP_SECONDS]
#   defaults: RATES=100,500,1000,2000 STEP_SECONDS=10
# It uses its own lab folder and port base, and shuts its lab down however it ends.
set -euo pipefail
cd "$(dirname "$0")/.."

RATES="${1:-100,500,1000,2000}"
STEP_SECONDS="${2:-10}"
WORK="$(mktemp -d /tmp/authlab-bench-XXXXXX)"
chmod 755 "$WORK"
export AUTHLAB_LAB_DIR="$WORK/lab" AUTHLAB_RESULTS_DIR="$WORK/results"
export AUTHLAB_PORT_BASE="${AUTHLAB_PORT_BASE:-18400}"

authlab() { node bin/authlab.js "$@"; }
trap 'authlab down --purge >/dev/null 2>&1 || true' EXIT

authlab up >/dev/null
for profile in default low-latency; do
  echo "== sweep $RATES rows/s, ${STEP_SECONDS} s each, tuning profile $profile" >&2
  authlab experiment replication-lag --rates "$RATES" --duration "$STEP_SECONDS" \
    --profile "$profile" --timeout 60000 >/dev/null
done

runs=($(ls "$AUTHLAB_RESULTS_DIR" | sort))
echo "host: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB; results in $AUTHLAB_RESULTS_DIR"
authlab report "${runs[0]}" --compare "${runs[1]}"
