//===- LLMOps.cpp - llm op verifiers and result-type inference ------------===//

#include "dialects/LLM/IR/LLMOps.h"

#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/TypeUtilities.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallSet.h"

using namespace mlir;
using namespace mlir::llm;

//===----------------------------------------------------------------------===//
// Shared helpers
//===----------------------------------------------------------------------===//

namespace {

/// Formats a shape as `2x?x768` for diagnostics.
std::string shapeString(ArrayRef<int64_t> shape) {
  std::string result;
  llvm::raw_string_ostream os(result);
  llvm::interleave(
      shape, os,
      [&](int64_t dim) {
        if (ShapedType::isDynamic(dim))
          os << "?";
        else
          os << dim;
      },
      "x");
  return result;
}

RankedTensorType rankedOf(Value value) { return cast<RankedTensorType>(value.getType()); }
RankedTensorType rankedOf(Type type) { return cast<RankedTensorType>(type); }

/// Checks that `axis` is a valid dim index for `rank`.
LogicalResult checkAxis(std::optional<Location> loc, int64_t axis, int64_t rank,
                        StringRef what = "axis") {
  if (axis < 0 || axis >= rank)
    return emitOptionalError(loc, what, " ", axis, " is out of range for rank ", rank);
  return success();
}

/// Checks that `axes` are distinct valid dim indices for `rank`.
LogicalResult checkAxes(std::optional<Location> loc, ArrayRef<int64_t> axes, int64_t rank) {
  llvm::SmallSet<int64_t, 8> seen;
  for (int64_t axis : axes) {
    if (failed(checkAxis(loc, axis, rank)))
      return failure();
    if (!seen.insert(axis).second)
      return emitOptionalError(loc, "axis ", axis, " appears twice");
  }
  return success();
}

/// The element type that a quantized or plain element type computes in.
Type expressedElementType(Type type) {
  Type element = getElementTypeOrSelf(type);
  if (auto quant = dyn_cast<quant::QuantizedType>(element))
    return quant.getExpressedType();
  return element;
}

/// Numpy matmul result shape; fails when the contracted dims differ.
FailureOr<SmallVector<int64_t>> matmulShape(std::optional<Location> loc, ArrayRef<int64_t> lhs,
                                            ArrayRef<int64_t> rhs) {
  if (lhs.empty() || rhs.empty())
    return emitOptionalError(loc, "matmul operands must have rank >= 1");
  SmallVector<int64_t> a(lhs), b(rhs);
  bool lhsVector = a.size() == 1, rhsVector = b.size() == 1;
  if (lhsVector)
    a.insert(a.begin(), 1);
  if (rhsVector)
    b.push_back(1);
  int64_t k1 = a.back(), k2 = b[b.size() - 2];
  if (!ShapedType::isDynamic(k1) && !ShapedType::isDynamic(k2) && k1 != k2)
    return emitOptionalError(loc, "contracting dims differ: lhs has ", k1, ", rhs has ", k2);
  ArrayRef<int64_t> batchA = ArrayRef<int64_t>(a).drop_back(2);
  ArrayRef<int64_t> batchB = ArrayRef<int64_t>(b).drop_back(2);
  FailureOr<SmallVector<int64_t>> batch = broadcastShapes({batchA, batchB});
  if (failed(batch))
    return emitOptionalError(loc, "batch dims do not broadcast: ", shapeString(batchA), " vs ",
                             shapeString(batchB));
  SmallVector<int64_t> result = *batch;
  if (!lhsVector)
    result.push_back(a[a.size() - 2]);
  if (!rhsVector)
    result.push_back(b.back());
  return result;
}


/// Checks that a per-axis or sub-channel `!quant` element type of `type`
/// fits its shape: the quantized dims exist and the scales cover them.
LogicalResult verifyQuantTypeFits(Operation *op, RankedTensorType type) {
  Type element = type.getElementType();
  int64_t rank = type.getRank();
  if (auto perAxis = dyn_cast<quant::UniformQuantizedPerAxisType>(element)) {
    int64_t axis = perAxis.getQuantizedDimension();
    if (axis >= rank)
      return op->emitOpError() << "quantized dimension " << axis << " of " << perAxis
                               << " is out of range for rank " << rank;
    int64_t dim = type.getDimSize(axis);
    int64_t numScales = perAxis.getScales().size();
    if (!ShapedType::isDynamic(dim) && dim != numScales)
      return op->emitOpError() << "expected " << dim << " scales for dim " << axis
                               << ", got " << numScales << " in " << perAxis;
  }
  if (auto subChannel = dyn_cast<quant::UniformQuantizedSubChannelType>(element)) {
    ArrayRef<int64_t> scales = subChannel.getScales().getType().getShape();
    if (static_cast<int64_t>(scales.size()) != rank)
      return op->emitOpError() << "expected scales of rank " << rank << ", got rank "
                               << scales.size() << " in " << subChannel;
    SmallVector<int64_t> blocks(type.getShape());
    for (auto [axis, block] : subChannel.getBlockSizeInfo()) {
      if (axis >= rank)
        return op->emitOpError() << "quantized dimension " << axis << " of " << subChannel
                                 << " is out of range for rank " << rank;
      blocks[axis] = block;
    }
    for (int64_t d = 0; d < rank; ++d) {
      int64_t dim = type.getDimSize(d);
      if (ShapedType::isDynamic(dim) || ShapedType::isDynamic(blocks[d]))
        continue;
      if (blocks[d] <= 0 || dim % blocks[d] != 0 || dim / blocks[d] != scales[d])
        return op->emitOpError() << "expected dim " << d << " of size " << dim
                                 << " to hold " << scales[d] << " blocks of " << blocks[d]
                                 << " in " << subChannel;
    }
  }
  return success();
}

/// Verifies a mixed static/dynamic dim list: one operand per dynamic entry,
/// and no negative static entry.
LogicalResult verifyMixedDims(Operation *op, StringRef name, ArrayRef<int64_t> staticDims,
                              ValueRange dynamicDims) {
  int64_t numDynamic = llvm::count_if(staticDims, ShapedType::isDynamic);
  if (numDynamic != static_cast<int64_t>(dynamicDims.size()))
    return op->emitOpError() << name << " has " << numDynamic << " dynamic entries but "
                             << dynamicDims.size() << " index operands";
  for (int64_t dim : staticDims)
    if (!ShapedType::isDynamic(dim) && dim < 0)
      return op->emitOpError() << name << " has a negative size " << dim;
  return success();
}

/// Verifies that a result of `resultShape` agrees with the statically known
/// entries of `expected`.
LogicalResult verifyShapeAgrees(Operation *op, ArrayRef<int64_t> expected,
                                ArrayRef<int64_t> resultShape, StringRef what) {
  if (expected.size() != resultShape.size())
    return op->emitOpError() << "result rank " << resultShape.size() << " does not match the "
                             << what << " rank " << expected.size();
  for (auto [i, pair] : llvm::enumerate(llvm::zip(expected, resultShape))) {
    auto [want, have] = pair;
    if (!ShapedType::isDynamic(want) && !ShapedType::isDynamic(have) && want != have)
      return op->emitOpError() << "result dim " << i << " is " << have << " but the " << what
                               << " says " << want;
  }
  return success();
}

} // namespace

bool mlir::llm::areRefinementCompatible(TypeRange lhs, TypeRange rhs) {
  if (lhs.size() != rhs.size())
    return false;
  for (auto [l, r] : llvm::zip(lhs, rhs)) {
    if (getElementTypeOrSelf(l) != getElementTypeOrSelf(r))
      return false;
    if (failed(verifyCompatibleShape(l, r)))
      return false;
  }
  return true;
}

FailureOr<SmallVector<int64_t>> mlir::llm::broadcastShapes(ArrayRef<ArrayRef<int64_t>> shapes) {
  size_t rank = 0;
  for (ArrayRef<int64_t> shape : shapes)
    rank = std::max(rank, shape.size());
  SmallVector<int64_t> result(rank, 1);
  for (ArrayRef<int64_t> shape : shapes) {
    size_t offset = rank - shape.size();
    for (auto [i, dim] : llvm::enumerate(shape)) {
      int64_t &out = result[offset + i];
      if (dim == 1)
        continue;
      if (out == 1) {
        out = dim;
        continue;
      }
      if (ShapedType::isDynamic(dim))
        continue; // a static non-1 dim wins over a dynamic one
      if (ShapedType::isDynamic(out)) {
        out = dim;
        continue;
      }
      if (out != dim)
        return failure();
    }
  }
  return result;
}

LogicalResult mlir::llm::inferBroadcastResult(std::optional<Location> loc,
                                              ArrayRef<Type> operands, Type elementType,
                                              SmallVectorImpl<Type> &types) {
  SmallVector<ArrayRef<int64_t>> shapes;
  for (Type type : operands)
    shapes.push_back(rankedOf(type).getShape());
  FailureOr<SmallVector<int64_t>> shape = broadcastShapes(shapes);
  if (failed(shape)) {
    std::string all;
    llvm::interleave(
        shapes, [&](ArrayRef<int64_t> s) { all += shapeString(s); }, [&] { all += ", "; });
    return emitOptionalError(loc, "operand shapes do not broadcast: ", all);
  }
  Type element = elementType ? elementType : getElementTypeOrSelf(operands.back());
  types.push_back(RankedTensorType::get(*shape, element));
  return success();
}

LogicalResult mlir::llm::inferReductionResult(std::optional<Location> loc,
                                              RankedTensorType input, ArrayRef<int64_t> axes,
                                              bool keepDims, Type elementType,
                                              SmallVectorImpl<Type> &types) {
  int64_t rank = input.getRank();
  if (failed(checkAxes(loc, axes, rank)))
    return failure();
  if (!llvm::is_sorted(axes))
    return emitOptionalError(loc, "axes must be sorted");
  SmallVector<int64_t> shape;
  for (int64_t d = 0; d < rank; ++d) {
    bool reduced = axes.empty() || llvm::is_contained(axes, d);
    if (!reduced)
      shape.push_back(input.getDimSize(d));
    else if (keepDims)
      shape.push_back(1);
  }
  types.push_back(
      RankedTensorType::get(shape, elementType ? elementType : input.getElementType()));
  return success();
}

bool mlir::llm::broadcastsTo(ArrayRef<int64_t> shape, ArrayRef<int64_t> target) {
  if (shape.size() > target.size())
    return false;
  size_t offset = target.size() - shape.size();
  for (auto [i, dim] : llvm::enumerate(shape)) {
    int64_t want = target[offset + i];
    if (dim != 1 && !ShapedType::isDynamic(dim) && !ShapedType::isDynamic(want) && dim != want)
      return false;
  }
  return true;
}

LogicalResult mlir::llm::verifySameElementType(Operation *op, Type lhs, Type rhs) {
  if (getElementTypeOrSelf(lhs) != getElementTypeOrSelf(rhs))
    return op->emitOpError() << "operand element types differ: " << getElementTypeOrSelf(lhs)
                             << " vs " << getElementTypeOrSelf(rhs);
  return success();
}

//===----------------------------------------------------------------------===//
// Constants and shapes
//===----------------------------------------------------------------------===//

LogicalResult DimOp::verify() {
  return checkAxis(getLoc(), getIndex(), getInput().getType().getRank(), "dim");
}

LogicalResult ShapeOp::inferReturnTypes(MLIRContext *ctx, std::optional<Location> loc,
                                        Adaptor adaptor, SmallVectorImpl<Type> &types) {
  int64_t rank = rankedOf(adaptor.getInput().getType()).getRank();
  // ONNX Shape clamps start and end after counting negatives from the end.
  auto clampIndex = [&](int64_t i) {
    if (i < 0)
      i += rank;
    return std::clamp<int64_t>(i, 0, rank);
  };
  int64_t start = clampIndex(adaptor.getStart());
  int64_t end = adaptor.getEnd() ? clampIndex(*adaptor.getEnd()) : rank;
  types.push_back(RankedTensorType::get({std::max<int64_t>(end - start, 0)},
                                        IntegerType::get(ctx, 64)));
  return success();
}

LogicalResult FromDimsOp::verify() {
  // Negative entries are fine here: the tensor is data, not a shape.
  int64_t numDynamic = llvm::count_if(getStaticDims(), ShapedType::isDynamic);
  if (numDynamic != static_cast<int64_t>(getDims().size()))
    return emitOpError() << "has " << numDynamic << " dynamic entries but "
                         << getDims().size() << " index operands";
  // A single entry may also be a scalar (rank 0), as ONNX shape scalars are.
  int64_t count = getStaticDims().size();
  bool scalar = getType().getRank() == 0 && count == 1;
  if (!scalar && (getType().getRank() != 1 || getType().getDimSize(0) != count))
    return emitOpError() << "result must be a 1-D tensor of " << count
                         << (count == 1 ? " element or a scalar" : " elements") << ", got "
                         << getType();
  return success();
}

LogicalResult FullOp::verify() {
  if (failed(verifyMixedDims(*this, "shape", getStaticShape(), getShape())))
    return failure();
  if (getValue().getType() != getType().getElementType())
    return emitOpError() << "fill value has type " << getValue().getType()
                         << " but the result element type is " << getType().getElementType();
  return verifyShapeAgrees(*this, getStaticShape(), getType().getShape(), "shape");
}

LogicalResult RangeOp::verify() {
  for (Value v : {getStart(), getLimit(), getDelta()}) {
    if (rankedOf(v).getRank() != 0)
      return emitOpError() << "start, limit and delta must be scalars (rank 0), got "
                           << v.getType();
    if (rankedOf(v).getElementType() != getType().getElementType())
      return emitOpError() << "start, limit and delta must have the result element type "
                           << getType().getElementType() << ", got " << v.getType();
  }
  if (getType().getRank() != 1)
    return emitOpError() << "result must be 1-D, got " << getType();
  return success();
}

//===----------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------===//

LogicalResult GeluOp::verify() {
  if (getApproximate() != "none" && getApproximate() != "tanh")
    return emitOpError() << "approximate must be \"none\" or \"tanh\", got \""
                         << getApproximate() << "\"";
  return success();
}

LogicalResult WhereOp::inferReturnTypes(MLIRContext *ctx, std::optional<Location> loc,
                                        Adaptor adaptor, SmallVectorImpl<Type> &types) {
  return inferBroadcastResult(loc,
                              {adaptor.getCondition().getType(), adaptor.getTrueValue().getType(),
                               adaptor.getFalseValue().getType()},
                              Type(), types);
}

LogicalResult WhereOp::verify() {
  return verifySameElementType(*this, getTrueValue().getType(), getFalseValue().getType());
}

LogicalResult CastOp::verify() {
  if (failed(verifyCompatibleShape(getInput().getType(), getType())))
    return emitOpError() << "input shape " << shapeString(rankedOf(getInput()).getShape())
                         << " and result shape " << shapeString(getType().getShape())
                         << " differ";
  return success();
}

//===----------------------------------------------------------------------===//
// Linear algebra
//===----------------------------------------------------------------------===//

LogicalResult MatmulOp::inferReturnTypes(MLIRContext *ctx, std::optional<Location> loc,
                                         Adaptor adaptor, SmallVectorImpl<Type> &types) {
  auto lhs = rankedOf(adaptor.getLhs().getType());
  auto rhs = rankedOf(adaptor.getRhs().getType());
  if (lhs.getElementType() != rhs.getElementType())
    return emitOptionalError(loc, "operand element types differ: ", lhs.getElementType(),
                             " vs ", rhs.getElementType());
  FailureOr<SmallVector<int64_t>> shape = matmulShape(loc, lhs.getShape(), rhs.getShape());
  if (failed(shape))
    return failure();
  types.push_back(RankedTensorType::get(*shape, lhs.getElementType()));
  return success();
}

LogicalResult LinearOp::inferReturnTypes(MLIRContext *ctx, std::optional<Location> loc,
                                         Adaptor adaptor, SmallVectorImpl<Type> &types) {
  auto input = rankedOf(adaptor.getInput().getType());
  auto weight = rankedOf(adaptor.getWeight().getType());
  if (input.getRank() < 1)
    return emitOptionalError(loc, "input must have rank >= 1");
  if (weight.getRank() != 2)
    return emitOptionalError(loc, "weight must be 2-D, got rank ", weight.getRank());
  bool transposed = adaptor.getTransposeWeight();
  int64_t k = weight.getDimSize(transposed ? 1 : 0), n = weight.getDimSize(transposed ? 0 : 1);
  int64_t inputK = input.getShape().back();
  if (!ShapedType::isDynamic(k) && !ShapedType::isDynamic(inputK) && k != inputK)
    return emitOptionalError(loc, "input has ", inputK, " features but the weight expects ", k);
  SmallVector<int64_t> shape(input.getShape());
  shape.back() = n;
  types.push_back(RankedTensorType::get(shape, input.getElementType()));
  return success();
}

LogicalResult LinearOp::verify() {
  if (failed(verifySameElementType(*this, getInput().getType(), getWeight().getType())))
    return failure();
  StringRef activation = getActivation();
  if (!llvm::is_contained({"none", "gelu", "gelu_tanh", "silu", "relu"}, activation))
    return emitOpError() << "activation must be none, gelu, gelu_tanh, silu or relu, got \""
                         << activation << "\"";
  if (Value residual = getResidual()) {
    if (!areRefinementCompatible(rankedOf(residual), getType()))
      return emitOpError() << "residual " << residual.getType() << " must have the result type "
                           << getType();
  }
  if (Value bias = getBias()) {
    auto biasType = rankedOf(bias);
    if (biasType.getRank() != 1)
      return emitOpError() << "bias must be 1-D, got " << bias.getType();
    // A rank-0 result is left to the result-type inference, which runs after
    // this verifier and reports the rank-0 input.
    if (getType().getRank() == 0)
      return success();
    int64_t n = getType().getShape().back();
    if (!ShapedType::isDynamic(n) && !biasType.isDynamicDim(0) && biasType.getDimSize(0) != n)
      return emitOpError() << "bias has " << biasType.getDimSize(0)
                           << " elements but the output has " << n << " features";
    return verifySameElementType(*this, getInput().getType(), bias.getType());
  }
  return success();
}

//===----------------------------------------------------------------------===//
// Reductions and normalizations
//===----------------------------------------------------------------------===//

LogicalResult ArgMaxOp::inferReturnTypes(MLIRContext *ctx, std::optional<Location> loc,
                                         Adaptor adaptor, SmallVectorImpl<Type> &types) {
  return inferReductionResult(loc, rankedOf(adaptor.getInput().getType()), {static_cast<int64_t>(adaptor.getAxis())},
                              adaptor.getKeepdims(), IntegerType::get(ctx, 64), types);
}

template <typename OpTy> static LogicalResult verifySoftmaxLike(OpTy op) {
  return checkAxis(op.getLoc(), op.getAxis(), op.getType().getRank());
}
LogicalResult SoftmaxOp::verify() { return verifySoftmaxLike(*this); }
LogicalResult LogSoftmaxOp::verify() { return verifySoftmaxLike(*this); }

/// Checks that a norm's `param` broadcasts to the normalized dims of `input`.
static LogicalResult verifyNormParam(Operation *op, StringRef name, Value param,
                                     RankedTensorType input, int64_t axis) {
  if (!param)
    return success();
  auto type = rankedOf(param);
  ArrayRef<int64_t> normalized = input.getShape().drop_front(axis);
  if (type.getRank() > static_cast<int64_t>(normalized.size()))
    return op->emitOpError() << name << " has rank " << type.getRank()
                             << " but only " << normalized.size() << " dims are normalized";
  if (!broadcastsTo(type.getShape(), normalized))
    return op->emitOpError() << name << " shape " << shapeString(type.getShape())
                             << " does not broadcast to the normalized dims "
                             << shapeString(normalized);
  if (type.getElementType() != input.getElementType())
    return op->emitOpError() << name << " element type " << type.getElementType()
                             << " differs from the input's " << input.getElementType();
  return success();
}

LogicalResult LayerNormOp::verify() {
  auto input = getInput().getType();
  if (failed(checkAxis(getLoc(), getAxis(), input.getRank())))
    return failure();
  if (getEpsilon().isNegative())
    return emitOpError() << "epsilon must be >= 0";
  if (failed(verifyNormParam(*this, "scale", getScale(), input, getAxis())))
    return failure();
  return verifyNormParam(*this, "bias", getBias(), input, getAxis());
}

LogicalResult RmsNormOp::verify() {
  auto input = getInput().getType();
  if (failed(checkAxis(getLoc(), getAxis(), input.getRank())))
    return failure();
  if (getEpsilon().isNegative())
    return emitOpError() << "epsilon must be >= 0";
  return verifyNormParam(*this, "scale", getScale(), input, getAxis());
}

//===----------------------------------------------------------------------===//
// Attention
//===----------------------------------------------------------------------===//

LogicalResult AttentionOp::inferReturnTypes(MLIRContext *ctx, std::optional<Location> loc,
                                            Adaptor adaptor, SmallVectorImpl<Type> &types) {
  auto q = rankedOf(adaptor.getQuery().getType());
  auto v = rankedOf(adaptor.getValue().getType());
  if (q.getRank() != 4 || v.getRank() != 4)
    return emitOptionalError(loc, "query, key and value must be 4-D [batch, heads, seq, "
                                  "head_dim] or [batch, seq, heads, head_dim]");
  // [B, H, Sq, Dv] or, with layout = "bshd", [B, Sq, H, Dv]; packed, H is
  // the query's head count.
  SmallVector<int64_t> shape = {q.getDimSize(0), q.getDimSize(1), q.getDimSize(2),
                                v.getDimSize(3)};
  if (auto packed = adaptor.getPackedHeads(); packed && !packed->empty())
    shape[2] = (*packed)[0];
  types.push_back(RankedTensorType::get(shape, q.getElementType()));
  return success();
}

SmallVector<int64_t> AttentionOp::getHeadsShape(Value operand, int which) {
  auto shape = llvm::to_vector(cast<RankedTensorType>(operand.getType()).getShape());
  if (auto packed = getPackedHeads(); packed && shape.size() == 4 && packed->size() == 3)
    shape[getHeadsDim()] = (*packed)[which];
  return shape;
}

LogicalResult AttentionOp::verify() {
  auto q = getQuery().getType(), k = getKey().getType(), v = getValue().getType();
  if (getLayout() != "bhsd" && getLayout() != "bshd")
    return emitOpError() << "layout must be \"bhsd\" or \"bshd\", got \"" << getLayout() << "\"";
  const bool bshd = getLayout() == "bshd";
  if (auto packed = getPackedHeads()) {
    if (!bshd)
      return emitOpError() << "packed_heads needs layout = \"bshd\"";
    if (packed->size() != 3 || llvm::any_of(*packed, [](int64_t h) { return h <= 0; }))
      return emitOpError() << "packed_heads must be three positive head counts [q, k, v]";
    if (getQuery() != getKey() || getQuery() != getValue())
      return emitOpError() << "with packed_heads, query, key and value must be one value";
    if (q.getRank() == 4) {
      const int64_t heads = q.getDimSize(2), sum = (*packed)[0] + (*packed)[1] + (*packed)[2];
      if (!ShapedType::isDynamic(heads) && heads != sum)
        return emitOpError() << "packed_heads sum to " << sum << " heads, the tensor has "
                             << heads;
    }
    // The checks below see the three as their heads.
    q = RankedTensorType::get(getQueryShape(), q.getElementType());
    k = RankedTensorType::get(getKeyShape(), k.getElementType());
    v = RankedTensorType::get(getValueShape(), v.getElementType());
  }
  const int64_t hd = getHeadsDim(), sd = getSeqDim();
  // The result-type inference runs after this verifier, so check the ranks
  // here before reading any dim.
  if (q.getRank() != 4)
    return emitOpError() << "query must be 4-D "
                         << (bshd ? "[batch, q_seq, heads, head_dim]" : "[batch, heads, q_seq, head_dim]")
                         << ", got " << q;
  if (k.getRank() != 4)
    return emitOpError() << "key must be 4-D "
                         << (bshd ? "[batch, kv_seq, kv_heads, head_dim]"
                                  : "[batch, kv_heads, kv_seq, head_dim]")
                         << ", got " << k;
  if (v.getRank() != 4)
    return emitOpError() << "value must be 4-D "
                         << (bshd ? "[batch, kv_seq, kv_heads, v_head_dim]"
                                  : "[batch, kv_heads, kv_seq, v_head_dim]")
                         << ", got " << v;
  auto mismatch = [](int64_t a, int64_t b) {
    return !ShapedType::isDynamic(a) && !ShapedType::isDynamic(b) && a != b;
  };
  if (mismatch(q.getDimSize(0), k.getDimSize(0)) || mismatch(q.getDimSize(0), v.getDimSize(0)) ||
      mismatch(k.getDimSize(0), v.getDimSize(0)))
    return emitOpError() << "query, key and value must share the batch dim, got " << q << ", "
                         << k << " and " << v;
  if (mismatch(q.getDimSize(3), k.getDimSize(3)))
    return emitOpError() << "query head_dim " << q.getDimSize(3) << " differs from key head_dim "
                         << k.getDimSize(3);
  if (mismatch(k.getDimSize(1), v.getDimSize(1)) || mismatch(k.getDimSize(2), v.getDimSize(2)))
    return emitOpError() << "key and value disagree on heads or sequence: " << k << " vs " << v;
  int64_t qHeads = q.getDimSize(hd), kvHeads = k.getDimSize(hd);
  if (!ShapedType::isDynamic(qHeads) && !ShapedType::isDynamic(kvHeads) &&
      (kvHeads == 0 || qHeads % kvHeads != 0))
    return emitOpError() << "query heads (" << qHeads << ") must be a multiple of kv heads ("
                         << kvHeads << ")";
  if (failed(verifySameElementType(*this, q, k)) || failed(verifySameElementType(*this, q, v)))
    return failure();
  StringRef causal = getCausal();
  if (causal != "none" && causal != "upper_left" && causal != "lower_right")
    return emitOpError() << "causal must be \"none\", \"upper_left\" or \"lower_right\", got \""
                         << causal << "\"";
  if (getSoftcap().isNegative())
    return emitOpError() << "softcap must be >= 0";
  if (getMaskedRows() != "zero" && getMaskedRows() != "uniform")
    return emitOpError() << "masked_rows must be \"zero\" or \"uniform\", got \""
                         << getMaskedRows() << "\"";
  if (Value mask = getMask()) {
    auto maskType = rankedOf(mask);
    Type element = maskType.getElementType();
    if (!element.isInteger(1) && element != q.getElementType())
      return emitOpError() << "mask must be i1 or " << q.getElementType() << ", got " << element;
    SmallVector<int64_t> scores = {q.getDimSize(0), q.getDimSize(hd), q.getDimSize(sd),
                                   k.getDimSize(sd)};
    if (!broadcastsTo(maskType.getShape(), scores))
      return emitOpError() << "mask shape " << shapeString(maskType.getShape())
                           << " does not broadcast to the scores " << shapeString(scores);
  }
  return success();
}

LogicalResult RotaryEmbeddingOp::verify() {
  auto input = getInput().getType();
  if (getLayout() != "bhsd" && getLayout() != "bshd")
    return emitOpError() << "layout must be \"bhsd\" or \"bshd\", got \"" << getLayout() << "\"";
  const bool bshd = getLayout() == "bshd";
  if (input.getRank() != 4)
    return emitOpError() << "input must be 4-D "
                         << (bshd ? "[batch, seq, heads, head_dim]" : "[batch, heads, seq, head_dim]")
                         << ", got " << input;
  int64_t headDim = input.getDimSize(3);
  int64_t rotaryDim = getRotaryDim().value_or(headDim);
  if (!ShapedType::isDynamic(rotaryDim)) {
    if (rotaryDim <= 0 || rotaryDim % 2 != 0)
      return emitOpError() << "rotary_dim must be positive and even, got " << rotaryDim;
    if (!ShapedType::isDynamic(headDim) && rotaryDim > headDim)
      return emitOpError() << "rotary_dim " << rotaryDim << " exceeds head_dim " << headDim;
  }
  for (Value table : {getCos(), getSin()}) {
    auto type = rankedOf(table);
    if (type.getElementType() != input.getElementType())
      return emitOpError() << "cos and sin must have element type " << input.getElementType()
                           << ", got " << type.getElementType();
    // [batch, heads, seq, rotary_dim / 2] whatever the layout.
    SmallVector<int64_t> target(input.getShape());
    if (bshd)
      std::swap(target[1], target[2]);
    target.back() = ShapedType::isDynamic(rotaryDim) ? ShapedType::kDynamic : rotaryDim / 2;
    if (!broadcastsTo(type.getShape(), target))
      return emitOpError() << "cos/sin shape " << shapeString(type.getShape())
                           << " does not broadcast to " << shapeString(target);
  }
  return success();
}

//===----------------------------------------------------------------------===//
// Data movement
//===----------------------------------------------------------------------===//

LogicalResult GatherOp::inferReturnTypes(MLIRContext *ctx, std::optional<Location> loc,
                                         Adaptor adaptor, SmallVectorImpl<Type> &types) {
  auto data = rankedOf(adaptor.getData().getType());
  auto indices = rankedOf(adaptor.getIndices().getType());
  int64_t axis = adaptor.getAxis();
  if (failed(checkAxis(loc, axis, data.getRank())))
    return failure();
  SmallVector<int64_t> shape(data.getShape().take_front(axis));
  llvm::append_range(shape, indices.getShape());
  llvm::append_range(shape, data.getShape().drop_front(axis + 1));
  types.push_back(RankedTensorType::get(shape, data.getElementType()));
  return success();
}

LogicalResult GatherNdOp::inferReturnTypes(MLIRContext *ctx, std::optional<Location> loc,
                                           Adaptor adaptor, SmallVectorImpl<Type> &types) {
  auto data = rankedOf(adaptor.getData().getType());
  auto indices = rankedOf(adaptor.getIndices().getType());
  int64_t batchDims = adaptor.getBatchDims();
  if (indices.getRank() < 1)
    return emitOptionalError(loc, "indices must have rank >= 1");
  int64_t depth = indices.getShape().back();
  if (ShapedType::isDynamic(depth))
    return emitOptionalError(loc, "the last dim of indices must be static");
  if (batchDims < 0 || batchDims >= indices.getRank() || batchDims + depth > data.getRank())
    return emitOptionalError(loc, "batch_dims ", batchDims, " and index depth ", depth,
                             " do not fit data of rank ", data.getRank(),
                             " and indices of rank ", indices.getRank());
  SmallVector<int64_t> shape(indices.getShape().drop_back());
  llvm::append_range(shape, data.getShape().drop_front(batchDims + depth));
  types.push_back(RankedTensorType::get(shape, data.getElementType()));
  return success();
}

LogicalResult GatherElementsOp::verify() {
  auto data = getData().getType();
  if (data.getRank() != getIndices().getType().getRank())
    return emitOpError() << "data and indices must have the same rank, got " << data.getRank()
                         << " and " << getIndices().getType().getRank();
  if (data.getElementType() != getType().getElementType())
    return emitOpError() << "result element type " << getType().getElementType()
                         << " differs from the data's " << data.getElementType();
  return checkAxis(getLoc(), getAxis(), data.getRank());
}

LogicalResult ScatterNdOp::verify() {
  auto data = getData().getType(), indices = getIndices().getType(),
       updates = getUpdates().getType();
  StringRef reduction = getReduction();
  if (reduction != "none" && reduction != "add" && reduction != "mul" && reduction != "max" &&
      reduction != "min")
    return emitOpError() << "reduction must be none, add, mul, max or min, got \"" << reduction
                         << "\"";
  if (indices.getRank() < 1 || indices.isDynamicDim(indices.getRank() - 1))
    return emitOpError() << "the last dim of indices must be static, got " << indices;
  int64_t depth = indices.getShape().back();
  if (depth > data.getRank())
    return emitOpError() << "index depth " << depth << " exceeds the data rank " << data.getRank();
  SmallVector<int64_t> expected(indices.getShape().drop_back());
  llvm::append_range(expected, data.getShape().drop_front(depth));
  if (updates.getElementType() != data.getElementType())
    return emitOpError() << "updates element type " << updates.getElementType()
                         << " differs from the data's " << data.getElementType();
  if (failed(verifyCompatibleShape(expected, updates.getShape())))
    return emitOpError() << "updates shape " << shapeString(updates.getShape())
                         << " does not match indices[:-1] + data[depth:] = "
                         << shapeString(expected);
  return success();
}

LogicalResult TopKOp::verify() {
  auto input = getInput().getType();
  if (failed(checkAxis(getLoc(), getAxis(), input.getRank())))
    return failure();
  int64_t k = getK(), axis = getAxis();
  if (k < 0)
    return emitOpError() << "k must be >= 0, got " << k;
  int64_t dim = input.getDimSize(axis);
  if (!ShapedType::isDynamic(dim) && k > dim)
    return emitOpError() << "k = " << k << " exceeds the axis size " << dim;
  SmallVector<int64_t> expected(input.getShape());
  expected[axis] = k;
  for (Value result : {getValues(), getIndices()})
    if (failed(verifyShapeAgrees(*this, expected, rankedOf(result).getShape(), "top-k")))
      return failure();
  if (getValues().getType().getElementType() != input.getElementType())
    return emitOpError() << "values must have the input's element type " << input.getElementType();
  return success();
}

LogicalResult ReshapeOp::verify() {
  if (failed(verifyMixedDims(*this, "shape", getStaticShape(), getShape())))
    return failure();
  if (failed(verifyShapeAgrees(*this, getStaticShape(), getType().getShape(), "shape")))
    return failure();
  if (getInput().getType().getElementType() != getType().getElementType())
    return emitOpError() << "element type changes from " << getInput().getType().getElementType()
                         << " to " << getType().getElementType();
  auto input = getInput().getType();
  if (input.hasStaticShape() && getType().hasStaticShape() &&
      input.getNumElements() != getType().getNumElements())
    return emitOpError() << "cannot reshape " << input.getNumElements() << " elements ("
                         << shapeString(input.getShape()) << ") into "
                         << getType().getNumElements() << " ("
                         << shapeString(getType().getShape()) << ")";
  return success();
}

LogicalResult DynamicReshapeOp::verify() {
  auto shape = getShape().getType();
  if (shape.getRank() != 1)
    return emitOpError() << "shape must be 1-D, got " << shape;
  if (!shape.isDynamicDim(0) && shape.getDimSize(0) != getType().getRank())
    return emitOpError() << "shape has " << shape.getDimSize(0) << " entries but the result has rank "
                         << getType().getRank();
  return verifySameElementType(*this, getInput().getType(), getType());
}

LogicalResult TransposeOp::inferReturnTypes(MLIRContext *ctx, std::optional<Location> loc,
                                            Adaptor adaptor, SmallVectorImpl<Type> &types) {
  auto input = rankedOf(adaptor.getInput().getType());
  ArrayRef<int64_t> perm = adaptor.getPermutation();
  if (static_cast<int64_t>(perm.size()) != input.getRank())
    return emitOptionalError(loc, "permutation has ", perm.size(), " entries for rank ",
                             input.getRank());
  if (failed(checkAxes(loc, perm, input.getRank())))
    return failure();
  SmallVector<int64_t> shape;
  for (int64_t p : perm)
    shape.push_back(input.getDimSize(p));
  types.push_back(RankedTensorType::get(shape, input.getElementType()));
  return success();
}

LogicalResult ConcatOp::inferReturnTypes(MLIRContext *ctx, std::optional<Location> loc,
                                         Adaptor adaptor, SmallVectorImpl<Type> &types) {
  if (adaptor.getInputs().empty())
    return emitOptionalError(loc, "needs at least one input");
  auto first = rankedOf(adaptor.getInputs().front().getType());
  int64_t axis = adaptor.getAxis(), rank = first.getRank();
  if (failed(checkAxis(loc, axis, rank)))
    return failure();
  SmallVector<int64_t> shape(first.getShape());
  for (Value input : adaptor.getInputs().drop_front()) {
    auto type = rankedOf(input.getType());
    if (type.getRank() != rank || type.getElementType() != first.getElementType())
      return emitOptionalError(loc, "inputs must share rank and element type: ", first, " vs ",
                               type);
    for (int64_t d = 0; d < rank; ++d) {
      int64_t dim = type.getDimSize(d);
      if (d == axis) {
        shape[d] = (ShapedType::isDynamic(shape[d]) || ShapedType::isDynamic(dim))
                       ? ShapedType::kDynamic
                       : shape[d] + dim;
      } else if (ShapedType::isDynamic(shape[d])) {
        shape[d] = dim;
      } else if (!ShapedType::isDynamic(dim) && dim != shape[d]) {
        return emitOptionalError(loc, "inputs differ in dim ", d, " (", shape[d], " vs ", dim,
                                 ") outside the concatenation axis");
      }
    }
  }
  types.push_back(RankedTensorType::get(shape, first.getElementType()));
  return success();
}

int64_t mlir::llm::getSliceLength(int64_t start, int64_t end, int64_t step, int64_t size) {
  // Any slice of an empty dim is empty; returning early also keeps the
  // clamp bounds below ordered ([0, size - 1] is empty for size 0).
  if (size <= 0)
    return 0;
  auto clampIndex = [&](int64_t i, int64_t lo, int64_t hi) {
    if (i < 0)
      i = i + size; // may stay negative; clamped below
    return std::clamp(i, lo, hi);
  };
  if (step > 0) {
    start = clampIndex(start, 0, size);
    end = clampIndex(end, 0, size);
    return end > start ? (end - start - 1) / step + 1 : 0;
  }
  start = clampIndex(start, 0, size - 1);
  end = clampIndex(end, -1, size - 1);
  return start > end ? (start - end - 1) / -step + 1 : 0;
}

LogicalResult SliceOp::verify() {
  size_t n = getAxes().size();
  if (getStaticStarts().size() != n || getStaticEnds().size() != n || getSteps().size() != n)
    return emitOpError() << "axes, starts, ends and steps must have the same length";
  int64_t numDynStarts = llvm::count_if(getStaticStarts(), ShapedType::isDynamic);
  int64_t numDynEnds = llvm::count_if(getStaticEnds(), ShapedType::isDynamic);
  if (numDynStarts != static_cast<int64_t>(getStarts().size()) ||
      numDynEnds != static_cast<int64_t>(getEnds().size()))
    return emitOpError() << "dynamic starts/ends do not match the index operands";
  auto input = getInput().getType();
  if (failed(checkAxes(getLoc(), getAxes(), input.getRank())))
    return failure();
  if (getType().getRank() != input.getRank() ||
      getType().getElementType() != input.getElementType())
    return emitOpError() << "result must have the input's rank and element type";
  for (size_t i = 0; i < n; ++i) {
    int64_t step = getSteps()[i];
    if (step == 0)
      return emitOpError() << "step " << i << " is zero";
  }
  // Check the static dims the slice does not touch, and those it computes.
  for (int64_t d = 0; d < input.getRank(); ++d) {
    int64_t expected = input.getDimSize(d);
    auto it = llvm::find(getAxes(), d);
    if (it != getAxes().end()) {
      size_t i = it - getAxes().begin();
      int64_t start = getStaticStarts()[i], end = getStaticEnds()[i];
      expected = (ShapedType::isDynamic(expected) || ShapedType::isDynamic(start) ||
                  ShapedType::isDynamic(end))
                     ? ShapedType::kDynamic
                     : getSliceLength(start, end, getSteps()[i], expected);
    }
    int64_t have = getType().getDimSize(d);
    if (!ShapedType::isDynamic(expected) && !ShapedType::isDynamic(have) && expected != have)
      return emitOpError() << "result dim " << d << " is " << have << " but the slice gives "
                           << expected;
  }
  return success();
}

LogicalResult SplitOp::verify() {
  auto input = getInput().getType();
  if (failed(checkAxis(getLoc(), getAxis(), input.getRank())))
    return failure();
  if (getSizes().size() != getNumResults())
    return emitOpError() << "has " << getSizes().size() << " sizes but " << getNumResults()
                         << " results";
  int64_t total = 0;
  for (auto [size, result] : llvm::zip(getSizes(), getResults())) {
    if (size < 0)
      return emitOpError() << "split size " << size << " is negative";
    total += size;
    SmallVector<int64_t> expected(input.getShape());
    expected[getAxis()] = size;
    if (failed(verifyShapeAgrees(*this, expected, rankedOf(result).getShape(), "split")))
      return failure();
  }
  int64_t dim = input.getDimSize(getAxis());
  if (!ShapedType::isDynamic(dim) && dim != total)
    return emitOpError() << "split sizes add up to " << total << " but the axis has " << dim;
  return success();
}

LogicalResult ExpandOp::verify() {
  if (failed(verifyMixedDims(*this, "shape", getStaticShape(), getShape())))
    return failure();
  FailureOr<SmallVector<int64_t>> expected =
      broadcastShapes({getInput().getType().getShape(), getStaticShape()});
  if (failed(expected))
    return emitOpError() << "input shape " << shapeString(getInput().getType().getShape())
                         << " does not broadcast to " << shapeString(getStaticShape());
  if (getInput().getType().getElementType() != getType().getElementType())
    return emitOpError() << "element type changes from " << getInput().getType().getElementType()
                         << " to " << getType().getElementType();
  return verifyShapeAgrees(*this, *expected, getType().getShape(), "broadcast");
}

LogicalResult TileOp::verify() {
  if (failed(verifyMixedDims(*this, "repeats", getStaticRepeats(), getRepeats())))
    return failure();
  auto input = getInput().getType();
  if (static_cast<int64_t>(getStaticRepeats().size()) != input.getRank())
    return emitOpError() << "has " << getStaticRepeats().size() << " repeats for rank "
                         << input.getRank();
  SmallVector<int64_t> expected;
  for (auto [dim, repeat] : llvm::zip(input.getShape(), getStaticRepeats()))
    expected.push_back(ShapedType::isDynamic(dim) || ShapedType::isDynamic(repeat)
                           ? ShapedType::kDynamic
                           : dim * repeat);
  return verifyShapeAgrees(*this, expected, getType().getShape(), "tiling");
}

LogicalResult SqueezeOp::inferReturnTypes(MLIRContext *ctx, std::optional<Location> loc,
                                          Adaptor adaptor, SmallVectorImpl<Type> &types) {
  auto input = rankedOf(adaptor.getInput().getType());
  if (failed(checkAxes(loc, adaptor.getAxes(), input.getRank())))
    return failure();
  SmallVector<int64_t> shape;
  for (int64_t d = 0; d < input.getRank(); ++d) {
    if (!llvm::is_contained(adaptor.getAxes(), d)) {
      shape.push_back(input.getDimSize(d));
      continue;
    }
    if (!input.isDynamicDim(d) && input.getDimSize(d) != 1)
      return emitOptionalError(loc, "cannot squeeze dim ", d, " of size ", input.getDimSize(d));
  }
  types.push_back(RankedTensorType::get(shape, input.getElementType()));
  return success();
}

LogicalResult UnsqueezeOp::inferReturnTypes(MLIRContext *ctx, std::optional<Location> loc,
                                            Adaptor adaptor, SmallVectorImpl<Type> &types) {
  auto input = rankedOf(adaptor.getInput().getType());
  int64_t rank = input.getRank() + adaptor.getAxes().size();
  if (failed(checkAxes(loc, adaptor.getAxes(), rank)))
    return failure();
  SmallVector<int64_t> shape;
  ArrayRef<int64_t> inputShape = input.getShape();
  for (int64_t d = 0; d < rank; ++d) {
    if (llvm::is_contained(adaptor.getAxes(), d)) {
      shape.push_back(1);
    } else {
      shape.push_back(inputShape.front());
      inputShape = inputShape.drop_front();
    }
  }
  types.push_back(RankedTensorType::get(shape, input.getElementType()));
  return success();
}

LogicalResult TriluOp::verify() {
  if (getType().getRank() < 2)
    return emitOpError() << "input must have rank >= 2, got " << getType().getRank();
  return success();
}

LogicalResult CumSumOp::verify() {
  return checkAxis(getLoc(), getAxis(), getType().getRank());
}

//===----------------------------------------------------------------------===//
// Quantization
//===----------------------------------------------------------------------===//

LogicalResult StorageCastOp::verify() {
  Type from = getInput().getType().getElementType(), to = getType().getElementType();
  auto fromQ = dyn_cast<quant::QuantizedType>(from), toQ = dyn_cast<quant::QuantizedType>(to);
  if (static_cast<bool>(fromQ) == static_cast<bool>(toQ))
    return emitOpError() << "casts between an integer and a quantized type, got " << from
                         << " to " << to;
  auto quant = fromQ ? fromQ : toQ;
  // The quant type's storage is signless with a signedness flag; the integer
  // side may spell that flag in its type (ui8 for an unsigned u8 storage).
  auto storage = dyn_cast<IntegerType>(fromQ ? to : from);
  if (!storage || storage.getWidth() != quant.getStorageTypeIntegralWidth() ||
      (storage.isUnsigned() && quant.isSigned()) || (storage.isSigned() && !quant.isSigned()))
    return emitOpError() << "integer type " << (fromQ ? to : from)
                         << " does not match the storage of " << quant;
  if (failed(verifyCompatibleShape(getInput().getType(), getType())))
    return emitOpError() << "input and result shapes differ";
  return verifyQuantTypeFits(*this, fromQ ? getInput().getType() : getType());
}

/// Shared checks of quantize (float -> q) and dequantize (q -> float).
static LogicalResult verifyQuantization(Operation *op, RankedTensorType floatType,
                                        RankedTensorType quantType, Value scale, Value zeroPoint,
                                        int64_t axis, int64_t blockSize) {
  if (!isa<FloatType>(floatType.getElementType()))
    return op->emitOpError() << "the float side must have a float element type, got "
                             << floatType.getElementType();
  if (failed(verifyCompatibleShape(floatType, quantType)))
    return op->emitOpError() << "input and result shapes differ";
  Type element = quantType.getElementType();
  if (auto quant = dyn_cast<quant::QuantizedType>(element)) {
    if (scale || zeroPoint)
      return op->emitOpError() << "takes its parameters from the type " << quant
                               << ", not from scale/zero_point operands";
    if (quant.getExpressedType() != floatType.getElementType())
      return op->emitOpError() << "expressed type " << quant.getExpressedType()
                               << " differs from the float type " << floatType.getElementType();
    return verifyQuantTypeFits(op, quantType);
  }
  if (!isa<IntegerType>(element))
    return op->emitOpError() << "the quantized side must be an integer or !quant type, got "
                             << element;
  if (!scale)
    return op->emitOpError() << "an integer quantized type needs a scale operand";
  auto scaleType = rankedOf(scale);
  int64_t rank = floatType.getRank();
  if (scaleType.getElementType() != floatType.getElementType())
    return op->emitOpError() << "scale element type " << scaleType.getElementType()
                             << " differs from the float type " << floatType.getElementType();
  if (zeroPoint) {
    auto zpType = rankedOf(zeroPoint);
    if (zpType.getElementType() != element)
      return op->emitOpError() << "zero_point element type " << zpType.getElementType()
                               << " differs from the quantized type " << element;
    if (failed(verifyCompatibleShape(zpType, scaleType)))
      return op->emitOpError() << "zero_point and scale shapes differ";
  }
  if (scaleType.hasStaticShape() && scaleType.getNumElements() == 1 && scaleType.getRank() <= 1 &&
      blockSize == 0)
    return success(); // per tensor
  if (failed(checkAxis(op->getLoc(), axis, rank)))
    return failure();
  if (blockSize == 0) {
    if (scaleType.getRank() != 1)
      return op->emitOpError() << "a per-axis scale must be 1-D, got " << scaleType;
    int64_t want = floatType.getDimSize(axis), have = scaleType.getDimSize(0);
    if (!ShapedType::isDynamic(want) && !ShapedType::isDynamic(have) && want != have)
      return op->emitOpError() << "per-axis scale has " << have << " entries for axis " << axis
                               << " of size " << want;
    return success();
  }
  if (blockSize < 0)
    return op->emitOpError() << "block_size must be positive, got " << blockSize;
  if (scaleType.getRank() != rank)
    return op->emitOpError() << "a block scale must have the input's rank " << rank << ", got "
                             << scaleType;
  for (int64_t d = 0; d < rank; ++d) {
    int64_t dim = floatType.getDimSize(d), have = scaleType.getDimSize(d);
    if (ShapedType::isDynamic(dim) || ShapedType::isDynamic(have))
      continue;
    int64_t want = d == axis ? (dim + blockSize - 1) / blockSize : dim;
    if (want != have)
      return op->emitOpError() << "block scale dim " << d << " is " << have << ", expected "
                               << want;
  }
  return success();
}

LogicalResult QuantizeOp::verify() {
  return verifyQuantization(*this, getInput().getType(), getType(), getScale(), getZeroPoint(),
                            getAxis(), getBlockSize());
}

LogicalResult DequantizeOp::verify() {
  return verifyQuantization(*this, getType(), getInput().getType(), getScale(), getZeroPoint(),
                            getAxis(), getBlockSize());
}

LogicalResult QuantizedMatmulOp::inferReturnTypes(MLIRContext *ctx, std::optional<Location> loc,
                                                  Adaptor adaptor,
                                                  SmallVectorImpl<Type> &types) {
  auto lhs = rankedOf(adaptor.getLhs().getType());
  auto rhs = rankedOf(adaptor.getRhs().getType());
  FailureOr<SmallVector<int64_t>> shape = matmulShape(loc, lhs.getShape(), rhs.getShape());
  if (failed(shape))
    return failure();
  types.push_back(RankedTensorType::get(*shape, expressedElementType(lhs)));
  return success();
}

LogicalResult QuantizedMatmulOp::verify() {
  Type lhs = getLhs().getType().getElementType(), rhs = getRhs().getType().getElementType();
  if (!isa<quant::QuantizedType>(lhs) && !isa<quant::QuantizedType>(rhs))
    return emitOpError() << "needs at least one !quant operand; use llm.matmul for " << lhs
                         << " and " << rhs;
  if (expressedElementType(lhs) != expressedElementType(rhs))
    return emitOpError() << "operands express different float types: "
                         << expressedElementType(lhs) << " vs " << expressedElementType(rhs);
  if (failed(verifyQuantTypeFits(*this, getLhs().getType())))
    return failure();
  return verifyQuantTypeFits(*this, getRhs().getType());
}

#define GET_OP_CLASSES
#include "dialects/LLM/IR/LLMOps.cpp.inc"

//===----------------------------------------------------------------------===//
// Fusion regions
//===----------------------------------------------------------------------===//

bool mlir::llm::isFusibleElementwise(Operation *op) {
  return isa<AddOp, SubOp, MulOp, DivOp, PowOp, MaxOp, MinOp, ModOp, EqOp, LtOp, LeOp, GtOp, GeOp,
             AndOp, OrOp, XorOp, SqrtOp, RsqrtOp, ReciprocalOp, ExpOp, LogOp, TanhOp, ErfOp,
             SigmoidOp, SinOp, CosOp, FloorOp, CeilOp, RoundOp, SiluOp, ReluOp, NegOp, AbsOp, NotOp,
             IsNanOp, GeluOp, SwiGluOp, WhereOp, CastOp>(op);
}

/// The normalization an llm.fused region may end in: over the last axis
/// only, which makes each row of the prologue one contiguous kernel row.
static bool isRowNormalization(Operation *op) { return isa<LayerNormOp, RmsNormOp>(op); }

Operation *FusedOp::getRowNormalization() {
  Block &body = getBody().front();
  if (body.getOperations().size() < 2)
    return nullptr;
  Operation *last = body.getTerminator()->getPrevNode();
  return isRowNormalization(last) ? last : nullptr;
}

LogicalResult FusedOp::verify() {
  Block &body = getBody().front();
  if (body.getNumArguments() != getInputs().size())
    return emitOpError() << "has " << getInputs().size() << " inputs but its block takes "
                         << body.getNumArguments() << " arguments";
  for (auto [input, arg] : llvm::zip(getInputs(), body.getArguments()))
    if (input.getType() != arg.getType())
      return emitOpError() << "block argument type " << arg.getType()
                           << " differs from its input's " << input.getType();
  auto yield = dyn_cast<YieldOp>(body.getTerminator());
  if (!yield)
    return emitOpError() << "region must end with llm.yield";
  if (yield.getValues().getTypes() != getResultTypes())
    return emitOpError() << "yields " << yield.getValues().getTypes() << " but returns "
                         << getResultTypes();
  Operation *norm = getRowNormalization();
  for (Operation &op : body.without_terminator())
    if (&op != norm && !isFusibleElementwise(&op))
      return op.emitOpError() << "is not an elementwise op and cannot be in an llm.fused region"
                              << (isRowNormalization(&op) ? " (a normalization must be its last op)"
                                                          : "");
  if (!norm) {
    if (getNumResults() != 1)
      return emitOpError() << "an elementwise region yields one value, not " << getNumResults();
    return success();
  }
  Value input = norm->getOperand(0);
  int64_t rank = cast<RankedTensorType>(input.getType()).getRank();
  int64_t axis = isa<LayerNormOp>(norm) ? cast<LayerNormOp>(norm).getAxis()
                                        : cast<RmsNormOp>(norm).getAxis();
  if (rank == 0 || (axis < 0 ? axis + rank : axis) != rank - 1)
    return norm->emitOpError() << "in an llm.fused region must normalize the last axis only";
  for (Value param : norm->getOperands().drop_front())
    if (!isa<BlockArgument>(param))
      return norm->emitOpError()
             << "in an llm.fused region must take its scale and bias from the region's inputs";
  ValueRange yielded = yield.getValues();
  if (yielded.empty() || yielded.size() > 2 || yielded[0] != norm->getResult(0) ||
      (yielded.size() == 2 && yielded[1] != input))
    return emitOpError() << "with a normalization yields the normalized value and optionally "
                            "the normalization's input, in that order";
  return success();
}
