#!/usr/bin/env bash
# Builds the Lambda deployment zip (custom runtime, provided.al2023, x86_64):
#   deploy/lambda/package.sh [path/to/worthit] [out.zip]
# Layout:  bootstrap, bin/worthit, lib/<every shared library ldd lists, glibc and the loader included>
# The bundled loader makes the binary independent of Amazon Linux's glibc (2.34 on al2023,
# older than Debian 12's 2.36). The review model is not needed by the webhook handler.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
binary="${1:-$here/../../build/release/src/app/worthit}"
out="${2:-$PWD/worthit-lambda.zip}"
[ -x "$binary" ] || { echo "package.sh: no executable at $binary (cmake --build --preset release --target worthit)" >&2; exit 2; }
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/bin" "$stage/lib"
cp "$binary" "$stage/bin/worthit"
strip "$stage/bin/worthit" 2>/dev/null || true
cp "$here/bootstrap" "$stage/bootstrap"
chmod 0755 "$stage/bootstrap" "$stage/bin/worthit"
# Every resolved library (=> /path) plus the loader (the line without =>).
ldd "$binary" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\/.*ld-linux/ { print $1 }' | sort -u | while read -r lib; do
  cp -L "$lib" "$stage/lib/"
done
[ -e "$stage/lib/ld-linux-x86-64.so.2" ] || { echo "package.sh: the loader was not found by ldd" >&2; exit 1; }
# Smoke test through the bundled loader, exactly as bootstrap runs it.
"$stage/lib/ld-linux-x86-64.so.2" --library-path "$stage/lib" "$stage/bin/worthit" version
rm -f "$out"
(cd "$stage" && python3 - "$out" <<'PY'
import os, sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    for root, _, files in os.walk("."):
        for f in sorted(files):
            p = os.path.join(root, f)
            info = zipfile.ZipInfo.from_file(p, os.path.relpath(p, "."))
            info.external_attr = (os.stat(p).st_mode & 0xFFFF) << 16  # keep the exec bits
            with open(p, "rb") as fh:
                z.writestr(info, fh.read(), zipfile.ZIP_DEFLATED)
PY
)
echo "package.sh: wrote $out ($(du -h "$out" | cut -f1)); libraries: $(ls "$stage/lib" | wc -l)"
