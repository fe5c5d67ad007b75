#!/usr/bin/env bash
# Run HERE (the compiling machine) before a GPU run: the GPU machine has no
# compiler, so everything it runs is built here and carried.
#
#   scripts/gpu/prepare.sh [MODEL...]
#
# Builds llm-opt and llm-run-standalone, compiles each end-to-end test model
# of test/models for the CUDA target (f32, and with PRECISIONS="f32 f16 bf16"
# the reduced-precision variants too), and gathers into .device-carry/gpu/:
#   bin/llm-run-standalone   the runner (llmrt only, no MLIR)
#   bin/*Test                the CUDA kernel tests (test/gpu/kernels)
#   lib/                     its non-CUDA shared libraries (ONNX protobufs)
#   modules/NAME.PRECISION/  manifest.json, weights.safetensors, module.so
# Then, on the GPU machine: scripts/gpu/test.sh (carry .device-carry/gpu).
set -euo pipefail
cd "$(dirname "$0")/../.."

models=("$@")
[ ${#models[@]} -gt 0 ] || models=(gpt2_torchscript gpt2_dynamo bert_torchscript bert_dynamo
                                   llama_torchscript llama_dynamo optimum_llama optimum_gpt2)
precisions=${PRECISIONS:-f32}
# Reduced-precision variants of these models only (the carry is 64 MiB).
reduced=${REDUCED_MODELS:-gpt2_torchscript bert_torchscript llama_torchscript llama_dynamo}

scripts/build.sh llm-opt llm-run-standalone
out=.device-carry/gpu
rm -rf "$out/modules" "$out/bin" "$out/lib"
mkdir -p "$out/bin" "$out/lib" "$out/modules"
cp build/bin/llm-run-standalone "$out/bin/"
for lib in libonnx_proto.so.1 libprotobuf.so.32; do
  cp -L "/lib/x86_64-linux-gnu/$lib" "$out/lib/"
done

# The kernel tests, one nvcc build each.
for test in ElementwiseReduceTest LinalgAttentionTest; do
  /usr/local/cuda/bin/nvcc -std=c++17 --extended-lambda -O2 -gencode=arch=compute_90a,code=sm_90a \
    -I runtime/kernels/cuda -I runtime/include "test/gpu/kernels/$test.cu" -o "$out/bin/$test" \
    -lcublasLt -lcublas &
done
wait

compile() {
  local model=$1 precision=$2 dir="$out/modules/$1.$2"
  local pipeline=()
  [ "$precision" = f32 ] || pipeline=(--precision="$precision")
  build/bin/llm-opt "test/models/$model/model.onnx" --target=cuda --emit=module \
    ${pipeline[@]+"${pipeline[@]}"} -o "$dir"
  rm -f "$dir/module.cu"   # the source stays here; only what runs travels
  strip --strip-unneeded "$dir/module.so"
  echo "prepare: $dir ($(du -sh "$dir" | cut -f1))"
}
# Two nvcc builds at a time (one per core).
for model in "${models[@]}"; do
  for precision in $precisions; do
    [ "$precision" = f32 ] || [[ " $reduced " == *" $model "* ]] || continue
    compile "$model" "$precision" &
    while [ "$(jobs -rp | wc -l)" -ge 2 ]; do wait -n; done
  done
done
wait
strip --strip-unneeded "$out"/bin/*
du -sh "$out"   # a device call carries 64 MiB at most, the repository included
