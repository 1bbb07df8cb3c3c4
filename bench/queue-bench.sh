#!/usr/bin/env bash
# Queue benchmark, side by side with redis-benchmark on the same redis-server.
#   bench/queue-bench.sh [build-dir]        (default build/bench, a Release build of queue_bench:
#     cmake -S . -B build/bench -G Ninja -DCMAKE_BUILD_TYPE=Release
#     cmake --build build/bench --target queue_bench)
# Starts redis-server on a free 127.0.0.1 port in a temp dir (no persistence), runs the XADD
# references (1 client unpipelined, 1 client pipelined 64, 50 clients), then queue_bench against
# the same server, then stops it. Prints everything; nothing is asserted.
set -euo pipefail
BUILD=${1:-build/bench}
BENCH="$BUILD/bench/queue_bench"
[[ -x "$BENCH" ]] || { echo "build $BENCH first (see the header of this script)" >&2; exit 2; }
DIR=$(mktemp -d)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
/usr/bin/redis-server --port "$PORT" --bind 127.0.0.1 --dir "$DIR" --save '' --appendonly no \
  --daemonize no --logfile "$DIR/redis.log" &
PID=$!
trap 'kill "$PID" 2>/dev/null; wait "$PID" 2>/dev/null; rm -rf "$DIR"' EXIT
for _ in $(seq 1 100); do redis-cli -p "$PORT" ping >/dev/null 2>&1 && break; sleep 0.05; done
# redis-benchmark -q redraws its progress line with \r; keep only the final figure.
refbench() { redis-benchmark -p "$PORT" -q "$@" | tr '\r' '\n' | grep 'requests per second' | tail -1; }
PAYLOAD='{"v":1,"kind":"analyze","update_id":912345678,"chat_id":1234,"url":"https://www.amazon.it/dp/B0TEST1234"}'
echo "== machine: $(nproc) cores, load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== redis-benchmark XADD, 1 client, unpipelined"
refbench -n 100000 -c 1 XADD bench:ref '*' p "$PAYLOAD"
echo "== redis-benchmark XADD, 1 client, pipeline 64"
refbench -n 400000 -c 1 -P 64 XADD bench:ref '*' p "$PAYLOAD"
echo "== redis-benchmark XADD, 50 clients, unpipelined"
refbench -n 200000 -c 50 XADD bench:ref '*' p "$PAYLOAD"
redis-cli -p "$PORT" del bench:ref >/dev/null
echo "== queue_bench"
QUEUE_BENCH_REDIS_URL="redis://127.0.0.1:$PORT" "$BENCH" --benchmark_counters_tabular=false "${@:2}"
echo "== machine load after: $(cut -d' ' -f1-3 /proc/loadavg)"
