// RUN: llm-opt %s -llm-merge-parallel-linears -split-input-file | FileCheck %s

// Linears that read the same input with constant weights become one linear
// over the weights concatenated along N, and an llm.split hands each user
// its slice; then the near misses, left as they are.
//
// Merging dense attributes gives a dense attribute: no checkpoint holds such
// small weights, so the result is the compiler's own constant, not a blob a
// recipe would rebuild (LLMWeightRecipes.h). Merging named blobs (@named_f16)
// gives a blob, printed at the end of its split as hex: a 4-byte alignment
// header (0x10000000, 16), then the little-endian elements.
// The pass does not erase the weights it copied (the canonicalizer after it
// in llm-optimize does).

// q, k and v projections in the [K, N] layout, with biases. Each row of K is
// the three rows side by side: [1 2 | 5 6 | 9 10 11], [3 4 | 7 8 | 12 13 14];
// the biases one after another: 0.5 1.5 | 2.5 3.5 | 4.5 5.5 6.5.
// CHECK-LABEL: func.func @qkv
// CHECK-SAME: (%[[X:.+]]: tensor<?x?x2xf32>)
// CHECK-NEXT: llm.constant dense<{{\[\[}}1.000000e+00, 2.000000e+00], [3.000000e+00, 4.000000e+00]]> : tensor<2x2xf32>
// CHECK-NEXT: llm.constant
// CHECK-NEXT: llm.constant
// CHECK-NEXT: llm.constant
// CHECK-NEXT: llm.constant
// CHECK-NEXT: llm.constant
// CHECK-NEXT: %[[W:.+]] = llm.constant dense<{{\[}}[1.000000e+00, 2.000000e+00, 5.000000e+00, 6.000000e+00, 9.000000e+00, 1.000000e+01, 1.100000e+01], [3.000000e+00, 4.000000e+00, 7.000000e+00, 8.000000e+00, 1.200000e+01, 1.300000e+01, 1.400000e+01]]> : tensor<2x7xf32>
// CHECK-NEXT: %[[B:.+]] = llm.constant dense<[5.000000e-01, 1.500000e+00, 2.500000e+00, 3.500000e+00, 4.500000e+00, 5.500000e+00, 6.500000e+00]> : tensor<7xf32>
// CHECK-NEXT: %[[L:.+]] = llm.linear %[[X]], %[[W]], %[[B]] : (tensor<?x?x2xf32>, tensor<2x7xf32>, tensor<7xf32>) -> tensor<?x?x7xf32>
// CHECK-NEXT: %[[S:.+]]:3 = llm.split %[[L]] {axis = 2 : i64, sizes = array<i64: 2, 2, 3>} : tensor<?x?x7xf32> -> tensor<?x?x2xf32>, tensor<?x?x2xf32>, tensor<?x?x3xf32>
// CHECK-NEXT: return %[[S]]#0, %[[S]]#1, %[[S]]#2
// CHECK-NOT: llm.linear
func.func @qkv(%x: tensor<?x?x2xf32>) -> (tensor<?x?x2xf32>, tensor<?x?x2xf32>, tensor<?x?x3xf32>) {
  %wq = llm.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  %wk = llm.constant dense<[[5.0, 6.0], [7.0, 8.0]]> : tensor<2x2xf32>
  %wv = llm.constant dense<[[9.0, 10.0, 11.0], [12.0, 13.0, 14.0]]> : tensor<2x3xf32>
  %bq = llm.constant dense<[0.5, 1.5]> : tensor<2xf32>
  %bk = llm.constant dense<[2.5, 3.5]> : tensor<2xf32>
  %bv = llm.constant dense<[4.5, 5.5, 6.5]> : tensor<3xf32>
  %q = llm.linear %x, %wq, %bq : (tensor<?x?x2xf32>, tensor<2x2xf32>, tensor<2xf32>) -> tensor<?x?x2xf32>
  %k = llm.linear %x, %wk, %bk : (tensor<?x?x2xf32>, tensor<2x2xf32>, tensor<2xf32>) -> tensor<?x?x2xf32>
  %v = llm.linear %x, %wv, %bv : (tensor<?x?x2xf32>, tensor<2x3xf32>, tensor<3xf32>) -> tensor<?x?x3xf32>
  return %q, %k, %v : tensor<?x?x2xf32>, tensor<?x?x2xf32>, tensor<?x?x3xf32>
}

// -----

// The same in the nn.Linear layout ([N, K], transpose_weight): the weights
// are stacked whole, rows [1 2] [3 4] | [5 6] [7 8] | [9 10] [11 12] [13 14].
// The users of the slices are anywhere after the merged linear.
// CHECK-LABEL: func.func @qkv_transposed
// CHECK-SAME: (%[[X:.+]]: tensor<?x2xf32>)
// CHECK: %[[W:.+]] = llm.constant dense<{{\[}}[1.000000e+00, 2.000000e+00], [3.000000e+00, 4.000000e+00], [5.000000e+00, 6.000000e+00], [7.000000e+00, 8.000000e+00], [9.000000e+00, 1.000000e+01], [1.100000e+01, 1.200000e+01], [1.300000e+01, 1.400000e+01]]> : tensor<7x2xf32>
// CHECK-NEXT: %[[B:.+]] = llm.constant dense<[5.000000e-01, 1.500000e+00, 2.500000e+00, 3.500000e+00, 4.500000e+00, 5.500000e+00, 6.500000e+00]> : tensor<7xf32>
// CHECK-NEXT: %[[L:.+]] = llm.linear %[[X]], %[[W]], %[[B]] {transpose_weight = true} : (tensor<?x2xf32>, tensor<7x2xf32>, tensor<7xf32>) -> tensor<?x7xf32>
// CHECK-NEXT: %[[S:.+]]:3 = llm.split %[[L]] {axis = 1 : i64, sizes = array<i64: 2, 2, 3>} : tensor<?x7xf32> -> tensor<?x2xf32>, tensor<?x2xf32>, tensor<?x3xf32>
// CHECK-NEXT: %[[E:.+]] = llm.exp %[[S]]#0
// CHECK-NEXT: %[[N:.+]] = llm.neg %[[S]]#1
// CHECK-NEXT: return %[[E]], %[[N]], %[[S]]#2
// CHECK-NOT: llm.linear
func.func @qkv_transposed(%x: tensor<?x2xf32>) -> (tensor<?x2xf32>, tensor<?x2xf32>, tensor<?x3xf32>) {
  %wq = llm.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  %wk = llm.constant dense<[[5.0, 6.0], [7.0, 8.0]]> : tensor<2x2xf32>
  %wv = llm.constant dense<[[9.0, 10.0], [11.0, 12.0], [13.0, 14.0]]> : tensor<3x2xf32>
  %bq = llm.constant dense<[0.5, 1.5]> : tensor<2xf32>
  %bk = llm.constant dense<[2.5, 3.5]> : tensor<2xf32>
  %bv = llm.constant dense<[4.5, 5.5, 6.5]> : tensor<3xf32>
  %q = llm.linear %x, %wq, %bq {transpose_weight = true} : (tensor<?x2xf32>, tensor<2x2xf32>, tensor<2xf32>) -> tensor<?x2xf32>
  %eq = llm.exp %q : tensor<?x2xf32>
  %k = llm.linear %x, %wk, %bk {transpose_weight = true} : (tensor<?x2xf32>, tensor<2x2xf32>, tensor<2xf32>) -> tensor<?x2xf32>
  %nk = llm.neg %k : tensor<?x2xf32>
  %v = llm.linear %x, %wv, %bv {transpose_weight = true} : (tensor<?x2xf32>, tensor<3x2xf32>, tensor<3xf32>) -> tensor<?x3xf32>
  return %eq, %nk, %v : tensor<?x2xf32>, tensor<?x2xf32>, tensor<?x3xf32>
}

// -----

// Weights imported from a model are named blobs: the merged one is named
// after them, joined by '+'. No biases: no merged bias. f16 elements
// (1.0 = 003C, 2.0 = 0040, 3.0 = 0042, 4.0 = 0044, 5.0 = 0045, 6.0 = 0046):
// rows [1 2 | 5], [3 4 | 6].
// CHECK-LABEL: func.func @named_f16
// CHECK-SAME: (%[[X:.+]]: tensor<?x2xf16>)
// CHECK: %[[W:.+]] = llm.constant dense_resource<"gate.weight+up.weight"> : tensor<2x3xf16>
// CHECK-NEXT: %[[L:.+]] = llm.linear %[[X]], %[[W]] : (tensor<?x2xf16>, tensor<2x3xf16>) -> tensor<?x3xf16>
// CHECK-NEXT: %[[S:.+]]:2 = llm.split %[[L]] {axis = 1 : i64, sizes = array<i64: 2, 1>} : tensor<?x3xf16> -> tensor<?x2xf16>, tensor<?x1xf16>
// CHECK-NEXT: return %[[S]]#0, %[[S]]#1
// CHECK: "gate.weight+up.weight": "0x10000000003C00400045004200440046"
func.func @named_f16(%x: tensor<?x2xf16>) -> (tensor<?x2xf16>, tensor<?x1xf16>) {
  %wg = llm.constant dense_resource<gate.weight> : tensor<2x2xf16>
  %wu = llm.constant dense_resource<up.weight> : tensor<2x1xf16>
  %g = llm.linear %x, %wg : (tensor<?x2xf16>, tensor<2x2xf16>) -> tensor<?x2xf16>
  %u = llm.linear %x, %wu : (tensor<?x2xf16>, tensor<2x1xf16>) -> tensor<?x1xf16>
  return %g, %u : tensor<?x2xf16>, tensor<?x1xf16>
}

{-#
  dialect_resources: {
    builtin: {
      gate.weight: "0x02000000003C004000420044",
      up.weight: "0x0200000000450046"
    }
  }
#-}

// -----

// Named blob weights with small dense biases (small initializers import as
// dense attributes): the merged weight is a blob with a recipe, the merged
// bias a dense attribute, since no checkpoint holds its members.
// CHECK-LABEL: func.func @blob_weights_dense_biases
// CHECK: %[[W:.+]] = llm.constant dense_resource<"q.weight+k.weight"> : tensor<2x3xf16>
// CHECK-NEXT: %[[B:.+]] = llm.constant dense<[1.000000e+00, 2.000000e+00, 3.000000e+00]> : tensor<3xf16>
// CHECK-NEXT: llm.linear %{{.+}}, %[[W]], %[[B]] :
func.func @blob_weights_dense_biases(%x: tensor<?x2xf16>) -> (tensor<?x2xf16>, tensor<?x1xf16>) {
  %wq = llm.constant dense_resource<q.weight> : tensor<2x2xf16>
  %wk = llm.constant dense_resource<k.weight> : tensor<2x1xf16>
  %bq = llm.constant dense<[1.0, 2.0]> : tensor<2xf16>
  %bk = llm.constant dense<[3.0]> : tensor<1xf16>
  %q = llm.linear %x, %wq, %bq : (tensor<?x2xf16>, tensor<2x2xf16>, tensor<2xf16>) -> tensor<?x2xf16>
  %k = llm.linear %x, %wk, %bk : (tensor<?x2xf16>, tensor<2x1xf16>, tensor<1xf16>) -> tensor<?x1xf16>
  return %q, %k : tensor<?x2xf16>, tensor<?x1xf16>
}

{-#
  dialect_resources: {
    builtin: {
      q.weight: "0x02000000003C004000420044",
      k.weight: "0x0200000000450046"
    }
  }
#-}

// -----

// Near miss: linears on different inputs are not merged (each input is its
// own group, and a group of one stays as it is).
// CHECK-LABEL: func.func @different_inputs
// CHECK-SAME: (%[[X:.+]]: tensor<?x2xf32>, %[[Y:.+]]: tensor<?x2xf32>)
// CHECK-NEXT: %[[W1:.+]] = llm.constant
// CHECK-NEXT: %[[W2:.+]] = llm.constant
// CHECK-NEXT: %[[A:.+]] = llm.linear %[[X]], %[[W1]] :
// CHECK-NEXT: %[[B:.+]] = llm.linear %[[Y]], %[[W2]] :
// CHECK-NEXT: return %[[A]], %[[B]]
func.func @different_inputs(%x: tensor<?x2xf32>, %y: tensor<?x2xf32>) -> (tensor<?x2xf32>, tensor<?x2xf32>) {
  %w1 = llm.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  %w2 = llm.constant dense<[[5.0, 6.0], [7.0, 8.0]]> : tensor<2x2xf32>
  %a = llm.linear %x, %w1 : (tensor<?x2xf32>, tensor<2x2xf32>) -> tensor<?x2xf32>
  %b = llm.linear %y, %w2 : (tensor<?x2xf32>, tensor<2x2xf32>) -> tensor<?x2xf32>
  return %a, %b : tensor<?x2xf32>, tensor<?x2xf32>
}

// -----

// Near miss: a weight that is a function argument has no bytes to
// concatenate; the two constant ones still merge, in place of the first of
// them.
// CHECK-LABEL: func.func @argument_weight
// CHECK-SAME: (%[[X:.+]]: tensor<?x2xf32>, %[[WA:.+]]: tensor<2x2xf32>)
// CHECK-NEXT: %[[W1:.+]] = llm.constant
// CHECK-NEXT: %[[W2:.+]] = llm.constant
// CHECK-NEXT: %[[A:.+]] = llm.linear %[[X]], %[[WA]] : (tensor<?x2xf32>, tensor<2x2xf32>) -> tensor<?x2xf32>
// CHECK-NEXT: %[[W:.+]] = llm.constant dense<{{\[}}[1.000000e+00, 2.000000e+00, 5.000000e+00, 6.000000e+00], [3.000000e+00, 4.000000e+00, 7.000000e+00, 8.000000e+00]]> : tensor<2x4xf32>
// CHECK-NEXT: %[[L:.+]] = llm.linear %[[X]], %[[W]] : (tensor<?x2xf32>, tensor<2x4xf32>) -> tensor<?x4xf32>
// CHECK-NEXT: %[[S:.+]]:2 = llm.split %[[L]] {axis = 1 : i64, sizes = array<i64: 2, 2>}
// CHECK-NEXT: return %[[A]], %[[S]]#0, %[[S]]#1
func.func @argument_weight(%x: tensor<?x2xf32>, %wa: tensor<2x2xf32>) -> (tensor<?x2xf32>, tensor<?x2xf32>, tensor<?x2xf32>) {
  %w1 = llm.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  %w2 = llm.constant dense<[[5.0, 6.0], [7.0, 8.0]]> : tensor<2x2xf32>
  %a = llm.linear %x, %wa : (tensor<?x2xf32>, tensor<2x2xf32>) -> tensor<?x2xf32>
  %b = llm.linear %x, %w1 : (tensor<?x2xf32>, tensor<2x2xf32>) -> tensor<?x2xf32>
  %c = llm.linear %x, %w2 : (tensor<?x2xf32>, tensor<2x2xf32>) -> tensor<?x2xf32>
  return %a, %b, %c : tensor<?x2xf32>, tensor<?x2xf32>, tensor<?x2xf32>
}

// -----

// Near misses: a non-constant bias, and a bias on one linear but not on the
// other (the merged linear has one bias or none).
// CHECK-LABEL: func.func @bias_misses
// CHECK-SAME: (%[[X:.+]]: tensor<?x2xf32>, %[[B:.+]]: tensor<2xf32>, %[[Y:.+]]: tensor<?x2xf32>)
// CHECK-NEXT: %[[W1:.+]] = llm.constant
// CHECK-NEXT: %[[W2:.+]] = llm.constant
// CHECK-NEXT: %[[BC:.+]] = llm.constant
// CHECK-NEXT: %[[A:.+]] = llm.linear %[[X]], %[[W1]], %[[B]] :
// CHECK-NEXT: %[[C:.+]] = llm.linear %[[X]], %[[W2]], %[[BC]] :
// CHECK-NEXT: %[[D:.+]] = llm.linear %[[Y]], %[[W1]], %[[BC]] :
// CHECK-NEXT: %[[E:.+]] = llm.linear %[[Y]], %[[W2]] :
// CHECK-NEXT: return %[[A]], %[[C]], %[[D]], %[[E]]
// CHECK-NOT: dense_resource
func.func @bias_misses(%x: tensor<?x2xf32>, %b: tensor<2xf32>, %y: tensor<?x2xf32>) -> (tensor<?x2xf32>, tensor<?x2xf32>, tensor<?x2xf32>, tensor<?x2xf32>) {
  %w1 = llm.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  %w2 = llm.constant dense<[[5.0, 6.0], [7.0, 8.0]]> : tensor<2x2xf32>
  %bc = llm.constant dense<[0.5, 1.5]> : tensor<2xf32>
  %a = llm.linear %x, %w1, %b : (tensor<?x2xf32>, tensor<2x2xf32>, tensor<2xf32>) -> tensor<?x2xf32>
  %c = llm.linear %x, %w2, %bc : (tensor<?x2xf32>, tensor<2x2xf32>, tensor<2xf32>) -> tensor<?x2xf32>
  %d = llm.linear %y, %w1, %bc : (tensor<?x2xf32>, tensor<2x2xf32>, tensor<2xf32>) -> tensor<?x2xf32>
  %e = llm.linear %y, %w2 : (tensor<?x2xf32>, tensor<2x2xf32>) -> tensor<?x2xf32>
  return %a, %c, %d, %e : tensor<?x2xf32>, tensor<?x2xf32>, tensor<?x2xf32>, tensor<?x2xf32>
}

// -----

// Near miss: a linear with an activation or a residual keeps its own
// epilogue, so it is not merged; the plain ones beside it are.
// CHECK-LABEL: func.func @epilogue_misses
// CHECK-SAME: (%[[X:.+]]: tensor<?x2xf32>, %[[R:.+]]: tensor<?x2xf32>)
// CHECK: %[[G:.+]] = llm.linear %[[X]], %{{.+}} {activation = "gelu"} :
// CHECK-NEXT: %[[W:.+]] = llm.constant dense<{{\[}}[1.000000e+00, 2.000000e+00, 5.000000e+00, 6.000000e+00], [3.000000e+00, 4.000000e+00, 7.000000e+00, 8.000000e+00]]> : tensor<2x4xf32>
// CHECK-NEXT: %[[L:.+]] = llm.linear %[[X]], %[[W]] :
// CHECK-NEXT: %[[S:.+]]:2 = llm.split %[[L]]
// CHECK-NEXT: %[[P:.+]] = llm.linear %[[X]], %{{.+}} residual %[[R]] :
// CHECK-NEXT: return %[[G]], %[[S]]#0, %[[P]], %[[S]]#1
func.func @epilogue_misses(%x: tensor<?x2xf32>, %r: tensor<?x2xf32>) -> (tensor<?x2xf32>, tensor<?x2xf32>, tensor<?x2xf32>, tensor<?x2xf32>) {
  %w1 = llm.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  %w2 = llm.constant dense<[[5.0, 6.0], [7.0, 8.0]]> : tensor<2x2xf32>
  %g = llm.linear %x, %w1 {activation = "gelu"} : (tensor<?x2xf32>, tensor<2x2xf32>) -> tensor<?x2xf32>
  %a = llm.linear %x, %w1 : (tensor<?x2xf32>, tensor<2x2xf32>) -> tensor<?x2xf32>
  %p = llm.linear %x, %w2 residual %r : (tensor<?x2xf32>, tensor<2x2xf32>, tensor<?x2xf32>) -> tensor<?x2xf32>
  %b = llm.linear %x, %w2 : (tensor<?x2xf32>, tensor<2x2xf32>) -> tensor<?x2xf32>
  return %g, %a, %p, %b : tensor<?x2xf32>, tensor<?x2xf32>, tensor<?x2xf32>, tensor<?x2xf32>
}

// -----

// Near miss: one linear with transpose_weight and one without are
// different layouts, and are not merged.
// CHECK-LABEL: func.func @mixed_transpose
// CHECK-SAME: (%[[X:.+]]: tensor<?x2xf32>)
// CHECK-NEXT: %[[W1:.+]] = llm.constant
// CHECK-NEXT: %[[W2:.+]] = llm.constant
// CHECK-NEXT: %[[A:.+]] = llm.linear %[[X]], %[[W1]] : (tensor<?x2xf32>, tensor<2x2xf32>) -> tensor<?x2xf32>
// CHECK-NEXT: %[[B:.+]] = llm.linear %[[X]], %[[W2]] {transpose_weight = true} : (tensor<?x2xf32>, tensor<2x2xf32>) -> tensor<?x2xf32>
// CHECK-NEXT: return %[[A]], %[[B]]
func.func @mixed_transpose(%x: tensor<?x2xf32>) -> (tensor<?x2xf32>, tensor<?x2xf32>) {
  %w1 = llm.constant dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>
  %w2 = llm.constant dense<[[5.0, 6.0], [7.0, 8.0]]> : tensor<2x2xf32>
  %a = llm.linear %x, %w1 : (tensor<?x2xf32>, tensor<2x2xf32>) -> tensor<?x2xf32>
  %b = llm.linear %x, %w2 {transpose_weight = true} : (tensor<?x2xf32>, tensor<2x2xf32>) -> tensor<?x2xf32>
  return %a, %b : tensor<?x2xf32>, tensor<?x2xf32>
}

// -----

// Near miss: with a dynamic input K the verifier cannot tie the weights' K
// together; weights of different K ([4, 2] and [1, 2]) cannot be
// concatenated along N, and are not merged.
// CHECK-LABEL: func.func @different_k
// CHECK-SAME: (%[[X:.+]]: tensor<?x?xf32>)
// CHECK-NEXT: %[[W1:.+]] = llm.constant
// CHECK-NEXT: %[[W2:.+]] = llm.constant
// CHECK-NEXT: %[[A:.+]] = llm.linear %[[X]], %[[W1]] : (tensor<?x?xf32>, tensor<4x2xf32>) -> tensor<?x2xf32>
// CHECK-NEXT: %[[B:.+]] = llm.linear %[[X]], %[[W2]] : (tensor<?x?xf32>, tensor<1x2xf32>) -> tensor<?x2xf32>
// CHECK-NEXT: return %[[A]], %[[B]]
func.func @different_k(%x: tensor<?x?xf32>) -> (tensor<?x2xf32>, tensor<?x2xf32>) {
  %w1 = llm.constant dense<[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0], [7.0, 8.0]]> : tensor<4x2xf32>
  %w2 = llm.constant dense<[[5.0, 6.0]]> : tensor<1x2xf32>
  %a = llm.linear %x, %w1 : (tensor<?x?xf32>, tensor<4x2xf32>) -> tensor<?x2xf32>
  %b = llm.linear %x, %w2 : (tensor<?x?xf32>, tensor<1x2xf32>) -> tensor<?x2xf32>
  return %a, %b : tensor<?x2xf32>, tensor<?x2xf32>
}
