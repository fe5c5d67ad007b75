// RUN: llm-opt %s -llm-raise-composites -split-input-file | FileCheck %s

// Every spelling the raising patterns accept, and the near misses that must
// stay decomposed. The reasons for the misses are checked in
// llm-raise-composites-remarks.mlir.

// RMSNorm spelled with rsqrt, the square as pow(x, 2), the scale on the right (T5, Gemma).
// CHECK-LABEL: func.func @rms_rsqrt
// CHECK-SAME: (%[[X:.+]]: tensor<?x?x64xf32>, %[[W:.+]]: tensor<64xf32>)
// CHECK-NEXT: %[[N:.+]] = llm.rms_norm %[[X]] scale %[[W]] : tensor<64xf32> {axis = 2 : i64, epsilon = 9.99999997E-7 : f32} : tensor<?x?x64xf32>
// CHECK-NEXT: return %[[N]]
func.func @rms_rsqrt(%x: tensor<?x?x64xf32>, %w: tensor<64xf32>) -> tensor<?x?x64xf32> {
  %two = llm.constant dense<2.0> : tensor<f32>
  %eps = llm.constant dense<1.0e-06> : tensor<f32>
  %sq = llm.pow %x, %two : (tensor<?x?x64xf32>, tensor<f32>) -> tensor<?x?x64xf32>
  %m = llm.reduce_mean %sq {axes = array<i64: 2>} : tensor<?x?x64xf32> -> tensor<?x?x1xf32>
  %v = llm.add %m, %eps : (tensor<?x?x1xf32>, tensor<f32>) -> tensor<?x?x1xf32>
  %r = llm.rsqrt %v : tensor<?x?x1xf32>
  %n = llm.mul %x, %r : (tensor<?x?x64xf32>, tensor<?x?x1xf32>) -> tensor<?x?x64xf32>
  %y = llm.mul %n, %w : (tensor<?x?x64xf32>, tensor<64xf32>) -> tensor<?x?x64xf32>
  return %y : tensor<?x?x64xf32>
}

// -----

// Llama (dynamo): reciprocal(sqrt(...)), the scale on the left, llm.dim users of the unscaled norm.
// CHECK-LABEL: func.func @rms_llama_dynamo
// CHECK-SAME: (%[[X:.+]]: tensor<?x?x64xf32>, %[[W:.+]]: tensor<64xf32>)
// CHECK-NEXT: %[[N:.+]] = llm.rms_norm %[[X]] scale %[[W]] : tensor<64xf32> {axis = 2 : i64, epsilon = 9.99999997E-7 : f32} : tensor<?x?x64xf32>
// CHECK-NEXT: %[[D:.+]] = llm.dim %[[X]], 1
// CHECK-NEXT: return %[[N]], %[[D]]
func.func @rms_llama_dynamo(%x: tensor<?x?x64xf32>, %w: tensor<64xf32>) -> (tensor<?x?x64xf32>, index) {
  %two = llm.constant dense<2.0> : tensor<f32>
  %eps = llm.constant dense<1.0e-06> : tensor<f32>
  %sq = llm.pow %x, %two : (tensor<?x?x64xf32>, tensor<f32>) -> tensor<?x?x64xf32>
  %m = llm.reduce_mean %sq {axes = array<i64: 2>} : tensor<?x?x64xf32> -> tensor<?x?x1xf32>
  %v = llm.add %m, %eps : (tensor<?x?x1xf32>, tensor<f32>) -> tensor<?x?x1xf32>
  %s = llm.sqrt %v : tensor<?x?x1xf32>
  %r = llm.reciprocal %s : tensor<?x?x1xf32>
  %n = llm.mul %x, %r : (tensor<?x?x64xf32>, tensor<?x?x1xf32>) -> tensor<?x?x64xf32>
  %y = llm.mul %w, %n : (tensor<64xf32>, tensor<?x?x64xf32>) -> tensor<?x?x64xf32>
  %d = llm.dim %n, 1 : tensor<?x?x64xf32>
  return %y, %d : tensor<?x?x64xf32>, index
}

// -----

// Llama (TorchScript): 1 / sqrt(...), epsilon on the left of the add, the inverse on the left of the mul.
// CHECK-LABEL: func.func @rms_div_one
// CHECK-SAME: (%[[X:.+]]: tensor<2x?x64xf32>)
// CHECK-NEXT: %[[N:.+]] = llm.rms_norm %[[X]] {axis = 2 : i64, epsilon = 9.99999974E-6 : f32} : tensor<2x?x64xf32>
// CHECK-NEXT: return %[[N]]
func.func @rms_div_one(%x: tensor<2x?x64xf32>) -> tensor<2x?x64xf32> {
  %two = llm.constant dense<2.0> : tensor<f32>
  %eps = llm.constant dense<1.0e-05> : tensor<f32>
  %one = llm.constant dense<1.0> : tensor<f32>
  %sq = llm.pow %x, %two : (tensor<2x?x64xf32>, tensor<f32>) -> tensor<2x?x64xf32>
  %m = llm.reduce_mean %sq {axes = array<i64: 2>} : tensor<2x?x64xf32> -> tensor<2x?x1xf32>
  %v = llm.add %eps, %m : (tensor<f32>, tensor<2x?x1xf32>) -> tensor<2x?x1xf32>
  %s = llm.sqrt %v : tensor<2x?x1xf32>
  %r = llm.div %one, %s : (tensor<f32>, tensor<2x?x1xf32>) -> tensor<2x?x1xf32>
  %n = llm.mul %r, %x : (tensor<2x?x1xf32>, tensor<2x?x64xf32>) -> tensor<2x?x64xf32>
  return %n : tensor<2x?x64xf32>
}

// -----

// x / sqrt(mean(x * x) + eps): a division by the root and the square as a product.
// CHECK-LABEL: func.func @rms_div_sqrt
// CHECK-SAME: (%[[X:.+]]: tensor<?x128xf32>)
// CHECK-NEXT: %[[N:.+]] = llm.rms_norm %[[X]] {axis = 1 : i64, epsilon = 9.99999974E-6 : f32} : tensor<?x128xf32>
// CHECK-NEXT: return %[[N]]
func.func @rms_div_sqrt(%x: tensor<?x128xf32>) -> tensor<?x128xf32> {
  %eps = llm.constant dense<1.0e-05> : tensor<f32>
  %sq = llm.mul %x, %x : (tensor<?x128xf32>, tensor<?x128xf32>) -> tensor<?x128xf32>
  %m = llm.reduce_mean %sq {axes = array<i64: 1>} : tensor<?x128xf32> -> tensor<?x1xf32>
  %v = llm.add %m, %eps : (tensor<?x1xf32>, tensor<f32>) -> tensor<?x1xf32>
  %s = llm.sqrt %v : tensor<?x1xf32>
  %n = llm.div %x, %s : (tensor<?x128xf32>, tensor<?x1xf32>) -> tensor<?x128xf32>
  return %n : tensor<?x128xf32>
}

// -----

// No epsilon at all: epsilon 0.
// CHECK-LABEL: func.func @rms_no_epsilon
// CHECK-NEXT: llm.rms_norm %{{.+}} {axis = 1 : i64, epsilon = 0.000000e+00 : f32} : tensor<?x64xf32>
// CHECK-NEXT: return
func.func @rms_no_epsilon(%x: tensor<?x64xf32>) -> tensor<?x64xf32> {
  %two = llm.constant dense<2.0> : tensor<f32>
  %sq = llm.pow %x, %two : (tensor<?x64xf32>, tensor<f32>) -> tensor<?x64xf32>
  %m = llm.reduce_mean %sq {axes = array<i64: 1>} : tensor<?x64xf32> -> tensor<?x1xf32>
  %r = llm.rsqrt %m : tensor<?x1xf32>
  %n = llm.mul %x, %r : (tensor<?x64xf32>, tensor<?x1xf32>) -> tensor<?x64xf32>
  return %n : tensor<?x64xf32>
}

// -----

// Constants of a higher rank that still broadcast: epsilon as 1x1x1, the scale as 1x1x64 (reshaped to 64).
// CHECK-LABEL: func.func @rms_ranked_constants
// CHECK-SAME: (%[[X:.+]]: tensor<?x?x64xf32>, %[[W:.+]]: tensor<1x1x64xf32>)
// CHECK-NEXT: %[[W64:.+]] = llm.reshape %[[W]] [64] : tensor<1x1x64xf32> -> tensor<64xf32>
// CHECK-NEXT: %[[N:.+]] = llm.rms_norm %[[X]] scale %[[W64]] : tensor<64xf32> {axis = 2 : i64, epsilon = 9.99999997E-7 : f32}
// CHECK-NEXT: return %[[N]]
func.func @rms_ranked_constants(%x: tensor<?x?x64xf32>, %w: tensor<1x1x64xf32>) -> tensor<?x?x64xf32> {
  %two = llm.constant dense<2.0> : tensor<1xf32>
  %eps = llm.constant dense<1.0e-06> : tensor<1x1x1xf32>
  %sq = llm.pow %x, %two : (tensor<?x?x64xf32>, tensor<1xf32>) -> tensor<?x?x64xf32>
  %m = llm.reduce_mean %sq {axes = array<i64: 2>} : tensor<?x?x64xf32> -> tensor<?x?x1xf32>
  %v = llm.add %m, %eps : (tensor<?x?x1xf32>, tensor<1x1x1xf32>) -> tensor<?x?x1xf32>
  %r = llm.rsqrt %v : tensor<?x?x1xf32>
  %n = llm.mul %x, %r : (tensor<?x?x64xf32>, tensor<?x?x1xf32>) -> tensor<?x?x64xf32>
  %y = llm.mul %n, %w : (tensor<?x?x64xf32>, tensor<1x1x64xf32>) -> tensor<?x?x64xf32>
  return %y : tensor<?x?x64xf32>
}

// -----

// A reduction over the two trailing axes normalizes from axis 2; the scale covers both dims.
// CHECK-LABEL: func.func @rms_two_axes
// CHECK-SAME: (%[[X:.+]]: tensor<?x?x8x64xf32>, %[[W:.+]]: tensor<8x64xf32>)
// CHECK-NEXT: %[[N:.+]] = llm.rms_norm %[[X]] scale %[[W]] : tensor<8x64xf32> {axis = 2 : i64, epsilon = 9.99999997E-7 : f32} : tensor<?x?x8x64xf32>
// CHECK-NEXT: return %[[N]]
func.func @rms_two_axes(%x: tensor<?x?x8x64xf32>, %w: tensor<8x64xf32>) -> tensor<?x?x8x64xf32> {
  %two = llm.constant dense<2.0> : tensor<f32>
  %eps = llm.constant dense<1.0e-06> : tensor<f32>
  %sq = llm.pow %x, %two : (tensor<?x?x8x64xf32>, tensor<f32>) -> tensor<?x?x8x64xf32>
  %m = llm.reduce_mean %sq {axes = array<i64: 2, 3>} : tensor<?x?x8x64xf32> -> tensor<?x?x1x1xf32>
  %v = llm.add %m, %eps : (tensor<?x?x1x1xf32>, tensor<f32>) -> tensor<?x?x1x1xf32>
  %r = llm.rsqrt %v : tensor<?x?x1x1xf32>
  %n = llm.mul %x, %r : (tensor<?x?x8x64xf32>, tensor<?x?x1x1xf32>) -> tensor<?x?x8x64xf32>
  %y = llm.mul %n, %w : (tensor<?x?x8x64xf32>, tensor<8x64xf32>) -> tensor<?x?x8x64xf32>
  return %y : tensor<?x?x8x64xf32>
}

// -----

// Llama's to(float32) on an f32 model: an identity cast before the square is looked through.
// CHECK-LABEL: func.func @rms_identity_cast
// CHECK-SAME: (%[[X:.+]]: tensor<?x64xf32>)
// CHECK-NEXT: %[[N:.+]] = llm.rms_norm %[[X]] {axis = 1 : i64, epsilon = 9.99999997E-7 : f32} : tensor<?x64xf32>
// CHECK-NEXT: return %[[N]]
func.func @rms_identity_cast(%x: tensor<?x64xf32>) -> tensor<?x64xf32> {
  %two = llm.constant dense<2.0> : tensor<f32>
  %eps = llm.constant dense<1.0e-06> : tensor<f32>
  %c = llm.cast %x : tensor<?x64xf32> to tensor<?x64xf32>
  %sq = llm.pow %c, %two : (tensor<?x64xf32>, tensor<f32>) -> tensor<?x64xf32>
  %m = llm.reduce_mean %sq {axes = array<i64: 1>} : tensor<?x64xf32> -> tensor<?x1xf32>
  %v = llm.add %m, %eps : (tensor<?x1xf32>, tensor<f32>) -> tensor<?x1xf32>
  %r = llm.rsqrt %v : tensor<?x1xf32>
  %n = llm.mul %x, %r : (tensor<?x64xf32>, tensor<?x1xf32>) -> tensor<?x64xf32>
  return %n : tensor<?x64xf32>
}

// -----

// An f16 model whose norm runs in f32 between casts: the norm is raised, the scale after the cast back is not.
// CHECK-LABEL: func.func @rms_f16_casts
// CHECK-SAME: (%[[X:.+]]: tensor<?x64xf16>, %[[W:.+]]: tensor<64xf16>)
// CHECK-NEXT: %[[C:.+]] = llm.cast %[[X]] : tensor<?x64xf16> to tensor<?x64xf32>
// CHECK-NEXT: %[[N:.+]] = llm.rms_norm %[[C]] {axis = 1 : i64, epsilon = 9.99999997E-7 : f32} : tensor<?x64xf32>
// CHECK-NEXT: %[[H:.+]] = llm.cast %[[N]] : tensor<?x64xf32> to tensor<?x64xf16>
// CHECK-NEXT: %[[Y:.+]] = llm.mul %[[W]], %[[H]]
// CHECK-NEXT: return %[[Y]]
func.func @rms_f16_casts(%x: tensor<?x64xf16>, %w: tensor<64xf16>) -> tensor<?x64xf16> {
  %two = llm.constant dense<2.0> : tensor<f32>
  %eps = llm.constant dense<1.0e-06> : tensor<f32>
  %c = llm.cast %x : tensor<?x64xf16> to tensor<?x64xf32>
  %sq = llm.pow %c, %two : (tensor<?x64xf32>, tensor<f32>) -> tensor<?x64xf32>
  %m = llm.reduce_mean %sq {axes = array<i64: 1>} : tensor<?x64xf32> -> tensor<?x1xf32>
  %v = llm.add %m, %eps : (tensor<?x1xf32>, tensor<f32>) -> tensor<?x1xf32>
  %r = llm.rsqrt %v : tensor<?x1xf32>
  %n = llm.mul %c, %r : (tensor<?x64xf32>, tensor<?x1xf32>) -> tensor<?x64xf32>
  %h = llm.cast %n : tensor<?x64xf32> to tensor<?x64xf16>
  %y = llm.mul %w, %h : (tensor<64xf16>, tensor<?x64xf16>) -> tensor<?x64xf16>
  return %y : tensor<?x64xf16>
}

// -----

// Near miss: epsilon added after the square root.
// CHECK-LABEL: func.func @rms_epsilon_after_sqrt
// CHECK-NOT: llm.rms_norm
// CHECK: llm.sqrt
// CHECK-NEXT: llm.add
// CHECK-NEXT: llm.reciprocal
// CHECK-NEXT: llm.mul
func.func @rms_epsilon_after_sqrt(%x: tensor<?x64xf32>) -> tensor<?x64xf32> {
  %two = llm.constant dense<2.0> : tensor<f32>
  %eps = llm.constant dense<1.0e-06> : tensor<f32>
  %sq = llm.pow %x, %two : (tensor<?x64xf32>, tensor<f32>) -> tensor<?x64xf32>
  %m = llm.reduce_mean %sq {axes = array<i64: 1>} : tensor<?x64xf32> -> tensor<?x1xf32>
  %s = llm.sqrt %m : tensor<?x1xf32>
  %v = llm.add %s, %eps : (tensor<?x1xf32>, tensor<f32>) -> tensor<?x1xf32>
  %r = llm.reciprocal %v : tensor<?x1xf32>
  %n = llm.mul %x, %r : (tensor<?x64xf32>, tensor<?x1xf32>) -> tensor<?x64xf32>
  return %n : tensor<?x64xf32>
}

// -----

// Near miss: the mean reduces a non-last axis.
// CHECK-LABEL: func.func @rms_not_last_axis
// CHECK-NOT: llm.rms_norm
// CHECK: llm.reduce_mean %{{.+}} {axes = array<i64: 1>}
// CHECK: llm.rsqrt
// CHECK-NEXT: llm.mul
func.func @rms_not_last_axis(%x: tensor<?x64x64xf32>) -> tensor<?x64x64xf32> {
  %two = llm.constant dense<2.0> : tensor<f32>
  %eps = llm.constant dense<1.0e-06> : tensor<f32>
  %sq = llm.pow %x, %two : (tensor<?x64x64xf32>, tensor<f32>) -> tensor<?x64x64xf32>
  %m = llm.reduce_mean %sq {axes = array<i64: 1>} : tensor<?x64x64xf32> -> tensor<?x1x64xf32>
  %v = llm.add %m, %eps : (tensor<?x1x64xf32>, tensor<f32>) -> tensor<?x1x64xf32>
  %r = llm.rsqrt %v : tensor<?x1x64xf32>
  %n = llm.mul %x, %r : (tensor<?x64x64xf32>, tensor<?x1x64xf32>) -> tensor<?x64x64xf32>
  return %n : tensor<?x64x64xf32>
}

// -----

// Near miss: pow exponent 3.
// CHECK-LABEL: func.func @rms_cube
// CHECK-NOT: llm.rms_norm
// CHECK: llm.pow
// CHECK: llm.rsqrt
// CHECK-NEXT: llm.mul
func.func @rms_cube(%x: tensor<?x64xf32>) -> tensor<?x64xf32> {
  %three = llm.constant dense<3.0> : tensor<f32>
  %eps = llm.constant dense<1.0e-06> : tensor<f32>
  %sq = llm.pow %x, %three : (tensor<?x64xf32>, tensor<f32>) -> tensor<?x64xf32>
  %m = llm.reduce_mean %sq {axes = array<i64: 1>} : tensor<?x64xf32> -> tensor<?x1xf32>
  %v = llm.add %m, %eps : (tensor<?x1xf32>, tensor<f32>) -> tensor<?x1xf32>
  %r = llm.rsqrt %v : tensor<?x1xf32>
  %n = llm.mul %x, %r : (tensor<?x64xf32>, tensor<?x1xf32>) -> tensor<?x64xf32>
  return %n : tensor<?x64xf32>
}

// -----

// Near miss: epsilon is a function argument, not a constant.
// CHECK-LABEL: func.func @rms_epsilon_argument
// CHECK-NOT: llm.rms_norm
// CHECK: llm.rsqrt
// CHECK-NEXT: llm.mul
func.func @rms_epsilon_argument(%x: tensor<?x64xf32>, %eps: tensor<f32>) -> tensor<?x64xf32> {
  %two = llm.constant dense<2.0> : tensor<f32>
  %sq = llm.pow %x, %two : (tensor<?x64xf32>, tensor<f32>) -> tensor<?x64xf32>
  %m = llm.reduce_mean %sq {axes = array<i64: 1>} : tensor<?x64xf32> -> tensor<?x1xf32>
  %v = llm.add %m, %eps : (tensor<?x1xf32>, tensor<f32>) -> tensor<?x1xf32>
  %r = llm.rsqrt %v : tensor<?x1xf32>
  %n = llm.mul %x, %r : (tensor<?x64xf32>, tensor<?x1xf32>) -> tensor<?x64xf32>
  return %n : tensor<?x64xf32>
}

// -----

// Near miss: the mean is used twice (raising would compute the reduction twice).
// CHECK-LABEL: func.func @rms_mean_used_twice
// CHECK-NOT: llm.rms_norm
// CHECK: %[[M:.+]] = llm.reduce_mean
// CHECK: %[[N:.+]] = llm.mul
// CHECK-NEXT: return %[[N]], %[[M]]
func.func @rms_mean_used_twice(%x: tensor<?x64xf32>) -> (tensor<?x64xf32>, tensor<?x1xf32>) {
  %two = llm.constant dense<2.0> : tensor<f32>
  %eps = llm.constant dense<1.0e-06> : tensor<f32>
  %sq = llm.pow %x, %two : (tensor<?x64xf32>, tensor<f32>) -> tensor<?x64xf32>
  %m = llm.reduce_mean %sq {axes = array<i64: 1>} : tensor<?x64xf32> -> tensor<?x1xf32>
  %v = llm.add %m, %eps : (tensor<?x1xf32>, tensor<f32>) -> tensor<?x1xf32>
  %r = llm.rsqrt %v : tensor<?x1xf32>
  %n = llm.mul %x, %r : (tensor<?x64xf32>, tensor<?x1xf32>) -> tensor<?x64xf32>
  return %n, %m : tensor<?x64xf32>, tensor<?x1xf32>
}

// -----

// Near miss: the mean drops the reduced dim, so it would broadcast against the wrong dims.
// CHECK-LABEL: func.func @rms_no_keepdims
// CHECK-NOT: llm.rms_norm
// CHECK: llm.reduce_mean %{{.+}} {axes = array<i64: 2>, keepdims = false}
// CHECK: llm.rsqrt
// CHECK-NEXT: llm.mul
func.func @rms_no_keepdims(%x: tensor<?x64x64xf32>) -> tensor<?x64x64xf32> {
  %two = llm.constant dense<2.0> : tensor<f32>
  %eps = llm.constant dense<1.0e-06> : tensor<f32>
  %sq = llm.pow %x, %two : (tensor<?x64x64xf32>, tensor<f32>) -> tensor<?x64x64xf32>
  %m = llm.reduce_mean %sq {axes = array<i64: 2>, keepdims = false} : tensor<?x64x64xf32> -> tensor<?x64xf32>
  %v = llm.add %m, %eps : (tensor<?x64xf32>, tensor<f32>) -> tensor<?x64xf32>
  %r = llm.rsqrt %v : tensor<?x64xf32>
  %n = llm.mul %x, %r : (tensor<?x64x64xf32>, tensor<?x64xf32>) -> tensor<?x64x64xf32>
  return %n : tensor<?x64x64xf32>
}

// -----

// Near miss: the squared value is not the one normalized.
// CHECK-LABEL: func.func @rms_other_input
// CHECK-NOT: llm.rms_norm
// CHECK: llm.rsqrt
// CHECK-NEXT: llm.mul
func.func @rms_other_input(%x: tensor<?x64xf32>, %y: tensor<?x64xf32>) -> tensor<?x64xf32> {
  %two = llm.constant dense<2.0> : tensor<f32>
  %eps = llm.constant dense<1.0e-06> : tensor<f32>
  %sq = llm.pow %y, %two : (tensor<?x64xf32>, tensor<f32>) -> tensor<?x64xf32>
  %m = llm.reduce_mean %sq {axes = array<i64: 1>} : tensor<?x64xf32> -> tensor<?x1xf32>
  %v = llm.add %m, %eps : (tensor<?x1xf32>, tensor<f32>) -> tensor<?x1xf32>
  %r = llm.rsqrt %v : tensor<?x1xf32>
  %n = llm.mul %x, %r : (tensor<?x64xf32>, tensor<?x1xf32>) -> tensor<?x64xf32>
  return %n : tensor<?x64xf32>
}

// -----

// LayerNorm spelled out (BERT-style module code), with the affine mul and add.
// CHECK-LABEL: func.func @layer_norm_affine
// CHECK-SAME: (%[[X:.+]]: tensor<?x?x768xf32>, %[[G:.+]]: tensor<768xf32>, %[[B:.+]]: tensor<768xf32>)
// CHECK-NEXT: %[[N:.+]] = llm.layer_norm %[[X]] scale %[[G]] : tensor<768xf32> bias %[[B]] : tensor<768xf32> {axis = 2 : i64, epsilon = 9.99999996E-13 : f32} : tensor<?x?x768xf32>
// CHECK-NEXT: return %[[N]]
func.func @layer_norm_affine(%x: tensor<?x?x768xf32>, %g: tensor<768xf32>, %b: tensor<768xf32>) -> tensor<?x?x768xf32> {
  %two = llm.constant dense<2.0> : tensor<f32>
  %eps = llm.constant dense<1.0e-12> : tensor<f32>
  %u = llm.reduce_mean %x {axes = array<i64: 2>} : tensor<?x?x768xf32> -> tensor<?x?x1xf32>
  %d = llm.sub %x, %u : (tensor<?x?x768xf32>, tensor<?x?x1xf32>) -> tensor<?x?x768xf32>
  %sq = llm.pow %d, %two : (tensor<?x?x768xf32>, tensor<f32>) -> tensor<?x?x768xf32>
  %var = llm.reduce_mean %sq {axes = array<i64: 2>} : tensor<?x?x768xf32> -> tensor<?x?x1xf32>
  %v = llm.add %var, %eps : (tensor<?x?x1xf32>, tensor<f32>) -> tensor<?x?x1xf32>
  %s = llm.sqrt %v : tensor<?x?x1xf32>
  %n = llm.div %d, %s : (tensor<?x?x768xf32>, tensor<?x?x1xf32>) -> tensor<?x?x768xf32>
  %scaled = llm.mul %n, %g : (tensor<?x?x768xf32>, tensor<768xf32>) -> tensor<?x?x768xf32>
  %y = llm.add %scaled, %b : (tensor<?x?x768xf32>, tensor<768xf32>) -> tensor<?x?x768xf32>
  return %y : tensor<?x?x768xf32>
}

// -----

// LayerNorm without the affine part.
// CHECK-LABEL: func.func @layer_norm_plain
// CHECK-SAME: (%[[X:.+]]: tensor<?x768xf32>)
// CHECK-NEXT: %[[N:.+]] = llm.layer_norm %[[X]] {axis = 1 : i64, epsilon = 9.99999974E-6 : f32} : tensor<?x768xf32>
// CHECK-NEXT: return %[[N]]
func.func @layer_norm_plain(%x: tensor<?x768xf32>) -> tensor<?x768xf32> {
  %two = llm.constant dense<2.0> : tensor<f32>
  %eps = llm.constant dense<1.0e-05> : tensor<f32>
  %u = llm.reduce_mean %x {axes = array<i64: 1>} : tensor<?x768xf32> -> tensor<?x1xf32>
  %d = llm.sub %x, %u : (tensor<?x768xf32>, tensor<?x1xf32>) -> tensor<?x768xf32>
  %sq = llm.pow %d, %two : (tensor<?x768xf32>, tensor<f32>) -> tensor<?x768xf32>
  %var = llm.reduce_mean %sq {axes = array<i64: 1>} : tensor<?x768xf32> -> tensor<?x1xf32>
  %v = llm.add %var, %eps : (tensor<?x1xf32>, tensor<f32>) -> tensor<?x1xf32>
  %s = llm.sqrt %v : tensor<?x1xf32>
  %n = llm.div %d, %s : (tensor<?x768xf32>, tensor<?x1xf32>) -> tensor<?x768xf32>
  return %n : tensor<?x768xf32>
}

// -----

// LayerNorm from an exporter that does not CSE: x - mean computed twice; scale and bias on the left.
// CHECK-LABEL: func.func @layer_norm_duplicated_sub
// CHECK-SAME: (%[[X:.+]]: tensor<?x768xf32>, %[[G:.+]]: tensor<768xf32>, %[[B:.+]]: tensor<768xf32>)
// CHECK-NEXT: %[[N:.+]] = llm.layer_norm %[[X]] scale %[[G]] : tensor<768xf32> bias %[[B]] : tensor<768xf32> {axis = 1 : i64, epsilon = 9.99999974E-6 : f32} : tensor<?x768xf32>
// CHECK-NEXT: return %[[N]]
func.func @layer_norm_duplicated_sub(%x: tensor<?x768xf32>, %g: tensor<768xf32>, %b: tensor<768xf32>) -> tensor<?x768xf32> {
  %two = llm.constant dense<2.0> : tensor<f32>
  %eps = llm.constant dense<1.0e-05> : tensor<f32>
  %u = llm.reduce_mean %x {axes = array<i64: 1>} : tensor<?x768xf32> -> tensor<?x1xf32>
  %d0 = llm.sub %x, %u : (tensor<?x768xf32>, tensor<?x1xf32>) -> tensor<?x768xf32>
  %sq = llm.pow %d0, %two : (tensor<?x768xf32>, tensor<f32>) -> tensor<?x768xf32>
  %var = llm.reduce_mean %sq {axes = array<i64: 1>} : tensor<?x768xf32> -> tensor<?x1xf32>
  %v = llm.add %var, %eps : (tensor<?x1xf32>, tensor<f32>) -> tensor<?x1xf32>
  %s = llm.sqrt %v : tensor<?x1xf32>
  %d1 = llm.sub %x, %u : (tensor<?x768xf32>, tensor<?x1xf32>) -> tensor<?x768xf32>
  %n = llm.div %d1, %s : (tensor<?x768xf32>, tensor<?x1xf32>) -> tensor<?x768xf32>
  %scaled = llm.mul %g, %n : (tensor<768xf32>, tensor<?x768xf32>) -> tensor<?x768xf32>
  %y = llm.add %b, %scaled : (tensor<768xf32>, tensor<?x768xf32>) -> tensor<?x768xf32>
  return %y : tensor<?x768xf32>
}

// -----

// Near miss for layer_norm: the mean is used twice; the variance half still becomes rms_norm(x - mean).
// CHECK-LABEL: func.func @layer_norm_mean_used_twice
// CHECK-SAME: (%[[X:.+]]: tensor<?x768xf32>)
// CHECK-NEXT: %[[M:.+]] = llm.reduce_mean %[[X]]
// CHECK-NEXT: %[[D:.+]] = llm.sub %[[X]], %[[M]]
// CHECK-NEXT: %[[N:.+]] = llm.rms_norm %[[D]] {axis = 1 : i64, epsilon = 9.99999974E-6 : f32}
// CHECK-NEXT: return %[[N]], %[[M]]
// CHECK-NOT: llm.layer_norm
func.func @layer_norm_mean_used_twice(%x: tensor<?x768xf32>) -> (tensor<?x768xf32>, tensor<?x1xf32>) {
  %two = llm.constant dense<2.0> : tensor<f32>
  %eps = llm.constant dense<1.0e-05> : tensor<f32>
  %u = llm.reduce_mean %x {axes = array<i64: 1>} : tensor<?x768xf32> -> tensor<?x1xf32>
  %d = llm.sub %x, %u : (tensor<?x768xf32>, tensor<?x1xf32>) -> tensor<?x768xf32>
  %sq = llm.pow %d, %two : (tensor<?x768xf32>, tensor<f32>) -> tensor<?x768xf32>
  %var = llm.reduce_mean %sq {axes = array<i64: 1>} : tensor<?x768xf32> -> tensor<?x1xf32>
  %v = llm.add %var, %eps : (tensor<?x1xf32>, tensor<f32>) -> tensor<?x1xf32>
  %s = llm.sqrt %v : tensor<?x1xf32>
  %n = llm.div %d, %s : (tensor<?x768xf32>, tensor<?x1xf32>) -> tensor<?x768xf32>
  return %n, %u : tensor<?x768xf32>, tensor<?x1xf32>
}

// -----

// Near miss for layer_norm: the mean is over another axis than the variance.
// CHECK-LABEL: func.func @layer_norm_mean_axis
// CHECK-NOT: llm.layer_norm
// CHECK: llm.reduce_mean %{{.+}} {axes = array<i64: 1>}
// CHECK: llm.rms_norm %{{.+}} {axis = 2 : i64
func.func @layer_norm_mean_axis(%x: tensor<?x8x768xf32>) -> tensor<?x8x768xf32> {
  %two = llm.constant dense<2.0> : tensor<f32>
  %eps = llm.constant dense<1.0e-05> : tensor<f32>
  %u = llm.reduce_mean %x {axes = array<i64: 1>} : tensor<?x8x768xf32> -> tensor<?x1x768xf32>
  %d = llm.sub %x, %u : (tensor<?x8x768xf32>, tensor<?x1x768xf32>) -> tensor<?x8x768xf32>
  %sq = llm.pow %d, %two : (tensor<?x8x768xf32>, tensor<f32>) -> tensor<?x8x768xf32>
  %var = llm.reduce_mean %sq {axes = array<i64: 2>} : tensor<?x8x768xf32> -> tensor<?x8x1xf32>
  %v = llm.add %var, %eps : (tensor<?x8x1xf32>, tensor<f32>) -> tensor<?x8x1xf32>
  %s = llm.sqrt %v : tensor<?x8x1xf32>
  %n = llm.div %d, %s : (tensor<?x8x768xf32>, tensor<?x8x1xf32>) -> tensor<?x8x768xf32>
  return %n : tensor<?x8x768xf32>
}

// -----

// GELU, erf form in BERT TorchScript's order: (x * (erf(x / 1.4142135) + 1)) * 0.5.
// CHECK-LABEL: func.func @gelu_erf_bert
// CHECK-SAME: (%[[X:.+]]: tensor<?x?x128xf32>)
// CHECK-NEXT: %[[Y:.+]] = llm.gelu %[[X]] : tensor<?x?x128xf32>
// CHECK-NEXT: return %[[Y]]
func.func @gelu_erf_bert(%x: tensor<?x?x128xf32>) -> tensor<?x?x128xf32> {
  %sqrt2 = llm.constant dense<1.41421354> : tensor<f32>
  %one = llm.constant dense<1.0> : tensor<f32>
  %half = llm.constant dense<0.5> : tensor<f32>
  %a = llm.div %x, %sqrt2 : (tensor<?x?x128xf32>, tensor<f32>) -> tensor<?x?x128xf32>
  %e = llm.erf %a : tensor<?x?x128xf32>
  %t = llm.add %e, %one : (tensor<?x?x128xf32>, tensor<f32>) -> tensor<?x?x128xf32>
  %p = llm.mul %x, %t : (tensor<?x?x128xf32>, tensor<?x?x128xf32>) -> tensor<?x?x128xf32>
  %y = llm.mul %p, %half : (tensor<?x?x128xf32>, tensor<f32>) -> tensor<?x?x128xf32>
  return %y : tensor<?x?x128xf32>
}

// -----

// GELU, erf form as 0.5 * x first, x * 0.70710678 inside, 1 + erf with the constant on the left.
// CHECK-LABEL: func.func @gelu_erf_half_first
// CHECK-SAME: (%[[X:.+]]: tensor<?x128xf32>)
// CHECK-NEXT: %[[Y:.+]] = llm.gelu %[[X]] : tensor<?x128xf32>
// CHECK-NEXT: return %[[Y]]
func.func @gelu_erf_half_first(%x: tensor<?x128xf32>) -> tensor<?x128xf32> {
  %inv = llm.constant dense<0.707106769> : tensor<f32>
  %one = llm.constant dense<1.0> : tensor<f32>
  %half = llm.constant dense<0.5> : tensor<f32>
  %h = llm.mul %half, %x : (tensor<f32>, tensor<?x128xf32>) -> tensor<?x128xf32>
  %a = llm.mul %inv, %x : (tensor<f32>, tensor<?x128xf32>) -> tensor<?x128xf32>
  %e = llm.erf %a : tensor<?x128xf32>
  %t = llm.add %one, %e : (tensor<f32>, tensor<?x128xf32>) -> tensor<?x128xf32>
  %y = llm.mul %h, %t : (tensor<?x128xf32>, tensor<?x128xf32>) -> tensor<?x128xf32>
  return %y : tensor<?x128xf32>
}

// -----

// GELU, tanh form in GPT-2's order: (x * 0.5) * (tanh((x + pow(x, 3) * 0.044715) * 0.7978846) + 1).
// CHECK-LABEL: func.func @gelu_tanh_gpt2
// CHECK-SAME: (%[[X:.+]]: tensor<?x?x128xf32>)
// CHECK-NEXT: %[[Y:.+]] = llm.gelu %[[X]] {approximate = "tanh"} : tensor<?x?x128xf32>
// CHECK-NEXT: return %[[Y]]
func.func @gelu_tanh_gpt2(%x: tensor<?x?x128xf32>) -> tensor<?x?x128xf32> {
  %half = llm.constant dense<5.000000e-01> : tensor<f32>
  %three = llm.constant dense<3.000000e+00> : tensor<f32>
  %c = llm.constant dense<4.471500e-02> : tensor<f32>
  %k = llm.constant dense<0.797884583> : tensor<f32>
  %one = llm.constant dense<1.000000e+00> : tensor<f32>
  %h = llm.mul %x, %half : (tensor<?x?x128xf32>, tensor<f32>) -> tensor<?x?x128xf32>
  %cube = llm.pow %x, %three : (tensor<?x?x128xf32>, tensor<f32>) -> tensor<?x?x128xf32>
  %cc = llm.mul %cube, %c : (tensor<?x?x128xf32>, tensor<f32>) -> tensor<?x?x128xf32>
  %poly = llm.add %x, %cc : (tensor<?x?x128xf32>, tensor<?x?x128xf32>) -> tensor<?x?x128xf32>
  %arg = llm.mul %poly, %k : (tensor<?x?x128xf32>, tensor<f32>) -> tensor<?x?x128xf32>
  %th = llm.tanh %arg : tensor<?x?x128xf32>
  %t = llm.add %th, %one : (tensor<?x?x128xf32>, tensor<f32>) -> tensor<?x?x128xf32>
  %y = llm.mul %h, %t : (tensor<?x?x128xf32>, tensor<?x?x128xf32>) -> tensor<?x?x128xf32>
  return %y : tensor<?x?x128xf32>
}

// -----

// GELU, tanh form with x^3 as x * x * x and every constant on the left.
// CHECK-LABEL: func.func @gelu_tanh_product_cube
// CHECK-SAME: (%[[X:.+]]: tensor<?x128xf32>)
// CHECK-NEXT: %[[Y:.+]] = llm.gelu %[[X]] {approximate = "tanh"} : tensor<?x128xf32>
// CHECK-NEXT: return %[[Y]]
func.func @gelu_tanh_product_cube(%x: tensor<?x128xf32>) -> tensor<?x128xf32> {
  %half = llm.constant dense<5.000000e-01> : tensor<f32>
  %c = llm.constant dense<4.471500e-02> : tensor<f32>
  %k = llm.constant dense<0.797884583> : tensor<f32>
  %one = llm.constant dense<1.000000e+00> : tensor<f32>
  %x2 = llm.mul %x, %x : (tensor<?x128xf32>, tensor<?x128xf32>) -> tensor<?x128xf32>
  %x3 = llm.mul %x2, %x : (tensor<?x128xf32>, tensor<?x128xf32>) -> tensor<?x128xf32>
  %cc = llm.mul %c, %x3 : (tensor<f32>, tensor<?x128xf32>) -> tensor<?x128xf32>
  %poly = llm.add %cc, %x : (tensor<?x128xf32>, tensor<?x128xf32>) -> tensor<?x128xf32>
  %arg = llm.mul %k, %poly : (tensor<f32>, tensor<?x128xf32>) -> tensor<?x128xf32>
  %th = llm.tanh %arg : tensor<?x128xf32>
  %t = llm.add %one, %th : (tensor<f32>, tensor<?x128xf32>) -> tensor<?x128xf32>
  %ht = llm.mul %half, %t : (tensor<f32>, tensor<?x128xf32>) -> tensor<?x128xf32>
  %y = llm.mul %x, %ht : (tensor<?x128xf32>, tensor<?x128xf32>) -> tensor<?x128xf32>
  return %y : tensor<?x128xf32>
}

// -----

// GEGLU: the gate's GELU is raised inside the larger product; the up projection stays a mul.
// CHECK-LABEL: func.func @geglu
// CHECK-SAME: (%[[X:.+]]: tensor<?x128xf32>, %[[UP:.+]]: tensor<?x128xf32>)
// CHECK-NEXT: %[[G:.+]] = llm.gelu %[[X]] : tensor<?x128xf32>
// CHECK-NEXT: %[[Y:.+]] = llm.mul %[[G]], %[[UP]]
// CHECK-NEXT: return %[[Y]]
func.func @geglu(%x: tensor<?x128xf32>, %up: tensor<?x128xf32>) -> tensor<?x128xf32> {
  %sqrt2 = llm.constant dense<1.41421354> : tensor<f32>
  %one = llm.constant dense<1.0> : tensor<f32>
  %half = llm.constant dense<0.5> : tensor<f32>
  %h = llm.mul %x, %half : (tensor<?x128xf32>, tensor<f32>) -> tensor<?x128xf32>
  %a = llm.div %x, %sqrt2 : (tensor<?x128xf32>, tensor<f32>) -> tensor<?x128xf32>
  %e = llm.erf %a : tensor<?x128xf32>
  %t = llm.add %e, %one : (tensor<?x128xf32>, tensor<f32>) -> tensor<?x128xf32>
  %g = llm.mul %h, %t : (tensor<?x128xf32>, tensor<?x128xf32>) -> tensor<?x128xf32>
  %y = llm.mul %g, %up : (tensor<?x128xf32>, tensor<?x128xf32>) -> tensor<?x128xf32>
  return %y : tensor<?x128xf32>
}

// -----

// Near miss: the erf form's 0.5 is off by 10% (0.55).
// CHECK-LABEL: func.func @gelu_erf_wrong_half
// CHECK-NOT: llm.gelu
// CHECK: llm.erf
// CHECK: return
func.func @gelu_erf_wrong_half(%x: tensor<?x128xf32>) -> tensor<?x128xf32> {
  %sqrt2 = llm.constant dense<1.41421354> : tensor<f32>
  %one = llm.constant dense<1.0> : tensor<f32>
  %half = llm.constant dense<0.55> : tensor<f32>
  %a = llm.div %x, %sqrt2 : (tensor<?x128xf32>, tensor<f32>) -> tensor<?x128xf32>
  %e = llm.erf %a : tensor<?x128xf32>
  %t = llm.add %e, %one : (tensor<?x128xf32>, tensor<f32>) -> tensor<?x128xf32>
  %p = llm.mul %x, %t : (tensor<?x128xf32>, tensor<?x128xf32>) -> tensor<?x128xf32>
  %y = llm.mul %p, %half : (tensor<?x128xf32>, tensor<f32>) -> tensor<?x128xf32>
  return %y : tensor<?x128xf32>
}

// -----

// Near miss: the tanh form's sqrt(2/pi) is off by 10% (0.8777).
// CHECK-LABEL: func.func @gelu_tanh_wrong_scale
// CHECK-NOT: llm.gelu
// CHECK: llm.tanh
// CHECK: return
func.func @gelu_tanh_wrong_scale(%x: tensor<?x128xf32>) -> tensor<?x128xf32> {
  %half = llm.constant dense<5.000000e-01> : tensor<f32>
  %three = llm.constant dense<3.000000e+00> : tensor<f32>
  %c = llm.constant dense<4.471500e-02> : tensor<f32>
  %k = llm.constant dense<0.877673> : tensor<f32>
  %one = llm.constant dense<1.000000e+00> : tensor<f32>
  %h = llm.mul %x, %half : (tensor<?x128xf32>, tensor<f32>) -> tensor<?x128xf32>
  %cube = llm.pow %x, %three : (tensor<?x128xf32>, tensor<f32>) -> tensor<?x128xf32>
  %cc = llm.mul %cube, %c : (tensor<?x128xf32>, tensor<f32>) -> tensor<?x128xf32>
  %poly = llm.add %x, %cc : (tensor<?x128xf32>, tensor<?x128xf32>) -> tensor<?x128xf32>
  %arg = llm.mul %poly, %k : (tensor<?x128xf32>, tensor<f32>) -> tensor<?x128xf32>
  %th = llm.tanh %arg : tensor<?x128xf32>
  %t = llm.add %th, %one : (tensor<?x128xf32>, tensor<f32>) -> tensor<?x128xf32>
  %y = llm.mul %h, %t : (tensor<?x128xf32>, tensor<?x128xf32>) -> tensor<?x128xf32>
  return %y : tensor<?x128xf32>
}

// -----

// Near miss: the tanh form's polynomial uses x^2 instead of x^3.
// CHECK-LABEL: func.func @gelu_tanh_square
// CHECK-NOT: llm.gelu
// CHECK: llm.tanh
// CHECK: return
func.func @gelu_tanh_square(%x: tensor<?x128xf32>) -> tensor<?x128xf32> {
  %half = llm.constant dense<5.000000e-01> : tensor<f32>
  %two = llm.constant dense<2.000000e+00> : tensor<f32>
  %c = llm.constant dense<4.471500e-02> : tensor<f32>
  %k = llm.constant dense<0.797884583> : tensor<f32>
  %one = llm.constant dense<1.000000e+00> : tensor<f32>
  %h = llm.mul %x, %half : (tensor<?x128xf32>, tensor<f32>) -> tensor<?x128xf32>
  %sq = llm.pow %x, %two : (tensor<?x128xf32>, tensor<f32>) -> tensor<?x128xf32>
  %cc = llm.mul %sq, %c : (tensor<?x128xf32>, tensor<f32>) -> tensor<?x128xf32>
  %poly = llm.add %x, %cc : (tensor<?x128xf32>, tensor<?x128xf32>) -> tensor<?x128xf32>
  %arg = llm.mul %poly, %k : (tensor<?x128xf32>, tensor<f32>) -> tensor<?x128xf32>
  %th = llm.tanh %arg : tensor<?x128xf32>
  %t = llm.add %th, %one : (tensor<?x128xf32>, tensor<f32>) -> tensor<?x128xf32>
  %y = llm.mul %h, %t : (tensor<?x128xf32>, tensor<?x128xf32>) -> tensor<?x128xf32>
  return %y : tensor<?x128xf32>
}

// -----

// Near miss: erf of another value than the multiplied one.
// CHECK-LABEL: func.func @gelu_erf_other_input
// CHECK-NOT: llm.gelu
// CHECK: llm.erf
// CHECK: return
func.func @gelu_erf_other_input(%x: tensor<?x128xf32>, %z: tensor<?x128xf32>) -> tensor<?x128xf32> {
  %sqrt2 = llm.constant dense<1.41421354> : tensor<f32>
  %one = llm.constant dense<1.0> : tensor<f32>
  %half = llm.constant dense<0.5> : tensor<f32>
  %a = llm.div %z, %sqrt2 : (tensor<?x128xf32>, tensor<f32>) -> tensor<?x128xf32>
  %e = llm.erf %a : tensor<?x128xf32>
  %t = llm.add %e, %one : (tensor<?x128xf32>, tensor<f32>) -> tensor<?x128xf32>
  %p = llm.mul %x, %t : (tensor<?x128xf32>, tensor<?x128xf32>) -> tensor<?x128xf32>
  %y = llm.mul %p, %half : (tensor<?x128xf32>, tensor<f32>) -> tensor<?x128xf32>
  return %y : tensor<?x128xf32>
}

// -----

// SiLU as x * sigmoid(x), and commuted.
// CHECK-LABEL: func.func @silu
// CHECK-SAME: (%[[X:.+]]: tensor<?x?x128xf32>, %[[Z:.+]]: tensor<?x128xf32>)
// CHECK-NEXT: %[[A:.+]] = llm.silu %[[X]] : tensor<?x?x128xf32>
// CHECK-NEXT: %[[B:.+]] = llm.silu %[[Z]] : tensor<?x128xf32>
// CHECK-NEXT: return %[[A]], %[[B]]
func.func @silu(%x: tensor<?x?x128xf32>, %z: tensor<?x128xf32>) -> (tensor<?x?x128xf32>, tensor<?x128xf32>) {
  %s = llm.sigmoid %x : tensor<?x?x128xf32>
  %y = llm.mul %x, %s : (tensor<?x?x128xf32>, tensor<?x?x128xf32>) -> tensor<?x?x128xf32>
  %s2 = llm.sigmoid %z : tensor<?x128xf32>
  %y2 = llm.mul %s2, %z : (tensor<?x128xf32>, tensor<?x128xf32>) -> tensor<?x128xf32>
  return %y, %y2 : tensor<?x?x128xf32>, tensor<?x128xf32>
}

// -----

// Near miss: the sigmoid's input is not the multiplier (a gate, or quick-GELU's sigmoid(1.702 x)).
// CHECK-LABEL: func.func @silu_other_input
// CHECK-NOT: llm.silu
// CHECK: llm.sigmoid
// CHECK-NEXT: llm.mul
func.func @silu_other_input(%x: tensor<?x128xf32>, %g: tensor<?x128xf32>) -> tensor<?x128xf32> {
  %s = llm.sigmoid %g : tensor<?x128xf32>
  %y = llm.mul %x, %s : (tensor<?x128xf32>, tensor<?x128xf32>) -> tensor<?x128xf32>
  return %y : tensor<?x128xf32>
}

// -----

// Near miss: the sigmoid is used twice.
// CHECK-LABEL: func.func @silu_sigmoid_used_twice
// CHECK-NOT: llm.silu
// CHECK: llm.sigmoid
// CHECK-NEXT: llm.mul
func.func @silu_sigmoid_used_twice(%x: tensor<?x128xf32>) -> (tensor<?x128xf32>, tensor<?x128xf32>) {
  %s = llm.sigmoid %x : tensor<?x128xf32>
  %y = llm.mul %x, %s : (tensor<?x128xf32>, tensor<?x128xf32>) -> tensor<?x128xf32>
  return %y, %s : tensor<?x128xf32>, tensor<?x128xf32>
}

// -----

// SwiGLU: silu(gate) * up, and commuted, with the silu spelled out as
// gate * sigmoid(gate) (raised to llm.silu first).
// CHECK-LABEL: func.func @swiglu
// CHECK-SAME: (%[[G:.+]]: tensor<?x?x128xf32>, %[[U:.+]]: tensor<?x?x128xf32>)
// CHECK-NEXT: %[[A:.+]] = llm.swiglu %[[G]], %[[U]] : tensor<?x?x128xf32>
// CHECK-NEXT: %[[B:.+]] = llm.swiglu %[[U]], %[[G]] : tensor<?x?x128xf32>
// CHECK-NEXT: return %[[A]], %[[B]]
func.func @swiglu(%g: tensor<?x?x128xf32>, %u: tensor<?x?x128xf32>) -> (tensor<?x?x128xf32>, tensor<?x?x128xf32>) {
  %a = llm.silu %g : tensor<?x?x128xf32>
  %h = llm.mul %a, %u : (tensor<?x?x128xf32>, tensor<?x?x128xf32>) -> tensor<?x?x128xf32>
  %s = llm.sigmoid %u : tensor<?x?x128xf32>
  %b = llm.mul %u, %s : (tensor<?x?x128xf32>, tensor<?x?x128xf32>) -> tensor<?x?x128xf32>
  %h2 = llm.mul %g, %b : (tensor<?x?x128xf32>, tensor<?x?x128xf32>) -> tensor<?x?x128xf32>
  return %h, %h2 : tensor<?x?x128xf32>, tensor<?x?x128xf32>
}

// -----

// Near miss: the activated gate is also returned, so it stays a silu.
// CHECK-LABEL: func.func @swiglu_silu_used_twice
// CHECK-NOT: llm.swiglu
// CHECK: llm.silu
// CHECK-NEXT: llm.mul
func.func @swiglu_silu_used_twice(%g: tensor<?x128xf32>, %u: tensor<?x128xf32>) -> (tensor<?x128xf32>, tensor<?x128xf32>) {
  %a = llm.silu %g : tensor<?x128xf32>
  %h = llm.mul %a, %u : (tensor<?x128xf32>, tensor<?x128xf32>) -> tensor<?x128xf32>
  return %h, %a : tensor<?x128xf32>, tensor<?x128xf32>
}

// -----

// Near miss: the up operand broadcasts (a per-feature scale, not a
// projection of the same rows).
// CHECK-LABEL: func.func @swiglu_broadcast
// CHECK-NOT: llm.swiglu
// CHECK: llm.silu
// CHECK-NEXT: llm.mul
func.func @swiglu_broadcast(%g: tensor<?x128xf32>, %w: tensor<128xf32>) -> tensor<?x128xf32> {
  %a = llm.silu %g : tensor<?x128xf32>
  %h = llm.mul %a, %w : (tensor<?x128xf32>, tensor<128xf32>) -> tensor<?x128xf32>
  return %h : tensor<?x128xf32>
}
