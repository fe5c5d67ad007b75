//===- FakeModule.cpp - a hand-written module.so for the runtime tests ----===//
//
// Implements the ABI of runtime/include/llmrt/ModuleABI.h the way generated
// code will, for the manifest the tests write:
//
//   entry "main" (fake_main_plan / fake_main_run):
//     inputs  x: float32[batch, 4], y: float32[batch, 4]
//     weights w: float32[4]
//     buffers t0 = x + y   live [0, 1]
//             t1 = t0 * w  live [1, 2]
//     output  z = t1 + 1: float32[batch, 4]
//   entry "const" (fake_const_plan / fake_const_run): no inputs, no buffers,
//     output c = 2 * w: float32[4].
//   entry "casts" (fake_casts_plan / fake_casts_run): input x: float32[n];
//     outputs h = x as float16, b = x as bfloat16, i = int64(x * 4) and
//     m = x > 0 (bool), all [n]. The conversions are exact only for values
//     that float16 represents exactly (the tests use multiples of 1/4).
//
// Planning fails when batch > 1000000 (a stand-in for dims that contradict
// the graph) or when x and y disagree on batch. FAKE_ABI_VERSION builds a
// library that reports another ABI version.
//
//===----------------------------------------------------------------------===//

#include "llmrt/ModuleABI.h"

#include <atomic>
#include <cstdio>
#include <cstring>

#ifndef FAKE_ABI_VERSION
#define FAKE_ABI_VERSION LLM_MODULE_ABI_VERSION
#endif

namespace {

// Test instrumentation only (generated modules hold no state): how often the
// runtime planned, so the tests can see that plans are cached.
std::atomic<int64_t> planCalls{0};

void setError(char *error, size_t capacity, const char *message) {
  if (error && capacity)
    std::snprintf(error, capacity, "%s", message);
}

} // namespace

extern "C" {

__attribute__((visibility("default"))) int32_t llm_module_abi_version(void) {
  return FAKE_ABI_VERSION;
}

__attribute__((visibility("default"))) int64_t fake_plan_calls(void) { return planCalls.load(); }

__attribute__((visibility("default"))) int32_t fake_main_plan(const LLMPlanArgs *args) {
  ++planCalls;
  int64_t batch = args->input_dims[0][0];
  if (args->input_dims[1][0] != batch) {
    setError(args->error, args->error_capacity, "x and y disagree on batch");
    return 1;
  }
  if (batch > 1000000) {
    char message[128];
    std::snprintf(message, sizeof(message), "batch %lld is larger than 1000000",
                  static_cast<long long>(batch));
    setError(args->error, args->error_capacity, message);
    return 1;
  }
  args->buffer_bytes[0] = batch * 4 * 4;
  args->buffer_bytes[1] = batch * 4 * 4;
  args->output_dims[0][0] = batch;
  args->output_dims[0][1] = 4;
  return 0;
}

__attribute__((visibility("default"))) int32_t fake_main_run(const LLMRunArgs *args) {
  if (args->num_threads < 1 || reinterpret_cast<uintptr_t>(args->arena) % 64 != 0 ||
      args->buffer_offsets[0] % 64 != 0 || args->buffer_offsets[1] % 64 != 0) {
    setError(args->error, args->error_capacity, "bad run arguments");
    return 2;
  }
  const int64_t batch = args->input_dims[0][0];
  const int64_t n = batch * 4;
  const float *x = static_cast<const float *>(args->inputs[0]);
  const float *y = static_cast<const float *>(args->inputs[1]);
  const float *w = static_cast<const float *>(args->weights[0]);
  float *t0 = reinterpret_cast<float *>(args->arena + args->buffer_offsets[0]);
  float *t1 = reinterpret_cast<float *>(args->arena + args->buffer_offsets[1]);
  float *z = static_cast<float *>(args->outputs[0]);
  for (int64_t i = 0; i < n; ++i)
    t0[i] = x[i] + y[i];
  for (int64_t i = 0; i < n; ++i)
    t1[i] = t0[i] * w[i % 4];
  for (int64_t i = 0; i < n; ++i)
    z[i] = t1[i] + 1.0f;
  return 0;
}

__attribute__((visibility("default"))) int32_t fake_const_plan(const LLMPlanArgs *args) {
  args->output_dims[0][0] = 4;
  return 0;
}

__attribute__((visibility("default"))) int32_t fake_const_run(const LLMRunArgs *args) {
  const float *w = static_cast<const float *>(args->weights[0]);
  float *c = static_cast<float *>(args->outputs[0]);
  for (int i = 0; i < 4; ++i)
    c[i] = 2.0f * w[i];
  return 0;
}

} // extern "C"

namespace {

uint16_t toHalfExact(float f) {
  uint32_t bits;
  std::memcpy(&bits, &f, 4);
  uint16_t sign = static_cast<uint16_t>((bits >> 16) & 0x8000);
  if ((bits & 0x7fffffff) == 0)
    return sign;
  uint32_t exponent = (bits >> 23) & 0xff, mantissa = bits & 0x7fffff;
  return sign | static_cast<uint16_t>(((exponent - 112) << 10) | (mantissa >> 13));
}

uint16_t toBFloat16Exact(float f) {
  uint32_t bits;
  std::memcpy(&bits, &f, 4);
  return static_cast<uint16_t>(bits >> 16);
}

} // namespace

extern "C" {

__attribute__((visibility("default"))) int32_t fake_casts_plan(const LLMPlanArgs *args) {
  for (int o = 0; o < 4; ++o)
    args->output_dims[o][0] = args->input_dims[0][0];
  return 0;
}

__attribute__((visibility("default"))) int32_t fake_casts_run(const LLMRunArgs *args) {
  const int64_t n = args->input_dims[0][0];
  const float *x = static_cast<const float *>(args->inputs[0]);
  uint16_t *h = static_cast<uint16_t *>(args->outputs[0]);
  uint16_t *b = static_cast<uint16_t *>(args->outputs[1]);
  int64_t *i64 = static_cast<int64_t *>(args->outputs[2]);
  uint8_t *m = static_cast<uint8_t *>(args->outputs[3]);
  for (int64_t i = 0; i < n; ++i) {
    h[i] = toHalfExact(x[i]);
    b[i] = toBFloat16Exact(x[i]);
    i64[i] = static_cast<int64_t>(x[i] * 4.0f);
    m[i] = x[i] > 0.0f;
  }
  return 0;
}

} // extern "C"
