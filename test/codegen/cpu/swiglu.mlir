// RUN: llm-opt %s -llm-fuse-elementwise | FileCheck %s --check-prefix=FUSED
// RUN: llm-opt %s --emit=cpp | FileCheck %s

// llm.swiglu is elementwise: llm-fuse-elementwise puts it in one loop with
// the ops around it, and its scalar body is sigmoid(gate) * gate * up.

// FUSED-LABEL: func.func @mlp
// FUSED-NEXT: %[[F:.+]] = llm.fused
// FUSED: llm.swiglu
// FUSED-NEXT: llm.mul
// FUSED-NEXT: llm.yield
// FUSED: return %[[F]]

// CHECK: [](auto a, auto b) { return llmk::sigmoid(a) * a * b; }
func.func @mlp(%g: tensor<?x128xf32>, %u: tensor<?x128xf32>, %s: tensor<128xf32>) -> tensor<?x128xf32> {
  %h = llm.swiglu %g, %u : tensor<?x128xf32>
  %y = llm.mul %h, %s : (tensor<?x128xf32>, tensor<128xf32>) -> tensor<?x128xf32>
  return %y : tensor<?x128xf32>
}
