// RUN: llm-opt %s -llm-convert-precision -split-input-file -verify-diagnostics | FileCheck %s --check-prefixes=CHECK,F16
// RUN: llm-opt %s -llm-convert-precision=dtype=bf16 -split-input-file -verify-diagnostics | FileCheck %s --check-prefixes=CHECK,BF16
// RUN: not llm-opt %s -llm-convert-precision=dtype=f8 -split-input-file 2>&1 | FileCheck %s --check-prefix=BAD

// f32 ops compute in f16 or bf16; the function keeps its f32 interface.
// Weight blobs keep their names; their bytes are printed at the end of each
// split as hex: a 4-byte alignment header (0x10000000, 16), then the
// little-endian elements, rounded to nearest even:
//
//   f32                        f32 bits    f16     bf16
//   1.0                        3F800000    3C00    3F80
//   1 + 2^-11 (f16 tie, even)  3F801000    3C00    3F80
//   1 + 3 * 2^-11 (f16 tie)    3F803000    3C02    3F80
//   1/3                        3EAAAAAB    3555    3EAB
//   1 + 2^-8 (bf16 tie, even)  3F808000    3C04    3F80
//   1 + 3 * 2^-8 (bf16 tie)    3F818000    3C0C    3F82
//   70000                      4788B800    7BFF*   4789
//   -1e5                       C7C35000    FBFF*   C7C3
//   3.4028235e38 (FLT_MAX)     7F7FFFFF    7BFF*   7F7F*
//
// (* saturated: f16's largest finite value is 65504 = 7BFF; FLT_MAX rounds
// past bf16's largest finite value, 7F7F.)
//
// BAD: error: llm-convert-precision: dtype must be f16 or bf16, got 'f8'

// A GPT-2 style block: layer_norm, a linear with bias, attention with a
// float mask, a linear with a GELU and a residual. Everything computes in
// the new type; the argument is cast down once and the result cast up. The
// mask's finfo(float32).min saturates (a remark: it only needs to be very
// negative), the weight values beyond the range saturate (a warning). The
// integer position arithmetic is untouched.
// CHECK-LABEL: func.func @block
// CHECK-SAME: (%[[X:.+]]: tensor<?x1x?x2xf32>, %[[IDS:.+]]: tensor<?x?xi64>) -> (tensor<?x1x?x2xf32>, tensor<?x?xi64>)
// F16-NEXT: %[[X16:.+]] = llm.cast %[[X]] : tensor<?x1x?x2xf32> to tensor<?x1x?x2xf16>
// F16-NEXT: %[[G:.+]] = llm.constant dense<1.000000e+00> : tensor<2xf16>
// F16-NEXT: %[[B:.+]] = llm.constant dense<[5.000000e-01, -2.000000e+00]> : tensor<2xf16>
// F16-NEXT: %[[N:.+]] = llm.layer_norm %[[X16]] scale %[[G]] : tensor<2xf16> bias %[[B]] : tensor<2xf16> {axis = 3 : i64, epsilon = 9.99999974E-6 : f32} : tensor<?x1x?x2xf16>
// F16-NEXT: %[[W:.+]] = llm.constant dense_resource<w> : tensor<2x2xf16>
// F16-NEXT: %[[WB:.+]] = llm.constant dense_resource<w.bias> : tensor<2xf16>
// F16-NEXT: %[[Q:.+]] = llm.linear %[[N]], %[[W]], %[[WB]] : (tensor<?x1x?x2xf16>, tensor<2x2xf16>, tensor<2xf16>) -> tensor<?x1x?x2xf16>
// F16-NEXT: %[[M:.+]] = llm.constant dense<-6.550400e+04> : tensor<f16>
// F16-NEXT: %[[A:.+]] = llm.attention %[[Q]], %[[Q]], %[[Q]] mask %[[M]] : tensor<f16> {scale = 5.000000e-01 : f32} : tensor<?x1x?x2xf16>, tensor<?x1x?x2xf16>, tensor<?x1x?x2xf16> -> tensor<?x1x?x2xf16>
// F16-NEXT: %[[W2:.+]] = llm.constant dense_resource<w2> : tensor<2x2xf16>
// F16-NEXT: %[[O:.+]] = llm.linear %[[A]], %[[W2]] residual %[[X16]] {activation = "gelu_tanh"} : (tensor<?x1x?x2xf16>, tensor<2x2xf16>, tensor<?x1x?x2xf16>) -> tensor<?x1x?x2xf16>
// F16-NEXT: %[[O32:.+]] = llm.cast %[[O]] : tensor<?x1x?x2xf16> to tensor<?x1x?x2xf32>
// BF16: llm.layer_norm {{.*}} : tensor<?x1x?x2xbf16>
// BF16: llm.constant dense<-3.389530e+38> : tensor<bf16>
// BF16: llm.linear {{.*}} -> tensor<?x1x?x2xbf16>
// BF16: %[[O32:.+]] = llm.cast %{{.+}} : tensor<?x1x?x2xbf16> to tensor<?x1x?x2xf32>
// CHECK-NEXT: %[[ONE:.+]] = llm.constant dense<1> : tensor<i64>
// CHECK-NEXT: %[[NEXT:.+]] = llm.add %[[IDS]], %[[ONE]] : (tensor<?x?xi64>, tensor<i64>) -> tensor<?x?xi64>
// CHECK-NEXT: %[[POS:.+]] = llm.cumsum %[[NEXT]] {axis = 1 : i64} : tensor<?x?xi64>
// CHECK-NEXT: return %[[O32]], %[[POS]] : tensor<?x1x?x2xf32>, tensor<?x?xi64>
// F16: w: "0x10000000003C003C023C5535",
// F16-NEXT: w.bias: "0x10000000043C0C3C",
// F16-NEXT: w2: "0x10000000FF7BFFFBFF7B003C"
// BF16: w: "0x10000000803F803F803FAB3E",
// BF16-NEXT: w.bias: "0x10000000803F823F",
// BF16-NEXT: w2: "0x100000008947C3C77F7F803F"
func.func @block(%x: tensor<?x1x?x2xf32>, %ids: tensor<?x?xi64>) -> (tensor<?x1x?x2xf32>, tensor<?x?xi64>) {
  %g = llm.constant dense<1.0> : tensor<2xf32>
  %b = llm.constant dense<[0.5, -2.0]> : tensor<2xf32>
  %n = llm.layer_norm %x scale %g : tensor<2xf32> bias %b : tensor<2xf32> {axis = 3 : i64, epsilon = 1.0e-05 : f32} : tensor<?x1x?x2xf32>
  %w = llm.constant dense_resource<w> : tensor<2x2xf32>
  %wb = llm.constant dense_resource<w.bias> : tensor<2xf32>
  %q = llm.linear %n, %w, %wb : (tensor<?x1x?x2xf32>, tensor<2x2xf32>, tensor<2xf32>) -> tensor<?x1x?x2xf32>
  // expected-remark @below {{1 value(s) beyond the range of}}
  %mask = llm.constant dense<-3.40282347E+38> : tensor<f32>
  %a = llm.attention %q, %q, %q mask %mask : tensor<f32> {scale = 0.5 : f32} : tensor<?x1x?x2xf32>, tensor<?x1x?x2xf32>, tensor<?x1x?x2xf32> -> tensor<?x1x?x2xf32>
  // expected-warning @below {{beyond the range of}}
  %w2 = llm.constant dense_resource<w2> : tensor<2x2xf32>
  %o = llm.linear %a, %w2 residual %x {activation = "gelu_tanh"} : (tensor<?x1x?x2xf32>, tensor<2x2xf32>, tensor<?x1x?x2xf32>) -> tensor<?x1x?x2xf32>
  %one = llm.constant dense<1> : tensor<i64>
  %next = llm.add %ids, %one : (tensor<?x?xi64>, tensor<i64>) -> tensor<?x?xi64>
  %pos = llm.cumsum %next {axis = 1 : i64} : tensor<?x?xi64>
  return %o, %pos : tensor<?x1x?x2xf32>, tensor<?x?xi64>
}
{-#
  dialect_resources: {
    builtin: {
      w: "0x040000000000803F0010803F0030803FABAAAA3E",
      w.bias: "0x040000000080803F0080813F",
      w2: "0x0400000000B888470050C3C7FFFF7F7F0000803F"
    }
  }
#-}

// -----

// The ops kept in f32, with casts around them: reduce_sum, cumsum, pow with
// an exponent outside [0, 1], and an exp that is divided by (its sum), with
// that division. They read the f32 argument directly. pow(x, 0.5) and an
// exp that is not divided compute in the new type.
// CHECK-LABEL: func.func @kept
// CHECK-SAME: (%[[X:.+]]: tensor<?x8xf32>)
// CHECK-NEXT: %[[XL:.+]] = llm.cast %[[X]] : tensor<?x8xf32> to tensor<?x8x[[T:f16|bf16]]>
// CHECK-NEXT: %[[S:.+]] = llm.reduce_sum %[[X]] {axes = array<i64: 1>} : tensor<?x8xf32> -> tensor<?x1xf32>
// CHECK-NEXT: %[[C:.+]] = llm.cumsum %[[X]] {axis = 1 : i64} : tensor<?x8xf32>
// CHECK-NEXT: %[[THREE:.+]] = llm.constant dense<3.000000e+00> : tensor<f32>
// CHECK-NEXT: %[[HALF:.+]] = llm.constant dense<5.000000e-01> : tensor<[[T]]>
// CHECK-NEXT: %[[CUBE:.+]] = llm.pow %[[X]], %[[THREE]] : (tensor<?x8xf32>, tensor<f32>) -> tensor<?x8xf32>
// CHECK-NEXT: %[[CUBEL:.+]] = llm.cast %[[CUBE]] : tensor<?x8xf32> to tensor<?x8x[[T]]>
// CHECK-NEXT: %[[ROOT:.+]] = llm.pow %[[XL]], %[[HALF]] : (tensor<?x8x[[T]]>, tensor<[[T]]>) -> tensor<?x8x[[T]]>
// CHECK-NEXT: %[[E:.+]] = llm.exp %[[X]] : tensor<?x8xf32>
// CHECK-NEXT: %[[Z:.+]] = llm.reduce_sum %[[E]] {axes = array<i64: 1>} : tensor<?x8xf32> -> tensor<?x1xf32>
// CHECK-NEXT: %[[P:.+]] = llm.div %[[E]], %[[Z]] : (tensor<?x8xf32>, tensor<?x1xf32>) -> tensor<?x8xf32>
// CHECK-NEXT: %[[E2:.+]] = llm.exp %[[XL]] : tensor<?x8x[[T]]>
// CHECK-NEXT: %[[TANH:.+]] = llm.tanh %[[E2]] : tensor<?x8x[[T]]>
// CHECK-NEXT: %[[TANH32:.+]] = llm.cast %[[TANH]] : tensor<?x8x[[T]]> to tensor<?x8xf32>
// CHECK-NEXT: %[[SUM:.+]] = llm.add %[[CUBEL]], %[[ROOT]] : (tensor<?x8x[[T]]>, tensor<?x8x[[T]]>) -> tensor<?x8x[[T]]>
// CHECK-NEXT: %[[SUM32:.+]] = llm.cast %[[SUM]] : tensor<?x8x[[T]]> to tensor<?x8xf32>
// CHECK-NEXT: return %[[S]], %[[C]], %[[SUM32]], %[[P]], %[[TANH32]]
func.func @kept(%x: tensor<?x8xf32>) -> (tensor<?x1xf32>, tensor<?x8xf32>, tensor<?x8xf32>, tensor<?x8xf32>, tensor<?x8xf32>) {
  %s = llm.reduce_sum %x {axes = array<i64: 1>} : tensor<?x8xf32> -> tensor<?x1xf32>
  %c = llm.cumsum %x {axis = 1 : i64} : tensor<?x8xf32>
  %three = llm.constant dense<3.0> : tensor<f32>
  %half = llm.constant dense<0.5> : tensor<f32>
  %cube = llm.pow %x, %three : (tensor<?x8xf32>, tensor<f32>) -> tensor<?x8xf32>
  %root = llm.pow %x, %half : (tensor<?x8xf32>, tensor<f32>) -> tensor<?x8xf32>
  %e = llm.exp %x : tensor<?x8xf32>
  %z = llm.reduce_sum %e {axes = array<i64: 1>} : tensor<?x8xf32> -> tensor<?x1xf32>
  %p = llm.div %e, %z : (tensor<?x8xf32>, tensor<?x1xf32>) -> tensor<?x8xf32>
  %e2 = llm.exp %x : tensor<?x8xf32>
  %t = llm.tanh %e2 : tensor<?x8xf32>
  %sum = llm.add %cube, %root : (tensor<?x8xf32>, tensor<?x8xf32>) -> tensor<?x8xf32>
  return %s, %c, %sum, %p, %t : tensor<?x1xf32>, tensor<?x8xf32>, tensor<?x8xf32>, tensor<?x8xf32>, tensor<?x8xf32>
}

// -----

// A rotary table (positions times frequencies, then cos and sin) stays f32
// from the integer positions on: sin and cos are kept, and so are the
// matmul, reshape, cast and constant, computed from integers and constants
// alone, that feed only them. The tables are cast down where they meet the
// activations.
// CHECK-LABEL: func.func @rotary
// CHECK-SAME: (%[[Q:.+]]: tensor<?x2x?x4xf32>, %[[POS:.+]]: tensor<?xi64>)
// CHECK-NEXT: %[[QL:.+]] = llm.cast %[[Q]] : tensor<?x2x?x4xf32> to tensor<?x2x?x4x[[T:f16|bf16]]>
// CHECK-NEXT: %[[INV:.+]] = llm.constant dense<{{\[\[}}1.000000e+00, 0.00999999977]]> : tensor<1x2xf32>
// CHECK-NEXT: %[[P:.+]] = llm.cast %[[POS]] : tensor<?xi64> to tensor<?xf32>
// CHECK-NEXT: %[[N:.+]] = llm.dim %[[POS]], 0
// CHECK-NEXT: %[[P2:.+]] = llm.reshape %[[P]] [%[[N]], 1] : tensor<?xf32> -> tensor<?x1xf32>
// CHECK-NEXT: %[[F:.+]] = llm.matmul %[[P2]], %[[INV]] : (tensor<?x1xf32>, tensor<1x2xf32>) -> tensor<?x2xf32>
// CHECK-NEXT: %[[COS:.+]] = llm.cos %[[F]] : tensor<?x2xf32>
// CHECK-NEXT: %[[COSL:.+]] = llm.cast %[[COS]] : tensor<?x2xf32> to tensor<?x2x[[T]]>
// CHECK-NEXT: %[[SIN:.+]] = llm.sin %[[F]] : tensor<?x2xf32>
// CHECK-NEXT: %[[SINL:.+]] = llm.cast %[[SIN]] : tensor<?x2xf32> to tensor<?x2x[[T]]>
// CHECK-NEXT: %[[R:.+]] = llm.rotary_embedding %[[QL]], %[[COSL]], %[[SINL]] : tensor<?x2x?x4x[[T]]>, tensor<?x2x[[T]]>, tensor<?x2x[[T]]>
// CHECK-NEXT: %[[R32:.+]] = llm.cast %[[R]] : tensor<?x2x?x4x[[T]]> to tensor<?x2x?x4xf32>
// CHECK-NEXT: return %[[R32]]
func.func @rotary(%q: tensor<?x2x?x4xf32>, %pos: tensor<?xi64>) -> tensor<?x2x?x4xf32> {
  %inv = llm.constant dense<[[1.0, 0.01]]> : tensor<1x2xf32>
  %p = llm.cast %pos : tensor<?xi64> to tensor<?xf32>
  %n = llm.dim %pos, 0 : tensor<?xi64>
  %p2 = llm.reshape %p [%n, 1] : tensor<?xf32> -> tensor<?x1xf32>
  %f = llm.matmul %p2, %inv : (tensor<?x1xf32>, tensor<1x2xf32>) -> tensor<?x2xf32>
  %cos = llm.cos %f : tensor<?x2xf32>
  %sin = llm.sin %f : tensor<?x2xf32>
  %r = llm.rotary_embedding %q, %cos, %sin : tensor<?x2x?x4xf32>, tensor<?x2xf32>, tensor<?x2xf32>
  return %r : tensor<?x2x?x4xf32>
}

// -----

// A lookup in a weight table is data, not a table: the gather is converted
// (the weight is one blob, in the new type) and the cos, kept in f32, reads
// it through a cast. A fill value is converted with its tensor.
// CHECK-LABEL: func.func @not_a_table
// CHECK: %[[E:.+]] = llm.gather %{{.+}}, %{{.+}} {axis = 0 : i64} : (tensor<4x2x[[T:f16|bf16]]>, tensor<?xi64>) -> tensor<?x2x[[T]]>
// CHECK-NEXT: %[[E32:.+]] = llm.cast %[[E]] : tensor<?x2x[[T]]> to tensor<?x2xf32>
// CHECK-NEXT: llm.cos %[[E32]] : tensor<?x2xf32>
// CHECK: llm.full 1.500000e+00 : [[T]] [%{{.+}}, 2] : tensor<?x2x[[T]]>
func.func @not_a_table(%ids: tensor<?xi64>) -> (tensor<?x2xf32>, tensor<?x2xf32>) {
  %table = llm.constant dense<[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0], [7.0, 8.0]]> : tensor<4x2xf32>
  %e = llm.gather %table, %ids {axis = 0 : i64} : (tensor<4x2xf32>, tensor<?xi64>) -> tensor<?x2xf32>
  %cos = llm.cos %e : tensor<?x2xf32>
  %n = llm.dim %ids, 0 : tensor<?xi64>
  %full = llm.full 1.5 : f32 [%n, 2] : tensor<?x2xf32>
  %y = llm.add %e, %full : (tensor<?x2xf32>, tensor<?x2xf32>) -> tensor<?x2xf32>
  return %cos, %y : tensor<?x2xf32>, tensor<?x2xf32>
}

// -----

// A blob read both by an op kept in f32 and by a converted one: the kept
// constant keeps the blob; the converted copy is a new entry, named after it
// with the type, made once for all the converted constants of the blob,
// and recorded as a cast of the original (llm.weight_recipes) for the
// runtime to rebuild from a checkpoint.
// A blob whose data is not loaded (elided) stays f32 and is cast at run
// time, with a remark.
// F16: module attributes {llm.weight_recipes = {t.f16 = {dtype = f16, from = ["t"], op = "cast"}}}
// BF16: module attributes {llm.weight_recipes = {t.bf16 = {dtype = bf16, from = ["t"], op = "cast"}}}
// CHECK-LABEL: func.func @shared_blob
// CHECK: llm.constant dense_resource<t> : tensor<2xf32>
// F16: llm.constant dense_resource<t.f16> : tensor<2xf16>
// BF16: llm.constant dense_resource<t.bf16> : tensor<2xbf16>
// F16: llm.constant dense_resource<t.f16> : tensor<1x2xf16>
// BF16: llm.constant dense_resource<t.bf16> : tensor<1x2xbf16>
// CHECK: %[[ELIDED:.+]] = llm.constant dense_resource<__elided__> : tensor<2xf32>
// CHECK-NEXT: llm.cast %[[ELIDED]] : tensor<2xf32> to tensor<2x{{f16|bf16}}>
// CHECK: t: "0x040000000000803F00000040"
// F16-NEXT: t.f16: "0x10000000003C0040"
// BF16-NEXT: t.bf16: "0x10000000803F0040"
// CHECK-NEXT: }
func.func @shared_blob(%x: tensor<?x2xf32>) -> (tensor<?x2xf32>, tensor<?x2xf32>, tensor<?x2xf32>, tensor<?x2xf32>) {
  %t1 = llm.constant dense_resource<t> : tensor<2xf32>
  %c = llm.cumsum %t1 {axis = 0 : i64} : tensor<2xf32>
  %a = llm.add %x, %c : (tensor<?x2xf32>, tensor<2xf32>) -> tensor<?x2xf32>
  %t2 = llm.constant dense_resource<t> : tensor<2xf32>
  %m = llm.mul %x, %t2 : (tensor<?x2xf32>, tensor<2xf32>) -> tensor<?x2xf32>
  %t4 = llm.constant dense_resource<t> : tensor<1x2xf32>
  %d = llm.div %x, %t4 : (tensor<?x2xf32>, tensor<1x2xf32>) -> tensor<?x2xf32>
  // expected-remark @below {{weight data of '__elided__' is not loaded: kept f32 and cast to}}
  %t3 = llm.constant dense_resource<__elided__> : tensor<2xf32>
  %s = llm.sub %x, %t3 : (tensor<?x2xf32>, tensor<2xf32>) -> tensor<?x2xf32>
  return %a, %m, %s, %d : tensor<?x2xf32>, tensor<?x2xf32>, tensor<?x2xf32>, tensor<?x2xf32>
}
{-#
  dialect_resources: {
    builtin: {
      t: "0x040000000000803F00000040"
    }
  }
#-}

// -----

// After llm-fuse-elementwise: the region's arguments take the new types, and
// a kept op inside it gets its casts inside the region.
// CHECK-LABEL: func.func @fused
// CHECK: llm.fused(%{{.+}}, %{{.+}}) : (tensor<?x8x[[T:f16|bf16]]>, tensor<[[T]]>) -> tensor<?x8x[[T]]> {
// CHECK-NEXT: ^bb0(%[[A:.+]]: tensor<?x8x[[T]]>, %[[E:.+]]: tensor<[[T]]>):
// CHECK-NEXT: %[[A32:.+]] = llm.cast %[[A]] : tensor<?x8x[[T]]> to tensor<?x8xf32>
// CHECK-NEXT: %[[E32:.+]] = llm.cast %[[E]] : tensor<[[T]]> to tensor<f32>
// CHECK-NEXT: %[[C:.+]] = llm.pow %[[A32]], %[[E32]] : (tensor<?x8xf32>, tensor<f32>) -> tensor<?x8xf32>
// CHECK-NEXT: %[[CL:.+]] = llm.cast %[[C]] : tensor<?x8xf32> to tensor<?x8x[[T]]>
// CHECK-NEXT: %[[TH:.+]] = llm.tanh %[[CL]] : tensor<?x8x[[T]]>
// CHECK-NEXT: llm.yield %[[TH]] : tensor<?x8x[[T]]>
func.func @fused(%x: tensor<?x8xf32>) -> tensor<?x8xf32> {
  %three = llm.constant dense<3.0> : tensor<f32>
  %y = llm.fused (%x, %three) : (tensor<?x8xf32>, tensor<f32>) -> tensor<?x8xf32> {
  ^bb0(%a: tensor<?x8xf32>, %e: tensor<f32>):
    %c = llm.pow %a, %e : (tensor<?x8xf32>, tensor<f32>) -> tensor<?x8xf32>
    %t = llm.tanh %c : tensor<?x8xf32>
    llm.yield %t : tensor<?x8xf32>
  }
  return %y : tensor<?x8xf32>
}
