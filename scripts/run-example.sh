#!/usr/bin/env bash
# The main job on the bundled example model: install what is needed, build,
# compile a GPT-2 exported by torch.onnx (dynamo exporter, dynamic batch and
# sequence) to a CPU module, run it on its ONNX Runtime reference inputs at
# two shapes and compare, and time it.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
scripts/build.sh llm-opt llm-run

model=test/models/gpt2_dynamo
module=build/example/gpt2_dynamo
mkdir -p build/example

echo "== import: llm-opt $model/model.onnx"
build/bin/llm-opt "$model/model.onnx" -o build/example/gpt2.mlir
build/bin/llm-opt build/example/gpt2.mlir --llm-optimize -o build/example/gpt2.optimized.mlir
count() { grep -cE '= (llm|arith)\.' "$1"; }
echo "   $(count build/example/gpt2.mlir) ops imported; $(count build/example/gpt2.optimized.mlir)" \
  "after --llm-optimize ($(grep -c 'llm.attention' build/example/gpt2.optimized.mlir) llm.attention," \
  "$(grep -c 'llm.linear' build/example/gpt2.optimized.mlir) llm.linear)"

echo "== compile: llm-opt --target=cpu --emit=module -o $module"
start=$(date +%s%N)
build/bin/llm-opt "$model/model.onnx" --target=cpu --emit=module -o "$module"
end=$(date +%s%N)
echo "   $(( (end - start) / 1000000 )) ms; $(ls "$module" | tr '\n' ' ')"

for data in "$model"/test_data_set_0 "$model"/test_data_set_1; do
  echo "== run and compare with ONNX Runtime: llm-run $module --data $data"
  build/bin/llm-run "$module" --data "$data" --print-outputs
done

echo "== time: batch 1 x sequence 128"
build/bin/llm-run "$module" --shape input_ids=1x128 --bench --warmup 3 --iterations 20
