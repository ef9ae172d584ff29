#!/usr/bin/env bash
# What `npm test` does before vitest: the Debian tools, the JavaScript build, the SIMD engine and
# the fixtures (all made by `npm install` already, so each is a check that finds them). The type
# check is a test (suites/typecheck.test.ts), overlapping the other suites instead of delaying them.
set -euo pipefail
cd "$(dirname "$0")/.."
bash bin/ensure-test-tools.sh
node bin/build-js.mjs --quiet
node bin/build-engine.mjs --quiet
node bin/asr-parity.mjs fixtures --quiet
