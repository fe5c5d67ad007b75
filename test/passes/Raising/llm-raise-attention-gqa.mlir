// RUN: llm-opt %s -llm-raise-composites=report-misses -split-input-file -verify-diagnostics | FileCheck %s

// Grouped-query attention written out: each kv head repeated n_rep times
// (HF's repeat_kv: unsqueeze(2) / expand / reshape, or a tile of the new
// dim) before llm.attention. Query head h then reads repeated head h, which
// is kv head h / n_rep: llm.attention's own grouped-query heads, so the
// attention reads the un-repeated key and value. A repeat in the other
// order (head h reading kv head h % kv_heads, tile of the head dim) is a
// different attention and stays, with a remark at the attention.

// repeat_kv with static shapes: [2, 2, 8, 16] -> [2, 2, 2, 8, 16] -> [2, 4, 8, 16].
// CHECK-LABEL: func.func @repeat_kv_expand
// CHECK-SAME: (%[[Q:.+]]: tensor<2x4x8x16xf32>, %[[K:.+]]: tensor<2x2x8x16xf32>, %[[V:.+]]: tensor<2x2x8x16xf32>)
// CHECK-NEXT: %[[O:.+]] = llm.attention %[[Q]], %[[K]], %[[V]] {scale = 2.500000e-01 : f32} : tensor<2x4x8x16xf32>, tensor<2x2x8x16xf32>, tensor<2x2x8x16xf32> -> tensor<2x4x8x16xf32>
// CHECK-NEXT: return %[[O]]
func.func @repeat_kv_expand(%q: tensor<2x4x8x16xf32>, %k: tensor<2x2x8x16xf32>, %v: tensor<2x2x8x16xf32>) -> tensor<2x4x8x16xf32> {
  %ku = llm.unsqueeze %k {axes = array<i64: 2>} : tensor<2x2x8x16xf32> -> tensor<2x2x1x8x16xf32>
  %ke = llm.expand %ku [2, 2, 2, 8, 16] : tensor<2x2x1x8x16xf32> -> tensor<2x2x2x8x16xf32>
  %kr = llm.reshape %ke [2, 4, 8, 16] : tensor<2x2x2x8x16xf32> -> tensor<2x4x8x16xf32>
  %vu = llm.unsqueeze %v {axes = array<i64: 2>} : tensor<2x2x8x16xf32> -> tensor<2x2x1x8x16xf32>
  %ve = llm.expand %vu [2, 2, 2, 8, 16] : tensor<2x2x1x8x16xf32> -> tensor<2x2x2x8x16xf32>
  %vr = llm.reshape %ve [2, 4, 8, 16] : tensor<2x2x2x8x16xf32> -> tensor<2x4x8x16xf32>
  %o = llm.attention %q, %kr, %vr {scale = 0.25 : f32} : tensor<2x4x8x16xf32>, tensor<2x4x8x16xf32>, tensor<2x4x8x16xf32> -> tensor<2x4x8x16xf32>
  return %o : tensor<2x4x8x16xf32>
}

// -----

// The exporters' dynamic shapes: batch and sequence come from the inputs'
// dims, the expand keeps them (a 1 in the target keeps the input's dim
// too), and the reshape reads the same dims back. The key is repeated with
// a tile of the new dim, the value with an expand.
// CHECK-LABEL: func.func @repeat_kv_dynamic_tile
// CHECK-SAME: (%[[Q:.+]]: tensor<?x8x?x16xf32>, %[[K:.+]]: tensor<?x2x?x16xf32>, %[[V:.+]]: tensor<?x2x?x16xf32>)
// CHECK: %[[O:.+]] = llm.attention %[[Q]], %[[K]], %[[V]] {scale = 2.500000e-01 : f32} : tensor<?x8x?x16xf32>, tensor<?x2x?x16xf32>, tensor<?x2x?x16xf32> -> tensor<?x8x?x16xf32>
// CHECK-NEXT: return %[[O]]
func.func @repeat_kv_dynamic_tile(%q: tensor<?x8x?x16xf32>, %k: tensor<?x2x?x16xf32>, %v: tensor<?x2x?x16xf32>) -> tensor<?x8x?x16xf32> {
  %b = llm.dim %k, 0 : tensor<?x2x?x16xf32>
  %s = llm.dim %k, 2 : tensor<?x2x?x16xf32>
  %ku = llm.unsqueeze %k {axes = array<i64: 2>} : tensor<?x2x?x16xf32> -> tensor<?x2x1x?x16xf32>
  %kt = llm.tile %ku [1, 1, 4, 1, 1] : tensor<?x2x1x?x16xf32> -> tensor<?x2x4x?x16xf32>
  %kr = llm.reshape %kt [%b, 8, %s, 16] : tensor<?x2x4x?x16xf32> -> tensor<?x8x?x16xf32>
  %vb = llm.dim %v, 0 : tensor<?x2x?x16xf32>
  %vs = llm.dim %v, 2 : tensor<?x2x?x16xf32>
  %vu = llm.unsqueeze %v {axes = array<i64: 2>} : tensor<?x2x?x16xf32> -> tensor<?x2x1x?x16xf32>
  %ve = llm.expand %vu [%vb, 2, 4, 1, 16] : tensor<?x2x1x?x16xf32> -> tensor<?x2x4x?x16xf32>
  %vr = llm.reshape %ve [%vb, 8, %vs, 16] : tensor<?x2x4x?x16xf32> -> tensor<?x8x?x16xf32>
  %o = llm.attention %q, %kr, %vr {scale = 0.25 : f32} : tensor<?x8x?x16xf32>, tensor<?x8x?x16xf32>, tensor<?x8x?x16xf32> -> tensor<?x8x?x16xf32>
  return %o : tensor<?x8x?x16xf32>
}

// -----

// The dynamo exports' k^T (reshape [b * h, s, d], transpose [0, 2, 1],
// reshape [b, h, d, s]), which the attention pattern transposed back: the
// round trip is the key itself, repeated here, so both folds apply.
// CHECK-LABEL: func.func @key_round_trip
// CHECK-SAME: (%[[Q:.+]]: tensor<?x4x?x16xf32>, %[[K:.+]]: tensor<?x2x?x16xf32>, %[[V:.+]]: tensor<?x2x?x16xf32>)
// CHECK: %[[O:.+]] = llm.attention %[[Q]], %[[K]], %[[V]] {scale = 2.500000e-01 : f32} : tensor<?x4x?x16xf32>, tensor<?x2x?x16xf32>, tensor<?x2x?x16xf32> -> tensor<?x4x?x16xf32>
// CHECK-NEXT: return %[[O]]
func.func @key_round_trip(%q: tensor<?x4x?x16xf32>, %k: tensor<?x2x?x16xf32>, %v: tensor<?x2x?x16xf32>) -> tensor<?x4x?x16xf32> {
  %b = llm.dim %k, 0 : tensor<?x2x?x16xf32>
  %s = llm.dim %k, 2 : tensor<?x2x?x16xf32>
  %ku = llm.unsqueeze %k {axes = array<i64: 2>} : tensor<?x2x?x16xf32> -> tensor<?x2x1x?x16xf32>
  %ke = llm.expand %ku [%b, 2, 2, %s, 16] : tensor<?x2x1x?x16xf32> -> tensor<?x2x2x?x16xf32>
  %kr = llm.reshape %ke [%b, 4, %s, 16] : tensor<?x2x2x?x16xf32> -> tensor<?x4x?x16xf32>
  %c4 = arith.constant 4 : index
  %bh = arith.muli %b, %c4 : index
  %k3 = llm.reshape %kr [%bh, %s, 16] : tensor<?x4x?x16xf32> -> tensor<?x?x16xf32>
  %kt3 = llm.transpose %k3 {permutation = array<i64: 0, 2, 1>} : tensor<?x?x16xf32> -> tensor<?x16x?xf32>
  %kt = llm.reshape %kt3 [%b, 4, 16, %s] : tensor<?x16x?xf32> -> tensor<?x4x16x?xf32>
  %kk = llm.transpose %kt {permutation = array<i64: 0, 1, 3, 2>} : tensor<?x4x16x?xf32> -> tensor<?x4x?x16xf32>
  %vb = llm.dim %v, 0 : tensor<?x2x?x16xf32>
  %vs = llm.dim %v, 2 : tensor<?x2x?x16xf32>
  %vu = llm.unsqueeze %v {axes = array<i64: 2>} : tensor<?x2x?x16xf32> -> tensor<?x2x1x?x16xf32>
  %ve = llm.expand %vu [%vb, 2, 2, %vs, 16] : tensor<?x2x1x?x16xf32> -> tensor<?x2x2x?x16xf32>
  %vr = llm.reshape %ve [%vb, 4, %vs, 16] : tensor<?x2x2x?x16xf32> -> tensor<?x4x?x16xf32>
  %o = llm.attention %q, %kk, %vr {scale = 0.25 : f32} : tensor<?x4x?x16xf32>, tensor<?x4x?x16xf32>, tensor<?x4x?x16xf32> -> tensor<?x4x?x16xf32>
  return %o : tensor<?x4x?x16xf32>
}

// -----

// Near miss: the round trip's first reshape merges heads with the sequence
// ([2, 4, 8, 16] -> [2, 32, 16]), not the batch with the heads: the result
// is a permutation of the key, not the key.
// CHECK-LABEL: func.func @key_round_trip_wrong_merge
// CHECK: llm.transpose
// CHECK: llm.attention
func.func @key_round_trip_wrong_merge(%q: tensor<2x4x8x16xf32>, %k: tensor<2x4x8x16xf32>, %v: tensor<2x4x8x16xf32>) -> tensor<2x4x8x16xf32> {
  %k3 = llm.reshape %k [2, 32, 16] : tensor<2x4x8x16xf32> -> tensor<2x32x16xf32>
  %kt3 = llm.transpose %k3 {permutation = array<i64: 0, 2, 1>} : tensor<2x32x16xf32> -> tensor<2x16x32xf32>
  %kt = llm.reshape %kt3 [2, 4, 16, 8] : tensor<2x16x32xf32> -> tensor<2x4x16x8xf32>
  %kk = llm.transpose %kt {permutation = array<i64: 0, 1, 3, 2>} : tensor<2x4x16x8xf32> -> tensor<2x4x8x16xf32>
  // expected-remark@+1 {{not folded into llm.attention's key: the first reshape does not merge the batch and head dims}}
  %o = llm.attention %q, %kk, %v {scale = 0.25 : f32} : tensor<2x4x8x16xf32>, tensor<2x4x8x16xf32>, tensor<2x4x8x16xf32> -> tensor<2x4x8x16xf32>
  return %o : tensor<2x4x8x16xf32>
}

// -----

// Near miss: the kv heads tiled as a whole (torch's k.repeat(1, n, 1, 1)):
// query head h would read kv head h % kv_heads, not h / n_rep.
// CHECK-LABEL: func.func @tiled_heads
// CHECK: llm.tile
// CHECK: llm.tile
// CHECK: llm.attention
func.func @tiled_heads(%q: tensor<2x4x8x16xf32>, %k: tensor<2x2x8x16xf32>, %v: tensor<2x2x8x16xf32>) -> tensor<2x4x8x16xf32> {
  %kt = llm.tile %k [1, 2, 1, 1] : tensor<2x2x8x16xf32> -> tensor<2x4x8x16xf32>
  %vt = llm.tile %v [1, 2, 1, 1] : tensor<2x2x8x16xf32> -> tensor<2x4x8x16xf32>
  // expected-remark@+1 {{not folded into llm.attention's grouped-query heads: the key's heads are tiled (query head h would read kv head h % kv_heads), not repeated per head}}
  %o = llm.attention %q, %kt, %vt {scale = 0.25 : f32} : tensor<2x4x8x16xf32>, tensor<2x4x8x16xf32>, tensor<2x4x8x16xf32> -> tensor<2x4x8x16xf32>
  return %o : tensor<2x4x8x16xf32>
}

// -----

// Near miss: the copies unsqueezed before the heads ([b, n, hkv, s, d]):
// the same tiled order, spelled with expand / reshape.
// CHECK-LABEL: func.func @copies_before_heads
// CHECK: llm.attention %{{.+}}, %{{.+}}, %{{.+}} {scale = 2.500000e-01 : f32} : tensor<2x4x8x16xf32>, tensor<2x4x8x16xf32>, tensor<2x4x8x16xf32>
func.func @copies_before_heads(%q: tensor<2x4x8x16xf32>, %k: tensor<2x2x8x16xf32>, %v: tensor<2x2x8x16xf32>) -> tensor<2x4x8x16xf32> {
  %ku = llm.unsqueeze %k {axes = array<i64: 1>} : tensor<2x2x8x16xf32> -> tensor<2x1x2x8x16xf32>
  %ke = llm.expand %ku [2, 2, 2, 8, 16] : tensor<2x1x2x8x16xf32> -> tensor<2x2x2x8x16xf32>
  %kr = llm.reshape %ke [2, 4, 8, 16] : tensor<2x2x2x8x16xf32> -> tensor<2x4x8x16xf32>
  %vu = llm.unsqueeze %v {axes = array<i64: 1>} : tensor<2x2x8x16xf32> -> tensor<2x1x2x8x16xf32>
  %ve = llm.expand %vu [2, 2, 2, 8, 16] : tensor<2x1x2x8x16xf32> -> tensor<2x2x2x8x16xf32>
  %vr = llm.reshape %ve [2, 4, 8, 16] : tensor<2x2x2x8x16xf32> -> tensor<2x4x8x16xf32>
  // expected-remark@+1 {{not folded into llm.attention's grouped-query heads: the key's heads are tiled (the copies are unsqueezed before the heads, so query head h would read kv head h % kv_heads), not repeated per head}}
  %o = llm.attention %q, %kr, %vr {scale = 0.25 : f32} : tensor<2x4x8x16xf32>, tensor<2x4x8x16xf32>, tensor<2x4x8x16xf32> -> tensor<2x4x8x16xf32>
  return %o : tensor<2x4x8x16xf32>
}

// -----

// Near miss: only the key is repeated (the value has all the heads).
// CHECK-LABEL: func.func @value_not_repeated
// CHECK: llm.reshape
// CHECK: llm.attention
func.func @value_not_repeated(%q: tensor<2x4x8x16xf32>, %k: tensor<2x2x8x16xf32>, %v: tensor<2x4x8x16xf32>) -> tensor<2x4x8x16xf32> {
  %ku = llm.unsqueeze %k {axes = array<i64: 2>} : tensor<2x2x8x16xf32> -> tensor<2x2x1x8x16xf32>
  %ke = llm.expand %ku [2, 2, 2, 8, 16] : tensor<2x2x1x8x16xf32> -> tensor<2x2x2x8x16xf32>
  %kr = llm.reshape %ke [2, 4, 8, 16] : tensor<2x2x2x8x16xf32> -> tensor<2x4x8x16xf32>
  // expected-remark@+1 {{not folded into llm.attention's grouped-query heads: the key is repeated per head but the value is not}}
  %o = llm.attention %q, %kr, %v {scale = 0.25 : f32} : tensor<2x4x8x16xf32>, tensor<2x4x8x16xf32>, tensor<2x4x8x16xf32> -> tensor<2x4x8x16xf32>
  return %o : tensor<2x4x8x16xf32>
}

// -----

// Near miss: the key's heads repeated twice, the value's four times
// (different kv heads, 2 and 1).
// CHECK-LABEL: func.func @different_repeats
// CHECK: llm.attention %{{.+}}, %{{.+}}, %{{.+}} {scale = 2.500000e-01 : f32} : tensor<2x4x8x16xf32>, tensor<2x4x8x16xf32>, tensor<2x4x8x16xf32>
func.func @different_repeats(%q: tensor<2x4x8x16xf32>, %k: tensor<2x2x8x16xf32>, %v: tensor<2x1x8x16xf32>) -> tensor<2x4x8x16xf32> {
  %ku = llm.unsqueeze %k {axes = array<i64: 2>} : tensor<2x2x8x16xf32> -> tensor<2x2x1x8x16xf32>
  %ke = llm.expand %ku [2, 2, 2, 8, 16] : tensor<2x2x1x8x16xf32> -> tensor<2x2x2x8x16xf32>
  %kr = llm.reshape %ke [2, 4, 8, 16] : tensor<2x2x2x8x16xf32> -> tensor<2x4x8x16xf32>
  %vu = llm.unsqueeze %v {axes = array<i64: 2>} : tensor<2x1x8x16xf32> -> tensor<2x1x1x8x16xf32>
  %ve = llm.expand %vu [2, 1, 4, 8, 16] : tensor<2x1x1x8x16xf32> -> tensor<2x1x4x8x16xf32>
  %vr = llm.reshape %ve [2, 4, 8, 16] : tensor<2x1x4x8x16xf32> -> tensor<2x4x8x16xf32>
  // expected-remark@+1 {{not folded into llm.attention's grouped-query heads: the key is repeated 2 times, the value 4 times}}
  %o = llm.attention %q, %kr, %vr {scale = 0.25 : f32} : tensor<2x4x8x16xf32>, tensor<2x4x8x16xf32>, tensor<2x4x8x16xf32> -> tensor<2x4x8x16xf32>
  return %o : tensor<2x4x8x16xf32>
}

// -----

// Near miss: the expand also broadcasts a batch of 1 to 2, which
// llm.attention does not do for the key.
// CHECK-LABEL: func.func @expand_broadcasts_batch
// CHECK: llm.expand
// CHECK: llm.attention
func.func @expand_broadcasts_batch(%q: tensor<2x4x8x16xf32>, %k: tensor<1x2x8x16xf32>, %v: tensor<1x2x8x16xf32>) -> tensor<2x4x8x16xf32> {
  %ku = llm.unsqueeze %k {axes = array<i64: 2>} : tensor<1x2x8x16xf32> -> tensor<1x2x1x8x16xf32>
  %ke = llm.expand %ku [2, 2, 2, 8, 16] : tensor<1x2x1x8x16xf32> -> tensor<2x2x2x8x16xf32>
  %kr = llm.reshape %ke [2, 4, 8, 16] : tensor<2x2x2x8x16xf32> -> tensor<2x4x8x16xf32>
  %vu = llm.unsqueeze %v {axes = array<i64: 2>} : tensor<1x2x8x16xf32> -> tensor<1x2x1x8x16xf32>
  %ve = llm.expand %vu [2, 2, 2, 8, 16] : tensor<1x2x1x8x16xf32> -> tensor<2x2x2x8x16xf32>
  %vr = llm.reshape %ve [2, 4, 8, 16] : tensor<2x2x2x8x16xf32> -> tensor<2x4x8x16xf32>
  // expected-remark@+1 {{not folded into llm.attention's grouped-query heads: the key's expand broadcasts dim 0 as well as the copies}}
  %o = llm.attention %q, %kr, %vr {scale = 0.25 : f32} : tensor<2x4x8x16xf32>, tensor<2x4x8x16xf32>, tensor<2x4x8x16xf32> -> tensor<2x4x8x16xf32>
  return %o : tensor<2x4x8x16xf32>
}

// -----

// repeat_interleave(kv, 2, dim=1) written as an index_select: a gather of
// heads [0, 0, 1, 1].
// CHECK-LABEL: func.func @repeat_interleave_gather
// CHECK-SAME: (%[[Q:.+]]: tensor<2x4x8x16xf32>, %[[K:.+]]: tensor<2x2x8x16xf32>, %[[V:.+]]: tensor<2x2x8x16xf32>)
// CHECK-NEXT: %[[O:.+]] = llm.attention %[[Q]], %[[K]], %[[V]] {scale = 2.500000e-01 : f32} : tensor<2x4x8x16xf32>, tensor<2x2x8x16xf32>, tensor<2x2x8x16xf32> -> tensor<2x4x8x16xf32>
// CHECK-NEXT: return %[[O]]
func.func @repeat_interleave_gather(%q: tensor<2x4x8x16xf32>, %k: tensor<2x2x8x16xf32>, %v: tensor<2x2x8x16xf32>) -> tensor<2x4x8x16xf32> {
  %idx = llm.constant dense<[0, 0, 1, 1]> : tensor<4xi64>
  %kr = llm.gather %k, %idx {axis = 1 : i64} : (tensor<2x2x8x16xf32>, tensor<4xi64>) -> tensor<2x4x8x16xf32>
  %vr = llm.gather %v, %idx {axis = 1 : i64} : (tensor<2x2x8x16xf32>, tensor<4xi64>) -> tensor<2x4x8x16xf32>
  %o = llm.attention %q, %kr, %vr {scale = 0.25 : f32} : tensor<2x4x8x16xf32>, tensor<2x4x8x16xf32>, tensor<2x4x8x16xf32> -> tensor<2x4x8x16xf32>
  return %o : tensor<2x4x8x16xf32>
}

// -----

// Near miss: a gather of heads [0, 1, 0, 1], the tiled order.
// CHECK-LABEL: func.func @gather_tiled_heads
// CHECK: llm.gather
// CHECK: llm.attention
func.func @gather_tiled_heads(%q: tensor<2x4x8x16xf32>, %k: tensor<2x2x8x16xf32>, %v: tensor<2x2x8x16xf32>) -> tensor<2x4x8x16xf32> {
  %idx = llm.constant dense<[0, 1, 0, 1]> : tensor<4xi64>
  %kr = llm.gather %k, %idx {axis = 1 : i64} : (tensor<2x2x8x16xf32>, tensor<4xi64>) -> tensor<2x4x8x16xf32>
  %vr = llm.gather %v, %idx {axis = 1 : i64} : (tensor<2x2x8x16xf32>, tensor<4xi64>) -> tensor<2x4x8x16xf32>
  // expected-remark@+1 {{not folded into llm.attention's grouped-query heads: the key's heads are tiled (query head h would read kv head h % kv_heads), not repeated per head}}
  %o = llm.attention %q, %kr, %vr {scale = 0.25 : f32} : tensor<2x4x8x16xf32>, tensor<2x4x8x16xf32>, tensor<2x4x8x16xf32> -> tensor<2x4x8x16xf32>
  return %o : tensor<2x4x8x16xf32>
}
