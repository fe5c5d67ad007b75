// RUN: llm-opt %s -llm-raise-composites=report-misses -split-input-file -verify-diagnostics | FileCheck %s

// KV-cache attention (Hugging Face Optimum's decoder_with_past exports): the
// keys are concat(past, new) along the sequence and query i sits at position
// past + i, so the causal term keeps keys j <= i + past. When past provably
// is kv_seq - q_seq (the concat's first input; input dims with the same
// dim_param name are one size, which the runtime checks), the term is
// causal = "lower_right". Anything else stays in the mask with a remark.

// past + arange(q) compared with arange(past + q), lifted to rank 4 with an
// unsqueeze, and'ed with the padding: lower_right, the padding stays.
// CHECK-LABEL: func.func @past_plus_arange
// CHECK: %[[K:.+]] = llm.concat
// CHECK: %[[V:.+]] = llm.concat
// CHECK: %[[O:.+]] = llm.attention %{{.+}}, %[[K]], %[[V]] mask %arg5 : tensor<?x1x1x?xi1> {causal = "lower_right", scale = 2.500000e-01 : f32}
// CHECK-NEXT: return %[[O]]
func.func @past_plus_arange(%q: tensor<?x4x?x16xf32> {llm.dims = ["batch", "", "seq", ""]},
                            %pk: tensor<?x4x?x16xf32> {llm.dims = ["batch", "", "past", ""]},
                            %nk: tensor<?x4x?x16xf32> {llm.dims = ["batch", "", "seq", ""]},
                            %pv: tensor<?x4x?x16xf32> {llm.dims = ["batch", "", "past", ""]},
                            %nv: tensor<?x4x?x16xf32> {llm.dims = ["batch", "", "seq", ""]},
                            %pad: tensor<?x1x1x?xi1>) -> tensor<?x4x?x16xf32> {
  %k = llm.concat %pk, %nk {axis = 2 : i64} : (tensor<?x4x?x16xf32>, tensor<?x4x?x16xf32>) -> tensor<?x4x?x16xf32>
  %v = llm.concat %pv, %nv {axis = 2 : i64} : (tensor<?x4x?x16xf32>, tensor<?x4x?x16xf32>) -> tensor<?x4x?x16xf32>
  %zero = llm.constant dense<0> : tensor<i64>
  %one = llm.constant dense<1> : tensor<i64>
  %ps = llm.dim %pk, 2 : tensor<?x4x?x16xf32>
  %qs = llm.dim %q, 2 : tensor<?x4x?x16xf32>
  %pn = llm.from_dims [%ps] : tensor<i64>
  %qn = llm.from_dims [%qs] : tensor<i64>
  %tn = llm.add %pn, %qn : (tensor<i64>, tensor<i64>) -> tensor<i64>
  %qr = llm.range %zero, %qn, %one : tensor<i64> -> tensor<?xi64>
  %qpos = llm.add %pn, %qr : (tensor<i64>, tensor<?xi64>) -> tensor<?xi64>
  %kpos = llm.range %zero, %tn, %one : tensor<i64> -> tensor<?xi64>
  %rows = llm.unsqueeze %qpos {axes = array<i64: 1>} : tensor<?xi64> -> tensor<?x1xi64>
  %cols = llm.unsqueeze %kpos {axes = array<i64: 0>} : tensor<?xi64> -> tensor<1x?xi64>
  %le = llm.le %cols, %rows : (tensor<1x?xi64>, tensor<?x1xi64>) -> tensor<?x?xi1>
  %le4 = llm.unsqueeze %le {axes = array<i64: 0, 1>} : tensor<?x?xi1> -> tensor<1x1x?x?xi1>
  %m = llm.and %le4, %pad : (tensor<1x1x?x?xi1>, tensor<?x1x1x?xi1>) -> tensor<?x1x?x?xi1>
  %o = llm.attention %q, %k, %v mask %m : tensor<?x1x?x?xi1> {scale = 0.25 : f32} : tensor<?x4x?x16xf32>, tensor<?x4x?x16xf32>, tensor<?x4x?x16xf32> -> tensor<?x4x?x16xf32>
  return %o : tensor<?x4x?x16xf32>
}

// -----

// arange(past, past + q) (the range starts at the past length), the masked
// positions selected with gt into a float finfo.min triangle, and HF's
// masked_fill of the padding with the same finfo.min: the fill becomes the
// boolean mask not(padded) with masked_rows = "uniform", so a row whose
// visible keys are all padding averages v over all keys, as the source does
// (every score of that row is finfo.min).
// CHECK-LABEL: func.func @range_from_past_masked_fill
// CHECK-SAME: %[[PADDED:[^:]+]]: tensor<?x1x1x?xi1>)
// CHECK: %[[KEEP:.+]] = llm.not %[[PADDED]] : tensor<?x1x1x?xi1>
// CHECK-NEXT: %[[O:.+]] = llm.attention %{{.+}}, %{{.+}}, %{{.+}} mask %[[KEEP]] : tensor<?x1x1x?xi1> {causal = "lower_right", masked_rows = "uniform", scale = 2.500000e-01 : f32}
// CHECK-NEXT: return %[[O]]
func.func @range_from_past_masked_fill(%q: tensor<?x4x?x16xf32> {llm.dims = ["batch", "", "seq", ""]},
                                       %pk: tensor<?x4x?x16xf32> {llm.dims = ["batch", "", "past", ""]},
                                       %nk: tensor<?x4x?x16xf32> {llm.dims = ["batch", "", "seq", ""]},
                                       %v: tensor<?x4x?x16xf32>,
                                       %padded: tensor<?x1x1x?xi1>) -> tensor<?x4x?x16xf32> {
  %k = llm.concat %pk, %nk {axis = 2 : i64} : (tensor<?x4x?x16xf32>, tensor<?x4x?x16xf32>) -> tensor<?x4x?x16xf32>
  %zero = llm.constant dense<0> : tensor<i64>
  %one = llm.constant dense<1> : tensor<i64>
  %zf = llm.constant dense<0.0> : tensor<f32>
  %min = llm.constant dense<-3.40282347E+38> : tensor<f32>
  %ps = llm.dim %pk, 2 : tensor<?x4x?x16xf32>
  %qs = llm.dim %q, 2 : tensor<?x4x?x16xf32>
  %pn = llm.from_dims [%ps] : tensor<i64>
  %qn = llm.from_dims [%qs] : tensor<i64>
  %tn = llm.add %pn, %qn : (tensor<i64>, tensor<i64>) -> tensor<i64>
  %qpos = llm.range %pn, %tn, %one : tensor<i64> -> tensor<?xi64>
  %kpos = llm.range %zero, %tn, %one : tensor<i64> -> tensor<?xi64>
  %rows = llm.unsqueeze %qpos {axes = array<i64: 1>} : tensor<?xi64> -> tensor<?x1xi64>
  %cols = llm.unsqueeze %kpos {axes = array<i64: 0>} : tensor<?xi64> -> tensor<1x?xi64>
  %masked = llm.gt %cols, %rows : (tensor<1x?xi64>, tensor<?x1xi64>) -> tensor<?x?xi1>
  %causal = llm.where %masked, %min, %zf : (tensor<?x?xi1>, tensor<f32>, tensor<f32>) -> tensor<?x?xf32>
  %causal4 = llm.unsqueeze %causal {axes = array<i64: 0, 1>} : tensor<?x?xf32> -> tensor<1x1x?x?xf32>
  %m = llm.where %padded, %min, %causal4 : (tensor<?x1x1x?xi1>, tensor<f32>, tensor<1x1x?x?xf32>) -> tensor<?x1x?x?xf32>
  %o = llm.attention %q, %k, %v mask %m : tensor<?x1x?x?xf32> {scale = 0.25 : f32} : tensor<?x4x?x16xf32>, tensor<?x4x?x16xf32>, tensor<?x4x?x16xf32> -> tensor<?x4x?x16xf32>
  return %o : tensor<?x4x?x16xf32>
}

// -----

// Near miss: the same with -1e9. In a row whose visible keys are all
// padding, the source gives the padded masked-out keys the fill too, so they
// compete with the visible ones, which neither the causal attribute with the
// fill as a float mask nor masked_rows expresses: the mask stays.
// CHECK-LABEL: func.func @masked_fill_not_absorbing
// CHECK: llm.attention {{.+}} mask %{{.+}} : tensor<?x1x?x?xf32> {scale
func.func @masked_fill_not_absorbing(%q: tensor<?x4x?x16xf32> {llm.dims = ["batch", "", "seq", ""]},
                                     %pk: tensor<?x4x?x16xf32> {llm.dims = ["batch", "", "past", ""]},
                                     %nk: tensor<?x4x?x16xf32> {llm.dims = ["batch", "", "seq", ""]},
                                     %v: tensor<?x4x?x16xf32>,
                                     %padded: tensor<?x1x1x?xi1>) -> tensor<?x4x?x16xf32> {
  %k = llm.concat %pk, %nk {axis = 2 : i64} : (tensor<?x4x?x16xf32>, tensor<?x4x?x16xf32>) -> tensor<?x4x?x16xf32>
  %zero = llm.constant dense<0> : tensor<i64>
  %one = llm.constant dense<1> : tensor<i64>
  %zf = llm.constant dense<0.0> : tensor<f32>
  %big = llm.constant dense<-1.0e9> : tensor<f32>
  %ps = llm.dim %pk, 2 : tensor<?x4x?x16xf32>
  %qs = llm.dim %q, 2 : tensor<?x4x?x16xf32>
  %pn = llm.from_dims [%ps] : tensor<i64>
  %qn = llm.from_dims [%qs] : tensor<i64>
  %tn = llm.add %pn, %qn : (tensor<i64>, tensor<i64>) -> tensor<i64>
  %qpos = llm.range %pn, %tn, %one : tensor<i64> -> tensor<?xi64>
  %kpos = llm.range %zero, %tn, %one : tensor<i64> -> tensor<?xi64>
  %rows = llm.unsqueeze %qpos {axes = array<i64: 1>} : tensor<?xi64> -> tensor<?x1xi64>
  %cols = llm.unsqueeze %kpos {axes = array<i64: 0>} : tensor<?xi64> -> tensor<1x?xi64>
  %masked = llm.gt %cols, %rows : (tensor<1x?xi64>, tensor<?x1xi64>) -> tensor<?x?xi1>
  %causal = llm.where %masked, %big, %zf : (tensor<?x?xi1>, tensor<f32>, tensor<f32>) -> tensor<?x?xf32>
  %m = llm.where %padded, %big, %causal : (tensor<?x1x1x?xi1>, tensor<f32>, tensor<?x?xf32>) -> tensor<?x1x?x?xf32>
  // expected-remark@+1 {{not folded into llm.attention's causal: the padding fill may mask every visible key of a row, which then weighs the causally masked-out keys too (exact only for a finite absorbing fill equal to the triangle's, e.g. finfo.min in both, and no other term)}}
  %o = llm.attention %q, %k, %v mask %m : tensor<?x1x?x?xf32> {scale = 0.25 : f32} : tensor<?x4x?x16xf32>, tensor<?x4x?x16xf32>, tensor<?x4x?x16xf32> -> tensor<?x4x?x16xf32>
  return %o : tensor<?x4x?x16xf32>
}

// -----

// Near miss: the queries are offset by past + 1, not by the past length.
// CHECK-LABEL: func.func @offset_not_past
// CHECK: llm.attention {{.+}} mask %{{.+}} : tensor<?x1x?x?xi1> {scale
func.func @offset_not_past(%q: tensor<?x4x?x16xf32> {llm.dims = ["batch", "", "seq", ""]},
                           %pk: tensor<?x4x?x16xf32> {llm.dims = ["batch", "", "past", ""]},
                           %nk: tensor<?x4x?x16xf32> {llm.dims = ["batch", "", "seq", ""]},
                           %v: tensor<?x4x?x16xf32>,
                           %pad: tensor<?x1x1x?xi1>) -> tensor<?x4x?x16xf32> {
  %k = llm.concat %pk, %nk {axis = 2 : i64} : (tensor<?x4x?x16xf32>, tensor<?x4x?x16xf32>) -> tensor<?x4x?x16xf32>
  %zero = llm.constant dense<0> : tensor<i64>
  %one = llm.constant dense<1> : tensor<i64>
  %ps = llm.dim %pk, 2 : tensor<?x4x?x16xf32>
  %qs = llm.dim %q, 2 : tensor<?x4x?x16xf32>
  %pn = llm.from_dims [%ps] : tensor<i64>
  %qn = llm.from_dims [%qs] : tensor<i64>
  %tn = llm.add %pn, %qn : (tensor<i64>, tensor<i64>) -> tensor<i64>
  %qr = llm.range %zero, %qn, %one : tensor<i64> -> tensor<?xi64>
  %shifted = llm.add %qr, %one : (tensor<?xi64>, tensor<i64>) -> tensor<?xi64>
  %qpos = llm.add %pn, %shifted : (tensor<i64>, tensor<?xi64>) -> tensor<?xi64>
  %kpos = llm.range %zero, %tn, %one : tensor<i64> -> tensor<?xi64>
  %rows = llm.unsqueeze %qpos {axes = array<i64: 1>} : tensor<?xi64> -> tensor<?x1xi64>
  %cols = llm.unsqueeze %kpos {axes = array<i64: 0>} : tensor<?xi64> -> tensor<1x?xi64>
  %le = llm.le %cols, %rows : (tensor<1x?xi64>, tensor<?x1xi64>) -> tensor<?x?xi1>
  %m = llm.and %le, %pad : (tensor<?x?xi1>, tensor<?x1x1x?xi1>) -> tensor<?x1x?x?xi1>
  // expected-remark@+1 {{not folded into llm.attention's causal: mask is not causal: a comparison of positions keeps keys j <= i + dim 2 of argument 1 + 1: the offset dim 2 of argument 1 + 1 is not provably kv_seq - q_seq (dim 2 of argument 1)}}
  %o = llm.attention %q, %k, %v mask %m : tensor<?x1x?x?xi1> {scale = 0.25 : f32} : tensor<?x4x?x16xf32>, tensor<?x4x?x16xf32>, tensor<?x4x?x16xf32> -> tensor<?x4x?x16xf32>
  return %o : tensor<?x4x?x16xf32>
}

// -----

// Near miss: the comparison the wrong way round, le(query_pos, key_pos),
// keeps the keys at and after the query (j >= i + past).
// CHECK-LABEL: func.func @wrong_direction
// CHECK: llm.attention {{.+}} mask %{{.+}} : tensor<?x1x?x?xi1> {scale
func.func @wrong_direction(%q: tensor<?x4x?x16xf32> {llm.dims = ["batch", "", "seq", ""]},
                           %pk: tensor<?x4x?x16xf32> {llm.dims = ["batch", "", "past", ""]},
                           %nk: tensor<?x4x?x16xf32> {llm.dims = ["batch", "", "seq", ""]},
                           %v: tensor<?x4x?x16xf32>,
                           %pad: tensor<?x1x1x?xi1>) -> tensor<?x4x?x16xf32> {
  %k = llm.concat %pk, %nk {axis = 2 : i64} : (tensor<?x4x?x16xf32>, tensor<?x4x?x16xf32>) -> tensor<?x4x?x16xf32>
  %zero = llm.constant dense<0> : tensor<i64>
  %one = llm.constant dense<1> : tensor<i64>
  %ps = llm.dim %pk, 2 : tensor<?x4x?x16xf32>
  %qs = llm.dim %q, 2 : tensor<?x4x?x16xf32>
  %pn = llm.from_dims [%ps] : tensor<i64>
  %qn = llm.from_dims [%qs] : tensor<i64>
  %tn = llm.add %pn, %qn : (tensor<i64>, tensor<i64>) -> tensor<i64>
  %qpos = llm.range %pn, %tn, %one : tensor<i64> -> tensor<?xi64>
  %kpos = llm.range %zero, %tn, %one : tensor<i64> -> tensor<?xi64>
  %rows = llm.unsqueeze %qpos {axes = array<i64: 1>} : tensor<?xi64> -> tensor<?x1xi64>
  %cols = llm.unsqueeze %kpos {axes = array<i64: 0>} : tensor<?xi64> -> tensor<1x?xi64>
  %le = llm.le %rows, %cols : (tensor<?x1xi64>, tensor<1x?xi64>) -> tensor<?x?xi1>
  %m = llm.and %le, %pad : (tensor<?x?xi1>, tensor<?x1x1x?xi1>) -> tensor<?x1x?x?xi1>
  // expected-remark@+1 {{not folded into llm.attention's causal: mask is not causal: a comparison of positions keeps keys j >= i + kv_seq - q_seq, expected keys j <= i}}
  %o = llm.attention %q, %k, %v mask %m : tensor<?x1x?x?xi1> {scale = 0.25 : f32} : tensor<?x4x?x16xf32>, tensor<?x4x?x16xf32>, tensor<?x4x?x16xf32> -> tensor<?x4x?x16xf32>
  return %o : tensor<?x4x?x16xf32>
}

// -----

// Near miss: the past length of another cache, whose dim has no name tying
// it to this one's (past lengths may differ).
// CHECK-LABEL: func.func @past_of_another_cache
// CHECK: llm.attention {{.+}} mask %{{.+}} : tensor<?x1x?x?xi1> {scale
func.func @past_of_another_cache(%q: tensor<?x4x?x16xf32> {llm.dims = ["batch", "", "seq", ""]},
                                 %pk: tensor<?x4x?x16xf32>,
                                 %nk: tensor<?x4x?x16xf32> {llm.dims = ["batch", "", "seq", ""]},
                                 %v: tensor<?x4x?x16xf32>,
                                 %other: tensor<?x4x?x16xf32>,
                                 %pad: tensor<?x1x1x?xi1>) -> tensor<?x4x?x16xf32> {
  %k = llm.concat %pk, %nk {axis = 2 : i64} : (tensor<?x4x?x16xf32>, tensor<?x4x?x16xf32>) -> tensor<?x4x?x16xf32>
  %zero = llm.constant dense<0> : tensor<i64>
  %one = llm.constant dense<1> : tensor<i64>
  %ps = llm.dim %other, 2 : tensor<?x4x?x16xf32>
  %ks = llm.dim %k, 2 : tensor<?x4x?x16xf32>
  %qs = llm.dim %q, 2 : tensor<?x4x?x16xf32>
  %pn = llm.from_dims [%ps] : tensor<i64>
  %qn = llm.from_dims [%qs] : tensor<i64>
  %kn = llm.from_dims [%ks] : tensor<i64>
  %qr = llm.range %zero, %qn, %one : tensor<i64> -> tensor<?xi64>
  %qpos = llm.add %pn, %qr : (tensor<i64>, tensor<?xi64>) -> tensor<?xi64>
  %kpos = llm.range %zero, %kn, %one : tensor<i64> -> tensor<?xi64>
  %rows = llm.unsqueeze %qpos {axes = array<i64: 1>} : tensor<?xi64> -> tensor<?x1xi64>
  %cols = llm.unsqueeze %kpos {axes = array<i64: 0>} : tensor<?xi64> -> tensor<1x?xi64>
  %le = llm.le %cols, %rows : (tensor<1x?xi64>, tensor<?x1xi64>) -> tensor<?x?xi1>
  %m = llm.and %le, %pad : (tensor<?x?xi1>, tensor<?x1x1x?xi1>) -> tensor<?x1x?x?xi1>
  // expected-remark@+1 {{not folded into llm.attention's causal: mask is not causal: a comparison of positions keeps keys j <= i + dim 2 of argument 4: the offset dim 2 of argument 4 is not provably kv_seq - q_seq (dim 2 of argument 1)}}
  %o = llm.attention %q, %k, %v mask %m : tensor<?x1x?x?xi1> {scale = 0.25 : f32} : tensor<?x4x?x16xf32>, tensor<?x4x?x16xf32>, tensor<?x4x?x16xf32> -> tensor<?x4x?x16xf32>
  return %o : tensor<?x4x?x16xf32>
}

// -----

// Near miss: the past length as the attention mask's length minus q, and
// the key positions arange(mask length): nothing ties the mask's length to
// the keys' (a length-1 mask would broadcast one column to all keys).
// CHECK-LABEL: func.func @mask_length_minus_seq
// CHECK: llm.attention {{.+}} mask %{{.+}} : tensor<?x1x?x?xi1> {scale
func.func @mask_length_minus_seq(%q: tensor<?x4x?x16xf32> {llm.dims = ["batch", "", "seq", ""]},
                                 %pk: tensor<?x4x?x16xf32> {llm.dims = ["batch", "", "past", ""]},
                                 %nk: tensor<?x4x?x16xf32> {llm.dims = ["batch", "", "seq", ""]},
                                 %v: tensor<?x4x?x16xf32>,
                                 %mask: tensor<?x?xi1> {llm.dims = ["batch", "past + seq"]}) -> tensor<?x4x?x16xf32> {
  %k = llm.concat %pk, %nk {axis = 2 : i64} : (tensor<?x4x?x16xf32>, tensor<?x4x?x16xf32>) -> tensor<?x4x?x16xf32>
  %zero = llm.constant dense<0> : tensor<i64>
  %one = llm.constant dense<1> : tensor<i64>
  %ms = llm.dim %mask, 1 : tensor<?x?xi1>
  %qs = llm.dim %q, 2 : tensor<?x4x?x16xf32>
  %mn = llm.from_dims [%ms] : tensor<i64>
  %qn = llm.from_dims [%qs] : tensor<i64>
  %pn = llm.sub %mn, %qn : (tensor<i64>, tensor<i64>) -> tensor<i64>
  %qr = llm.range %zero, %qn, %one : tensor<i64> -> tensor<?xi64>
  %qpos = llm.add %qr, %pn : (tensor<?xi64>, tensor<i64>) -> tensor<?xi64>
  %kpos = llm.range %zero, %mn, %one : tensor<i64> -> tensor<?xi64>
  %rows = llm.unsqueeze %qpos {axes = array<i64: 1>} : tensor<?xi64> -> tensor<?x1xi64>
  %cols = llm.unsqueeze %kpos {axes = array<i64: 0>} : tensor<?xi64> -> tensor<1x?xi64>
  %le = llm.le %cols, %rows : (tensor<1x?xi64>, tensor<?x1xi64>) -> tensor<?x?xi1>
  %pad = llm.unsqueeze %mask {axes = array<i64: 1, 2>} : tensor<?x?xi1> -> tensor<?x1x1x?xi1>
  %m = llm.and %le, %pad : (tensor<?x?xi1>, tensor<?x1x1x?xi1>) -> tensor<?x1x?x?xi1>
  // expected-remark@+1 {{not folded into llm.attention's causal: the mask's columns (dim 1 of argument 4) are not the key positions (dim 2 of argument 1 + dim 2 of argument 0)}}
  %o = llm.attention %q, %k, %v mask %m : tensor<?x1x?x?xi1> {scale = 0.25 : f32} : tensor<?x4x?x16xf32>, tensor<?x4x?x16xf32>, tensor<?x4x?x16xf32> -> tensor<?x4x?x16xf32>
  return %o : tensor<?x4x?x16xf32>
}

// -----

// Near miss: a finfo.min triangle plus a finfo.min padding. A row whose
// visible keys are all padding has finfo.min there, finfo.min at the
// unpadded masked-out keys and -inf (min + min) at the padded ones: the
// source averages v over the first two sets, which no causal attribute
// says. The mask stays.
// CHECK-LABEL: func.func @sum_with_saturating_padding
// CHECK: llm.attention {{.+}} mask %{{.+}} : tensor<?x1x?x?xf32> {scale
func.func @sum_with_saturating_padding(%q: tensor<?x4x?x16xf32> {llm.dims = ["batch", "", "seq", ""]},
                                       %pk: tensor<?x4x?x16xf32> {llm.dims = ["batch", "", "past", ""]},
                                       %nk: tensor<?x4x?x16xf32> {llm.dims = ["batch", "", "seq", ""]},
                                       %v: tensor<?x4x?x16xf32>,
                                       %keep: tensor<?x1x1x?xi1>) -> tensor<?x4x?x16xf32> {
  %k = llm.concat %pk, %nk {axis = 2 : i64} : (tensor<?x4x?x16xf32>, tensor<?x4x?x16xf32>) -> tensor<?x4x?x16xf32>
  %zero = llm.constant dense<0> : tensor<i64>
  %one = llm.constant dense<1> : tensor<i64>
  %zf = llm.constant dense<0.0> : tensor<f32>
  %min = llm.constant dense<-3.40282347E+38> : tensor<f32>
  %ps = llm.dim %pk, 2 : tensor<?x4x?x16xf32>
  %qs = llm.dim %q, 2 : tensor<?x4x?x16xf32>
  %pn = llm.from_dims [%ps] : tensor<i64>
  %qn = llm.from_dims [%qs] : tensor<i64>
  %tn = llm.add %pn, %qn : (tensor<i64>, tensor<i64>) -> tensor<i64>
  %qpos = llm.range %pn, %tn, %one : tensor<i64> -> tensor<?xi64>
  %kpos = llm.range %zero, %tn, %one : tensor<i64> -> tensor<?xi64>
  %rows = llm.unsqueeze %qpos {axes = array<i64: 1>} : tensor<?xi64> -> tensor<?x1xi64>
  %cols = llm.unsqueeze %kpos {axes = array<i64: 0>} : tensor<?xi64> -> tensor<1x?xi64>
  %masked = llm.gt %cols, %rows : (tensor<1x?xi64>, tensor<?x1xi64>) -> tensor<?x?xi1>
  %causal = llm.where %masked, %min, %zf : (tensor<?x?xi1>, tensor<f32>, tensor<f32>) -> tensor<?x?xf32>
  %pad = llm.where %keep, %zf, %min : (tensor<?x1x1x?xi1>, tensor<f32>, tensor<f32>) -> tensor<?x1x1x?xf32>
  %m = llm.add %causal, %pad : (tensor<?x?xf32>, tensor<?x1x1x?xf32>) -> tensor<?x1x?x?xf32>
  // expected-remark@+1 {{not folded into llm.attention's causal: the rest of the float mask may mask every visible key of a row, which then weighs the causally masked-out keys too (exact for a -inf triangle, or min(triangle, where(keep, 0, c)) with the triangle's finite absorbing c)}}
  %o = llm.attention %q, %k, %v mask %m : tensor<?x1x?x?xf32> {scale = 0.25 : f32} : tensor<?x4x?x16xf32>, tensor<?x4x?x16xf32>, tensor<?x4x?x16xf32> -> tensor<?x4x?x16xf32>
  return %o : tensor<?x4x?x16xf32>
}

// -----

// HF's cache_position.reshape(-1, 1) as the importer writes it: the range's
// length clamped, max((past + seq) - past, 0), which is seq.
// CHECK-LABEL: func.func @cache_position_reshaped
// CHECK: llm.attention %{{.+}}, %{{.+}}, %{{.+}} mask %arg4 : tensor<?x1x1x?xi1> {causal = "lower_right", scale = 2.500000e-01 : f32}
func.func @cache_position_reshaped(%q: tensor<?x4x?x16xf32> {llm.dims = ["batch", "", "seq", ""]},
                                   %pk: tensor<?x4x?x16xf32> {llm.dims = ["batch", "", "past", ""]},
                                   %nk: tensor<?x4x?x16xf32> {llm.dims = ["batch", "", "seq", ""]},
                                   %v: tensor<?x4x?x16xf32>,
                                   %pad: tensor<?x1x1x?xi1>) -> tensor<?x4x?x16xf32> {
  %k = llm.concat %pk, %nk {axis = 2 : i64} : (tensor<?x4x?x16xf32>, tensor<?x4x?x16xf32>) -> tensor<?x4x?x16xf32>
  %zero = llm.constant dense<0> : tensor<i64>
  %one = llm.constant dense<1> : tensor<i64>
  %c0 = arith.constant 0 : index
  %ps = llm.dim %pk, 2 : tensor<?x4x?x16xf32>
  %qs = llm.dim %q, 2 : tensor<?x4x?x16xf32>
  %ts = arith.addi %ps, %qs : index
  %len = arith.subi %ts, %ps : index
  %rowsn = arith.maxsi %len, %c0 : index
  %pn = llm.from_dims [%ps] : tensor<i64>
  %qn = llm.from_dims [%qs] : tensor<i64>
  %tn = llm.add %pn, %qn : (tensor<i64>, tensor<i64>) -> tensor<i64>
  %qpos = llm.range %pn, %tn, %one : tensor<i64> -> tensor<?xi64>
  %kpos = llm.range %zero, %tn, %one : tensor<i64> -> tensor<?xi64>
  %rows = llm.reshape %qpos [%rowsn, 1] : tensor<?xi64> -> tensor<?x1xi64>
  %cols = llm.unsqueeze %kpos {axes = array<i64: 0>} : tensor<?xi64> -> tensor<1x?xi64>
  %masked = llm.gt %cols, %rows : (tensor<1x?xi64>, tensor<?x1xi64>) -> tensor<?x?xi1>
  %keep = llm.not %masked : tensor<?x?xi1>
  %m = llm.and %keep, %pad : (tensor<?x?xi1>, tensor<?x1x1x?xi1>) -> tensor<?x1x?x?xi1>
  %o = llm.attention %q, %k, %v mask %m : tensor<?x1x?x?xi1> {scale = 0.25 : f32} : tensor<?x4x?x16xf32>, tensor<?x4x?x16xf32>, tensor<?x4x?x16xf32> -> tensor<?x4x?x16xf32>
  return %o : tensor<?x4x?x16xf32>
}
