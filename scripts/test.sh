#!/usr/bin/env bash
# Every test: install what is needed, build everything, run lit (dialect,
# importer, conformance, docs) and the gtest unit tests through ctest.
#   LLM_SANITIZE=1 runs the same under AddressSanitizer + UBSan (in build-asan).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
if [ "${LLM_SANITIZE:-0}" = 1 ]; then
  export BUILD_DIR=${BUILD_DIR:-build-asan}
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
  export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
fi
build_dir=${BUILD_DIR:-build}
scripts/build.sh
ctest --test-dir "$build_dir" --output-on-failure
