#!/usr/bin/env bash
# Issue 6 "Benchmark" and issue 8 "Scale, measured": the whole loop (webhook + workers + Redis) of
# `worthit serve` + W `worthit work` processes, side by side in ONE session with the peers of
# /work/shared/peers (grammY + BullMQ; python-telegram-bot + RQ), through that folder's harness
# (run-bench.sh full runs: N product-link updates at C connections, then wait for every card).
# Results: docs/performance.md "End to end vs peers (issue 6)" and docs/scaling.md.
#
#   bench/peers-e2e.sh [--n 1000] [--c 40] [--workers "1 2 4"] [--k 8] [--peers "grammy-bullmq ptb-rq"]
#                      [--quiet-wait 10] [--pin 1]
#
#   --n N          updates per run [1000]          --c C        webhook connections [40]
#   --workers LIST worthit `work` process counts [1 2 4]
#   --k K          WORKER_CONCURRENCY per worthit process [8] (tasks in flight; the CPU step runs on a
#                  bounded pool of its own)
#   --peers LIST   peers to run once each at 1×1, as in their RESULTS.md main table [grammy-bullmq ptb-rq]
#   --pin 0|1      1: SUT (webhook, workers, redis) on cpu 0, harness on cpu 1, like RESULTS.md [1]
# Needs: the harness copied to $PEERS (default /tmp/peers; `cp -r /work/shared/peers /tmp/peers &&
# (cd /tmp/peers/grammy-bullmq && npm ci)`) and a Release worthit (build/release/src/app/worthit or
# $WORTHIT_BIN). Every run is bounded (N updates; harness timeout 300 s for the cards).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PEERS=${PEERS:-/tmp/peers}
N=1000; C=40; WORKERS="1 2 4"; K=8; PEER_LIST="grammy-bullmq ptb-rq"; QUIET_WAIT=10; PIN=1
while [ $# -gt 0 ]; do
  case "$1" in
    --n) N=$2; shift 2 ;;
    --c) C=$2; shift 2 ;;
    --workers) WORKERS=$2; shift 2 ;;
    --k) K=$2; shift 2 ;;
    --peers) PEER_LIST=$2; shift 2 ;;
    --quiet-wait) QUIET_WAIT=$2; shift 2 ;;
    --pin) PIN=$2; shift 2 ;;
    *) echo "unknown option $1 (see the header of $0)" >&2; exit 2 ;;
  esac
done
[[ $N =~ ^[0-9]+$ && $N -ge 1 && $N -le 20000 ]] || { echo "--n 1..20000" >&2; exit 2; }
[ -x "$PEERS/run-bench.sh" ] || { echo "no harness at $PEERS (cp -r /work/shared/peers $PEERS)" >&2; exit 2; }
BIN=${WORTHIT_BIN:-$ROOT/build/release/src/app/worthit}
[ -x "$BIN" ] || { echo "no $BIN (cmake --preset release && cmake --build --preset release -j2 --target worthit)" >&2; exit 2; }

STAMP=$(date -u +%Y%m%dT%H%M%SZ)
OUT=${OUT:-$PEERS/results/issue6-$STAMP}
mkdir -p "$OUT"
RAW=$OUT/raw.jsonl; MD=$OUT/rows.md
echo "== $(date -u +%FT%TZ) $(nproc) cpus, load $(cut -d' ' -f1-3 /proc/loadavg); results in $OUT"
run() { # run PEER NAME W K
  "$PEERS/run-bench.sh" --peer "$1" --name "$2" --workers "$3" --concurrency "$4" --n "$N" --c "$C" \
    --sat-n 0 --reps 1 --pin "$PIN" --quiet-wait "$QUIET_WAIT" --results "$MD" --raw "$RAW" --note "issue6 $STAMP" 2>&1 |
    grep -v '^| when' || true
}
for w in $WORKERS; do run "$ROOT/bench/peer" worthit-cpp "$w" "$K"; done
for p in $PEER_LIST; do run "$p" "$p" 1 1; done
echo "== rows: $MD; raw JSON: $RAW"
