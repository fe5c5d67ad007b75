// RUN: llm-opt %s -llm-fold-head-transposes -split-input-file | FileCheck %s
// RUN: llm-opt %s -llm-fold-head-transposes=report-misses=1 -split-input-file -verify-diagnostics -o /dev/null

// GPT-2's and BERT's head split and merge: q, k and v transposed from
// [B, S, H, D], the result transposed back. The attention reads and writes
// [B, S, H, D]; no transpose is left.
// CHECK-LABEL: func.func @split_and_merge
// CHECK-SAME: (%[[Q:.+]]: tensor<?x?x12x64xf32>, %[[K:.+]]: tensor<?x?x12x64xf32>, %[[V:.+]]: tensor<?x?x12x64xf32>)
// CHECK-NEXT: %[[A:.+]] = llm.attention %[[Q]], %[[K]], %[[V]] {causal = "upper_left", layout = "bshd", scale = 1.250000e-01 : f32} : tensor<?x?x12x64xf32>, tensor<?x?x12x64xf32>, tensor<?x?x12x64xf32> -> tensor<?x?x12x64xf32>
// CHECK-NEXT: return %[[A]] : tensor<?x?x12x64xf32>
func.func @split_and_merge(%q: tensor<?x?x12x64xf32>, %k: tensor<?x?x12x64xf32>, %v: tensor<?x?x12x64xf32>) -> tensor<?x?x12x64xf32> {
  %qt = llm.transpose %q {permutation = array<i64: 0, 2, 1, 3>} : tensor<?x?x12x64xf32> -> tensor<?x12x?x64xf32>
  %kt = llm.transpose %k {permutation = array<i64: 0, 2, 1, 3>} : tensor<?x?x12x64xf32> -> tensor<?x12x?x64xf32>
  %vt = llm.transpose %v {permutation = array<i64: 0, 2, 1, 3>} : tensor<?x?x12x64xf32> -> tensor<?x12x?x64xf32>
  %a = llm.attention %qt, %kt, %vt {causal = "upper_left", scale = 0.125 : f32} : tensor<?x12x?x64xf32>, tensor<?x12x?x64xf32>, tensor<?x12x?x64xf32> -> tensor<?x12x?x64xf32>
  %o = llm.transpose %a {permutation = array<i64: 0, 2, 1, 3>} : tensor<?x12x?x64xf32> -> tensor<?x?x12x64xf32>
  return %o : tensor<?x?x12x64xf32>
}

// -----

// Grouped-query heads and a padding mask (the mask keeps its
// [batch, q_heads, q_seq, kv_seq] meaning). A user that reads the result in
// [B, H, S, D] gets a transpose of the new result; the merge transpose still
// folds. A transpose with another user stays for it.
// CHECK-LABEL: func.func @gqa_mask_other_users
// CHECK-SAME: (%[[Q:.+]]: tensor<2x5x8x64xf16>, %[[K:.+]]: tensor<2x5x2x64xf16>, %[[V:.+]]: tensor<2x5x2x64xf16>, %[[M:.+]]: tensor<2x1x1x5xi1>)
// CHECK-NEXT: %[[KT:.+]] = llm.transpose %[[K]]
// CHECK-NEXT: %[[A:.+]] = llm.attention %[[Q]], %[[K]], %[[V]] mask %[[M]] : tensor<2x1x1x5xi1> {layout = "bshd", masked_rows = "uniform"} : tensor<2x5x8x64xf16>, tensor<2x5x2x64xf16>, tensor<2x5x2x64xf16> -> tensor<2x5x8x64xf16>
// CHECK-NEXT: %[[BACK:.+]] = llm.transpose %[[A]] {permutation = array<i64: 0, 2, 1, 3>} : tensor<2x5x8x64xf16> -> tensor<2x8x5x64xf16>
// CHECK-NEXT: return %[[A]], %[[BACK]], %[[KT]]
func.func @gqa_mask_other_users(%q: tensor<2x5x8x64xf16>, %k: tensor<2x5x2x64xf16>, %v: tensor<2x5x2x64xf16>, %m: tensor<2x1x1x5xi1>) -> (tensor<2x5x8x64xf16>, tensor<2x8x5x64xf16>, tensor<2x2x5x64xf16>) {
  %qt = llm.transpose %q {permutation = array<i64: 0, 2, 1, 3>} : tensor<2x5x8x64xf16> -> tensor<2x8x5x64xf16>
  %kt = llm.transpose %k {permutation = array<i64: 0, 2, 1, 3>} : tensor<2x5x2x64xf16> -> tensor<2x2x5x64xf16>
  %vt = llm.transpose %v {permutation = array<i64: 0, 2, 1, 3>} : tensor<2x5x2x64xf16> -> tensor<2x2x5x64xf16>
  %a = llm.attention %qt, %kt, %vt mask %m : tensor<2x1x1x5xi1> {masked_rows = "uniform"} : tensor<2x8x5x64xf16>, tensor<2x2x5x64xf16>, tensor<2x2x5x64xf16> -> tensor<2x8x5x64xf16>
  %o = llm.transpose %a {permutation = array<i64: 0, 2, 1, 3>} : tensor<2x8x5x64xf16> -> tensor<2x5x8x64xf16>
  return %o, %a, %kt : tensor<2x5x8x64xf16>, tensor<2x8x5x64xf16>, tensor<2x2x5x64xf16>
}

// -----

// Self-attention on one tensor: one transpose feeds q, k and v.
// CHECK-LABEL: func.func @one_tensor
// CHECK-NEXT: %[[A:.+]] = llm.attention %arg0, %arg0, %arg0 {layout = "bshd"}
// CHECK-NEXT: return %[[A]]
func.func @one_tensor(%x: tensor<1x7x4x64xf32>) -> tensor<1x7x4x64xf32> {
  %t = llm.transpose %x {permutation = array<i64: 0, 2, 1, 3>} : tensor<1x7x4x64xf32> -> tensor<1x4x7x64xf32>
  %a = llm.attention %t, %t, %t : tensor<1x4x7x64xf32>, tensor<1x4x7x64xf32>, tensor<1x4x7x64xf32> -> tensor<1x4x7x64xf32>
  %o = llm.transpose %a {permutation = array<i64: 0, 2, 1, 3>} : tensor<1x4x7x64xf32> -> tensor<1x7x4x64xf32>
  return %o : tensor<1x7x4x64xf32>
}

// -----

// Llama: q and k go through rotary embeddings between the head split and
// the attention. The rotary embeddings become "bshd" ones on the split heads
// (their cos/sin tables keep their [B, H, S, D] meaning), and no transpose
// is left.
// CHECK-LABEL: func.func @rotary_llama
// CHECK-SAME: (%[[Q:.+]]: tensor<1x7x4x64xf32>, %[[K:.+]]: tensor<1x7x2x64xf32>, %[[V:.+]]: tensor<1x7x2x64xf32>, %[[COS:.+]]: tensor<1x1x7x32xf32>, %[[SIN:.+]]: tensor<1x1x7x32xf32>)
// CHECK-NEXT: %[[RQ:.+]] = llm.rotary_embedding %[[Q]], %[[COS]], %[[SIN]] {layout = "bshd"} : tensor<1x7x4x64xf32>, tensor<1x1x7x32xf32>, tensor<1x1x7x32xf32>
// CHECK-NEXT: %[[RK:.+]] = llm.rotary_embedding %[[K]], %[[COS]], %[[SIN]] {layout = "bshd"} : tensor<1x7x2x64xf32>, tensor<1x1x7x32xf32>, tensor<1x1x7x32xf32>
// CHECK-NEXT: %[[A:.+]] = llm.attention %[[RQ]], %[[RK]], %[[V]] {causal = "upper_left", layout = "bshd"} : tensor<1x7x4x64xf32>, tensor<1x7x2x64xf32>, tensor<1x7x2x64xf32> -> tensor<1x7x4x64xf32>
// CHECK-NEXT: return %[[A]]
func.func @rotary_llama(%q: tensor<1x7x4x64xf32>, %k: tensor<1x7x2x64xf32>, %v: tensor<1x7x2x64xf32>, %cos: tensor<1x1x7x32xf32>, %sin: tensor<1x1x7x32xf32>) -> tensor<1x7x4x64xf32> {
  %qt = llm.transpose %q {permutation = array<i64: 0, 2, 1, 3>} : tensor<1x7x4x64xf32> -> tensor<1x4x7x64xf32>
  %kt = llm.transpose %k {permutation = array<i64: 0, 2, 1, 3>} : tensor<1x7x2x64xf32> -> tensor<1x2x7x64xf32>
  %vt = llm.transpose %v {permutation = array<i64: 0, 2, 1, 3>} : tensor<1x7x2x64xf32> -> tensor<1x2x7x64xf32>
  %qr = llm.rotary_embedding %qt, %cos, %sin : tensor<1x4x7x64xf32>, tensor<1x1x7x32xf32>, tensor<1x1x7x32xf32>
  %kr = llm.rotary_embedding %kt, %cos, %sin : tensor<1x2x7x64xf32>, tensor<1x1x7x32xf32>, tensor<1x1x7x32xf32>
  %a = llm.attention %qr, %kr, %vt {causal = "upper_left"} : tensor<1x4x7x64xf32>, tensor<1x2x7x64xf32>, tensor<1x2x7x64xf32> -> tensor<1x4x7x64xf32>
  %o = llm.transpose %a {permutation = array<i64: 0, 2, 1, 3>} : tensor<1x4x7x64xf32> -> tensor<1x7x4x64xf32>
  return %o : tensor<1x7x4x64xf32>
}

// -----

// The rotated keys are also returned (a KV cache's present key, which keeps
// [B, H, S, D]): the rotary embedding still becomes a "bshd" one, and the
// returned value is a transpose of it, the one copy the head split made
// before. The reshape after the attention is sized from llm.dims of the
// rotated q and of the attention (TorchScript's exports): they read the
// swapped dims of the new tensors.
// CHECK-LABEL: func.func @rotary_key_returned
// CHECK-SAME: (%[[X:.+]]: tensor<1x7x4x64xf32>, %[[COS:.+]]: tensor<7x32xf32>, %[[SIN:.+]]: tensor<7x32xf32>)
// CHECK-NEXT: %[[R:.+]] = llm.rotary_embedding %[[X]], %[[COS]], %[[SIN]] {layout = "bshd"}
// CHECK-NEXT: %[[RT:.+]] = llm.transpose %[[R]] {permutation = array<i64: 0, 2, 1, 3>} : tensor<1x7x4x64xf32> -> tensor<1x4x7x64xf32>
// CHECK-NEXT: %[[A:.+]] = llm.attention %[[X]], %[[R]], %[[X]] {layout = "bshd"}
// CHECK-NEXT: %[[B:.+]] = llm.dim %[[A]], 0 : tensor<1x7x4x64xf32>
// CHECK-NEXT: %[[S:.+]] = llm.dim %[[R]], 1 : tensor<1x7x4x64xf32>
// CHECK-NEXT: %[[O:.+]] = llm.reshape %[[A]] [%[[B]], %[[S]], 256]
// CHECK-NEXT: return %[[O]], %[[RT]]
func.func @rotary_key_returned(%x: tensor<1x7x4x64xf32>, %cos: tensor<7x32xf32>, %sin: tensor<7x32xf32>) -> (tensor<?x?x256xf32>, tensor<1x4x7x64xf32>) {
  %t = llm.transpose %x {permutation = array<i64: 0, 2, 1, 3>} : tensor<1x7x4x64xf32> -> tensor<1x4x7x64xf32>
  %r = llm.rotary_embedding %t, %cos, %sin : tensor<1x4x7x64xf32>, tensor<7x32xf32>, tensor<7x32xf32>
  %a = llm.attention %t, %r, %t : tensor<1x4x7x64xf32>, tensor<1x4x7x64xf32>, tensor<1x4x7x64xf32> -> tensor<1x4x7x64xf32>
  %b = llm.dim %a, 0 : tensor<1x4x7x64xf32>
  %s = llm.dim %r, 2 : tensor<1x4x7x64xf32>
  %o = llm.transpose %a {permutation = array<i64: 0, 2, 1, 3>} : tensor<1x4x7x64xf32> -> tensor<1x7x4x64xf32>
  %m = llm.reshape %o [%b, %s, 256] : tensor<1x7x4x64xf32> -> tensor<?x?x256xf32>
  return %m, %r : tensor<?x?x256xf32>, tensor<1x4x7x64xf32>
}

// -----

// Near miss: k transposed with another permutation. Nothing changes.
// CHECK-LABEL: func.func @other_permutation
// CHECK-NOT: layout
func.func @other_permutation(%x: tensor<1x4x64x7xf32>, %y: tensor<1x7x4x64xf32>) -> tensor<1x4x7x64xf32> {
  %k = llm.transpose %x {permutation = array<i64: 0, 1, 3, 2>} : tensor<1x4x64x7xf32> -> tensor<1x4x7x64xf32>
  %t = llm.transpose %y {permutation = array<i64: 0, 2, 1, 3>} : tensor<1x7x4x64xf32> -> tensor<1x4x7x64xf32>
  // expected-remark @+1 {{not given [B, S, H, D] operands}}
  %a = llm.attention %t, %k, %t : tensor<1x4x7x64xf32>, tensor<1x4x7x64xf32>, tensor<1x4x7x64xf32> -> tensor<1x4x7x64xf32>
  return %a : tensor<1x4x7x64xf32>
}
