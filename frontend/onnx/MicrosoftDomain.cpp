//===- MicrosoftDomain.cpp - importers for com.microsoft contrib ops ------===//
//
// The ONNX Runtime contrib ops that its transformer optimizer and the
// onnxruntime-genai model builder emit. They import straight into the llm
// composite ops (layer_norm, rms_norm, gelu, attention, rotary_embedding)
// plus the glue their fused semantics imply (residual sums, head splits,
// KV-cache concatenation, padding masks).
//
//===----------------------------------------------------------------------===//

#include "frontend/onnx/GraphImporter.h"

#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/DialectResourceBlobManager.h"

using namespace mlir;
using namespace mlir::llm;
using namespace mlir::llm::onnx_import;

namespace {

using N = NodeImporter;

/// The positive `num_heads`-style attribute `name`.
FailureOr<int64_t> headsAttr(N &n, StringRef name) {
  auto heads = n.intAttr(name);
  if (failed(heads))
    return failure();
  if (*heads <= 0)
    return n.error() << "attribute '" << name << "' must be positive, got " << *heads;
  return *heads;
}

/// [B, S, H*D] -> [B, H, S, D], checking that H divides the hidden size.
Value toHeads(N &n, Value v, int64_t heads, StringRef what) {
  if (rankOf(v) != 3) {
    n.error() << what << " must be 3-D [batch, seq, hidden], got " << v.getType();
    throw ImportFailure();
  }
  int64_t hidden = typeOf(v).getDimSize(2);
  if (!ShapedType::isDynamic(hidden) && hidden % heads != 0) {
    n.error() << what << " hidden size " << hidden << " is not divisible by " << heads
              << " heads";
    throw ImportFailure();
  }
  return n.splitHeads(v, heads);
}

/// A [0, 1, ..., end) int64 range of a symbolic length, starting at `start`.
Value indexRange(N &n, OpFoldResult start, OpFoldResult end) {
  Value s = n.fromDims({start}, /*scalar=*/true), e = n.fromDims({end}, /*scalar=*/true);
  Value one = n.intTensor({1}, {}, n.b.getI64Type());
  OpFoldResult length = n.sub(end, start);
  auto staticLength = getConstantIntValue(length);
  auto type = RankedTensorType::get({staticLength ? *staticLength : ShapedType::kDynamic},
                                    n.b.getI64Type());
  Value range = n.createOp<RangeOp>(type, s, e, one);
  if (!staticLength)
    n.graph.dimCache[{range, 0}] = cast<Value>(length);
  return range;
}

/// `mask != 0` for an integer 0/1 mask.
Value nonZero(N &n, Value mask) {
  if (elementOf(mask).isInteger(1))
    return mask;
  Value zero = n.scalar(elementOf(mask), 0);
  return n.build<NotOp>(n.build<EqOp>(mask, zero));
}

/// Keys `j < lengths[b]` of `numKeys`, as a [B, 1, 1, T] bool mask.
Value lengthMask(N &n, Value lengths, OpFoldResult numKeys, bool inclusive = false) {
  Value keys = indexRange(n, n.b.getIndexAttr(0), numKeys);
  Value limit = n.castTo(lengths, n.b.getI64Type());
  limit = n.reshape(limit, {n.dim(limit, 0), n.b.getIndexAttr(1), n.b.getIndexAttr(1),
                            n.b.getIndexAttr(1)});
  return inclusive ? n.build<LeOp>(keys, limit) : n.build<LtOp>(keys, limit);
}

/// Combines an optional boolean keep-mask and an optional additive bias
/// into the single mask llm.attention takes.
Value combineMasks(N &n, Value keep, Value bias, Type element, float filterValue) {
  if (!keep || !bias)
    return keep ? keep : bias;
  Value blocked = n.build<WhereOp>(keep, n.scalar(element, 0), n.scalar(element, filterValue));
  return n.build<AddOp>(blocked, bias);
}

/// Builds llm.attention and merges heads back to [B, S, H*D].
Value attend(N &n, Value q, Value k, Value v, Value mask, std::optional<float> scale,
             StringRef causal, float softcap = 0.0f) {
  auto attrScale = scale && *scale != 0.0f ? n.b.getF32FloatAttr(*scale) : FloatAttr();
  auto op = n.createOp<AttentionOp>(
      RankedTensorType::get({typeOf(q).getDimSize(0), typeOf(q).getDimSize(1),
                             typeOf(q).getDimSize(2), typeOf(v).getDimSize(3)},
                            elementOf(q)),
      q, k, v, mask, attrScale, n.b.getStringAttr(causal), n.b.getF32FloatAttr(softcap),
      n.b.getStringAttr("zero"), n.b.getStringAttr("bhsd"), /*packed_heads=*/DenseI64ArrayAttr());
  return n.mergeHeads(op);
}

std::optional<float> optionalScale(N &n) {
  if (!n.findAttr("scale"))
    return std::nullopt;
  auto s = n.floatAttr("scale");
  if (failed(s))
    throw ImportFailure();
  return *s;
}

//===----------------------------------------------------------------------===//
// Normalizations
//===----------------------------------------------------------------------===//

LogicalResult importSimplifiedLayerNorm(N &n) {
  if (failed(n.checkInputs(2, 2)) || failed(n.rejectOutput(1, "inv_std_var")))
    return failure();
  auto axis = n.intAttr("axis", -1);
  auto epsilon = n.floatAttr("epsilon", 1e-5f);
  if (failed(axis) || failed(epsilon))
    return failure();
  Value x = n.input(0);
  auto normalized = n.normalizeAxis(*axis, rankOf(x));
  if (failed(normalized))
    return failure();
  n.setOutput(0, n.createOp<RmsNormOp>(typeOf(x), x, n.input(1),
                                       n.b.getI64IntegerAttr(*normalized),
                                       n.b.getF32FloatAttr(*epsilon)));
  return success();
}

/// input + skip (+ bias), the residual sum the Skip* norms fuse.
Value residualSum(N &n, Value input, Value skip, Value bias) {
  Value sum = n.build<AddOp>(input, skip);
  return bias ? n.build<AddOp>(sum, bias) : sum;
}

LogicalResult importSkipSimplifiedLayerNorm(N &n) {
  if (failed(n.checkInputs(3, 4)) || failed(n.rejectOutput(1, "mean")) ||
      failed(n.rejectOutput(2, "inv_std_var")))
    return failure();
  // ONNX Runtime's default is SkipLayerNormalization's, not RMSNorm's 1e-5.
  auto epsilon = n.floatAttr("epsilon", 1e-12f);
  if (failed(epsilon))
    return failure();
  Value sum = residualSum(n, n.input(0), n.input(1), n.input(3));
  n.setOutput(0, n.createOp<RmsNormOp>(typeOf(sum), sum, n.input(2),
                                       n.b.getI64IntegerAttr(rankOf(sum) - 1),
                                       n.b.getF32FloatAttr(*epsilon)));
  n.setOutput(3, sum);
  return success();
}

LogicalResult importSkipLayerNorm(N &n) {
  if (failed(n.checkInputs(3, 5)) || failed(n.rejectOutput(1, "mean")) ||
      failed(n.rejectOutput(2, "inv_std_var")))
    return failure();
  auto epsilon = n.floatAttr("epsilon", 1e-12f);
  if (failed(epsilon))
    return failure();
  Value sum = residualSum(n, n.input(0), n.input(1), n.input(4));
  n.setOutput(0, n.createOp<LayerNormOp>(typeOf(sum), sum, n.input(2), n.input(3),
                                         n.b.getI64IntegerAttr(rankOf(sum) - 1),
                                         n.b.getF32FloatAttr(*epsilon)));
  n.setOutput(3, sum);
  return success();
}

LogicalResult importEmbedLayerNorm(N &n) {
  // input_ids, segment_ids?, word_emb, pos_emb, segment_emb?, gamma, beta,
  // mask?, position_ids?
  if (failed(n.checkInputs(1, 9)))
    return failure();
  static const std::pair<size_t, const char *> required[] = {
      {2, "word_embedding"}, {3, "position_embedding"}, {5, "gamma"}, {6, "beta"}};
  for (auto [i, what] : required)
    if (!n.hasInput(i))
      return n.error() << "missing required input " << i << " (" << what << ")";
  if (n.hasInput(1) != n.hasInput(4))
    return n.error() << "segment_ids and segment_embedding must be given together, got only "
                     << (n.hasInput(1) ? "segment_ids" : "segment_embedding");
  auto epsilon = n.floatAttr("epsilon", 1e-12f);
  if (failed(epsilon))
    return failure();
  Value ids = n.castTo(n.input(0), n.b.getI64Type());
  if (rankOf(ids) != 2)
    return n.error() << "input_ids must be 2-D [batch, seq], got " << ids.getType();
  Value sum = n.build<GatherOp>(n.input(2), ids, 0);
  Value positions = n.hasInput(8) ? n.castTo(n.input(8), n.b.getI64Type())
                                  : n.unsqueeze(indexRange(n, n.b.getIndexAttr(0), n.dim(ids, 1)), {0});
  sum = n.build<AddOp>(sum, n.build<GatherOp>(n.input(3), positions, 0));
  if (n.hasInput(1) && n.hasInput(4))
    sum = n.build<AddOp>(
        sum, n.build<GatherOp>(n.input(4), n.castTo(n.input(1), n.b.getI64Type()), 0));
  n.setOutput(0, n.createOp<LayerNormOp>(typeOf(sum), sum, n.input(5), n.input(6),
                                         n.b.getI64IntegerAttr(2), n.b.getF32FloatAttr(*epsilon)));
  if (n.hasOutput(1)) {
    // mask_index: the number of valid tokens of each sequence.
    Value mask = n.hasInput(7) ? n.castTo(n.input(7), n.b.getI32Type())
                               : n.castTo(n.build<EqOp>(ids, ids), n.b.getI32Type());
    n.setOutput(1, n.build<ReduceSumOp>(mask, n.b.getDenseI64ArrayAttr({1}),
                                         n.b.getBoolAttr(false)));
  }
  n.setOutput(2, sum);
  return success();
}

//===----------------------------------------------------------------------===//
// Activations
//===----------------------------------------------------------------------===//

/// Whether a Gelu variant takes a bias input: none (Gelu), optional
/// (FastGelu) or required (BiasGelu).
enum class BiasInput { None, Optional, Required };

LogicalResult importGelu(N &n, StringRef approximate, BiasInput withBias) {
  if (failed(n.checkInputs(withBias == BiasInput::Required ? 2 : 1,
                           withBias == BiasInput::None ? 1 : 2)))
    return failure();
  Value x = n.input(0);
  if (n.hasInput(1))
    x = n.build<AddOp>(x, n.input(1));
  n.setOutput(0, n.createOp<GeluOp>(x, approximate));
  return success();
}

LogicalResult importQuickGelu(N &n) {
  if (failed(n.checkInputs(1, 1)))
    return failure();
  auto alpha = n.floatAttr("alpha", 1.702f);
  if (failed(alpha))
    return failure();
  Value x = n.input(0);
  Value gate = n.createOp<SigmoidOp>(n.build<MulOp>(x, n.scalar(elementOf(x), *alpha)));
  n.setOutput(0, n.build<MulOp>(x, gate));
  return success();
}

LogicalResult importBiasAdd(N &n) {
  if (failed(n.checkInputs(3, 3)))
    return failure();
  n.setOutput(0, residualSum(n, n.input(0), n.input(2), n.input(1)));
  return success();
}

//===----------------------------------------------------------------------===//
// MatMulNBits: block-quantized weights
//===----------------------------------------------------------------------===//

/// Unpacks `count` little-endian `bits`-wide unsigned fields from `bytes`.
uint8_t unpackField(ArrayRef<char> bytes, int64_t index, int64_t bits) {
  int64_t bit = index * bits;
  return (static_cast<uint8_t>(bytes[bit / 8]) >> (bit % 8)) & ((1 << bits) - 1);
}

/// The bytes of a constant uint8 tensor (B, zero_points), a splat expanded;
/// none for a runtime value.
std::optional<std::vector<char>> uint8Bytes(N &n, Value v) {
  if (auto bytes = n.constantBytes(v))
    return std::vector<char>(bytes->begin(), bytes->end());
  auto constant = v.getDefiningOp<ConstantOp>();
  auto dense = constant ? dyn_cast<DenseElementsAttr>(constant.getValue()) : DenseElementsAttr();
  if (!dense || !dense.isSplat())
    return std::nullopt;
  return std::vector<char>(dense.getNumElements(), dense.getRawData()[0]);
}

/// A constant of `type` from one byte per element.
Value byteConstant(N &n, RankedTensorType type, std::vector<char> bytes, StringRef name) {
  if (type.getNumElements() <= n.graph.options.denseElementLimit)
    return n.createOp<ConstantOp>(
        cast<ElementsAttr>(DenseElementsAttr::getFromRawBuffer(type, bytes)));
  AsmResourceBlob blob =
      HeapAsmResourceBlob::allocateAndCopyWithAlign(ArrayRef<char>(bytes), alignof(std::max_align_t));
  return n.createOp<ConstantOp>(
      cast<ElementsAttr>(DenseResourceElementsAttr::get(type, name, std::move(blob))));
}

LogicalResult importMatMulNBits(N &n) {
  // A, B (packed), scales, zero_points?, g_idx?, bias?
  if (failed(n.checkInputs(3, 6)))
    return failure();
  auto kAttr = n.intAttr("K"), nAttr = n.intAttr("N"), bitsAttr = n.intAttr("bits", 4),
       blockAttr = n.intAttr("block_size");
  if (failed(kAttr) || failed(nAttr) || failed(bitsAttr) || failed(blockAttr))
    return failure();
  int64_t K = *kAttr, Nout = *nAttr, bits = *bitsAttr, block = *blockAttr;
  if (bits != 2 && bits != 4 && bits != 8)
    return n.error() << "bits must be 2, 4 or 8, got " << bits;
  if (K <= 0 || Nout <= 0 || block < 16 || (block & (block - 1)) != 0)
    return n.error() << "K and N must be positive and block_size a power of two >= 16, got K="
                     << K << " N=" << Nout << " block_size=" << block;
  if (n.hasInput(4))
    return n.error() << "g_idx (input 4, act-order) is not supported: expected none, got "
                     << n.input(4).getType();
  Value a = n.input(0), packed = n.input(1), scales = n.input(2);
  Type u8 = IntegerType::get(n.b.getContext(), 8, IntegerType::Unsigned);
  if (elementOf(packed) != u8)
    return n.error() << "B must be uint8, got " << packed.getType();
  int64_t blocks = (K + block - 1) / block, blobSize = block * bits / 8;
  if (typeOf(packed).getShape() != ArrayRef<int64_t>{Nout, blocks, blobSize})
    return n.error() << "B must be [N, n_blocks, blob_size] = [" << Nout << ", " << blocks << ", "
                     << blobSize << "], got " << packed.getType();
  if (typeOf(a).getShape().empty() || (!typeOf(a).isDynamicDim(rankOf(a) - 1) &&
                                       typeOf(a).getShape().back() != K))
    return n.error() << "A must end in K = " << K << ", got " << a.getType();
  if (!typeOf(scales).hasStaticShape() || typeOf(scales).getNumElements() != Nout * blocks)
    return n.error() << "scales must have N * n_blocks = " << Nout * blocks << " elements, got "
                     << scales.getType();
  if (elementOf(scales) != elementOf(a))
    return n.error() << "scales must have A's element type " << elementOf(a) << ", got "
                     << scales.getType();
  auto packedBytes = uint8Bytes(n, packed);
  if (!packedBytes)
    return n.error() << "B must be a constant initializer, got a runtime value";

  // Unpack to one element a byte: [N, K] of ui<bits>.
  Type quantType = IntegerType::get(n.b.getContext(), bits, IntegerType::Unsigned);
  std::vector<char> weights(Nout * K);
  for (int64_t row = 0; row < Nout; ++row)
    for (int64_t k = 0; k < K; ++k)
      weights[row * K + k] =
          unpackField(ArrayRef<char>(*packedBytes).slice((row * blocks + k / block) * blobSize,
                                                         blobSize),
                      k % block, bits);
  std::string name = n.node.input(1);
  Value q = byteConstant(n, RankedTensorType::get({Nout, K}, quantType), std::move(weights), name);

  // Zero points: packed like B, one per block; by default the mid value.
  std::vector<char> zeroPoints(Nout * blocks, static_cast<char>(1 << (bits - 1)));
  if (n.hasInput(3)) {
    Value zp = n.input(3);
    if (isa<FloatType>(elementOf(zp)))
      return n.error() << "float zero_points are not supported: expected packed uint8, got "
                       << zp.getType();
    if (elementOf(zp) != u8)
      return n.error() << "zero_points must be packed uint8, got " << zp.getType();
    auto zpBytes = uint8Bytes(n, zp);
    int64_t rowBytes = (blocks * bits + 7) / 8;
    if (!zpBytes)
      return n.error() << "zero_points must be a constant initializer, got a runtime value";
    if (static_cast<int64_t>(zpBytes->size()) != Nout * rowBytes)
      return n.error() << "zero_points must have N * ceil(n_blocks * bits / 8) = "
                       << Nout * rowBytes << " bytes, got " << zp.getType();
    for (int64_t row = 0; row < Nout; ++row)
      for (int64_t blk = 0; blk < blocks; ++blk)
        zeroPoints[row * blocks + blk] =
            unpackField(ArrayRef<char>(*zpBytes).slice(row * rowBytes, rowBytes), blk, bits);
  }
  Value zp = byteConstant(n, RankedTensorType::get({Nout, blocks}, quantType),
                          std::move(zeroPoints), name + ".zero_points");
  Value scale = n.reshape(scales, {n.b.getIndexAttr(Nout), n.b.getIndexAttr(blocks)});
  Value weight = n.createOp<DequantizeOp>(RankedTensorType::get({Nout, K}, elementOf(a)), q,
                                          scale, zp, /*axis=*/1, block);
  SmallVector<int64_t> outShape(typeOf(a).getShape());
  outShape.back() = Nout;
  n.setOutput(0, n.createOp<LinearOp>(typeOf(a).clone(outShape), a, weight, n.input(5),
                                      /*residual=*/Value(), n.b.getBoolAttr(true),
                                      n.b.getStringAttr("none")));
  return success();
}

//===----------------------------------------------------------------------===//
// Attention
//===----------------------------------------------------------------------===//

/// Applies rotary embedding to [B, H, S, D] heads at positions [S] or [B, S].
Value applyRotary(N &n, Value heads, Value cosCache, Value sinCache, Value positions,
                  bool interleaved, int64_t rotaryDim = 0) {
  Value cos = n.build<GatherOp>(cosCache, positions, 0);
  Value sin = n.build<GatherOp>(sinCache, positions, 0);
  // [S, R/2] -> [1, 1, S, R/2]; [B, S, R/2] -> [B, 1, S, R/2].
  SmallVector<int64_t> axes = rankOf(positions) == 1 ? SmallVector<int64_t>{0, 1}
                                                     : SmallVector<int64_t>{1};
  cos = n.unsqueeze(cos, axes);
  sin = n.unsqueeze(sin, axes);
  return n.createOp<RotaryEmbeddingOp>(
      typeOf(heads), heads, cos, sin, interleaved,
      rotaryDim ? n.b.getI64IntegerAttr(rotaryDim) : IntegerAttr());
}

LogicalResult importGroupQueryAttention(N &n) {
  // query, key?, value?, past_key, past_value, seqlens_k,
  // total_sequence_length, cos_cache?, sin_cache?
  if (failed(n.checkInputs(1, 9)))
    return failure();
  auto heads = headsAttr(n, "num_heads"), kvHeads = headsAttr(n, "kv_num_heads");
  auto doRotary = n.intAttr("do_rotary", 0), interleaved = n.intAttr("rotary_interleaved", 0);
  auto window = n.intAttr("local_window_size", -1), smooth = n.intAttr("smooth_softmax", 0);
  auto softcap = n.floatAttr("softcap", 0.0f);
  if (failed(heads) || failed(kvHeads) || failed(doRotary) || failed(interleaved) ||
      failed(window) || failed(smooth) || failed(softcap))
    return failure();
  if (*window != -1)
    return n.error() << "local_window_size (sliding-window attention) is not supported: "
                     << "expected -1, got " << *window;
  if (*smooth)
    return n.error() << "smooth_softmax is not supported: expected 0, got " << *smooth;
  if (*heads % *kvHeads != 0)
    return n.error() << "num_heads " << *heads << " is not a multiple of kv_num_heads "
                     << *kvHeads;
  if (!n.hasInput(1) || !n.hasInput(2))
    return n.error() << "packed QKV (no key/value inputs) is not supported: expected query, "
                     << "key and value, got query " << n.input(0).getType() << " alone";
  if (!n.hasInput(3) || !n.hasInput(4))
    return n.error() << "past_key and past_value are required";
  if (!n.hasInput(5) || !n.hasInput(6))
    return n.error() << "seqlens_k and total_sequence_length are required";
  Value q = toHeads(n, n.input(0), *heads, "query");
  Value k = toHeads(n, n.input(1), *kvHeads, "key");
  Value v = toHeads(n, n.input(2), *kvHeads, "value");
  Value pastKey = n.input(3), pastValue = n.input(4);
  if (rankOf(pastKey) != 4 || rankOf(pastValue) != 4)
    return n.error() << "past_key/past_value must be 4-D [batch, kv_heads, past_seq, head_dim]";
  // New tokens sit at positions [past, past + S).
  OpFoldResult past = n.dim(pastKey, 2), seq = n.dim(q, 2);
  OpFoldResult total = n.add(past, seq);
  if (*doRotary) {
    if (!n.hasInput(7) || !n.hasInput(8))
      return n.error() << "do_rotary needs cos_cache and sin_cache";
    Value positions = indexRange(n, past, total);
    q = applyRotary(n, q, n.input(7), n.input(8), positions, *interleaved);
    k = applyRotary(n, k, n.input(7), n.input(8), positions, *interleaved);
  }
  Value key = n.build<ConcatOp>(ValueRange{pastKey, k}, 2);
  Value value = n.build<ConcatOp>(ValueRange{pastValue, v}, 2);
  // seqlens_k[b] is the index of sequence b's last valid key.
  Value mask = lengthMask(n, n.input(5), total, /*inclusive=*/true);
  n.setOutput(0, attend(n, q, key, value, mask, optionalScale(n), "lower_right", *softcap));
  n.setOutput(1, key);
  n.setOutput(2, value);
  return success();
}

/// The keep-mask of a key padding mask: [B] lengths or [B, T] 0/1.
FailureOr<Value> keyPaddingMask(N &n, Value mask, OpFoldResult numKeys) {
  if (rankOf(mask) == 1)
    return lengthMask(n, mask, numKeys);
  if (rankOf(mask) == 2)
    return n.unsqueeze(nonZero(n, mask), {1, 2});
  if (rankOf(mask) == 3)
    return n.unsqueeze(nonZero(n, mask), {1});
  return n.error() << "mask of shape " << mask.getType() << " is not supported (expected [batch], "
                   << "[batch, total_seq] or [batch, seq, total_seq])";
}

LogicalResult importMultiHeadAttention(N &n) {
  // query, key, value, bias?, key_padding_mask?, attention_bias?, past_key?,
  // past_value?
  if (failed(n.checkInputs(1, 8)))
    return failure();
  auto heads = headsAttr(n, "num_heads");
  auto unidirectional = n.intAttr("unidirectional", 0);
  auto filter = n.floatAttr("mask_filter_value", -10000.0f);
  if (failed(heads) || failed(unidirectional) || failed(filter))
    return failure();
  if (!n.hasInput(1) || !n.hasInput(2)) {
    auto diag = n.error() << "packed QKV or KV (no value input) is not supported: expected "
                          << "query, key and value, got query " << n.input(0).getType();
    if (n.hasInput(1))
      diag << " and key " << n.input(1).getType();
    else
      diag << " alone";
    return diag;
  }
  Value query = n.input(0), keyIn = n.input(1), valueIn = n.input(2);
  if (Value bias = n.input(3)) {
    // bias is [q_hidden + k_hidden + v_hidden]; thirds when the sizes agree.
    int64_t total = typeOf(bias).getDimSize(0);
    if (rankOf(bias) != 1 || ShapedType::isDynamic(total) || total % 3 != 0)
      return n.error() << "bias must be 1-D of 3 * hidden static entries, got " << bias.getType();
    int64_t h = total / 3;
    auto pieces = n.createOp<SplitOp>(
        TypeRange{typeOf(bias).clone({h}), typeOf(bias).clone({h}), typeOf(bias).clone({h})},
        bias, 0, n.b.getDenseI64ArrayAttr({h, h, h}));
    query = n.build<AddOp>(query, pieces.getResult(0));
    if (rankOf(keyIn) == 3)
      keyIn = n.build<AddOp>(keyIn, pieces.getResult(1));
    if (rankOf(valueIn) == 3)
      valueIn = n.build<AddOp>(valueIn, pieces.getResult(2));
  }
  Value q = toHeads(n, query, *heads, "query");
  // 4-D key/value are already [B, H, L, D] (a cross-attention cache).
  Value k = rankOf(keyIn) == 4 ? keyIn : toHeads(n, keyIn, *heads, "key");
  Value v = rankOf(valueIn) == 4 ? valueIn : toHeads(n, valueIn, *heads, "value");
  if (n.hasInput(6) != n.hasInput(7))
    return n.error() << "past_key and past_value must be given together";
  if (n.hasInput(6)) {
    k = n.build<ConcatOp>(ValueRange{n.input(6), k}, 2);
    v = n.build<ConcatOp>(ValueRange{n.input(7), v}, 2);
  }
  Value keep;
  if (n.hasInput(4)) {
    auto m = keyPaddingMask(n, n.input(4), n.dim(k, 2));
    if (failed(m))
      return failure();
    keep = *m;
  }
  Value mask = combineMasks(n, keep, n.input(5), elementOf(q), *filter);
  n.setOutput(0, attend(n, q, k, v, mask, optionalScale(n),
                        *unidirectional ? "lower_right" : "none"));
  n.setOutput(1, k);
  n.setOutput(2, v);
  return success();
}

LogicalResult importAttention(N &n) {
  // input, weights, bias?, mask_index?, past?, attention_bias?,
  // past_sequence_length?
  if (failed(n.checkInputs(2, 7)))
    return failure();
  auto heads = headsAttr(n, "num_heads");
  auto unidirectional = n.intAttr("unidirectional", 0);
  auto filter = n.floatAttr("mask_filter_value", -10000.0f);
  auto doRotary = n.intAttr("do_rotary", 0), shareBuffer = n.intAttr("past_present_share_buffer", 0);
  if (failed(heads) || failed(unidirectional) || failed(filter) || failed(doRotary) ||
      failed(shareBuffer))
    return failure();
  if (*doRotary)
    return n.error() << "do_rotary is not supported: expected 0, got " << *doRotary;
  if (*shareBuffer)
    return n.error() << "past_present_share_buffer is not supported: expected 0, got "
                     << *shareBuffer;
  Value input = n.input(0), weights = n.input(1);
  if (rankOf(input) != 3 || rankOf(weights) != 2)
    return n.error() << "input must be 3-D and weights 2-D, got " << input.getType() << " and "
                     << weights.getType();
  int64_t width = typeOf(weights).getDimSize(1);
  SmallVector<int64_t> sizes;
  if (n.findAttr("qkv_hidden_sizes")) {
    auto attr = n.intsAttr("qkv_hidden_sizes");
    if (failed(attr))
      return failure();
    sizes = *attr;
  } else if (!ShapedType::isDynamic(width) && width % 3 == 0) {
    sizes.assign(3, width / 3);
  }
  if (sizes.size() != 3 || sizes[0] + sizes[1] + sizes[2] != width)
    return n.error() << "cannot split weights of width " << width << " into Q, K and V";
  SmallVector<int64_t> outShape(typeOf(input).getShape());
  outShape.back() = width;
  Value qkv = n.createOp<LinearOp>(typeOf(input).clone(outShape), input, weights, n.input(2),
                                   /*residual=*/Value(), n.b.getBoolAttr(false),
                                   n.b.getStringAttr("none"));
  SmallVector<Type> types;
  for (int64_t size : sizes) {
    outShape.back() = size;
    types.push_back(typeOf(input).clone(outShape));
  }
  auto split = n.createOp<SplitOp>(types, qkv, 2, n.b.getDenseI64ArrayAttr(sizes));
  Value q = toHeads(n, split.getResult(0), *heads, "query");
  Value k = toHeads(n, split.getResult(1), *heads, "key");
  Value v = toHeads(n, split.getResult(2), *heads, "value");
  if (Value past = n.input(4)) {
    // past is [2, B, H, P, D]: keys then values.
    if (rankOf(past) != 5)
      return n.error() << "past must be 5-D [2, batch, heads, past_seq, head_dim], got "
                       << past.getType();
    auto half = [&](int64_t i) {
      Value slice = n.sliceAxis(past, 0, n.b.getIndexAttr(i), n.b.getIndexAttr(i + 1));
      return n.build<SqueezeOp>(slice, n.b.getDenseI64ArrayAttr({0}));
    };
    k = n.build<ConcatOp>(ValueRange{half(0), k}, 2);
    v = n.build<ConcatOp>(ValueRange{half(1), v}, 2);
  }
  if (n.hasOutput(1))
    n.setOutput(1, n.build<ConcatOp>(ValueRange{n.unsqueeze(k, {0}), n.unsqueeze(v, {0})}, 0));
  Value keep;
  if (n.hasInput(3)) {
    auto m = keyPaddingMask(n, n.input(3), n.dim(k, 2));
    if (failed(m))
      return failure();
    keep = *m;
  }
  Value mask = combineMasks(n, keep, n.input(5), elementOf(q), *filter);
  n.setOutput(0, attend(n, q, k, v, mask, optionalScale(n),
                        *unidirectional ? "lower_right" : "none"));
  return success();
}

LogicalResult importRotaryEmbedding(N &n) {
  // input, position_ids, cos_cache, sin_cache
  if (failed(n.checkInputs(4, 4)))
    return failure();
  auto interleaved = n.intAttr("interleaved", 0), rotaryDim = n.intAttr("rotary_embedding_dim", 0),
       numHeads = n.intAttr("num_heads", 0), packed = n.intAttr("is_packed_batching", 0);
  auto scale = n.floatAttr("scale", 1.0f);
  if (failed(interleaved) || failed(rotaryDim) || failed(numHeads) || failed(packed) ||
      failed(scale))
    return failure();
  if (*packed)
    return n.error() << "is_packed_batching is not supported: expected 0, got " << *packed;
  if (*scale != 1.0f)
    return n.error() << "scale is not supported: expected 1, got " << *scale;
  Value x = n.input(0), positions = n.castTo(n.input(1), n.b.getI64Type());
  Value cosCache = n.input(2), sinCache = n.input(3);
  if (rankOf(cosCache) != 2)
    return n.error() << "cos_cache must be 2-D [max_position, rotary_dim / 2], got "
                     << cosCache.getType();
  Value heads = x;
  if (rankOf(x) == 3 && *rotaryDim > 0 && *numHeads <= 0)
    return n.error() << "rotary_embedding_dim " << *rotaryDim
                     << " of a 3-D input needs num_heads, got none";
  if (rankOf(x) == 3) {
    // The head size is hidden / num_heads, or else twice the caches' width.
    int64_t halfDim = typeOf(cosCache).getDimSize(1);
    int64_t headSize = 0, hidden = typeOf(x).getDimSize(2);
    if (*numHeads > 0 && !ShapedType::isDynamic(hidden))
      headSize = hidden / *numHeads;
    else if (*numHeads <= 0 && !ShapedType::isDynamic(halfDim))
      headSize = 2 * halfDim;
    if (headSize <= 0 || ShapedType::isDynamic(hidden) || hidden % headSize != 0)
      return n.error() << "cannot tell the head size of " << x.getType() << " (num_heads "
                       << *numHeads << ", cos_cache " << cosCache.getType()
                       << "): expected a static hidden size divisible by num_heads, or "
                       << "without num_heads by twice the cos_cache width";
    heads = toHeads(n, x, hidden / headSize, "input");
  } else if (rankOf(x) != 4) {
    return n.error() << "input must be 3-D or 4-D, got " << x.getType();
  }
  if (rankOf(positions) == 1) {
    // A single offset: positions offset + [0, S).
    if (typeOf(positions).getDimSize(0) != 1)
      return n.error() << "1-D position_ids must hold one offset";
    auto offset = n.knownElements(positions);
    OpFoldResult start = offset ? (*offset)[0] : OpFoldResult(n.b.getIndexAttr(0));
    if (!offset)
      return n.error() << "a 1-D position offset must be a constant or computable from shapes";
    positions = indexRange(n, start, n.add(start, n.dim(heads, 2)));
  }
  Value result = applyRotary(n, heads, cosCache, sinCache, positions, *interleaved != 0,
                             *rotaryDim);
  n.setOutput(0, rankOf(x) == 3 ? n.mergeHeads(result) : result);
  return success();
}

} // namespace

void onnx_import::addMicrosoftDomainOps(std::vector<OpEntry> &t) {
  auto add = [&](const char *op, NodeHandler h, const char *notes = "") {
    t.push_back({"com.microsoft", op, 1, std::move(h), notes});
  };
  add("Attention", importAttention, "packed QKV weights, mask_index [B]/[B,T]/[B,S,T], past");
  add("BiasAdd", importBiasAdd);
  add("BiasGelu", [](N &n) { return importGelu(n, "none", BiasInput::Required); });
  add("EmbedLayerNormalization", importEmbedLayerNorm);
  add("FastGelu", [](N &n) { return importGelu(n, "tanh", BiasInput::Optional); });
  add("Gelu", [](N &n) { return importGelu(n, "none", BiasInput::None); });
  add("GroupQueryAttention", importGroupQueryAttention,
      "past K/V, seqlens_k padding, do_rotary; no sliding window");
  add("MatMulNBits", importMatMulNBits, "2/4/8-bit blocks with packed zero points");
  add("MultiHeadAttention", importMultiHeadAttention, "bias, key padding mask, attention bias, past");
  add("QuickGelu", importQuickGelu);
  add("RotaryEmbedding", importRotaryEmbedding);
  add("SimplifiedLayerNormalization", importSimplifiedLayerNorm);
  add("SkipLayerNormalization", importSkipLayerNorm);
  add("SkipSimplifiedLayerNormalization", importSkipSimplifiedLayerNorm);
  // ONNX Runtime registers SimplifiedLayerNormalization in the default
  // domain too, and the genai model builder emits it there.
  t.push_back({"", "SimplifiedLayerNormalization", 1, importSimplifiedLayerNorm,
               "ONNX Runtime's registration in the default domain"});
}
