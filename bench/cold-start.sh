#!/usr/bin/env bash
# Cold start of `worthit serve` (process start -> first 200 on the webhook), as on Cloud Run / Knative.
#   bench/cold-start.sh [runs]            SQLite queue in a fresh temp DATA_DIR per run
#   REDIS_URL=redis://127.0.0.1:6379/0 bench/cold-start.sh
#   BINARY=build/debug/src/app/worthit UPDATE=membership bench/cold-start.sh 50
# Needs a release build: cmake --preset release && cmake --build --preset release --target worthit
set -euo pipefail
cd "$(dirname "$0")/.."
exec /usr/bin/python3 bench/cold_start.py --binary "${BINARY:-build/release/src/app/worthit}" \
  --runs "${1:-20}" --update "${UPDATE:-link}" ${REDIS_URL:+--redis-url "$REDIS_URL"}
