#!/usr/bin/env bash
# Issue 2, "Benchmark": webhook cost and latency of `worthit serve` for a product-link update
# (update in → acknowledgement sent → task handed over → 200) at 40 connections on 127.0.0.1,
# side by side with the peers (grammY + BullMQ, python-telegram-bot + RQ) of /work/shared/peers,
# then a raw `wrk` ceiling of the server. Results: docs/performance.md, "Webhook vs peers (issue 2)".
#
#   bench/peers-webhook.sh [--install] [--build] [--reps 3] [--sat-n 5000] [--wrk-s 10] [--quiet-wait 15]
#                          [--quick] [--no-memstore] [--variants "NAME:KEY=V,KEY=V ..."]
#
#   --install   apt-get the harness prerequisites, copy the harness to $PEERS and `npm ci` the Node peer
#   --build     Release build of worthit (cmake --preset release; cmake --build --preset release --target worthit)
#   --reps R    repetitions; each repetition runs the three impls one after the other (interleaved, so
#               machine noise hits all of them alike) [3]
#   --quick     only the C=40 repetitions and their summary (no C=4 pass, no wrk runs): for A/B runs
#   --no-memstore  skip the STORE_URL=memory:// row
#   --variants  extra worthit rows per repetition, each NAME with its configuration, e.g.
#               "worthit-cpp-inline:HTTP_HANDLER_THREADS=0,HTTP_THREADS=16"
# Env: BASE_BIN (optional second worthit binary, run as "worthit-base"), PEERS_SRC (the read-only harness, default /work/shared/peers), PEERS (its working copy,
# default /tmp/peers), OUT (results dir, default $PEERS/results/issue2-<timestamp>).
# Pinning as the harness does: server side (webhook + redis) on cpu 0, driver + fake Telegram on cpu 1.
# The run is webhook-only (`--n 0 --sat-n N`: no workers; tasks pile up in Redis), so it needs no
# `worthit work`. Every load is bounded in count (sat-n) or time (wrk -d).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PEERS_SRC=${PEERS_SRC:-/work/shared/peers}
PEERS=${PEERS:-/tmp/peers}
INSTALL=0; BUILD=0; REPS=3; SAT_N=5000; WRK_S=10; QUIET_WAIT=15; QUICK=0; MEMSTORE=1; VARIANTS=""
while [ $# -gt 0 ]; do
  case "$1" in
    --install) INSTALL=1; shift ;;
    --build) BUILD=1; shift ;;
    --reps) REPS=$2; shift 2 ;;
    --sat-n) SAT_N=$2; shift 2 ;;
    --wrk-s) WRK_S=$2; shift 2 ;;
    --quiet-wait) QUIET_WAIT=$2; shift 2 ;;
    --quick) QUICK=1; shift ;;
    --no-memstore) MEMSTORE=0; shift ;;
    --variants) VARIANTS=$2; shift 2 ;;
    *) echo "unknown option $1 (see the header of $0)" >&2; exit 2 ;;
  esac
done
[[ $REPS =~ ^[0-9]+$ && $REPS -ge 1 && $REPS -le 10 && $WRK_S =~ ^[0-9]+$ && $WRK_S -le 60 ]] || { echo "reps 1..10, wrk-s <= 60" >&2; exit 2; }

if [ "$INSTALL" = 1 ]; then
  apt-get update && apt-get install -y redis-server redis-tools wrk python3-python-telegram-bot python3-rq \
    python3-redis python3-fastapi python3-uvicorn python3-uvloop python3-httptools python3-lxml python3-requests
  [ -d "$PEERS" ] || cp -r "$PEERS_SRC" "$PEERS"
  (cd "$PEERS/grammy-bullmq" && npm ci --no-audit --no-fund)
fi
[ -x "$PEERS/run-bench.sh" ] || { echo "no harness at $PEERS: run with --install (copies $PEERS_SRC)" >&2; exit 2; }
if [ "$BUILD" = 1 ]; then
  (cd "$ROOT" && cmake --preset release && cmake --build --preset release -j2 --target worthit)
fi
BIN=${WORTHIT_BIN:-$ROOT/build/release/src/app/worthit}
export WORTHIT_BIN=$BIN  # bench/peer/worthit-peer.sh runs this one
[ -x "$BIN" ] || { echo "no $BIN: run with --build" >&2; exit 2; }

STAMP=$(date -u +%Y%m%dT%H%M%SZ)
OUT=${OUT:-$PEERS/results/issue2-$STAMP}
mkdir -p "$OUT"
RAW=$OUT/raw.jsonl; MD=$OUT/rows.md
echo "== $(date -u +%FT%TZ) machine: $(nproc) cpus, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg); results in $OUT"

# ---------------------------------------------------------------- 1. peers side by side, webhook-only
# Per repetition: the two peers, worthit as configured by bench/peer (stores on the harness's Redis), worthit with
# STORE_URL=memory:// (not a deployable stateless setup: shows what the front-door store costs),
# and, when BASE_BIN names another worthit binary (e.g. a build of main), that one as "worthit-base".
bench_one() { # bench_one PEER NAME [ENV=VALUE...]
  local peer=$1 name=$2; shift 2
  env "$@" "$PEERS/run-bench.sh" --peer "$peer" --name "$name" --workers 1 --concurrency 1 --n 0 --c 40 \
    --sat-n "$SAT_N" --reps 1 --quiet-wait "$QUIET_WAIT" --results "$MD" --raw "$RAW" --note "issue2 rep $rep" 2>&1 |
    grep -v '^| when' || true
}
for (( rep=1; rep<=REPS; rep++ )); do
  bench_one grammy-bullmq grammy-bullmq
  bench_one ptb-rq ptb-rq
  bench_one "$ROOT/bench/peer" worthit-cpp
  if [ "$MEMSTORE" = 1 ]; then bench_one "$ROOT/bench/peer" worthit-cpp-memstore STORE_URL=memory://; fi
  for variant in $VARIANTS; do
    # shellcheck disable=SC2086  # NAME:K=V,K=V → bench_one ... NAME K=V K=V
    bench_one "$ROOT/bench/peer" "${variant%%:*}" $(tr ',' ' ' <<<"${variant#*:}")
  done
  if [ -n "${BASE_BIN:-}" ]; then bench_one "$ROOT/bench/peer" worthit-base WORTHIT_BIN="$BASE_BIN"; fi
done
if [ "$QUICK" = 1 ]; then
  echo "== webhook-only summary (medians over $REPS interleaved repetitions)"
  node "$ROOT/bench/peer/summarize.js" "$RAW" | tee "$OUT/summary.md"
  echo "== done $(date -u +%FT%TZ), load $(cut -d' ' -f1-3 /proc/loadavg); results in $OUT"
  exit 0
fi
# drive.js is closed-loop (C lanes, each sends its next update when the answer came), so at C=40
# the webhook latency is about 40 / rate whatever the server does (Little's law): 15 ms at the
# harness's ≈ 2.6 k/s ceiling. One pass at C=4 shows the latency each implementation adds itself.
rep=c4
for peer in grammy-bullmq ptb-rq "$ROOT/bench/peer"; do
  env "$PEERS/run-bench.sh" --peer "$peer" --workers 1 --concurrency 1 --n 0 --c 4 --sat-n 3000 --reps 1 \
    --quiet-wait "$QUIET_WAIT" --results "$MD" --raw "$RAW" --note "issue2 c4" 2>&1 | grep -v '^| when' || true
done
echo "== webhook-only summary (medians over $REPS interleaved repetitions; C=4 pass separately)"
node "$ROOT/bench/peer/summarize.js" "$RAW" | tee "$OUT/summary.md"

# ---------------------------------------------------------------- 2. wrk ceiling of `worthit serve`
# Server on cpu 0 with its redis; fake Telegram and wrk on cpu 1. Same wrk shape as the harness's
# run-refs.sh (wrk -t1 -c40, keep-alive), against: GET /healthz (HTTP floor), POST of an
# edited_message Update (parse + secret check + dedupe lookup in the store + 200; no ack, no
# enqueue), and the trivial Node http server (harness/trivial-server.js) as the reference.
TMP=$(mktemp -d)
PIDS=()
cleanup() {
  local p
  for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
free_port() { node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
wait_port() { local i; for i in $(seq 1 150); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done; echo "nothing on port $1" >&2; return 1; }
RP=$(free_port); TP=$(free_port); WP=$(free_port); NP=$(free_port)
taskset -c 0 redis-server --port "$RP" --bind 127.0.0.1 --dir "$TMP" --save '' --appendonly no --logfile "$TMP/redis.log" & PIDS+=($!)
(cd "$PEERS/harness" && exec taskset -c 1 node fake-telegram.js --port "$TP" --quiet) >"$TMP/faketg.log" 2>&1 & PIDS+=($!)
wait_port "$RP"; wait_port "$TP"
env TELEGRAM_TOKEN=7000000001:AAwrk-fake TELEGRAM_API_URL="http://127.0.0.1:$TP" QUEUE_URL="redis://127.0.0.1:$RP/0" \
  STORE_URL="sqlite://$TMP/bot.db" DATA_DIR="$TMP" LISTEN_ADDR=127.0.0.1 PORT="$WP" WEBHOOK_SECRET=bench-secret \
  taskset -c 0 "$BIN" serve >"$TMP/serve.log" 2>&1 & PIDS+=($!)
(cd "$PEERS/harness" && exec taskset -c 0 node trivial-server.js --port "$NP") & PIDS+=($!)
wait_port "$WP"; wait_port "$NP"
cat >"$TMP/edited.json" <<'JSON'
{"update_id":194791000123,"edited_message":{"message_id":1,"from":{"id":194791000123,"is_bot":false,"first_name":"Giulia","last_name":"Test1","username":"giulia_194791000123","language_code":"it"},"chat":{"id":194791000123,"first_name":"Giulia","last_name":"Test1","username":"giulia_194791000123","type":"private"},"date":1796000000,"edit_date":1796000001,"text":"Ciao! Mi dici se vale la pena? http://127.0.0.1:40000/p/194791000123","entities":[{"offset":31,"length":37,"type":"url"}]}}
JSON
cat >"$TMP/get.lua" <<'LUA'
wrk.method = "GET"
LUA
wrk_run() { # wrk_run LABEL WATCH_PID ARGS...
  local label=$1 pid=$2; shift 2
  local t0 t1 out
  t0=$(awk '{print $14+$15}' "/proc/$pid/stat")
  out=$(taskset -c 1 wrk -t1 -c40 -d"${WRK_S}s" --latency "$@")
  t1=$(awk '{print $14+$15}' "/proc/$pid/stat")
  local rps p50 p99
  rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out"); p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  local cpu_us; cpu_us=$(awk -v d=$((t1 - t0)) -v hz="$(getconf CLK_TCK)" -v r="$rps" -v s="$WRK_S" 'BEGIN { printf "%.1f", d / hz / (r * s) * 1e6 }')
  echo "| $label | $rps | $p50 | $p99 | $cpu_us |" | tee -a "$OUT/wrk.md"
}
echo "== wrk -t1 -c40 -d${WRK_S}s (server pinned to cpu 0, wrk to cpu 1)"
echo "| target | req/s | p50 | p99 | server CPU µs/request |" | tee "$OUT/wrk.md"
echo "|---|---|---|---|---|" | tee -a "$OUT/wrk.md"
WPID=${PIDS[2]}
wrk_run "worthit serve, GET /healthz" "$WPID" -s "$TMP/get.lua" "http://127.0.0.1:$WP/healthz"
WRK_BODY_FILE=$TMP/edited.json wrk_run "worthit serve, POST edited_message Update (dedupe lookup, ignored, 200)" "$WPID" \
  -s "$PEERS/harness/wrk-post.lua" "http://127.0.0.1:$WP/telegram/webhook"
# Product-link updates with fresh ids: the whole link path (ack to the fake Telegram on cpu 1,
# ack record, enqueue to Redis, mark handled) driven by wrk instead of drive.js, which caps at
# ≈ 2.6 k updates/s; here the fake Telegram (one Node process on cpu 1, shared with wrk) is the cap.
WRK_SECRET=bench-secret wrk_run "worthit serve, POST product-link Updates (full webhook path, fresh ids)" "$WPID" \
  -s "$ROOT/bench/peer/wrk-link.lua" "http://127.0.0.1:$WP/telegram/webhook"
acks=$(curl -s "http://127.0.0.1:$TP/__stats" | head -c 300); echo "fake Telegram stats: $acks"
WRK_BODY_FILE=$TMP/edited.json wrk_run "Node $(node --version) trivial http server (harness/trivial-server.js), same POST" "${PIDS[3]}" \
  -s "$PEERS/harness/wrk-post.lua" "http://127.0.0.1:$NP/telegram/webhook"
grep -c '"edited' "$TMP/serve.log" >/dev/null 2>&1 || true
echo "== done $(date -u +%FT%TZ), load $(cut -d' ' -f1-3 /proc/loadavg); results in $OUT"
