#!/usr/bin/env bash
# Runs `worthit serve` or `worthit work` under the peers harness (/work/shared/peers, run-bench.sh):
# maps the harness environment to worthit's configuration keys (docs/configuration.md).
#   worthit-peer.sh serve|work
# Harness → worthit:
#   BOT_TOKEN → TELEGRAM_TOKEN          TELEGRAM_API_ROOT → TELEGRAM_API_URL
#   REDIS_URL → QUEUE_URL (and REDIS_URL) WEBHOOK_HOST → LISTEN_ADDR   WEBHOOK_PORT → PORT
#   WEBHOOK_PATH, WEBHOOK_SECRET, WORKER_CONCURRENCY: same names (work reads WORKER_CONCURRENCY).
# Stores: unset STORE_URL follows the queue onto the harness's Redis (stateless `serve`, as deployed by
# deploy/docker-compose.yml); set STORE_URL=sqlite://... to measure the single-file store instead.
# DATA_DIR (learned reviews, SQLite files if any): /tmp/worthit-peer-<redis port>, shared by the serve
# and work processes of one run, removed when `serve` exits.
# Per-user limits are raised (every harness update comes from its own user, so they never decide a
# run anyway); BOT_USERNAME is set so no getMe call is needed at start; LOG_LEVEL=warn.
# The binary: $WORTHIT_BIN, else build/release/src/app/worthit of this checkout.
# Extra worthit keys can be passed through the environment (e.g. HTTP_THREADS=1, STORE_URL=memory://).
set -euo pipefail
ROLE=${1:?usage: worthit-peer.sh serve|work}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BIN=${WORTHIT_BIN:-$ROOT/build/release/src/app/worthit}
[ -x "$BIN" ] || { echo "worthit-peer: $BIN not built (cmake --preset release && cmake --build --preset release --target worthit)" >&2; exit 2; }
: "${BOT_TOKEN:?}" "${TELEGRAM_API_ROOT:?}" "${REDIS_URL:?}" "${REDIS_PORT:?}"

export TELEGRAM_TOKEN=$BOT_TOKEN
export TELEGRAM_API_URL=$TELEGRAM_API_ROOT
export QUEUE_URL=${QUEUE_URL:-$REDIS_URL}
export LISTEN_ADDR=${WEBHOOK_HOST:-127.0.0.1}
export PORT=${WEBHOOK_PORT:-8080}
export DATA_DIR=${WORTHIT_PEER_DATA:-/tmp/worthit-peer-$REDIS_PORT}
export BOT_USERNAME=${BOT_USERNAME:-WorthItBenchBot} LOG_LEVEL=${LOG_LEVEL:-warn}
export USER_RATE_PER_MINUTE=${USER_RATE_PER_MINUTE:-1000} USER_DAILY_QUOTA=${USER_DAILY_QUOTA:-100000}
export FETCH_ALLOW=${FETCH_ALLOW:-127.0.0.1}   # the product server is on loopback
export MODEL_PATH=${MODEL_PATH:-$ROOT/models/reviews.ftz}
# The harness's fake Telegram has no flood limits unless asked (--global-rps); neither should the
# bot's own outbound limiter cap the measured rate.
export TG_GLOBAL_RPS=${TG_GLOBAL_RPS:-1000} TG_CHAT_RPS=${TG_CHAT_RPS:-100}
mkdir -p "$DATA_DIR"

case "$ROLE" in
  serve)
    # Not exec'd: the wrapper waits, then removes the run's data directory. The harness signals the
    # whole process group, so worthit gets the TERM itself; the trap only covers a TERM sent to us.
    "$BIN" serve &
    pid=$!
    trap 'kill -TERM "$pid" 2>/dev/null || true' TERM INT
    rc=0; wait "$pid" || rc=$?
    if kill -0 "$pid" 2>/dev/null; then wait "$pid" || rc=$?; fi
    rm -rf "$DATA_DIR"
    exit "$rc" ;;
  work) exec "$BIN" work ;;
  *) echo "worthit-peer: unknown role $ROLE" >&2; exit 2 ;;
esac
