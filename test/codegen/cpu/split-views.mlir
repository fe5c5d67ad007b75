// RUN: llm-opt %s --emit=cpp | FileCheck %s

// Gate and up as the two halves of one merged projection: the swiglu reads
// them in place, rows 256 elements apart (llmk::In::rowStride), and nothing
// copies them out (no llmk::slice).
// CHECK-LABEL: mlp_merged
// CHECK: auto *[[M:v[0-9]+]] = reinterpret_cast<float *>(A + O[0]);
// CHECK: auto *[[G:v[0-9]+]] = [[M]] + 0;
// CHECK-NEXT: auto *[[U:v[0-9]+]] = [[M]] + 128;
// CHECK-NOT: llmk::slice(
// CHECK: llmk::in([[G]], llmk::Shape{2, {D[0], 128LL}}, 256LL), llmk::in([[U]], llmk::Shape{2, {D[0], 128LL}}, 256LL)
func.func @mlp_merged(%x: tensor<?x256xf32>) -> tensor<?x128xf32> {
  %m = llm.exp %x : tensor<?x256xf32>
  %g, %u = llm.split %m {axis = 1 : i64, sizes = array<i64: 128, 128>} : tensor<?x256xf32> -> tensor<?x128xf32>, tensor<?x128xf32>
  %h = llm.swiglu %g, %u : tensor<?x128xf32>
  return %h : tensor<?x128xf32>
}
