#!/usr/bin/env bash
# Run HERE before scripts/gpu/bench.py on the GPU machine:
#
#   scripts/gpu/prepare-bench.sh [gpt2 bert llama]
#
# Builds the benchmark models (scripts/bench/make_bench_models.py: GPT-2-small,
# BERT-base, TinyLlama-1.1B-shaped, random weights) into build/bench-models,
# compiles each for the CUDA target in f16 (PRECISION=f16|bf16|f32) into
# build/bench-modules-cuda/NAME, and carries module.so, manifest.json and the
# compiler's constants (constants.safetensors, bytes) only
# into .device-carry/gpu/bench/NAME: the weights (up to 2.2 GB) are made again
# on the GPU machine, where bench.py writes the checkpoint both sides load.
# The modules return f16 logits, as the PyTorch peer (a .half() model) does:
# --keep-io-types=false (KEEP_IO_TYPES=true keeps them f32, with a cast pass).
# PROFILE=1 compiles with --profile-ops into NAME-profile instead: run it there
# with llm-run-standalone --weights CHECKPOINT and LLMRT_CUDA_GRAPHS=0 (each op
# synchronizes to time itself, which a captured graph cannot) for a per-op
# table (bench.py --profile does).
set -euo pipefail
cd "$(dirname "$0")/../.."
models=("$@")
[ ${#models[@]} -gt 0 ] || models=(gpt2 bert llama)
precision=${PRECISION:-f16}
keep_io_types=${KEEP_IO_TYPES:-false}
profile=()
suffix=
if [ "${PROFILE:-0}" = 1 ]; then profile=(--profile-ops); suffix=-profile; fi

scripts/build.sh llm-opt llm-run-standalone
mkdir -p build/bench-models build/bench-modules-cuda .device-carry/gpu/bench .device-carry/gpu/bin \
  .device-carry/gpu/lib
cp build/bin/llm-run-standalone .device-carry/gpu/bin/
for lib in libonnx_proto.so.1 libprotobuf.so.32; do
  cp -L "/lib/x86_64-linux-gnu/$lib" .device-carry/gpu/lib/
done
for model in "${models[@]}"; do
  case $model in
    gpt2) name=gpt2-small ;;
    bert) name=bert-base ;;
    llama) name=llama-1b ;;
    *) echo "prepare-bench: unknown model '$model' (gpt2, bert, llama)" >&2; exit 2 ;;
  esac
  [ -f "build/bench-models/$name.onnx" ] ||
    /usr/bin/python3 scripts/bench/make_bench_models.py build/bench-models --models "$model"
  out=build/bench-modules-cuda/$name$suffix
  start=$SECONDS
  build/bin/llm-opt "build/bench-models/$name.onnx" --target=cuda --precision="$precision" \
    --keep-io-types="$keep_io_types" \
    ${profile[@]+"${profile[@]}"} --emit=module -o "$out"
  echo "prepare-bench: $name compiled in $((SECONDS - start)) s"
  carried=.device-carry/gpu/bench/$name$suffix
  mkdir -p "$carried"
  rm -f "$carried"/*
  cp "$out/module.so" "$out/manifest.json" "$carried/"
  [ ! -f "$out/constants.safetensors" ] || cp "$out/constants.safetensors" "$carried/"
done
du -sh .device-carry/gpu
