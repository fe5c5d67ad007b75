// RUN: llm-opt %s | llm-opt | FileCheck %s

// Every arithmetic op, broadcasting a vector against a rank-3 tensor.
// CHECK-LABEL: func.func @elementwise_binary
// CHECK-SAME:    (%[[X:.+]]: tensor<?x?x768xf32>, %[[B:.+]]: tensor<768xf32>)
// CHECK-NEXT:    %[[ADD:.+]] = llm.add %[[X]], %[[B]] : (tensor<?x?x768xf32>, tensor<768xf32>) -> tensor<?x?x768xf32>
// CHECK-NEXT:    %[[SUB:.+]] = llm.sub %[[ADD]], %[[B]] : (tensor<?x?x768xf32>, tensor<768xf32>) -> tensor<?x?x768xf32>
// CHECK-NEXT:    %[[MUL:.+]] = llm.mul %[[SUB]], %[[B]] : (tensor<?x?x768xf32>, tensor<768xf32>) -> tensor<?x?x768xf32>
// CHECK-NEXT:    %[[DIV:.+]] = llm.div %[[MUL]], %[[B]] : (tensor<?x?x768xf32>, tensor<768xf32>) -> tensor<?x?x768xf32>
// CHECK-NEXT:    %[[POW:.+]] = llm.pow %[[DIV]], %[[B]] : (tensor<?x?x768xf32>, tensor<768xf32>) -> tensor<?x?x768xf32>
// CHECK-NEXT:    %[[MAX:.+]] = llm.max %[[POW]], %[[B]] : (tensor<?x?x768xf32>, tensor<768xf32>) -> tensor<?x?x768xf32>
// CHECK-NEXT:    %[[MIN:.+]] = llm.min %[[MAX]], %[[B]] : (tensor<?x?x768xf32>, tensor<768xf32>) -> tensor<?x?x768xf32>
// CHECK-NEXT:    %[[MOD:.+]] = llm.mod %[[MIN]], %[[B]] : (tensor<?x?x768xf32>, tensor<768xf32>) -> tensor<?x?x768xf32>
// CHECK-NEXT:    return %[[MOD]]
func.func @elementwise_binary(%x: tensor<?x?x768xf32>, %b: tensor<768xf32>) -> tensor<?x?x768xf32> {
  %0 = llm.add %x, %b : (tensor<?x?x768xf32>, tensor<768xf32>) -> tensor<?x?x768xf32>
  %1 = llm.sub %0, %b : (tensor<?x?x768xf32>, tensor<768xf32>) -> tensor<?x?x768xf32>
  %2 = llm.mul %1, %b : (tensor<?x?x768xf32>, tensor<768xf32>) -> tensor<?x?x768xf32>
  %3 = llm.div %2, %b : (tensor<?x?x768xf32>, tensor<768xf32>) -> tensor<?x?x768xf32>
  %4 = llm.pow %3, %b : (tensor<?x?x768xf32>, tensor<768xf32>) -> tensor<?x?x768xf32>
  %5 = llm.max %4, %b : (tensor<?x?x768xf32>, tensor<768xf32>) -> tensor<?x?x768xf32>
  %6 = llm.min %5, %b : (tensor<?x?x768xf32>, tensor<768xf32>) -> tensor<?x?x768xf32>
  %7 = llm.mod %6, %b : (tensor<?x?x768xf32>, tensor<768xf32>) -> tensor<?x?x768xf32>
  return %7 : tensor<?x?x768xf32>
}

// A result more static than the broadcast (?x768 with 4x1 -> 4x768) is a valid refinement.
// CHECK-LABEL: func.func @binary_refined_result
// CHECK-SAME:    (%[[X:.+]]: tensor<?x768xf32>, %[[Y:.+]]: tensor<4x1xf32>)
// CHECK-NEXT:    %[[ADD:.+]] = llm.add %[[X]], %[[Y]] : (tensor<?x768xf32>, tensor<4x1xf32>) -> tensor<4x768xf32>
// CHECK-NEXT:    return %[[ADD]]
func.func @binary_refined_result(%x: tensor<?x768xf32>, %y: tensor<4x1xf32>) -> tensor<4x768xf32> {
  %0 = llm.add %x, %y : (tensor<?x768xf32>, tensor<4x1xf32>) -> tensor<4x768xf32>
  return %0 : tensor<4x768xf32>
}

// Integer operands and a rank-0 operand.
// CHECK-LABEL: func.func @binary_scalar_int
// CHECK-SAME:    (%[[X:.+]]: tensor<?x?xi64>, %[[C:.+]]: tensor<i64>)
// CHECK-NEXT:    %[[ADD:.+]] = llm.add %[[X]], %[[C]] : (tensor<?x?xi64>, tensor<i64>) -> tensor<?x?xi64>
// CHECK-NEXT:    return %[[ADD]]
func.func @binary_scalar_int(%x: tensor<?x?xi64>, %c: tensor<i64>) -> tensor<?x?xi64> {
  %0 = llm.add %x, %c : (tensor<?x?xi64>, tensor<i64>) -> tensor<?x?xi64>
  return %0 : tensor<?x?xi64>
}

// Every compare op: i1 results, each operand broadcasting along a different dim.
// CHECK-LABEL: func.func @compare
// CHECK-SAME:    (%[[X:.+]]: tensor<?x1xi64>, %[[Y:.+]]: tensor<1x?xi64>)
// CHECK-NEXT:    %[[EQ:.+]] = llm.eq %[[X]], %[[Y]] : (tensor<?x1xi64>, tensor<1x?xi64>) -> tensor<?x?xi1>
// CHECK-NEXT:    %[[LT:.+]] = llm.lt %[[X]], %[[Y]] : (tensor<?x1xi64>, tensor<1x?xi64>) -> tensor<?x?xi1>
// CHECK-NEXT:    %[[LE:.+]] = llm.le %[[X]], %[[Y]] : (tensor<?x1xi64>, tensor<1x?xi64>) -> tensor<?x?xi1>
// CHECK-NEXT:    %[[GT:.+]] = llm.gt %[[X]], %[[Y]] : (tensor<?x1xi64>, tensor<1x?xi64>) -> tensor<?x?xi1>
// CHECK-NEXT:    %[[GE:.+]] = llm.ge %[[X]], %[[Y]] : (tensor<?x1xi64>, tensor<1x?xi64>) -> tensor<?x?xi1>
// CHECK-NEXT:    return %[[EQ]], %[[LT]], %[[LE]], %[[GT]], %[[GE]]
func.func @compare(%x: tensor<?x1xi64>, %y: tensor<1x?xi64>) -> (tensor<?x?xi1>, tensor<?x?xi1>, tensor<?x?xi1>, tensor<?x?xi1>, tensor<?x?xi1>) {
  %0 = llm.eq %x, %y : (tensor<?x1xi64>, tensor<1x?xi64>) -> tensor<?x?xi1>
  %1 = llm.lt %x, %y : (tensor<?x1xi64>, tensor<1x?xi64>) -> tensor<?x?xi1>
  %2 = llm.le %x, %y : (tensor<?x1xi64>, tensor<1x?xi64>) -> tensor<?x?xi1>
  %3 = llm.gt %x, %y : (tensor<?x1xi64>, tensor<1x?xi64>) -> tensor<?x?xi1>
  %4 = llm.ge %x, %y : (tensor<?x1xi64>, tensor<1x?xi64>) -> tensor<?x?xi1>
  return %0, %1, %2, %3, %4 : tensor<?x?xi1>, tensor<?x?xi1>, tensor<?x?xi1>, tensor<?x?xi1>, tensor<?x?xi1>
}

// Every logical op on i1, including the unary not.
// CHECK-LABEL: func.func @logical
// CHECK-SAME:    (%[[A:.+]]: tensor<?x?xi1>, %[[B:.+]]: tensor<?x?xi1>)
// CHECK-NEXT:    %[[AND:.+]] = llm.and %[[A]], %[[B]] : (tensor<?x?xi1>, tensor<?x?xi1>) -> tensor<?x?xi1>
// CHECK-NEXT:    %[[OR:.+]] = llm.or %[[AND]], %[[B]] : (tensor<?x?xi1>, tensor<?x?xi1>) -> tensor<?x?xi1>
// CHECK-NEXT:    %[[XOR:.+]] = llm.xor %[[OR]], %[[A]] : (tensor<?x?xi1>, tensor<?x?xi1>) -> tensor<?x?xi1>
// CHECK-NEXT:    %[[NOT:.+]] = llm.not %[[XOR]] : tensor<?x?xi1>
// CHECK-NEXT:    return %[[NOT]]
func.func @logical(%a: tensor<?x?xi1>, %b: tensor<?x?xi1>) -> tensor<?x?xi1> {
  %0 = llm.and %a, %b : (tensor<?x?xi1>, tensor<?x?xi1>) -> tensor<?x?xi1>
  %1 = llm.or %0, %b : (tensor<?x?xi1>, tensor<?x?xi1>) -> tensor<?x?xi1>
  %2 = llm.xor %1, %a : (tensor<?x?xi1>, tensor<?x?xi1>) -> tensor<?x?xi1>
  %3 = llm.not %2 : tensor<?x?xi1>
  return %3 : tensor<?x?xi1>
}

// Every float-only unary op.
// CHECK-LABEL: func.func @unary_float
// CHECK-SAME:    (%[[X:.+]]: tensor<?x?x768xf32>)
// CHECK-NEXT:    %[[SQRT:.+]] = llm.sqrt %[[X]] : tensor<?x?x768xf32>
// CHECK-NEXT:    %[[RSQRT:.+]] = llm.rsqrt %[[SQRT]] : tensor<?x?x768xf32>
// CHECK-NEXT:    %[[RECIPROCAL:.+]] = llm.reciprocal %[[RSQRT]] : tensor<?x?x768xf32>
// CHECK-NEXT:    %[[EXP:.+]] = llm.exp %[[RECIPROCAL]] : tensor<?x?x768xf32>
// CHECK-NEXT:    %[[LOG:.+]] = llm.log %[[EXP]] : tensor<?x?x768xf32>
// CHECK-NEXT:    %[[TANH:.+]] = llm.tanh %[[LOG]] : tensor<?x?x768xf32>
// CHECK-NEXT:    %[[ERF:.+]] = llm.erf %[[TANH]] : tensor<?x?x768xf32>
// CHECK-NEXT:    %[[SIGMOID:.+]] = llm.sigmoid %[[ERF]] : tensor<?x?x768xf32>
// CHECK-NEXT:    %[[SIN:.+]] = llm.sin %[[SIGMOID]] : tensor<?x?x768xf32>
// CHECK-NEXT:    %[[COS:.+]] = llm.cos %[[SIN]] : tensor<?x?x768xf32>
// CHECK-NEXT:    %[[FLOOR:.+]] = llm.floor %[[COS]] : tensor<?x?x768xf32>
// CHECK-NEXT:    %[[CEIL:.+]] = llm.ceil %[[FLOOR]] : tensor<?x?x768xf32>
// CHECK-NEXT:    return %[[CEIL]]
func.func @unary_float(%x: tensor<?x?x768xf32>) -> tensor<?x?x768xf32> {
  %0 = llm.sqrt %x : tensor<?x?x768xf32>
  %1 = llm.rsqrt %0 : tensor<?x?x768xf32>
  %2 = llm.reciprocal %1 : tensor<?x?x768xf32>
  %3 = llm.exp %2 : tensor<?x?x768xf32>
  %4 = llm.log %3 : tensor<?x?x768xf32>
  %5 = llm.tanh %4 : tensor<?x?x768xf32>
  %6 = llm.erf %5 : tensor<?x?x768xf32>
  %7 = llm.sigmoid %6 : tensor<?x?x768xf32>
  %8 = llm.sin %7 : tensor<?x?x768xf32>
  %9 = llm.cos %8 : tensor<?x?x768xf32>
  %10 = llm.floor %9 : tensor<?x?x768xf32>
  %11 = llm.ceil %10 : tensor<?x?x768xf32>
  return %11 : tensor<?x?x768xf32>
}

// Unary ops that also take integers.
// CHECK-LABEL: func.func @unary_any
// CHECK-SAME:    (%[[X:.+]]: tensor<?x?xi32>)
// CHECK-NEXT:    %[[RELU:.+]] = llm.relu %[[X]] : tensor<?x?xi32>
// CHECK-NEXT:    %[[NEG:.+]] = llm.neg %[[RELU]] : tensor<?x?xi32>
// CHECK-NEXT:    %[[ABS:.+]] = llm.abs %[[NEG]] : tensor<?x?xi32>
// CHECK-NEXT:    return %[[ABS]]
func.func @unary_any(%x: tensor<?x?xi32>) -> tensor<?x?xi32> {
  %0 = llm.relu %x : tensor<?x?xi32>
  %1 = llm.neg %0 : tensor<?x?xi32>
  %2 = llm.abs %1 : tensor<?x?xi32>
  return %2 : tensor<?x?xi32>
}

// is_nan maps floats to i1.
// CHECK-LABEL: func.func @is_nan
// CHECK-SAME:    (%[[X:.+]]: tensor<?x?xf16>)
// CHECK-NEXT:    %[[IS_NAN:.+]] = llm.is_nan %[[X]] : tensor<?x?xf16> -> tensor<?x?xi1>
// CHECK-NEXT:    return %[[IS_NAN]]
func.func @is_nan(%x: tensor<?x?xf16>) -> tensor<?x?xi1> {
  %0 = llm.is_nan %x : tensor<?x?xf16> -> tensor<?x?xi1>
  return %0 : tensor<?x?xi1>
}

// gelu exact (the default is elided), gelu tanh, and silu.
// CHECK-LABEL: func.func @activations
// CHECK-SAME:    (%[[X:.+]]: tensor<?x?x3072xf32>)
// CHECK-NEXT:    %[[GELU1:.+]] = llm.gelu %[[X]] : tensor<?x?x3072xf32>
// CHECK-NEXT:    %[[GELU2:.+]] = llm.gelu %[[X]] {approximate = "tanh"} : tensor<?x?x3072xf32>
// CHECK-NEXT:    %[[SILU:.+]] = llm.silu %[[X]] : tensor<?x?x3072xf32>
// CHECK-NEXT:    return %[[GELU1]], %[[GELU2]], %[[SILU]]
func.func @activations(%x: tensor<?x?x3072xf32>) -> (tensor<?x?x3072xf32>, tensor<?x?x3072xf32>, tensor<?x?x3072xf32>) {
  %0 = llm.gelu %x : tensor<?x?x3072xf32>
  %1 = llm.gelu %x {approximate = "tanh"} : tensor<?x?x3072xf32>
  %2 = llm.silu %x : tensor<?x?x3072xf32>
  return %0, %1, %2 : tensor<?x?x3072xf32>, tensor<?x?x3072xf32>, tensor<?x?x3072xf32>
}

// swiglu of a gate and an up projection.
// CHECK-LABEL: func.func @swiglu
// CHECK-SAME:    (%[[G:.+]]: tensor<?x?x256xf32>, %[[U:.+]]: tensor<?x?x256xf32>)
// CHECK-NEXT:    %[[H:.+]] = llm.swiglu %[[G]], %[[U]] : tensor<?x?x256xf32>
// CHECK-NEXT:    return %[[H]]
func.func @swiglu(%g: tensor<?x?x256xf32>, %u: tensor<?x?x256xf32>) -> tensor<?x?x256xf32> {
  %0 = llm.swiglu %g, %u : tensor<?x?x256xf32>
  return %0 : tensor<?x?x256xf32>
}

// An explicit approximate = "none" prints as the default.
// CHECK-LABEL: func.func @gelu_explicit_none
// CHECK-SAME:    (%[[X:.+]]: tensor<?x3072xbf16>)
// CHECK-NEXT:    %[[GELU:.+]] = llm.gelu %[[X]] : tensor<?x3072xbf16>
// CHECK-NEXT:    return %[[GELU]]
func.func @gelu_explicit_none(%x: tensor<?x3072xbf16>) -> tensor<?x3072xbf16> {
  %0 = llm.gelu %x {approximate = "none"} : tensor<?x3072xbf16>
  return %0 : tensor<?x3072xbf16>
}

// where broadcasts condition, true and false values (here a rank-0 false value).
// CHECK-LABEL: func.func @where
// CHECK-SAME:    (%[[M:.+]]: tensor<1x1x?x?xi1>, %[[X:.+]]: tensor<?x12x?x?xf32>, %[[N:.+]]: tensor<f32>)
// CHECK-NEXT:    %[[WHERE:.+]] = llm.where %[[M]], %[[X]], %[[N]] : (tensor<1x1x?x?xi1>, tensor<?x12x?x?xf32>, tensor<f32>) -> tensor<?x12x?x?xf32>
// CHECK-NEXT:    return %[[WHERE]]
func.func @where(%m: tensor<1x1x?x?xi1>, %x: tensor<?x12x?x?xf32>, %n: tensor<f32>) -> tensor<?x12x?x?xf32> {
  %0 = llm.where %m, %x, %n : (tensor<1x1x?x?xi1>, tensor<?x12x?x?xf32>, tensor<f32>) -> tensor<?x12x?x?xf32>
  return %0 : tensor<?x12x?x?xf32>
}

// cast between element types.
// CHECK-LABEL: func.func @cast
// CHECK-SAME:    (%[[X:.+]]: tensor<?x?xi64>)
// CHECK-NEXT:    %[[CAST:.+]] = llm.cast %[[X]] : tensor<?x?xi64> to tensor<?x?xf32>
// CHECK-NEXT:    return %[[CAST]]
func.func @cast(%x: tensor<?x?xi64>) -> tensor<?x?xf32> {
  %0 = llm.cast %x : tensor<?x?xi64> to tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

// cast may refine a dynamic dim.
// CHECK-LABEL: func.func @cast_refine
// CHECK-SAME:    (%[[X:.+]]: tensor<?x?xf32>)
// CHECK-NEXT:    %[[CAST:.+]] = llm.cast %[[X]] : tensor<?x?xf32> to tensor<2x?xf16>
// CHECK-NEXT:    return %[[CAST]]
func.func @cast_refine(%x: tensor<?x?xf32>) -> tensor<2x?xf16> {
  %0 = llm.cast %x : tensor<?x?xf32> to tensor<2x?xf16>
  return %0 : tensor<2x?xf16>
}

// Batched matmul with dynamic batch and sequence.
// CHECK-LABEL: func.func @matmul
// CHECK-SAME:    (%[[Q:.+]]: tensor<?x12x?x64xf32>, %[[KT:.+]]: tensor<?x12x64x?xf32>)
// CHECK-NEXT:    %[[MATMUL:.+]] = llm.matmul %[[Q]], %[[KT]] : (tensor<?x12x?x64xf32>, tensor<?x12x64x?xf32>) -> tensor<?x12x?x?xf32>
// CHECK-NEXT:    return %[[MATMUL]]
func.func @matmul(%q: tensor<?x12x?x64xf32>, %kt: tensor<?x12x64x?xf32>) -> tensor<?x12x?x?xf32> {
  %0 = llm.matmul %q, %kt : (tensor<?x12x?x64xf32>, tensor<?x12x64x?xf32>) -> tensor<?x12x?x?xf32>
  return %0 : tensor<?x12x?x?xf32>
}

// matmul of a batched lhs with an unbatched weight.
// CHECK-LABEL: func.func @matmul_broadcast_batch
// CHECK-SAME:    (%[[X:.+]]: tensor<?x?x768xf32>, %[[W:.+]]: tensor<768x3072xf32>)
// CHECK-NEXT:    %[[MATMUL:.+]] = llm.matmul %[[X]], %[[W]] : (tensor<?x?x768xf32>, tensor<768x3072xf32>) -> tensor<?x?x3072xf32>
// CHECK-NEXT:    return %[[MATMUL]]
func.func @matmul_broadcast_batch(%x: tensor<?x?x768xf32>, %w: tensor<768x3072xf32>) -> tensor<?x?x3072xf32> {
  %0 = llm.matmul %x, %w : (tensor<?x?x768xf32>, tensor<768x3072xf32>) -> tensor<?x?x3072xf32>
  return %0 : tensor<?x?x3072xf32>
}

// matmul with 1-D operands: matrix-vector and vector-vector (rank-0 result).
// CHECK-LABEL: func.func @matmul_vectors
// CHECK-SAME:    (%[[M:.+]]: tensor<?x64xf32>, %[[V:.+]]: tensor<64xf32>, %[[U:.+]]: tensor<?xf32>)
// CHECK-NEXT:    %[[MATMUL1:.+]] = llm.matmul %[[M]], %[[V]] : (tensor<?x64xf32>, tensor<64xf32>) -> tensor<?xf32>
// CHECK-NEXT:    %[[MATMUL2:.+]] = llm.matmul %[[V]], %[[U]] : (tensor<64xf32>, tensor<?xf32>) -> tensor<f32>
// CHECK-NEXT:    return %[[MATMUL1]], %[[MATMUL2]]
func.func @matmul_vectors(%m: tensor<?x64xf32>, %v: tensor<64xf32>, %u: tensor<?xf32>) -> (tensor<?xf32>, tensor<f32>) {
  %0 = llm.matmul %m, %v : (tensor<?x64xf32>, tensor<64xf32>) -> tensor<?xf32>
  %1 = llm.matmul %v, %u : (tensor<64xf32>, tensor<?xf32>) -> tensor<f32>
  return %0, %1 : tensor<?xf32>, tensor<f32>
}

// linear with and without bias, and with transpose_weight ([N, K] weight).
// CHECK-LABEL: func.func @linear
// CHECK-SAME:    (%[[X:.+]]: tensor<?x?x768xf32>, %[[W:.+]]: tensor<768x2304xf32>, %[[B:.+]]: tensor<2304xf32>, %[[WT:.+]]: tensor<3072x768xf32>, %[[B2:.+]]: tensor<3072xf32>)
// CHECK-NEXT:    %[[LINEAR1:.+]] = llm.linear %[[X]], %[[W]] : (tensor<?x?x768xf32>, tensor<768x2304xf32>) -> tensor<?x?x2304xf32>
// CHECK-NEXT:    %[[LINEAR2:.+]] = llm.linear %[[X]], %[[W]], %[[B]] : (tensor<?x?x768xf32>, tensor<768x2304xf32>, tensor<2304xf32>) -> tensor<?x?x2304xf32>
// CHECK-NEXT:    %[[LINEAR3:.+]] = llm.linear %[[X]], %[[WT]] {transpose_weight = true} : (tensor<?x?x768xf32>, tensor<3072x768xf32>) -> tensor<?x?x3072xf32>
// CHECK-NEXT:    %[[LINEAR4:.+]] = llm.linear %[[X]], %[[WT]], %[[B2]] {transpose_weight = true} : (tensor<?x?x768xf32>, tensor<3072x768xf32>, tensor<3072xf32>) -> tensor<?x?x3072xf32>
// CHECK-NEXT:    return %[[LINEAR1]], %[[LINEAR2]], %[[LINEAR3]], %[[LINEAR4]]
func.func @linear(%x: tensor<?x?x768xf32>, %w: tensor<768x2304xf32>, %b: tensor<2304xf32>, %wt: tensor<3072x768xf32>, %b2: tensor<3072xf32>) -> (tensor<?x?x2304xf32>, tensor<?x?x2304xf32>, tensor<?x?x3072xf32>, tensor<?x?x3072xf32>) {
  %0 = llm.linear %x, %w : (tensor<?x?x768xf32>, tensor<768x2304xf32>) -> tensor<?x?x2304xf32>
  %1 = llm.linear %x, %w, %b : (tensor<?x?x768xf32>, tensor<768x2304xf32>, tensor<2304xf32>) -> tensor<?x?x2304xf32>
  %2 = llm.linear %x, %wt {transpose_weight = true} : (tensor<?x?x768xf32>, tensor<3072x768xf32>) -> tensor<?x?x3072xf32>
  %3 = llm.linear %x, %wt, %b2 {transpose_weight = true} : (tensor<?x?x768xf32>, tensor<3072x768xf32>, tensor<3072xf32>) -> tensor<?x?x3072xf32>
  return %0, %1, %2, %3 : tensor<?x?x2304xf32>, tensor<?x?x2304xf32>, tensor<?x?x3072xf32>, tensor<?x?x3072xf32>
}

// Every reduction: keepdims (the default) and not, one axis, several, and all (empty axes).
// CHECK-LABEL: func.func @reductions
// CHECK-SAME:    (%[[X:.+]]: tensor<?x?x768xf32>)
// CHECK-NEXT:    %[[REDUCE_SUM:.+]] = llm.reduce_sum %[[X]] {axes = array<i64: 2>} : tensor<?x?x768xf32> -> tensor<?x?x1xf32>
// CHECK-NEXT:    %[[REDUCE_MEAN:.+]] = llm.reduce_mean %[[X]] {axes = array<i64: 2>, keepdims = false} : tensor<?x?x768xf32> -> tensor<?x?xf32>
// CHECK-NEXT:    %[[REDUCE_MAX:.+]] = llm.reduce_max %[[X]] {axes = array<i64>} : tensor<?x?x768xf32> -> tensor<1x1x1xf32>
// CHECK-NEXT:    %[[REDUCE_MIN:.+]] = llm.reduce_min %[[X]] {axes = array<i64>, keepdims = false} : tensor<?x?x768xf32> -> tensor<f32>
// CHECK-NEXT:    %[[REDUCE_PROD:.+]] = llm.reduce_prod %[[X]] {axes = array<i64: 1, 2>} : tensor<?x?x768xf32> -> tensor<?x1x1xf32>
// CHECK-NEXT:    return %[[REDUCE_SUM]], %[[REDUCE_MEAN]], %[[REDUCE_MAX]], %[[REDUCE_MIN]], %[[REDUCE_PROD]]
func.func @reductions(%x: tensor<?x?x768xf32>) -> (tensor<?x?x1xf32>, tensor<?x?xf32>, tensor<1x1x1xf32>, tensor<f32>, tensor<?x1x1xf32>) {
  %0 = llm.reduce_sum %x {axes = array<i64: 2>} : tensor<?x?x768xf32> -> tensor<?x?x1xf32>
  %1 = llm.reduce_mean %x {axes = array<i64: 2>, keepdims = false} : tensor<?x?x768xf32> -> tensor<?x?xf32>
  %2 = llm.reduce_max %x {axes = array<i64>} : tensor<?x?x768xf32> -> tensor<1x1x1xf32>
  %3 = llm.reduce_min %x {axes = array<i64>, keepdims = false} : tensor<?x?x768xf32> -> tensor<f32>
  %4 = llm.reduce_prod %x {axes = array<i64: 1, 2>} : tensor<?x?x768xf32> -> tensor<?x1x1xf32>
  return %0, %1, %2, %3, %4 : tensor<?x?x1xf32>, tensor<?x?xf32>, tensor<1x1x1xf32>, tensor<f32>, tensor<?x1x1xf32>
}

// argmax with keepdims = false, and with select_last_index.
// CHECK-LABEL: func.func @argmax
// CHECK-SAME:    (%[[X:.+]]: tensor<?x?x50257xf32>)
// CHECK-NEXT:    %[[ARGMAX1:.+]] = llm.argmax %[[X]] {axis = 2 : i64, keepdims = false} : tensor<?x?x50257xf32> -> tensor<?x?xi64>
// CHECK-NEXT:    %[[ARGMAX2:.+]] = llm.argmax %[[X]] {axis = 2 : i64, select_last_index = true} : tensor<?x?x50257xf32> -> tensor<?x?x1xi64>
// CHECK-NEXT:    return %[[ARGMAX1]], %[[ARGMAX2]]
func.func @argmax(%x: tensor<?x?x50257xf32>) -> (tensor<?x?xi64>, tensor<?x?x1xi64>) {
  %0 = llm.argmax %x {axis = 2 : i64, keepdims = false} : tensor<?x?x50257xf32> -> tensor<?x?xi64>
  %1 = llm.argmax %x {axis = 2 : i64, select_last_index = true} : tensor<?x?x50257xf32> -> tensor<?x?x1xi64>
  return %0, %1 : tensor<?x?xi64>, tensor<?x?x1xi64>
}

// softmax and log_softmax along the last axis.
// CHECK-LABEL: func.func @softmax
// CHECK-SAME:    (%[[S:.+]]: tensor<?x12x?x?xf32>)
// CHECK-NEXT:    %[[SOFTMAX:.+]] = llm.softmax %[[S]] {axis = 3 : i64} : tensor<?x12x?x?xf32>
// CHECK-NEXT:    %[[LOG_SOFTMAX:.+]] = llm.log_softmax %[[S]] {axis = 3 : i64} : tensor<?x12x?x?xf32>
// CHECK-NEXT:    return %[[SOFTMAX]], %[[LOG_SOFTMAX]]
func.func @softmax(%s: tensor<?x12x?x?xf32>) -> (tensor<?x12x?x?xf32>, tensor<?x12x?x?xf32>) {
  %0 = llm.softmax %s {axis = 3 : i64} : tensor<?x12x?x?xf32>
  %1 = llm.log_softmax %s {axis = 3 : i64} : tensor<?x12x?x?xf32>
  return %0, %1 : tensor<?x12x?x?xf32>, tensor<?x12x?x?xf32>
}

// layer_norm with scale and bias, scale only, bias only, and neither.
// CHECK-LABEL: func.func @layer_norm
// CHECK-SAME:    (%[[X:.+]]: tensor<?x?x768xf32>, %[[G:.+]]: tensor<768xf32>, %[[B:.+]]: tensor<768xf32>)
// CHECK-NEXT:    %[[LAYER_NORM1:.+]] = llm.layer_norm %[[X]] scale %[[G]] : tensor<768xf32> bias %[[B]] : tensor<768xf32> {axis = 2 : i64, epsilon = 9.99999974E-6 : f32} : tensor<?x?x768xf32>
// CHECK-NEXT:    %[[LAYER_NORM2:.+]] = llm.layer_norm %[[X]] scale %[[G]] : tensor<768xf32> {axis = 2 : i64, epsilon = 9.99999974E-6 : f32} : tensor<?x?x768xf32>
// CHECK-NEXT:    %[[LAYER_NORM3:.+]] = llm.layer_norm %[[X]] bias %[[B]] : tensor<768xf32> {axis = 2 : i64, epsilon = 9.99999974E-6 : f32} : tensor<?x?x768xf32>
// CHECK-NEXT:    %[[LAYER_NORM4:.+]] = llm.layer_norm %[[X]] {axis = 2 : i64, epsilon = 0.000000e+00 : f32} : tensor<?x?x768xf32>
// CHECK-NEXT:    return %[[LAYER_NORM1]], %[[LAYER_NORM2]], %[[LAYER_NORM3]], %[[LAYER_NORM4]]
func.func @layer_norm(%x: tensor<?x?x768xf32>, %g: tensor<768xf32>, %b: tensor<768xf32>) -> (tensor<?x?x768xf32>, tensor<?x?x768xf32>, tensor<?x?x768xf32>, tensor<?x?x768xf32>) {
  %0 = llm.layer_norm %x scale %g : tensor<768xf32> bias %b : tensor<768xf32> {axis = 2 : i64, epsilon = 1.0e-05 : f32} : tensor<?x?x768xf32>
  %1 = llm.layer_norm %x scale %g : tensor<768xf32> {axis = 2 : i64, epsilon = 1.0e-05 : f32} : tensor<?x?x768xf32>
  %2 = llm.layer_norm %x bias %b : tensor<768xf32> {axis = 2 : i64, epsilon = 1.0e-05 : f32} : tensor<?x?x768xf32>
  %3 = llm.layer_norm %x {axis = 2 : i64, epsilon = 0.0 : f32} : tensor<?x?x768xf32>
  return %0, %1, %2, %3 : tensor<?x?x768xf32>, tensor<?x?x768xf32>, tensor<?x?x768xf32>, tensor<?x?x768xf32>
}

// layer_norm over two trailing dims, with a bias that broadcasts.
// CHECK-LABEL: func.func @layer_norm_multi_axis
// CHECK-SAME:    (%[[X:.+]]: tensor<?x?x12x64xf32>, %[[G:.+]]: tensor<12x64xf32>, %[[B:.+]]: tensor<1x64xf32>)
// CHECK-NEXT:    %[[LAYER_NORM:.+]] = llm.layer_norm %[[X]] scale %[[G]] : tensor<12x64xf32> bias %[[B]] : tensor<1x64xf32> {axis = 2 : i64, epsilon = 9.99999974E-6 : f32} : tensor<?x?x12x64xf32>
// CHECK-NEXT:    return %[[LAYER_NORM]]
func.func @layer_norm_multi_axis(%x: tensor<?x?x12x64xf32>, %g: tensor<12x64xf32>, %b: tensor<1x64xf32>) -> tensor<?x?x12x64xf32> {
  %0 = llm.layer_norm %x scale %g : tensor<12x64xf32> bias %b : tensor<1x64xf32> {axis = 2 : i64, epsilon = 1.0e-05 : f32} : tensor<?x?x12x64xf32>
  return %0 : tensor<?x?x12x64xf32>
}

// rms_norm with and without scale.
// CHECK-LABEL: func.func @rms_norm
// CHECK-SAME:    (%[[X:.+]]: tensor<?x?x2048xf32>, %[[G:.+]]: tensor<2048xf32>)
// CHECK-NEXT:    %[[RMS_NORM1:.+]] = llm.rms_norm %[[X]] scale %[[G]] : tensor<2048xf32> {axis = 2 : i64, epsilon = 9.99999997E-7 : f32} : tensor<?x?x2048xf32>
// CHECK-NEXT:    %[[RMS_NORM2:.+]] = llm.rms_norm %[[X]] {axis = 2 : i64, epsilon = 9.99999997E-7 : f32} : tensor<?x?x2048xf32>
// CHECK-NEXT:    return %[[RMS_NORM1]], %[[RMS_NORM2]]
func.func @rms_norm(%x: tensor<?x?x2048xf32>, %g: tensor<2048xf32>) -> (tensor<?x?x2048xf32>, tensor<?x?x2048xf32>) {
  %0 = llm.rms_norm %x scale %g : tensor<2048xf32> {axis = 2 : i64, epsilon = 1.0e-06 : f32} : tensor<?x?x2048xf32>
  %1 = llm.rms_norm %x {axis = 2 : i64, epsilon = 1.0e-06 : f32} : tensor<?x?x2048xf32>
  return %0, %1 : tensor<?x?x2048xf32>, tensor<?x?x2048xf32>
}

// Plain multi-head attention, all defaults elided.
// CHECK-LABEL: func.func @attention
// CHECK-SAME:    (%[[Q:.+]]: tensor<?x12x?x64xf32>, %[[K:.+]]: tensor<?x12x?x64xf32>, %[[V:.+]]: tensor<?x12x?x64xf32>)
// CHECK-NEXT:    %[[ATTENTION:.+]] = llm.attention %[[Q]], %[[K]], %[[V]] : tensor<?x12x?x64xf32>, tensor<?x12x?x64xf32>, tensor<?x12x?x64xf32> -> tensor<?x12x?x64xf32>
// CHECK-NEXT:    return %[[ATTENTION]]
func.func @attention(%q: tensor<?x12x?x64xf32>, %k: tensor<?x12x?x64xf32>, %v: tensor<?x12x?x64xf32>) -> tensor<?x12x?x64xf32> {
  %0 = llm.attention %q, %k, %v : tensor<?x12x?x64xf32>, tensor<?x12x?x64xf32>, tensor<?x12x?x64xf32> -> tensor<?x12x?x64xf32>
  return %0 : tensor<?x12x?x64xf32>
}

// attention with a boolean padding mask that broadcasts over heads and queries.
// CHECK-LABEL: func.func @attention_bool_mask
// CHECK-SAME:    (%[[Q:.+]]: tensor<?x12x?x64xf32>, %[[K:.+]]: tensor<?x12x?x64xf32>, %[[V:.+]]: tensor<?x12x?x64xf32>, %[[M:.+]]: tensor<?x1x1x?xi1>)
// CHECK-NEXT:    %[[ATTENTION:.+]] = llm.attention %[[Q]], %[[K]], %[[V]] mask %[[M]] : tensor<?x1x1x?xi1> : tensor<?x12x?x64xf32>, tensor<?x12x?x64xf32>, tensor<?x12x?x64xf32> -> tensor<?x12x?x64xf32>
// CHECK-NEXT:    return %[[ATTENTION]]
func.func @attention_bool_mask(%q: tensor<?x12x?x64xf32>, %k: tensor<?x12x?x64xf32>, %v: tensor<?x12x?x64xf32>, %m: tensor<?x1x1x?xi1>) -> tensor<?x12x?x64xf32> {
  %0 = llm.attention %q, %k, %v mask %m : tensor<?x1x1x?xi1> : tensor<?x12x?x64xf32>, tensor<?x12x?x64xf32>, tensor<?x12x?x64xf32> -> tensor<?x12x?x64xf32>
  return %0 : tensor<?x12x?x64xf32>
}

// A boolean mask whose rows with no visible key average v (finfo.min masks).
// CHECK-LABEL: func.func @attention_bool_mask_uniform_rows
// CHECK-SAME:    (%[[Q:.+]]: tensor<?x12x?x64xf32>, %[[K:.+]]: tensor<?x12x?x64xf32>, %[[V:.+]]: tensor<?x12x?x64xf32>, %[[M:.+]]: tensor<?x1x1x?xi1>)
// CHECK-NEXT:    %[[ATTENTION:.+]] = llm.attention %[[Q]], %[[K]], %[[V]] mask %[[M]] : tensor<?x1x1x?xi1> {masked_rows = "uniform"} : tensor<?x12x?x64xf32>, tensor<?x12x?x64xf32>, tensor<?x12x?x64xf32> -> tensor<?x12x?x64xf32>
// CHECK-NEXT:    return %[[ATTENTION]]
func.func @attention_bool_mask_uniform_rows(%q: tensor<?x12x?x64xf32>, %k: tensor<?x12x?x64xf32>, %v: tensor<?x12x?x64xf32>, %m: tensor<?x1x1x?xi1>) -> tensor<?x12x?x64xf32> {
  %0 = llm.attention %q, %k, %v mask %m : tensor<?x1x1x?xi1> {masked_rows = "uniform"} : tensor<?x12x?x64xf32>, tensor<?x12x?x64xf32>, tensor<?x12x?x64xf32> -> tensor<?x12x?x64xf32>
  return %0 : tensor<?x12x?x64xf32>
}

// attention with an additive float mask of rank 2 and upper_left causality.
// CHECK-LABEL: func.func @attention_float_mask
// CHECK-SAME:    (%[[Q:.+]]: tensor<?x12x?x64xf16>, %[[K:.+]]: tensor<?x12x?x64xf16>, %[[V:.+]]: tensor<?x12x?x64xf16>, %[[M:.+]]: tensor<?x?xf16>)
// CHECK-NEXT:    %[[ATTENTION:.+]] = llm.attention %[[Q]], %[[K]], %[[V]] mask %[[M]] : tensor<?x?xf16> {causal = "upper_left"} : tensor<?x12x?x64xf16>, tensor<?x12x?x64xf16>, tensor<?x12x?x64xf16> -> tensor<?x12x?x64xf16>
// CHECK-NEXT:    return %[[ATTENTION]]
func.func @attention_float_mask(%q: tensor<?x12x?x64xf16>, %k: tensor<?x12x?x64xf16>, %v: tensor<?x12x?x64xf16>, %m: tensor<?x?xf16>) -> tensor<?x12x?x64xf16> {
  %0 = llm.attention %q, %k, %v mask %m : tensor<?x?xf16> {causal = "upper_left"} : tensor<?x12x?x64xf16>, tensor<?x12x?x64xf16>, tensor<?x12x?x64xf16> -> tensor<?x12x?x64xf16>
  return %0 : tensor<?x12x?x64xf16>
}

// Grouped-query attention (32 query heads, 8 kv heads) with lower_right causality.
// CHECK-LABEL: func.func @attention_gqa_causal
// CHECK-SAME:    (%[[Q:.+]]: tensor<?x32x?x64xf32>, %[[K:.+]]: tensor<?x8x?x64xf32>, %[[V:.+]]: tensor<?x8x?x64xf32>)
// CHECK-NEXT:    %[[ATTENTION:.+]] = llm.attention %[[Q]], %[[K]], %[[V]] {causal = "lower_right"} : tensor<?x32x?x64xf32>, tensor<?x8x?x64xf32>, tensor<?x8x?x64xf32> -> tensor<?x32x?x64xf32>
// CHECK-NEXT:    return %[[ATTENTION]]
func.func @attention_gqa_causal(%q: tensor<?x32x?x64xf32>, %k: tensor<?x8x?x64xf32>, %v: tensor<?x8x?x64xf32>) -> tensor<?x32x?x64xf32> {
  %0 = llm.attention %q, %k, %v {causal = "lower_right"} : tensor<?x32x?x64xf32>, tensor<?x8x?x64xf32>, tensor<?x8x?x64xf32> -> tensor<?x32x?x64xf32>
  return %0 : tensor<?x32x?x64xf32>
}

// attention with explicit scale and softcap, GQA, and a v head_dim differing from q.
// CHECK-LABEL: func.func @attention_scale_softcap
// CHECK-SAME:    (%[[Q:.+]]: tensor<?x8x?x256xbf16>, %[[K:.+]]: tensor<?x4x?x256xbf16>, %[[V:.+]]: tensor<?x4x?x128xbf16>)
// CHECK-NEXT:    %[[ATTENTION:.+]] = llm.attention %[[Q]], %[[K]], %[[V]] {scale = 6.250000e-02 : f32, softcap = 5.000000e+01 : f32} : tensor<?x8x?x256xbf16>, tensor<?x4x?x256xbf16>, tensor<?x4x?x128xbf16> -> tensor<?x8x?x128xbf16>
// CHECK-NEXT:    return %[[ATTENTION]]
func.func @attention_scale_softcap(%q: tensor<?x8x?x256xbf16>, %k: tensor<?x4x?x256xbf16>, %v: tensor<?x4x?x128xbf16>) -> tensor<?x8x?x128xbf16> {
  %0 = llm.attention %q, %k, %v {scale = 6.250000e-02 : f32, softcap = 5.000000e+01 : f32} : tensor<?x8x?x256xbf16>, tensor<?x4x?x256xbf16>, tensor<?x4x?x128xbf16> -> tensor<?x8x?x128xbf16>
  return %0 : tensor<?x8x?x128xbf16>
}

// rotary_embedding rotate-half, interleaved, and on a rotary_dim prefix with rank-2 tables.
// CHECK-LABEL: func.func @rotary_embedding
// CHECK-SAME:    (%[[X:.+]]: tensor<?x32x?x64xf32>, %[[C:.+]]: tensor<?x1x?x32xf32>, %[[S:.+]]: tensor<?x1x?x32xf32>, %[[C2:.+]]: tensor<?x16xf32>, %[[S2:.+]]: tensor<?x16xf32>)
// CHECK-NEXT:    %[[ROTARY_EMBEDDING1:.+]] = llm.rotary_embedding %[[X]], %[[C]], %[[S]] : tensor<?x32x?x64xf32>, tensor<?x1x?x32xf32>, tensor<?x1x?x32xf32>
// CHECK-NEXT:    %[[ROTARY_EMBEDDING2:.+]] = llm.rotary_embedding %[[X]], %[[C]], %[[S]] {interleaved = true} : tensor<?x32x?x64xf32>, tensor<?x1x?x32xf32>, tensor<?x1x?x32xf32>
// CHECK-NEXT:    %[[ROTARY_EMBEDDING3:.+]] = llm.rotary_embedding %[[X]], %[[C2]], %[[S2]] {rotary_dim = 32 : i64} : tensor<?x32x?x64xf32>, tensor<?x16xf32>, tensor<?x16xf32>
// CHECK-NEXT:    return %[[ROTARY_EMBEDDING1]], %[[ROTARY_EMBEDDING2]], %[[ROTARY_EMBEDDING3]]
func.func @rotary_embedding(%x: tensor<?x32x?x64xf32>, %c: tensor<?x1x?x32xf32>, %s: tensor<?x1x?x32xf32>, %c2: tensor<?x16xf32>, %s2: tensor<?x16xf32>) -> (tensor<?x32x?x64xf32>, tensor<?x32x?x64xf32>, tensor<?x32x?x64xf32>) {
  %0 = llm.rotary_embedding %x, %c, %s : tensor<?x32x?x64xf32>, tensor<?x1x?x32xf32>, tensor<?x1x?x32xf32>
  %1 = llm.rotary_embedding %x, %c, %s {interleaved = true} : tensor<?x32x?x64xf32>, tensor<?x1x?x32xf32>, tensor<?x1x?x32xf32>
  %2 = llm.rotary_embedding %x, %c2, %s2 {rotary_dim = 32 : i64} : tensor<?x32x?x64xf32>, tensor<?x16xf32>, tensor<?x16xf32>
  return %0, %1, %2 : tensor<?x32x?x64xf32>, tensor<?x32x?x64xf32>, tensor<?x32x?x64xf32>
}

// gather along axis 0 (embedding) with i64 ids and along axis 1 with i32 ids.
// CHECK-LABEL: func.func @gather
// CHECK-SAME:    (%[[WTE:.+]]: tensor<50257x768xf32>, %[[IDS:.+]]: tensor<?x?xi64>, %[[I32:.+]]: tensor<?xi32>)
// CHECK-NEXT:    %[[GATHER1:.+]] = llm.gather %[[WTE]], %[[IDS]] {axis = 0 : i64} : (tensor<50257x768xf32>, tensor<?x?xi64>) -> tensor<?x?x768xf32>
// CHECK-NEXT:    %[[GATHER2:.+]] = llm.gather %[[WTE]], %[[I32]] {axis = 1 : i64} : (tensor<50257x768xf32>, tensor<?xi32>) -> tensor<50257x?xf32>
// CHECK-NEXT:    return %[[GATHER1]], %[[GATHER2]]
func.func @gather(%wte: tensor<50257x768xf32>, %ids: tensor<?x?xi64>, %i32: tensor<?xi32>) -> (tensor<?x?x768xf32>, tensor<50257x?xf32>) {
  %0 = llm.gather %wte, %ids {axis = 0 : i64} : (tensor<50257x768xf32>, tensor<?x?xi64>) -> tensor<?x?x768xf32>
  %1 = llm.gather %wte, %i32 {axis = 1 : i64} : (tensor<50257x768xf32>, tensor<?xi32>) -> tensor<50257x?xf32>
  return %0, %1 : tensor<?x?x768xf32>, tensor<50257x?xf32>
}

// gather_nd without and with batch_dims.
// CHECK-LABEL: func.func @gather_nd
// CHECK-SAME:    (%[[X:.+]]: tensor<?x?x768xf32>, %[[I:.+]]: tensor<?x1xi64>, %[[J:.+]]: tensor<?x?x1xi64>)
// CHECK-NEXT:    %[[GATHER_ND1:.+]] = llm.gather_nd %[[X]], %[[I]] : (tensor<?x?x768xf32>, tensor<?x1xi64>) -> tensor<?x?x768xf32>
// CHECK-NEXT:    %[[GATHER_ND2:.+]] = llm.gather_nd %[[X]], %[[J]] {batch_dims = 1 : i64} : (tensor<?x?x768xf32>, tensor<?x?x1xi64>) -> tensor<?x?x768xf32>
// CHECK-NEXT:    return %[[GATHER_ND1]], %[[GATHER_ND2]]
func.func @gather_nd(%x: tensor<?x?x768xf32>, %i: tensor<?x1xi64>, %j: tensor<?x?x1xi64>) -> (tensor<?x?x768xf32>, tensor<?x?x768xf32>) {
  %0 = llm.gather_nd %x, %i : (tensor<?x?x768xf32>, tensor<?x1xi64>) -> tensor<?x?x768xf32>
  %1 = llm.gather_nd %x, %j {batch_dims = 1 : i64} : (tensor<?x?x768xf32>, tensor<?x?x1xi64>) -> tensor<?x?x768xf32>
  return %0, %1 : tensor<?x?x768xf32>, tensor<?x?x768xf32>
}

// reshape with two index values and two static sizes.
// CHECK-LABEL: func.func @reshape
// CHECK-SAME:    (%[[X:.+]]: tensor<?x?x768xf32>, %[[B:.+]]: index, %[[S:.+]]: index)
// CHECK-NEXT:    %[[RESHAPE:.+]] = llm.reshape %[[X]] [%[[B]], %[[S]], 12, 64] : tensor<?x?x768xf32> -> tensor<?x?x12x64xf32>
// CHECK-NEXT:    return %[[RESHAPE]]
func.func @reshape(%x: tensor<?x?x768xf32>, %b: index, %s: index) -> tensor<?x?x12x64xf32> {
  %0 = llm.reshape %x [%b, %s, 12, 64] : tensor<?x?x768xf32> -> tensor<?x?x12x64xf32>
  return %0 : tensor<?x?x12x64xf32>
}

// reshape to a mixed [%d, 12, 64] shape.
// CHECK-LABEL: func.func @reshape_mixed
// CHECK-SAME:    (%[[X:.+]]: tensor<?x768xf32>, %[[D:.+]]: index)
// CHECK-NEXT:    %[[RESHAPE:.+]] = llm.reshape %[[X]] [%[[D]], 12, 64] : tensor<?x768xf32> -> tensor<?x12x64xf32>
// CHECK-NEXT:    return %[[RESHAPE]]
func.func @reshape_mixed(%x: tensor<?x768xf32>, %d: index) -> tensor<?x12x64xf32> {
  %0 = llm.reshape %x [%d, 12, 64] : tensor<?x768xf32> -> tensor<?x12x64xf32>
  return %0 : tensor<?x12x64xf32>
}

// reshape with a fully static shape.
// CHECK-LABEL: func.func @reshape_static
// CHECK-SAME:    (%[[X:.+]]: tensor<2x3x4xi8>)
// CHECK-NEXT:    %[[RESHAPE:.+]] = llm.reshape %[[X]] [6, 4] : tensor<2x3x4xi8> -> tensor<6x4xi8>
// CHECK-NEXT:    return %[[RESHAPE]]
func.func @reshape_static(%x: tensor<2x3x4xi8>) -> tensor<6x4xi8> {
  %0 = llm.reshape %x [6, 4] : tensor<2x3x4xi8> -> tensor<6x4xi8>
  return %0 : tensor<6x4xi8>
}

// dynamic_reshape with a static-length shape, and a dynamic-length one with allowzero.
// CHECK-LABEL: func.func @dynamic_reshape
// CHECK-SAME:    (%[[X:.+]]: tensor<?x?xf32>, %[[S:.+]]: tensor<3xi64>, %[[T:.+]]: tensor<?xi64>)
// CHECK-NEXT:    %[[DYNAMIC_RESHAPE1:.+]] = llm.dynamic_reshape %[[X]], %[[S]] : (tensor<?x?xf32>, tensor<3xi64>) -> tensor<?x?x?xf32>
// CHECK-NEXT:    %[[DYNAMIC_RESHAPE2:.+]] = llm.dynamic_reshape %[[X]], %[[T]] {allowzero = true} : (tensor<?x?xf32>, tensor<?xi64>) -> tensor<?x?xf32>
// CHECK-NEXT:    return %[[DYNAMIC_RESHAPE1]], %[[DYNAMIC_RESHAPE2]]
func.func @dynamic_reshape(%x: tensor<?x?xf32>, %s: tensor<3xi64>, %t: tensor<?xi64>) -> (tensor<?x?x?xf32>, tensor<?x?xf32>) {
  %0 = llm.dynamic_reshape %x, %s : (tensor<?x?xf32>, tensor<3xi64>) -> tensor<?x?x?xf32>
  %1 = llm.dynamic_reshape %x, %t {allowzero = true} : (tensor<?x?xf32>, tensor<?xi64>) -> tensor<?x?xf32>
  return %0, %1 : tensor<?x?x?xf32>, tensor<?x?xf32>
}

// transpose of the head and sequence dims.
// CHECK-LABEL: func.func @transpose
// CHECK-SAME:    (%[[X:.+]]: tensor<?x?x12x64xf32>)
// CHECK-NEXT:    %[[TRANSPOSE:.+]] = llm.transpose %[[X]] {permutation = array<i64: 0, 2, 1, 3>} : tensor<?x?x12x64xf32> -> tensor<?x12x?x64xf32>
// CHECK-NEXT:    return %[[TRANSPOSE]]
func.func @transpose(%x: tensor<?x?x12x64xf32>) -> tensor<?x12x?x64xf32> {
  %0 = llm.transpose %x {permutation = array<i64: 0, 2, 1, 3>} : tensor<?x?x12x64xf32> -> tensor<?x12x?x64xf32>
  return %0 : tensor<?x12x?x64xf32>
}

// concat along a dynamic dim (KV cache) and along a static one.
// CHECK-LABEL: func.func @concat
// CHECK-SAME:    (%[[PAST:.+]]: tensor<?x8x?x64xf32>, %[[NEW:.+]]: tensor<?x8x1x64xf32>, %[[A:.+]]: tensor<2x3xi64>, %[[B:.+]]: tensor<2x5xi64>)
// CHECK-NEXT:    %[[CONCAT1:.+]] = llm.concat %[[PAST]], %[[NEW]] {axis = 2 : i64} : (tensor<?x8x?x64xf32>, tensor<?x8x1x64xf32>) -> tensor<?x8x?x64xf32>
// CHECK-NEXT:    %[[CONCAT2:.+]] = llm.concat %[[A]], %[[B]] {axis = 1 : i64} : (tensor<2x3xi64>, tensor<2x5xi64>) -> tensor<2x8xi64>
// CHECK-NEXT:    return %[[CONCAT1]], %[[CONCAT2]]
func.func @concat(%past: tensor<?x8x?x64xf32>, %new: tensor<?x8x1x64xf32>, %a: tensor<2x3xi64>, %b: tensor<2x5xi64>) -> (tensor<?x8x?x64xf32>, tensor<2x8xi64>) {
  %0 = llm.concat %past, %new {axis = 2 : i64} : (tensor<?x8x?x64xf32>, tensor<?x8x1x64xf32>) -> tensor<?x8x?x64xf32>
  %1 = llm.concat %a, %b {axis = 1 : i64} : (tensor<2x3xi64>, tensor<2x5xi64>) -> tensor<2x8xi64>
  return %0, %1 : tensor<?x8x?x64xf32>, tensor<2x8xi64>
}

// slice with dynamic starts and ends.
// CHECK-LABEL: func.func @slice
// CHECK-SAME:    (%[[M:.+]]: tensor<1x1x1024x1024xi1>, %[[PAST:.+]]: index, %[[TOTAL:.+]]: index)
// CHECK-NEXT:    %[[SLICE:.+]] = llm.slice %[[M]] axes [2, 3] starts [%[[PAST]], 0] ends [%[[TOTAL]], %[[TOTAL]]] steps [1, 1] : tensor<1x1x1024x1024xi1> -> tensor<1x1x?x?xi1>
// CHECK-NEXT:    return %[[SLICE]]
func.func @slice(%m: tensor<1x1x1024x1024xi1>, %past: index, %total: index) -> tensor<1x1x?x?xi1> {
  %0 = llm.slice %m axes [2, 3] starts [%past, 0] ends [%total, %total] steps [1, 1] : tensor<1x1x1024x1024xi1> -> tensor<1x1x?x?xi1>
  return %0 : tensor<1x1x?x?xi1>
}

// slice with a static step of 2, and a reversing slice with negative starts and ends.
// CHECK-LABEL: func.func @slice_static_negative
// CHECK-SAME:    (%[[X:.+]]: tensor<?x10xf32>)
// CHECK-NEXT:    %[[SLICE1:.+]] = llm.slice %[[X]] axes [1] starts [0] ends [10] steps [2] : tensor<?x10xf32> -> tensor<?x5xf32>
// CHECK-NEXT:    %[[SLICE2:.+]] = llm.slice %[[X]] axes [1] starts [-1] ends [-11] steps [-1] : tensor<?x10xf32> -> tensor<?x10xf32>
// CHECK-NEXT:    return %[[SLICE1]], %[[SLICE2]]
func.func @slice_static_negative(%x: tensor<?x10xf32>) -> (tensor<?x5xf32>, tensor<?x10xf32>) {
  %0 = llm.slice %x axes [1] starts [0] ends [10] steps [2] : tensor<?x10xf32> -> tensor<?x5xf32>
  %1 = llm.slice %x axes [1] starts [-1] ends [-11] steps [-1] : tensor<?x10xf32> -> tensor<?x10xf32>
  return %0, %1 : tensor<?x5xf32>, tensor<?x10xf32>
}

// A fused region ending in a norm, returning the norm and its input.
// CHECK-LABEL: func.func @fused_norm
// CHECK-NEXT:    %[[F:.+]]:2 = llm.fused(%{{.+}}, %{{.+}}, %{{.+}}) : (tensor<?x8xf16>, tensor<?x8xf32>, tensor<8xf32>) -> (tensor<?x8xf32>, tensor<?x8xf32>) {
// CHECK-NEXT:    ^bb0(%[[A:.+]]: tensor<?x8xf16>, %[[B:.+]]: tensor<?x8xf32>, %[[G:.+]]: tensor<8xf32>):
// CHECK-NEXT:      %[[C:.+]] = llm.cast %[[A]] : tensor<?x8xf16> to tensor<?x8xf32>
// CHECK-NEXT:      %[[S:.+]] = llm.add %[[C]], %[[B]]
// CHECK-NEXT:      %[[N:.+]] = llm.rms_norm %[[S]] scale %[[G]] : tensor<8xf32> {axis = 1 : i64, epsilon = 9.99999997E-7 : f32} : tensor<?x8xf32>
// CHECK-NEXT:      llm.yield %[[N]], %[[S]] : tensor<?x8xf32>, tensor<?x8xf32>
// CHECK-NEXT:    }
// CHECK-NEXT:    return %[[F]]#0, %[[F]]#1
func.func @fused_norm(%x: tensor<?x8xf16>, %r: tensor<?x8xf32>, %g: tensor<8xf32>) -> (tensor<?x8xf32>, tensor<?x8xf32>) {
  %0:2 = llm.fused(%x, %r, %g) : (tensor<?x8xf16>, tensor<?x8xf32>, tensor<8xf32>) -> (tensor<?x8xf32>, tensor<?x8xf32>) {
  ^bb0(%a: tensor<?x8xf16>, %b: tensor<?x8xf32>, %s: tensor<8xf32>):
    %c = llm.cast %a : tensor<?x8xf16> to tensor<?x8xf32>
    %sum = llm.add %c, %b : (tensor<?x8xf32>, tensor<?x8xf32>) -> tensor<?x8xf32>
    %n = llm.rms_norm %sum scale %s : tensor<8xf32> {axis = 1 : i64, epsilon = 1.0e-06 : f32} : tensor<?x8xf32>
    llm.yield %n, %sum : tensor<?x8xf32>, tensor<?x8xf32>
  }
  return %0#0, %0#1 : tensor<?x8xf32>, tensor<?x8xf32>
}

// split into three equal pieces (fused QKV).
// CHECK-LABEL: func.func @split
// CHECK-SAME:    (%[[QKV:.+]]: tensor<?x?x2304xf32>)
// CHECK-NEXT:    %[[SPLIT:.+]]:3 = llm.split %[[QKV]] {axis = 2 : i64, sizes = array<i64: 768, 768, 768>} : tensor<?x?x2304xf32> -> tensor<?x?x768xf32>, tensor<?x?x768xf32>, tensor<?x?x768xf32>
// CHECK-NEXT:    return %[[SPLIT]]#0, %[[SPLIT]]#1, %[[SPLIT]]#2
func.func @split(%qkv: tensor<?x?x2304xf32>) -> (tensor<?x?x768xf32>, tensor<?x?x768xf32>, tensor<?x?x768xf32>) {
  %0:3 = llm.split %qkv {axis = 2 : i64, sizes = array<i64: 768, 768, 768>} : tensor<?x?x2304xf32> -> tensor<?x?x768xf32>, tensor<?x?x768xf32>, tensor<?x?x768xf32>
  return %0#0, %0#1, %0#2 : tensor<?x?x768xf32>, tensor<?x?x768xf32>, tensor<?x?x768xf32>
}

// split of a dynamic axis into static pieces.
// CHECK-LABEL: func.func @split_dynamic_axis
// CHECK-SAME:    (%[[X:.+]]: tensor<?x?xf32>)
// CHECK-NEXT:    %[[SPLIT:.+]]:2 = llm.split %[[X]] {axis = 1 : i64, sizes = array<i64: 2, 6>} : tensor<?x?xf32> -> tensor<?x2xf32>, tensor<?x6xf32>
// CHECK-NEXT:    return %[[SPLIT]]#0, %[[SPLIT]]#1
func.func @split_dynamic_axis(%x: tensor<?x?xf32>) -> (tensor<?x2xf32>, tensor<?x6xf32>) {
  %0:2 = llm.split %x {axis = 1 : i64, sizes = array<i64: 2, 6>} : tensor<?x?xf32> -> tensor<?x2xf32>, tensor<?x6xf32>
  return %0#0, %0#1 : tensor<?x2xf32>, tensor<?x6xf32>
}

// expand to a symbolic shape.
// CHECK-LABEL: func.func @expand
// CHECK-SAME:    (%[[M:.+]]: tensor<1x1x?x?xi1>, %[[B:.+]]: index, %[[S:.+]]: index)
// CHECK-NEXT:    %[[EXPAND:.+]] = llm.expand %[[M]] [%[[B]], 1, %[[S]], %[[S]]] : tensor<1x1x?x?xi1> -> tensor<?x1x?x?xi1>
// CHECK-NEXT:    return %[[EXPAND]]
func.func @expand(%m: tensor<1x1x?x?xi1>, %b: index, %s: index) -> tensor<?x1x?x?xi1> {
  %0 = llm.expand %m [%b, 1, %s, %s] : tensor<1x1x?x?xi1> -> tensor<?x1x?x?xi1>
  return %0 : tensor<?x1x?x?xi1>
}

// expand that adds a leading dim and stretches a 1.
// CHECK-LABEL: func.func @expand_static
// CHECK-SAME:    (%[[X:.+]]: tensor<?x1xf32>)
// CHECK-NEXT:    %[[EXPAND:.+]] = llm.expand %[[X]] [4, 1, 8] : tensor<?x1xf32> -> tensor<?x4x8xf32>
// CHECK-NEXT:    return %[[EXPAND]]
func.func @expand_static(%x: tensor<?x1xf32>) -> tensor<?x4x8xf32> {
  %0 = llm.expand %x [4, 1, 8] : tensor<?x1xf32> -> tensor<?x4x8xf32>
  return %0 : tensor<?x4x8xf32>
}

// tile with static repeats and with a dynamic repeat.
// CHECK-LABEL: func.func @tile
// CHECK-SAME:    (%[[KV:.+]]: tensor<?x8x?x64xf32>, %[[R:.+]]: index)
// CHECK-NEXT:    %[[TILE1:.+]] = llm.tile %[[KV]] [1, 4, 1, 1] : tensor<?x8x?x64xf32> -> tensor<?x32x?x64xf32>
// CHECK-NEXT:    %[[TILE2:.+]] = llm.tile %[[KV]] [1, 1, 1, %[[R]]] : tensor<?x8x?x64xf32> -> tensor<?x8x?x?xf32>
// CHECK-NEXT:    return %[[TILE1]], %[[TILE2]]
func.func @tile(%kv: tensor<?x8x?x64xf32>, %r: index) -> (tensor<?x32x?x64xf32>, tensor<?x8x?x?xf32>) {
  %0 = llm.tile %kv [1, 4, 1, 1] : tensor<?x8x?x64xf32> -> tensor<?x32x?x64xf32>
  %1 = llm.tile %kv [1, 1, 1, %r] : tensor<?x8x?x64xf32> -> tensor<?x8x?x?xf32>
  return %0, %1 : tensor<?x32x?x64xf32>, tensor<?x8x?x?xf32>
}

// squeeze of a static 1 and of a dynamic dim.
// CHECK-LABEL: func.func @squeeze
// CHECK-SAME:    (%[[X:.+]]: tensor<?x1x768xf32>, %[[Y:.+]]: tensor<?x?xf32>)
// CHECK-NEXT:    %[[SQUEEZE1:.+]] = llm.squeeze %[[X]] {axes = array<i64: 1>} : tensor<?x1x768xf32> -> tensor<?x768xf32>
// CHECK-NEXT:    %[[SQUEEZE2:.+]] = llm.squeeze %[[Y]] {axes = array<i64: 0>} : tensor<?x?xf32> -> tensor<?xf32>
// CHECK-NEXT:    return %[[SQUEEZE1]], %[[SQUEEZE2]]
func.func @squeeze(%x: tensor<?x1x768xf32>, %y: tensor<?x?xf32>) -> (tensor<?x768xf32>, tensor<?xf32>) {
  %0 = llm.squeeze %x {axes = array<i64: 1>} : tensor<?x1x768xf32> -> tensor<?x768xf32>
  %1 = llm.squeeze %y {axes = array<i64: 0>} : tensor<?x?xf32> -> tensor<?xf32>
  return %0, %1 : tensor<?x768xf32>, tensor<?xf32>
}

// unsqueeze at two positions and at the end.
// CHECK-LABEL: func.func @unsqueeze
// CHECK-SAME:    (%[[M:.+]]: tensor<?x?xi64>)
// CHECK-NEXT:    %[[UNSQUEEZE1:.+]] = llm.unsqueeze %[[M]] {axes = array<i64: 1, 2>} : tensor<?x?xi64> -> tensor<?x1x1x?xi64>
// CHECK-NEXT:    %[[UNSQUEEZE2:.+]] = llm.unsqueeze %[[M]] {axes = array<i64: 2>} : tensor<?x?xi64> -> tensor<?x?x1xi64>
// CHECK-NEXT:    return %[[UNSQUEEZE1]], %[[UNSQUEEZE2]]
func.func @unsqueeze(%m: tensor<?x?xi64>) -> (tensor<?x1x1x?xi64>, tensor<?x?x1xi64>) {
  %0 = llm.unsqueeze %m {axes = array<i64: 1, 2>} : tensor<?x?xi64> -> tensor<?x1x1x?xi64>
  %1 = llm.unsqueeze %m {axes = array<i64: 2>} : tensor<?x?xi64> -> tensor<?x?x1xi64>
  return %0, %1 : tensor<?x1x1x?xi64>, tensor<?x?x1xi64>
}

// trilu lower on i1, and upper (the default) with a diagonal offset.
// CHECK-LABEL: func.func @trilu
// CHECK-SAME:    (%[[X:.+]]: tensor<?x?xi1>, %[[Y:.+]]: tensor<?x?x?xf32>)
// CHECK-NEXT:    %[[TRILU1:.+]] = llm.trilu %[[X]] {upper = false} : tensor<?x?xi1>
// CHECK-NEXT:    %[[TRILU2:.+]] = llm.trilu %[[Y]] {k = 1 : i64} : tensor<?x?x?xf32>
// CHECK-NEXT:    return %[[TRILU1]], %[[TRILU2]]
func.func @trilu(%x: tensor<?x?xi1>, %y: tensor<?x?x?xf32>) -> (tensor<?x?xi1>, tensor<?x?x?xf32>) {
  %0 = llm.trilu %x {upper = false} : tensor<?x?xi1>
  %1 = llm.trilu %y {k = 1 : i64} : tensor<?x?x?xf32>
  return %0, %1 : tensor<?x?xi1>, tensor<?x?x?xf32>
}

// cumsum inclusive forward, and exclusive reversed.
// CHECK-LABEL: func.func @cumsum
// CHECK-SAME:    (%[[X:.+]]: tensor<?x?xi64>)
// CHECK-NEXT:    %[[CUMSUM1:.+]] = llm.cumsum %[[X]] {axis = 1 : i64} : tensor<?x?xi64>
// CHECK-NEXT:    %[[CUMSUM2:.+]] = llm.cumsum %[[X]] {axis = 0 : i64, exclusive = true, reverse = true} : tensor<?x?xi64>
// CHECK-NEXT:    return %[[CUMSUM1]], %[[CUMSUM2]]
func.func @cumsum(%x: tensor<?x?xi64>) -> (tensor<?x?xi64>, tensor<?x?xi64>) {
  %0 = llm.cumsum %x {axis = 1 : i64} : tensor<?x?xi64>
  %1 = llm.cumsum %x {axis = 0 : i64, exclusive = true, reverse = true} : tensor<?x?xi64>
  return %0, %1 : tensor<?x?xi64>, tensor<?x?xi64>
}

// range over i64 and over f32 scalars.
// CHECK-LABEL: func.func @range
// CHECK-SAME:    (%[[START:.+]]: tensor<i64>, %[[LIMIT:.+]]: tensor<i64>, %[[DELTA:.+]]: tensor<i64>, %[[F:.+]]: tensor<f32>)
// CHECK-NEXT:    %[[RANGE1:.+]] = llm.range %[[START]], %[[LIMIT]], %[[DELTA]] : tensor<i64> -> tensor<?xi64>
// CHECK-NEXT:    %[[RANGE2:.+]] = llm.range %[[F]], %[[F]], %[[F]] : tensor<f32> -> tensor<?xf32>
// CHECK-NEXT:    return %[[RANGE1]], %[[RANGE2]]
func.func @range(%start: tensor<i64>, %limit: tensor<i64>, %delta: tensor<i64>, %f: tensor<f32>) -> (tensor<?xi64>, tensor<?xf32>) {
  %0 = llm.range %start, %limit, %delta : tensor<i64> -> tensor<?xi64>
  %1 = llm.range %f, %f, %f : tensor<f32> -> tensor<?xf32>
  return %0, %1 : tensor<?xi64>, tensor<?xf32>
}

// shape of all dims, from a start, and a negative [start, end) window.
// CHECK-LABEL: func.func @shape
// CHECK-SAME:    (%[[X:.+]]: tensor<?x?x768xf32>)
// CHECK-NEXT:    %[[SHAPE1:.+]] = llm.shape %[[X]] : tensor<?x?x768xf32> -> tensor<3xi64>
// CHECK-NEXT:    %[[SHAPE2:.+]] = llm.shape %[[X]] {start = 1 : i64} : tensor<?x?x768xf32> -> tensor<2xi64>
// CHECK-NEXT:    %[[SHAPE3:.+]] = llm.shape %[[X]] {end = -1 : i64, start = -2 : i64} : tensor<?x?x768xf32> -> tensor<1xi64>
// CHECK-NEXT:    return %[[SHAPE1]], %[[SHAPE2]], %[[SHAPE3]]
func.func @shape(%x: tensor<?x?x768xf32>) -> (tensor<3xi64>, tensor<2xi64>, tensor<1xi64>) {
  %0 = llm.shape %x : tensor<?x?x768xf32> -> tensor<3xi64>
  %1 = llm.shape %x {start = 1 : i64} : tensor<?x?x768xf32> -> tensor<2xi64>
  %2 = llm.shape %x {start = -2 : i64, end = -1 : i64} : tensor<?x?x768xf32> -> tensor<1xi64>
  return %0, %1, %2 : tensor<3xi64>, tensor<2xi64>, tensor<1xi64>
}

// dim of a dynamic dim.
// CHECK-LABEL: func.func @dim
// CHECK-SAME:    (%[[X:.+]]: tensor<?x?x768xf32>)
// CHECK-NEXT:    %[[DIM1:.+]] = llm.dim %[[X]], 0 : tensor<?x?x768xf32>
// CHECK-NEXT:    %[[DIM2:.+]] = llm.dim %[[X]], 1 : tensor<?x?x768xf32>
// CHECK-NEXT:    return %[[DIM1]], %[[DIM2]]
func.func @dim(%x: tensor<?x?x768xf32>) -> (index, index) {
  %0 = llm.dim %x, 0 : tensor<?x?x768xf32>
  %1 = llm.dim %x, 1 : tensor<?x?x768xf32>
  return %0, %1 : index, index
}

// from_dims with a mixed list, and with a negative static entry into i32.
// CHECK-LABEL: func.func @from_dims
// CHECK-SAME:    (%[[B:.+]]: index)
// CHECK-NEXT:    %[[FROM_DIMS1:.+]] = llm.from_dims [%[[B]], 12, 64] : tensor<3xi64>
// CHECK-NEXT:    %[[FROM_DIMS2:.+]] = llm.from_dims [-1, %[[B]]] : tensor<2xi32>
// CHECK-NEXT:    return %[[FROM_DIMS1]], %[[FROM_DIMS2]]
func.func @from_dims(%b: index) -> (tensor<3xi64>, tensor<2xi32>) {
  %0 = llm.from_dims [%b, 12, 64] : tensor<3xi64>
  %1 = llm.from_dims [-1, %b] : tensor<2xi32>
  return %0, %1 : tensor<3xi64>, tensor<2xi32>
}

// full with a float, an integer and a bool fill value.
// CHECK-LABEL: func.func @full
// CHECK-SAME:    (%[[B:.+]]: index, %[[S:.+]]: index)
// CHECK-NEXT:    %[[FULL1:.+]] = llm.full 0.000000e+00 : f32 [%[[B]], 1, %[[S]]] : tensor<?x1x?xf32>
// CHECK-NEXT:    %[[FULL2:.+]] = llm.full 7 : i64 [2, 3] : tensor<2x3xi64>
// CHECK-NEXT:    %[[FULL3:.+]] = llm.full true [%[[B]]] : tensor<?xi1>
// CHECK-NEXT:    return %[[FULL1]], %[[FULL2]], %[[FULL3]]
func.func @full(%b: index, %s: index) -> (tensor<?x1x?xf32>, tensor<2x3xi64>, tensor<?xi1>) {
  %0 = llm.full 0.000000e+00 : f32 [%b, 1, %s] : tensor<?x1x?xf32>
  %1 = llm.full 7 : i64 [2, 3] : tensor<2x3xi64>
  %2 = llm.full true [%b] : tensor<?xi1>
  return %0, %1, %2 : tensor<?x1x?xf32>, tensor<2x3xi64>, tensor<?xi1>
}

// Dense constants (splat and not) and dense_resource weights.
// CHECK-LABEL: func.func @constant
// CHECK-NEXT:    %[[CONSTANT1:.+]] = llm.constant dense<9.99999974E-6> : tensor<f32>
// CHECK-NEXT:    %[[CONSTANT2:.+]] = llm.constant dense<{{\[\[}}1, 2], [3, 4]]> : tensor<2x2xi64>
// CHECK-NEXT:    %[[CONSTANT3:.+]] = llm.constant dense_resource<weight> : tensor<4xf32>
// CHECK-NEXT:    %[[CONSTANT4:.+]] = llm.constant dense_resource<small> : tensor<2x2xf16>
// CHECK-NEXT:    return %[[CONSTANT1]], %[[CONSTANT2]], %[[CONSTANT3]], %[[CONSTANT4]]
func.func @constant() -> (tensor<f32>, tensor<2x2xi64>, tensor<4xf32>, tensor<2x2xf16>) {
  %0 = llm.constant dense<1.0e-05> : tensor<f32>
  %1 = llm.constant dense<[[1, 2], [3, 4]]> : tensor<2x2xi64>
  %2 = llm.constant dense_resource<weight> : tensor<4xf32>
  %3 = llm.constant dense_resource<small> : tensor<2x2xf16>
  return %0, %1, %2, %3 : tensor<f32>, tensor<2x2xi64>, tensor<4xf32>, tensor<2x2xf16>
}

// storage_cast from i8 to a per-tensor !quant type and back.
// CHECK-LABEL: func.func @storage_cast
// CHECK-SAME:    (%[[W:.+]]: tensor<768x?xi8>)
// CHECK-NEXT:    %[[STORAGE_CAST1:.+]] = llm.storage_cast %[[W]] : tensor<768x?xi8> to tensor<768x?x!quant.uniform<i8:f32, 1.000000e-01>>
// CHECK-NEXT:    %[[STORAGE_CAST2:.+]] = llm.storage_cast %[[STORAGE_CAST1]] : tensor<768x?x!quant.uniform<i8:f32, 1.000000e-01>> to tensor<768x?xi8>
// CHECK-NEXT:    return %[[STORAGE_CAST2]]
func.func @storage_cast(%w: tensor<768x?xi8>) -> tensor<768x?xi8> {
  %0 = llm.storage_cast %w : tensor<768x?xi8> to tensor<768x?x!quant.uniform<i8:f32, 0.1>>
  %1 = llm.storage_cast %0 : tensor<768x?x!quant.uniform<i8:f32, 0.1>> to tensor<768x?xi8>
  return %1 : tensor<768x?xi8>
}

// quantize and dequantize with a per-tensor !quant type.
// CHECK-LABEL: func.func @quantize_per_tensor
// CHECK-SAME:    (%[[X:.+]]: tensor<?x768xf32>)
// CHECK-NEXT:    %[[QUANTIZE:.+]] = llm.quantize %[[X]] : tensor<?x768xf32> -> tensor<?x768x!quant.uniform<i8:f32, 5.000000e-02:-3>>
// CHECK-NEXT:    %[[DEQUANTIZE:.+]] = llm.dequantize %[[QUANTIZE]] : tensor<?x768x!quant.uniform<i8:f32, 5.000000e-02:-3>> -> tensor<?x768xf32>
// CHECK-NEXT:    return %[[DEQUANTIZE]]
func.func @quantize_per_tensor(%x: tensor<?x768xf32>) -> tensor<?x768xf32> {
  %0 = llm.quantize %x : tensor<?x768xf32> -> tensor<?x768x!quant.uniform<i8:f32, 5.000000e-02:-3>>
  %1 = llm.dequantize %0 : tensor<?x768x!quant.uniform<i8:f32, 5.000000e-02:-3>> -> tensor<?x768xf32>
  return %1 : tensor<?x768xf32>
}

// quantize and dequantize with a per-axis !quant type.
// CHECK-LABEL: func.func @quantize_per_axis
// CHECK-SAME:    (%[[X:.+]]: tensor<?x3xf32>)
// CHECK-NEXT:    %[[QUANTIZE:.+]] = llm.quantize %[[X]] : tensor<?x3xf32> -> tensor<?x3x!quant.uniform<u8:f32:1, {1.000000e-01:128,2.000000e-01:127,3.000000e-01}>>
// CHECK-NEXT:    %[[DEQUANTIZE:.+]] = llm.dequantize %[[QUANTIZE]] : tensor<?x3x!quant.uniform<u8:f32:1, {1.000000e-01:128,2.000000e-01:127,3.000000e-01}>> -> tensor<?x3xf32>
// CHECK-NEXT:    return %[[DEQUANTIZE]]
func.func @quantize_per_axis(%x: tensor<?x3xf32>) -> tensor<?x3xf32> {
  %0 = llm.quantize %x : tensor<?x3xf32> -> tensor<?x3x!quant.uniform<u8:f32:1, {1.0e-01:128, 2.0e-01:127, 3.0e-01}>>
  %1 = llm.dequantize %0 : tensor<?x3x!quant.uniform<u8:f32:1, {1.0e-01:128, 2.0e-01:127, 3.0e-01}>> -> tensor<?x3xf32>
  return %1 : tensor<?x3xf32>
}

// Integer quantization with scalar scale and zero_point operands.
// CHECK-LABEL: func.func @quantize_operands_per_tensor
// CHECK-SAME:    (%[[X:.+]]: tensor<?x768xf32>, %[[S:.+]]: tensor<f32>, %[[Z:.+]]: tensor<i8>)
// CHECK-NEXT:    %[[QUANTIZE:.+]] = llm.quantize %[[X]] scale %[[S]] : tensor<f32> zero_point %[[Z]] : tensor<i8> : tensor<?x768xf32> -> tensor<?x768xi8>
// CHECK-NEXT:    %[[DEQUANTIZE:.+]] = llm.dequantize %[[QUANTIZE]] scale %[[S]] : tensor<f32> : tensor<?x768xi8> -> tensor<?x768xf32>
// CHECK-NEXT:    return %[[DEQUANTIZE]]
func.func @quantize_operands_per_tensor(%x: tensor<?x768xf32>, %s: tensor<f32>, %z: tensor<i8>) -> tensor<?x768xf32> {
  %0 = llm.quantize %x scale %s : tensor<f32> zero_point %z : tensor<i8> : tensor<?x768xf32> -> tensor<?x768xi8>
  %1 = llm.dequantize %0 scale %s : tensor<f32> : tensor<?x768xi8> -> tensor<?x768xf32>
  return %1 : tensor<?x768xf32>
}

// Integer quantization with per-axis scale and zero_point operands.
// CHECK-LABEL: func.func @quantize_operands_per_axis
// CHECK-SAME:    (%[[X:.+]]: tensor<?x768xf32>, %[[S:.+]]: tensor<768xf32>, %[[Z:.+]]: tensor<768xui8>)
// CHECK-NEXT:    %[[QUANTIZE:.+]] = llm.quantize %[[X]] scale %[[S]] : tensor<768xf32> zero_point %[[Z]] : tensor<768xui8> : tensor<?x768xf32> -> tensor<?x768xui8>
// CHECK-NEXT:    %[[DEQUANTIZE:.+]] = llm.dequantize %[[QUANTIZE]] scale %[[S]] : tensor<768xf32> zero_point %[[Z]] : tensor<768xui8> : tensor<?x768xui8> -> tensor<?x768xf32>
// CHECK-NEXT:    return %[[DEQUANTIZE]]
func.func @quantize_operands_per_axis(%x: tensor<?x768xf32>, %s: tensor<768xf32>, %z: tensor<768xui8>) -> tensor<?x768xf32> {
  %0 = llm.quantize %x scale %s : tensor<768xf32> zero_point %z : tensor<768xui8> : tensor<?x768xf32> -> tensor<?x768xui8>
  %1 = llm.dequantize %0 scale %s : tensor<768xf32> zero_point %z : tensor<768xui8> : tensor<?x768xui8> -> tensor<?x768xf32>
  return %1 : tensor<?x768xf32>
}

// Block dequantization (MatMulNBits) with ui4 storage, block_size 32 along axis 1 (the default).
// CHECK-LABEL: func.func @dequantize_block
// CHECK-SAME:    (%[[Q:.+]]: tensor<4096x4096xui4>, %[[S:.+]]: tensor<4096x128xf16>, %[[Z:.+]]: tensor<4096x128xui4>)
// CHECK-NEXT:    %[[DEQUANTIZE:.+]] = llm.dequantize %[[Q]] scale %[[S]] : tensor<4096x128xf16> zero_point %[[Z]] : tensor<4096x128xui4> {block_size = 32 : i64} : tensor<4096x4096xui4> -> tensor<4096x4096xf16>
// CHECK-NEXT:    return %[[DEQUANTIZE]]
func.func @dequantize_block(%q: tensor<4096x4096xui4>, %s: tensor<4096x128xf16>, %z: tensor<4096x128xui4>) -> tensor<4096x4096xf16> {
  %0 = llm.dequantize %q scale %s : tensor<4096x128xf16> zero_point %z : tensor<4096x128xui4> {axis = 1 : i64, block_size = 32 : i64} : tensor<4096x4096xui4> -> tensor<4096x4096xf16>
  return %0 : tensor<4096x4096xf16>
}

// Block quantization along axis 0 with a partial last block (100 = 3 * 32 + 4).
// CHECK-LABEL: func.func @quantize_block_axis0
// CHECK-SAME:    (%[[X:.+]]: tensor<100x?xf32>, %[[S:.+]]: tensor<4x?xf32>)
// CHECK-NEXT:    %[[QUANTIZE:.+]] = llm.quantize %[[X]] scale %[[S]] : tensor<4x?xf32> {axis = 0 : i64, block_size = 32 : i64} : tensor<100x?xf32> -> tensor<100x?xi8>
// CHECK-NEXT:    return %[[QUANTIZE]]
func.func @quantize_block_axis0(%x: tensor<100x?xf32>, %s: tensor<4x?xf32>) -> tensor<100x?xi8> {
  %0 = llm.quantize %x scale %s : tensor<4x?xf32> {axis = 0 : i64, block_size = 32 : i64} : tensor<100x?xf32> -> tensor<100x?xi8>
  return %0 : tensor<100x?xi8>
}

// quantized_matmul with a float lhs and a per-axis weight, and with a quantized lhs.
// CHECK-LABEL: func.func @quantized_matmul
// CHECK-SAME:    (%[[X:.+]]: tensor<?x768xf32>, %[[W:.+]]: tensor<768x3x!quant.uniform<i8:f32:1, {1.000000e-01,2.000000e-01,3.000000e-01}>>, %[[XQ:.+]]: tensor<?x?x768x!quant.uniform<i8:f32, 5.000000e-01>>)
// CHECK-NEXT:    %[[QUANTIZED_MATMUL1:.+]] = llm.quantized_matmul %[[X]], %[[W]] : (tensor<?x768xf32>, tensor<768x3x!quant.uniform<i8:f32:1, {1.000000e-01,2.000000e-01,3.000000e-01}>>) -> tensor<?x3xf32>
// CHECK-NEXT:    %[[QUANTIZED_MATMUL2:.+]] = llm.quantized_matmul %[[XQ]], %[[W]] : (tensor<?x?x768x!quant.uniform<i8:f32, 5.000000e-01>>, tensor<768x3x!quant.uniform<i8:f32:1, {1.000000e-01,2.000000e-01,3.000000e-01}>>) -> tensor<?x?x3xf32>
// CHECK-NEXT:    return %[[QUANTIZED_MATMUL1]], %[[QUANTIZED_MATMUL2]]
func.func @quantized_matmul(%x: tensor<?x768xf32>, %w: tensor<768x3x!quant.uniform<i8:f32:1, {1.0e-01, 2.0e-01, 3.0e-01}>>, %xq: tensor<?x?x768x!quant.uniform<i8:f32, 0.5>>) -> (tensor<?x3xf32>, tensor<?x?x3xf32>) {
  %0 = llm.quantized_matmul %x, %w : (tensor<?x768xf32>, tensor<768x3x!quant.uniform<i8:f32:1, {1.0e-01, 2.0e-01, 3.0e-01}>>) -> tensor<?x3xf32>
  %1 = llm.quantized_matmul %xq, %w : (tensor<?x?x768x!quant.uniform<i8:f32, 0.5>>, tensor<768x3x!quant.uniform<i8:f32:1, {1.0e-01, 2.0e-01, 3.0e-01}>>) -> tensor<?x?x3xf32>
  return %0, %1 : tensor<?x3xf32>, tensor<?x?x3xf32>
}

// A static scale for a dynamic normalized dim is accepted (regression).
// CHECK-LABEL: func.func @layer_norm_dynamic_dims
// CHECK-SAME:    (%[[X:.+]]: tensor<?x?x?xf32>, %[[G:.+]]: tensor<768xf32>, %[[B:.+]]: tensor<?xf32>)
// CHECK-NEXT:    %[[LAYER_NORM:.+]] = llm.layer_norm %[[X]] scale %[[G]] : tensor<768xf32> bias %[[B]] : tensor<?xf32> {axis = 2 : i64, epsilon = 9.99999974E-6 : f32} : tensor<?x?x?xf32>
// CHECK-NEXT:    return %[[LAYER_NORM]]
func.func @layer_norm_dynamic_dims(%x: tensor<?x?x?xf32>, %g: tensor<768xf32>, %b: tensor<?xf32>) -> tensor<?x?x?xf32> {
  %0 = llm.layer_norm %x scale %g : tensor<768xf32> bias %b : tensor<?xf32> {axis = 2 : i64, epsilon = 1.0e-05 : f32} : tensor<?x?x?xf32>
  return %0 : tensor<?x?x?xf32>
}

// Tables of a static width with a dynamic head_dim are accepted (regression).
// CHECK-LABEL: func.func @rotary_embedding_dynamic_head_dim
// CHECK-SAME:    (%[[X:.+]]: tensor<?x?x?x?xf32>, %[[C:.+]]: tensor<?x16xf32>, %[[S:.+]]: tensor<?x16xf32>)
// CHECK-NEXT:    %[[ROTARY_EMBEDDING:.+]] = llm.rotary_embedding %[[X]], %[[C]], %[[S]] : tensor<?x?x?x?xf32>, tensor<?x16xf32>, tensor<?x16xf32>
// CHECK-NEXT:    return %[[ROTARY_EMBEDDING]]
func.func @rotary_embedding_dynamic_head_dim(%x: tensor<?x?x?x?xf32>, %c: tensor<?x16xf32>, %s: tensor<?x16xf32>) -> tensor<?x?x?x?xf32> {
  %0 = llm.rotary_embedding %x, %c, %s : tensor<?x?x?x?xf32>, tensor<?x16xf32>, tensor<?x16xf32>
  return %0 : tensor<?x?x?x?xf32>
}

// A reversing slice of an empty dim is empty (regression).
// CHECK-LABEL: func.func @slice_empty_dim
// CHECK-SAME:    (%[[X:.+]]: tensor<0x?xf32>)
// CHECK-NEXT:    %[[SLICE:.+]] = llm.slice %[[X]] axes [0] starts [-1] ends [-10] steps [-1] : tensor<0x?xf32> -> tensor<0x?xf32>
// CHECK-NEXT:    return %[[SLICE]]
func.func @slice_empty_dim(%x: tensor<0x?xf32>) -> tensor<0x?xf32> {
  %0 = llm.slice %x axes [0] starts [-1] ends [-10] steps [-1] : tensor<0x?xf32> -> tensor<0x?xf32>
  return %0 : tensor<0x?xf32>
}

// A per-axis scale of dynamic length (regression).
// CHECK-LABEL: func.func @quantize_dynamic_scale
// CHECK-SAME:    (%[[X:.+]]: tensor<?x?xf32>, %[[S:.+]]: tensor<?xf32>, %[[Z:.+]]: tensor<?xi8>)
// CHECK-NEXT:    %[[QUANTIZE:.+]] = llm.quantize %[[X]] scale %[[S]] : tensor<?xf32> zero_point %[[Z]] : tensor<?xi8> : tensor<?x?xf32> -> tensor<?x?xi8>
// CHECK-NEXT:    return %[[QUANTIZE]]
func.func @quantize_dynamic_scale(%x: tensor<?x?xf32>, %s: tensor<?xf32>, %z: tensor<?xi8>) -> tensor<?x?xi8> {
  %0 = llm.quantize %x scale %s : tensor<?xf32> zero_point %z : tensor<?xi8> : tensor<?x?xf32> -> tensor<?x?xi8>
  return %0 : tensor<?x?xi8>
}

// A sub-channel !quant type: blocks of 4 along dim 1.
// CHECK-LABEL: func.func @dequantize_sub_channel
// CHECK-SAME:    (%[[Q:.+]]: tensor<4x8xi8>)
// CHECK-NEXT:    %[[STORAGE_CAST:.+]] = llm.storage_cast %[[Q]] : tensor<4x8xi8> to tensor<4x8x!quant.uniform<i8:f32:{1:4}, {{\{\{}}1.000000e+00, 2.000000e+00}}>>
// CHECK-NEXT:    %[[DEQUANTIZE:.+]] = llm.dequantize %[[STORAGE_CAST]] : tensor<4x8x!quant.uniform<i8:f32:{1:4}, {{\{\{}}1.000000e+00, 2.000000e+00}}>> -> tensor<4x8xf32>
// CHECK-NEXT:    return %[[DEQUANTIZE]]
func.func @dequantize_sub_channel(%q: tensor<4x8xi8>) -> tensor<4x8xf32> {
  %0 = llm.storage_cast %q : tensor<4x8xi8> to tensor<4x8x!quant.uniform<i8:f32:{1:4}, {{1.0, 2.0}}>>
  %1 = llm.dequantize %0 : tensor<4x8x!quant.uniform<i8:f32:{1:4}, {{1.0, 2.0}}>> -> tensor<4x8xf32>
  return %1 : tensor<4x8xf32>
}

// gather_elements: the result has the indices' shape.
// CHECK-LABEL: func.func @gather_elements
// CHECK-NEXT:    llm.gather_elements %{{.+}}, %{{.+}} {axis = 1 : i64} : (tensor<?x64xf32>, tensor<?x8xi64>) -> tensor<?x8xf32>
func.func @gather_elements(%x: tensor<?x64xf32>, %i: tensor<?x8xi64>) -> tensor<?x8xf32> {
  %0 = llm.gather_elements %x, %i {axis = 1 : i64} : (tensor<?x64xf32>, tensor<?x8xi64>) -> tensor<?x8xf32>
  return %0 : tensor<?x8xf32>
}

// scatter_nd: a KV-cache style update of whole rows, with a reduction.
// CHECK-LABEL: func.func @scatter_nd
// CHECK-NEXT:    llm.scatter_nd %{{.+}}, %{{.+}}, %{{.+}} {reduction = "add"} : (tensor<16x8x64xf32>, tensor<?x1xi64>, tensor<?x8x64xf32>) -> tensor<16x8x64xf32>
func.func @scatter_nd(%c: tensor<16x8x64xf32>, %i: tensor<?x1xi64>, %u: tensor<?x8x64xf32>) -> tensor<16x8x64xf32> {
  %0 = llm.scatter_nd %c, %i, %u {reduction = "add"} : (tensor<16x8x64xf32>, tensor<?x1xi64>, tensor<?x8x64xf32>) -> tensor<16x8x64xf32>
  return %0 : tensor<16x8x64xf32>
}

// topk: values and int64 indices along a dynamic batch.
// CHECK-LABEL: func.func @topk
// CHECK-NEXT:    %{{.+}}, %{{.+}} = llm.topk %{{.+}} {axis = 1 : i64, k = 5 : i64, largest = false} : tensor<?x100xf32> -> tensor<?x5xf32>, tensor<?x5xi64>
func.func @topk(%x: tensor<?x100xf32>) -> (tensor<?x5xf32>, tensor<?x5xi64>) {
  %v, %i = llm.topk %x {axis = 1 : i64, k = 5 : i64, largest = false} : tensor<?x100xf32> -> tensor<?x5xf32>, tensor<?x5xi64>
  return %v, %i : tensor<?x5xf32>, tensor<?x5xi64>
}

// storage_cast: ui8 integers are the storage of an unsigned u8 quant type.
// CHECK-LABEL: func.func @storage_cast_unsigned
// CHECK-NEXT:    llm.storage_cast %{{.+}} : tensor<?xui8> to tensor<?x!quant.uniform<u8:f32, 5.000000e-01:128>>
func.func @storage_cast_unsigned(%x: tensor<?xui8>) -> tensor<?x!quant.uniform<u8:f32, 0.5:128>> {
  %0 = llm.storage_cast %x : tensor<?xui8> to tensor<?x!quant.uniform<u8:f32, 0.5:128>>
  return %0 : tensor<?x!quant.uniform<u8:f32, 0.5:128>>
}

// round: halves go to even.
// CHECK-LABEL: func.func @round
// CHECK-NEXT:    llm.round %{{.+}} : tensor<?x8xf32>
func.func @round(%x: tensor<?x8xf32>) -> tensor<?x8xf32> {
  %0 = llm.round %x : tensor<?x8xf32>
  return %0 : tensor<?x8xf32>
}

// from_dims with one entry may produce a scalar.
// CHECK-LABEL: func.func @from_dims_scalar
// CHECK-NEXT:    llm.from_dims [%{{.+}}] : tensor<i64>
func.func @from_dims_scalar(%n: index) -> tensor<i64> {
  %0 = llm.from_dims [%n] : tensor<i64>
  return %0 : tensor<i64>
}

// The blobs survive the round trip; their first 4 bytes are the alignment.
// CHECK:      dialect_resources: {
// CHECK-NEXT:   builtin: {
// CHECK-NEXT:     weight: "0x040000000000803F0000004000004040000080C0",
// CHECK-NEXT:     small: "0x02000000003C004000420044"
{-#
  dialect_resources: {
    builtin: {
      weight: "0x040000000000803F0000004000004040000080C0",
      small: "0x02000000003C004000420044"
    }
  }
#-}
