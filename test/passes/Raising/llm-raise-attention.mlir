// RUN: llm-opt %s -llm-raise-composites=report-misses -split-input-file -verify-diagnostics | FileCheck %s
// RUN: llm-opt %s -llm-raise-composites -split-input-file -mlir-print-op-generic | FileCheck %s --check-prefix=GENERIC

// matmul(softmax(scale(q @ k^T) [+ mask | where(keep, ., -big)]), v) becomes
// llm.attention: every spelling the matcher accepts, then the near misses
// (each with its remark at the final matmul) and ops that are no candidate.
//
// The printer elides attributes at their defaults, so `{scale = S : f32}`
// with nothing after it means causal = "none" and softcap = 0; the GENERIC
// run spells them out once. Each match checks the whole function body with
// CHECK-NEXT, so the matmuls, the scale, the mask ops and the softmax are
// gone.

// Scale as a division by sqrt(head_dim) = 4 (BERT, GPT-2). k^T is an
// argument, not a transpose: the key is a new transpose [0, 1, 3, 2] of it.
// CHECK-LABEL: func.func @scale_div_sqrt
// CHECK-SAME: (%[[Q:.+]]: tensor<2x4x8x16xf32>, %[[KT:.+]]: tensor<2x4x16x8xf32>, %[[V:.+]]: tensor<2x4x8x16xf32>)
// CHECK-NEXT: %[[K:.+]] = llm.transpose %[[KT]] {permutation = array<i64: 0, 1, 3, 2>} : tensor<2x4x16x8xf32> -> tensor<2x4x8x16xf32>
// CHECK-NEXT: %[[O:.+]] = llm.attention %[[Q]], %[[K]], %[[V]] {scale = 2.500000e-01 : f32} : tensor<2x4x8x16xf32>, tensor<2x4x8x16xf32>, tensor<2x4x8x16xf32> -> tensor<2x4x8x16xf32>
// CHECK-NEXT: return %[[O]]
// GENERIC-LABEL: sym_name = "scale_div_sqrt"
// GENERIC: "llm.attention"(%arg0, %{{.+}}, %arg2) <{causal = "none", layout = "bhsd", masked_rows = "zero", scale = 2.500000e-01 : f32, softcap = 0.000000e+00 : f32}>
// GENERIC-NOT: llm.softmax
// GENERIC-NOT: llm.matmul
// GENERIC: "func.return"
func.func @scale_div_sqrt(%q: tensor<2x4x8x16xf32>, %kt: tensor<2x4x16x8xf32>, %v: tensor<2x4x8x16xf32>) -> tensor<2x4x8x16xf32> {
  %c = llm.constant dense<4.0> : tensor<f32>
  %s = llm.matmul %q, %kt : (tensor<2x4x8x16xf32>, tensor<2x4x16x8xf32>) -> tensor<2x4x8x8xf32>
  %d = llm.div %s, %c : (tensor<2x4x8x8xf32>, tensor<f32>) -> tensor<2x4x8x8xf32>
  %p = llm.softmax %d {axis = 3 : i64} : tensor<2x4x8x8xf32>
  %o = llm.matmul %p, %v : (tensor<2x4x8x8xf32>, tensor<2x4x8x16xf32>) -> tensor<2x4x8x16xf32>
  return %o : tensor<2x4x8x16xf32>
}

// -----

// Scale as a multiplication, the constant on the left (and of rank 4).
// CHECK-LABEL: func.func @scale_mul
// CHECK-SAME: (%[[Q:.+]]: tensor<2x4x8x16xf32>, %[[KT:.+]]: tensor<2x4x16x8xf32>, %[[V:.+]]: tensor<2x4x8x16xf32>)
// CHECK-NEXT: %[[K:.+]] = llm.transpose %[[KT]] {permutation = array<i64: 0, 1, 3, 2>}
// CHECK-NEXT: %[[O:.+]] = llm.attention %[[Q]], %[[K]], %[[V]] {scale = 1.250000e-01 : f32} :
// CHECK-NEXT: return %[[O]]
func.func @scale_mul(%q: tensor<2x4x8x16xf32>, %kt: tensor<2x4x16x8xf32>, %v: tensor<2x4x8x16xf32>) -> tensor<2x4x8x16xf32> {
  %c = llm.constant dense<0.125> : tensor<1x1x1x1xf32>
  %s = llm.matmul %q, %kt : (tensor<2x4x8x16xf32>, tensor<2x4x16x8xf32>) -> tensor<2x4x8x8xf32>
  %d = llm.mul %c, %s : (tensor<1x1x1x1xf32>, tensor<2x4x8x8xf32>) -> tensor<2x4x8x8xf32>
  %p = llm.softmax %d {axis = 3 : i64} : tensor<2x4x8x8xf32>
  %o = llm.matmul %p, %v : (tensor<2x4x8x8xf32>, tensor<2x4x8x16xf32>) -> tensor<2x4x8x16xf32>
  return %o : tensor<2x4x8x16xf32>
}

// -----

// torch's SDPA decomposition: q and k^T each multiplied by sqrt(scale) = 0.5
// before the product; the scale is their product. k^T is a transpose
// [0, 1, 3, 2] of a [b, h, s, d] key, so the key is that input, untransposed.
// CHECK-LABEL: func.func @scale_q_and_k
// CHECK-SAME: (%[[Q:.+]]: tensor<2x4x8x16xf32>, %[[K:.+]]: tensor<2x4x8x16xf32>, %[[V:.+]]: tensor<2x4x8x16xf32>)
// CHECK-NEXT: %[[O:.+]] = llm.attention %[[Q]], %[[K]], %[[V]] {scale = 2.500000e-01 : f32} :
// CHECK-NEXT: return %[[O]]
func.func @scale_q_and_k(%q: tensor<2x4x8x16xf32>, %k: tensor<2x4x8x16xf32>, %v: tensor<2x4x8x16xf32>) -> tensor<2x4x8x16xf32> {
  %half = llm.constant dense<0.5> : tensor<f32>
  %half2 = llm.constant dense<0.5> : tensor<f32>
  %qs = llm.mul %q, %half : (tensor<2x4x8x16xf32>, tensor<f32>) -> tensor<2x4x8x16xf32>
  %kt = llm.transpose %k {permutation = array<i64: 0, 1, 3, 2>} : tensor<2x4x8x16xf32> -> tensor<2x4x16x8xf32>
  %kts = llm.mul %kt, %half2 : (tensor<2x4x16x8xf32>, tensor<f32>) -> tensor<2x4x16x8xf32>
  %s = llm.matmul %qs, %kts : (tensor<2x4x8x16xf32>, tensor<2x4x16x8xf32>) -> tensor<2x4x8x8xf32>
  %p = llm.softmax %s {axis = 3 : i64} : tensor<2x4x8x8xf32>
  %o = llm.matmul %p, %v : (tensor<2x4x8x8xf32>, tensor<2x4x8x16xf32>) -> tensor<2x4x8x16xf32>
  return %o : tensor<2x4x8x16xf32>
}

// -----

// No scale at all: scale 1 (explicit, since llm.attention's default is
// 1/sqrt(head_dim)).
// CHECK-LABEL: func.func @no_scale
// CHECK-SAME: (%[[Q:.+]]: tensor<2x4x8x16xf32>, %[[KT:.+]]: tensor<2x4x16x8xf32>, %[[V:.+]]: tensor<2x4x8x16xf32>)
// CHECK-NEXT: %[[K:.+]] = llm.transpose %[[KT]] {permutation = array<i64: 0, 1, 3, 2>}
// CHECK-NEXT: %[[O:.+]] = llm.attention %[[Q]], %[[K]], %[[V]] {scale = 1.000000e+00 : f32} :
// CHECK-NEXT: return %[[O]]
func.func @no_scale(%q: tensor<2x4x8x16xf32>, %kt: tensor<2x4x16x8xf32>, %v: tensor<2x4x8x16xf32>) -> tensor<2x4x8x16xf32> {
  %s = llm.matmul %q, %kt : (tensor<2x4x8x16xf32>, tensor<2x4x16x8xf32>) -> tensor<2x4x8x8xf32>
  %p = llm.softmax %s {axis = 3 : i64} : tensor<2x4x8x8xf32>
  %o = llm.matmul %p, %v : (tensor<2x4x8x8xf32>, tensor<2x4x8x16xf32>) -> tensor<2x4x8x16xf32>
  return %o : tensor<2x4x8x16xf32>
}

// -----

// A float mask added after the scale (BERT's extended attention mask).
// CHECK-LABEL: func.func @additive_mask
// CHECK-SAME: (%[[Q:.+]]: tensor<2x4x8x16xf32>, %[[KT:.+]]: tensor<2x4x16x8xf32>, %[[V:.+]]: tensor<2x4x8x16xf32>, %[[M:.+]]: tensor<2x1x1x8xf32>)
// CHECK-NEXT: %[[K:.+]] = llm.transpose %[[KT]] {permutation = array<i64: 0, 1, 3, 2>}
// CHECK-NEXT: %[[O:.+]] = llm.attention %[[Q]], %[[K]], %[[V]] mask %[[M]] : tensor<2x1x1x8xf32> {scale = 2.500000e-01 : f32} :
// CHECK-NEXT: return %[[O]]
func.func @additive_mask(%q: tensor<2x4x8x16xf32>, %kt: tensor<2x4x16x8xf32>, %v: tensor<2x4x8x16xf32>, %m: tensor<2x1x1x8xf32>) -> tensor<2x4x8x16xf32> {
  %c = llm.constant dense<4.0> : tensor<f32>
  %s = llm.matmul %q, %kt : (tensor<2x4x8x16xf32>, tensor<2x4x16x8xf32>) -> tensor<2x4x8x8xf32>
  %d = llm.div %s, %c : (tensor<2x4x8x8xf32>, tensor<f32>) -> tensor<2x4x8x8xf32>
  %a = llm.add %d, %m : (tensor<2x4x8x8xf32>, tensor<2x1x1x8xf32>) -> tensor<2x4x8x8xf32>
  %p = llm.softmax %a {axis = 3 : i64} : tensor<2x4x8x8xf32>
  %o = llm.matmul %p, %v : (tensor<2x4x8x8xf32>, tensor<2x4x8x16xf32>) -> tensor<2x4x8x16xf32>
  return %o : tensor<2x4x8x16xf32>
}

// -----

// The float mask on the left of the add, with a dynamic shape.
// CHECK-LABEL: func.func @additive_mask_lhs
// CHECK-SAME: (%[[Q:.+]]: tensor<2x4x8x16xf32>, %[[KT:.+]]: tensor<2x4x16x8xf32>, %[[V:.+]]: tensor<2x4x8x16xf32>, %[[M:.+]]: tensor<?x1x?x?xf32>)
// CHECK-NEXT: %[[K:.+]] = llm.transpose %[[KT]] {permutation = array<i64: 0, 1, 3, 2>}
// CHECK-NEXT: %[[O:.+]] = llm.attention %[[Q]], %[[K]], %[[V]] mask %[[M]] : tensor<?x1x?x?xf32> {scale = 1.000000e+00 : f32} :
// CHECK-NEXT: return %[[O]]
func.func @additive_mask_lhs(%q: tensor<2x4x8x16xf32>, %kt: tensor<2x4x16x8xf32>, %v: tensor<2x4x8x16xf32>, %m: tensor<?x1x?x?xf32>) -> tensor<2x4x8x16xf32> {
  %s = llm.matmul %q, %kt : (tensor<2x4x8x16xf32>, tensor<2x4x16x8xf32>) -> tensor<2x4x8x8xf32>
  %a = llm.add %m, %s : (tensor<?x1x?x?xf32>, tensor<2x4x8x8xf32>) -> tensor<2x4x8x8xf32>
  %p = llm.softmax %a {axis = 3 : i64} : tensor<2x4x8x8xf32>
  %o = llm.matmul %p, %v : (tensor<2x4x8x8xf32>, tensor<2x4x8x16xf32>) -> tensor<2x4x8x16xf32>
  return %o : tensor<2x4x8x16xf32>
}

// -----

// A boolean mask: where(keep, scores, -inf) (GPT-2's causal mask).
// CHECK-LABEL: func.func @where_keep
// CHECK-SAME: (%[[Q:.+]]: tensor<2x4x8x16xf32>, %[[KT:.+]]: tensor<2x4x16x8xf32>, %[[V:.+]]: tensor<2x4x8x16xf32>, %[[KEEP:.+]]: tensor<1x1x8x8xi1>)
// CHECK-NEXT: %[[K:.+]] = llm.transpose %[[KT]] {permutation = array<i64: 0, 1, 3, 2>}
// CHECK-NEXT: %[[O:.+]] = llm.attention %[[Q]], %[[K]], %[[V]] mask %[[KEEP]] : tensor<1x1x8x8xi1> {scale = 2.500000e-01 : f32} :
// CHECK-NEXT: return %[[O]]
func.func @where_keep(%q: tensor<2x4x8x16xf32>, %kt: tensor<2x4x16x8xf32>, %v: tensor<2x4x8x16xf32>, %keep: tensor<1x1x8x8xi1>) -> tensor<2x4x8x16xf32> {
  %c = llm.constant dense<4.0> : tensor<f32>
  %ninf = llm.constant dense<0xFF800000> : tensor<f32>
  %s = llm.matmul %q, %kt : (tensor<2x4x8x16xf32>, tensor<2x4x16x8xf32>) -> tensor<2x4x8x8xf32>
  %d = llm.div %s, %c : (tensor<2x4x8x8xf32>, tensor<f32>) -> tensor<2x4x8x8xf32>
  %w = llm.where %keep, %d, %ninf : (tensor<1x1x8x8xi1>, tensor<2x4x8x8xf32>, tensor<f32>) -> tensor<2x4x8x8xf32>
  %p = llm.softmax %w {axis = 3 : i64} : tensor<2x4x8x8xf32>
  %o = llm.matmul %p, %v : (tensor<2x4x8x8xf32>, tensor<2x4x8x16xf32>) -> tensor<2x4x8x16xf32>
  return %o : tensor<2x4x8x16xf32>
}

// -----

// The inverted boolean mask: where(masked, -3.4e38, scores) (finfo.min); the
// attention keeps where the mask is false, so the condition is negated.
// CHECK-LABEL: func.func @where_masked_inverted
// CHECK-SAME: (%[[Q:.+]]: tensor<2x4x8x16xf32>, %[[KT:.+]]: tensor<2x4x16x8xf32>, %[[V:.+]]: tensor<2x4x8x16xf32>, %[[MASKED:.+]]: tensor<2x1x1x8xi1>)
// CHECK-NEXT: %[[K:.+]] = llm.transpose %[[KT]] {permutation = array<i64: 0, 1, 3, 2>}
// CHECK-NEXT: %[[KEEP:.+]] = llm.not %[[MASKED]] : tensor<2x1x1x8xi1>
// A row with every key masked has only finfo.min scores: softmax averages v.
// CHECK-NEXT: %[[O:.+]] = llm.attention %[[Q]], %[[K]], %[[V]] mask %[[KEEP]] : tensor<2x1x1x8xi1> {masked_rows = "uniform", scale = 2.500000e-01 : f32} :
// CHECK-NEXT: return %[[O]]
func.func @where_masked_inverted(%q: tensor<2x4x8x16xf32>, %kt: tensor<2x4x16x8xf32>, %v: tensor<2x4x8x16xf32>, %masked: tensor<2x1x1x8xi1>) -> tensor<2x4x8x16xf32> {
  %c = llm.constant dense<4.0> : tensor<f32>
  %min = llm.constant dense<-3.40282347E+38> : tensor<f32>
  %s = llm.matmul %q, %kt : (tensor<2x4x8x16xf32>, tensor<2x4x16x8xf32>) -> tensor<2x4x8x8xf32>
  %d = llm.div %s, %c : (tensor<2x4x8x8xf32>, tensor<f32>) -> tensor<2x4x8x8xf32>
  %w = llm.where %masked, %min, %d : (tensor<2x1x1x8xi1>, tensor<f32>, tensor<2x4x8x8xf32>) -> tensor<2x4x8x8xf32>
  %p = llm.softmax %w {axis = 3 : i64} : tensor<2x4x8x8xf32>
  %o = llm.matmul %p, %v : (tensor<2x4x8x8xf32>, tensor<2x4x8x16xf32>) -> tensor<2x4x8x16xf32>
  return %o : tensor<2x4x8x16xf32>
}

// -----

// A scale after a boolean mask commutes with it (-inf stays -inf): matched.
// CHECK-LABEL: func.func @scale_after_where_mask
// CHECK-SAME: (%[[Q:.+]]: tensor<2x4x8x16xf32>, %[[KT:.+]]: tensor<2x4x16x8xf32>, %[[V:.+]]: tensor<2x4x8x16xf32>, %[[KEEP:.+]]: tensor<1x1x8x8xi1>)
// CHECK-NEXT: %[[K:.+]] = llm.transpose %[[KT]] {permutation = array<i64: 0, 1, 3, 2>}
// CHECK-NEXT: %[[O:.+]] = llm.attention %[[Q]], %[[K]], %[[V]] mask %[[KEEP]] : tensor<1x1x8x8xi1> {scale = 1.250000e-01 : f32} :
// CHECK-NEXT: return %[[O]]
func.func @scale_after_where_mask(%q: tensor<2x4x8x16xf32>, %kt: tensor<2x4x16x8xf32>, %v: tensor<2x4x8x16xf32>, %keep: tensor<1x1x8x8xi1>) -> tensor<2x4x8x16xf32> {
  %c = llm.constant dense<0.125> : tensor<f32>
  %ninf = llm.constant dense<0xFF800000> : tensor<f32>
  %s = llm.matmul %q, %kt : (tensor<2x4x8x16xf32>, tensor<2x4x16x8xf32>) -> tensor<2x4x8x8xf32>
  %w = llm.where %keep, %s, %ninf : (tensor<1x1x8x8xi1>, tensor<2x4x8x8xf32>, tensor<f32>) -> tensor<2x4x8x8xf32>
  %d = llm.mul %w, %c : (tensor<2x4x8x8xf32>, tensor<f32>) -> tensor<2x4x8x8xf32>
  %p = llm.softmax %d {axis = 3 : i64} : tensor<2x4x8x8xf32>
  %o = llm.matmul %p, %v : (tensor<2x4x8x8xf32>, tensor<2x4x8x16xf32>) -> tensor<2x4x8x16xf32>
  return %o : tensor<2x4x8x16xf32>
}

// -----

// An additive mask built from a boolean one, where(keep, 0, -inf) (the
// exporters' SDPA with a boolean attn_mask): the condition is the mask. The
// float mask has no other use, so it is erased.
// CHECK-LABEL: func.func @additive_where_mask
// CHECK-SAME: (%[[Q:.+]]: tensor<2x4x8x16xf32>, %[[KT:.+]]: tensor<2x4x16x8xf32>, %[[V:.+]]: tensor<2x4x8x16xf32>, %[[KEEP:.+]]: tensor<2x1x8x8xi1>)
// CHECK-NEXT: %[[K:.+]] = llm.transpose %[[KT]] {permutation = array<i64: 0, 1, 3, 2>}
// CHECK-NEXT: %[[O:.+]] = llm.attention %[[Q]], %[[K]], %[[V]] mask %[[KEEP]] : tensor<2x1x8x8xi1> {scale = 2.500000e-01 : f32} :
// CHECK-NEXT: return %[[O]]
func.func @additive_where_mask(%q: tensor<2x4x8x16xf32>, %kt: tensor<2x4x16x8xf32>, %v: tensor<2x4x8x16xf32>, %keep: tensor<2x1x8x8xi1>) -> tensor<2x4x8x16xf32> {
  %c = llm.constant dense<4.0> : tensor<f32>
  %zero = llm.constant dense<0.0> : tensor<1xf32>
  %ninf = llm.constant dense<0xFF800000> : tensor<1xf32>
  %m = llm.where %keep, %zero, %ninf : (tensor<2x1x8x8xi1>, tensor<1xf32>, tensor<1xf32>) -> tensor<2x1x8x8xf32>
  %s = llm.matmul %q, %kt : (tensor<2x4x8x16xf32>, tensor<2x4x16x8xf32>) -> tensor<2x4x8x8xf32>
  %d = llm.div %s, %c : (tensor<2x4x8x8xf32>, tensor<f32>) -> tensor<2x4x8x8xf32>
  %a = llm.add %d, %m : (tensor<2x4x8x8xf32>, tensor<2x1x8x8xf32>) -> tensor<2x4x8x8xf32>
  %p = llm.softmax %a {axis = 3 : i64} : tensor<2x4x8x8xf32>
  %o = llm.matmul %p, %v : (tensor<2x4x8x8xf32>, tensor<2x4x8x16xf32>) -> tensor<2x4x8x16xf32>
  return %o : tensor<2x4x8x16xf32>
}

// -----

// The inverted additive form, where(masked, c, 0) with c = -1e9: adding c does
// not absorb a score in f32 (ulp(1e9) is 64), so a row whose keys are all
// masked computes softmax(s + c) = softmax(s) over all its keys, which no
// boolean mask says: the float mask stays the mask (exact, and shared).
// CHECK-LABEL: func.func @additive_where_mask_inverted
// CHECK-SAME: (%[[Q:.+]]: tensor<2x4x8x16xf32>, %[[KT:.+]]: tensor<2x4x16x8xf32>, %[[V:.+]]: tensor<2x4x8x16xf32>, %[[MASKED:.+]]: tensor<2x1x1x8xi1>)
// CHECK: %[[M:.+]] = llm.where %[[MASKED]]
// CHECK-NEXT: %[[K:.+]] = llm.transpose %[[KT]] {permutation = array<i64: 0, 1, 3, 2>}
// CHECK-NEXT: %[[O:.+]] = llm.attention %[[Q]], %[[K]], %[[V]] mask %[[M]] : tensor<2x1x1x8xf32> {scale = 2.500000e-01 : f32} :
// CHECK-NEXT: return %[[O]], %[[M]]
func.func @additive_where_mask_inverted(%q: tensor<2x4x8x16xf32>, %kt: tensor<2x4x16x8xf32>, %v: tensor<2x4x8x16xf32>, %masked: tensor<2x1x1x8xi1>) -> (tensor<2x4x8x16xf32>, tensor<2x1x1x8xf32>) {
  %c = llm.constant dense<4.0> : tensor<f32>
  %zero = llm.constant dense<0.0> : tensor<f32>
  %big = llm.constant dense<-1.0e+09> : tensor<f32>
  %m = llm.where %masked, %big, %zero : (tensor<2x1x1x8xi1>, tensor<f32>, tensor<f32>) -> tensor<2x1x1x8xf32>
  %s = llm.matmul %q, %kt : (tensor<2x4x8x16xf32>, tensor<2x4x16x8xf32>) -> tensor<2x4x8x8xf32>
  %d = llm.div %s, %c : (tensor<2x4x8x8xf32>, tensor<f32>) -> tensor<2x4x8x8xf32>
  %a = llm.add %d, %m : (tensor<2x4x8x8xf32>, tensor<2x1x1x8xf32>) -> tensor<2x4x8x8xf32>
  %p = llm.softmax %a {axis = 3 : i64} : tensor<2x4x8x8xf32>
  %o = llm.matmul %p, %v : (tensor<2x4x8x8xf32>, tensor<2x4x8x16xf32>) -> tensor<2x4x8x16xf32>
  return %o, %m : tensor<2x4x8x16xf32>, tensor<2x1x1x8xf32>
}

// -----

// torch's SDPA decomposition as both exporters write it: q and k^T scaled by
// sqrt(scale), an additive where-mask, the softmax, and the NaN guard
// where(is_nan(p), 0, p) that zeroes fully masked rows. Everything folds in.
// CHECK-LABEL: func.func @sdpa_nan_guard
// CHECK-SAME: (%[[Q:.+]]: tensor<2x4x8x16xf32>, %[[K:.+]]: tensor<2x4x8x16xf32>, %[[V:.+]]: tensor<2x4x8x16xf32>, %[[KEEP:.+]]: tensor<2x1x8x8xi1>)
// CHECK-NEXT: %[[O:.+]] = llm.attention %[[Q]], %[[K]], %[[V]] mask %[[KEEP]] : tensor<2x1x8x8xi1> {scale = 2.500000e-01 : f32} :
// CHECK-NEXT: return %[[O]]
func.func @sdpa_nan_guard(%q: tensor<2x4x8x16xf32>, %k: tensor<2x4x8x16xf32>, %v: tensor<2x4x8x16xf32>, %keep: tensor<2x1x8x8xi1>) -> tensor<2x4x8x16xf32> {
  %half = llm.constant dense<0.5> : tensor<f32>
  %zero = llm.constant dense<0.0> : tensor<1xf32>
  %ninf = llm.constant dense<0xFF800000> : tensor<1xf32>
  %pzero = llm.constant dense<0.0> : tensor<f32>
  %m = llm.where %keep, %zero, %ninf : (tensor<2x1x8x8xi1>, tensor<1xf32>, tensor<1xf32>) -> tensor<2x1x8x8xf32>
  %qs = llm.mul %q, %half : (tensor<2x4x8x16xf32>, tensor<f32>) -> tensor<2x4x8x16xf32>
  %kt = llm.transpose %k {permutation = array<i64: 0, 1, 3, 2>} : tensor<2x4x8x16xf32> -> tensor<2x4x16x8xf32>
  %kts = llm.mul %kt, %half : (tensor<2x4x16x8xf32>, tensor<f32>) -> tensor<2x4x16x8xf32>
  %s = llm.matmul %qs, %kts : (tensor<2x4x8x16xf32>, tensor<2x4x16x8xf32>) -> tensor<2x4x8x8xf32>
  %a = llm.add %s, %m : (tensor<2x4x8x8xf32>, tensor<2x1x8x8xf32>) -> tensor<2x4x8x8xf32>
  %p = llm.softmax %a {axis = 3 : i64} : tensor<2x4x8x8xf32>
  %nan = llm.is_nan %p : tensor<2x4x8x8xf32> -> tensor<2x4x8x8xi1>
  %g = llm.where %nan, %pzero, %p : (tensor<2x4x8x8xi1>, tensor<f32>, tensor<2x4x8x8xf32>) -> tensor<2x4x8x8xf32>
  %o = llm.matmul %g, %v : (tensor<2x4x8x8xf32>, tensor<2x4x8x16xf32>) -> tensor<2x4x8x16xf32>
  return %o : tensor<2x4x8x16xf32>
}

// -----

// k^T as one transpose [0, 2, 3, 1] of the [b, s, h, d] key projection
// (TorchScript's k.permute): the key is that projection transposed
// [0, 2, 1, 3], and the old transpose is gone.
// CHECK-LABEL: func.func @key_bshd_transpose
// CHECK-SAME: (%[[Q:.+]]: tensor<2x4x8x16xf32>, %[[KP:.+]]: tensor<2x8x4x16xf32>, %[[V:.+]]: tensor<2x4x8x16xf32>)
// CHECK-NEXT: %[[K:.+]] = llm.transpose %[[KP]] {permutation = array<i64: 0, 2, 1, 3>} : tensor<2x8x4x16xf32> -> tensor<2x4x8x16xf32>
// CHECK-NEXT: %[[O:.+]] = llm.attention %[[Q]], %[[K]], %[[V]] {scale = 2.500000e-01 : f32} : tensor<2x4x8x16xf32>, tensor<2x4x8x16xf32>, tensor<2x4x8x16xf32> -> tensor<2x4x8x16xf32>
// CHECK-NEXT: return %[[O]]
func.func @key_bshd_transpose(%q: tensor<2x4x8x16xf32>, %kp: tensor<2x8x4x16xf32>, %v: tensor<2x4x8x16xf32>) -> tensor<2x4x8x16xf32> {
  %c = llm.constant dense<4.0> : tensor<f32>
  %kt = llm.transpose %kp {permutation = array<i64: 0, 2, 3, 1>} : tensor<2x8x4x16xf32> -> tensor<2x4x16x8xf32>
  %s = llm.matmul %q, %kt : (tensor<2x4x8x16xf32>, tensor<2x4x16x8xf32>) -> tensor<2x4x8x8xf32>
  %d = llm.div %s, %c : (tensor<2x4x8x8xf32>, tensor<f32>) -> tensor<2x4x8x8xf32>
  %p = llm.softmax %d {axis = 3 : i64} : tensor<2x4x8x8xf32>
  %o = llm.matmul %p, %v : (tensor<2x4x8x8xf32>, tensor<2x4x8x16xf32>) -> tensor<2x4x8x16xf32>
  return %o : tensor<2x4x8x16xf32>
}

// -----

// k^T as a transpose [0, 1, 3, 2] of a [b, h, s, d] key: the key is its
// input, with no transpose at all.
// CHECK-LABEL: func.func @key_bhsd_transpose
// CHECK-SAME: (%[[Q:.+]]: tensor<2x4x8x16xf32>, %[[K:.+]]: tensor<2x4x8x16xf32>, %[[V:.+]]: tensor<2x4x8x16xf32>)
// CHECK-NEXT: %[[O:.+]] = llm.attention %[[Q]], %[[K]], %[[V]] {scale = 2.500000e-01 : f32} :
// CHECK-NEXT: return %[[O]]
func.func @key_bhsd_transpose(%q: tensor<2x4x8x16xf32>, %k: tensor<2x4x8x16xf32>, %v: tensor<2x4x8x16xf32>) -> tensor<2x4x8x16xf32> {
  %c = llm.constant dense<4.0> : tensor<f32>
  %kt = llm.transpose %k {permutation = array<i64: 0, 1, 3, 2>} : tensor<2x4x8x16xf32> -> tensor<2x4x16x8xf32>
  %s = llm.matmul %q, %kt : (tensor<2x4x8x16xf32>, tensor<2x4x16x8xf32>) -> tensor<2x4x8x8xf32>
  %d = llm.div %s, %c : (tensor<2x4x8x8xf32>, tensor<f32>) -> tensor<2x4x8x8xf32>
  %p = llm.softmax %d {axis = 3 : i64} : tensor<2x4x8x8xf32>
  %o = llm.matmul %p, %v : (tensor<2x4x8x8xf32>, tensor<2x4x8x16xf32>) -> tensor<2x4x8x16xf32>
  return %o : tensor<2x4x8x16xf32>
}

// -----

// k^T computed by something else (a KV cache concatenated along the sequence
// of k^T): a new transpose [0, 1, 3, 2] of it is the key. The k^T transpose
// that has another use (the present key) stays.
// CHECK-LABEL: func.func @key_not_a_transpose
// CHECK-SAME: (%[[Q:.+]]: tensor<1x4x1x16xf32>, %[[PAST:.+]]: tensor<1x4x16x?xf32>, %[[KNEW:.+]]: tensor<1x4x1x16xf32>, %[[V:.+]]: tensor<1x4x?x16xf32>)
// CHECK-NEXT: %[[KNT:.+]] = llm.transpose %[[KNEW]] {permutation = array<i64: 0, 1, 3, 2>}
// CHECK-NEXT: %[[KT:.+]] = llm.concat %[[PAST]], %[[KNT]] {axis = 3 : i64}
// CHECK-NEXT: %[[K:.+]] = llm.transpose %[[KT]] {permutation = array<i64: 0, 1, 3, 2>} : tensor<1x4x16x?xf32> -> tensor<1x4x?x16xf32>
// CHECK-NEXT: %[[O:.+]] = llm.attention %[[Q]], %[[K]], %[[V]] {scale = 2.500000e-01 : f32} : tensor<1x4x1x16xf32>, tensor<1x4x?x16xf32>, tensor<1x4x?x16xf32> -> tensor<1x4x1x16xf32>
// CHECK-NEXT: return %[[O]], %[[KNT]]
func.func @key_not_a_transpose(%q: tensor<1x4x1x16xf32>, %past: tensor<1x4x16x?xf32>, %knew: tensor<1x4x1x16xf32>, %v: tensor<1x4x?x16xf32>) -> (tensor<1x4x1x16xf32>, tensor<1x4x16x1xf32>) {
  %c = llm.constant dense<4.0> : tensor<f32>
  %knt = llm.transpose %knew {permutation = array<i64: 0, 1, 3, 2>} : tensor<1x4x1x16xf32> -> tensor<1x4x16x1xf32>
  %kt = llm.concat %past, %knt {axis = 3 : i64} : (tensor<1x4x16x?xf32>, tensor<1x4x16x1xf32>) -> tensor<1x4x16x?xf32>
  %s = llm.matmul %q, %kt : (tensor<1x4x1x16xf32>, tensor<1x4x16x?xf32>) -> tensor<1x4x1x?xf32>
  %d = llm.div %s, %c : (tensor<1x4x1x?xf32>, tensor<f32>) -> tensor<1x4x1x?xf32>
  %p = llm.softmax %d {axis = 3 : i64} : tensor<1x4x1x?xf32>
  %o = llm.matmul %p, %v : (tensor<1x4x1x?xf32>, tensor<1x4x?x16xf32>) -> tensor<1x4x1x16xf32>
  return %o, %knt : tensor<1x4x1x16xf32>, tensor<1x4x16x1xf32>
}

// -----

// Grouped-query heads through matmul broadcasting: 8 query heads, one key
// and value head (multi-query attention). llm.matmul only broadcasts a head
// count of 1, so 8 query heads over 2 kv heads only reach this pattern with
// a dynamic head count (next test).
// CHECK-LABEL: func.func @gqa_one_kv_head
// CHECK-SAME: (%[[Q:.+]]: tensor<2x8x8x16xf32>, %[[K:.+]]: tensor<2x1x8x16xf32>, %[[V:.+]]: tensor<2x1x8x16xf32>)
// CHECK-NEXT: %[[O:.+]] = llm.attention %[[Q]], %[[K]], %[[V]] {scale = 2.500000e-01 : f32} : tensor<2x8x8x16xf32>, tensor<2x1x8x16xf32>, tensor<2x1x8x16xf32> -> tensor<2x8x8x16xf32>
// CHECK-NEXT: return %[[O]]
func.func @gqa_one_kv_head(%q: tensor<2x8x8x16xf32>, %k: tensor<2x1x8x16xf32>, %v: tensor<2x1x8x16xf32>) -> tensor<2x8x8x16xf32> {
  %c = llm.constant dense<4.0> : tensor<f32>
  %kt = llm.transpose %k {permutation = array<i64: 0, 1, 3, 2>} : tensor<2x1x8x16xf32> -> tensor<2x1x16x8xf32>
  %s = llm.matmul %q, %kt : (tensor<2x8x8x16xf32>, tensor<2x1x16x8xf32>) -> tensor<2x8x8x8xf32>
  %d = llm.div %s, %c : (tensor<2x8x8x8xf32>, tensor<f32>) -> tensor<2x8x8x8xf32>
  %p = llm.softmax %d {axis = 3 : i64} : tensor<2x8x8x8xf32>
  %o = llm.matmul %p, %v : (tensor<2x8x8x8xf32>, tensor<2x1x8x16xf32>) -> tensor<2x8x8x16xf32>
  return %o : tensor<2x8x8x16xf32>
}

// -----

// 8 query heads, key and value with 2 heads, as a dynamic head count on the
// query (llama_dynamo's q is ?x?x?x16 over 4 kv heads).
// CHECK-LABEL: func.func @gqa_dynamic_query_heads
// CHECK-SAME: (%[[Q:.+]]: tensor<2x?x8x16xf32>, %[[K:.+]]: tensor<2x2x8x16xf32>, %[[V:.+]]: tensor<2x2x8x16xf32>)
// CHECK-NEXT: %[[O:.+]] = llm.attention %[[Q]], %[[K]], %[[V]] {scale = 2.500000e-01 : f32} : tensor<2x?x8x16xf32>, tensor<2x2x8x16xf32>, tensor<2x2x8x16xf32> -> tensor<2x2x8x16xf32>
// CHECK-NEXT: return %[[O]]
func.func @gqa_dynamic_query_heads(%q: tensor<2x?x8x16xf32>, %k: tensor<2x2x8x16xf32>, %v: tensor<2x2x8x16xf32>) -> tensor<2x2x8x16xf32> {
  %c = llm.constant dense<4.0> : tensor<f32>
  %kt = llm.transpose %k {permutation = array<i64: 0, 1, 3, 2>} : tensor<2x2x8x16xf32> -> tensor<2x2x16x8xf32>
  %s = llm.matmul %q, %kt : (tensor<2x?x8x16xf32>, tensor<2x2x16x8xf32>) -> tensor<2x2x8x8xf32>
  %d = llm.div %s, %c : (tensor<2x2x8x8xf32>, tensor<f32>) -> tensor<2x2x8x8xf32>
  %p = llm.softmax %d {axis = 3 : i64} : tensor<2x2x8x8xf32>
  %o = llm.matmul %p, %v : (tensor<2x2x8x8xf32>, tensor<2x2x8x16xf32>) -> tensor<2x2x8x16xf32>
  return %o : tensor<2x2x8x16xf32>
}

// -----

// Every dim dynamic but head_dim, with a boolean mask of dynamic shape.
// CHECK-LABEL: func.func @dynamic_dims
// CHECK-SAME: (%[[Q:.+]]: tensor<?x?x?x64xf32>, %[[KP:.+]]: tensor<?x?x?x64xf32>, %[[V:.+]]: tensor<?x?x?x64xf32>, %[[KEEP:.+]]: tensor<?x1x?x?xi1>)
// CHECK-NEXT: %[[K:.+]] = llm.transpose %[[KP]] {permutation = array<i64: 0, 2, 1, 3>} : tensor<?x?x?x64xf32> -> tensor<?x?x?x64xf32>
// CHECK-NEXT: %[[O:.+]] = llm.attention %[[Q]], %[[K]], %[[V]] mask %[[KEEP]] : tensor<?x1x?x?xi1> {scale = 1.250000e-01 : f32} : tensor<?x?x?x64xf32>, tensor<?x?x?x64xf32>, tensor<?x?x?x64xf32> -> tensor<?x?x?x64xf32>
// CHECK-NEXT: return %[[O]]
func.func @dynamic_dims(%q: tensor<?x?x?x64xf32>, %kp: tensor<?x?x?x64xf32>, %v: tensor<?x?x?x64xf32>, %keep: tensor<?x1x?x?xi1>) -> tensor<?x?x?x64xf32> {
  %c = llm.constant dense<8.0> : tensor<f32>
  %ninf = llm.constant dense<0xFF800000> : tensor<f32>
  %kt = llm.transpose %kp {permutation = array<i64: 0, 2, 3, 1>} : tensor<?x?x?x64xf32> -> tensor<?x?x64x?xf32>
  %s = llm.matmul %q, %kt : (tensor<?x?x?x64xf32>, tensor<?x?x64x?xf32>) -> tensor<?x?x?x?xf32>
  %d = llm.div %s, %c : (tensor<?x?x?x?xf32>, tensor<f32>) -> tensor<?x?x?x?xf32>
  %w = llm.where %keep, %d, %ninf : (tensor<?x1x?x?xi1>, tensor<?x?x?x?xf32>, tensor<f32>) -> tensor<?x?x?x?xf32>
  %p = llm.softmax %w {axis = 3 : i64} : tensor<?x?x?x?xf32>
  %o = llm.matmul %p, %v : (tensor<?x?x?x?xf32>, tensor<?x?x?x64xf32>) -> tensor<?x?x?x64xf32>
  return %o : tensor<?x?x?x64xf32>
}

// -----

// llm.dim users of the scores (the exporters read the sequence length off
// them) read the same dims from q and k^T instead, so that nothing keeps the
// scores alive: [batch, heads, q_seq] from the query, kv_seq from k^T.
// CHECK-LABEL: func.func @dims_of_scores
// CHECK-SAME: (%[[Q:.+]]: tensor<?x4x?x16xf32>, %[[KT:.+]]: tensor<?x4x16x?xf32>, %[[V:.+]]: tensor<?x4x?x16xf32>, %[[KEEP:.+]]: tensor<?x1x?x?xi1>)
// CHECK-NEXT: %[[B:.+]] = llm.dim %[[Q]], 0 : tensor<?x4x?x16xf32>
// CHECK-NEXT: %[[S:.+]] = llm.dim %[[Q]], 2 : tensor<?x4x?x16xf32>
// CHECK-NEXT: %[[T:.+]] = llm.dim %[[KT]], 3 : tensor<?x4x16x?xf32>
// CHECK-NEXT: %[[K:.+]] = llm.transpose %[[KT]] {permutation = array<i64: 0, 1, 3, 2>}
// CHECK-NEXT: %[[O:.+]] = llm.attention %[[Q]], %[[K]], %[[V]] mask %[[KEEP]] : tensor<?x1x?x?xi1> {scale = 2.500000e-01 : f32} :
// CHECK-NEXT: return %[[O]], %[[B]], %[[S]], %[[T]]
func.func @dims_of_scores(%q: tensor<?x4x?x16xf32>, %kt: tensor<?x4x16x?xf32>, %v: tensor<?x4x?x16xf32>, %keep: tensor<?x1x?x?xi1>) -> (tensor<?x4x?x16xf32>, index, index, index) {
  %c = llm.constant dense<4.0> : tensor<f32>
  %ninf = llm.constant dense<0xFF800000> : tensor<f32>
  %s = llm.matmul %q, %kt : (tensor<?x4x?x16xf32>, tensor<?x4x16x?xf32>) -> tensor<?x4x?x?xf32>
  %b = llm.dim %s, 0 : tensor<?x4x?x?xf32>
  %d = llm.div %s, %c : (tensor<?x4x?x?xf32>, tensor<f32>) -> tensor<?x4x?x?xf32>
  %n = llm.dim %d, 2 : tensor<?x4x?x?xf32>
  %w = llm.where %keep, %d, %ninf : (tensor<?x1x?x?xi1>, tensor<?x4x?x?xf32>, tensor<f32>) -> tensor<?x4x?x?xf32>
  %t = llm.dim %w, 3 : tensor<?x4x?x?xf32>
  %p = llm.softmax %w {axis = 3 : i64} : tensor<?x4x?x?xf32>
  %o = llm.matmul %p, %v : (tensor<?x4x?x?xf32>, tensor<?x4x?x16xf32>) -> tensor<?x4x?x16xf32>
  return %o, %b, %n, %t : tensor<?x4x?x16xf32>, index, index, index
}

// -----

// Identity casts (Llama's softmax(..).to(dtype) on an f32 model, a
// to(float32) of the scores) are part of the chain.
// CHECK-LABEL: func.func @identity_casts
// CHECK-SAME: (%[[Q:.+]]: tensor<2x4x8x16xf32>, %[[KT:.+]]: tensor<2x4x16x8xf32>, %[[V:.+]]: tensor<2x4x8x16xf32>)
// CHECK-NEXT: %[[K:.+]] = llm.transpose %[[KT]] {permutation = array<i64: 0, 1, 3, 2>}
// CHECK-NEXT: %[[O:.+]] = llm.attention %[[Q]], %[[K]], %[[V]] {scale = 2.500000e-01 : f32} :
// CHECK-NEXT: return %[[O]]
func.func @identity_casts(%q: tensor<2x4x8x16xf32>, %kt: tensor<2x4x16x8xf32>, %v: tensor<2x4x8x16xf32>) -> tensor<2x4x8x16xf32> {
  %c = llm.constant dense<4.0> : tensor<f32>
  %s = llm.matmul %q, %kt : (tensor<2x4x8x16xf32>, tensor<2x4x16x8xf32>) -> tensor<2x4x8x8xf32>
  %sc = llm.cast %s : tensor<2x4x8x8xf32> to tensor<2x4x8x8xf32>
  %d = llm.div %sc, %c : (tensor<2x4x8x8xf32>, tensor<f32>) -> tensor<2x4x8x8xf32>
  %p = llm.softmax %d {axis = 3 : i64} : tensor<2x4x8x8xf32>
  %pc = llm.cast %p : tensor<2x4x8x8xf32> to tensor<2x4x8x8xf32>
  %o = llm.matmul %pc, %v : (tensor<2x4x8x8xf32>, tensor<2x4x8x16xf32>) -> tensor<2x4x8x16xf32>
  return %o : tensor<2x4x8x16xf32>
}

// -----

// Two attentions in one function, each raised on its own.
// CHECK-LABEL: func.func @two_layers
// CHECK-SAME: (%[[Q:.+]]: tensor<2x4x8x16xf32>, %[[K:.+]]: tensor<2x4x8x16xf32>, %[[V:.+]]: tensor<2x4x8x16xf32>)
// CHECK-NEXT: %[[O1:.+]] = llm.attention %[[Q]], %[[K]], %[[V]] {scale = 2.500000e-01 : f32} :
// CHECK-NEXT: %[[O2:.+]] = llm.attention %[[O1]], %[[K]], %[[V]] {scale = 1.000000e+00 : f32} :
// CHECK-NEXT: return %[[O2]]
func.func @two_layers(%q: tensor<2x4x8x16xf32>, %k: tensor<2x4x8x16xf32>, %v: tensor<2x4x8x16xf32>) -> tensor<2x4x8x16xf32> {
  %c = llm.constant dense<4.0> : tensor<f32>
  %kt = llm.transpose %k {permutation = array<i64: 0, 1, 3, 2>} : tensor<2x4x8x16xf32> -> tensor<2x4x16x8xf32>
  %s = llm.matmul %q, %kt : (tensor<2x4x8x16xf32>, tensor<2x4x16x8xf32>) -> tensor<2x4x8x8xf32>
  %d = llm.div %s, %c : (tensor<2x4x8x8xf32>, tensor<f32>) -> tensor<2x4x8x8xf32>
  %p = llm.softmax %d {axis = 3 : i64} : tensor<2x4x8x8xf32>
  %o = llm.matmul %p, %v : (tensor<2x4x8x8xf32>, tensor<2x4x8x16xf32>) -> tensor<2x4x8x16xf32>
  %s2 = llm.matmul %o, %kt : (tensor<2x4x8x16xf32>, tensor<2x4x16x8xf32>) -> tensor<2x4x8x8xf32>
  %p2 = llm.softmax %s2 {axis = 3 : i64} : tensor<2x4x8x8xf32>
  %o2 = llm.matmul %p2, %v : (tensor<2x4x8x8xf32>, tensor<2x4x8x16xf32>) -> tensor<2x4x8x16xf32>
  return %o2 : tensor<2x4x8x16xf32>
}

// -----

//===----------------------------------------------------------------------===//
// Near misses: a remark at the final matmul, and the ops stay.
//===----------------------------------------------------------------------===//

// The softmax normalizes the query axis.
// CHECK-LABEL: func.func @softmax_not_last_axis
// CHECK-NOT: llm.attention
// CHECK: llm.softmax %{{.+}} {axis = 2 : i64}
// CHECK-NEXT: llm.matmul
func.func @softmax_not_last_axis(%q: tensor<2x4x8x16xf32>, %kt: tensor<2x4x16x8xf32>, %v: tensor<2x4x8x16xf32>) -> tensor<2x4x8x16xf32> {
  %c = llm.constant dense<4.0> : tensor<f32>
  %s = llm.matmul %q, %kt : (tensor<2x4x8x16xf32>, tensor<2x4x16x8xf32>) -> tensor<2x4x8x8xf32>
  %d = llm.div %s, %c : (tensor<2x4x8x8xf32>, tensor<f32>) -> tensor<2x4x8x8xf32>
  %p = llm.softmax %d {axis = 2 : i64} : tensor<2x4x8x8xf32>
  // expected-remark@+1 {{not raised to llm.attention: the softmax is over axis 2, not the last}}
  %o = llm.matmul %p, %v : (tensor<2x4x8x8xf32>, tensor<2x4x8x16xf32>) -> tensor<2x4x8x16xf32>
  return %o : tensor<2x4x8x16xf32>
}

// -----

// The probabilities are also returned (output_attentions).
// CHECK-LABEL: func.func @probs_other_use
// CHECK-NOT: llm.attention
// CHECK: %[[P:.+]] = llm.softmax
// CHECK-NEXT: %[[O:.+]] = llm.matmul %[[P]]
// CHECK-NEXT: return %[[O]], %[[P]]
func.func @probs_other_use(%q: tensor<2x4x8x16xf32>, %kt: tensor<2x4x16x8xf32>, %v: tensor<2x4x8x16xf32>) -> (tensor<2x4x8x16xf32>, tensor<2x4x8x8xf32>) {
  %c = llm.constant dense<4.0> : tensor<f32>
  %s = llm.matmul %q, %kt : (tensor<2x4x8x16xf32>, tensor<2x4x16x8xf32>) -> tensor<2x4x8x8xf32>
  %d = llm.div %s, %c : (tensor<2x4x8x8xf32>, tensor<f32>) -> tensor<2x4x8x8xf32>
  %p = llm.softmax %d {axis = 3 : i64} : tensor<2x4x8x8xf32>
  // expected-remark@+1 {{not raised to llm.attention: the attention probabilities have other uses}}
  %o = llm.matmul %p, %v : (tensor<2x4x8x8xf32>, tensor<2x4x8x16xf32>) -> tensor<2x4x8x16xf32>
  return %o, %p : tensor<2x4x8x16xf32>, tensor<2x4x8x8xf32>
}

// -----

// The guarded probabilities are also returned.
// CHECK-LABEL: func.func @guarded_probs_other_use
// CHECK-NOT: llm.attention
// CHECK: llm.is_nan
func.func @guarded_probs_other_use(%q: tensor<2x4x8x16xf32>, %kt: tensor<2x4x16x8xf32>, %v: tensor<2x4x8x16xf32>) -> (tensor<2x4x8x16xf32>, tensor<2x4x8x8xf32>) {
  %zero = llm.constant dense<0.0> : tensor<f32>
  %s = llm.matmul %q, %kt : (tensor<2x4x8x16xf32>, tensor<2x4x16x8xf32>) -> tensor<2x4x8x8xf32>
  %p = llm.softmax %s {axis = 3 : i64} : tensor<2x4x8x8xf32>
  %nan = llm.is_nan %p : tensor<2x4x8x8xf32> -> tensor<2x4x8x8xi1>
  %g = llm.where %nan, %zero, %p : (tensor<2x4x8x8xi1>, tensor<f32>, tensor<2x4x8x8xf32>) -> tensor<2x4x8x8xf32>
  // expected-remark@+1 {{not raised to llm.attention: the attention probabilities have other uses}}
  %o = llm.matmul %g, %v : (tensor<2x4x8x8xf32>, tensor<2x4x8x16xf32>) -> tensor<2x4x8x16xf32>
  return %o, %g : tensor<2x4x8x16xf32>, tensor<2x4x8x8xf32>
}

// -----

// Rank-3 scores ([batch * heads, q_seq, kv_seq]).
// CHECK-LABEL: func.func @scores_rank_3
// CHECK-NOT: llm.attention
// CHECK: llm.softmax
func.func @scores_rank_3(%q: tensor<8x8x16xf32>, %kt: tensor<8x16x8xf32>, %v: tensor<8x8x16xf32>) -> tensor<8x8x16xf32> {
  %c = llm.constant dense<4.0> : tensor<f32>
  %s = llm.matmul %q, %kt : (tensor<8x8x16xf32>, tensor<8x16x8xf32>) -> tensor<8x8x8xf32>
  %d = llm.div %s, %c : (tensor<8x8x8xf32>, tensor<f32>) -> tensor<8x8x8xf32>
  %p = llm.softmax %d {axis = 2 : i64} : tensor<8x8x8xf32>
  // expected-remark@+1 {{not raised to llm.attention: the scores are rank 3, expected 4 ([batch, heads, q_seq, kv_seq])}}
  %o = llm.matmul %p, %v : (tensor<8x8x8xf32>, tensor<8x8x16xf32>) -> tensor<8x8x16xf32>
  return %o : tensor<8x8x16xf32>
}

// -----

// The scaled scores are also returned: raising would compute them twice.
// CHECK-LABEL: func.func @scaled_scores_other_use
// CHECK-NOT: llm.attention
// CHECK: %[[D:.+]] = llm.div
// CHECK: return %{{.+}}, %[[D]]
func.func @scaled_scores_other_use(%q: tensor<2x4x8x16xf32>, %kt: tensor<2x4x16x8xf32>, %v: tensor<2x4x8x16xf32>) -> (tensor<2x4x8x16xf32>, tensor<2x4x8x8xf32>) {
  %c = llm.constant dense<4.0> : tensor<f32>
  %s = llm.matmul %q, %kt : (tensor<2x4x8x16xf32>, tensor<2x4x16x8xf32>) -> tensor<2x4x8x8xf32>
  %d = llm.div %s, %c : (tensor<2x4x8x8xf32>, tensor<f32>) -> tensor<2x4x8x8xf32>
  %p = llm.softmax %d {axis = 3 : i64} : tensor<2x4x8x8xf32>
  // expected-remark@+1 {{not raised to llm.attention: an intermediate of the scores ('llm.div') has other uses}}
  %o = llm.matmul %p, %v : (tensor<2x4x8x8xf32>, tensor<2x4x8x16xf32>) -> tensor<2x4x8x16xf32>
  return %o, %d : tensor<2x4x8x16xf32>, tensor<2x4x8x8xf32>
}

// -----

// q @ k^T itself has another use.
// CHECK-LABEL: func.func @qk_other_use
// CHECK-NOT: llm.attention
// CHECK: llm.softmax
func.func @qk_other_use(%q: tensor<2x4x8x16xf32>, %kt: tensor<2x4x16x8xf32>, %v: tensor<2x4x8x16xf32>) -> (tensor<2x4x8x16xf32>, tensor<2x4x8x8xf32>) {
  %s = llm.matmul %q, %kt : (tensor<2x4x8x16xf32>, tensor<2x4x16x8xf32>) -> tensor<2x4x8x8xf32>
  %p = llm.softmax %s {axis = 3 : i64} : tensor<2x4x8x8xf32>
  // expected-remark@+1 {{not raised to llm.attention: an intermediate of the scores ('llm.matmul') has other uses}}
  %o = llm.matmul %p, %v : (tensor<2x4x8x8xf32>, tensor<2x4x8x16xf32>) -> tensor<2x4x8x16xf32>
  return %o, %s : tensor<2x4x8x16xf32>, tensor<2x4x8x8xf32>
}

// -----

// The scale applied after a float mask would scale the mask too; llm.attention
// adds the mask to the scaled scores.
// CHECK-LABEL: func.func @scale_after_additive_mask
// CHECK-NOT: llm.attention
// CHECK: llm.add
// CHECK-NEXT: llm.div
// CHECK-NEXT: llm.softmax
func.func @scale_after_additive_mask(%q: tensor<2x4x8x16xf32>, %kt: tensor<2x4x16x8xf32>, %v: tensor<2x4x8x16xf32>, %m: tensor<2x1x1x8xf32>) -> tensor<2x4x8x16xf32> {
  %c = llm.constant dense<4.0> : tensor<f32>
  %s = llm.matmul %q, %kt : (tensor<2x4x8x16xf32>, tensor<2x4x16x8xf32>) -> tensor<2x4x8x8xf32>
  %a = llm.add %s, %m : (tensor<2x4x8x8xf32>, tensor<2x1x1x8xf32>) -> tensor<2x4x8x8xf32>
  %d = llm.div %a, %c : (tensor<2x4x8x8xf32>, tensor<f32>) -> tensor<2x4x8x8xf32>
  %p = llm.softmax %d {axis = 3 : i64} : tensor<2x4x8x8xf32>
  // expected-remark@+1 {{not raised to llm.attention: the scores are scaled after the mask was added}}
  %o = llm.matmul %p, %v : (tensor<2x4x8x8xf32>, tensor<2x4x8x16xf32>) -> tensor<2x4x8x16xf32>
  return %o : tensor<2x4x8x16xf32>
}

// -----

// A where against 0 is not a mask (the masked score must be <= -1e4).
// CHECK-LABEL: func.func @where_zero
// CHECK-NOT: llm.attention
// CHECK: llm.where
// CHECK-NEXT: llm.softmax
func.func @where_zero(%q: tensor<2x4x8x16xf32>, %kt: tensor<2x4x16x8xf32>, %v: tensor<2x4x8x16xf32>, %keep: tensor<1x1x8x8xi1>) -> tensor<2x4x8x16xf32> {
  %zero = llm.constant dense<0.0> : tensor<f32>
  %s = llm.matmul %q, %kt : (tensor<2x4x8x16xf32>, tensor<2x4x16x8xf32>) -> tensor<2x4x8x8xf32>
  %w = llm.where %keep, %s, %zero : (tensor<1x1x8x8xi1>, tensor<2x4x8x8xf32>, tensor<f32>) -> tensor<2x4x8x8xf32>
  %p = llm.softmax %w {axis = 3 : i64} : tensor<2x4x8x8xf32>
  // expected-remark@+1 {{not raised to llm.attention: the where does not select a large negative constant (the masked score) against the scores}}
  %o = llm.matmul %p, %v : (tensor<2x4x8x8xf32>, tensor<2x4x8x16xf32>) -> tensor<2x4x8x16xf32>
  return %o : tensor<2x4x8x16xf32>
}

// -----

// A where against -100: negative, but not below the -1e4 that masks a score.
// CHECK-LABEL: func.func @where_small_negative
// CHECK-NOT: llm.attention
// CHECK: llm.where
func.func @where_small_negative(%q: tensor<2x4x8x16xf32>, %kt: tensor<2x4x16x8xf32>, %v: tensor<2x4x8x16xf32>, %keep: tensor<1x1x8x8xi1>) -> tensor<2x4x8x16xf32> {
  %c = llm.constant dense<-100.0> : tensor<f32>
  %s = llm.matmul %q, %kt : (tensor<2x4x8x16xf32>, tensor<2x4x16x8xf32>) -> tensor<2x4x8x8xf32>
  %w = llm.where %keep, %s, %c : (tensor<1x1x8x8xi1>, tensor<2x4x8x8xf32>, tensor<f32>) -> tensor<2x4x8x8xf32>
  %p = llm.softmax %w {axis = 3 : i64} : tensor<2x4x8x8xf32>
  // expected-remark@+1 {{not raised to llm.attention: the where does not select a large negative constant (the masked score) against the scores}}
  %o = llm.matmul %p, %v : (tensor<2x4x8x8xf32>, tensor<2x4x8x16xf32>) -> tensor<2x4x8x16xf32>
  return %o : tensor<2x4x8x16xf32>
}

// -----

// Two masks: a causal where and a padding add. llm.attention takes one.
// CHECK-LABEL: func.func @two_masks
// CHECK-NOT: llm.attention
// CHECK: llm.where
// CHECK-NEXT: llm.add
// CHECK-NEXT: llm.softmax
func.func @two_masks(%q: tensor<2x4x8x16xf32>, %kt: tensor<2x4x16x8xf32>, %v: tensor<2x4x8x16xf32>, %keep: tensor<1x1x8x8xi1>, %m: tensor<2x1x1x8xf32>) -> tensor<2x4x8x16xf32> {
  %ninf = llm.constant dense<0xFF800000> : tensor<f32>
  %s = llm.matmul %q, %kt : (tensor<2x4x8x16xf32>, tensor<2x4x16x8xf32>) -> tensor<2x4x8x8xf32>
  %w = llm.where %keep, %s, %ninf : (tensor<1x1x8x8xi1>, tensor<2x4x8x8xf32>, tensor<f32>) -> tensor<2x4x8x8xf32>
  %a = llm.add %w, %m : (tensor<2x4x8x8xf32>, tensor<2x1x1x8xf32>) -> tensor<2x4x8x8xf32>
  %p = llm.softmax %a {axis = 3 : i64} : tensor<2x4x8x8xf32>
  // expected-remark@+1 {{not raised to llm.attention: more than one mask is applied}}
  %o = llm.matmul %p, %v : (tensor<2x4x8x8xf32>, tensor<2x4x8x16xf32>) -> tensor<2x4x8x16xf32>
  return %o : tensor<2x4x8x16xf32>
}

// -----

// Two float masks added one after the other.
// CHECK-LABEL: func.func @two_additive_masks
// CHECK-NOT: llm.attention
// CHECK: llm.softmax
func.func @two_additive_masks(%q: tensor<2x4x8x16xf32>, %kt: tensor<2x4x16x8xf32>, %v: tensor<2x4x8x16xf32>, %m1: tensor<1x1x8x8xf32>, %m2: tensor<2x1x1x8xf32>) -> tensor<2x4x8x16xf32> {
  %s = llm.matmul %q, %kt : (tensor<2x4x8x16xf32>, tensor<2x4x16x8xf32>) -> tensor<2x4x8x8xf32>
  %a1 = llm.add %s, %m1 : (tensor<2x4x8x8xf32>, tensor<1x1x8x8xf32>) -> tensor<2x4x8x8xf32>
  %a2 = llm.add %a1, %m2 : (tensor<2x4x8x8xf32>, tensor<2x1x1x8xf32>) -> tensor<2x4x8x8xf32>
  %p = llm.softmax %a2 {axis = 3 : i64} : tensor<2x4x8x8xf32>
  // expected-remark@+1 {{not raised to llm.attention: more than one mask is applied}}
  %o = llm.matmul %p, %v : (tensor<2x4x8x8xf32>, tensor<2x4x8x16xf32>) -> tensor<2x4x8x16xf32>
  return %o : tensor<2x4x8x16xf32>
}

// -----

// The scores go through a tanh (a soft cap spelled out): not a scale or a mask.
// CHECK-LABEL: func.func @scores_through_tanh
// CHECK-NOT: llm.attention
// CHECK: llm.tanh
// CHECK-NEXT: llm.softmax
func.func @scores_through_tanh(%q: tensor<2x4x8x16xf32>, %kt: tensor<2x4x16x8xf32>, %v: tensor<2x4x8x16xf32>) -> tensor<2x4x8x16xf32> {
  %s = llm.matmul %q, %kt : (tensor<2x4x8x16xf32>, tensor<2x4x16x8xf32>) -> tensor<2x4x8x8xf32>
  %t = llm.tanh %s : tensor<2x4x8x8xf32>
  %p = llm.softmax %t {axis = 3 : i64} : tensor<2x4x8x8xf32>
  // expected-remark@+1 {{not raised to llm.attention: the scores go through 'llm.tanh', which is not a scale, a mask or q @ k^T}}
  %o = llm.matmul %p, %v : (tensor<2x4x8x8xf32>, tensor<2x4x8x16xf32>) -> tensor<2x4x8x16xf32>
  return %o : tensor<2x4x8x16xf32>
}

// -----

// A cast that changes the element type is not looked through.
// CHECK-LABEL: func.func @scores_through_real_cast
// CHECK-NOT: llm.attention
// CHECK: llm.cast
func.func @scores_through_real_cast(%q: tensor<2x4x8x16xf16>, %kt: tensor<2x4x16x8xf16>, %v: tensor<2x4x8x16xf32>) -> tensor<2x4x8x16xf32> {
  %s = llm.matmul %q, %kt : (tensor<2x4x8x16xf16>, tensor<2x4x16x8xf16>) -> tensor<2x4x8x8xf16>
  %c = llm.cast %s : tensor<2x4x8x8xf16> to tensor<2x4x8x8xf32>
  %p = llm.softmax %c {axis = 3 : i64} : tensor<2x4x8x8xf32>
  // expected-remark@+1 {{not raised to llm.attention: the scores go through 'llm.cast', which is not a scale, a mask or q @ k^T}}
  %o = llm.matmul %p, %v : (tensor<2x4x8x8xf32>, tensor<2x4x8x16xf32>) -> tensor<2x4x8x16xf32>
  return %o : tensor<2x4x8x16xf32>
}

// -----

// The softmax input is an argument, not computed from q @ k^T.
// CHECK-LABEL: func.func @softmax_of_argument
// CHECK: llm.softmax
func.func @softmax_of_argument(%s: tensor<2x4x8x8xf32>, %v: tensor<2x4x8x16xf32>) -> tensor<2x4x8x16xf32> {
  %p = llm.softmax %s {axis = 3 : i64} : tensor<2x4x8x8xf32>
  // expected-remark@+1 {{not raised to llm.attention: the softmax input is not computed from q @ k^T}}
  %o = llm.matmul %p, %v : (tensor<2x4x8x8xf32>, tensor<2x4x8x16xf32>) -> tensor<2x4x8x16xf32>
  return %o : tensor<2x4x8x16xf32>
}

// -----

// A rank-2 query broadcast over batch and heads (learned queries).
// CHECK-LABEL: func.func @query_not_rank_4
// CHECK-NOT: llm.attention
// CHECK: llm.softmax
func.func @query_not_rank_4(%q: tensor<8x16xf32>, %kt: tensor<2x4x16x8xf32>, %v: tensor<2x4x8x16xf32>) -> tensor<2x4x8x16xf32> {
  %s = llm.matmul %q, %kt : (tensor<8x16xf32>, tensor<2x4x16x8xf32>) -> tensor<2x4x8x8xf32>
  %p = llm.softmax %s {axis = 3 : i64} : tensor<2x4x8x8xf32>
  // expected-remark@+1 {{not raised to llm.attention: the query is not rank 4}}
  %o = llm.matmul %p, %v : (tensor<2x4x8x8xf32>, tensor<2x4x8x16xf32>) -> tensor<2x4x8x16xf32>
  return %o : tensor<2x4x8x16xf32>
}

// -----

// A rank-3 value broadcast over the batch.
// CHECK-LABEL: func.func @value_not_rank_4
// CHECK-NOT: llm.attention
// CHECK: llm.softmax
func.func @value_not_rank_4(%q: tensor<2x4x8x16xf32>, %kt: tensor<2x4x16x8xf32>, %v: tensor<4x8x16xf32>) -> tensor<2x4x8x16xf32> {
  %s = llm.matmul %q, %kt : (tensor<2x4x8x16xf32>, tensor<2x4x16x8xf32>) -> tensor<2x4x8x8xf32>
  %p = llm.softmax %s {axis = 3 : i64} : tensor<2x4x8x8xf32>
  // expected-remark@+1 {{not raised to llm.attention: the value is not rank 4}}
  %o = llm.matmul %p, %v : (tensor<2x4x8x8xf32>, tensor<4x8x16xf32>) -> tensor<2x4x8x16xf32>
  return %o : tensor<2x4x8x16xf32>
}

// -----

// One query head over 4 key heads (the matmul broadcasts the query).
// CHECK-LABEL: func.func @query_heads_not_multiple
// CHECK-NOT: llm.attention
// CHECK: llm.softmax
func.func @query_heads_not_multiple(%q: tensor<2x1x8x16xf32>, %kt: tensor<2x4x16x8xf32>, %v: tensor<2x4x8x16xf32>) -> tensor<2x4x8x16xf32> {
  %s = llm.matmul %q, %kt : (tensor<2x1x8x16xf32>, tensor<2x4x16x8xf32>) -> tensor<2x4x8x8xf32>
  %p = llm.softmax %s {axis = 3 : i64} : tensor<2x4x8x8xf32>
  // expected-remark@+1 {{not raised to llm.attention: the query heads are not a multiple of the key heads}}
  %o = llm.matmul %p, %v : (tensor<2x4x8x8xf32>, tensor<2x4x8x16xf32>) -> tensor<2x4x8x16xf32>
  return %o : tensor<2x4x8x16xf32>
}

// -----

// A query shared by the batch (batch 1 against 2): llm.attention does not
// broadcast the batch.
// CHECK-LABEL: func.func @batch_broadcast
// CHECK-NOT: llm.attention
// CHECK: llm.softmax
func.func @batch_broadcast(%q: tensor<1x4x8x16xf32>, %kt: tensor<2x4x16x8xf32>, %v: tensor<2x4x8x16xf32>) -> tensor<2x4x8x16xf32> {
  %s = llm.matmul %q, %kt : (tensor<1x4x8x16xf32>, tensor<2x4x16x8xf32>) -> tensor<2x4x8x8xf32>
  %p = llm.softmax %s {axis = 3 : i64} : tensor<2x4x8x8xf32>
  // expected-remark@+1 {{not raised to llm.attention: the query, key and value have different batch dims}}
  %o = llm.matmul %p, %v : (tensor<2x4x8x8xf32>, tensor<2x4x8x16xf32>) -> tensor<2x4x8x16xf32>
  return %o : tensor<2x4x8x16xf32>
}

// -----

// 4 key heads but one value head.
// CHECK-LABEL: func.func @key_value_heads_differ
// CHECK-NOT: llm.attention
// CHECK: llm.softmax
func.func @key_value_heads_differ(%q: tensor<2x4x8x16xf32>, %kt: tensor<2x4x16x8xf32>, %v: tensor<2x1x8x16xf32>) -> tensor<2x4x8x16xf32> {
  %s = llm.matmul %q, %kt : (tensor<2x4x8x16xf32>, tensor<2x4x16x8xf32>) -> tensor<2x4x8x8xf32>
  %p = llm.softmax %s {axis = 3 : i64} : tensor<2x4x8x8xf32>
  // expected-remark@+1 {{not raised to llm.attention: the key and value have different numbers of heads}}
  %o = llm.matmul %p, %v : (tensor<2x4x8x8xf32>, tensor<2x1x8x16xf32>) -> tensor<2x4x8x16xf32>
  return %o : tensor<2x4x8x16xf32>
}

// -----

// A "scale" constant of a larger shape broadcasts the scores.
// CHECK-LABEL: func.func @scale_broadcasts
// CHECK-NOT: llm.attention
// CHECK: llm.softmax
func.func @scale_broadcasts(%q: tensor<1x4x8x16xf32>, %kt: tensor<1x4x16x8xf32>, %v: tensor<2x4x8x16xf32>) -> tensor<2x4x8x16xf32> {
  %c = llm.constant dense<4.0> : tensor<2x1x1x1xf32>
  %s = llm.matmul %q, %kt : (tensor<1x4x8x16xf32>, tensor<1x4x16x8xf32>) -> tensor<1x4x8x8xf32>
  %d = llm.div %s, %c : (tensor<1x4x8x8xf32>, tensor<2x1x1x1xf32>) -> tensor<2x4x8x8xf32>
  %p = llm.softmax %d {axis = 3 : i64} : tensor<2x4x8x8xf32>
  // expected-remark@+1 {{not raised to llm.attention: the scale broadcasts the scores to a larger shape}}
  %o = llm.matmul %p, %v : (tensor<2x4x8x8xf32>, tensor<2x4x8x16xf32>) -> tensor<2x4x8x16xf32>
  return %o : tensor<2x4x8x16xf32>
}

// -----

// A where whose condition broadcasts the scores.
// CHECK-LABEL: func.func @mask_broadcasts
// CHECK-NOT: llm.attention
// CHECK: llm.softmax
func.func @mask_broadcasts(%q: tensor<1x4x8x16xf32>, %kt: tensor<1x4x16x8xf32>, %v: tensor<2x4x8x16xf32>, %keep: tensor<2x1x8x8xi1>) -> tensor<2x4x8x16xf32> {
  %ninf = llm.constant dense<0xFF800000> : tensor<f32>
  %s = llm.matmul %q, %kt : (tensor<1x4x8x16xf32>, tensor<1x4x16x8xf32>) -> tensor<1x4x8x8xf32>
  %w = llm.where %keep, %s, %ninf : (tensor<2x1x8x8xi1>, tensor<1x4x8x8xf32>, tensor<f32>) -> tensor<2x4x8x8xf32>
  %p = llm.softmax %w {axis = 3 : i64} : tensor<2x4x8x8xf32>
  // expected-remark@+1 {{not raised to llm.attention: the mask broadcasts the scores to a larger shape}}
  %o = llm.matmul %p, %v : (tensor<2x4x8x8xf32>, tensor<2x4x8x16xf32>) -> tensor<2x4x8x16xf32>
  return %o : tensor<2x4x8x16xf32>
}

// -----

//===----------------------------------------------------------------------===//
// No candidates: no remark, nothing changes.
//===----------------------------------------------------------------------===//

// A plain matmul, a matmul of a softmax on the right, and a matmul of a
// guard-shaped where that guards no softmax.
// CHECK-LABEL: func.func @no_candidates
// CHECK-NOT: llm.attention
// CHECK: return
func.func @no_candidates(%x: tensor<2x4x8x8xf32>, %v: tensor<2x4x8x16xf32>, %w: tensor<16x32xf32>) -> (tensor<2x4x8x32xf32>, tensor<2x4x8x16xf32>, tensor<2x4x8x16xf32>) {
  %zero = llm.constant dense<0.0> : tensor<f32>
  %y = llm.matmul %v, %w : (tensor<2x4x8x16xf32>, tensor<16x32xf32>) -> tensor<2x4x8x32xf32>
  %p = llm.softmax %x {axis = 3 : i64} : tensor<2x4x8x8xf32>
  %z = llm.matmul %x, %p : (tensor<2x4x8x8xf32>, tensor<2x4x8x8xf32>) -> tensor<2x4x8x8xf32>
  %u = llm.matmul %z, %v : (tensor<2x4x8x8xf32>, tensor<2x4x8x16xf32>) -> tensor<2x4x8x16xf32>
  %nan = llm.is_nan %x : tensor<2x4x8x8xf32> -> tensor<2x4x8x8xi1>
  %g = llm.where %nan, %zero, %x : (tensor<2x4x8x8xi1>, tensor<f32>, tensor<2x4x8x8xf32>) -> tensor<2x4x8x8xf32>
  %t = llm.matmul %g, %v : (tensor<2x4x8x8xf32>, tensor<2x4x8x16xf32>) -> tensor<2x4x8x16xf32>
  return %y, %u, %t : tensor<2x4x8x32xf32>, tensor<2x4x8x16xf32>, tensor<2x4x8x16xf32>
}
