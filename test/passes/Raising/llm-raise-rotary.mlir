// RUN: llm-opt %s -llm-raise-composites=report-misses -split-input-file -verify-diagnostics | FileCheck %s

// x * cos + rotate(x) * sin becomes llm.rotary_embedding: rotate-half
// (concat(-x2, x1) of the halves, by slices or a split) and interleaved
// (stack(-x_odd, x_even) flattened), the tables computed in the graph or
// gathered from a cache. The op takes half-width tables, so each table must
// provably repeat its angles (cat(freqs, freqs), a repeat_interleave, or a
// constant that does) and the rewrite slices one copy out. A rotary of the
// first r features concatenated with the rest becomes rotary_dim = r.

// Llama's rotate_half with slices, cos/sin of cat(freqs, freqs) broadcast
// over the heads.
// CHECK-LABEL: func.func @rotate_half_slices
// CHECK-SAME: (%[[X:.+]]: tensor<1x2x4x8xf32>, %[[F:.+]]: tensor<4x4xf32>)
// CHECK: %[[E:.+]] = llm.concat %[[F]], %[[F]]
// CHECK: %[[COS:.+]] = llm.cos %[[E]]
// CHECK: %[[SIN:.+]] = llm.sin %[[E]]
// CHECK: %[[C:.+]] = llm.slice %[[COS]] axes [1] starts [0] ends [4] steps [1] : tensor<4x8xf32> -> tensor<4x4xf32>
// CHECK: %[[S:.+]] = llm.slice %[[SIN]] axes [1] starts [0] ends [4] steps [1] : tensor<4x8xf32> -> tensor<4x4xf32>
// CHECK-NEXT: %[[R:.+]] = llm.rotary_embedding %[[X]], %[[C]], %[[S]] : tensor<1x2x4x8xf32>, tensor<4x4xf32>, tensor<4x4xf32>
// CHECK-NEXT: return %[[R]]
func.func @rotate_half_slices(%x: tensor<1x2x4x8xf32>, %f: tensor<4x4xf32>) -> tensor<1x2x4x8xf32> {
  %e = llm.concat %f, %f {axis = 1 : i64} : (tensor<4x4xf32>, tensor<4x4xf32>) -> tensor<4x8xf32>
  %cos = llm.cos %e : tensor<4x8xf32>
  %sin = llm.sin %e : tensor<4x8xf32>
  %xc = llm.mul %x, %cos : (tensor<1x2x4x8xf32>, tensor<4x8xf32>) -> tensor<1x2x4x8xf32>
  %x1 = llm.slice %x axes [3] starts [0] ends [4] steps [1] : tensor<1x2x4x8xf32> -> tensor<1x2x4x4xf32>
  %x2 = llm.slice %x axes [3] starts [4] ends [2147483647] steps [1] : tensor<1x2x4x8xf32> -> tensor<1x2x4x4xf32>
  %n2 = llm.neg %x2 : tensor<1x2x4x4xf32>
  %rot = llm.concat %n2, %x1 {axis = 3 : i64} : (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) -> tensor<1x2x4x8xf32>
  %rs = llm.mul %rot, %sin : (tensor<1x2x4x8xf32>, tensor<4x8xf32>) -> tensor<1x2x4x8xf32>
  %r = llm.add %xc, %rs : (tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32>
  return %r : tensor<1x2x4x8xf32>
}

// -----

// The halves by a split, every operand order swapped (sin * rot + cos * x),
// -x2 as x2 * -1, and the tables gathered from constant caches by position
// ids (each row of a cache repeats its halves).
// CHECK-LABEL: func.func @rotate_half_split_cache
// CHECK-SAME: (%[[X:.+]]: tensor<1x2x?x4xf32>, %[[POS:.+]]: tensor<1x?xi64>)
// CHECK: %[[COS:.+]] = llm.gather
// CHECK: %[[SIN:.+]] = llm.gather
// CHECK: %[[CU:.+]] = llm.unsqueeze %[[COS]]
// CHECK: %[[SU:.+]] = llm.unsqueeze %[[SIN]]
// CHECK: %[[C:.+]] = llm.slice %[[CU]] axes [3] starts [0] ends [2] steps [1] : tensor<1x1x?x4xf32> -> tensor<1x1x?x2xf32>
// CHECK: %[[S:.+]] = llm.slice %[[SU]] axes [3] starts [0] ends [2] steps [1]
// CHECK-NEXT: %[[R:.+]] = llm.rotary_embedding %[[X]], %[[C]], %[[S]] : tensor<1x2x?x4xf32>, tensor<1x1x?x2xf32>, tensor<1x1x?x2xf32>
// CHECK-NEXT: return %[[R]]
func.func @rotate_half_split_cache(%x: tensor<1x2x?x4xf32>, %pos: tensor<1x?xi64>) -> tensor<1x2x?x4xf32> {
  %cc = llm.constant dense<[[1.0, 0.5, 1.0, 0.5], [0.25, 0.125, 0.25, 0.125], [2.0, 3.0, 2.0, 3.0]]> : tensor<3x4xf32>
  %sc = llm.constant dense<[[0.0, 0.1, 0.0, 0.1], [0.2, 0.3, 0.2, 0.3], [0.4, 0.5, 0.4, 0.5]]> : tensor<3x4xf32>
  %m1 = llm.constant dense<-1.0> : tensor<f32>
  %cg = llm.gather %cc, %pos {axis = 0 : i64} : (tensor<3x4xf32>, tensor<1x?xi64>) -> tensor<1x?x4xf32>
  %sg = llm.gather %sc, %pos {axis = 0 : i64} : (tensor<3x4xf32>, tensor<1x?xi64>) -> tensor<1x?x4xf32>
  %cos = llm.unsqueeze %cg {axes = array<i64: 1>} : tensor<1x?x4xf32> -> tensor<1x1x?x4xf32>
  %sin = llm.unsqueeze %sg {axes = array<i64: 1>} : tensor<1x?x4xf32> -> tensor<1x1x?x4xf32>
  %h:2 = llm.split %x {axis = 3 : i64, sizes = array<i64: 2, 2>} : tensor<1x2x?x4xf32> -> tensor<1x2x?x2xf32>, tensor<1x2x?x2xf32>
  %n2 = llm.mul %h#1, %m1 : (tensor<1x2x?x2xf32>, tensor<f32>) -> tensor<1x2x?x2xf32>
  %rot = llm.concat %n2, %h#0 {axis = 3 : i64} : (tensor<1x2x?x2xf32>, tensor<1x2x?x2xf32>) -> tensor<1x2x?x4xf32>
  %rs = llm.mul %sin, %rot : (tensor<1x1x?x4xf32>, tensor<1x2x?x4xf32>) -> tensor<1x2x?x4xf32>
  %xc = llm.mul %cos, %x : (tensor<1x1x?x4xf32>, tensor<1x2x?x4xf32>) -> tensor<1x2x?x4xf32>
  %r = llm.add %rs, %xc : (tensor<1x2x?x4xf32>, tensor<1x2x?x4xf32>) -> tensor<1x2x?x4xf32>
  return %r : tensor<1x2x?x4xf32>
}

// -----

// GPT-J's interleaved rotation: stack(-x[..., 1::2], x[..., ::2]) flattened,
// the tables repeat_interleave'd (unsqueeze / expand / reshape). The rewrite
// reads the even entries of each table.
// CHECK-LABEL: func.func @interleaved
// CHECK-SAME: (%[[X:.+]]: tensor<1x2x4x8xf32>, %[[F:.+]]: tensor<4x4xf32>)
// CHECK: %[[C:.+]] = llm.slice %{{.+}} axes [1] starts [0] ends [8] steps [2] : tensor<4x8xf32> -> tensor<4x4xf32>
// CHECK: %[[S:.+]] = llm.slice %{{.+}} axes [1] starts [0] ends [8] steps [2] : tensor<4x8xf32> -> tensor<4x4xf32>
// CHECK-NEXT: %[[R:.+]] = llm.rotary_embedding %[[X]], %[[C]], %[[S]] {interleaved = true} : tensor<1x2x4x8xf32>, tensor<4x4xf32>, tensor<4x4xf32>
// CHECK-NEXT: return %[[R]]
func.func @interleaved(%x: tensor<1x2x4x8xf32>, %f: tensor<4x4xf32>) -> tensor<1x2x4x8xf32> {
  %cos4 = llm.cos %f : tensor<4x4xf32>
  %sin4 = llm.sin %f : tensor<4x4xf32>
  %cu = llm.unsqueeze %cos4 {axes = array<i64: 2>} : tensor<4x4xf32> -> tensor<4x4x1xf32>
  %ce = llm.expand %cu [4, 4, 2] : tensor<4x4x1xf32> -> tensor<4x4x2xf32>
  %cos = llm.reshape %ce [4, 8] : tensor<4x4x2xf32> -> tensor<4x8xf32>
  %su = llm.unsqueeze %sin4 {axes = array<i64: 2>} : tensor<4x4xf32> -> tensor<4x4x1xf32>
  %se = llm.expand %su [4, 4, 2] : tensor<4x4x1xf32> -> tensor<4x4x2xf32>
  %sin = llm.reshape %se [4, 8] : tensor<4x4x2xf32> -> tensor<4x8xf32>
  %even = llm.slice %x axes [3] starts [0] ends [8] steps [2] : tensor<1x2x4x8xf32> -> tensor<1x2x4x4xf32>
  %odd = llm.slice %x axes [3] starts [1] ends [8] steps [2] : tensor<1x2x4x8xf32> -> tensor<1x2x4x4xf32>
  %nodd = llm.neg %odd : tensor<1x2x4x4xf32>
  %a = llm.unsqueeze %nodd {axes = array<i64: 4>} : tensor<1x2x4x4xf32> -> tensor<1x2x4x4x1xf32>
  %b = llm.unsqueeze %even {axes = array<i64: 4>} : tensor<1x2x4x4xf32> -> tensor<1x2x4x4x1xf32>
  %st = llm.concat %a, %b {axis = 4 : i64} : (tensor<1x2x4x4x1xf32>, tensor<1x2x4x4x1xf32>) -> tensor<1x2x4x4x2xf32>
  %rot = llm.reshape %st [1, 2, 4, 8] : tensor<1x2x4x4x2xf32> -> tensor<1x2x4x8xf32>
  %xc = llm.mul %x, %cos : (tensor<1x2x4x8xf32>, tensor<4x8xf32>) -> tensor<1x2x4x8xf32>
  %rs = llm.mul %rot, %sin : (tensor<1x2x4x8xf32>, tensor<4x8xf32>) -> tensor<1x2x4x8xf32>
  %r = llm.add %xc, %rs : (tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32>
  return %r : tensor<1x2x4x8xf32>
}

// -----

// Partial rotary (GPT-NeoX, Phi): the first 4 of 8 features rotated, the
// rest passed through; the rotation is raised, then the concat folds into
// rotary_dim.
// CHECK-LABEL: func.func @partial
// CHECK-SAME: (%[[X:.+]]: tensor<1x2x4x8xf32>, %[[F:.+]]: tensor<4x2xf32>)
// CHECK: %[[R:.+]] = llm.rotary_embedding %[[X]], %{{.+}}, %{{.+}} {rotary_dim = 4 : i64} : tensor<1x2x4x8xf32>, tensor<4x2xf32>, tensor<4x2xf32>
// CHECK-NEXT: return %[[R]]
func.func @partial(%x: tensor<1x2x4x8xf32>, %f: tensor<4x2xf32>) -> tensor<1x2x4x8xf32> {
  %e = llm.concat %f, %f {axis = 1 : i64} : (tensor<4x2xf32>, tensor<4x2xf32>) -> tensor<4x4xf32>
  %cos = llm.cos %e : tensor<4x4xf32>
  %sin = llm.sin %e : tensor<4x4xf32>
  %xr = llm.slice %x axes [3] starts [0] ends [4] steps [1] : tensor<1x2x4x8xf32> -> tensor<1x2x4x4xf32>
  %xp = llm.slice %x axes [3] starts [4] ends [8] steps [1] : tensor<1x2x4x8xf32> -> tensor<1x2x4x4xf32>
  %xc = llm.mul %xr, %cos : (tensor<1x2x4x4xf32>, tensor<4x4xf32>) -> tensor<1x2x4x4xf32>
  %x1 = llm.slice %xr axes [3] starts [0] ends [2] steps [1] : tensor<1x2x4x4xf32> -> tensor<1x2x4x2xf32>
  %x2 = llm.slice %xr axes [3] starts [2] ends [4] steps [1] : tensor<1x2x4x4xf32> -> tensor<1x2x4x2xf32>
  %n2 = llm.neg %x2 : tensor<1x2x4x2xf32>
  %rot = llm.concat %n2, %x1 {axis = 3 : i64} : (tensor<1x2x4x2xf32>, tensor<1x2x4x2xf32>) -> tensor<1x2x4x4xf32>
  %rs = llm.mul %rot, %sin : (tensor<1x2x4x4xf32>, tensor<4x4xf32>) -> tensor<1x2x4x4xf32>
  %rr = llm.add %xc, %rs : (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
  %r = llm.concat %rr, %xp {axis = 3 : i64} : (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) -> tensor<1x2x4x8xf32>
  return %r : tensor<1x2x4x8xf32>
}

// -----

// Near miss: concat(-x1, x2), the halves in the wrong order.
// CHECK-LABEL: func.func @wrong_half_order
// CHECK-NOT: llm.rotary_embedding
func.func @wrong_half_order(%x: tensor<1x2x4x8xf32>, %cos: tensor<4x8xf32>, %sin: tensor<4x8xf32>) -> tensor<1x2x4x8xf32> {
  %xc = llm.mul %x, %cos : (tensor<1x2x4x8xf32>, tensor<4x8xf32>) -> tensor<1x2x4x8xf32>
  %x1 = llm.slice %x axes [3] starts [0] ends [4] steps [1] : tensor<1x2x4x8xf32> -> tensor<1x2x4x4xf32>
  %x2 = llm.slice %x axes [3] starts [4] ends [8] steps [1] : tensor<1x2x4x8xf32> -> tensor<1x2x4x4xf32>
  %n1 = llm.neg %x1 : tensor<1x2x4x4xf32>
  %rot = llm.concat %n1, %x2 {axis = 3 : i64} : (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) -> tensor<1x2x4x8xf32>
  %rs = llm.mul %rot, %sin : (tensor<1x2x4x8xf32>, tensor<4x8xf32>) -> tensor<1x2x4x8xf32>
  // expected-remark@+1 {{not raised to llm.rotary_embedding: the halves are in the wrong order: concat(x1, x2) with a sign, expected concat(-x2, x1)}}
  %r = llm.add %xc, %rs : (tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32>
  return %r : tensor<1x2x4x8xf32>
}

// -----

// Near miss: concat(x2, x1), the neg missing (a rotation by the wrong angle).
// CHECK-LABEL: func.func @missing_neg
// CHECK-NOT: llm.rotary_embedding
func.func @missing_neg(%x: tensor<1x2x4x8xf32>, %cos: tensor<4x8xf32>, %sin: tensor<4x8xf32>) -> tensor<1x2x4x8xf32> {
  %xc = llm.mul %x, %cos : (tensor<1x2x4x8xf32>, tensor<4x8xf32>) -> tensor<1x2x4x8xf32>
  %h:2 = llm.split %x {axis = 3 : i64, sizes = array<i64: 4, 4>} : tensor<1x2x4x8xf32> -> tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>
  %rot = llm.concat %h#1, %h#0 {axis = 3 : i64} : (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) -> tensor<1x2x4x8xf32>
  %rs = llm.mul %rot, %sin : (tensor<1x2x4x8xf32>, tensor<4x8xf32>) -> tensor<1x2x4x8xf32>
  // expected-remark@+1 {{not raised to llm.rotary_embedding: the second half is not negated: expected concat(-x2, x1)}}
  %r = llm.add %xc, %rs : (tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32>
  return %r : tensor<1x2x4x8xf32>
}

// -----

// Near miss: tables that are arguments, whose halves may differ (the op
// would read only the first half).
// CHECK-LABEL: func.func @table_halves_unknown
// CHECK-NOT: llm.rotary_embedding
func.func @table_halves_unknown(%x: tensor<1x2x4x8xf32>, %cos: tensor<4x8xf32>, %sin: tensor<4x8xf32>) -> tensor<1x2x4x8xf32> {
  %xc = llm.mul %x, %cos : (tensor<1x2x4x8xf32>, tensor<4x8xf32>) -> tensor<1x2x4x8xf32>
  %x1 = llm.slice %x axes [3] starts [0] ends [4] steps [1] : tensor<1x2x4x8xf32> -> tensor<1x2x4x4xf32>
  %x2 = llm.slice %x axes [3] starts [4] ends [8] steps [1] : tensor<1x2x4x8xf32> -> tensor<1x2x4x4xf32>
  %n2 = llm.neg %x2 : tensor<1x2x4x4xf32>
  %rot = llm.concat %n2, %x1 {axis = 3 : i64} : (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) -> tensor<1x2x4x8xf32>
  %rs = llm.mul %rot, %sin : (tensor<1x2x4x8xf32>, tensor<4x8xf32>) -> tensor<1x2x4x8xf32>
  // expected-remark@+1 {{not raised to llm.rotary_embedding: the cos table does not provably have its two halves equal (cat(freqs, freqs))}}
  %r = llm.add %xc, %rs : (tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32>
  return %r : tensor<1x2x4x8xf32>
}

// -----

// Near miss: a constant sin cache whose rows do not repeat their halves.
// CHECK-LABEL: func.func @cache_not_duplicated
// CHECK-NOT: llm.rotary_embedding
func.func @cache_not_duplicated(%x: tensor<1x2x2x4xf32>, %f: tensor<2x2xf32>) -> tensor<1x2x2x4xf32> {
  %e = llm.concat %f, %f {axis = 1 : i64} : (tensor<2x2xf32>, tensor<2x2xf32>) -> tensor<2x4xf32>
  %cos = llm.cos %e : tensor<2x4xf32>
  %sin = llm.constant dense<[[0.0, 0.1, 0.0, 0.1], [0.2, 0.3, 0.2, 0.4]]> : tensor<2x4xf32>
  %xc = llm.mul %x, %cos : (tensor<1x2x2x4xf32>, tensor<2x4xf32>) -> tensor<1x2x2x4xf32>
  %x1 = llm.slice %x axes [3] starts [0] ends [2] steps [1] : tensor<1x2x2x4xf32> -> tensor<1x2x2x2xf32>
  %x2 = llm.slice %x axes [3] starts [2] ends [4] steps [1] : tensor<1x2x2x4xf32> -> tensor<1x2x2x2xf32>
  %n2 = llm.neg %x2 : tensor<1x2x2x2xf32>
  %rot = llm.concat %n2, %x1 {axis = 3 : i64} : (tensor<1x2x2x2xf32>, tensor<1x2x2x2xf32>) -> tensor<1x2x2x4xf32>
  %rs = llm.mul %rot, %sin : (tensor<1x2x2x4xf32>, tensor<2x4xf32>) -> tensor<1x2x2x4xf32>
  // expected-remark@+1 {{not raised to llm.rotary_embedding: the sin table does not provably have its two halves equal (cat(freqs, freqs))}}
  %r = llm.add %xc, %rs : (tensor<1x2x2x4xf32>, tensor<1x2x2x4xf32>) -> tensor<1x2x2x4xf32>
  return %r : tensor<1x2x2x4xf32>
}

// -----

// Near miss: the cos term multiplies another tensor than the one rotated.
// CHECK-LABEL: func.func @mismatched_inputs
// CHECK-NOT: llm.rotary_embedding
func.func @mismatched_inputs(%x: tensor<1x2x4x8xf32>, %y: tensor<1x2x4x8xf32>, %f: tensor<4x4xf32>) -> tensor<1x2x4x8xf32> {
  %e = llm.concat %f, %f {axis = 1 : i64} : (tensor<4x4xf32>, tensor<4x4xf32>) -> tensor<4x8xf32>
  %cos = llm.cos %e : tensor<4x8xf32>
  %sin = llm.sin %e : tensor<4x8xf32>
  %yc = llm.mul %y, %cos : (tensor<1x2x4x8xf32>, tensor<4x8xf32>) -> tensor<1x2x4x8xf32>
  %x1 = llm.slice %x axes [3] starts [0] ends [4] steps [1] : tensor<1x2x4x8xf32> -> tensor<1x2x4x4xf32>
  %x2 = llm.slice %x axes [3] starts [4] ends [8] steps [1] : tensor<1x2x4x8xf32> -> tensor<1x2x4x4xf32>
  %n2 = llm.neg %x2 : tensor<1x2x4x4xf32>
  %rot = llm.concat %n2, %x1 {axis = 3 : i64} : (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) -> tensor<1x2x4x8xf32>
  %rs = llm.mul %rot, %sin : (tensor<1x2x4x8xf32>, tensor<4x8xf32>) -> tensor<1x2x4x8xf32>
  // expected-remark@+1 {{not raised to llm.rotary_embedding: the other term does not multiply the rotated value}}
  %r = llm.add %yc, %rs : (tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32>
  return %r : tensor<1x2x4x8xf32>
}

// -----

// Near miss: the interleaved stack in the wrong order, stack(x_even, -x_odd).
// CHECK-LABEL: func.func @interleaved_wrong_order
// CHECK-NOT: llm.rotary_embedding
func.func @interleaved_wrong_order(%x: tensor<1x2x4x8xf32>, %cos: tensor<4x8xf32>, %sin: tensor<4x8xf32>) -> tensor<1x2x4x8xf32> {
  %even = llm.slice %x axes [3] starts [0] ends [8] steps [2] : tensor<1x2x4x8xf32> -> tensor<1x2x4x4xf32>
  %odd = llm.slice %x axes [3] starts [1] ends [8] steps [2] : tensor<1x2x4x8xf32> -> tensor<1x2x4x4xf32>
  %nodd = llm.neg %odd : tensor<1x2x4x4xf32>
  %a = llm.unsqueeze %even {axes = array<i64: 4>} : tensor<1x2x4x4xf32> -> tensor<1x2x4x4x1xf32>
  %b = llm.unsqueeze %nodd {axes = array<i64: 4>} : tensor<1x2x4x4xf32> -> tensor<1x2x4x4x1xf32>
  %st = llm.concat %a, %b {axis = 4 : i64} : (tensor<1x2x4x4x1xf32>, tensor<1x2x4x4x1xf32>) -> tensor<1x2x4x4x2xf32>
  %rot = llm.reshape %st [1, 2, 4, 8] : tensor<1x2x4x4x2xf32> -> tensor<1x2x4x8xf32>
  %xc = llm.mul %x, %cos : (tensor<1x2x4x8xf32>, tensor<4x8xf32>) -> tensor<1x2x4x8xf32>
  %rs = llm.mul %rot, %sin : (tensor<1x2x4x8xf32>, tensor<4x8xf32>) -> tensor<1x2x4x8xf32>
  // expected-remark@+1 {{not raised to llm.rotary_embedding: the features are in the wrong order: expected stack(-x_odd, x_even)}}
  %r = llm.add %xc, %rs : (tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32>
  return %r : tensor<1x2x4x8xf32>
}

// -----

// Near miss: x * cos is also returned; raising would compute it twice.
// CHECK-LABEL: func.func @product_other_use
// CHECK-NOT: llm.rotary_embedding
func.func @product_other_use(%x: tensor<1x2x4x8xf32>, %f: tensor<4x4xf32>) -> (tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>) {
  %e = llm.concat %f, %f {axis = 1 : i64} : (tensor<4x4xf32>, tensor<4x4xf32>) -> tensor<4x8xf32>
  %cos = llm.cos %e : tensor<4x8xf32>
  %sin = llm.sin %e : tensor<4x8xf32>
  %xc = llm.mul %x, %cos : (tensor<1x2x4x8xf32>, tensor<4x8xf32>) -> tensor<1x2x4x8xf32>
  %x1 = llm.slice %x axes [3] starts [0] ends [4] steps [1] : tensor<1x2x4x8xf32> -> tensor<1x2x4x4xf32>
  %x2 = llm.slice %x axes [3] starts [4] ends [8] steps [1] : tensor<1x2x4x8xf32> -> tensor<1x2x4x4xf32>
  %n2 = llm.neg %x2 : tensor<1x2x4x4xf32>
  %rot = llm.concat %n2, %x1 {axis = 3 : i64} : (tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>) -> tensor<1x2x4x8xf32>
  %rs = llm.mul %rot, %sin : (tensor<1x2x4x8xf32>, tensor<4x8xf32>) -> tensor<1x2x4x8xf32>
  // expected-remark@+1 {{not raised to llm.rotary_embedding: 'x * cos' has other uses}}
  %r = llm.add %xc, %rs : (tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32>
  return %r, %xc : tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>
}

// -----

// No candidate: a KV cache appends the rotated key to the past keys along
// the sequence; no remark.
// CHECK-LABEL: func.func @cache_concat
// CHECK: llm.concat
func.func @cache_concat(%past: tensor<1x2x?x4xf32>, %k: tensor<1x2x1x4xf32>, %cos: tensor<1x1x1x2xf32>, %sin: tensor<1x1x1x2xf32>) -> tensor<1x2x?x4xf32> {
  %r = llm.rotary_embedding %k, %cos, %sin : tensor<1x2x1x4xf32>, tensor<1x1x1x2xf32>, tensor<1x1x1x2xf32>
  %kv = llm.concat %past, %r {axis = 2 : i64} : (tensor<1x2x?x4xf32>, tensor<1x2x1x4xf32>) -> tensor<1x2x?x4xf32>
  return %kv : tensor<1x2x?x4xf32>
}
