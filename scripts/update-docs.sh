#!/usr/bin/env bash
# Regenerates the reference pages in docs/reference/ from the code: the
# dialect and pass references from ODS and the supported-ONNX-op table
# from the importer's own table. test/docs checks that they are up to date.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh llm-opt
mkdir -p docs/reference
/usr/lib/llvm-22/bin/mlir-tblgen -gen-dialect-doc -dialect=llm -I . -I /usr/lib/llvm-22/include \
  dialects/LLM/IR/LLMOps.td -o docs/reference/LLMDialect.md
/usr/lib/llvm-22/bin/mlir-tblgen -gen-pass-doc -I . -I /usr/lib/llvm-22/include \
  passes/Passes.td -o docs/reference/LLMPasses.md
build/bin/llm-opt --list-onnx-ops > docs/reference/onnx-ops.md
echo "updated docs/reference/"
