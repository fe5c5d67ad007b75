#!/usr/bin/env bash
# Run ON THE GPU MACHINE, from the repository root, with .device-carry/gpu
# carried (scripts/gpu/prepare.sh made it): runs every compiled module on its
# model's ONNX Runtime reference sets in test/models and prints a table.
#   f32 modules:      numpy.allclose with rtol 1e-4, atol 1e-5
#   f16/bf16 modules: relative L2 error <= 1e-2 and the same argmax on >= 99%
#                     of positions (llm-run --metric logits)
# Exits non-zero when any comparison fails.
set -uo pipefail
cd "$(dirname "$0")/../.."
carry=.device-carry/gpu
export LD_LIBRARY_PATH="$PWD/$carry/lib:/usr/local/cuda/lib64:${LD_LIBRARY_PATH:-}"
run=$carry/bin/llm-run-standalone
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader || true

failed=0
summary=""
# The kernels against float64 references (timings off); KERNEL_TESTS=0 skips.
for test in ElementwiseReduceTest LinalgAttentionTest; do
  [ "${KERNEL_TESTS:-1}" = 1 ] || continue
  [ -x "$carry/bin/$test" ] || continue
  echo "== $test"
  if "$carry/bin/$test" --no-bench > "/tmp/$test.log" 2>&1; then
    summary+="PASS $test ($(grep -c '^PASS' "/tmp/$test.log") cases)"$'\n'
  else
    grep -v '^PASS' "/tmp/$test.log" | tail -20
    summary+="FAIL $test"$'\n'
    failed=$((failed + 1))
  fi
done
for dir in "$carry"/modules/*/; do
  dir=${dir%/}
  base=$(basename "$dir")
  model=${base%.*} precision=${base##*.}
  if [ "$precision" = f32 ]; then
    tolerance=(--rtol 1e-4 --atol 1e-5)
  else
    tolerance=(--metric logits --rtol 1e-2 --argmax-agreement 0.99)
  fi
  for data in test/models/"$model"/test_data_set_*; do
    echo "== $base $(basename "$data")"
    if "$run" "$dir" --data "$data" "${tolerance[@]}"; then
      summary+="PASS $base $(basename "$data")"$'\n'
    else
      summary+="FAIL $base $(basename "$data")"$'\n'
      failed=$((failed + 1))
    fi
  done
done
echo
echo "$summary"
[ "$failed" -eq 0 ] && echo "gpu tests: all passed" || echo "gpu tests: $failed failed"
exit $((failed > 0))
