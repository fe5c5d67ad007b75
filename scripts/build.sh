#!/usr/bin/env bash
# Configures (once) and builds llm-opt with ninja and ccache.
#   BUILD_DIR=build        where to build
#   LLM_SANITIZE=1         AddressSanitizer + UBSan build (use another BUILD_DIR)
#   extra arguments        ninja targets (default: everything)
set -euo pipefail
cd "$(dirname "$0")/.."

build_dir=${BUILD_DIR:-build}
sanitize=${LLM_SANITIZE:-0}

if [ ! -f "$build_dir/build.ninja" ]; then
  cmake -G Ninja -S . -B "$build_dir" \
    -DCMAKE_BUILD_TYPE=Release \
    -DMLIR_DIR=/usr/lib/llvm-22/lib/cmake/mlir \
    -DLLVM_EXTERNAL_LIT=/usr/lib/llvm-22/bin/lit \
    -DLLM_ENABLE_SANITIZERS="$([ "$sanitize" = 1 ] && echo ON || echo OFF)"
fi
ninja -C "$build_dir" "$@"
