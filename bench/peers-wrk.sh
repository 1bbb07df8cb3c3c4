#!/usr/bin/env bash
# Issue 2's CPU comparison with one load generator that saturates every implementation: `wrk -t1
# -c40` POSTing product-link updates (bench/peer/wrk-link.lua: fresh update_id and chat each, the
# shape of the harness's drive.js updates) at worthit and at the two peer bots of /work/shared/peers,
# one after the other, each with its own Redis and the harness's fake Telegram.
#
# Why next to the harness's own runs (bench/peers-webhook.sh): drive.js and the fake Telegram share
# one core, and that core saturates at ≈ 6-10 k updates/s whatever the bot does (a trivial Node
# server that answers 200 and does nothing else reaches 9.9 k/s there). The peers run at 87-95 % of
# their core in the harness; worthit runs at ≈ 40 % of its core, and a process that sleeps between
# events pays the wake-ups and the cold caches on every update. The same code costs 0.17 ms per
# update at 800 updates/s and 0.06 ms at 6 000/s. wrk (C, one thread) drives each implementation
# until its own core is the limit, so every CPU-per-update figure here is taken at saturation.
#
#   bench/peers-wrk.sh [--impls "grammy-bullmq ptb-rq worthit"] [--reps 3] [--seconds 10]
#
# Placement (as run-bench.sh): the bot's webhook process and its redis-server on cpu 0; wrk and the
# fake Telegram on cpu 1. Per implementation and repetition: fresh Redis and fake Telegram, the
# webhook started as its peer.env says (worthit: bench/peer/peer.env, $WORTHIT_BIN), 2 s of wrk to
# warm up, then `--seconds` measured. Reported: updates/s (2xx answers), wrk's latency, the webhook
# process group's CPU per update (utime + stime from /proc over the measured window), Redis's CPU
# per update, and sendMessage calls the fake Telegram received per update (1.00 = every update was
# acknowledged). Non-2xx answers are counted and reported; a run with any is flagged.
# Needs: wrk, node, redis-server, the harness copied to $PEERS (default /tmp/peers; the grammY
# peer's `npm ci` done, PTB's Debian packages installed; bench/peers-webhook.sh --install does both).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PEERS=${PEERS:-/tmp/peers}
IMPLS="grammy-bullmq ptb-rq worthit"; REPS=3; SECS=10; C=40
while [ $# -gt 0 ]; do
  case "$1" in
    --impls) IMPLS=$2; shift 2 ;;
    --reps) REPS=$2; shift 2 ;;
    --seconds) SECS=$2; shift 2 ;;
    *) echo "unknown option $1 (see the header of $0)" >&2; exit 2 ;;
  esac
done
[[ $REPS =~ ^[0-9]+$ && $REPS -ge 1 && $REPS -le 10 ]] || { echo "--reps: 1..10" >&2; exit 2; }
[[ $SECS =~ ^[0-9]+$ && $SECS -ge 1 && $SECS -le 60 ]] || { echo "--seconds: 1..60" >&2; exit 2; }
for tool in wrk node redis-server redis-cli; do
  command -v "$tool" >/dev/null || { echo "peers-wrk: $tool not found" >&2; exit 2; }
done
[ -f "$PEERS/harness/fake-telegram.js" ] || { echo "peers-wrk: no harness in $PEERS (cp -r /work/shared/peers $PEERS)" >&2; exit 2; }
CLK=$(getconf CLK_TCK)
TMP=$(mktemp -d)
PIDS=()
stop_all() {
  local p
  for p in "${PIDS[@]}"; do kill -TERM -- "-$p" 2>/dev/null || kill -TERM "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do
    for _ in $(seq 1 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -KILL -- "-$p" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
  done
  PIDS=()
}
trap 'stop_all; rm -rf "$TMP"' EXIT
trap 'exit 130' INT TERM

free_port() { node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
wait_port() { # wait_port PORT PID
  for _ in $(seq 1 300); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    kill -0 "$2" 2>/dev/null || { echo "peers-wrk: process $2 exited before listening on $1" >&2; return 1; }
    sleep 0.1
  done
  echo "peers-wrk: nothing on port $1" >&2; return 1
}
start_bg() { # start_bg NAME CPU DIR CMD → LAST_PID (leads its own session and process group)
  (cd "$3" && exec setsid taskset -c "$2" bash -c "exec $4") >"$TMP/$1.log" 2>&1 </dev/null &
  LAST_PID=$!
  PIDS+=("$LAST_PID")
}
ticks() { # CPU ticks (utime + stime) of every process in the session led by $1
  local sum=0 p
  for p in $(ps -o pid= -s "$1" 2>/dev/null); do
    sum=$((sum + $(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0)))
  done
  echo "$sum"
}
sends() { curl -s "http://127.0.0.1:$1/__stats" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const j=JSON.parse(s);const m=(j.by_method||{}).sendMessage;console.log(typeof m==="object"?(m.ok||0):(m||0))})'; }

ROWS=$TMP/rows.tsv
: >"$ROWS"
echo "== $(date -u +%FT%TZ) $(nproc) cpus, load $(cut -d' ' -f1-3 /proc/loadavg); wrk -t1 -c$C, ${SECS}s per run"
for (( rep=1; rep<=REPS; rep++ )); do
  for impl in $IMPLS; do
    if [ "$impl" = worthit ]; then PEER_DIR=$ROOT/bench/peer; else PEER_DIR=$PEERS/$impl; fi
    [ -f "$PEER_DIR/peer.env" ] || { echo "peers-wrk: no $PEER_DIR/peer.env" >&2; exit 2; }
    WEBHOOK_CMD=""; PEER_CWD=$PEER_DIR
    # shellcheck disable=SC1091
    . "$PEER_DIR/peer.env"
    RP=$(free_port); TP=$(free_port); WP=$(free_port)
    export BOT_TOKEN="7000000001:AAwrk-${RANDOM}${RANDOM}-fake" TELEGRAM_API_ROOT="http://127.0.0.1:$TP"
    export REDIS_HOST=127.0.0.1 REDIS_PORT=$RP REDIS_URL="redis://127.0.0.1:$RP/0" QUEUE_NAME=worthit
    export WEBHOOK_HOST=127.0.0.1 WEBHOOK_PORT=$WP WEBHOOK_PATH=/telegram/webhook WORKERS=0 WORKER_CONCURRENCY=1
    export WEBHOOK_SECRET="wrk-secret-${RANDOM}${RANDOM}" WRK_SECRET
    WRK_SECRET=$WEBHOOK_SECRET
    start_bg redis 0 "$TMP" "redis-server --port $RP --bind 127.0.0.1 --dir $TMP --save '' --appendonly no --logfile $TMP/redis-server.log"
    REDIS_PID=$LAST_PID
    start_bg faketg 1 "$PEERS/harness" "node fake-telegram.js --port $TP --quiet"
    TG_PID=$LAST_PID
    wait_port "$RP" "$REDIS_PID"; wait_port "$TP" "$TG_PID"
    start_bg "webhook-$impl" 0 "$PEER_CWD" "$WEBHOOK_CMD"
    WH_PID=$LAST_PID
    wait_port "$WP" "$WH_PID"
    URL="http://127.0.0.1:$WP/telegram/webhook"
    WRK_ID_BASE=$((100000000000 + rep * 1000000000)) taskset -c 1 wrk -t1 -c"$C" -d2s -s "$ROOT/bench/peer/wrk-link.lua" "$URL" >/dev/null
    s0=$(sends "$TP"); w0=$(ticks "$WH_PID"); r0=$(ticks "$REDIS_PID")
    WRK_ID_BASE=$((200000000000 + rep * 1000000000)) taskset -c 1 wrk -t1 -c"$C" -d"${SECS}s" --latency \
      -s "$ROOT/bench/peer/wrk-link.lua" "$URL" >"$TMP/wrk.txt"
    w1=$(ticks "$WH_PID"); r1=$(ticks "$REDIS_PID")
    sleep 0.5  # acknowledgements of the last requests reach the fake Telegram before their 200s
    s1=$(sends "$TP")
    stop_all
    total=$(awk '/requests in/ {print $1}' "$TMP/wrk.txt")
    non2xx=$(awk '/Non-2xx/ {print $NF}' "$TMP/wrk.txt"); non2xx=${non2xx:-0}
    sockerr=$(awk '/Socket errors/ {gsub(/[^0-9 ]/, " "); for (i = 1; i <= NF; i++) s += $i} END {print s + 0}' "$TMP/wrk.txt")
    bad=$((non2xx + sockerr)); ok=$((total - non2xx))
    p50=$(awk '$1=="50%" {print $2}' "$TMP/wrk.txt"); p99=$(awk '$1=="99%" {print $2}' "$TMP/wrk.txt")
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$impl" "$rep" "$ok" "$bad" "$((w1 - w0))" "$((r1 - r0))" "$((s1 - s0))" "$p50" "$p99" >>"$ROWS"
    awk -F'\t' -v clk="$CLK" -v secs="$SECS" 'END {
      printf "%-14s rep %s: %7.0f upd/s, non-2xx+errors %s, webhook CPU %5.1f %% → %.3f ms/update, redis %.3f ms/update, acks/update %.2f, p50 %s p99 %s\n",
        $1, $2, $3/secs, $4, 100*$5/clk/secs, $3 ? 1000*$5/clk/$3 : 0, $3 ? 1000*$6/clk/$3 : 0, $3 ? $7/$3 : 0, $8, $9 }' "$ROWS"
  done
done
echo "== medians over $REPS repetitions (CPU per update from /proc ticks of 1/$CLK s)"
# shellcheck disable=SC2016  # JavaScript template literals, not shell expansions
node -e '
const rows = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").map((l) => l.split("\t"));
const clk = Number(process.argv[2]), secs = Number(process.argv[3]);
const med = (a) => { const s = [...a].sort((x, y) => x - y); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const by = {};
for (const [impl, , ok, bad, wt, rt, sends, p50, p99] of rows) (by[impl] ||= []).push({ ok: +ok, bad: +bad, wt: +wt, rt: +rt, sends: +sends, p50, p99 });
console.log("| impl | upd/s median (range) | webhook CPU % | webhook CPU ms/update, median (range) | redis CPU ms/update | acks/update | non-2xx | wrk p50 / p99 (median run) |");
console.log("|---|---|---|---|---|---|---|---|");
for (const [impl, rs] of Object.entries(by)) {
  const ups = rs.map((r) => r.ok / secs), cpu = rs.map((r) => (1000 * r.wt) / clk / r.ok);
  const mid = rs[ups.indexOf(med(ups))] || rs[0];
  console.log(`| ${impl} | ${med(ups).toFixed(0)} (${Math.min(...ups).toFixed(0)}–${Math.max(...ups).toFixed(0)}) | ${med(rs.map((r) => (100 * r.wt) / clk / secs)).toFixed(0)} | ${med(cpu).toFixed(3)} (${Math.min(...cpu).toFixed(3)}–${Math.max(...cpu).toFixed(3)}) | ${med(rs.map((r) => (1000 * r.rt) / clk / r.ok)).toFixed(3)} | ${med(rs.map((r) => r.sends / r.ok)).toFixed(2)} | ${rs.reduce((a, r) => a + r.bad, 0)} | ${mid.p50} / ${mid.p99} |`);
}' "$ROWS" "$CLK" "$SECS"
echo "== done $(date -u +%FT%TZ), load $(cut -d' ' -f1-3 /proc/loadavg)"
