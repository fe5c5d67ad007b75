// RUN: llm-opt %s -canonicalize -split-input-file | FileCheck %s

//===----------------------------------------------------------------------===//
// Constants and shapes
//===----------------------------------------------------------------------===//

// Identical dense constants fold into one.
// CHECK-LABEL: func.func @constant_dedup
// CHECK-NEXT:    %[[C:.+]] = llm.constant dense<[1, 2]> : tensor<2xi64>
// CHECK-NEXT:    return %[[C]], %[[C]]
func.func @constant_dedup() -> (tensor<2xi64>, tensor<2xi64>) {
  %0 = llm.constant dense<[1, 2]> : tensor<2xi64>
  %1 = llm.constant dense<[1, 2]> : tensor<2xi64>
  return %0, %1 : tensor<2xi64>, tensor<2xi64>
}

// -----

// A dense_resource weight stays a handle through canonicalization.
// CHECK-LABEL: func.func @constant_resource
// CHECK-NEXT:    %[[W:.+]] = llm.constant dense_resource<w> : tensor<2xf32>
// CHECK-NEXT:    return %[[W]]
func.func @constant_resource() -> tensor<2xf32> {
  %0 = llm.constant dense_resource<w> : tensor<2xf32>
  return %0 : tensor<2xf32>
}

{-#
  dialect_resources: {
    builtin: {
      w: "0x040000000000803F00000040"
    }
  }
#-}

// -----

// dim of a static dim is an index constant; of a dynamic dim it stays.
// CHECK-LABEL: func.func @dim
// CHECK-SAME:    (%[[X:.+]]: tensor<?x?x768xf32>)
// CHECK-DAG:     %[[C768:.+]] = arith.constant 768 : index
// CHECK-DAG:     %[[D1:.+]] = llm.dim %[[X]], 1 : tensor<?x?x768xf32>
// CHECK:         return %[[C768]], %[[D1]]
func.func @dim(%x: tensor<?x?x768xf32>) -> (index, index) {
  %0 = llm.dim %x, 2 : tensor<?x?x768xf32>
  %1 = llm.dim %x, 1 : tensor<?x?x768xf32>
  return %0, %1 : index, index
}

// -----

// dim of a reshape's dynamic target dim is the reshape's index; of a
// transpose, the input's permuted dim. The transpose and the reshape lose
// those users (and here go).
// CHECK-LABEL: func.func @dim_through_views
// CHECK-SAME:    (%[[X:.+]]: tensor<?x?x768xf32>, %[[B:.+]]: index, %[[S:.+]]: index)
// CHECK-NEXT:    %[[D:.+]] = llm.dim %[[X]], 1 : tensor<?x?x768xf32>
// CHECK-NEXT:    return %[[S]], %[[D]]
func.func @dim_through_views(%x: tensor<?x?x768xf32>, %b: index, %s: index) -> (index, index) {
  %h = llm.reshape %x [%b, %s, 12, 64] : tensor<?x?x768xf32> -> tensor<?x?x12x64xf32>
  %0 = llm.dim %h, 1 : tensor<?x?x12x64xf32>
  %t = llm.transpose %x {permutation = array<i64: 1, 0, 2>} : tensor<?x?x768xf32> -> tensor<?x?x768xf32>
  %1 = llm.dim %t, 0 : tensor<?x?x768xf32>
  return %0, %1 : index, index
}

// -----

// shape of a static tensor is a constant.
// CHECK-LABEL: func.func @shape_static
// CHECK-NEXT:    %[[S:.+]] = llm.constant dense<[2, 3]> : tensor<2xi64>
// CHECK-NEXT:    return %[[S]]
func.func @shape_static(%x: tensor<2x3xf32>) -> tensor<2xi64> {
  %0 = llm.shape %x : tensor<2x3xf32> -> tensor<2xi64>
  return %0 : tensor<2xi64>
}

// -----

// shape folds when only the dims in [start, end) need to be static.
// CHECK-LABEL: func.func @shape_static_range
// CHECK-NEXT:    %[[S:.+]] = llm.constant dense<768> : tensor<1xi64>
// CHECK-NEXT:    return %[[S]]
func.func @shape_static_range(%x: tensor<?x?x768xf32>) -> tensor<1xi64> {
  %0 = llm.shape %x {start = -1 : i64} : tensor<?x?x768xf32> -> tensor<1xi64>
  return %0 : tensor<1xi64>
}

// -----

// Near miss: a dynamic dim in [start, end) keeps the shape op.
// CHECK-LABEL: func.func @shape_dynamic
// CHECK-SAME:    (%[[X:.+]]: tensor<?x?x768xf32>)
// CHECK-NEXT:    %[[A:.+]] = llm.shape %[[X]] : tensor<?x?x768xf32> -> tensor<3xi64>
// CHECK-NEXT:    %[[B:.+]] = llm.shape %[[X]] {end = 2 : i64, start = 1 : i64} : tensor<?x?x768xf32> -> tensor<1xi64>
// CHECK-NEXT:    return %[[A]], %[[B]]
func.func @shape_dynamic(%x: tensor<?x?x768xf32>) -> (tensor<3xi64>, tensor<1xi64>) {
  %0 = llm.shape %x : tensor<?x?x768xf32> -> tensor<3xi64>
  %1 = llm.shape %x {start = 1 : i64, end = 2 : i64} : tensor<?x?x768xf32> -> tensor<1xi64>
  return %0, %1 : tensor<3xi64>, tensor<1xi64>
}

// -----

// Near miss: a result declared less static than inferred has no dense constant.
// CHECK-LABEL: func.func @shape_dynamic_result
// CHECK-NEXT:    %[[S:.+]] = llm.shape %{{.+}} : tensor<2x3xf32> -> tensor<?xi64>
// CHECK-NEXT:    return %[[S]]
func.func @shape_dynamic_result(%x: tensor<2x3xf32>) -> tensor<?xi64> {
  %0 = llm.shape %x : tensor<2x3xf32> -> tensor<?xi64>
  return %0 : tensor<?xi64>
}

// -----

// from_dims of static entries and constant indices is a constant.
// CHECK-LABEL: func.func @from_dims_constant
// CHECK-DAG:     %[[A:.+]] = llm.constant dense<[4, 12, 64]> : tensor<3xi64>
// CHECK-DAG:     %[[B:.+]] = llm.constant dense<[-1, 8]> : tensor<2xi32>
// CHECK:         return %[[A]], %[[B]]
func.func @from_dims_constant() -> (tensor<3xi64>, tensor<2xi32>) {
  %c4 = arith.constant 4 : index
  %0 = llm.from_dims [%c4, 12, 64] : tensor<3xi64>
  %1 = llm.from_dims [-1, 8] : tensor<2xi32>
  return %0, %1 : tensor<3xi64>, tensor<2xi32>
}

// -----

// dim folds feed from_dims: the static dims of a tensor become a constant.
// CHECK-LABEL: func.func @from_dims_of_dims
// CHECK-NEXT:    %[[S:.+]] = llm.constant dense<[12, 64]> : tensor<2xi64>
// CHECK-NEXT:    return %[[S]]
func.func @from_dims_of_dims(%x: tensor<?x12x64xf32>) -> tensor<2xi64> {
  %0 = llm.dim %x, 1 : tensor<?x12x64xf32>
  %1 = llm.dim %x, 2 : tensor<?x12x64xf32>
  %2 = llm.from_dims [%0, %1] : tensor<2xi64>
  return %2 : tensor<2xi64>
}

// -----

// Near miss: one unknown index keeps from_dims.
// CHECK-LABEL: func.func @from_dims_dynamic
// CHECK-SAME:    (%[[B:.+]]: index)
// CHECK-NEXT:    %[[S:.+]] = llm.from_dims [%[[B]], 64] : tensor<2xi64>
// CHECK-NEXT:    return %[[S]]
func.func @from_dims_dynamic(%b: index) -> tensor<2xi64> {
  %0 = llm.from_dims [%b, 64] : tensor<2xi64>
  return %0 : tensor<2xi64>
}

//===----------------------------------------------------------------------===//
// Elementwise identities
//===----------------------------------------------------------------------===//

// -----

// x + -0.0 is x for floats.
// CHECK-LABEL: func.func @add_neg_zero
// CHECK-SAME:    (%[[X:.+]]: tensor<?x768xf32>)
// CHECK-NEXT:    return %[[X]]
func.func @add_neg_zero(%x: tensor<?x768xf32>) -> tensor<?x768xf32> {
  %z = llm.constant dense<-0.0> : tensor<768xf32>
  %0 = llm.add %x, %z : (tensor<?x768xf32>, tensor<768xf32>) -> tensor<?x768xf32>
  return %0 : tensor<?x768xf32>
}

// -----

// Near miss: x + 0.0 is not x for floats (it turns -0.0 into +0.0).
// CHECK-LABEL: func.func @add_pos_zero_float
// CHECK:         llm.add
func.func @add_pos_zero_float(%x: tensor<?x768xf32>) -> tensor<?x768xf32> {
  %z = llm.constant dense<0.0> : tensor<768xf32>
  %0 = llm.add %x, %z : (tensor<?x768xf32>, tensor<768xf32>) -> tensor<?x768xf32>
  return %0 : tensor<?x768xf32>
}

// -----

// x + 0 is x for integers too, with a scalar zero.
// CHECK-LABEL: func.func @add_zero_int
// CHECK-SAME:    (%[[X:.+]]: tensor<?x?xi64>)
// CHECK-NEXT:    return %[[X]]
func.func @add_zero_int(%x: tensor<?x?xi64>) -> tensor<?x?xi64> {
  %z = llm.constant dense<0> : tensor<i64>
  %0 = llm.add %x, %z : (tensor<?x?xi64>, tensor<i64>) -> tensor<?x?xi64>
  return %0 : tensor<?x?xi64>
}

// -----

// Near miss: adding a non-zero splat is real work.
// CHECK-LABEL: func.func @add_nonzero
// CHECK-SAME:    (%[[X:.+]]: tensor<?x768xf32>)
// CHECK-NEXT:    %[[C:.+]] = llm.constant dense<1.000000e+00> : tensor<768xf32>
// CHECK-NEXT:    %[[R:.+]] = llm.add %[[X]], %[[C]]
// CHECK-NEXT:    return %[[R]]
func.func @add_nonzero(%x: tensor<?x768xf32>) -> tensor<?x768xf32> {
  %c = llm.constant dense<1.0> : tensor<768xf32>
  %0 = llm.add %x, %c : (tensor<?x768xf32>, tensor<768xf32>) -> tensor<?x768xf32>
  return %0 : tensor<?x768xf32>
}

// -----

// Near miss: a zero that is not a splat is not recognized (here [0, 1]).
// CHECK-LABEL: func.func @add_not_splat
// CHECK:         llm.add
func.func @add_not_splat(%x: tensor<?x2xi32>) -> tensor<?x2xi32> {
  %c = llm.constant dense<[0, 1]> : tensor<2xi32>
  %0 = llm.add %x, %c : (tensor<?x2xi32>, tensor<2xi32>) -> tensor<?x2xi32>
  return %0 : tensor<?x2xi32>
}

// -----

// Near miss: a zero that broadcasts x to a larger shape changes the result type.
// CHECK-LABEL: func.func @add_zero_broadcasts
// CHECK-SAME:    (%[[X:.+]]: tensor<?x1xf32>)
// CHECK:         %[[R:.+]] = llm.add %[[X]], %{{.+}} : (tensor<?x1xf32>, tensor<4xf32>) -> tensor<?x4xf32>
// CHECK-NEXT:    return %[[R]]
func.func @add_zero_broadcasts(%x: tensor<?x1xf32>) -> tensor<?x4xf32> {
  %z = llm.constant dense<0.0> : tensor<4xf32>
  %0 = llm.add %x, %z : (tensor<?x1xf32>, tensor<4xf32>) -> tensor<?x4xf32>
  return %0 : tensor<?x4xf32>
}

// -----

// Near miss: a dense_resource operand is never read by folders, even if its bytes are zero.
// CHECK-LABEL: func.func @add_resource
// CHECK:         %[[Z:.+]] = llm.constant dense_resource<zeros> : tensor<2xf32>
// CHECK-NEXT:    %[[R:.+]] = llm.add %{{.+}}, %[[Z]]
// CHECK-NEXT:    return %[[R]]
func.func @add_resource(%x: tensor<?x2xf32>) -> tensor<?x2xf32> {
  %z = llm.constant dense_resource<zeros> : tensor<2xf32>
  %0 = llm.add %x, %z : (tensor<?x2xf32>, tensor<2xf32>) -> tensor<?x2xf32>
  return %0 : tensor<?x2xf32>
}

{-#
  dialect_resources: {
    builtin: {
      zeros: "0x040000000000000000000000"
    }
  }
#-}

// -----

// x * 1.0 is x.
// CHECK-LABEL: func.func @mul_one
// CHECK-SAME:    (%[[X:.+]]: tensor<?x?x768xf16>)
// CHECK-NEXT:    return %[[X]]
func.func @mul_one(%x: tensor<?x?x768xf16>) -> tensor<?x?x768xf16> {
  %one = llm.constant dense<1.0> : tensor<f16>
  %0 = llm.mul %x, %one : (tensor<?x?x768xf16>, tensor<f16>) -> tensor<?x?x768xf16>
  return %0 : tensor<?x?x768xf16>
}

// -----

// x * 1 is x for integers too.
// CHECK-LABEL: func.func @mul_one_int
// CHECK-SAME:    (%[[X:.+]]: tensor<?xi32>)
// CHECK-NEXT:    return %[[X]]
func.func @mul_one_int(%x: tensor<?xi32>) -> tensor<?xi32> {
  %one = llm.constant dense<1> : tensor<1xi32>
  %0 = llm.mul %x, %one : (tensor<?xi32>, tensor<1xi32>) -> tensor<?xi32>
  return %0 : tensor<?xi32>
}

// -----

// Near miss: x * 2 stays.
// CHECK-LABEL: func.func @mul_two
// CHECK:         %[[C:.+]] = llm.constant dense<2.000000e+00> : tensor<f32>
// CHECK-NEXT:    %[[R:.+]] = llm.mul %{{.+}}, %[[C]]
// CHECK-NEXT:    return %[[R]]
func.func @mul_two(%x: tensor<?x768xf32>) -> tensor<?x768xf32> {
  %two = llm.constant dense<2.0> : tensor<f32>
  %0 = llm.mul %x, %two : (tensor<?x768xf32>, tensor<f32>) -> tensor<?x768xf32>
  return %0 : tensor<?x768xf32>
}

// -----

// Near miss: x * 0 is not folded to zeros (NaN * 0 is NaN).
// CHECK-LABEL: func.func @mul_zero
// CHECK:         llm.mul
func.func @mul_zero(%x: tensor<?x768xf32>) -> tensor<?x768xf32> {
  %z = llm.constant dense<0.0> : tensor<f32>
  %0 = llm.mul %x, %z : (tensor<?x768xf32>, tensor<f32>) -> tensor<?x768xf32>
  return %0 : tensor<?x768xf32>
}

// -----

// A cast to the same type is a no-op.
// CHECK-LABEL: func.func @cast_identity
// CHECK-SAME:    (%[[X:.+]]: tensor<?x?xf32>)
// CHECK-NEXT:    return %[[X]]
func.func @cast_identity(%x: tensor<?x?xf32>) -> tensor<?x?xf32> {
  %0 = llm.cast %x : tensor<?x?xf32> to tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

// -----

// Near miss: a cast that changes the element type stays.
// CHECK-LABEL: func.func @cast_convert
// CHECK-SAME:    (%[[X:.+]]: tensor<?x?xi64>)
// CHECK-NEXT:    %[[R:.+]] = llm.cast %[[X]] : tensor<?x?xi64> to tensor<?x?xf32>
// CHECK-NEXT:    return %[[R]]
func.func @cast_convert(%x: tensor<?x?xi64>) -> tensor<?x?xf32> {
  %0 = llm.cast %x : tensor<?x?xi64> to tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

// -----

// Near miss: a cast that only refines the shape changes the type, so it stays.
// CHECK-LABEL: func.func @cast_refine
// CHECK:         llm.cast %{{.+}} : tensor<?x?xf32> to tensor<2x?xf32>
func.func @cast_refine(%x: tensor<?x?xf32>) -> tensor<2x?xf32> {
  %0 = llm.cast %x : tensor<?x?xf32> to tensor<2x?xf32>
  return %0 : tensor<2x?xf32>
}

//===----------------------------------------------------------------------===//
// Data movement identities and constant reshapes
//===----------------------------------------------------------------------===//

// -----

// A reshape to the same static type is a no-op.
// CHECK-LABEL: func.func @reshape_identity
// CHECK-SAME:    (%[[X:.+]]: tensor<2x12x64xf32>)
// CHECK-NEXT:    return %[[X]]
func.func @reshape_identity(%x: tensor<2x12x64xf32>) -> tensor<2x12x64xf32> {
  %0 = llm.reshape %x [2, 12, 64] : tensor<2x12x64xf32> -> tensor<2x12x64xf32>
  return %0 : tensor<2x12x64xf32>
}

// -----

// Near miss: equal dynamic types can still be a real reshape ([?, ?] of 2x3 as 3x2).
// CHECK-LABEL: func.func @reshape_dynamic_same_type
// CHECK-SAME:    (%[[X:.+]]: tensor<?x?xf32>, %[[A:.+]]: index, %[[B:.+]]: index)
// CHECK-NEXT:    %[[R:.+]] = llm.reshape %[[X]] [%[[B]], %[[A]]] : tensor<?x?xf32> -> tensor<?x?xf32>
// CHECK-NEXT:    return %[[R]]
func.func @reshape_dynamic_same_type(%x: tensor<?x?xf32>, %a: index, %b: index) -> tensor<?x?xf32> {
  %0 = llm.reshape %x [%b, %a] : tensor<?x?xf32> -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

// -----

// A reshape of a dense constant is a re-typed constant.
// CHECK-LABEL: func.func @reshape_constant
// CHECK-NEXT:    %[[C:.+]] = llm.constant dense<{{\[}}[1, 2, 3], [4, 5, 6]]> : tensor<2x3xi64>
// CHECK-NEXT:    return %[[C]]
func.func @reshape_constant() -> tensor<2x3xi64> {
  %c = llm.constant dense<[1, 2, 3, 4, 5, 6]> : tensor<6xi64>
  %0 = llm.reshape %c [2, 3] : tensor<6xi64> -> tensor<2x3xi64>
  return %0 : tensor<2x3xi64>
}

// -----

// A reshape of a splat constant stays a splat.
// CHECK-LABEL: func.func @reshape_splat
// CHECK-NEXT:    %[[C:.+]] = llm.constant dense<5.000000e-01> : tensor<4x1xf32>
// CHECK-NEXT:    return %[[C]]
func.func @reshape_splat() -> tensor<4x1xf32> {
  %c = llm.constant dense<0.5> : tensor<2x2xf32>
  %0 = llm.reshape %c [4, 1] : tensor<2x2xf32> -> tensor<4x1xf32>
  return %0 : tensor<4x1xf32>
}

// -----

// Near miss: a constant reshaped to a dynamic type stays (no static type to give it).
// CHECK-LABEL: func.func @reshape_constant_dynamic
// CHECK:         llm.reshape %{{.+}} [%{{.+}}, 3] : tensor<6xi64> -> tensor<?x3xi64>
func.func @reshape_constant_dynamic(%d: index) -> tensor<?x3xi64> {
  %c = llm.constant dense<[1, 2, 3, 4, 5, 6]> : tensor<6xi64>
  %0 = llm.reshape %c [%d, 3] : tensor<6xi64> -> tensor<?x3xi64>
  return %0 : tensor<?x3xi64>
}

// -----

// Near miss: dense_resource weights are not reshaped at compile time.
// CHECK-LABEL: func.func @reshape_resource
// CHECK:         %[[W:.+]] = llm.constant dense_resource<w> : tensor<4xf32>
// CHECK-NEXT:    %[[R:.+]] = llm.reshape %[[W]] [2, 2] : tensor<4xf32> -> tensor<2x2xf32>
// CHECK-NEXT:    return %[[R]]
func.func @reshape_resource() -> tensor<2x2xf32> {
  %w = llm.constant dense_resource<w> : tensor<4xf32>
  %0 = llm.reshape %w [2, 2] : tensor<4xf32> -> tensor<2x2xf32>
  return %0 : tensor<2x2xf32>
}

{-#
  dialect_resources: {
    builtin: {
      w: "0x040000000000803F0000004000004040000080C0"
    }
  }
#-}

// -----

// The identity permutation is a no-op.
// CHECK-LABEL: func.func @transpose_identity
// CHECK-SAME:    (%[[X:.+]]: tensor<?x12x?x64xf32>)
// CHECK-NEXT:    return %[[X]]
func.func @transpose_identity(%x: tensor<?x12x?x64xf32>) -> tensor<?x12x?x64xf32> {
  %0 = llm.transpose %x {permutation = array<i64: 0, 1, 2, 3>} : tensor<?x12x?x64xf32> -> tensor<?x12x?x64xf32>
  return %0 : tensor<?x12x?x64xf32>
}

// -----

// Near miss: swapping two dims of equal type still moves data.
// CHECK-LABEL: func.func @transpose_swap
// CHECK-SAME:    (%[[X:.+]]: tensor<?x?xf32>)
// CHECK-NEXT:    %[[R:.+]] = llm.transpose %[[X]] {permutation = array<i64: 1, 0>} : tensor<?x?xf32> -> tensor<?x?xf32>
// CHECK-NEXT:    return %[[R]]
func.func @transpose_swap(%x: tensor<?x?xf32>) -> tensor<?x?xf32> {
  %0 = llm.transpose %x {permutation = array<i64: 1, 0>} : tensor<?x?xf32> -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

// -----

// A concat of one input is that input.
// CHECK-LABEL: func.func @concat_single
// CHECK-SAME:    (%[[X:.+]]: tensor<?x8x?x64xf32>)
// CHECK-NEXT:    return %[[X]]
func.func @concat_single(%x: tensor<?x8x?x64xf32>) -> tensor<?x8x?x64xf32> {
  %0 = llm.concat %x {axis = 2 : i64} : (tensor<?x8x?x64xf32>) -> tensor<?x8x?x64xf32>
  return %0 : tensor<?x8x?x64xf32>
}

// -----

// Near miss: a concat of two inputs stays.
// CHECK-LABEL: func.func @concat_two
// CHECK-SAME:    (%[[X:.+]]: tensor<?x8x?x64xf32>, %[[Y:.+]]: tensor<?x8x1x64xf32>)
// CHECK-NEXT:    %[[R:.+]] = llm.concat %[[X]], %[[Y]] {axis = 2 : i64}
// CHECK-NEXT:    return %[[R]]
func.func @concat_two(%x: tensor<?x8x?x64xf32>, %y: tensor<?x8x1x64xf32>) -> tensor<?x8x?x64xf32> {
  %0 = llm.concat %x, %y {axis = 2 : i64} : (tensor<?x8x?x64xf32>, tensor<?x8x1x64xf32>) -> tensor<?x8x?x64xf32>
  return %0 : tensor<?x8x?x64xf32>
}

// -----

// An expand to the same static type is a no-op.
// CHECK-LABEL: func.func @expand_identity
// CHECK-SAME:    (%[[X:.+]]: tensor<2x1x8xf32>)
// CHECK-NEXT:    return %[[X]]
func.func @expand_identity(%x: tensor<2x1x8xf32>) -> tensor<2x1x8xf32> {
  %0 = llm.expand %x [1, 1, 8] : tensor<2x1x8xf32> -> tensor<2x1x8xf32>
  return %0 : tensor<2x1x8xf32>
}

// -----

// Near miss: an expand to the same dynamic type may still stretch a runtime 1.
// CHECK-LABEL: func.func @expand_dynamic_same_type
// CHECK-SAME:    (%[[X:.+]]: tensor<?x?xf32>, %[[B:.+]]: index)
// CHECK-NEXT:    %[[R:.+]] = llm.expand %[[X]] [%[[B]], 1] : tensor<?x?xf32> -> tensor<?x?xf32>
// CHECK-NEXT:    return %[[R]]
func.func @expand_dynamic_same_type(%x: tensor<?x?xf32>, %b: index) -> tensor<?x?xf32> {
  %0 = llm.expand %x [%b, 1] : tensor<?x?xf32> -> tensor<?x?xf32>
  return %0 : tensor<?x?xf32>
}

// -----

// A squeeze of no axes is a no-op.
// CHECK-LABEL: func.func @squeeze_identity
// CHECK-SAME:    (%[[X:.+]]: tensor<?x1x768xf32>)
// CHECK-NEXT:    return %[[X]]
func.func @squeeze_identity(%x: tensor<?x1x768xf32>) -> tensor<?x1x768xf32> {
  %0 = llm.squeeze %x {axes = array<i64>} : tensor<?x1x768xf32> -> tensor<?x1x768xf32>
  return %0 : tensor<?x1x768xf32>
}

// -----

// A squeeze of a dense constant is a re-typed constant.
// CHECK-LABEL: func.func @squeeze_constant
// CHECK-NEXT:    %[[C:.+]] = llm.constant dense<[7, 8]> : tensor<2xi64>
// CHECK-NEXT:    return %[[C]]
func.func @squeeze_constant() -> tensor<2xi64> {
  %c = llm.constant dense<[[7, 8]]> : tensor<1x2xi64>
  %0 = llm.squeeze %c {axes = array<i64: 0>} : tensor<1x2xi64> -> tensor<2xi64>
  return %0 : tensor<2xi64>
}

// -----

// Near miss: squeezing a runtime value stays.
// CHECK-LABEL: func.func @squeeze_value
// CHECK-SAME:    (%[[X:.+]]: tensor<?x1x768xf32>)
// CHECK-NEXT:    %[[R:.+]] = llm.squeeze %[[X]] {axes = array<i64: 1>} : tensor<?x1x768xf32> -> tensor<?x768xf32>
// CHECK-NEXT:    return %[[R]]
func.func @squeeze_value(%x: tensor<?x1x768xf32>) -> tensor<?x768xf32> {
  %0 = llm.squeeze %x {axes = array<i64: 1>} : tensor<?x1x768xf32> -> tensor<?x768xf32>
  return %0 : tensor<?x768xf32>
}

// -----

// An unsqueeze of no axes is a no-op.
// CHECK-LABEL: func.func @unsqueeze_identity
// CHECK-SAME:    (%[[X:.+]]: tensor<?x?xi64>)
// CHECK-NEXT:    return %[[X]]
func.func @unsqueeze_identity(%x: tensor<?x?xi64>) -> tensor<?x?xi64> {
  %0 = llm.unsqueeze %x {axes = array<i64>} : tensor<?x?xi64> -> tensor<?x?xi64>
  return %0 : tensor<?x?xi64>
}

// -----

// An unsqueeze of a dense constant is a re-typed constant.
// CHECK-LABEL: func.func @unsqueeze_constant
// CHECK-NEXT:    %[[C:.+]] = llm.constant dense<{{\[}}[-3.000000e+38], [0.000000e+00]]> : tensor<2x1xf32>
// CHECK-NEXT:    return %[[C]]
func.func @unsqueeze_constant() -> tensor<2x1xf32> {
  %c = llm.constant dense<[-3.0e+38, 0.0]> : tensor<2xf32>
  %0 = llm.unsqueeze %c {axes = array<i64: 1>} : tensor<2xf32> -> tensor<2x1xf32>
  return %0 : tensor<2x1xf32>
}

// -----

// Near miss: unsqueezing a runtime value stays.
// CHECK-LABEL: func.func @unsqueeze_value
// CHECK-SAME:    (%[[X:.+]]: tensor<?x?xi64>)
// CHECK-NEXT:    %[[R:.+]] = llm.unsqueeze %[[X]] {axes = array<i64: 1, 2>} : tensor<?x?xi64> -> tensor<?x1x1x?xi64>
// CHECK-NEXT:    return %[[R]]
func.func @unsqueeze_value(%x: tensor<?x?xi64>) -> tensor<?x1x1x?xi64> {
  %0 = llm.unsqueeze %x {axes = array<i64: 1, 2>} : tensor<?x?xi64> -> tensor<?x1x1x?xi64>
  return %0 : tensor<?x1x1x?xi64>
}

// -----

// Folds chain: the shape of a static tensor, unsqueezed, is one constant.
// CHECK-LABEL: func.func @fold_chain
// CHECK-NEXT:    %[[C:.+]] = llm.constant dense<{{\[}}[2], [3]]> : tensor<2x1xi64>
// CHECK-NEXT:    return %[[C]]
func.func @fold_chain(%x: tensor<2x3xf32>) -> tensor<2x1xi64> {
  %s = llm.shape %x : tensor<2x3xf32> -> tensor<2xi64>
  %0 = llm.unsqueeze %s {axes = array<i64: 1>} : tensor<2xi64> -> tensor<2x1xi64>
  return %0 : tensor<2x1xi64>
}
