// RUN: llm-opt %s -llm-fuse-epilogues -split-input-file | FileCheck %s

// matmul -> llm.linear, then the bias, activation and residual that follow
// the product folded into it (bias, activation, residual: the order the
// linear applies them in), also through the flattening reshape of HF's
// Conv1D; then the near misses that must stay as they are. Each case checks
// the whole function body with CHECK-NEXT, so a folded op is gone.

// matmul(x, W) with a 2-D W is a linear, whatever the rank of x.
// CHECK-LABEL: func.func @matmul_2d_weight
// CHECK-SAME: (%[[X:.+]]: tensor<?x?x8xf32>, %[[W:.+]]: tensor<8x16xf32>, %[[X2:.+]]: tensor<4x8xf32>)
// CHECK-NEXT: %[[Y:.+]] = llm.linear %[[X]], %[[W]] : (tensor<?x?x8xf32>, tensor<8x16xf32>) -> tensor<?x?x16xf32>
// CHECK-NEXT: %[[Y2:.+]] = llm.linear %[[X2]], %[[W]] : (tensor<4x8xf32>, tensor<8x16xf32>) -> tensor<4x16xf32>
// CHECK-NEXT: return %[[Y]], %[[Y2]]
func.func @matmul_2d_weight(%x: tensor<?x?x8xf32>, %w: tensor<8x16xf32>, %x2: tensor<4x8xf32>) -> (tensor<?x?x16xf32>, tensor<4x16xf32>) {
  %y = llm.matmul %x, %w : (tensor<?x?x8xf32>, tensor<8x16xf32>) -> tensor<?x?x16xf32>
  %y2 = llm.matmul %x2, %w : (tensor<4x8xf32>, tensor<8x16xf32>) -> tensor<4x16xf32>
  return %y, %y2 : tensor<?x?x16xf32>, tensor<4x16xf32>
}

// -----

// matmul(x, transpose(W)): the [N, K] weight is read as it is stored, no
// transposed copy.
// CHECK-LABEL: func.func @matmul_transposed_weight
// CHECK-SAME: (%[[X:.+]]: tensor<?x?x8xf32>, %[[W:.+]]: tensor<16x8xf32>)
// CHECK-NEXT: %[[Y:.+]] = llm.linear %[[X]], %[[W]] {transpose_weight = true} : (tensor<?x?x8xf32>, tensor<16x8xf32>) -> tensor<?x?x16xf32>
// CHECK-NEXT: return %[[Y]]
func.func @matmul_transposed_weight(%x: tensor<?x?x8xf32>, %w: tensor<16x8xf32>) -> tensor<?x?x16xf32> {
  %t = llm.transpose %w {permutation = array<i64: 1, 0>} : tensor<16x8xf32> -> tensor<8x16xf32>
  %y = llm.matmul %x, %t : (tensor<?x?x8xf32>, tensor<8x16xf32>) -> tensor<?x?x16xf32>
  return %y : tensor<?x?x16xf32>
}

// -----

// A tied embedding read as the LM head: the table is gathered for the
// input and, transposed, is the head's weight. The head reads the table as
// stored, and the transpose, left without a use, is gone.
// CHECK-LABEL: func.func @tied_lm_head
// CHECK-SAME: (%[[IDS:.+]]: tensor<?xi64>, %[[E:.+]]: tensor<32x8xf32>, %[[H:.+]]: tensor<?x8xf32>)
// CHECK-NEXT: %[[G:.+]] = llm.gather %[[E]], %[[IDS]]
// CHECK-NEXT: %[[L:.+]] = llm.linear %[[H]], %[[E]] {transpose_weight = true} : (tensor<?x8xf32>, tensor<32x8xf32>) -> tensor<?x32xf32>
// CHECK-NEXT: return %[[G]], %[[L]]
func.func @tied_lm_head(%ids: tensor<?xi64>, %e: tensor<32x8xf32>, %h: tensor<?x8xf32>) -> (tensor<?x8xf32>, tensor<?x32xf32>) {
  %g = llm.gather %e, %ids {axis = 0 : i64} : (tensor<32x8xf32>, tensor<?xi64>) -> tensor<?x8xf32>
  %t = llm.transpose %e {permutation = array<i64: 1, 0>} : tensor<32x8xf32> -> tensor<8x32xf32>
  %l = llm.matmul %h, %t : (tensor<?x8xf32>, tensor<8x32xf32>) -> tensor<?x32xf32>
  return %g, %l : tensor<?x8xf32>, tensor<?x32xf32>
}

// -----

// The transpose has another use: the linear reads the untransposed weight,
// the transpose stays for its other user.
// CHECK-LABEL: func.func @transpose_other_use
// CHECK-SAME: (%[[X:.+]]: tensor<?x8xf32>, %[[W:.+]]: tensor<16x8xf32>)
// CHECK-NEXT: %[[T:.+]] = llm.transpose %[[W]]
// CHECK-NEXT: %[[Y:.+]] = llm.linear %[[X]], %[[W]] {transpose_weight = true}
// CHECK-NEXT: return %[[Y]], %[[T]]
func.func @transpose_other_use(%x: tensor<?x8xf32>, %w: tensor<16x8xf32>) -> (tensor<?x16xf32>, tensor<8x16xf32>) {
  %t = llm.transpose %w {permutation = array<i64: 1, 0>} : tensor<16x8xf32> -> tensor<8x16xf32>
  %y = llm.matmul %x, %t : (tensor<?x8xf32>, tensor<8x16xf32>) -> tensor<?x16xf32>
  return %y, %t : tensor<?x16xf32>, tensor<8x16xf32>
}

// -----

// Near miss: an identity "transpose" (permutation [0, 1], which the pass
// sees when no canonicalizer ran before it) is no [N, K] weight: the linear
// reads it as [K, N], without transpose_weight.
// CHECK-LABEL: func.func @identity_transpose
// CHECK-SAME: (%[[X:.+]]: tensor<?x8xf32>, %[[W:.+]]: tensor<8x8xf32>)
// CHECK-NEXT: %[[T:.+]] = llm.transpose %[[W]] {permutation = array<i64: 0, 1>}
// CHECK-NEXT: %[[Y:.+]] = llm.linear %[[X]], %[[T]] : (tensor<?x8xf32>, tensor<8x8xf32>) -> tensor<?x8xf32>
// CHECK-NEXT: return %[[Y]]
func.func @identity_transpose(%x: tensor<?x8xf32>, %w: tensor<8x8xf32>) -> tensor<?x8xf32> {
  %t = llm.transpose %w {permutation = array<i64: 0, 1>} : tensor<8x8xf32> -> tensor<8x8xf32>
  %y = llm.matmul %x, %t : (tensor<?x8xf32>, tensor<8x8xf32>) -> tensor<?x8xf32>
  return %y : tensor<?x8xf32>
}

// -----

// Near misses: a batched rhs (attention's q @ k^T) and a 1-D lhs (a
// vector-matrix product, whose result drops the promoted dim) stay matmuls.
// CHECK-LABEL: func.func @matmul_not_linear
// CHECK-NEXT: llm.matmul %{{.+}}, %{{.+}} : (tensor<2x4x8x16xf32>, tensor<2x4x16x8xf32>) -> tensor<2x4x8x8xf32>
// CHECK-NEXT: llm.matmul %{{.+}}, %{{.+}} : (tensor<?x?x16xf32>, tensor<?x16x8xf32>) -> tensor<?x?x8xf32>
// CHECK-NEXT: llm.matmul %{{.+}}, %{{.+}} : (tensor<8xf32>, tensor<8x16xf32>) -> tensor<16xf32>
// CHECK-NEXT: return
// CHECK-NOT: llm.linear
func.func @matmul_not_linear(%q: tensor<2x4x8x16xf32>, %kt: tensor<2x4x16x8xf32>, %a: tensor<?x?x16xf32>, %b: tensor<?x16x8xf32>, %v: tensor<8xf32>, %w: tensor<8x16xf32>) -> (tensor<2x4x8x8xf32>, tensor<?x?x8xf32>, tensor<16xf32>) {
  %s = llm.matmul %q, %kt : (tensor<2x4x8x16xf32>, tensor<2x4x16x8xf32>) -> tensor<2x4x8x8xf32>
  %p = llm.matmul %a, %b : (tensor<?x?x16xf32>, tensor<?x16x8xf32>) -> tensor<?x?x8xf32>
  %y = llm.matmul %v, %w : (tensor<8xf32>, tensor<8x16xf32>) -> tensor<16xf32>
  return %s, %p, %y : tensor<2x4x8x8xf32>, tensor<?x?x8xf32>, tensor<16xf32>
}

// -----

// A 1-D bias of N elements, added on either side.
// CHECK-LABEL: func.func @bias
// CHECK-SAME: (%[[X:.+]]: tensor<?x?x8xf32>, %[[W:.+]]: tensor<8x16xf32>, %[[B:.+]]: tensor<16xf32>)
// CHECK-NEXT: %[[Y:.+]] = llm.linear %[[X]], %[[W]], %[[B]] : (tensor<?x?x8xf32>, tensor<8x16xf32>, tensor<16xf32>) -> tensor<?x?x16xf32>
// CHECK-NEXT: %[[Y2:.+]] = llm.linear %[[X]], %[[W]], %[[B]] : (tensor<?x?x8xf32>, tensor<8x16xf32>, tensor<16xf32>) -> tensor<?x?x16xf32>
// CHECK-NEXT: return %[[Y]], %[[Y2]]
func.func @bias(%x: tensor<?x?x8xf32>, %w: tensor<8x16xf32>, %b: tensor<16xf32>) -> (tensor<?x?x16xf32>, tensor<?x?x16xf32>) {
  %m = llm.matmul %x, %w : (tensor<?x?x8xf32>, tensor<8x16xf32>) -> tensor<?x?x16xf32>
  %y = llm.add %m, %b : (tensor<?x?x16xf32>, tensor<16xf32>) -> tensor<?x?x16xf32>
  %m2 = llm.matmul %x, %w : (tensor<?x?x8xf32>, tensor<8x16xf32>) -> tensor<?x?x16xf32>
  %y2 = llm.add %b, %m2 : (tensor<16xf32>, tensor<?x?x16xf32>) -> tensor<?x?x16xf32>
  return %y, %y2 : tensor<?x?x16xf32>, tensor<?x?x16xf32>
}

// -----

// Activations of a linear: exact and tanh GELU, SiLU, ReLU.
// CHECK-LABEL: func.func @activations
// CHECK-SAME: (%[[X:.+]]: tensor<?x8xf32>, %[[W:.+]]: tensor<8x16xf32>)
// CHECK-NEXT: %[[A:.+]] = llm.linear %[[X]], %[[W]] {activation = "gelu"} : (tensor<?x8xf32>, tensor<8x16xf32>) -> tensor<?x16xf32>
// CHECK-NEXT: %[[B:.+]] = llm.linear %[[X]], %[[W]] {activation = "gelu_tanh"} : (tensor<?x8xf32>, tensor<8x16xf32>) -> tensor<?x16xf32>
// CHECK-NEXT: %[[C:.+]] = llm.linear %[[X]], %[[W]] {activation = "silu"} : (tensor<?x8xf32>, tensor<8x16xf32>) -> tensor<?x16xf32>
// CHECK-NEXT: %[[D:.+]] = llm.linear %[[X]], %[[W]] {activation = "relu"} : (tensor<?x8xf32>, tensor<8x16xf32>) -> tensor<?x16xf32>
// CHECK-NEXT: return %[[A]], %[[B]], %[[C]], %[[D]]
func.func @activations(%x: tensor<?x8xf32>, %w: tensor<8x16xf32>) -> (tensor<?x16xf32>, tensor<?x16xf32>, tensor<?x16xf32>, tensor<?x16xf32>) {
  %m0 = llm.matmul %x, %w : (tensor<?x8xf32>, tensor<8x16xf32>) -> tensor<?x16xf32>
  %a = llm.gelu %m0 : tensor<?x16xf32>
  %m1 = llm.matmul %x, %w : (tensor<?x8xf32>, tensor<8x16xf32>) -> tensor<?x16xf32>
  %b = llm.gelu %m1 {approximate = "tanh"} : tensor<?x16xf32>
  %m2 = llm.matmul %x, %w : (tensor<?x8xf32>, tensor<8x16xf32>) -> tensor<?x16xf32>
  %c = llm.silu %m2 : tensor<?x16xf32>
  %m3 = llm.matmul %x, %w : (tensor<?x8xf32>, tensor<8x16xf32>) -> tensor<?x16xf32>
  %d = llm.relu %m3 : tensor<?x16xf32>
  return %a, %b, %c, %d : tensor<?x16xf32>, tensor<?x16xf32>, tensor<?x16xf32>, tensor<?x16xf32>
}

// -----

// A residual of the result's type, added on either side.
// CHECK-LABEL: func.func @residual
// CHECK-SAME: (%[[X:.+]]: tensor<?x?x8xf32>, %[[W:.+]]: tensor<8x16xf32>, %[[R:.+]]: tensor<?x?x16xf32>)
// CHECK-NEXT: %[[Y:.+]] = llm.linear %[[X]], %[[W]] residual %[[R]] : (tensor<?x?x8xf32>, tensor<8x16xf32>, tensor<?x?x16xf32>) -> tensor<?x?x16xf32>
// CHECK-NEXT: %[[Y2:.+]] = llm.linear %[[X]], %[[W]] residual %[[R]] : (tensor<?x?x8xf32>, tensor<8x16xf32>, tensor<?x?x16xf32>) -> tensor<?x?x16xf32>
// CHECK-NEXT: return %[[Y]], %[[Y2]]
func.func @residual(%x: tensor<?x?x8xf32>, %w: tensor<8x16xf32>, %r: tensor<?x?x16xf32>) -> (tensor<?x?x16xf32>, tensor<?x?x16xf32>) {
  %m = llm.matmul %x, %w : (tensor<?x?x8xf32>, tensor<8x16xf32>) -> tensor<?x?x16xf32>
  %y = llm.add %m, %r : (tensor<?x?x16xf32>, tensor<?x?x16xf32>) -> tensor<?x?x16xf32>
  %m2 = llm.matmul %x, %w : (tensor<?x?x8xf32>, tensor<8x16xf32>) -> tensor<?x?x16xf32>
  %y2 = llm.add %r, %m2 : (tensor<?x?x16xf32>, tensor<?x?x16xf32>) -> tensor<?x?x16xf32>
  return %y, %y2 : tensor<?x?x16xf32>, tensor<?x?x16xf32>
}

// -----

// The whole epilogue in its order: bias, GELU, residual become one linear.
// CHECK-LABEL: func.func @bias_gelu_residual
// CHECK-SAME: (%[[X:.+]]: tensor<?x?x8xf32>, %[[W:.+]]: tensor<8x16xf32>, %[[B:.+]]: tensor<16xf32>, %[[R:.+]]: tensor<?x?x16xf32>)
// CHECK-NEXT: %[[Y:.+]] = llm.linear %[[X]], %[[W]], %[[B]] residual %[[R]] {activation = "gelu"} : (tensor<?x?x8xf32>, tensor<8x16xf32>, tensor<16xf32>, tensor<?x?x16xf32>) -> tensor<?x?x16xf32>
// CHECK-NEXT: return %[[Y]]
func.func @bias_gelu_residual(%x: tensor<?x?x8xf32>, %w: tensor<8x16xf32>, %b: tensor<16xf32>, %r: tensor<?x?x16xf32>) -> tensor<?x?x16xf32> {
  %m = llm.matmul %x, %w : (tensor<?x?x8xf32>, tensor<8x16xf32>) -> tensor<?x?x16xf32>
  %a = llm.add %b, %m : (tensor<16xf32>, tensor<?x?x16xf32>) -> tensor<?x?x16xf32>
  %g = llm.gelu %a : tensor<?x?x16xf32>
  %y = llm.add %r, %g : (tensor<?x?x16xf32>, tensor<?x?x16xf32>) -> tensor<?x?x16xf32>
  return %y : tensor<?x?x16xf32>
}

// -----

// Bias and residual without an activation, transposed weight (an
// attention output projection in the nn.Linear layout).
// CHECK-LABEL: func.func @transposed_bias_residual
// CHECK-SAME: (%[[X:.+]]: tensor<?x?x8xf32>, %[[W:.+]]: tensor<8x8xf32>, %[[B:.+]]: tensor<8xf32>, %[[R:.+]]: tensor<?x?x8xf32>)
// CHECK-NEXT: %[[Y:.+]] = llm.linear %[[X]], %[[W]], %[[B]] residual %[[R]] {transpose_weight = true} :
// CHECK-NEXT: return %[[Y]]
func.func @transposed_bias_residual(%x: tensor<?x?x8xf32>, %w: tensor<8x8xf32>, %b: tensor<8xf32>, %r: tensor<?x?x8xf32>) -> tensor<?x?x8xf32> {
  %t = llm.transpose %w {permutation = array<i64: 1, 0>} : tensor<8x8xf32> -> tensor<8x8xf32>
  %m = llm.matmul %x, %t : (tensor<?x?x8xf32>, tensor<8x8xf32>) -> tensor<?x?x8xf32>
  %a = llm.add %m, %b : (tensor<?x?x8xf32>, tensor<8xf32>) -> tensor<?x?x8xf32>
  %y = llm.add %a, %r : (tensor<?x?x8xf32>, tensor<?x?x8xf32>) -> tensor<?x?x8xf32>
  return %y : tensor<?x?x8xf32>
}

// -----

// HF Conv1D as exported: x flattened to [b*s, K], the product and its bias
// on [b*s, N], reshaped back to [b, s, N], then the activation. The bias
// folds directly; the GELU folds through the reshape, which is re-applied
// to the linear's result.
// CHECK-LABEL: func.func @conv1d_gelu
// CHECK-SAME: (%[[X:.+]]: tensor<?x?x8xf32>, %[[W:.+]]: tensor<8x16xf32>, %[[B:.+]]: tensor<16xf32>)
// CHECK-NEXT: %[[D0:.+]] = llm.dim %[[X]], 0
// CHECK-NEXT: %[[D1:.+]] = llm.dim %[[X]], 1
// CHECK-NEXT: %[[BS:.+]] = arith.muli %[[D0]], %[[D1]]
// CHECK-NEXT: %[[X2:.+]] = llm.reshape %[[X]] [%[[BS]], 8] : tensor<?x?x8xf32> -> tensor<?x8xf32>
// CHECK-NEXT: %[[L:.+]] = llm.linear %[[X2]], %[[W]], %[[B]] {activation = "gelu_tanh"} : (tensor<?x8xf32>, tensor<8x16xf32>, tensor<16xf32>) -> tensor<?x16xf32>
// CHECK-NEXT: %[[Y:.+]] = llm.reshape %[[L]] [%[[D0]], %[[D1]], 16] : tensor<?x16xf32> -> tensor<?x?x16xf32>
// CHECK-NEXT: return %[[Y]]
func.func @conv1d_gelu(%x: tensor<?x?x8xf32>, %w: tensor<8x16xf32>, %b: tensor<16xf32>) -> tensor<?x?x16xf32> {
  %d0 = llm.dim %x, 0 : tensor<?x?x8xf32>
  %d1 = llm.dim %x, 1 : tensor<?x?x8xf32>
  %bs = arith.muli %d0, %d1 : index
  %x2 = llm.reshape %x [%bs, 8] : tensor<?x?x8xf32> -> tensor<?x8xf32>
  %m = llm.matmul %x2, %w : (tensor<?x8xf32>, tensor<8x16xf32>) -> tensor<?x16xf32>
  %a = llm.add %b, %m : (tensor<16xf32>, tensor<?x16xf32>) -> tensor<?x16xf32>
  %y = llm.reshape %a [%d0, %d1, 16] : tensor<?x16xf32> -> tensor<?x?x16xf32>
  %g = llm.gelu %y {approximate = "tanh"} : tensor<?x?x16xf32>
  return %g : tensor<?x?x16xf32>
}

// -----

// A bias added after the reshape back folds through it too.
// CHECK-LABEL: func.func @conv1d_bias_after_view
// CHECK-SAME: (%[[X:.+]]: tensor<2x3x8xf32>, %[[W:.+]]: tensor<8x16xf32>, %[[B:.+]]: tensor<16xf32>)
// CHECK-NEXT: %[[X2:.+]] = llm.reshape %[[X]] [6, 8]
// CHECK-NEXT: %[[L:.+]] = llm.linear %[[X2]], %[[W]], %[[B]] : (tensor<6x8xf32>, tensor<8x16xf32>, tensor<16xf32>) -> tensor<6x16xf32>
// CHECK-NEXT: %[[Y:.+]] = llm.reshape %[[L]] [2, 3, 16] : tensor<6x16xf32> -> tensor<2x3x16xf32>
// CHECK-NEXT: return %[[Y]]
func.func @conv1d_bias_after_view(%x: tensor<2x3x8xf32>, %w: tensor<8x16xf32>, %b: tensor<16xf32>) -> tensor<2x3x16xf32> {
  %x2 = llm.reshape %x [6, 8] : tensor<2x3x8xf32> -> tensor<6x8xf32>
  %m = llm.matmul %x2, %w : (tensor<6x8xf32>, tensor<8x16xf32>) -> tensor<6x16xf32>
  %y = llm.reshape %m [2, 3, 16] : tensor<6x16xf32> -> tensor<2x3x16xf32>
  %a = llm.add %y, %b : (tensor<2x3x16xf32>, tensor<16xf32>) -> tensor<2x3x16xf32>
  return %a : tensor<2x3x16xf32>
}

// -----

// GPT-2's attention output projection: Conv1D then the residual add on
// [b, s, N]. The residual is read through the inverse reshape, to the
// linear's [b*s, N], with the leading dim taken from the linear's input.
// CHECK-LABEL: func.func @conv1d_residual
// CHECK-SAME: (%[[X:.+]]: tensor<?x?x8xf32>, %[[W:.+]]: tensor<8x8xf32>, %[[B:.+]]: tensor<8xf32>, %[[R:.+]]: tensor<?x?x8xf32>)
// CHECK-NEXT: %[[D0:.+]] = llm.dim %[[X]], 0
// CHECK-NEXT: %[[D1:.+]] = llm.dim %[[X]], 1
// CHECK-NEXT: %[[BS:.+]] = arith.muli %[[D0]], %[[D1]]
// CHECK-NEXT: %[[X2:.+]] = llm.reshape %[[X]] [%[[BS]], 8]
// CHECK-NEXT: %[[N:.+]] = llm.dim %[[X2]], 0 : tensor<?x8xf32>
// CHECK-NEXT: %[[R2:.+]] = llm.reshape %[[R]] [%[[N]], 8] : tensor<?x?x8xf32> -> tensor<?x8xf32>
// CHECK-NEXT: %[[L:.+]] = llm.linear %[[X2]], %[[W]], %[[B]] residual %[[R2]] : (tensor<?x8xf32>, tensor<8x8xf32>, tensor<8xf32>, tensor<?x8xf32>) -> tensor<?x8xf32>
// CHECK-NEXT: %[[Y:.+]] = llm.reshape %[[L]] [%[[D0]], %[[D1]], 8] : tensor<?x8xf32> -> tensor<?x?x8xf32>
// CHECK-NEXT: return %[[Y]]
func.func @conv1d_residual(%x: tensor<?x?x8xf32>, %w: tensor<8x8xf32>, %b: tensor<8xf32>, %r: tensor<?x?x8xf32>) -> tensor<?x?x8xf32> {
  %d0 = llm.dim %x, 0 : tensor<?x?x8xf32>
  %d1 = llm.dim %x, 1 : tensor<?x?x8xf32>
  %bs = arith.muli %d0, %d1 : index
  %x2 = llm.reshape %x [%bs, 8] : tensor<?x?x8xf32> -> tensor<?x8xf32>
  %m = llm.matmul %x2, %w : (tensor<?x8xf32>, tensor<8x8xf32>) -> tensor<?x8xf32>
  %a = llm.add %m, %b : (tensor<?x8xf32>, tensor<8xf32>) -> tensor<?x8xf32>
  %y = llm.reshape %a [%d0, %d1, 8] : tensor<?x8xf32> -> tensor<?x?x8xf32>
  %z = llm.add %r, %y : (tensor<?x?x8xf32>, tensor<?x?x8xf32>) -> tensor<?x?x8xf32>
  return %z : tensor<?x?x8xf32>
}

// -----

// GPT-2's MLP through views: c_fc (bias, GELU) then c_proj (bias, residual).
// Static shapes: the residual's inverse reshape needs no dims.
// CHECK-LABEL: func.func @conv1d_mlp
// CHECK-SAME: (%[[X:.+]]: tensor<2x3x8xf32>, %[[W1:.+]]: tensor<8x32xf32>, %[[B1:.+]]: tensor<32xf32>, %[[W2:.+]]: tensor<32x8xf32>, %[[B2:.+]]: tensor<8xf32>, %[[R:.+]]: tensor<2x3x8xf32>)
// CHECK-NEXT: %[[X2:.+]] = llm.reshape %[[X]] [6, 8]
// CHECK-NEXT: %[[H:.+]] = llm.linear %[[X2]], %[[W1]], %[[B1]] {activation = "gelu_tanh"} : (tensor<6x8xf32>, tensor<8x32xf32>, tensor<32xf32>) -> tensor<6x32xf32>
// CHECK-NEXT: %[[H3:.+]] = llm.reshape %[[H]] [2, 3, 32]
// CHECK-NEXT: %[[H2:.+]] = llm.reshape %[[H3]] [6, 32]
// CHECK-NEXT: %[[R2:.+]] = llm.reshape %[[R]] [6, 8] : tensor<2x3x8xf32> -> tensor<6x8xf32>
// CHECK-NEXT: %[[O:.+]] = llm.linear %[[H2]], %[[W2]], %[[B2]] residual %[[R2]] : (tensor<6x32xf32>, tensor<32x8xf32>, tensor<8xf32>, tensor<6x8xf32>) -> tensor<6x8xf32>
// CHECK-NEXT: %[[Y:.+]] = llm.reshape %[[O]] [2, 3, 8]
// CHECK-NEXT: return %[[Y]]
func.func @conv1d_mlp(%x: tensor<2x3x8xf32>, %w1: tensor<8x32xf32>, %b1: tensor<32xf32>, %w2: tensor<32x8xf32>, %b2: tensor<8xf32>, %r: tensor<2x3x8xf32>) -> tensor<2x3x8xf32> {
  %x2 = llm.reshape %x [6, 8] : tensor<2x3x8xf32> -> tensor<6x8xf32>
  %m1 = llm.matmul %x2, %w1 : (tensor<6x8xf32>, tensor<8x32xf32>) -> tensor<6x32xf32>
  %a1 = llm.add %m1, %b1 : (tensor<6x32xf32>, tensor<32xf32>) -> tensor<6x32xf32>
  %h3 = llm.reshape %a1 [2, 3, 32] : tensor<6x32xf32> -> tensor<2x3x32xf32>
  %g = llm.gelu %h3 {approximate = "tanh"} : tensor<2x3x32xf32>
  %h2 = llm.reshape %g [6, 32] : tensor<2x3x32xf32> -> tensor<6x32xf32>
  %m2 = llm.matmul %h2, %w2 : (tensor<6x32xf32>, tensor<32x8xf32>) -> tensor<6x8xf32>
  %a2 = llm.add %m2, %b2 : (tensor<6x8xf32>, tensor<8xf32>) -> tensor<6x8xf32>
  %y = llm.reshape %a2 [2, 3, 8] : tensor<6x8xf32> -> tensor<2x3x8xf32>
  %z = llm.add %y, %r : (tensor<2x3x8xf32>, tensor<2x3x8xf32>) -> tensor<2x3x8xf32>
  return %z : tensor<2x3x8xf32>
}

// -----

// Near miss: the product has a second use, so neither the bias nor the
// activation can be folded (the other user needs the bare product).
// CHECK-LABEL: func.func @second_use
// CHECK-SAME: (%[[X:.+]]: tensor<?x8xf32>, %[[W:.+]]: tensor<8x16xf32>, %[[B:.+]]: tensor<16xf32>)
// CHECK-NEXT: %[[L:.+]] = llm.linear %[[X]], %[[W]] : (tensor<?x8xf32>, tensor<8x16xf32>) -> tensor<?x16xf32>
// CHECK-NEXT: %[[A:.+]] = llm.add %[[L]], %[[B]]
// CHECK-NEXT: %[[G:.+]] = llm.gelu %[[L]]
// CHECK-NEXT: return %[[A]], %[[G]]
func.func @second_use(%x: tensor<?x8xf32>, %w: tensor<8x16xf32>, %b: tensor<16xf32>) -> (tensor<?x16xf32>, tensor<?x16xf32>) {
  %m = llm.matmul %x, %w : (tensor<?x8xf32>, tensor<8x16xf32>) -> tensor<?x16xf32>
  %a = llm.add %m, %b : (tensor<?x16xf32>, tensor<16xf32>) -> tensor<?x16xf32>
  %g = llm.gelu %m : tensor<?x16xf32>
  return %a, %g : tensor<?x16xf32>, tensor<?x16xf32>
}

// -----

// Near miss: the bias folds, but the biased product has a second use, so
// the activation does not.
// CHECK-LABEL: func.func @second_use_after_bias
// CHECK-SAME: (%[[X:.+]]: tensor<?x8xf32>, %[[W:.+]]: tensor<8x16xf32>, %[[B:.+]]: tensor<16xf32>)
// CHECK-NEXT: %[[L:.+]] = llm.linear %[[X]], %[[W]], %[[B]] : (tensor<?x8xf32>, tensor<8x16xf32>, tensor<16xf32>) -> tensor<?x16xf32>
// CHECK-NEXT: %[[G:.+]] = llm.silu %[[L]]
// CHECK-NEXT: return %[[L]], %[[G]]
func.func @second_use_after_bias(%x: tensor<?x8xf32>, %w: tensor<8x16xf32>, %b: tensor<16xf32>) -> (tensor<?x16xf32>, tensor<?x16xf32>) {
  %m = llm.matmul %x, %w : (tensor<?x8xf32>, tensor<8x16xf32>) -> tensor<?x16xf32>
  %a = llm.add %m, %b : (tensor<?x16xf32>, tensor<16xf32>) -> tensor<?x16xf32>
  %g = llm.silu %a : tensor<?x16xf32>
  return %a, %g : tensor<?x16xf32>, tensor<?x16xf32>
}

// -----

// Near misses: adds that broadcast the product to a larger shape are no
// residual (the linear would have to write more than its product): a new
// leading dim, and a [1, N] product broadcast to [4, N] rows.
// CHECK-LABEL: func.func @broadcasting_add
// CHECK-SAME: (%[[X:.+]]: tensor<?x8xf32>, %[[W:.+]]: tensor<8x16xf32>, %[[R:.+]]: tensor<4x?x16xf32>, %[[X1:.+]]: tensor<1x8xf32>, %[[R1:.+]]: tensor<4x16xf32>)
// CHECK-NEXT: %[[L:.+]] = llm.linear %[[X]], %[[W]] : (tensor<?x8xf32>, tensor<8x16xf32>) -> tensor<?x16xf32>
// CHECK-NEXT: %[[A:.+]] = llm.add %[[L]], %[[R]] : (tensor<?x16xf32>, tensor<4x?x16xf32>) -> tensor<4x?x16xf32>
// CHECK-NEXT: %[[L1:.+]] = llm.linear %[[X1]], %[[W]] : (tensor<1x8xf32>, tensor<8x16xf32>) -> tensor<1x16xf32>
// CHECK-NEXT: %[[C:.+]] = llm.add %[[R1]], %[[L1]] : (tensor<4x16xf32>, tensor<1x16xf32>) -> tensor<4x16xf32>
// CHECK-NEXT: return %[[A]], %[[C]]
func.func @broadcasting_add(%x: tensor<?x8xf32>, %w: tensor<8x16xf32>, %r: tensor<4x?x16xf32>, %x1: tensor<1x8xf32>, %r1: tensor<4x16xf32>) -> (tensor<4x?x16xf32>, tensor<4x16xf32>) {
  %m = llm.matmul %x, %w : (tensor<?x8xf32>, tensor<8x16xf32>) -> tensor<?x16xf32>
  %a = llm.add %m, %r : (tensor<?x16xf32>, tensor<4x?x16xf32>) -> tensor<4x?x16xf32>
  %m1 = llm.matmul %x1, %w : (tensor<1x8xf32>, tensor<8x16xf32>) -> tensor<1x16xf32>
  %c = llm.add %r1, %m1 : (tensor<4x16xf32>, tensor<1x16xf32>) -> tensor<4x16xf32>
  return %a, %c : tensor<4x?x16xf32>, tensor<4x16xf32>
}

// -----

// Near miss: the bias of a linear written with a [1, N] operand is not 1-D,
// so it is no bias, and it does not have the result's type, so it is no
// residual.
// CHECK-LABEL: func.func @bias_2d
// CHECK-NEXT: %[[L:.+]] = llm.linear
// CHECK-NEXT: %[[A:.+]] = llm.add %[[L]], %{{.+}} : (tensor<?x16xf32>, tensor<1x16xf32>) -> tensor<?x16xf32>
// CHECK-NEXT: return %[[A]]
func.func @bias_2d(%x: tensor<?x8xf32>, %w: tensor<8x16xf32>, %b: tensor<1x16xf32>) -> tensor<?x16xf32> {
  %m = llm.matmul %x, %w : (tensor<?x8xf32>, tensor<8x16xf32>) -> tensor<?x16xf32>
  %a = llm.add %m, %b : (tensor<?x16xf32>, tensor<1x16xf32>) -> tensor<?x16xf32>
  return %a : tensor<?x16xf32>
}

// -----

// Near misses: a bias of the wrong length (one element, broadcast to every
// feature), and one of a length known only at run time (it may be 1).
// CHECK-LABEL: func.func @bias_wrong_length
// CHECK-SAME: (%[[X:.+]]: tensor<?x8xf32>, %[[W:.+]]: tensor<8x16xf32>, %[[B:.+]]: tensor<1xf32>, %[[BD:.+]]: tensor<?xf32>)
// CHECK-NEXT: %[[L:.+]] = llm.linear %[[X]], %[[W]] : (tensor<?x8xf32>, tensor<8x16xf32>) -> tensor<?x16xf32>
// CHECK-NEXT: %[[A:.+]] = llm.add %[[L]], %[[B]] : (tensor<?x16xf32>, tensor<1xf32>) -> tensor<?x16xf32>
// CHECK-NEXT: %[[L2:.+]] = llm.linear %[[X]], %[[W]] : (tensor<?x8xf32>, tensor<8x16xf32>) -> tensor<?x16xf32>
// CHECK-NEXT: %[[A2:.+]] = llm.add %[[BD]], %[[L2]] : (tensor<?xf32>, tensor<?x16xf32>) -> tensor<?x16xf32>
// CHECK-NEXT: return %[[A]], %[[A2]]
func.func @bias_wrong_length(%x: tensor<?x8xf32>, %w: tensor<8x16xf32>, %b: tensor<1xf32>, %bd: tensor<?xf32>) -> (tensor<?x16xf32>, tensor<?x16xf32>) {
  %m = llm.matmul %x, %w : (tensor<?x8xf32>, tensor<8x16xf32>) -> tensor<?x16xf32>
  %a = llm.add %m, %b : (tensor<?x16xf32>, tensor<1xf32>) -> tensor<?x16xf32>
  %m2 = llm.matmul %x, %w : (tensor<?x8xf32>, tensor<8x16xf32>) -> tensor<?x16xf32>
  %a2 = llm.add %bd, %m2 : (tensor<?xf32>, tensor<?x16xf32>) -> tensor<?x16xf32>
  return %a, %a2 : tensor<?x16xf32>, tensor<?x16xf32>
}

// -----

// Near miss: a residual defined after the linear, even though it does not
// depend on it, is not folded (the linear stays where it is).
// CHECK-LABEL: func.func @residual_defined_after
// CHECK-SAME: (%[[X:.+]]: tensor<?x8xf32>, %[[W:.+]]: tensor<8x16xf32>, %[[S:.+]]: tensor<?x16xf32>)
// CHECK-NEXT: %[[L:.+]] = llm.linear %[[X]], %[[W]] : (tensor<?x8xf32>, tensor<8x16xf32>) -> tensor<?x16xf32>
// CHECK-NEXT: %[[R:.+]] = llm.exp %[[S]]
// CHECK-NEXT: %[[A:.+]] = llm.add %[[L]], %[[R]]
// CHECK-NEXT: return %[[A]]
func.func @residual_defined_after(%x: tensor<?x8xf32>, %w: tensor<8x16xf32>, %s: tensor<?x16xf32>) -> tensor<?x16xf32> {
  %m = llm.matmul %x, %w : (tensor<?x8xf32>, tensor<8x16xf32>) -> tensor<?x16xf32>
  %r = llm.exp %s : tensor<?x16xf32>
  %a = llm.add %m, %r : (tensor<?x16xf32>, tensor<?x16xf32>) -> tensor<?x16xf32>
  return %a : tensor<?x16xf32>
}

// -----

// Near miss: an activation after the residual is outside the linear's
// epilogue order; the residual folds, the GELU stays. A second residual
// add stays too (the linear has room for one).
// CHECK-LABEL: func.func @activation_after_residual
// CHECK-SAME: (%[[X:.+]]: tensor<?x8xf32>, %[[W:.+]]: tensor<8x16xf32>, %[[R:.+]]: tensor<?x16xf32>)
// CHECK-NEXT: %[[L:.+]] = llm.linear %[[X]], %[[W]] residual %[[R]] : (tensor<?x8xf32>, tensor<8x16xf32>, tensor<?x16xf32>) -> tensor<?x16xf32>
// CHECK-NEXT: %[[G:.+]] = llm.gelu %[[L]] : tensor<?x16xf32>
// CHECK-NEXT: %[[L2:.+]] = llm.linear %[[X]], %[[W]] residual %[[R]] : (tensor<?x8xf32>, tensor<8x16xf32>, tensor<?x16xf32>) -> tensor<?x16xf32>
// CHECK-NEXT: %[[A:.+]] = llm.add %[[L2]], %[[R]]
// CHECK-NEXT: return %[[G]], %[[A]]
func.func @activation_after_residual(%x: tensor<?x8xf32>, %w: tensor<8x16xf32>, %r: tensor<?x16xf32>) -> (tensor<?x16xf32>, tensor<?x16xf32>) {
  %m = llm.matmul %x, %w : (tensor<?x8xf32>, tensor<8x16xf32>) -> tensor<?x16xf32>
  %a = llm.add %m, %r : (tensor<?x16xf32>, tensor<?x16xf32>) -> tensor<?x16xf32>
  %g = llm.gelu %a : tensor<?x16xf32>
  %m2 = llm.matmul %x, %w : (tensor<?x8xf32>, tensor<8x16xf32>) -> tensor<?x16xf32>
  %a2 = llm.add %m2, %r : (tensor<?x16xf32>, tensor<?x16xf32>) -> tensor<?x16xf32>
  %a3 = llm.add %a2, %r : (tensor<?x16xf32>, tensor<?x16xf32>) -> tensor<?x16xf32>
  return %g, %a3 : tensor<?x16xf32>, tensor<?x16xf32>
}

// -----

// Near misses of the order: a bias after the activation, a bias after a
// residual, a second activation.
// CHECK-LABEL: func.func @out_of_order
// CHECK-SAME: (%[[X:.+]]: tensor<?x8xf32>, %[[W:.+]]: tensor<8x16xf32>, %[[B:.+]]: tensor<16xf32>, %[[R:.+]]: tensor<?x16xf32>)
// CHECK-NEXT: %[[L:.+]] = llm.linear %[[X]], %[[W]] {activation = "relu"}
// CHECK-NEXT: %[[A:.+]] = llm.add %[[L]], %[[B]]
// CHECK-NEXT: %[[L2:.+]] = llm.linear %[[X]], %[[W]] residual %[[R]] :
// CHECK-NEXT: %[[A2:.+]] = llm.add %[[L2]], %[[B]]
// CHECK-NEXT: %[[L3:.+]] = llm.linear %[[X]], %[[W]], %[[B]] {activation = "silu"}
// CHECK-NEXT: %[[G:.+]] = llm.gelu %[[L3]]
// CHECK-NEXT: return %[[A]], %[[A2]], %[[G]]
func.func @out_of_order(%x: tensor<?x8xf32>, %w: tensor<8x16xf32>, %b: tensor<16xf32>, %r: tensor<?x16xf32>) -> (tensor<?x16xf32>, tensor<?x16xf32>, tensor<?x16xf32>) {
  %m = llm.matmul %x, %w : (tensor<?x8xf32>, tensor<8x16xf32>) -> tensor<?x16xf32>
  %g = llm.relu %m : tensor<?x16xf32>
  %a = llm.add %g, %b : (tensor<?x16xf32>, tensor<16xf32>) -> tensor<?x16xf32>
  %m2 = llm.matmul %x, %w : (tensor<?x8xf32>, tensor<8x16xf32>) -> tensor<?x16xf32>
  %s2 = llm.add %m2, %r : (tensor<?x16xf32>, tensor<?x16xf32>) -> tensor<?x16xf32>
  %a2 = llm.add %s2, %b : (tensor<?x16xf32>, tensor<16xf32>) -> tensor<?x16xf32>
  %m3 = llm.matmul %x, %w : (tensor<?x8xf32>, tensor<8x16xf32>) -> tensor<?x16xf32>
  %a3 = llm.add %m3, %b : (tensor<?x16xf32>, tensor<16xf32>) -> tensor<?x16xf32>
  %s3 = llm.silu %a3 : tensor<?x16xf32>
  %g3 = llm.gelu %s3 : tensor<?x16xf32>
  return %a, %a2, %g3 : tensor<?x16xf32>, tensor<?x16xf32>, tensor<?x16xf32>
}

// -----

// Near misses through a view: a reshape that changes the last dim (the
// product's columns are no longer the features), and a reshape with a
// second use.
// CHECK-LABEL: func.func @view_near_misses
// CHECK-SAME: (%[[X:.+]]: tensor<6x8xf32>, %[[W:.+]]: tensor<8x16xf32>, %[[B:.+]]: tensor<4xf32>)
// CHECK-NEXT: %[[L:.+]] = llm.linear %[[X]], %[[W]] : (tensor<6x8xf32>, tensor<8x16xf32>) -> tensor<6x16xf32>
// CHECK-NEXT: %[[V:.+]] = llm.reshape %[[L]] [6, 4, 4]
// CHECK-NEXT: %[[A:.+]] = llm.add %[[V]], %[[B]]
// CHECK-NEXT: %[[L2:.+]] = llm.linear %[[X]], %[[W]] : (tensor<6x8xf32>, tensor<8x16xf32>) -> tensor<6x16xf32>
// CHECK-NEXT: %[[V2:.+]] = llm.reshape %[[L2]] [2, 3, 16]
// CHECK-NEXT: %[[G:.+]] = llm.gelu %[[V2]]
// CHECK-NEXT: return %[[A]], %[[G]], %[[V2]]
func.func @view_near_misses(%x: tensor<6x8xf32>, %w: tensor<8x16xf32>, %b: tensor<4xf32>) -> (tensor<6x4x4xf32>, tensor<2x3x16xf32>, tensor<2x3x16xf32>) {
  %m = llm.matmul %x, %w : (tensor<6x8xf32>, tensor<8x16xf32>) -> tensor<6x16xf32>
  %v = llm.reshape %m [6, 4, 4] : tensor<6x16xf32> -> tensor<6x4x4xf32>
  %a = llm.add %v, %b : (tensor<6x4x4xf32>, tensor<4xf32>) -> tensor<6x4x4xf32>
  %m2 = llm.matmul %x, %w : (tensor<6x8xf32>, tensor<8x16xf32>) -> tensor<6x16xf32>
  %v2 = llm.reshape %m2 [2, 3, 16] : tensor<6x16xf32> -> tensor<2x3x16xf32>
  %g = llm.gelu %v2 : tensor<2x3x16xf32>
  return %a, %g, %v2 : tensor<6x4x4xf32>, tensor<2x3x16xf32>, tensor<2x3x16xf32>
}
