#!/usr/bin/env bash
# The main job on the bundled example model: install what is needed, build,
# import a GPT-2 exported by torch.onnx (dynamo exporter, dynamic batch and
# sequence), print the imported IR's signature and op counts, time it, and
# show what the raising pass makes of it.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
scripts/build.sh llm-opt

model=test/models/gpt2_dynamo/model.onnx
out=build/example/gpt2.mlir
mkdir -p "$(dirname "$out")"

echo "== llm-opt $model"
start=$(date +%s%N)
build/bin/llm-opt "$model" -o "$out"
end=$(date +%s%N)

echo "== signature"
grep -m1 "func.func" "$out" | sed 's/) -> (/)\n    -> (/; s/, %/,\n    %/g'
echo "== op counts"
build/bin/llm-opt "$out" --print-op-stats -o /dev/null 2>&1 | sed -n '/Operations encountered/,$p'
echo "== import time: $(( (end - start) / 1000000 )) ms (IR written to $out)"

raised=build/example/gpt2.raised.mlir
build/bin/llm-opt "$out" --llm-raise-composites -o "$raised"
count() { grep -cE '= (llm|arith)\.' "$1"; }
echo "== -llm-raise-composites: $(count "$out") ops -> $(count "$raised") ops;" \
  "$(grep -c 'llm.gelu' "$raised") llm.gelu from the exported tanh spelling"
