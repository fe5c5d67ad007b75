//===- DefaultDomain.cpp - importers for the ai.onnx domain ---------------===//
//
// One entry per (op type, first opset with these semantics), alphabetical.
// Opset ranges follow the ONNX changelog; where a later opset only added
// element types, the earlier entry covers it.
//
//===----------------------------------------------------------------------===//

#include "frontend/onnx/GraphImporter.h"

#include "mlir/Dialect/Utils/StaticValueUtils.h"

using namespace mlir;
using namespace mlir::llm;
using namespace mlir::llm::onnx_import;

namespace {

using N = NodeImporter;

/// The ONNX integer "infinity" that exporters use for open slice ends.
bool isOpenEnd(int64_t v) { return v >= (int64_t(1) << 31) - 1 || v <= -(int64_t(1) << 31); }

//===----------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------===//

/// Elementwise ops on small integer shape tensors are also tracked
/// symbolically, so `Shape -> Gather -> Mul -> Concat -> Reshape` stays index
/// arithmetic.
std::optional<SmallVector<OpFoldResult>>
foldKnownBinary(N &n, Value lhs, Value rhs,
                function_ref<OpFoldResult(OpFoldResult, OpFoldResult)> fn) {
  auto a = n.knownElements(lhs), c = n.knownElements(rhs);
  if (!a || !c || (a->size() != c->size() && a->size() != 1 && c->size() != 1))
    return std::nullopt;
  // Equal sizes, or one side of size 1 broadcasts (to any size, even 0).
  size_t size = a->size() == 1 ? c->size() : a->size();
  SmallVector<OpFoldResult> result;
  for (size_t i = 0; i < size; ++i)
    result.push_back(fn((*a)[a->size() == 1 ? 0 : i], (*c)[c->size() == 1 ? 0 : i]));
  return result;
}

template <typename OpTy>
LogicalResult importBinary(N &n, function_ref<OpFoldResult(OpFoldResult, OpFoldResult)> known = {}) {
  if (failed(n.checkInputs(2, 2)))
    return failure();
  Value lhs = n.input(0), rhs = n.input(1);
  if (elementOf(lhs) != elementOf(rhs)) {
    // Only Pow allows differing types; compute in the base's type.
    if (!std::is_same_v<OpTy, PowOp>)
      return n.error() << "operand element types differ: " << elementOf(lhs) << " vs "
                       << elementOf(rhs);
    rhs = n.castTo(rhs, elementOf(lhs));
  }
  if (failed(broadcastShapes({typeOf(lhs).getShape(), typeOf(rhs).getShape()})))
    return n.error() << "operand shapes " << lhs.getType() << " and " << rhs.getType()
                     << " do not broadcast";
  if (known && isa<IntegerType>(elementOf(lhs)) && rankOf(lhs) <= 1 && rankOf(rhs) <= 1) {
    if (auto elems = foldKnownBinary(n, lhs, rhs, known)) {
      Value result = n.build<OpTy>(lhs, rhs);
      n.graph.knownElements[result] = *elems;
      n.setOutput(0, result);
      return success();
    }
  }
  n.setOutput(0, n.build<OpTy>(lhs, rhs));
  return success();
}

template <typename OpTy> LogicalResult importBinaryPlain(N &n) { return importBinary<OpTy>(n); }

template <typename OpTy> LogicalResult importUnary(N &n) {
  if (failed(n.checkInputs(1, 1)))
    return failure();
  Value x = n.input(0);
  n.setOutput(0, n.createOp<OpTy>(x));
  return success();
}

/// Max, Min, Sum, Mean: variadic with broadcasting, folded pairwise.
template <typename OpTy> LogicalResult importVariadic(N &n, bool mean = false) {
  if (failed(n.checkInputs(1, 1 << 16)))
    return failure();
  Value acc = n.input(0);
  for (size_t i = 1; i < n.numInputs(); ++i) {
    Value next = n.input(i);
    if (!next)
      return n.error() << "input " << i << " is empty";
    if (elementOf(next) != elementOf(acc))
      return n.error() << "operand element types differ: " << elementOf(acc) << " vs "
                       << elementOf(next);
    if (failed(broadcastShapes({typeOf(acc).getShape(), typeOf(next).getShape()})))
      return n.error() << "operand shapes " << acc.getType() << " and " << next.getType()
                       << " do not broadcast";
    acc = n.build<OpTy>(acc, next);
  }
  if (mean && n.numInputs() > 1)
    acc = n.build<DivOp>(acc, n.scalar(elementOf(acc), n.numInputs()));
  n.setOutput(0, acc);
  return success();
}

LogicalResult importCast(N &n, Type to) {
  Value x = n.input(0);
  if (auto known = n.knownElements(x); known && isa<IntegerType>(to) && !to.isInteger(1)) {
    Value result = n.fromDims(*known, rankOf(x) == 0);
    n.setOutput(0, n.castTo(result, to));
    n.graph.knownElements[n.graph.values[n.node.output(0)]] = *known;
    return success();
  }
  n.setOutput(0, n.castTo(x, to));
  return success();
}

LogicalResult importClip(N &n) {
  Value x = n.input(0);
  if (!x)
    return n.error() << "missing input 0";
  Type element = elementOf(x);
  Value lo, hi;
  if (n.opset < 11) {
    auto min = n.floatAttr("min", -std::numeric_limits<float>::infinity());
    auto max = n.floatAttr("max", std::numeric_limits<float>::infinity());
    if (failed(min) || failed(max))
      return failure();
    if (!std::isinf(*min))
      lo = n.scalar(element, *min);
    if (!std::isinf(*max))
      hi = n.scalar(element, *max);
  } else {
    lo = n.input(1);
    hi = n.input(2);
  }
  if (lo)
    x = n.build<MaxOp>(x, lo);
  if (hi)
    x = n.build<MinOp>(x, hi);
  n.setOutput(0, x);
  return success();
}

LogicalResult importMod(N &n) {
  auto fmod = n.intAttr("fmod", 0);
  if (failed(fmod) || failed(n.checkInputs(2, 2)))
    return failure();
  bool isFloat = isa<FloatType>(elementOf(n.input(0)));
  if (isFloat != (*fmod == 1))
    return n.error() << (isFloat ? "float Mod requires fmod = 1"
                                 : "integer Mod with fmod = 1 (C remainder) is not supported");
  return importBinary<ModOp>(n);
}

//===----------------------------------------------------------------------===//
// Constants and shapes
//===----------------------------------------------------------------------===//

LogicalResult importConstant(N &n) {
  Value result;
  Builder &b = n.b;
  if (n.findAttr("value")) {
    auto value = n.tensorAttr("value");
    if (failed(value))
      return failure();
    result = n.createOp<ConstantOp>(*value);
  } else if (n.findAttr("value_float")) {
    auto v = n.floatAttr("value_float");
    if (failed(v))
      return failure();
    result = n.scalar(b.getF32Type(), *v);
  } else if (n.findAttr("value_int")) {
    auto v = n.intAttr("value_int");
    if (failed(v))
      return failure();
    result = n.intTensor({*v}, {}, b.getI64Type());
  } else if (n.findAttr("value_ints")) {
    auto v = n.intsAttr("value_ints");
    if (failed(v))
      return failure();
    result = n.intTensor(*v, {static_cast<int64_t>(v->size())}, b.getI64Type());
  } else if (n.findAttr("value_floats")) {
    auto v = n.floatsAttr("value_floats");
    if (failed(v))
      return failure();
    auto type = RankedTensorType::get({static_cast<int64_t>(v->size())}, b.getF32Type());
    result = ConstantOp::create(n.b, n.loc,
                                cast<ElementsAttr>(DenseElementsAttr::get(type, ArrayRef<float>(*v))));
  } else {
    return n.error() << "needs one of the attributes value, value_float(s), value_int(s) "
                        "(sparse and string constants are not supported)";
  }
  n.setOutput(0, result);
  return success();
}

LogicalResult importShape(N &n) {
  if (failed(n.checkInputs(1, 1)))
    return failure();
  Value x = n.input(0);
  int64_t rank = rankOf(x);
  auto start = n.intAttr("start", 0), end = n.intAttr("end", rank);
  if (failed(start) || failed(end))
    return failure();
  auto clampIndex = [&](int64_t i) { return std::clamp<int64_t>(i < 0 ? i + rank : i, 0, rank); };
  SmallVector<OpFoldResult> dims;
  for (int64_t d = clampIndex(*start); d < clampIndex(*end); ++d)
    dims.push_back(n.dim(x, d));
  n.setOutput(0, n.fromDims(dims));
  return success();
}

LogicalResult importSize(N &n) {
  if (failed(n.checkInputs(1, 1)))
    return failure();
  OpFoldResult size = n.b.getIndexAttr(1);
  for (OpFoldResult d : n.dims(n.input(0)))
    size = n.mul(size, d);
  n.setOutput(0, n.fromDims({size}, /*scalar=*/true));
  return success();
}

LogicalResult importConstantOfShape(N &n) {
  if (failed(n.checkInputs(1, 1)))
    return failure();
  auto shape = n.knownElements(n.input(0));
  if (!shape)
    return n.error() << "the shape input is not computable at compile time or from shapes";
  TypedAttr value = FloatAttr::get(n.b.getF32Type(), 0.0);
  if (n.findAttr("value")) {
    auto attr = n.tensorAttr("value");
    if (failed(attr))
      return failure();
    auto dense = dyn_cast<DenseElementsAttr>(*attr);
    if (!dense || dense.getNumElements() != 1)
      return n.error() << "attribute 'value' must hold exactly one element";
    value = cast<TypedAttr>(*dense.value_begin<Attribute>());
  }
  SmallVector<int64_t> statics;
  SmallVector<Value> dynamics;
  n.splitMixed(*shape, statics, dynamics);
  if (llvm::any_of(statics, [](int64_t d) { return d < 0 && !ShapedType::isDynamic(d); }))
    return n.error() << "the shape has a negative dim";
  auto type = RankedTensorType::get(statics, value.getType());
  if (dynamics.empty()) {
    auto splat = DenseElementsAttr::get(type, value);
    Value result = n.createOp<ConstantOp>(cast<ElementsAttr>(splat));
    n.setOutput(0, result);
    return success();
  }
  n.setOutput(0, n.createOp<FullOp>(type, value, dynamics,
                                n.b.getDenseI64ArrayAttr(statics)));
  return success();
}

LogicalResult importRange(N &n) {
  if (failed(n.checkInputs(3, 3)))
    return failure();
  Value start = n.input(0), limit = n.input(1), delta = n.input(2);
  for (Value v : {start, limit, delta})
    if (rankOf(v) != 0)
      return n.error() << "start, limit and delta must be scalars, got " << v.getType();
  Type element = elementOf(start);
  if (elementOf(limit) != element || elementOf(delta) != element)
    return n.error() << "start, limit and delta must share one element type";
  // Fold fully constant ranges (position ids of a fixed length, ...).
  auto s = n.constantFloats(start), l = n.constantFloats(limit), d = n.constantFloats(delta);
  if (s && l && d) {
    if ((*d)[0] == 0)
      return n.error() << "delta is zero";
    double count = std::max(std::ceil(((*l)[0] - (*s)[0]) / (*d)[0]), 0.0);
    if (count > (1 << 24))
      return n.error() << "range of " << count << " elements is too large to fold";
    auto type = RankedTensorType::get({static_cast<int64_t>(count)}, element);
    SmallVector<Attribute> values;
    for (int64_t i = 0; i < static_cast<int64_t>(count); ++i) {
      double v = (*s)[0] + i * (*d)[0];
      values.push_back(isa<FloatType>(element) ? Attribute(FloatAttr::get(element, v))
                                               : Attribute(IntegerAttr::get(element, static_cast<int64_t>(v))));
    }
    n.setOutput(0, ConstantOp::create(n.b, n.loc,
                                      cast<ElementsAttr>(DenseElementsAttr::get(type, values))));
    return success();
  }
  // A symbolic range(start, limit, 1) has limit - start elements; record it
  // so that the length stays the same SSA value as the dim it came from.
  auto ks = n.knownElements(start), kl = n.knownElements(limit);
  auto kd = n.constantInts(delta);
  OpFoldResult length;
  if (ks && kl && kd && ks->size() == 1 && kl->size() == 1 && (*kd)[0] == 1)
    length = n.max(n.sub((*kl)[0], (*ks)[0]), n.b.getIndexAttr(0));
  auto staticLength = length ? getConstantIntValue(length) : std::nullopt;
  auto type = RankedTensorType::get({staticLength ? *staticLength : ShapedType::kDynamic}, element);
  Value result = n.createOp<RangeOp>(type, start, limit, delta);
  if (length && !staticLength)
    n.graph.dimCache[{result, 0}] = cast<Value>(length);
  n.setOutput(0, result);
  return success();
}

//===----------------------------------------------------------------------===//
// Linear algebra
//===----------------------------------------------------------------------===//

LogicalResult importMatMul(N &n) {
  if (failed(n.checkInputs(2, 2)))
    return failure();
  Value a = n.input(0), b = n.input(1);
  if (elementOf(a) != elementOf(b))
    return n.error() << "operand element types differ: " << elementOf(a) << " vs " << elementOf(b);
  n.setOutput(0, n.build<MatmulOp>(a, b));
  return success();
}

LogicalResult importGemm(N &n) {
  if (failed(n.checkInputs(2, 3)))
    return failure();
  auto alpha = n.floatAttr("alpha", 1.0f), beta = n.floatAttr("beta", 1.0f);
  auto transA = n.intAttr("transA", 0), transB = n.intAttr("transB", 0);
  if (failed(alpha) || failed(beta) || failed(transA) || failed(transB))
    return failure();
  Value a = n.input(0), b = n.input(1), c = n.input(2);
  if (rankOf(a) != 2 || rankOf(b) != 2)
    return n.error() << "A and B must be 2-D, got " << a.getType() << " and " << b.getType();
  if (*transA)
    a = n.transpose(a, {1, 0});
  Type element = elementOf(a);
  if (*alpha != 1.0f)
    a = n.build<MulOp>(a, n.scalar(element, *alpha));
  int64_t kA = typeOf(a).getDimSize(1), kB = typeOf(b).getDimSize(*transB ? 1 : 0);
  if (!ShapedType::isDynamic(kA) && !ShapedType::isDynamic(kB) && kA != kB)
    return n.error() << "A has " << kA << " columns but B has " << kB << " rows";
  // A 1-D bias of N entries is the linear op's own bias; any other C is
  // added after the product.
  Value bias;
  if (c && *beta == 1.0f && rankOf(c) == 1 && typeOf(c).getDimSize(0) != 1)
    std::swap(bias, c);
  auto resultType = RankedTensorType::get(
      {typeOf(a).getDimSize(0), typeOf(b).getDimSize(*transB ? 0 : 1)}, element);
  Value y = n.createOp<LinearOp>(resultType, a, b, bias, /*residual=*/Value(),
                                   n.b.getBoolAttr(*transB), n.b.getStringAttr("none"));
  if (c) {
    if (*beta != 1.0f)
      c = n.build<MulOp>(c, n.scalar(element, *beta));
    if (failed(broadcastShapes({resultType.getShape(), typeOf(c).getShape()})))
      return n.error() << "C of shape " << c.getType() << " does not broadcast to " << resultType;
    y = n.build<AddOp>(y, c);
  }
  n.setOutput(0, y);
  return success();
}

//===----------------------------------------------------------------------===//
// Reductions and normalizations
//===----------------------------------------------------------------------===//

/// ReduceX with axes from an attribute (before `axesInputSince`) or input 1.
template <typename OpTy> LogicalResult importReduce(N &n, int64_t axesInputSince) {
  Value x = n.input(0);
  if (!x)
    return n.error() << "missing input 0";
  auto keepdims = n.intAttr("keepdims", 1), noop = n.intAttr("noop_with_empty_axes", 0);
  if (failed(keepdims) || failed(noop))
    return failure();
  SmallVector<int64_t> axes;
  if (n.opset >= axesInputSince) {
    // An axes input of static size 0 is empty whatever its values.
    if (n.hasInput(1) && typeOf(n.input(1)).getShape() != ArrayRef<int64_t>{0}) {
      auto constant = n.requireConstantInts(1, "axes");
      if (failed(constant))
        return failure();
      axes = *constant;
    }
  } else {
    auto attr = n.intsAttr("axes", SmallVector<int64_t>{});
    if (failed(attr))
      return failure();
    axes = *attr;
  }
  if (axes.empty() && *noop) {
    n.setOutput(0, x);
    return success();
  }
  for (int64_t &axis : axes) {
    auto normalized = n.normalizeAxis(axis, rankOf(x));
    if (failed(normalized))
      return failure();
    axis = *normalized;
  }
  llvm::sort(axes);
  axes.erase(std::unique(axes.begin(), axes.end()), axes.end());
  n.setOutput(0, n.build<OpTy>(x, n.b.getDenseI64ArrayAttr(axes), n.b.getBoolAttr(*keepdims)));
  return success();
}

LogicalResult importArgMax(N &n) {
  if (failed(n.checkInputs(1, 1)))
    return failure();
  Value x = n.input(0);
  auto axis = n.intAttr("axis", 0), keepdims = n.intAttr("keepdims", 1),
       last = n.intAttr("select_last_index", 0);
  if (failed(axis) || failed(keepdims) || failed(last))
    return failure();
  auto normalized = n.normalizeAxis(*axis, rankOf(x));
  if (failed(normalized))
    return failure();
  n.setOutput(0, n.build<ArgMaxOp>(x, *normalized, *keepdims != 0, *last != 0));
  return success();
}

template <typename OpTy> LogicalResult importSoftmax(N &n) {
  if (failed(n.checkInputs(1, 1)))
    return failure();
  Value x = n.input(0);
  int64_t rank = rankOf(x);
  auto normalized = n.axisAttr("axis", n.opset >= 13 ? -1 : 1, std::max<int64_t>(rank, 1));
  if (failed(normalized))
    return failure();
  if (n.opset >= 13 || *normalized == rank - 1) {
    n.setOutput(0, n.createOp<OpTy>(x, *normalized));
    return success();
  }
  // Before opset 13 the input is coerced to 2-D [prod(:axis), prod(axis:)].
  SmallVector<OpFoldResult> dims = n.dims(x);
  OpFoldResult outer = n.b.getIndexAttr(1), inner = n.b.getIndexAttr(1);
  for (int64_t d = 0; d < rank; ++d)
    (d < *normalized ? outer : inner) = n.mul(d < *normalized ? outer : inner, dims[d]);
  Value flat = n.reshape(x, {outer, inner});
  Value y = n.createOp<OpTy>(flat, 1);
  n.setOutput(0, n.reshape(y, dims));
  return success();
}

/// Mean and inverse standard deviation over `axes`, for the optional
/// outputs of LayerNormalization.
std::pair<Value, Value> normStatistics(N &n, Value x, ArrayRef<int64_t> axes, float epsilon) {
  Type element = elementOf(x);
  auto axesAttr = n.b.getDenseI64ArrayAttr(axes);
  Value mean = n.build<ReduceMeanOp>(x, axesAttr, n.b.getBoolAttr(true));
  Value centered = n.build<SubOp>(x, mean);
  Value var = n.build<ReduceMeanOp>(n.build<MulOp>(centered, centered), axesAttr,
                                     n.b.getBoolAttr(true));
  Value invStd = n.createOp<RsqrtOp>(n.build<AddOp>(var, n.scalar(element, epsilon)));
  return {mean, invStd};
}

LogicalResult importLayerNormalization(N &n) {
  if (failed(n.checkInputs(2, 3)))
    return failure();
  Value x = n.input(0), scale = n.input(1), bias = n.input(2);
  auto axis = n.intAttr("axis", -1);
  auto epsilon = n.floatAttr("epsilon", 1e-5f);
  if (failed(axis) || failed(epsilon))
    return failure();
  auto normalized = n.normalizeAxis(*axis, rankOf(x));
  if (failed(normalized))
    return failure();
  for (Value param : {scale, bias})
    if (param && elementOf(param) != elementOf(x))
      return n.error() << "scale and bias must have the input's element type " << elementOf(x);
  auto y = n.createOp<LayerNormOp>(typeOf(x), x, scale, bias, n.b.getI64IntegerAttr(*normalized),
                               n.b.getF32FloatAttr(*epsilon));
  n.setOutput(0, y);
  if (n.hasOutput(1) || n.hasOutput(2)) {
    SmallVector<int64_t> axes;
    for (int64_t d = *normalized; d < rankOf(x); ++d)
      axes.push_back(d);
    auto [mean, invStd] = normStatistics(n, x, axes, *epsilon);
    n.setOutput(1, mean);
    n.setOutput(2, invStd);
  }
  return success();
}

LogicalResult importRMSNormalization(N &n) {
  if (failed(n.checkInputs(2, 2)))
    return failure();
  Value x = n.input(0), scale = n.input(1);
  auto axis = n.intAttr("axis", -1);
  auto epsilon = n.floatAttr("epsilon", 1e-5f);
  if (failed(axis) || failed(epsilon))
    return failure();
  auto normalized = n.normalizeAxis(*axis, rankOf(x));
  if (failed(normalized))
    return failure();
  auto y = n.createOp<RmsNormOp>(typeOf(x), x, scale, n.b.getI64IntegerAttr(*normalized),
                             n.b.getF32FloatAttr(*epsilon));
  n.setOutput(0, y);
  return success();
}

LogicalResult importGelu(N &n) {
  if (failed(n.checkInputs(1, 1)))
    return failure();
  auto approximate = n.stringAttr("approximate", std::string("none"));
  if (failed(approximate))
    return failure();
  if (*approximate != "none" && *approximate != "tanh")
    return n.error() << "attribute 'approximate' must be \"none\" or \"tanh\", got \""
                     << *approximate << "\"";
  n.setOutput(0, n.createOp<GeluOp>(n.input(0), *approximate));
  return success();
}

//===----------------------------------------------------------------------===//
// Data movement
//===----------------------------------------------------------------------===//

LogicalResult importGather(N &n) {
  if (failed(n.checkInputs(2, 2)))
    return failure();
  Value data = n.input(0), indices = n.input(1);
  auto normalized = n.axisAttr("axis", 0, rankOf(data));
  if (failed(normalized))
    return failure();
  if (!isa<IntegerType>(elementOf(indices)) || elementOf(indices).isInteger(1))
    return n.error() << "indices must be int32 or int64, got " << elementOf(indices);
  indices = n.castTo(indices, n.b.getI64Type());
  // Picking entries of a tracked shape keeps them symbolic.
  if (rankOf(data) == 1 && rankOf(indices) <= 1) {
    auto known = n.knownElements(data);
    auto picks = n.constantInts(indices);
    if (known && picks) {
      SmallVector<OpFoldResult> elems;
      int64_t size = known->size();
      for (int64_t i : *picks) {
        if (i < -size || i >= size)
          return n.error() << "index " << i << " is out of range for a shape of rank " << size;
        elems.push_back((*known)[i < 0 ? i + size : i]);
      }
      n.setOutput(0, n.fromDims(elems, rankOf(indices) == 0));
      return success();
    }
  }
  n.setOutput(0, n.build<GatherOp>(data, indices, *normalized));
  return success();
}

LogicalResult importGatherND(N &n) {
  if (failed(n.checkInputs(2, 2)))
    return failure();
  auto batchDims = n.intAttr("batch_dims", 0);
  if (failed(batchDims))
    return failure();
  Value indices = n.input(1);
  if (rankOf(indices) < 1 || typeOf(indices).isDynamicDim(rankOf(indices) - 1))
    return n.error() << "the last dim of indices must be static, got " << indices.getType();
  n.setOutput(0, n.build<GatherNdOp>(n.input(0), n.castTo(indices, n.b.getI64Type()),
                                      *batchDims));
  return success();
}

/// Resolves ONNX Reshape's 0 and -1 against `data`'s dims. -1 is the element
/// count divided by the other dims, after cancelling the factors they share
/// with the input (so [B, S, 12, 64] -> [B, S, -1] gives a static 768).
FailureOr<SmallVector<OpFoldResult>> resolveReshape(N &n, Value data,
                                                    SmallVector<OpFoldResult> target,
                                                    bool allowZero) {
  SmallVector<OpFoldResult> inDims = n.dims(data);
  int64_t inferred = -1;
  for (auto [i, entry] : llvm::enumerate(target)) {
    std::optional<int64_t> c = getConstantIntValue(entry);
    if (!c)
      continue;
    if (*c == 0 && !allowZero) {
      if (i >= inDims.size())
        return n.error() << "shape entry " << i << " is 0 (copy) but the input has rank "
                         << inDims.size();
      entry = inDims[i];
    } else if (*c == -1) {
      if (inferred >= 0)
        return n.error() << "shape has more than one -1";
      inferred = i;
    } else if (*c < 0) {
      return n.error() << "shape entry " << i << " is " << *c;
    }
  }
  if (inferred < 0)
    return target;
  // Cancel shared factors, then divide what remains.
  int64_t inConst = 1, outConst = 1;
  SmallVector<Value> inDyn, outDyn;
  for (OpFoldResult d : inDims) {
    if (auto c = getConstantIntValue(d))
      inConst *= *c;
    else
      inDyn.push_back(cast<Value>(d));
  }
  for (auto [i, d] : llvm::enumerate(target)) {
    if (static_cast<int64_t>(i) == inferred)
      continue;
    if (auto c = getConstantIntValue(d))
      outConst *= *c;
    else
      outDyn.push_back(cast<Value>(d));
  }
  for (auto it = outDyn.begin(); it != outDyn.end();) {
    auto match = llvm::find(inDyn, *it);
    if (match != inDyn.end()) {
      inDyn.erase(match);
      it = outDyn.erase(it);
    } else {
      ++it;
    }
  }
  OpFoldResult numerator = n.b.getIndexAttr(1);
  if (outConst != 0 && inConst % outConst == 0) {
    numerator = n.b.getIndexAttr(inConst / outConst);
    outConst = 1;
  } else {
    numerator = n.b.getIndexAttr(inConst);
  }
  for (Value v : inDyn)
    numerator = n.mul(numerator, v);
  OpFoldResult denominator = n.b.getIndexAttr(outConst);
  for (Value v : outDyn)
    denominator = n.mul(denominator, v);
  if (isConstantIntValue(denominator, 0))
    return n.error() << "cannot infer the -1 dim: the other dims multiply to 0";
  auto num = getConstantIntValue(numerator), den = getConstantIntValue(denominator);
  if (num && den && *num % *den != 0)
    return n.error() << "cannot reshape " << *num << " elements into groups of " << *den;
  target[inferred] = n.floorDiv(numerator, denominator);
  return target;
}

LogicalResult importReshape(N &n) {
  Value data = n.input(0);
  if (!data)
    return n.error() << "missing input 0";
  SmallVector<OpFoldResult> target;
  bool allowZero = false;
  if (n.opset < 5) {
    auto shape = n.intsAttr("shape");
    if (failed(shape))
      return failure();
    for (int64_t d : *shape)
      target.push_back(n.b.getIndexAttr(d));
  } else {
    if (failed(n.checkInputs(2, 2)))
      return failure();
    auto allow = n.intAttr("allowzero", 0);
    if (failed(allow))
      return failure();
    allowZero = *allow;
    auto known = n.knownElements(n.input(1));
    if (!known) {
      Value shape = n.input(1);
      if (rankOf(shape) != 1 || typeOf(shape).isDynamicDim(0))
        return n.error() << "the shape input must be 1-D of static size, got " << shape.getType();
      SmallVector<int64_t> dims(typeOf(shape).getDimSize(0), ShapedType::kDynamic);
      auto type = RankedTensorType::get(dims, elementOf(data));
      n.setOutput(0, n.createOp<DynamicReshapeOp>(type, data, shape, allowZero));
      return success();
    }
    target = *known;
  }
  auto resolved = resolveReshape(n, data, target, allowZero);
  if (failed(resolved))
    return failure();
  auto in = typeOf(data);
  SmallVector<int64_t> statics;
  SmallVector<Value> dynamics;
  n.splitMixed(*resolved, statics, dynamics);
  auto type = RankedTensorType::get(statics, in.getElementType());
  if (in.hasStaticShape() && type.hasStaticShape() && in.getNumElements() != type.getNumElements())
    return n.error() << "cannot reshape " << in << " to " << type;
  // Reshapes of tracked shapes stay tracked (e.g. a 1-element shape to a scalar).
  Value result = n.reshape(data, *resolved);
  if (auto known = n.knownElements(data); known && type.getRank() <= 1)
    n.graph.knownElements[result] = *known;
  n.setOutput(0, result);
  return success();
}

LogicalResult importFlatten(N &n) {
  if (failed(n.checkInputs(1, 1)))
    return failure();
  Value x = n.input(0);
  int64_t rank = rankOf(x);
  auto axis = n.intAttr("axis", 1);
  if (failed(axis))
    return failure();
  int64_t a = *axis < 0 ? *axis + rank : *axis;
  if (a < 0 || a > rank)
    return n.error() << "axis " << *axis << " is out of range for rank " << rank;
  SmallVector<OpFoldResult> dims = n.dims(x);
  OpFoldResult outer = n.b.getIndexAttr(1), inner = n.b.getIndexAttr(1);
  for (int64_t d = 0; d < rank; ++d) {
    if (d < a)
      outer = n.mul(outer, dims[d]);
    else
      inner = n.mul(inner, dims[d]);
  }
  n.setOutput(0, n.reshape(x, {outer, inner}));
  return success();
}

LogicalResult importTranspose(N &n) {
  if (failed(n.checkInputs(1, 1)))
    return failure();
  Value x = n.input(0);
  int64_t rank = rankOf(x);
  SmallVector<int64_t> reversed;
  for (int64_t d = rank - 1; d >= 0; --d)
    reversed.push_back(d);
  auto perm = n.intsAttr("perm", reversed);
  if (failed(perm))
    return failure();
  if (static_cast<int64_t>(perm->size()) != rank)
    return n.error() << "perm has " << perm->size() << " entries for rank " << rank;
  SmallVector<int64_t> sorted(*perm);
  llvm::sort(sorted);
  for (int64_t d = 0; d < rank; ++d)
    if (sorted[d] != d)
      return n.error() << "perm is not a permutation of 0.." << rank - 1;
  n.setOutput(0, n.transpose(x, *perm));
  return success();
}

LogicalResult importConcat(N &n) {
  if (failed(n.checkInputs(1, 1 << 16)))
    return failure();
  auto axis = n.intAttr("axis");
  if (failed(axis))
    return failure();
  SmallVector<Value> inputs;
  for (size_t i = 0; i < n.numInputs(); ++i) {
    Value v = n.input(i);
    if (!v)
      return n.error() << "input " << i << " is empty";
    // torch exports sometimes concatenate an empty 1-D tensor; skip it.
    if (rankOf(v) == 1 && typeOf(v).getDimSize(0) == 0 && n.numInputs() > 1)
      continue;
    inputs.push_back(v);
  }
  if (inputs.empty())
    inputs.push_back(n.input(0));
  int64_t rank = rankOf(inputs.front());
  auto normalized = n.normalizeAxis(*axis, rank);
  if (failed(normalized))
    return failure();
  for (Value v : inputs)
    if (rankOf(v) != rank || elementOf(v) != elementOf(inputs.front()))
      return n.error() << "inputs must share rank and element type: " << inputs.front().getType()
                       << " vs " << v.getType();
  if (rank == 1) {
    SmallVector<OpFoldResult> all;
    bool allKnown = true;
    for (Value v : inputs) {
      auto known = n.knownElements(v);
      if (!known) {
        allKnown = false;
        break;
      }
      llvm::append_range(all, *known);
    }
    if (allKnown && isa<IntegerType>(elementOf(inputs.front()))) {
      n.setOutput(0, n.castTo(n.fromDims(all), elementOf(inputs.front())));
      return success();
    }
  }
  n.setOutput(0, n.build<ConcatOp>(inputs, *normalized));
  return success();
}

LogicalResult importSlice(N &n) {
  Value data = n.input(0);
  if (!data)
    return n.error() << "missing input 0";
  int64_t rank = rankOf(data);
  SmallVector<OpFoldResult> starts, ends;
  SmallVector<int64_t> axes, steps;
  if (n.opset < 10) {
    auto s = n.intsAttr("starts"), e = n.intsAttr("ends");
    if (failed(s) || failed(e))
      return failure();
    for (int64_t v : *s)
      starts.push_back(n.b.getIndexAttr(v));
    for (int64_t v : *e)
      ends.push_back(n.b.getIndexAttr(v));
    SmallVector<int64_t> dflt;
    for (size_t i = 0; i < starts.size(); ++i)
      dflt.push_back(i);
    auto a = n.intsAttr("axes", dflt);
    if (failed(a))
      return failure();
    axes = *a;
  } else {
    if (failed(n.checkInputs(3, 5)))
      return failure();
    auto s = n.knownElements(n.input(1)), e = n.knownElements(n.input(2));
    if (!s || !e)
      return n.error() << "starts and ends must be constants or computable from shapes";
    starts = *s;
    ends = *e;
    if (n.hasInput(3)) {
      auto a = n.requireConstantInts(3, "axes");
      if (failed(a))
        return failure();
      axes = *a;
    } else {
      for (size_t i = 0; i < starts.size(); ++i)
        axes.push_back(i);
    }
    if (n.hasInput(4)) {
      auto st = n.requireConstantInts(4, "steps");
      if (failed(st))
        return failure();
      steps = *st;
    }
  }
  if (steps.empty())
    steps.assign(starts.size(), 1);
  if (starts.size() != ends.size() || axes.size() != starts.size() || steps.size() != starts.size())
    return n.error() << "starts, ends, axes and steps must have the same length";
  for (auto [i, axis] : llvm::enumerate(axes)) {
    auto normalized = n.normalizeAxis(axis, rank);
    if (failed(normalized))
      return failure();
    axis = *normalized;
    if (steps[i] == 0)
      return n.error() << "step " << i << " is zero";
  }
  // Clamp "infinite" constant bounds so that they print as what they mean,
  // before splitting: INT64_MIN is also ShapedType::kDynamic.
  for (SmallVector<OpFoldResult> *bounds : {&starts, &ends})
    for (OpFoldResult &bound : *bounds)
      if (std::optional<int64_t> c = getConstantIntValue(bound); c && isOpenEnd(*c))
        bound = n.b.getIndexAttr(*c > 0 ? std::numeric_limits<int32_t>::max()
                                        : std::numeric_limits<int32_t>::min());
  SmallVector<int64_t> staticStarts, staticEnds;
  SmallVector<Value> dynStarts, dynEnds;
  n.splitMixed(starts, staticStarts, dynStarts);
  n.splitMixed(ends, staticEnds, dynEnds);

  // Slicing a tracked shape stays symbolic.
  if (rank == 1 && dynStarts.empty() && dynEnds.empty()) {
    if (auto known = n.knownElements(data)) {
      int64_t size = known->size();
      int64_t s = staticStarts[0], e = staticEnds[0], step = steps[0];
      SmallVector<OpFoldResult> picked;
      int64_t length = getSliceLength(s, e, step, size);
      int64_t first = s < 0 ? s + size : s;
      first = step > 0 ? std::clamp<int64_t>(first, 0, size) : std::clamp<int64_t>(first, 0, size - 1);
      for (int64_t i = 0; i < length; ++i)
        picked.push_back((*known)[first + i * step]);
      n.setOutput(0, n.fromDims(picked));
      return success();
    }
  }
  auto in = typeOf(data);
  SmallVector<int64_t> shape(in.getShape());
  for (auto [i, axis] : llvm::enumerate(axes)) {
    int64_t s = staticStarts[i], e = staticEnds[i], size = in.getDimSize(axis);
    if (ShapedType::isDynamic(s) || ShapedType::isDynamic(e) || ShapedType::isDynamic(size)) {
      shape[axis] = ShapedType::kDynamic;
      continue;
    }
    shape[axis] = getSliceLength(s, e, steps[i], size);
  }
  n.setOutput(0, n.createOp<SliceOp>(in.clone(shape), data, dynStarts, dynEnds,
                                 n.b.getDenseI64ArrayAttr(axes),
                                 n.b.getDenseI64ArrayAttr(staticStarts),
                                 n.b.getDenseI64ArrayAttr(staticEnds),
                                 n.b.getDenseI64ArrayAttr(steps)));
  return success();
}

LogicalResult importSplit(N &n) {
  Value x = n.input(0);
  if (!x)
    return n.error() << "missing input 0";
  auto axis = n.axisAttr("axis", 0, rankOf(x));
  if (failed(axis))
    return failure();
  size_t numOutputs = n.numOutputs();
  SmallVector<int64_t> sizes;
  if (n.opset < 13) {
    auto split = n.intsAttr("split", SmallVector<int64_t>{});
    if (failed(split))
      return failure();
    sizes = *split;
  } else if (n.hasInput(1)) {
    auto split = n.requireConstantInts(1, "split");
    if (failed(split))
      return failure();
    sizes = *split;
  } else if (n.opset >= 18) {
    auto num = n.intAttr("num_outputs", static_cast<int64_t>(numOutputs));
    if (failed(num))
      return failure();
    if (*num != static_cast<int64_t>(numOutputs))
      return n.error() << "num_outputs is " << *num << " but the node has " << numOutputs
                       << " outputs";
  }
  if (!sizes.empty() && sizes.size() != numOutputs)
    return n.error() << "split has " << sizes.size() << " sizes for " << numOutputs << " outputs";
  int64_t dimSize = typeOf(x).getDimSize(*axis);
  if (sizes.empty() && !ShapedType::isDynamic(dimSize)) {
    // Equal chunks; from opset 18 the last one may be smaller.
    int64_t chunk = (dimSize + numOutputs - 1) / numOutputs;
    if (n.opset < 18 && dimSize % numOutputs != 0)
      return n.error() << "dim of size " << dimSize << " does not split into " << numOutputs
                       << " equal parts";
    for (size_t i = 0; i < numOutputs; ++i)
      sizes.push_back(std::max<int64_t>(0, std::min(chunk, dimSize - chunk * int64_t(i))));
  }
  if (!sizes.empty()) {
    SmallVector<Type> types;
    int64_t total = 0;
    for (int64_t size : sizes) {
      if (size < 0)
        return n.error() << "split size " << size << " is negative";
      total += size;
      SmallVector<int64_t> shape(typeOf(x).getShape());
      shape[*axis] = size;
      types.push_back(typeOf(x).clone(shape));
    }
    if (!ShapedType::isDynamic(dimSize) && total != dimSize)
      return n.error() << "split sizes add up to " << total << " but the dim has " << dimSize;
    auto split = n.createOp<SplitOp>(types, x, *axis, n.b.getDenseI64ArrayAttr(sizes));
    for (size_t i = 0; i < numOutputs; ++i)
      n.setOutput(i, split.getResult(i));
    return success();
  }
  // Equal chunks of a dynamic dim: slices with computed bounds.
  OpFoldResult dim = n.dim(x, *axis);
  OpFoldResult chunk = n.floorDiv(n.add(dim, n.b.getIndexAttr(numOutputs - 1)),
                                  n.b.getIndexAttr(numOutputs));
  for (size_t i = 0; i < numOutputs; ++i) {
    OpFoldResult start = n.mul(chunk, n.b.getIndexAttr(i));
    OpFoldResult end = n.min(n.add(start, chunk), dim);
    n.setOutput(i, n.sliceAxis(x, *axis, start, end));
  }
  return success();
}

LogicalResult importExpand(N &n) {
  if (failed(n.checkInputs(2, 2)))
    return failure();
  Value x = n.input(0);
  auto shape = n.knownElements(n.input(1));
  if (!shape)
    return n.error() << "the shape input is not computable at compile time or from shapes";
  SmallVector<int64_t> statics;
  SmallVector<Value> dynamics;
  n.splitMixed(*shape, statics, dynamics);
  FailureOr<SmallVector<int64_t>> result = broadcastShapes({typeOf(x).getShape(), statics});
  if (failed(result))
    return n.error() << "input " << x.getType() << " does not broadcast to the target shape";
  n.setOutput(0, n.createOp<ExpandOp>(typeOf(x).clone(*result), x, dynamics,
                                  n.b.getDenseI64ArrayAttr(statics)));
  return success();
}

LogicalResult importTile(N &n) {
  if (failed(n.checkInputs(2, 2)))
    return failure();
  Value x = n.input(0);
  auto repeats = n.knownElements(n.input(1));
  if (!repeats)
    return n.error() << "repeats must be constants or computable from shapes";
  if (static_cast<int64_t>(repeats->size()) != rankOf(x))
    return n.error() << "has " << repeats->size() << " repeats for rank " << rankOf(x);
  SmallVector<int64_t> statics, shape;
  SmallVector<Value> dynamics;
  n.splitMixed(*repeats, statics, dynamics);
  for (auto [dim, r] : llvm::zip(typeOf(x).getShape(), statics))
    shape.push_back(ShapedType::isDynamic(dim) || ShapedType::isDynamic(r) ? ShapedType::kDynamic
                                                                           : dim * r);
  n.setOutput(0, n.createOp<TileOp>(typeOf(x).clone(shape), x, dynamics,
                                n.b.getDenseI64ArrayAttr(statics)));
  return success();
}

/// Squeeze/Unsqueeze axes: attribute before opset 13, input after.
FailureOr<SmallVector<int64_t>> squeezeAxes(N &n, bool required) {
  if (n.opset < 13) {
    if (!required && !n.findAttr("axes"))
      return SmallVector<int64_t>{};
    return n.intsAttr("axes");
  }
  if (!n.hasInput(1)) {
    if (required)
      return n.error() << "missing input 1 (axes)";
    return SmallVector<int64_t>{};
  }
  return n.requireConstantInts(1, "axes");
}

LogicalResult importUnsqueeze(N &n) {
  Value x = n.input(0);
  if (!x)
    return n.error() << "missing input 0";
  auto axes = squeezeAxes(n, /*required=*/true);
  if (failed(axes))
    return failure();
  int64_t rank = rankOf(x) + axes->size();
  for (int64_t &axis : *axes) {
    auto normalized = n.normalizeAxis(axis, rank);
    if (failed(normalized))
      return failure();
    axis = *normalized;
  }
  llvm::sort(*axes);
  if (std::adjacent_find(axes->begin(), axes->end()) != axes->end())
    return n.error() << "axes contain a duplicate";
  if (rankOf(x) == 0 && rank == 1)
    if (auto known = n.knownElements(x)) {
      n.setOutput(0, n.fromDims(*known));
      return success();
    }
  n.setOutput(0, n.unsqueeze(x, *axes));
  return success();
}

LogicalResult importSqueeze(N &n) {
  Value x = n.input(0);
  if (!x)
    return n.error() << "missing input 0";
  auto axes = squeezeAxes(n, /*required=*/false);
  if (failed(axes))
    return failure();
  auto type = typeOf(x);
  if (axes->empty()) {
    for (int64_t d = 0; d < type.getRank(); ++d) {
      if (type.isDynamicDim(d))
        return n.error() << "Squeeze without axes needs static dims, but dim " << d
                         << " is dynamic";
      if (type.getDimSize(d) == 1)
        axes->push_back(d);
    }
  }
  for (int64_t &axis : *axes) {
    auto normalized = n.normalizeAxis(axis, type.getRank());
    if (failed(normalized))
      return failure();
    axis = *normalized;
    if (!type.isDynamicDim(axis) && type.getDimSize(axis) != 1)
      return n.error() << "cannot squeeze dim " << axis << " of size " << type.getDimSize(axis);
  }
  llvm::sort(*axes);
  axes->erase(std::unique(axes->begin(), axes->end()), axes->end());
  if (type.getRank() == 1 && axes->size() == 1)
    if (auto known = n.knownElements(x)) {
      n.setOutput(0, n.fromDims(*known, /*scalar=*/true));
      return success();
    }
  n.setOutput(0, n.build<SqueezeOp>(x, n.b.getDenseI64ArrayAttr(*axes)));
  return success();
}

LogicalResult importTrilu(N &n) {
  if (failed(n.checkInputs(1, 2)))
    return failure();
  auto upper = n.intAttr("upper", 1);
  if (failed(upper))
    return failure();
  int64_t k = 0;
  if (n.hasInput(1)) {
    auto kv = n.requireConstantInts(1, "k");
    if (failed(kv))
      return failure();
    if (kv->size() != 1)
      return n.error() << "k must be a scalar";
    k = (*kv)[0];
  }
  if (rankOf(n.input(0)) < 2)
    return n.error() << "input must have rank >= 2";
  n.setOutput(0, n.createOp<TriluOp>(n.input(0), *upper != 0, k));
  return success();
}

LogicalResult importCumSum(N &n) {
  if (failed(n.checkInputs(2, 2)))
    return failure();
  auto axisValue = n.requireConstantInts(1, "axis");
  auto exclusive = n.intAttr("exclusive", 0), reverse = n.intAttr("reverse", 0);
  if (failed(axisValue) || failed(exclusive) || failed(reverse))
    return failure();
  if (axisValue->size() != 1)
    return n.error() << "axis must be a scalar";
  auto axis = n.normalizeAxis((*axisValue)[0], rankOf(n.input(0)));
  if (failed(axis))
    return failure();
  n.setOutput(0, n.createOp<CumSumOp>(n.input(0), *axis, *exclusive != 0, *reverse != 0));
  return success();
}

LogicalResult importWhere(N &n) {
  if (failed(n.checkInputs(3, 3)))
    return failure();
  Value c = n.input(0), x = n.input(1), y = n.input(2);
  if (!elementOf(c).isInteger(1))
    return n.error() << "condition must be bool, got " << elementOf(c);
  if (elementOf(x) != elementOf(y))
    return n.error() << "X and Y element types differ: " << elementOf(x) << " vs " << elementOf(y);
  if (failed(broadcastShapes({typeOf(c).getShape(), typeOf(x).getShape(), typeOf(y).getShape()})))
    return n.error() << "operand shapes do not broadcast";
  // Where over tracked shapes (`shape == -1 ? 1 : shape`) stays symbolic.
  auto kc = n.knownElements(c), kx = n.knownElements(x), ky = n.knownElements(y);
  if (kc && kx && ky && rankOf(c) <= 1 && rankOf(x) <= 1 && rankOf(y) <= 1) {
    size_t size = std::max({kc->size(), kx->size(), ky->size()});
    auto at = [&](const SmallVector<OpFoldResult> &v, size_t i) { return v[v.size() == 1 ? 0 : i]; };
    if ((kc->size() == size || kc->size() == 1) && (kx->size() == size || kx->size() == 1) &&
        (ky->size() == size || ky->size() == 1)) {
      SmallVector<OpFoldResult> elems;
      for (size_t i = 0; i < size; ++i)
        elems.push_back(n.select(at(*kc, i), at(*kx, i), at(*ky, i)));
      Value result = n.build<WhereOp>(c, x, y);
      n.graph.knownElements[result] = elems;
      n.setOutput(0, result);
      return success();
    }
  }
  n.setOutput(0, n.build<WhereOp>(c, x, y));
  return success();
}

LogicalResult importIdentity(N &n) {
  Value x = n.input(0);
  if (!x)
    return n.error() << "missing input 0";
  n.setOutput(0, x);
  return success();
}

LogicalResult importDropout(N &n) {
  // Inference: identity; a requested mask is all true.
  Value x = n.input(0);
  if (!x)
    return n.error() << "missing input 0";
  if (n.opset >= 12 && n.hasInput(2)) {
    auto training = n.constantInts(n.input(2));
    if (!training || (*training)[0] != 0)
      return n.error() << "training_mode must be a constant false for inference";
  }
  n.setOutput(0, x);
  if (n.hasOutput(1)) {
    SmallVector<int64_t> statics;
    SmallVector<Value> dynamics;
    n.splitMixed(n.dims(x), statics, dynamics);
    auto type = RankedTensorType::get(statics, n.b.getI1Type());
    n.setOutput(1, n.createOp<FullOp>(type, n.b.getBoolAttr(true), dynamics,
                                  n.b.getDenseI64ArrayAttr(statics)));
  }
  return success();
}

//===----------------------------------------------------------------------===//
// Attention and rotary embedding (opset 23)
//===----------------------------------------------------------------------===//

/// [B, S, H*D] -> [B, H, S, D] for 3-D attention inputs; 4-D passes.
FailureOr<Value> toHeads(N &n, Value v, StringRef headsAttr, StringRef what) {
  if (rankOf(v) == 4)
    return v;
  if (rankOf(v) != 3)
    return n.error() << what << " must be 3-D or 4-D, got " << v.getType();
  auto heads = n.intAttr(headsAttr);
  if (failed(heads))
    return failure();
  if (*heads <= 0)
    return n.error() << "attribute '" << headsAttr << "' must be positive";
  int64_t hidden = typeOf(v).getDimSize(2);
  if (!ShapedType::isDynamic(hidden) && hidden % *heads != 0)
    return n.error() << what << " hidden size " << hidden << " is not divisible by "
                     << headsAttr << " = " << *heads;
  return n.splitHeads(v, *heads);
}

/// [n] int64 positions 0..n-1 along `axis` of a rank-4 tensor (others 1).
Value positions4d(N &n, OpFoldResult count, int64_t axis) {
  Value zero = n.intTensor({0}, {}, n.b.getI64Type()), one = n.intTensor({1}, {}, n.b.getI64Type());
  Value limit = n.fromDims({count}, /*scalar=*/true);
  auto c = getConstantIntValue(count);
  auto type = RankedTensorType::get({c ? *c : ShapedType::kDynamic}, n.b.getI64Type());
  Value range = n.createOp<RangeOp>(type, zero, limit, one);
  if (!c)
    n.graph.dimCache[{range, 0}] = cast<Value>(count);
  SmallVector<int64_t> axes;
  for (int64_t d = 0; d < 4; ++d)
    if (d != axis)
      axes.push_back(d);
  return n.unsqueeze(range, axes);
}

/// ONNX Attention's masks as one boolean "may attend" tensor broadcastable
/// to [B, H, S, T]: key j is visible to query i when j <= i + offset (causal,
/// `offset` [B, 1, 1, 1] or scalar-shaped), j < nonpad[b], and attn_mask
/// allows it (a boolean attn_mask only).
Value visibleMask(N &n, OpFoldResult queries, OpFoldResult keys, Value offset, Value nonpad,
                  Value boolMask) {
  Value visible = boolMask;
  auto both = [&](Value m) { visible = visible ? n.build<AndOp>(visible, m) : m; };
  Value j = positions4d(n, keys, 3);
  if (offset) {
    Value i = positions4d(n, queries, 2);
    both(n.build<LeOp>(j, n.build<AddOp>(i, offset)));
  }
  if (nonpad) {
    Value lengths = n.castTo(nonpad, n.b.getI64Type());
    lengths = n.reshape(lengths, {n.dim(lengths, 0), n.b.getIndexAttr(1), n.b.getIndexAttr(1),
                                  n.b.getIndexAttr(1)});
    both(n.build<LtOp>(j, lengths));
  }
  return visible;
}

/// Expands [B, Hkv, T, D] to [B, Hq, T, D] by repeating each kv head.
Value repeatKvHeads(N &n, Value kv, int64_t qHeads) {
  auto type = typeOf(kv);
  int64_t kvHeads = type.getDimSize(1);
  if (kvHeads == qHeads)
    return kv;
  SmallVector<OpFoldResult> d = n.dims(kv);
  int64_t group = qHeads / kvHeads;
  Value wide = n.unsqueeze(kv, {2});
  SmallVector<OpFoldResult> target = {d[0], d[1], n.b.getIndexAttr(group), d[2], d[3]};
  SmallVector<int64_t> statics;
  SmallVector<Value> dynamics;
  n.splitMixed(target, statics, dynamics);
  Value expanded = n.createOp<ExpandOp>(typeOf(wide).clone(statics), wide, dynamics,
                                        n.b.getDenseI64ArrayAttr(statics));
  return n.reshape(expanded, {d[0], n.b.getIndexAttr(qHeads), d[2], d[3]});
}

LogicalResult importAttention(N &n) {
  if (failed(n.checkInputs(3, 7)))
    return failure();
  auto isCausal = n.intAttr("is_causal", 0);
  auto softcap = n.floatAttr("softcap", 0.0f);
  auto mode = n.intAttr("qk_matmul_output_mode", 0);
  if (failed(isCausal) || failed(softcap) || failed(mode))
    return failure();
  if (*mode < 0 || *mode > 3)
    return n.error() << "qk_matmul_output_mode must be 0 to 3, got " << *mode;
  Value q0 = n.input(0);
  bool threeD = rankOf(q0) == 3;
  auto q = toHeads(n, q0, "q_num_heads", "Q");
  auto k = toHeads(n, n.input(1), "kv_num_heads", "K");
  auto v = toHeads(n, n.input(2), "kv_num_heads", "V");
  if (failed(q) || failed(k) || failed(v))
    return failure();
  Value key = *k, value = *v;
  bool hasPast = n.hasInput(4);
  if (hasPast != n.hasInput(5))
    return n.error() << "past_key and past_value must be given together";
  OpFoldResult pastLength = n.b.getIndexAttr(0);
  if (hasPast) {
    pastLength = n.dim(n.input(4), 2);
    key = n.build<ConcatOp>(ValueRange{n.input(4), key}, 2);
    value = n.build<ConcatOp>(ValueRange{n.input(5), value}, 2);
  }
  n.setOutput(1, key);
  n.setOutput(2, value);
  std::optional<float> scale;
  if (n.findAttr("scale")) {
    auto s = n.floatAttr("scale");
    if (failed(s))
      return failure();
    scale = *s;
  }
  Value mask = n.input(3), nonpad = n.input(6);
  Type element = elementOf(*q);
  OpFoldResult queries = n.dim(*q, 2), keys = n.dim(key, 2);
  double negInf = -std::numeric_limits<double>::infinity();
  // A mask shorter than the keys covers the first ones; the rest are hidden.
  if (mask && rankOf(mask) > 0) {
    int64_t last = rankOf(mask) - 1, width = typeOf(mask).getDimSize(last);
    auto total = getConstantIntValue(keys);
    if (!ShapedType::isDynamic(width) && total && width < *total) {
      SmallVector<OpFoldResult> padDims = n.dims(mask);
      padDims[last] = n.b.getIndexAttr(*total - width);
      SmallVector<int64_t> statics;
      SmallVector<Value> dynamics;
      n.splitMixed(padDims, statics, dynamics);
      Type maskElement = elementOf(mask);
      TypedAttr hidden = maskElement.isInteger(1)
                             ? TypedAttr(n.b.getBoolAttr(false))
                             : TypedAttr(FloatAttr::get(maskElement, negInf));
      Value pad = n.createOp<FullOp>(typeOf(mask).clone(statics), hidden, dynamics,
                                     n.b.getDenseI64ArrayAttr(statics));
      mask = n.build<ConcatOp>(ValueRange{mask, pad}, last);
    }
  }

  // Causality is bottom-right aligned on the keys before the new block: the
  // past (no offset without a cache), or per batch nonpad_kv_seqlen - S for
  // an external cache. No offset and a past as long as T - S are
  // llm.attention's own modes; a past of another length (new keys and
  // queries of different lengths) is a mask like the per-batch offset.
  StringRef causal = "none";
  Value perBatchOffset;
  if (*isCausal) {
    OpFoldResult newKeys = n.dim(*k, 2);
    auto newKeysStatic = getConstantIntValue(newKeys), queriesStatic = getConstantIntValue(queries);
    bool pastIsTMinusS = newKeys == queries || (newKeysStatic && queriesStatic &&
                                                *newKeysStatic == *queriesStatic);
    if (!hasPast && nonpad) {
      Value lengths = n.castTo(nonpad, n.b.getI64Type());
      perBatchOffset = n.build<SubOp>(lengths, n.fromDims({queries}, /*scalar=*/true));
      perBatchOffset = n.reshape(perBatchOffset, {n.dim(lengths, 0), n.b.getIndexAttr(1),
                                                  n.b.getIndexAttr(1), n.b.getIndexAttr(1)});
    } else if (hasPast && !pastIsTMinusS) {
      perBatchOffset = n.fromDims({pastLength}, /*scalar=*/true);
    } else {
      causal = hasPast ? "lower_right" : "upper_left";
    }
  }
  // Fold nonpad_kv_seqlen and the per-batch causal frontier into the mask.
  Value opMask = mask;
  if (nonpad || perBatchOffset) {
    Value boolMask = mask && elementOf(mask).isInteger(1) ? mask : Value();
    Value visible = visibleMask(n, queries, keys, perBatchOffset, nonpad, boolMask);
    opMask = (mask && !boolMask)
                 ? n.build<WhereOp>(visible, mask, n.scalar(elementOf(mask), negInf))
                 : visible;
  }
  Value attention = n.build<AttentionOp>(*q, key, value, opMask,
                                          scale ? n.b.getF32FloatAttr(*scale) : FloatAttr(),
                                          n.b.getStringAttr(causal), n.b.getF32FloatAttr(*softcap),
                                          n.b.getStringAttr("zero"), n.b.getStringAttr("bhsd"),
                                          /*packed_heads=*/DenseI64ArrayAttr());
  n.setOutput(0, threeD ? n.mergeHeads(attention) : attention);

  if (n.hasOutput(3)) {
    // The scores are a debugging output: recompute them unfused, in the
    // order of the ONNX reference (scale, softcap, mask, softmax).
    int64_t headDim = typeOf(*q).getDimSize(3);
    if (!scale && ShapedType::isDynamic(headDim))
      return n.error() << "qk_matmul_output needs a static head size or a scale";
    double factor = scale ? *scale : 1.0 / std::sqrt(static_cast<double>(headDim));
    int64_t qHeads = typeOf(*q).getDimSize(1);
    if (ShapedType::isDynamic(qHeads))
      return n.error() << "qk_matmul_output needs a static number of query heads";
    Value kt = n.transpose(repeatKvHeads(n, key, qHeads), {0, 1, 3, 2});
    Value scores = n.build<MulOp>(n.build<MatmulOp>(*q, kt), n.scalar(element, factor));
    if (*softcap > 0.0f) {
      Value capped = n.build<TanhOp>(n.build<DivOp>(scores, n.scalar(element, *softcap)));
      scores = n.build<MulOp>(capped, n.scalar(element, *softcap));
    }
    Value result = scores;
    if (*mode >= 2) {
      Value offset = perBatchOffset;
      if (*isCausal && !offset)
        offset = n.fromDims({pastLength}, /*scalar=*/true);
      Value boolMask = mask && elementOf(mask).isInteger(1) ? mask : Value();
      if (Value visible = visibleMask(n, queries, keys, offset, nonpad, boolMask))
        result = n.build<WhereOp>(visible, scores, n.scalar(element, negInf));
      if (mask && !boolMask)
        result = n.build<AddOp>(result, mask);
      if (*mode == 3) {
        // A row that may attend to nothing (every score -inf) is zeros, as
        // in Y, not softmax's NaN.
        Value rowMax = n.build<ReduceMaxOp>(result, n.b.getDenseI64ArrayAttr({3}),
                                            n.b.getBoolAttr(true));
        Value blind = n.build<EqOp>(rowMax, n.scalar(element, negInf));
        result = n.build<WhereOp>(blind, n.scalar(element, 0.0),
                                  n.createOp<SoftmaxOp>(result, 3));
      }
    }
    n.setOutput(3, result);
  }
  return success();
}

LogicalResult importRotaryEmbedding(N &n) {
  if (failed(n.checkInputs(3, 4)))
    return failure();
  auto interleaved = n.intAttr("interleaved", 0);
  auto rotaryDim = n.intAttr("rotary_embedding_dim", 0);
  if (failed(interleaved) || failed(rotaryDim))
    return failure();
  Value x = n.input(0), cos = n.input(1), sin = n.input(2), positions = n.input(3);
  // ONNX RotaryEmbedding-23: 4-D input is [B, H, S, D] already; 3-D is
  // [B, S, H*D] and needs num_heads.
  Value heads = x;
  if (rankOf(x) != 4) {
    auto h = toHeads(n, x, "num_heads", "X");
    if (failed(h))
      return failure();
    heads = *h;
  }
  for (Value table : {cos, sin})
    if (elementOf(table) != elementOf(x))
      return n.error() << "cos_cache and sin_cache must have the input's element type "
                       << elementOf(x) << ", got " << table.getType();
  if (positions) {
    if (!isa<IntegerType>(elementOf(positions)) || elementOf(positions).isInteger(1))
      return n.error() << "position_ids must be an integer tensor, got " << positions.getType();
    if (rankOf(cos) != 2 || rankOf(sin) != 2)
      return n.error() << "with position_ids, cos_cache and sin_cache must be 2-D "
                          "[max_position, rotary_dim/2], got "
                       << cos.getType() << " and " << sin.getType();
    cos = n.build<GatherOp>(cos, n.castTo(positions, n.b.getI64Type()), 0);
    sin = n.build<GatherOp>(sin, n.castTo(positions, n.b.getI64Type()), 0);
  }
  if (rankOf(cos) != 3 || rankOf(sin) != 3)
    return n.error() << "cos/sin must be [batch, seq, rotary_dim/2] after position lookup, got "
                     << cos.getType() << " and " << sin.getType();
  // The caches may be wider than rotary_dim/2; only their first half-rotary
  // columns are used.
  int64_t headDim = typeOf(heads).getDimSize(3);
  int64_t rotary = *rotaryDim ? *rotaryDim : headDim;
  if (!ShapedType::isDynamic(rotary)) {
    int64_t half = rotary / 2;
    auto narrow = [&](Value table) {
      int64_t width = typeOf(table).getDimSize(2);
      if (ShapedType::isDynamic(width) || width > half)
        return n.sliceAxis(table, 2, n.b.getIndexAttr(0), n.b.getIndexAttr(half));
      return table;
    };
    cos = narrow(cos);
    sin = narrow(sin);
  }
  cos = n.unsqueeze(cos, {1});
  sin = n.unsqueeze(sin, {1});
  auto op = n.createOp<RotaryEmbeddingOp>(
      typeOf(heads), heads, cos, sin, *interleaved != 0,
      *rotaryDim ? n.b.getI64IntegerAttr(*rotaryDim) : IntegerAttr());
  n.setOutput(0, rankOf(x) == 4 ? Value(op) : n.mergeHeads(op));
  return success();
}

//===----------------------------------------------------------------------===//
// Quantization
//===----------------------------------------------------------------------===//

/// DequantizeLinear / QuantizeLinear. Constant per-tensor and per-axis
/// parameters become a !quant type; anything else stays as operands.
LogicalResult importQuantization(N &n, bool dequantize) {
  if (failed(n.checkInputs(2, 3)))
    return failure();
  Value x = n.input(0), scale = n.input(1), zeroPoint = n.input(2);
  auto axisAttr = n.intAttr("axis", 1), blockSize = n.intAttr("block_size", 0);
  // output_dtype (QuantizeLinear-21, DequantizeLinear-23) names the result
  // type; 0 means "from zero_point" (quantize) or "from scale" (dequantize).
  auto outDtype = n.intAttr("output_dtype", 0);
  if (failed(axisAttr) || failed(blockSize) || failed(outDtype))
    return failure();
  Type outType;
  if (*outDtype != 0) {
    outType = convertElementType(n.b.getContext(), *outDtype);
    if (!outType)
      return n.error() << "output_dtype " << elementTypeName(*outDtype) << " is not supported";
  }
  Type floatType = dequantize ? elementOf(scale) : elementOf(x);
  Type intType = dequantize ? elementOf(x)
                            : (zeroPoint ? elementOf(zeroPoint)
                                         : outType ? outType
                                                   : IntegerType::get(n.b.getContext(), 8,
                                                                      IntegerType::Unsigned));
  if (!isa<FloatType>(elementOf(scale)))
    return n.error() << "scale must be a float tensor, got " << scale.getType();
  if (!isa<FloatType>(floatType))
    return n.error() << "input must be a float tensor, got " << x.getType();
  if (!isa<IntegerType>(intType))
    return n.error() << "quantized type " << intType
                     << " is not supported (only integer quantization)";
  if (zeroPoint && elementOf(zeroPoint) != intType)
    return n.error() << "zero_point type " << elementOf(zeroPoint)
                     << " differs from the quantized type " << intType;
  if (!dequantize && outType && outType != intType)
    return n.error() << "output_dtype " << elementTypeName(*outDtype)
                     << " differs from the zero_point type " << intType;
  if (dequantize && outType && !isa<FloatType>(outType))
    return n.error() << "output_dtype must be a float type, got " << elementTypeName(*outDtype);
  // A scale of one element is per tensor, and then axis does not matter (it
  // may even be out of range, as its default 1 is for a 1-D input).
  auto scaleType = typeOf(scale);
  bool perTensor = scaleType.hasStaticShape() && scaleType.getNumElements() == 1 &&
                   scaleType.getRank() <= 1 && *blockSize == 0;
  int64_t axis = 0;
  if (!perTensor) {
    auto normalized = n.normalizeAxis(*axisAttr, rankOf(x));
    if (failed(normalized))
      return failure();
    axis = *normalized;
  }
  // Exporters write a per-tensor zero point as [1] next to a scalar scale.
  if (perTensor && zeroPoint && typeOf(zeroPoint) != scaleType.clone(elementOf(zeroPoint))) {
    auto zpType = typeOf(zeroPoint);
    if (!zpType.hasStaticShape() || zpType.getNumElements() != 1)
      return n.error() << "zero_point " << zpType << " must have the shape of scale "
                       << scaleType;
    zeroPoint = n.reshape(zeroPoint, n.dims(scale));
  }
  auto resultShape = typeOf(x).getShape();
  Type resultType = RankedTensorType::get(resultShape, dequantize ? floatType : intType);
  if (!dequantize && elementOf(scale) != elementOf(x))
    x = n.castTo(x, elementOf(scale));

  auto scales = n.constantFloats(scale);
  std::optional<SmallVector<int64_t>> zeroPoints =
      zeroPoint ? n.constantInts(zeroPoint) : SmallVector<int64_t>{0};
  unsigned width = intType.getIntOrFloatBitWidth();
  bool isSigned = !intType.isUnsignedInteger();
  if (*blockSize == 0 && scales && zeroPoints && (perTensor || rankOf(scale) == 1) &&
      typeOf(scale).hasStaticShape()) {
    // Parameters known at compile time: put them in a !quant type.
    auto storage = IntegerType::get(n.b.getContext(), width);
    int64_t minValue = isSigned ? -(int64_t(1) << (width - 1)) : 0;
    int64_t maxValue = isSigned ? (int64_t(1) << (width - 1)) - 1 : (int64_t(1) << width) - 1;
    unsigned flags = isSigned ? quant::QuantizationFlags::Signed : 0;
    Type quantElement;
    if (perTensor) {
      int64_t zp = zeroPoints->empty() ? 0 : (*zeroPoints)[0];
      quantElement = quant::UniformQuantizedType::getChecked(
          n.loc, flags, storage, floatType, (*scales)[0], zp, minValue, maxValue);
    } else {
      SmallVector<int64_t> zps(*zeroPoints);
      if (zps.size() == 1)
        zps.assign(scales->size(), zps[0]);
      quantElement = quant::UniformQuantizedPerAxisType::getChecked(
          n.loc, flags, storage, floatType, *scales, zps, axis, minValue, maxValue);
    }
    if (!quantElement)
      return n.error() << "scale/zero_point do not form a valid quantized type";
    auto quantTensor = RankedTensorType::get(resultShape, quantElement);
    if (dequantize) {
      Value q = n.createOp<StorageCastOp>(quantTensor, x);
      Value y = n.createOp<DequantizeOp>(resultType, q, Value(), Value(), 1, 0);
      n.setOutput(0, outType ? n.castTo(y, outType) : y);
    } else {
      Value q = n.createOp<QuantizeOp>(quantTensor, x, Value(), Value(), 1, 0);
      n.setOutput(0, n.createOp<StorageCastOp>(resultType, q));
    }
    return success();
  }
  if (dequantize) {
    Value y = n.createOp<DequantizeOp>(resultType, x, scale, zeroPoint, axis, *blockSize);
    n.setOutput(0, outType ? n.castTo(y, outType) : y);
  } else {
    n.setOutput(0, n.createOp<QuantizeOp>(resultType, x, scale, zeroPoint, axis, *blockSize));
  }
  return success();
}

LogicalResult importMatMulInteger(N &n) {
  // (A - a_zero_point) @ (B - b_zero_point) in int32.
  if (failed(n.checkInputs(2, 4)))
    return failure();
  Type i32 = n.b.getI32Type();
  Value a = n.castTo(n.input(0), i32), b = n.castTo(n.input(1), i32);
  if (n.hasInput(2)) {
    Value zp = n.castTo(n.input(2), i32);
    if (rankOf(zp) == 1 && rankOf(a) >= 2)
      zp = n.unsqueeze(zp, {1}); // per-row zero point of A
    a = n.build<SubOp>(a, zp);
  }
  if (n.hasInput(3))
    b = n.build<SubOp>(b, n.castTo(n.input(3), i32));
  n.setOutput(0, n.build<MatmulOp>(a, b));
  return success();
}

//===----------------------------------------------------------------------===//
// Indexing: GatherElements, ScatterND, TopK
//===----------------------------------------------------------------------===//

LogicalResult importGatherElements(N &n) {
  if (failed(n.checkInputs(2, 2)))
    return failure();
  Value data = n.input(0), indices = n.input(1);
  auto normalized = n.axisAttr("axis", 0, rankOf(data));
  if (failed(normalized))
    return failure();
  auto type = typeOf(indices).clone(elementOf(data));
  n.setOutput(0, n.createOp<GatherElementsOp>(type, data, n.castTo(indices, n.b.getI64Type()),
                                              *normalized));
  return success();
}

LogicalResult importScatterND(N &n) {
  if (failed(n.checkInputs(3, 3)))
    return failure();
  auto reduction = n.stringAttr("reduction", std::string("none"));
  if (failed(reduction))
    return failure();
  Value data = n.input(0);
  n.setOutput(0, n.createOp<ScatterNdOp>(typeOf(data), data,
                                         n.castTo(n.input(1), n.b.getI64Type()), n.input(2),
                                         *reduction));
  return success();
}

LogicalResult importTopK(N &n) {
  Value x = n.input(0);
  if (!x)
    return n.error() << "missing input 0";
  auto axisAttr = n.intAttr("axis", -1), largest = n.intAttr("largest", 1),
       sorted = n.intAttr("sorted", 1);
  if (failed(axisAttr) || failed(largest) || failed(sorted))
    return failure();
  auto axis = n.normalizeAxis(*axisAttr, rankOf(x));
  if (failed(axis))
    return failure();
  int64_t k;
  if (n.opset < 10) {
    auto attr = n.intAttr("k");
    if (failed(attr))
      return failure();
    k = *attr;
  } else {
    auto values = n.requireConstantInts(1, "K");
    if (failed(values))
      return failure();
    if (values->size() != 1)
      return n.error() << "K must hold one value";
    k = (*values)[0];
  }
  SmallVector<int64_t> shape(typeOf(x).getShape());
  if (k < 0 || (!ShapedType::isDynamic(shape[*axis]) && k > shape[*axis]))
    return n.error() << "K = " << k << " must be in [0, " << shape[*axis] << "], the size of axis "
                     << *axis;
  shape[*axis] = k;
  auto op = n.createOp<TopKOp>(typeOf(x).clone(shape), typeOf(x).clone(shape).clone(n.b.getI64Type()),
                               x, k, *axis, *largest != 0, *sorted != 0);
  n.setOutput(0, op.getValues());
  n.setOutput(1, op.getIndices());
  return success();
}

/// QLinearMatMul: both operands and the result as !quant types with
/// constant per-tensor (or per-axis) parameters.
LogicalResult importQLinearMatMul(N &n) {
  if (failed(n.checkInputs(8, 8)))
    return failure();
  auto quantTypeOf = [&](size_t scaleIdx, size_t zpIdx) -> FailureOr<Type> {
    auto scale = n.constantFloats(n.input(scaleIdx));
    auto zp = n.constantInts(n.input(zpIdx));
    if (!scale || !zp || scale->size() != 1 || zp->size() != 1)
      return n.error() << "scales and zero points must be per-tensor constants";
    Type element = elementOf(n.input(zpIdx));
    auto intType = dyn_cast<IntegerType>(element);
    if (!intType || intType.getWidth() != 8)
      return n.error() << "only 8-bit QLinearMatMul is supported, got " << element;
    bool isSigned = !intType.isUnsigned();
    Type storage = IntegerType::get(n.b.getContext(), 8);
    return Type(quant::UniformQuantizedType::getChecked(
        n.loc, isSigned ? quant::QuantizationFlags::Signed : 0, storage,
        elementOf(n.input(scaleIdx)), (*scale)[0], (*zp)[0], isSigned ? -128 : 0,
        isSigned ? 127 : 255));
  };
  auto qa = quantTypeOf(1, 2), qb = quantTypeOf(4, 5), qy = quantTypeOf(6, 7);
  if (failed(qa) || failed(qb) || failed(qy) || !*qa || !*qb || !*qy)
    return failure();
  Value a = n.createOp<StorageCastOp>(typeOf(n.input(0)).clone(*qa), n.input(0));
  Value b = n.createOp<StorageCastOp>(typeOf(n.input(3)).clone(*qb), n.input(3));
  Value product = n.build<QuantizedMatmulOp>(a, b);
  Value quantized = n.createOp<QuantizeOp>(typeOf(product).clone(*qy), product, Value(), Value(),
                                           1, 0);
  n.setOutput(0, n.createOp<StorageCastOp>(typeOf(product).clone(elementOf(n.input(7))),
                                           quantized));
  return success();
}

} // namespace

void onnx_import::addDefaultDomainOps(std::vector<OpEntry> &t) {
  auto add = [&](const char *op, int since, NodeHandler h, const char *notes = "") {
    t.push_back({"", op, since, std::move(h), notes});
  };
  add("Abs", 6, importUnary<AbsOp>);
  add("Add", 7, [](N &n) {
    return importBinary<AddOp>(n, [&n](OpFoldResult a, OpFoldResult c) { return n.add(a, c); });
  });
  add("And", 7, importBinaryPlain<AndOp>);
  add("ArgMax", 11, importArgMax);
  add("Attention", 23, importAttention, "3-D and 4-D, GQA, past K/V, softcap; no qk_matmul_output");
  add("Cast", 6, [](N &n) {
    if (failed(n.checkInputs(1, 1)))
      return failure();
    auto to = n.intAttr("to");
    if (failed(to))
      return failure();
    Type type = convertElementType(n.b.getContext(), *to);
    if (!type)
      return LogicalResult(n.error() << "cast to unsupported type " << elementTypeName(*to));
    return importCast(n, type);
  });
  add("CastLike", 15, [](N &n) {
    if (failed(n.checkInputs(2, 2)))
      return failure();
    return importCast(n, elementOf(n.input(1)));
  });
  add("Ceil", 6, importUnary<CeilOp>);
  add("Clip", 6, importClip);
  add("Concat", 4, importConcat);
  add("Constant", 1, importConstant);
  add("ConstantOfShape", 9, importConstantOfShape);
  add("Cos", 7, importUnary<CosOp>);
  add("CumSum", 11, importCumSum);
  add("DequantizeLinear", 10, [](N &n) { return importQuantization(n, true); },
      "per tensor / per axis (as !quant types) and blocked (opset 21)");
  add("Div", 7, [](N &n) {
    return importBinary<DivOp>(n, [&n](OpFoldResult a, OpFoldResult c) { return n.floorDiv(a, c); });
  });
  add("Dropout", 7, importDropout, "inference only (identity)");
  add("Equal", 7, [](N &n) {
    return importBinary<EqOp>(n, [&n](OpFoldResult a, OpFoldResult c) { return n.eq(a, c); });
  });
  add("Erf", 9, importUnary<ErfOp>);
  add("Exp", 6, importUnary<ExpOp>);
  add("Expand", 8, importExpand);
  add("Flatten", 1, importFlatten);
  add("Floor", 6, importUnary<FloorOp>);
  add("Gather", 1, importGather);
  add("GatherElements", 11, importGatherElements);
  add("GatherND", 11, importGatherND);
  add("Gelu", 20, importGelu);
  add("Gemm", 7, importGemm);
  add("Greater", 7, importBinaryPlain<GtOp>);
  add("GreaterOrEqual", 12, importBinaryPlain<GeOp>);
  add("Identity", 1, importIdentity);
  add("IsNaN", 9, [](N &n) {
    if (failed(n.checkInputs(1, 1)))
      return failure();
    Value x = n.input(0);
    n.setOutput(0, n.createOp<IsNanOp>(typeOf(x).clone(n.b.getI1Type()), x));
    return success();
  });
  add("LayerNormalization", 17, importLayerNormalization, "Mean and InvStdDev outputs too");
  add("Less", 7, importBinaryPlain<LtOp>);
  add("LessOrEqual", 12, importBinaryPlain<LeOp>);
  add("Log", 6, importUnary<LogOp>);
  add("LogSoftmax", 1, importSoftmax<LogSoftmaxOp>);
  add("MatMul", 1, importMatMul);
  add("MatMulInteger", 10, importMatMulInteger);
  add("Max", 6, [](N &n) {
    if (n.numInputs() == 2 && n.input(0) && rankOf(n.input(0)) <= 1 &&
        isa<IntegerType>(elementOf(n.input(0))))
      return importBinary<MaxOp>(n, [&n](OpFoldResult a, OpFoldResult c) { return n.max(a, c); });
    return importVariadic<MaxOp>(n);
  });
  add("Mean", 6, [](N &n) { return importVariadic<AddOp>(n, /*mean=*/true); });
  add("Min", 6, [](N &n) {
    if (n.numInputs() == 2 && n.input(0) && rankOf(n.input(0)) <= 1 &&
        isa<IntegerType>(elementOf(n.input(0))))
      return importBinary<MinOp>(n, [&n](OpFoldResult a, OpFoldResult c) { return n.min(a, c); });
    return importVariadic<MinOp>(n);
  });
  add("Mod", 10, importMod);
  add("Mul", 7, [](N &n) {
    return importBinary<MulOp>(n, [&n](OpFoldResult a, OpFoldResult c) { return n.mul(a, c); });
  });
  add("Neg", 6, importUnary<NegOp>);
  add("Not", 1, importUnary<NotOp>);
  add("Or", 7, importBinaryPlain<OrOp>);
  add("Pow", 7, importBinaryPlain<PowOp>);
  add("QLinearMatMul", 10, importQLinearMatMul, "per-tensor constant parameters, as !quant types");
  add("QuantizeLinear", 10, [](N &n) { return importQuantization(n, false); },
      "per tensor / per axis (as !quant types) and blocked (opset 21)");
  add("RMSNormalization", 23, importRMSNormalization);
  add("Range", 11, importRange, "folded when constant");
  add("Reciprocal", 6, importUnary<ReciprocalOp>);
  add("ReduceMax", 1, [](N &n) { return importReduce<ReduceMaxOp>(n, 18); });
  add("ReduceMean", 1, [](N &n) { return importReduce<ReduceMeanOp>(n, 18); });
  add("ReduceMin", 1, [](N &n) { return importReduce<ReduceMinOp>(n, 18); });
  add("ReduceProd", 1, [](N &n) { return importReduce<ReduceProdOp>(n, 18); });
  add("ReduceSum", 1, [](N &n) { return importReduce<ReduceSumOp>(n, 13); });
  add("Relu", 6, importUnary<ReluOp>);
  add("Reshape", 1, importReshape, "symbolic; 0 and -1 resolved at import");
  add("RotaryEmbedding", 23, importRotaryEmbedding);
  add("Shape", 1, importShape, "folded into index values");
  add("Sigmoid", 6, importUnary<SigmoidOp>);
  add("ScatterND", 11, importScatterND);
  add("Sin", 7, importUnary<SinOp>);
  add("Size", 1, importSize);
  add("Slice", 1, importSlice, "starts/ends may be symbolic; axes/steps constant");
  add("Softmax", 1, importSoftmax<SoftmaxOp>);
  add("Split", 2, importSplit);
  add("Sqrt", 6, importUnary<SqrtOp>);
  add("Squeeze", 1, importSqueeze);
  add("Sub", 7, [](N &n) {
    return importBinary<SubOp>(n, [&n](OpFoldResult a, OpFoldResult c) { return n.sub(a, c); });
  });
  add("Sum", 6, [](N &n) { return importVariadic<AddOp>(n); });
  add("Tanh", 6, importUnary<TanhOp>);
  add("Tile", 6, importTile);
  add("TopK", 1, importTopK, "K must be a constant");
  add("Transpose", 1, importTranspose);
  add("Trilu", 14, importTrilu);
  add("Unsqueeze", 1, importUnsqueeze);
  add("Where", 9, importWhere);
  add("Xor", 7, importBinaryPlain<XorOp>);
}
