// RUN: llm-opt %s --target=cuda --precision=f16 --emit=cpp | FileCheck %s

// The CUDA target emits a fused norm region as the CPU target does, over
// the CUDA library's llmk::fusedLayerNorm (one kernel). With f16 compute the
// casts of the f32 arguments are part of the prologue: the kernel reads the
// f32 inputs and writes the f16 sum and norm.
// CHECK: #include "llmk/llmk.cuh"
// CHECK-LABEL: extern "C" int32_t llm_residual_norm_run(
// CHECK-NOT: llmk::layerNorm
// CHECK: llmk::fusedLayerNorm<llmk::f16>(llmk::Shape{3, {{.*}}}, [[OUT:v[0-9]+]], [[SUM:v[0-9]+]], [] LLMK_FN (auto x0, auto x1) {
// CHECK-NEXT: const auto t0 = llmk::load(llmk::convert<llmk::f16>([](auto a) { return a; }(x0)));
// CHECK-NEXT: const auto t1 = llmk::load(llmk::convert<llmk::f16>([](auto a) { return a; }(x1)));
// CHECK-NEXT: const auto t2 = llmk::load(llmk::convert<llmk::f16>([](auto a, auto b) { return a + b; }(t0, t1)));
// CHECK-NEXT: return t2;
// CHECK-NEXT: }, v{{[0-9]+}}, (768LL), v{{[0-9]+}}, (768LL), 0x1.4f8b58p-17, true, llmk::in(v{{[0-9]+}}, {{.*}}), llmk::in(v{{[0-9]+}}, {{.*}}));
// The f32 interface: both results are cast back up.
// CHECK: llmk::elementwise({{.*}}, [] LLMK_FN (auto a) { return a; }, llmk::in([[SUM]],
// CHECK: llmk::elementwise({{.*}}, [] LLMK_FN (auto a) { return a; }, llmk::in([[OUT]],
func.func @residual_norm(%h: tensor<?x?x768xf32>, %p: tensor<?x?x768xf32>, %g: tensor<768xf32>, %b: tensor<768xf32>) -> (tensor<?x?x768xf32>, tensor<?x?x768xf32>) {
  %s = llm.add %h, %p : (tensor<?x?x768xf32>, tensor<?x?x768xf32>) -> tensor<?x?x768xf32>
  %n = llm.layer_norm %s scale %g : tensor<768xf32> bias %b : tensor<768xf32> {axis = 2 : i64, epsilon = 1.0e-05 : f32} : tensor<?x?x768xf32>
  return %n, %s : tensor<?x?x768xf32>, tensor<?x?x768xf32>
}
