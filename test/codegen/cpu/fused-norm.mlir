// RUN: llm-opt %s --emit=cpp | FileCheck %s

// A norm over the last axis and the elementwise ops that compute its input
// (llm-fuse-elementwise makes them one llm.fused region) are one
// llmk::fusedLayerNorm call: the prologue is an LLMK_FN lambda over the
// region's elementwise inputs, each op's value rounded to its type as in
// an elementwise region; scale and bias are pointers as for llmk::layerNorm.

// The residual stream: the sum is also a result, written by the same call.
// CHECK-LABEL: extern "C" int32_t llm_residual_norm_run(
// CHECK: auto *[[H:v[0-9]+]] = {{.*}}args->inputs[0]
// CHECK: auto *[[P:v[0-9]+]] = {{.*}}args->inputs[1]
// CHECK: auto *[[G:v[0-9]+]] = {{.*}}args->inputs[2]
// CHECK: auto *[[B:v[0-9]+]] = {{.*}}args->inputs[3]
// Both results are returned: written straight into the output buffers.
// CHECK: auto *[[OUT:v[0-9]+]] = static_cast<float *>(args->outputs[0]);
// CHECK: auto *[[SUM:v[0-9]+]] = static_cast<float *>(args->outputs[1]);
// CHECK-NOT: llmk::elementwise
// CHECK-NOT: llmk::layerNorm
// CHECK: llmk::fusedLayerNorm<float>(llmk::Shape{3, {D[[[D0:[0-9]+]]], D[[[D1:[0-9]+]]], 768LL}}, [[OUT]], [[SUM]], [] LLMK_FN (auto x0, auto x1) {
// CHECK-NEXT: const auto t0 = llmk::load(llmk::convert<float>([](auto a, auto b) { return a + b; }(x0, x1)));
// CHECK-NEXT: return t0;
// CHECK-NEXT: }, [[G]], (768LL), [[B]], (768LL), 0x1.4f8b58p-17, true, llmk::in([[H]], llmk::Shape{3, {{.*}}}), llmk::in([[P]], llmk::Shape{3, {{.*}}}));
// CHECK-NOT: llmk::copy(args->outputs
func.func @residual_norm(%h: tensor<?x?x768xf32>, %p: tensor<?x?x768xf32>, %g: tensor<768xf32>, %b: tensor<768xf32>) -> (tensor<?x?x768xf32>, tensor<?x?x768xf32>) {
  %s = llm.add %h, %p : (tensor<?x?x768xf32>, tensor<?x?x768xf32>) -> tensor<?x?x768xf32>
  %n = llm.layer_norm %s scale %g : tensor<768xf32> bias %b : tensor<768xf32> {axis = 2 : i64, epsilon = 1.0e-05 : f32} : tensor<?x?x768xf32>
  return %n, %s : tensor<?x?x768xf32>, tensor<?x?x768xf32>
}

// RMS norm of a bf16 input cast up and scaled by a scalar: the prologue's
// value has no other user, so no pointer receives it; no bias.
// CHECK-LABEL: extern "C" int32_t llm_rms_cast_run(
// CHECK: llmk::fusedLayerNorm<float>(llmk::Shape{2, {D[0], 64LL}}, v{{[0-9]+}}, static_cast<float *>(nullptr), [] LLMK_FN (auto x0, auto x1) {
// CHECK-NEXT: const auto t0 = llmk::load(llmk::convert<float>([](auto a) { return a; }(x0)));
// CHECK-NEXT: const auto t1 = llmk::load(llmk::convert<float>([](auto a, auto b) { return a * b; }(t0, x1)));
// CHECK-NEXT: return t1;
// CHECK-NEXT: }, v{{[0-9]+}}, (64LL), nullptr, 0, 0x1.0c6f7ap-20, false, llmk::in(v{{[0-9]+}}, llmk::Shape{2, {D[0], 64LL}}), llmk::in(v{{[0-9]+}}, llmk::Shape{0, {}}));
func.func @rms_cast(%x: tensor<?x64xbf16>, %c: tensor<f32>, %g: tensor<64xf32>) -> tensor<?x64xf32> {
  %0 = llm.cast %x : tensor<?x64xbf16> to tensor<?x64xf32>
  %1 = llm.mul %0, %c : (tensor<?x64xf32>, tensor<f32>) -> tensor<?x64xf32>
  %n = llm.rms_norm %1 scale %g : tensor<64xf32> {axis = 1 : i64, epsilon = 1.0e-06 : f32} : tensor<?x64xf32>
  return %n : tensor<?x64xf32>
}
