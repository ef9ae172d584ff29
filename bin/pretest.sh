#!/usr/bin/env bash
# What `npm test` does before vitest: the Debian tools, the JavaScript build, the SIMD engine,
# then the type check and the fixtures side by side (each is single-threaded and takes a
# quarter of a minute on a fresh clone: on 2 cores they need not wait for each other).
set -euo pipefail
cd "$(dirname "$0")/.."
bash bin/ensure-test-tools.sh
node bin/build-js.mjs --quiet
node bin/build-engine.mjs --quiet
npx tsc --noEmit &
typecheck=$!
node bin/asr-parity.mjs fixtures --quiet &
fixtures=$!
status=0
wait "$typecheck" || { echo "asr-parity: the type check failed (npx tsc --noEmit)" >&2; status=1; }
wait "$fixtures" || { echo "asr-parity: generating the fixtures failed (node bin/asr-parity.mjs fixtures)" >&2; status=1; }
exit "$status"
