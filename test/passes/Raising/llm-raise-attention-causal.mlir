// RUN: llm-opt %s -llm-raise-composites=report-misses -split-input-file -verify-diagnostics | FileCheck %s

// Causal masks spelled out become llm.attention's `causal` attribute, the
// rest of the mask (padding) staying the mask operand. A mask is a
// conjunction (boolean, `and`) or a sum (float, `add`) of terms, seen
// through expands; the causal term keeps keys j <= i for query i, written as
// a comparison of positions (ranges along the query and key dims), a trilu
// of ones, a constant triangle, a where of one of those against a large
// negative constant, or a slice of a larger table. Its rows must be the
// query positions and its columns the key positions (not a broadcast row).
// A triangle that is not causal (another diagonal, the upper one, a window)
// stays in the mask with a remark at the attention.

// HF's SDPA mask: le(key_pos, query_pos) and'ed with a padding mask: the
// comparison is causal = "upper_left", the padding stays.
// CHECK-LABEL: func.func @compare_and_padding
// CHECK-SAME: (%[[Q:.+]]: tensor<?x4x?x16xf32>, %[[K:.+]]: tensor<?x4x?x16xf32>, %[[V:.+]]: tensor<?x4x?x16xf32>, %[[PAD:.+]]: tensor<?x1x1x?xi1>)
// CHECK: %[[O:.+]] = llm.attention %[[Q]], %[[K]], %[[V]] mask %[[PAD]] : tensor<?x1x1x?xi1> {causal = "upper_left", scale = 2.500000e-01 : f32}
// CHECK-NEXT: return %[[O]]
func.func @compare_and_padding(%q: tensor<?x4x?x16xf32>, %k: tensor<?x4x?x16xf32>, %v: tensor<?x4x?x16xf32>, %pad: tensor<?x1x1x?xi1>) -> tensor<?x4x?x16xf32> {
  %zero = llm.constant dense<0> : tensor<i64>
  %one = llm.constant dense<1> : tensor<i64>
  %true = llm.constant dense<true> : tensor<i1>
  %qs = llm.dim %q, 2 : tensor<?x4x?x16xf32>
  %ks = llm.dim %k, 2 : tensor<?x4x?x16xf32>
  %qn = llm.from_dims [%qs] : tensor<i64>
  %kn = llm.from_dims [%ks] : tensor<i64>
  %qr = llm.range %zero, %qn, %one : tensor<i64> -> tensor<?xi64>
  %kr = llm.range %zero, %kn, %one : tensor<i64> -> tensor<?xi64>
  %rows = llm.unsqueeze %qr {axes = array<i64: 0, 1, 3>} : tensor<?xi64> -> tensor<1x1x?x1xi64>
  %cols = llm.unsqueeze %kr {axes = array<i64: 0, 1, 2>} : tensor<?xi64> -> tensor<1x1x1x?xi64>
  %le = llm.le %cols, %rows : (tensor<1x1x1x?xi64>, tensor<1x1x?x1xi64>) -> tensor<1x1x?x?xi1>
  %c = llm.and %true, %le : (tensor<i1>, tensor<1x1x?x?xi1>) -> tensor<1x1x?x?xi1>
  %m = llm.and %c, %pad : (tensor<1x1x?x?xi1>, tensor<?x1x1x?xi1>) -> tensor<?x1x?x?xi1>
  %o = llm.attention %q, %k, %v mask %m : tensor<?x1x?x?xi1> {scale = 0.25 : f32} : tensor<?x4x?x16xf32>, tensor<?x4x?x16xf32>, tensor<?x4x?x16xf32> -> tensor<?x4x?x16xf32>
  return %o : tensor<?x4x?x16xf32>
}

// -----

// ge(query_pos, key_pos) (the other operand order), the padding first in the
// and, and an expand of the whole mask: the expand goes with the causal term.
// CHECK-LABEL: func.func @compare_ge_expanded
// CHECK-SAME: (%[[Q:.+]]: tensor<?x4x?x16xf32>, %[[K:.+]]: tensor<?x4x?x16xf32>, %[[V:.+]]: tensor<?x4x?x16xf32>, %[[PAD:.+]]: tensor<?x1x1x?xi1>)
// CHECK: %[[O:.+]] = llm.attention %[[Q]], %[[K]], %[[V]] mask %[[PAD]] : tensor<?x1x1x?xi1> {causal = "upper_left", scale = 2.500000e-01 : f32}
// CHECK-NEXT: return %[[O]]
func.func @compare_ge_expanded(%q: tensor<?x4x?x16xf32>, %k: tensor<?x4x?x16xf32>, %v: tensor<?x4x?x16xf32>, %pad: tensor<?x1x1x?xi1>) -> tensor<?x4x?x16xf32> {
  %zero = llm.constant dense<0> : tensor<i64>
  %one = llm.constant dense<1> : tensor<i64>
  %b = llm.dim %q, 0 : tensor<?x4x?x16xf32>
  %qs = llm.dim %q, 2 : tensor<?x4x?x16xf32>
  %ks = llm.dim %k, 2 : tensor<?x4x?x16xf32>
  %qn = llm.from_dims [%qs] : tensor<i64>
  %kn = llm.from_dims [%ks] : tensor<i64>
  %qr = llm.range %zero, %qn, %one : tensor<i64> -> tensor<?xi64>
  %kr = llm.range %zero, %kn, %one : tensor<i64> -> tensor<?xi64>
  %rows = llm.unsqueeze %qr {axes = array<i64: 1>} : tensor<?xi64> -> tensor<?x1xi64>
  %cols = llm.unsqueeze %kr {axes = array<i64: 0>} : tensor<?xi64> -> tensor<1x?xi64>
  %ge = llm.ge %rows, %cols : (tensor<?x1xi64>, tensor<1x?xi64>) -> tensor<?x?xi1>
  %m = llm.and %pad, %ge : (tensor<?x1x1x?xi1>, tensor<?x?xi1>) -> tensor<?x1x?x?xi1>
  %e = llm.expand %m [%b, 1, %qs, %ks] : tensor<?x1x?x?xi1> -> tensor<?x1x?x?xi1>
  %o = llm.attention %q, %k, %v mask %e : tensor<?x1x?x?xi1> {scale = 0.25 : f32} : tensor<?x4x?x16xf32>, tensor<?x4x?x16xf32>, tensor<?x4x?x16xf32> -> tensor<?x4x?x16xf32>
  return %o : tensor<?x4x?x16xf32>
}

// -----

// A float mask: where(key_pos > query_pos, -inf, 0) (the masked positions
// selected) plus a float padding mask; the positions are cast to f32 first
// and the rows are arange + 1 compared with lt (j < i + 1 is j <= i).
// CHECK-LABEL: func.func @float_where_plus_padding
// CHECK-SAME: (%[[Q:.+]]: tensor<?x4x?x16xf32>, %[[K:.+]]: tensor<?x4x?x16xf32>, %[[V:.+]]: tensor<?x4x?x16xf32>, %[[PAD:.+]]: tensor<?x1x1x?xf32>)
// CHECK: %[[O:.+]] = llm.attention %[[Q]], %[[K]], %[[V]] mask %[[PAD]] : tensor<?x1x1x?xf32> {causal = "upper_left", scale = 2.500000e-01 : f32}
// CHECK-NEXT: return %[[O]]
func.func @float_where_plus_padding(%q: tensor<?x4x?x16xf32>, %k: tensor<?x4x?x16xf32>, %v: tensor<?x4x?x16xf32>, %pad: tensor<?x1x1x?xf32>) -> tensor<?x4x?x16xf32> {
  %zero = llm.constant dense<0> : tensor<i64>
  %one = llm.constant dense<1> : tensor<i64>
  %onef = llm.constant dense<1.0> : tensor<f32>
  %zf = llm.constant dense<0.0> : tensor<f32>
  %ninf = llm.constant dense<0xFF800000> : tensor<f32>
  %qs = llm.dim %q, 2 : tensor<?x4x?x16xf32>
  %ks = llm.dim %k, 2 : tensor<?x4x?x16xf32>
  %qn = llm.from_dims [%qs] : tensor<i64>
  %kn = llm.from_dims [%ks] : tensor<i64>
  %qr = llm.range %zero, %qn, %one : tensor<i64> -> tensor<?xi64>
  %kr = llm.range %zero, %kn, %one : tensor<i64> -> tensor<?xi64>
  %qf = llm.cast %qr : tensor<?xi64> to tensor<?xf32>
  %kf = llm.cast %kr : tensor<?xi64> to tensor<?xf32>
  %rows = llm.unsqueeze %qf {axes = array<i64: 1>} : tensor<?xf32> -> tensor<?x1xf32>
  %rows1 = llm.add %rows, %onef : (tensor<?x1xf32>, tensor<f32>) -> tensor<?x1xf32>
  %cols = llm.unsqueeze %kf {axes = array<i64: 0>} : tensor<?xf32> -> tensor<1x?xf32>
  %keep = llm.lt %cols, %rows1 : (tensor<1x?xf32>, tensor<?x1xf32>) -> tensor<?x?xi1>
  %masked = llm.not %keep : tensor<?x?xi1>
  %c = llm.where %masked, %ninf, %zf : (tensor<?x?xi1>, tensor<f32>, tensor<f32>) -> tensor<?x?xf32>
  %m = llm.add %c, %pad : (tensor<?x?xf32>, tensor<?x1x1x?xf32>) -> tensor<?x1x?x?xf32>
  %o = llm.attention %q, %k, %v mask %m : tensor<?x1x?x?xf32> {scale = 0.25 : f32} : tensor<?x4x?x16xf32>, tensor<?x4x?x16xf32>, tensor<?x4x?x16xf32> -> tensor<?x4x?x16xf32>
  return %o : tensor<?x4x?x16xf32>
}

// -----

// A float causal mask combined with min (masked_fill style) with a padding
// mask of 0 / -big: min(causal, pad) is causal + pad since pad <= 0. Both
// are finfo.min, so a row whose visible keys are all padding has finfo.min
// at every key and averages v over all of them: the padding becomes the
// boolean mask with masked_rows = "uniform", which gives that row the same.
// CHECK-LABEL: func.func @float_min_padding
// CHECK-SAME: (%[[Q:.+]]: tensor<2x4x8x16xf32>, %[[K:.+]]: tensor<2x4x8x16xf32>, %[[V:.+]]: tensor<2x4x8x16xf32>, %[[KEEP:.+]]: tensor<2x1x1x8xi1>)
// CHECK: %[[O:.+]] = llm.attention %[[Q]], %[[K]], %[[V]] mask %[[KEEP]] : tensor<2x1x1x8xi1> {causal = "upper_left", masked_rows = "uniform", scale = 2.500000e-01 : f32}
// CHECK-NEXT: return %[[O]]
func.func @float_min_padding(%q: tensor<2x4x8x16xf32>, %k: tensor<2x4x8x16xf32>, %v: tensor<2x4x8x16xf32>, %keep: tensor<2x1x1x8xi1>) -> tensor<2x4x8x16xf32> {
  %zero = llm.constant dense<0.0> : tensor<f32>
  %min = llm.constant dense<-3.40282347E+38> : tensor<f32>
  %full = llm.full -3.40282347E+38 : f32 [8, 8] : tensor<8x8xf32>
  %c = llm.trilu %full {upper = true, k = 1 : i64} : tensor<8x8xf32>
  %pad = llm.where %keep, %zero, %min : (tensor<2x1x1x8xi1>, tensor<f32>, tensor<f32>) -> tensor<2x1x1x8xf32>
  %m = llm.min %c, %pad : (tensor<8x8xf32>, tensor<2x1x1x8xf32>) -> tensor<2x1x8x8xf32>
  %o = llm.attention %q, %k, %v mask %m : tensor<2x1x8x8xf32> {scale = 0.25 : f32} : tensor<2x4x8x16xf32>, tensor<2x4x8x16xf32>, tensor<2x4x8x16xf32> -> tensor<2x4x8x16xf32>
  return %o : tensor<2x4x8x16xf32>
}

// -----

// HF's masked_fill spelling: causal.masked_fill(padding, min), the padding
// selecting the positions to mask. The fill and the triangle are the same
// finfo.min, so a row whose visible keys are all padding has finfo.min at
// every key (the source averages v over all keys): the mask becomes the
// boolean not(padding) with masked_rows = "uniform".
// CHECK-LABEL: func.func @float_masked_fill
// CHECK-SAME: (%[[Q:.+]]: tensor<2x4x8x16xf32>, %[[K:.+]]: tensor<2x4x8x16xf32>, %[[V:.+]]: tensor<2x4x8x16xf32>, %[[PAD:.+]]: tensor<2x1x1x8xi1>)
// CHECK: %[[KEEP:.+]] = llm.not %[[PAD]] : tensor<2x1x1x8xi1>
// CHECK-NEXT: %[[O:.+]] = llm.attention %[[Q]], %[[K]], %[[V]] mask %[[KEEP]] : tensor<2x1x1x8xi1> {causal = "upper_left", masked_rows = "uniform", scale = 2.500000e-01 : f32}
// CHECK-NEXT: return %[[O]]
func.func @float_masked_fill(%q: tensor<2x4x8x16xf32>, %k: tensor<2x4x8x16xf32>, %v: tensor<2x4x8x16xf32>, %pad: tensor<2x1x1x8xi1>) -> tensor<2x4x8x16xf32> {
  %min = llm.constant dense<-3.40282347E+38> : tensor<f32>
  %full = llm.full -3.40282347E+38 : f32 [8, 8] : tensor<8x8xf32>
  %c = llm.trilu %full {upper = true, k = 1 : i64} : tensor<8x8xf32>
  %m = llm.where %pad, %min, %c : (tensor<2x1x1x8xi1>, tensor<f32>, tensor<8x8xf32>) -> tensor<2x1x8x8xf32>
  %o = llm.attention %q, %k, %v mask %m : tensor<2x1x8x8xf32> {scale = 0.25 : f32} : tensor<2x4x8x16xf32>, tensor<2x4x8x16xf32>, tensor<2x4x8x16xf32> -> tensor<2x4x8x16xf32>
  return %o : tensor<2x4x8x16xf32>
}

// -----

// Near miss: min with a float mask that may be positive (a bias), where
// min(causal, bias) is not causal + bias.
// CHECK-LABEL: func.func @float_min_bias
// CHECK: llm.min
// CHECK: llm.attention %{{.+}} mask
func.func @float_min_bias(%q: tensor<2x4x8x16xf32>, %k: tensor<2x4x8x16xf32>, %v: tensor<2x4x8x16xf32>, %bias: tensor<2x1x8x8xf32>) -> tensor<2x4x8x16xf32> {
  %full = llm.full -3.40282347E+38 : f32 [8, 8] : tensor<8x8xf32>
  %c = llm.trilu %full {upper = true, k = 1 : i64} : tensor<8x8xf32>
  %m = llm.min %c, %bias : (tensor<8x8xf32>, tensor<2x1x8x8xf32>) -> tensor<2x1x8x8xf32>
  // expected-remark@+1 {{not folded into llm.attention's causal: the causal term is combined with min with a term that may be positive (min(causal, pad) is causal + pad only for pad <= 0)}}
  %o = llm.attention %q, %k, %v mask %m : tensor<2x1x8x8xf32> {scale = 0.25 : f32} : tensor<2x4x8x16xf32>, tensor<2x4x8x16xf32>, tensor<2x4x8x16xf32> -> tensor<2x4x8x16xf32>
  return %o : tensor<2x4x8x16xf32>
}

// -----

// trilu(ones) of the sequence's shape, cast to bool, and nothing else: the
// mask goes away.
// CHECK-LABEL: func.func @trilu_of_ones
// CHECK-SAME: (%[[Q:.+]]: tensor<?x4x?x16xf32>, %[[K:.+]]: tensor<?x4x?x16xf32>, %[[V:.+]]: tensor<?x4x?x16xf32>)
// CHECK: %[[O:.+]] = llm.attention %[[Q]], %[[K]], %[[V]] {causal = "upper_left", scale = 2.500000e-01 : f32} : tensor<?x4x?x16xf32>, tensor<?x4x?x16xf32>, tensor<?x4x?x16xf32> -> tensor<?x4x?x16xf32>
// CHECK-NEXT: return %[[O]]
func.func @trilu_of_ones(%q: tensor<?x4x?x16xf32>, %k: tensor<?x4x?x16xf32>, %v: tensor<?x4x?x16xf32>) -> tensor<?x4x?x16xf32> {
  %qs = llm.dim %q, 2 : tensor<?x4x?x16xf32>
  %ks = llm.dim %k, 2 : tensor<?x4x?x16xf32>
  %ones = llm.full 1.0 : f32 [%qs, %ks] : tensor<?x?xf32>
  %t = llm.trilu %ones {upper = false, k = 0 : i64} : tensor<?x?xf32>
  %m = llm.cast %t : tensor<?x?xf32> to tensor<?x?xi1>
  %o = llm.attention %q, %k, %v mask %m : tensor<?x?xi1> {scale = 0.25 : f32} : tensor<?x4x?x16xf32>, tensor<?x4x?x16xf32>, tensor<?x4x?x16xf32> -> tensor<?x4x?x16xf32>
  return %o : tensor<?x4x?x16xf32>
}

// -----

// HF's older float mask: triu(full(min), diagonal=1) added to the scores.
// CHECK-LABEL: func.func @float_triu_of_min
// CHECK: llm.attention %{{.+}}, %{{.+}}, %{{.+}} {causal = "upper_left", scale = 2.500000e-01 : f32} : tensor<2x4x8x16xf32>
func.func @float_triu_of_min(%q: tensor<2x4x8x16xf32>, %k: tensor<2x4x8x16xf32>, %v: tensor<2x4x8x16xf32>) -> tensor<2x4x8x16xf32> {
  %min = llm.full -3.40282347E+38 : f32 [8, 8] : tensor<8x8xf32>
  %m = llm.trilu %min {upper = true, k = 1 : i64} : tensor<8x8xf32>
  %o = llm.attention %q, %k, %v mask %m : tensor<8x8xf32> {scale = 0.25 : f32} : tensor<2x4x8x16xf32>, tensor<2x4x8x16xf32>, tensor<2x4x8x16xf32> -> tensor<2x4x8x16xf32>
  return %o : tensor<2x4x8x16xf32>
}

// -----

// A constant boolean triangle of the scores' static shape.
// CHECK-LABEL: func.func @constant_triangle
// CHECK: llm.attention %{{.+}}, %{{.+}}, %{{.+}} {causal = "upper_left", scale = 2.500000e-01 : f32} : tensor<1x2x4x8xf32>
func.func @constant_triangle(%q: tensor<1x2x4x8xf32>, %k: tensor<1x2x4x8xf32>, %v: tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32> {
  %m = llm.constant dense<[[true, false, false, false], [true, true, false, false], [true, true, true, false], [true, true, true, true]]> : tensor<4x4xi1>
  %o = llm.attention %q, %k, %v mask %m : tensor<4x4xi1> {scale = 0.25 : f32} : tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32> -> tensor<1x2x4x8xf32>
  return %o : tensor<1x2x4x8xf32>
}

// -----

// GPT-2's bias buffer: a constant [1, 1, n, n] lower triangle sliced to
// bias[:, :, kv - q : kv, :kv]: query i sees keys j <= i + kv - q, the
// bottom-right alignment a KV cache needs.
// CHECK-LABEL: func.func @sliced_table_lower_right
// CHECK: llm.attention %{{.+}}, %{{.+}}, %{{.+}} {causal = "lower_right", scale = 2.500000e-01 : f32} : tensor<1x2x?x8xf32>, tensor<1x2x?x8xf32>
func.func @sliced_table_lower_right(%q: tensor<1x2x?x8xf32>, %k: tensor<1x2x?x8xf32>, %v: tensor<1x2x?x8xf32>) -> tensor<1x2x?x8xf32> {
  %bias = llm.constant dense<[[[[true, false, false, false], [true, true, false, false], [true, true, true, false], [true, true, true, true]]]]> : tensor<1x1x4x4xi1>
  %qs = llm.dim %q, 2 : tensor<1x2x?x8xf32>
  %ks = llm.dim %k, 2 : tensor<1x2x?x8xf32>
  %start = arith.subi %ks, %qs : index
  %m = llm.slice %bias axes [2, 3] starts [%start, 0] ends [%ks, %ks] steps [1, 1] : tensor<1x1x4x4xi1> -> tensor<1x1x?x?xi1>
  %o = llm.attention %q, %k, %v mask %m : tensor<1x1x?x?xi1> {scale = 0.25 : f32} : tensor<1x2x?x8xf32>, tensor<1x2x?x8xf32>, tensor<1x2x?x8xf32> -> tensor<1x2x?x8xf32>
  return %o : tensor<1x2x?x8xf32>
}

// -----

// The TorchScript exporter slices one dim per Slice node: the rows
// [kv - q, kv), then the columns [0, kv). The chain is one slice of the table.
// CHECK-LABEL: func.func @sliced_table_chain
// CHECK: llm.attention %{{.+}}, %{{.+}}, %{{.+}} {causal = "lower_right", scale = 2.500000e-01 : f32} : tensor<1x2x?x8xf32>, tensor<1x2x?x8xf32>
func.func @sliced_table_chain(%q: tensor<1x2x?x8xf32>, %k: tensor<1x2x?x8xf32>, %v: tensor<1x2x?x8xf32>) -> tensor<1x2x?x8xf32> {
  %bias = llm.constant dense<[[[[true, false, false, false], [true, true, false, false], [true, true, true, false], [true, true, true, true]]]]> : tensor<1x1x4x4xi1>
  %qs = llm.dim %q, 2 : tensor<1x2x?x8xf32>
  %ks = llm.dim %k, 2 : tensor<1x2x?x8xf32>
  %start = arith.subi %ks, %qs : index
  %rows = llm.slice %bias axes [2] starts [%start] ends [%ks] steps [1] : tensor<1x1x4x4xi1> -> tensor<1x1x?x4xi1>
  %m = llm.slice %rows axes [3] starts [0] ends [%ks] steps [1] : tensor<1x1x?x4xi1> -> tensor<1x1x?x?xi1>
  %o = llm.attention %q, %k, %v mask %m : tensor<1x1x?x?xi1> {scale = 0.25 : f32} : tensor<1x2x?x8xf32>, tensor<1x2x?x8xf32>, tensor<1x2x?x8xf32> -> tensor<1x2x?x8xf32>
  return %o : tensor<1x2x?x8xf32>
}

// -----

// The same table sliced to [:q, :kv]: upper-left.
// CHECK-LABEL: func.func @sliced_table_upper_left
// CHECK: llm.attention %{{.+}}, %{{.+}}, %{{.+}} {causal = "upper_left", scale = 2.500000e-01 : f32}
func.func @sliced_table_upper_left(%q: tensor<1x2x?x8xf32>, %k: tensor<1x2x?x8xf32>, %v: tensor<1x2x?x8xf32>) -> tensor<1x2x?x8xf32> {
  %bias = llm.constant dense<[[[[true, false, false, false], [true, true, false, false], [true, true, true, false], [true, true, true, true]]]]> : tensor<1x1x4x4xi1>
  %qs = llm.dim %q, 2 : tensor<1x2x?x8xf32>
  %ks = llm.dim %k, 2 : tensor<1x2x?x8xf32>
  %m = llm.slice %bias axes [2, 3] starts [0, 0] ends [%qs, %ks] steps [1, 1] : tensor<1x1x4x4xi1> -> tensor<1x1x?x?xi1>
  %o = llm.attention %q, %k, %v mask %m : tensor<1x1x?x?xi1> {scale = 0.25 : f32} : tensor<1x2x?x8xf32>, tensor<1x2x?x8xf32>, tensor<1x2x?x8xf32> -> tensor<1x2x?x8xf32>
  return %o : tensor<1x2x?x8xf32>
}

// -----

// Static sequences of 4 queries over 6 keys: keys j <= i + 2 is the
// bottom-right diagonal.
// CHECK-LABEL: func.func @static_lower_right
// CHECK: llm.attention %{{.+}}, %{{.+}}, %{{.+}} {causal = "lower_right", scale = 2.500000e-01 : f32}
func.func @static_lower_right(%q: tensor<1x2x4x8xf32>, %k: tensor<1x2x6x8xf32>, %v: tensor<1x2x6x8xf32>) -> tensor<1x2x4x8xf32> {
  %ones = llm.full true [4, 6] : tensor<4x6xi1>
  %m = llm.trilu %ones {upper = false, k = 2 : i64} : tensor<4x6xi1>
  %o = llm.attention %q, %k, %v mask %m : tensor<4x6xi1> {scale = 0.25 : f32} : tensor<1x2x4x8xf32>, tensor<1x2x6x8xf32>, tensor<1x2x6x8xf32> -> tensor<1x2x4x8xf32>
  return %o : tensor<1x2x4x8xf32>
}

// -----

// Near miss: lt(key_pos, query_pos) leaves out the diagonal (each query
// would not see itself).
// CHECK-LABEL: func.func @diagonal_excluded
// CHECK: llm.lt
// CHECK: llm.attention %{{.+}} mask
func.func @diagonal_excluded(%q: tensor<?x4x?x16xf32>, %k: tensor<?x4x?x16xf32>, %v: tensor<?x4x?x16xf32>) -> tensor<?x4x?x16xf32> {
  %zero = llm.constant dense<0> : tensor<i64>
  %one = llm.constant dense<1> : tensor<i64>
  %qs = llm.dim %q, 2 : tensor<?x4x?x16xf32>
  %ks = llm.dim %k, 2 : tensor<?x4x?x16xf32>
  %qn = llm.from_dims [%qs] : tensor<i64>
  %kn = llm.from_dims [%ks] : tensor<i64>
  %qr = llm.range %zero, %qn, %one : tensor<i64> -> tensor<?xi64>
  %kr = llm.range %zero, %kn, %one : tensor<i64> -> tensor<?xi64>
  %rows = llm.unsqueeze %qr {axes = array<i64: 1>} : tensor<?xi64> -> tensor<?x1xi64>
  %cols = llm.unsqueeze %kr {axes = array<i64: 0>} : tensor<?xi64> -> tensor<1x?xi64>
  %m = llm.lt %cols, %rows : (tensor<1x?xi64>, tensor<?x1xi64>) -> tensor<?x?xi1>
  // expected-remark@+1 {{not folded into llm.attention's causal: mask is not causal: a comparison of positions keeps keys j <= i - 1, expected keys j <= i}}
  %o = llm.attention %q, %k, %v mask %m : tensor<?x?xi1> {scale = 0.25 : f32} : tensor<?x4x?x16xf32>, tensor<?x4x?x16xf32>, tensor<?x4x?x16xf32> -> tensor<?x4x?x16xf32>
  return %o : tensor<?x4x?x16xf32>
}

// -----

// Near miss: le(query_pos, key_pos) keeps the upper triangle.
// CHECK-LABEL: func.func @upper_triangle
// CHECK: llm.attention %{{.+}} mask
func.func @upper_triangle(%q: tensor<?x4x?x16xf32>, %k: tensor<?x4x?x16xf32>, %v: tensor<?x4x?x16xf32>) -> tensor<?x4x?x16xf32> {
  %zero = llm.constant dense<0> : tensor<i64>
  %one = llm.constant dense<1> : tensor<i64>
  %qs = llm.dim %q, 2 : tensor<?x4x?x16xf32>
  %ks = llm.dim %k, 2 : tensor<?x4x?x16xf32>
  %qn = llm.from_dims [%qs] : tensor<i64>
  %kn = llm.from_dims [%ks] : tensor<i64>
  %qr = llm.range %zero, %qn, %one : tensor<i64> -> tensor<?xi64>
  %kr = llm.range %zero, %kn, %one : tensor<i64> -> tensor<?xi64>
  %rows = llm.unsqueeze %qr {axes = array<i64: 1>} : tensor<?xi64> -> tensor<?x1xi64>
  %cols = llm.unsqueeze %kr {axes = array<i64: 0>} : tensor<?xi64> -> tensor<1x?xi64>
  %m = llm.le %rows, %cols : (tensor<?x1xi64>, tensor<1x?xi64>) -> tensor<?x?xi1>
  // expected-remark@+1 {{not folded into llm.attention's causal: mask is not causal: a comparison of positions keeps keys j >= i, expected keys j <= i}}
  %o = llm.attention %q, %k, %v mask %m : tensor<?x?xi1> {scale = 0.25 : f32} : tensor<?x4x?x16xf32>, tensor<?x4x?x16xf32>, tensor<?x4x?x16xf32> -> tensor<?x4x?x16xf32>
  return %o : tensor<?x4x?x16xf32>
}

// -----

// Near miss: a sliding window, causal and'ed with keys j > i - 4.
// CHECK-LABEL: func.func @window
// CHECK: llm.attention %{{.+}} mask
func.func @window(%q: tensor<?x4x?x16xf32>, %k: tensor<?x4x?x16xf32>, %v: tensor<?x4x?x16xf32>) -> tensor<?x4x?x16xf32> {
  %zero = llm.constant dense<0> : tensor<i64>
  %one = llm.constant dense<1> : tensor<i64>
  %four = llm.constant dense<4> : tensor<i64>
  %qs = llm.dim %q, 2 : tensor<?x4x?x16xf32>
  %ks = llm.dim %k, 2 : tensor<?x4x?x16xf32>
  %qn = llm.from_dims [%qs] : tensor<i64>
  %kn = llm.from_dims [%ks] : tensor<i64>
  %qr = llm.range %zero, %qn, %one : tensor<i64> -> tensor<?xi64>
  %kr = llm.range %zero, %kn, %one : tensor<i64> -> tensor<?xi64>
  %rows = llm.unsqueeze %qr {axes = array<i64: 1>} : tensor<?xi64> -> tensor<?x1xi64>
  %cols = llm.unsqueeze %kr {axes = array<i64: 0>} : tensor<?xi64> -> tensor<1x?xi64>
  %causal = llm.le %cols, %rows : (tensor<1x?xi64>, tensor<?x1xi64>) -> tensor<?x?xi1>
  %back = llm.sub %rows, %four : (tensor<?x1xi64>, tensor<i64>) -> tensor<?x1xi64>
  %recent = llm.gt %cols, %back : (tensor<1x?xi64>, tensor<?x1xi64>) -> tensor<?x?xi1>
  %m = llm.and %causal, %recent : (tensor<?x?xi1>, tensor<?x?xi1>) -> tensor<?x?xi1>
  // expected-remark@+1 {{not folded into llm.attention's causal: mask is not causal: it also keeps only keys j >= i - 3 (a window)}}
  %o = llm.attention %q, %k, %v mask %m : tensor<?x?xi1> {scale = 0.25 : f32} : tensor<?x4x?x16xf32>, tensor<?x4x?x16xf32>, tensor<?x4x?x16xf32> -> tensor<?x4x?x16xf32>
  return %o : tensor<?x4x?x16xf32>
}

// -----

// Near miss: trilu with k = 1 also keeps the key after each query.
// CHECK-LABEL: func.func @trilu_offset
// CHECK: llm.trilu
func.func @trilu_offset(%q: tensor<2x4x8x16xf32>, %k: tensor<2x4x8x16xf32>, %v: tensor<2x4x8x16xf32>) -> tensor<2x4x8x16xf32> {
  %ones = llm.full true [8, 8] : tensor<8x8xi1>
  %m = llm.trilu %ones {upper = false, k = 1 : i64} : tensor<8x8xi1>
  // expected-remark@+1 {{not folded into llm.attention's causal: mask is not causal: a trilu keeps keys j <= i + 1, expected keys j <= i}}
  %o = llm.attention %q, %k, %v mask %m : tensor<8x8xi1> {scale = 0.25 : f32} : tensor<2x4x8x16xf32>, tensor<2x4x8x16xf32>, tensor<2x4x8x16xf32> -> tensor<2x4x8x16xf32>
  return %o : tensor<2x4x8x16xf32>
}

// -----

// Near miss: an upper constant triangle.
// CHECK-LABEL: func.func @constant_upper
// CHECK: llm.attention %{{.+}} mask
func.func @constant_upper(%q: tensor<1x2x3x8xf32>, %k: tensor<1x2x3x8xf32>, %v: tensor<1x2x3x8xf32>) -> tensor<1x2x3x8xf32> {
  %m = llm.constant dense<[[true, true, true], [false, true, true], [false, false, true]]> : tensor<3x3xi1>
  // expected-remark@+1 {{not folded into llm.attention's causal: mask is not causal: a constant triangle keeps keys j >= i, expected keys j <= i}}
  %o = llm.attention %q, %k, %v mask %m : tensor<3x3xi1> {scale = 0.25 : f32} : tensor<1x2x3x8xf32>, tensor<1x2x3x8xf32>, tensor<1x2x3x8xf32> -> tensor<1x2x3x8xf32>
  return %o : tensor<1x2x3x8xf32>
}

// -----

// Near miss: the rows are positions of a range that is not the query's
// length (the sequence of another input), which may broadcast one row.
// CHECK-LABEL: func.func @rows_not_queries
// CHECK: llm.attention %{{.+}} mask
func.func @rows_not_queries(%q: tensor<?x4x?x16xf32>, %k: tensor<?x4x?x16xf32>, %v: tensor<?x4x?x16xf32>, %other: tensor<?xf32>) -> tensor<?x4x?x16xf32> {
  %zero = llm.constant dense<0> : tensor<i64>
  %one = llm.constant dense<1> : tensor<i64>
  %os = llm.dim %other, 0 : tensor<?xf32>
  %ks = llm.dim %k, 2 : tensor<?x4x?x16xf32>
  %on = llm.from_dims [%os] : tensor<i64>
  %kn = llm.from_dims [%ks] : tensor<i64>
  %qr = llm.range %zero, %on, %one : tensor<i64> -> tensor<?xi64>
  %kr = llm.range %zero, %kn, %one : tensor<i64> -> tensor<?xi64>
  %rows = llm.unsqueeze %qr {axes = array<i64: 1>} : tensor<?xi64> -> tensor<?x1xi64>
  %cols = llm.unsqueeze %kr {axes = array<i64: 0>} : tensor<?xi64> -> tensor<1x?xi64>
  %m = llm.le %cols, %rows : (tensor<1x?xi64>, tensor<?x1xi64>) -> tensor<?x?xi1>
  // expected-remark@+1 {{not folded into llm.attention's causal: the mask's rows are not the query positions}}
  %o = llm.attention %q, %k, %v mask %m : tensor<?x?xi1> {scale = 0.25 : f32} : tensor<?x4x?x16xf32>, tensor<?x4x?x16xf32>, tensor<?x4x?x16xf32> -> tensor<?x4x?x16xf32>
  return %o : tensor<?x4x?x16xf32>
}

// -----

// GPT-2's older uint8 `bias` buffer, a weight blob: bias[:, :, kv - q : kv,
// :kv] cast to bool.
// CHECK-LABEL: func.func @uint8_table_blob
// CHECK: llm.attention %{{.+}}, %{{.+}}, %{{.+}} {causal = "lower_right", scale = 2.500000e-01 : f32}
func.func @uint8_table_blob(%q: tensor<1x2x?x8xf32>, %k: tensor<1x2x?x8xf32>, %v: tensor<1x2x?x8xf32>) -> tensor<1x2x?x8xf32> {
  %bias = llm.constant dense_resource<gpt2_bias> : tensor<1x1x4x4xui8>
  %qs = llm.dim %q, 2 : tensor<1x2x?x8xf32>
  %ks = llm.dim %k, 2 : tensor<1x2x?x8xf32>
  %start = arith.subi %ks, %qs : index
  %s = llm.slice %bias axes [2, 3] starts [%start, 0] ends [%ks, %ks] steps [1, 1] : tensor<1x1x4x4xui8> -> tensor<1x1x?x?xui8>
  %m = llm.cast %s : tensor<1x1x?x?xui8> to tensor<1x1x?x?xi1>
  %o = llm.attention %q, %k, %v mask %m : tensor<1x1x?x?xi1> {scale = 0.25 : f32} : tensor<1x2x?x8xf32>, tensor<1x2x?x8xf32>, tensor<1x2x?x8xf32> -> tensor<1x2x?x8xf32>
  return %o : tensor<1x2x?x8xf32>
}

{-#
  dialect_resources: {
    builtin: {
      gpt2_bias: "0x0100000001000000010100000101010001010101"
    }
  }
#-}
