#!/usr/bin/env bash
# run-model.sh MODELS_DIR NAME WORK_DIR: compile MODELS_DIR/NAME/model.onnx
# once, then check it against every test_data_set_* of the model.
set -euo pipefail
models=$1 name=$2 work=$3
llm-opt "$models/$name/model.onnx" --target=cpu --emit=module -o "$work/$name"
for data in "$models/$name"/test_data_set_*; do
  echo "== $name $(basename "$data")"
  llm-run "$work/$name" --data "$data" --rtol 1e-4 --atol 1e-5
done
