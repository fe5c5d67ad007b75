// RUN: llm-opt %s --emit=cpp --target=cuda | FileCheck %s
// RUN: llm-opt %s -llm-plan-memory=split-views=false | FileCheck %s --check-prefix=PLAN

// The CUDA target still copies the pieces of a merged projection out
// (llm-plan-memory's split-views is off for it until the GPU suites have
// run the row-strided views; the CPU target reads them in place, see
// test/codegen/cpu/split-views.mlir).
// CHECK-LABEL: mlp_merged
// CHECK-COUNT-2: llmk::slice(
// CHECK: llmk::in({{v[0-9]+}}, llmk::Shape{2, {D[0], 128LL}}), llmk::in({{v[0-9]+}}, llmk::Shape{2, {D[0], 128LL}})
// PLAN: llm.split {{.*}}llm.buffers = array<i64: 1, 2>
func.func @mlp_merged(%x: tensor<?x256xf32>) -> tensor<?x128xf32> {
  %m = llm.exp %x : tensor<?x256xf32>
  %g, %u = llm.split %m {axis = 1 : i64, sizes = array<i64: 128, 128>} : tensor<?x256xf32> -> tensor<?x128xf32>, tensor<?x128xf32>
  %h = llm.swiglu %g, %u : tensor<?x128xf32>
  return %h : tensor<?x128xf32>
}
