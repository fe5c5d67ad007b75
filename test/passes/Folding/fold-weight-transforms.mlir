// RUN: llm-opt %s -llm-fold-weight-transforms=report-misses -split-input-file -verify-diagnostics | FileCheck %s

// Transforms of constants are evaluated at compile time into new constants;
// from a weight blob, into a new blob named after it, printed at the end of
// each split as hex: an alignment header (0x04000000 in the inputs,
// 0x10000000 for new blobs), then the little-endian elements. In f32:
// 1.0 = 0000803F, 2.0 = 00000040, 3.0 = 00004040, 4.0 = 00008040,
// 5.0 = 0000A040, 6.0 = 0000C040. The source constants are erased. Then the
// near misses, each with its remark (report-misses).
//
// Each new blob made from blobs records how, in the module's
// llm.weight_recipes, for the runtime to rebuild it from a checkpoint of the
// originals: transpose {perm}, reshape {shape}, concat {axis}, cast {dtype}
// between f32, f16 and bf16, slice {starts, steps, shape} with every dim's
// first element and step resolved. Results of dense attributes have none
// (they are part of the program).

// A transpose of a [2, 3] blob: the rows of w^T are the columns of w,
// 1 4 | 2 5 | 3 6.
// CHECK: module attributes {llm.weight_recipes = {w.T = {from = ["w"], op = "transpose", perm = array<i64: 1, 0>}}}
// CHECK-LABEL: func.func @transpose
// CHECK-NEXT: %[[W:.+]] = llm.constant dense_resource<w.T> : tensor<3x2xf32>
// CHECK-NEXT: return %[[W]]
// CHECK: w.T: "0x100000000000803F00008040000000400000A040000040400000C040"
func.func @transpose() -> tensor<3x2xf32> {
  %w = llm.constant dense_resource<w> : tensor<2x3xf32>
  %t = llm.transpose %w {permutation = array<i64: 1, 0>} : tensor<2x3xf32> -> tensor<3x2xf32>
  return %t : tensor<3x2xf32>
}
{-#
  dialect_resources: {
    builtin: {
      w: "0x040000000000803F0000004000004040000080400000A0400000C040"
    }
  }
#-}

// -----

// A chain: a reshape, a squeeze, then the transpose of their result, each
// with its recipe from the one before. A reshape copies the blob to a new
// name although the bytes do not change: the runtime checks a weight's
// shape against its name's, so "w" keeps the shape it has in a checkpoint.
// A second reshape of "w" gets a suffix. The intermediate blobs are gone.
// CHECK: module attributes {llm.weight_recipes = {w.reshape = {from = ["w"], op = "reshape", shape = array<i64: 1, 2, 3>}, w.reshape.reshape = {from = ["w.reshape"], op = "reshape", shape = array<i64: 2, 3>}, w.reshape.reshape.T = {from = ["w.reshape.reshape"], op = "transpose", perm = array<i64: 1, 0>}, w.reshape_1 = {from = ["w"], op = "reshape", shape = array<i64: 3, 2>}}}
// CHECK-LABEL: func.func @chain
// CHECK-NEXT: %[[W:.+]] = llm.constant dense_resource<w.reshape.reshape.T> : tensor<3x2xf32>
// CHECK-NEXT: %[[R:.+]] = llm.constant dense_resource<w.reshape_1> : tensor<3x2xf32>
// CHECK-NEXT: return %[[W]], %[[R]]
// CHECK: builtin: {
// CHECK-NEXT: w.reshape.reshape.T: "0x100000000000803F00008040000000400000A040000040400000C040",
// CHECK-NEXT: w.reshape_1: "0x100000000000803F0000004000004040000080400000A0400000C040"
// CHECK-NEXT: }
func.func @chain() -> (tensor<3x2xf32>, tensor<3x2xf32>) {
  %w = llm.constant dense_resource<w> : tensor<6xf32>
  %r = llm.reshape %w [1, 2, 3] : tensor<6xf32> -> tensor<1x2x3xf32>
  %s = llm.squeeze %r {axes = array<i64: 0>} : tensor<1x2x3xf32> -> tensor<2x3xf32>
  %t = llm.transpose %s {permutation = array<i64: 1, 0>} : tensor<2x3xf32> -> tensor<3x2xf32>
  %w2 = llm.constant dense_resource<w> : tensor<6xf32>
  %r2 = llm.reshape %w2 [3, 2] : tensor<6xf32> -> tensor<3x2xf32>
  return %t, %r2 : tensor<3x2xf32>, tensor<3x2xf32>
}
{-#
  dialect_resources: {
    builtin: {
      w: "0x040000000000803F0000004000004040000080400000A0400000C040"
    }
  }
#-}

// -----

// A concat along the last axis: each row is a's row, then b's,
// 1 3 4 | 2 5 6; the names are joined with "+". A constant read twice by
// the same concat has no other user.
// CHECK: module attributes {llm.weight_recipes = {"a+b" = {axis = 1 : i64, from = ["a", "b"], op = "concat"}, "d+d" = {axis = 0 : i64, from = ["d", "d"], op = "concat"}}}
// CHECK-LABEL: func.func @concat
// CHECK-NEXT: %[[C:.+]] = llm.constant dense_resource<"a+b"> : tensor<2x3xf32>
// CHECK-NEXT: %[[D:.+]] = llm.constant dense_resource<"d+d"> : tensor<4xf32>
// CHECK-NEXT: return %[[C]], %[[D]]
// CHECK-DAG: "a+b": "0x100000000000803F0000404000008040000000400000A0400000C040"
// CHECK-DAG: "d+d": "0x100000000000803F000000400000803F00000040"
func.func @concat() -> (tensor<2x3xf32>, tensor<4xf32>) {
  %a = llm.constant dense_resource<a> : tensor<2x1xf32>
  %b = llm.constant dense_resource<b> : tensor<2x2xf32>
  %c = llm.concat %a, %b {axis = 1 : i64} : (tensor<2x1xf32>, tensor<2x2xf32>) -> tensor<2x3xf32>
  %d = llm.constant dense_resource<d> : tensor<2xf32>
  %dd = llm.concat %d, %d {axis = 0 : i64} : (tensor<2xf32>, tensor<2xf32>) -> tensor<4xf32>
  return %c, %dd : tensor<2x3xf32>, tensor<4xf32>
}
{-#
  dialect_resources: {
    builtin: {
      a: "0x040000000000803F00000040",
      b: "0x0400000000004040000080400000A0400000C040",
      d: "0x040000000000803F00000040"
    }
  }
#-}

// -----

// A blob concatenated with a dense attribute: no checkpoint holds the dense
// part, so no recipe could rebuild the result; it is the compiler's own
// constant, a dense attribute (LLMWeightRecipes.h), and no recipe is recorded.
// CHECK-NOT: llm.weight_recipes
// CHECK-LABEL: func.func @concat_blob_and_dense
// CHECK-NEXT: %[[C:.+]] = llm.constant dense<[1.000000e+00, 2.000000e+00, 3.000000e+00]> : tensor<3xf32>
// CHECK-NEXT: return %[[C]]
func.func @concat_blob_and_dense() -> tensor<3xf32> {
  %a = llm.constant dense_resource<a> : tensor<2xf32>
  %b = llm.constant dense<[3.0]> : tensor<1xf32>
  %c = llm.concat %a, %b {axis = 0 : i64} : (tensor<2xf32>, tensor<1xf32>) -> tensor<3xf32>
  return %c : tensor<3xf32>
}
{-#
  dialect_resources: {
    builtin: {
      a: "0x040000000000803F00000040"
    }
  }
#-}

// -----

// Slices, ONNX semantics: [1:4:2] is 2 4; [-1:-6:-1] (negative start and
// end count from the end, the end is clamped) is the whole of v reversed;
// a start given as an index constant counts as static.
// CHECK: module attributes {llm.weight_recipes = {u.slice = {from = ["u"], op = "slice", shape = array<i64: 5>, starts = array<i64: 4>, steps = array<i64: -1>}, v.slice = {from = ["v"], op = "slice", shape = array<i64: 2>, starts = array<i64: 1>, steps = array<i64: 2>}}}
// CHECK-LABEL: func.func @slice
// CHECK-NEXT: arith.constant
// CHECK-NEXT: %[[S:.+]] = llm.constant dense_resource<v.slice> : tensor<2xf32>
// CHECK-NEXT: %[[R:.+]] = llm.constant dense_resource<u.slice> : tensor<5xf32>
// CHECK-NEXT: return %[[S]], %[[R]]
// CHECK-DAG: u.slice: "0x100000000000A0400000804000004040000000400000803F"
// CHECK-DAG: v.slice: "0x100000000000004000008040"
func.func @slice() -> (tensor<2xf32>, tensor<5xf32>) {
  %v = llm.constant dense_resource<v> : tensor<5xf32>
  %one = arith.constant 1 : index
  %s = llm.slice %v axes [0] starts [%one] ends [4] steps [2] : tensor<5xf32> -> tensor<2xf32>
  %u = llm.constant dense_resource<u> : tensor<5xf32>
  %r = llm.slice %u axes [0] starts [-1] ends [-6] steps [-1] : tensor<5xf32> -> tensor<5xf32>
  return %s, %r : tensor<2xf32>, tensor<5xf32>
}
{-#
  dialect_resources: {
    builtin: {
      v: "0x040000000000803F0000004000004040000080400000A040",
      u: "0x040000000000803F0000004000004040000080400000A040"
    }
  }
#-}

// -----

// Casts, with the semantics of llm.cast at run time: f16 to f32 is exact
// (1, -2, 65504, inf); f32 to f16 rounds to nearest even and overflows to
// infinity (70000 -> 7C00, 1/3 -> 3555). From dense attributes the result is
// a dense attribute.
// CHECK: module attributes {llm.weight_recipes = {big.f16 = {dtype = f16, from = ["big"], op = "cast"}, h.f32 = {dtype = f32, from = ["h"], op = "cast"}}}
// CHECK-LABEL: func.func @cast
// CHECK-NEXT: %[[UP:.+]] = llm.constant dense_resource<h.f32> : tensor<4xf32>
// CHECK-NEXT: %[[DOWN:.+]] = llm.constant dense_resource<big.f16> : tensor<2xf16>
// CHECK-NEXT: %[[IDS:.+]] = llm.constant dense<[1.000000e+00, -2.000000e+00]> : tensor<2xf32>
// CHECK-NEXT: %[[TRUNC:.+]] = llm.constant dense<[1, -2, 0]> : tensor<3xi32>
// CHECK-NEXT: return %[[UP]], %[[DOWN]], %[[IDS]], %[[TRUNC]]
// CHECK-DAG: big.f16: "0x10000000007C5535"
// CHECK-DAG: h.f32: "0x100000000000803F000000C000E07F470000807F"
func.func @cast() -> (tensor<4xf32>, tensor<2xf16>, tensor<2xf32>, tensor<3xi32>) {
  %h = llm.constant dense_resource<h> : tensor<4xf16>
  %up = llm.cast %h : tensor<4xf16> to tensor<4xf32>
  %big = llm.constant dense_resource<big> : tensor<2xf32>
  %down = llm.cast %big : tensor<2xf32> to tensor<2xf16>
  %ids = llm.constant dense<[1, -2]> : tensor<2xi64>
  %f = llm.cast %ids : tensor<2xi64> to tensor<2xf32>
  %x = llm.constant dense<[1.9, -2.9, 0x7FC00000]> : tensor<3xf32>
  %t = llm.cast %x : tensor<3xf32> to tensor<3xi32>
  return %up, %down, %f, %t : tensor<4xf32>, tensor<2xf16>, tensor<2xf32>, tensor<3xi32>
}
{-#
  dialect_resources: {
    builtin: {
      h: "0x02000000003C00C0FF7B007C",
      big: "0x0400000000B88847ABAAAA3E"
    }
  }
#-}

// -----

// Near misses. A transform of a non-constant is no candidate (no remark);
// a concat of a constant and a non-constant is one.
// CHECK-LABEL: func.func @not_constant
// CHECK: llm.transpose
// CHECK: llm.concat
func.func @not_constant(%x: tensor<2x3xf32>) -> (tensor<3x2xf32>, tensor<4x3xf32>) {
  %t = llm.transpose %x {permutation = array<i64: 1, 0>} : tensor<2x3xf32> -> tensor<3x2xf32>
  %w = llm.constant dense<1.0> : tensor<2x3xf32>
  // expected-remark @below {{not folded: operand 1 is not a constant}}
  %c = llm.concat %w, %x {axis = 0 : i64} : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<4x3xf32>
  return %t, %c : tensor<3x2xf32>, tensor<4x3xf32>
}

// -----

// A weight read by another op too (a tied embedding: gathered, and
// transposed for the LM head) is not copied.
// CHECK-LABEL: func.func @other_users
// CHECK: llm.transpose
func.func @other_users(%ids: tensor<?xi64>) -> (tensor<?x3xf32>, tensor<3x2xf32>) {
  %w = llm.constant dense_resource<w> : tensor<2x3xf32>
  %e = llm.gather %w, %ids {axis = 0 : i64} : (tensor<2x3xf32>, tensor<?xi64>) -> tensor<?x3xf32>
  // expected-remark @below {{not folded: the constant has other users (folding would keep both copies)}}
  %t = llm.transpose %w {permutation = array<i64: 1, 0>} : tensor<2x3xf32> -> tensor<3x2xf32>
  return %e, %t : tensor<?x3xf32>, tensor<3x2xf32>
}
{-#
  dialect_resources: {
    builtin: {
      w: "0x040000000000803F0000004000004040000080400000A0400000C040"
    }
  }
#-}

// -----

// The [N, K] weight of a matmul, transposed: llm-fuse-epilogues makes the
// matmul linear(x, W) {transpose_weight}, reading W in place, so it is left.
// CHECK-LABEL: func.func @matmul_weight
// CHECK: llm.transpose
func.func @matmul_weight(%x: tensor<?x3xf32>) -> tensor<?x2xf32> {
  %w = llm.constant dense_resource<w> : tensor<2x3xf32>
  // expected-remark @below {{not folded: the transposed weight of a matmul (llm-fuse-epilogues reads it in place)}}
  %t = llm.transpose %w {permutation = array<i64: 1, 0>} : tensor<2x3xf32> -> tensor<3x2xf32>
  %y = llm.matmul %x, %t : (tensor<?x3xf32>, tensor<3x2xf32>) -> tensor<?x2xf32>
  return %y : tensor<?x2xf32>
}
{-#
  dialect_resources: {
    builtin: {
      w: "0x040000000000803F0000004000004040000080400000A0400000C040"
    }
  }
#-}

// -----

// A result over the limit (256 MiB by default; this one is 8193 x 8192 f32,
// 32 KiB over: the check is on the types, the data is never read); a
// dynamic result; data that is not loaded; a slice bound computed at run
// time (a static result type does not make it foldable).
// CHECK-LABEL: func.func @limits
// CHECK: llm.transpose
// CHECK: llm.reshape
// CHECK: llm.transpose
// CHECK: llm.slice
// CHECK: llm.slice
func.func @limits(%n: index) -> (tensor<8192x8193xf32>, tensor<?x2xf32>, tensor<3x2xf32>, tensor<?xf32>, tensor<2xf32>) {
  %big = llm.constant dense_resource<__elided__> : tensor<8193x8192xf32>
  // expected-remark @below {{not folded: the result is 268468224 bytes, over the limit of 268435456}}
  %t = llm.transpose %big {permutation = array<i64: 1, 0>} : tensor<8193x8192xf32> -> tensor<8192x8193xf32>
  %w = llm.constant dense<1.0> : tensor<6xf32>
  // expected-remark @below {{not folded: the result shape is dynamic}}
  %r = llm.reshape %w [%n, 2] : tensor<6xf32> -> tensor<?x2xf32>
  %e = llm.constant dense_resource<__elided__> : tensor<2x3xf32>
  // expected-remark @below {{not folded: the constant's data is not available}}
  %et = llm.transpose %e {permutation = array<i64: 1, 0>} : tensor<2x3xf32> -> tensor<3x2xf32>
  %v = llm.constant dense<1.0> : tensor<5xf32>
  // expected-remark @below {{not folded: the result shape is dynamic}}
  %s = llm.slice %v axes [0] starts [%n] ends [5] steps [1] : tensor<5xf32> -> tensor<?xf32>
  %v2 = llm.constant dense<2.0> : tensor<5xf32>
  // expected-remark @below {{not folded: a start or end is not a constant}}
  %s2 = llm.slice %v2 axes [0] starts [%n] ends [5] steps [1] : tensor<5xf32> -> tensor<2xf32>
  return %t, %r, %et, %s, %s2 : tensor<8192x8193xf32>, tensor<?x2xf32>, tensor<3x2xf32>, tensor<?xf32>, tensor<2xf32>
}
