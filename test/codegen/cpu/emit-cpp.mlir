// RUN: llm-opt %s --emit=cpp --no-optimize | FileCheck %s

// The generated source for a small dense layer: dims computed once from the
// input dims (with the checks the verifier could not make statically),
// buffers from the memory plan, one kernel call per op.

// CHECK: extern "C" int32_t llm_module_abi_version(void)
// Small constants are compiled in; weights would be read through W[k].
// CHECK: alignas(64) const unsigned char cv{{[0-9]+}}[4] = {

// CHECK-LABEL: static int32_t computeDims_dense(const int64_t *const *in, int64_t *D, char *E, size_t EC)
// CHECK: D[0] = in[0][0];
// The reshape must keep the element count, whatever the batch is.
// CHECK: D[1] = llmk::divFloor(D[0], 2LL);
// CHECK: if (((D[0] * 8LL)) != ((D[1] * 4LL * 4LL))) return llmk::fail(E, EC, "{{.*}}reshape changes the number of elements (%lld vs %lld)"

// CHECK-LABEL: extern "C" int32_t llm_dense_plan(const LLMPlanArgs *args)
// CHECK: args->buffer_bytes[0] = (D[0] * 8LL) * (int64_t)sizeof(float);
// CHECK: args->output_dims[0][0] = D[1];

// CHECK-LABEL: extern "C" int32_t llm_dense_run(const LLMRunArgs *args)
// CHECK: auto *[[X:v[0-9]+]] = static_cast<float *>(const_cast<void *>(args->inputs[0]));
// CHECK: llmk::linear<float>([[X]], {{.*}}, nullptr, nullptr, [[Y:v[0-9]+]], (D[0]), 8LL, 16LL, false, llmk::Activation::None);
// CHECK: llmk::elementwise(llmk::Shape{2, {D[0], 8LL}}, {{.*}}, [] LLMK_FN (auto a) { return llmk::gelu(a); }
// CHECK: llmk::copy(args->outputs[0],
func.func @dense(%x: tensor<?x16xf32>, %w: tensor<16x8xf32>) -> tensor<?x4x4xf32> {
  %c = llm.constant dense<1.0> : tensor<f32>
  %y = llm.linear %x, %w : (tensor<?x16xf32>, tensor<16x8xf32>) -> tensor<?x8xf32>
  %g = llm.gelu %y : tensor<?x8xf32>
  %s = llm.add %g, %c : (tensor<?x8xf32>, tensor<f32>) -> tensor<?x8xf32>
  %b = llm.dim %x, 0 : tensor<?x16xf32>
  %two = arith.constant 2 : index
  %h = arith.floordivsi %b, %two : index
  %r = llm.reshape %s [%h, 4, 4] : tensor<?x8xf32> -> tensor<?x4x4xf32>
  return %r : tensor<?x4x4xf32>
}

// A returned result is written straight into the output buffer the runtime
// allocated from the plan, not into the arena and then copied. Returned twice,
// the second output is a copy of the first; a returned view (the reshape
// above) or argument is copied too.
// CHECK-LABEL: extern "C" int32_t llm_direct_run(const LLMRunArgs *args)
// CHECK: auto *[[X:v[0-9]+]] = static_cast<float *>(const_cast<void *>(args->inputs[0]));
// CHECK: auto *[[E:v[0-9]+]] = static_cast<float *>(args->outputs[0]);
// CHECK: llmk::elementwise(llmk::Shape{1, {D[0]}}, [[E]], [] LLMK_FN (auto a) { return llmk::vexp(a); }
// CHECK-NOT: llmk::copy(args->outputs[0],
// CHECK: llmk::copy(args->outputs[1], [[E]],
// CHECK: llmk::copy(args->outputs[2], [[X]],
func.func @direct(%x: tensor<?xf32>) -> (tensor<?xf32>, tensor<?xf32>, tensor<?xf32>) {
  %e = llm.exp %x : tensor<?xf32>
  return %e, %e, %x : tensor<?xf32>, tensor<?xf32>, tensor<?xf32>
}
