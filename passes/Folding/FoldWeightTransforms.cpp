//===- FoldWeightTransforms.cpp - the llm-fold-weight-transforms pass ----===//
//
// A layout change of a weight written as an op in the graph (the transpose
// of a dynamo nn.Linear weight, the slice of a fused projection, the cast of
// an f16 weight) runs at every inference. Evaluated once here, it becomes a
// new weight blob. The canonicalizer's folders leave weight blobs alone on
// purpose: they run many times in every pipeline, and a fold of a weight
// needs a memory budget and a name for the new blob, which a pass has.
//
//===----------------------------------------------------------------------===//

#include "passes/Folding/Passes.h"

#include "passes/Folding/ConstantData.h"

#include "dialects/LLM/IR/LLMOps.h"
#include "dialects/LLM/IR/LLMWeightRecipes.h"

#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/StringExtras.h"

#include <cmath>
#include <cstring>
#include <limits>

namespace mlir {
namespace llm {
#define GEN_PASS_DEF_FOLDWEIGHTTRANSFORMSPASS
#include "passes/Folding/Passes.h.inc"
} // namespace llm
} // namespace mlir

using namespace mlir;
using namespace mlir::llm;

namespace {

/// Row-major strides, in elements, of `shape`.
SmallVector<int64_t> stridesOf(ArrayRef<int64_t> shape) {
  SmallVector<int64_t> strides(shape.size(), 1);
  for (int64_t d = static_cast<int64_t>(shape.size()) - 2; d >= 0; --d)
    strides[d] = strides[d + 1] * shape[d + 1];
  return strides;
}

/// Writes, in row-major order of `shape`, the elements of `src` seen
/// through a strided view: the element at index `i` is
/// `src[offset + sum(i[d] * strides[d])]`.
void copyStrided(ArrayRef<char> src, char *dst, int64_t elt, ArrayRef<int64_t> shape,
                 ArrayRef<int64_t> strides, int64_t offset) {
  int64_t rank = shape.size();
  if (llvm::is_contained(shape, 0))
    return;
  if (rank == 0) {
    std::memcpy(dst, src.data() + offset * elt, elt);
    return;
  }
  SmallVector<int64_t> index(rank, 0);
  int64_t inner = shape.back(), innerStride = strides.back();
  while (true) {
    int64_t base = offset;
    for (int64_t d = 0; d < rank - 1; ++d)
      base += index[d] * strides[d];
    if (innerStride == 1) {
      std::memcpy(dst, src.data() + base * elt, inner * elt);
      dst += inner * elt;
    } else {
      for (int64_t i = 0; i < inner; ++i, dst += elt)
        std::memcpy(dst, src.data() + (base + i * innerStride) * elt, elt);
    }
    int64_t d = rank - 2;
    for (; d >= 0; --d) {
      if (++index[d] < shape[d])
        break;
      index[d] = 0;
    }
    if (d < 0)
      return;
  }
}

//===----------------------------------------------------------------------===//
// Element conversion (llm.cast)
//===----------------------------------------------------------------------===//

/// True for the element types a cast folds between: f16, bf16, f32, f64
/// and integers of 8 to 64 bits.
bool isFoldableElement(Type type) {
  if (type.isF16() || type.isBF16() || type.isF32() || type.isF64())
    return true;
  auto integer = dyn_cast<IntegerType>(type);
  return integer && integer.getWidth() >= 8 && integer.getWidth() <= 64 &&
         llvm::isPowerOf2_32(integer.getWidth());
}

/// Reads element `i` of `data` (of type `type`) as a double or an integer.
struct ElementReader {
  Type type;
  ArrayRef<char> data;
  /// The 16-bit floats, decoded once.
  std::vector<float> table;

  ElementReader(Type type, ArrayRef<char> data) : type(type), data(data) {
    if (type.isF16() || type.isBF16()) {
      const llvm::fltSemantics &semantics = cast<FloatType>(type).getFloatSemantics();
      table.resize(65536);
      for (uint32_t bits = 0; bits < 65536; ++bits)
        table[bits] = APFloat(semantics, APInt(16, bits)).convertToFloat();
    }
  }

  bool isFloat() const { return isa<FloatType>(type); }

  double asDouble(int64_t i) const {
    if (!table.empty()) {
      uint16_t bits;
      std::memcpy(&bits, data.data() + 2 * i, 2);
      return table[bits];
    }
    if (type.isF32()) {
      float value;
      std::memcpy(&value, data.data() + 4 * i, 4);
      return value;
    }
    if (type.isF64()) {
      double value;
      std::memcpy(&value, data.data() + 8 * i, 8);
      return value;
    }
    return isUnsigned() ? static_cast<double>(asUnsigned(i)) : static_cast<double>(asSigned(i));
  }

  bool isUnsigned() const { return type.isUnsignedInteger(); }

  uint64_t asUnsigned(int64_t i) const {
    unsigned bytes = type.getIntOrFloatBitWidth() / 8;
    uint64_t value = 0;
    std::memcpy(&value, data.data() + bytes * i, bytes);
    return value;
  }

  int64_t asSigned(int64_t i) const {
    unsigned bits = type.getIntOrFloatBitWidth();
    return llvm::SignExtend64(asUnsigned(i), bits);
  }
};

/// `data` of `from` converted elementwise to `to`, with the CPU kernels'
/// `llm.cast` semantics: floats round to nearest even (overflow gives
/// infinity), float to integer truncates toward zero with NaN as 0 and
/// saturation at the integer's range, integers wrap or extend by the
/// source's signedness.
std::vector<char> convertElements(ArrayRef<char> data, Type from, Type to, int64_t count) {
  ElementReader reader(from, data);
  int64_t outBytes = elementBytes(to);
  std::vector<char> out(count * outBytes);
  char *dst = out.data();
  for (int64_t i = 0; i < count; ++i, dst += outBytes) {
    if (isa<FloatType>(to)) {
      double value = reader.isFloat() ? reader.asDouble(i)
                     : reader.isUnsigned()
                         ? static_cast<double>(reader.asUnsigned(i))
                         : static_cast<double>(reader.asSigned(i));
      if (to.isF64()) {
        std::memcpy(dst, &value, 8);
        continue;
      }
      // f32 from an integer rounds once, directly.
      float single = reader.isFloat()  ? static_cast<float>(value)
                     : reader.isUnsigned() ? static_cast<float>(reader.asUnsigned(i))
                                           : static_cast<float>(reader.asSigned(i));
      if (to.isF32()) {
        std::memcpy(dst, &single, 4);
        continue;
      }
      uint32_t bits;
      std::memcpy(&bits, &single, 4);
      bool overflow = false;
      uint16_t half = to.isF16() ? roundF32ToF16(bits, overflow) : roundF32ToBF16(bits, overflow);
      if (overflow) // a cast at run time gives infinity, not the saturated value
        half = (half & 0x8000) | (to.isF16() ? 0x7c00 : 0x7f80);
      std::memcpy(dst, &half, 2);
      continue;
    }
    auto integer = cast<IntegerType>(to);
    unsigned width = integer.getWidth();
    uint64_t value;
    if (reader.isFloat()) {
      double d = reader.asDouble(i);
      if (std::isnan(d)) {
        value = 0;
      } else if (integer.isUnsigned()) {
        double max = std::ldexp(1.0, width) - 1;
        value = d <= 0 ? 0 : d >= max ? static_cast<uint64_t>(max) : static_cast<uint64_t>(d);
      } else {
        double low = -std::ldexp(1.0, width - 1), high = std::ldexp(1.0, width - 1) - 1;
        int64_t s = d <= low ? static_cast<int64_t>(low)
                    : d >= high ? static_cast<int64_t>(high)
                                : static_cast<int64_t>(d);
        value = static_cast<uint64_t>(s);
      }
    } else {
      value = reader.isUnsigned() ? reader.asUnsigned(i) : static_cast<uint64_t>(reader.asSigned(i));
    }
    std::memcpy(dst, &value, outBytes); // little-endian: the low bytes
  }
  return out;
}

/// The name of an element type in blob names: `w.f32`, `w.i64`.
std::string typeName(Type type) {
  std::string name;
  llvm::raw_string_ostream os(name);
  os << type;
  return name;
}

//===----------------------------------------------------------------------===//
// The pass
//===----------------------------------------------------------------------===//

/// The ops this pass evaluates.
bool isTransform(Operation *op) {
  return isa<TransposeOp, ReshapeOp, SqueezeOp, UnsqueezeOp, ConcatOp, CastOp, SliceOp>(op);
}

struct FoldWeightTransformsPass
    : llm::impl::FoldWeightTransformsPassBase<FoldWeightTransformsPass> {
  using Base::Base;

  /// How many constants of the module read each weight blob, by name.
  llvm::StringMap<int64_t> readers;

  void runOnOperation() override {
    SmallVector<Operation *> transforms;
    getOperation().walk([&](Operation *op) {
      if (isTransform(op))
        transforms.push_back(op);
      if (auto constant = dyn_cast<ConstantOp>(op))
        if (auto resource = dyn_cast<DenseResourceElementsAttr>(constant.getValue()))
          ++readers[resource.getRawHandle().getKey()];
    });
    // In program order: a fold's new constant is the operand of the next op
    // of a chain.
    for (Operation *op : transforms) {
      std::string reason;
      FailureOr<ElementsAttr> folded = fold(op, reason);
      if (failed(folded)) {
        if (reportMisses && !reason.empty())
          op->emitRemark() << "not folded: " << reason;
        continue;
      }
      // A set: concat(w, w) reads one constant twice.
      llvm::SmallSetVector<Operation *, 4> sources;
      for (Value operand : op->getOperands())
        if (auto constant = operand.getDefiningOp<ConstantOp>())
          sources.insert(constant);
      OpBuilder builder(op);
      auto constant = ConstantOp::create(builder, op->getLoc(), op->getResult(0).getType(), *folded);
      op->getResult(0).replaceAllUsesWith(constant.getResult());
      op->erase();
      for (Operation *source : sources)
        if (source->use_empty())
          erase(cast<ConstantOp>(source));
    }
  }

  /// Erases a source constant; when it was the last reader of its blob, the
  /// blob's data is released too (the blob manager would hold it until the
  /// end of the compilation), so a fold replaces its source in memory.
  void erase(ConstantOp constant) {
    auto resource = dyn_cast<DenseResourceElementsAttr>(constant.getValue());
    constant->erase();
    if (!resource)
      return;
    DenseResourceElementsHandle handle = resource.getRawHandle();
    if (--readers[handle.getKey()] == 0 && handle.getBlob())
      handle.getResource()->setBlob(AsmResourceBlob());
  }

  /// The value of `op` over its constant operands, or failure with the
  /// reason in `reason` (empty when `op` does not read a constant at all).
  FailureOr<ElementsAttr> fold(Operation *op, std::string &reason) {
    SmallVector<ConstantOp> constants;
    bool anyConstant = false;
    for (Value operand : op->getOperands()) {
      if (!isa<RankedTensorType>(operand.getType()))
        continue;
      auto constant = operand.getDefiningOp<ConstantOp>();
      anyConstant |= static_cast<bool>(constant);
      constants.push_back(constant);
    }
    if (!anyConstant)
      return failure();
    auto fail = [&](const Twine &why) {
      reason = why.str();
      return failure();
    };
    for (auto [i, constant] : llvm::enumerate(constants))
      if (!constant)
        return fail("operand " + Twine(i) + " is not a constant");
    for (ConstantOp constant : constants)
      if (llvm::any_of(constant->getUsers(), [&](Operation *user) { return user != op; }))
        return fail("the constant has other users (folding would keep both copies)");
    // matmul(x, transpose(W)) is read in place by llm-fuse-epilogues, as
    // linear(x, W) {transpose_weight}: a copy would gain nothing.
    if (auto transpose = dyn_cast<TransposeOp>(op);
        transpose && transpose.getPermutation() == ArrayRef<int64_t>{1, 0} &&
        llvm::all_of(op->getUses(), [](OpOperand &use) {
          return isa<MatmulOp>(use.getOwner()) && use.getOperandNumber() == 1;
        }))
      return fail("the transposed weight of a matmul (llm-fuse-epilogues reads it in place)");
    auto type = cast<RankedTensorType>(op->getResult(0).getType());
    if (!type.hasStaticShape())
      return fail("the result shape is dynamic");
    int64_t eltBytes = elementBytes(type.getElementType());
    int64_t bytes = type.getNumElements() * std::max<int64_t>(eltBytes, 1);
    if (bytes > maxBytes)
      return fail("the result is " + Twine(bytes) + " bytes, over the limit of " +
                  Twine(static_cast<int64_t>(maxBytes)));

    // A dense attribute is re-typed in place (booleans included). A blob is
    // copied under a new name even though its bytes do not change: the
    // runtime looks weights up by name and checks their shapes, so the
    // original name must keep the original shape for a checkpoint of
    // originals to load (the new name's recipe reshapes it).
    if (isa<ReshapeOp, SqueezeOp, UnsqueezeOp>(op))
      if (auto dense = dyn_cast<DenseElementsAttr>(constants.front().getValue()))
        return cast<ElementsAttr>(dense.reshape(type));

    SmallVector<ConstantData> inputs;
    for (ConstantOp constant : constants) {
      std::optional<ConstantData> data = readConstant(constant);
      if (!data)
        return fail("the constant's data is not available (an elided blob, booleans or "
                    "sub-byte elements)");
      inputs.push_back(std::move(*data));
    }
    bool allBlobs = llvm::all_of(inputs, [](const ConstantData &d) { return d.isBlob; });
    auto inputType = cast<RankedTensorType>(constants.front().getType());
    std::vector<char> out(bytes);
    std::string name;
    // How the runtime can rebuild the result from a checkpoint of the
    // sources (LLMWeightRecipes.h): empty when it cannot (casts that are not
    // between f32, f16 and bf16).
    StringRef recipe;
    SmallVector<NamedAttribute> params;
    Builder b(op->getContext());

    if (isa<ReshapeOp, SqueezeOp, UnsqueezeOp>(op)) {
      out.assign(inputs[0].bytes.begin(), inputs[0].bytes.end());
      name = inputs[0].name + ".reshape";
      recipe = "reshape";
      params.push_back(b.getNamedAttr("shape", b.getDenseI64ArrayAttr(type.getShape())));
    } else if (auto transpose = dyn_cast<TransposeOp>(op)) {
      SmallVector<int64_t> inStrides = stridesOf(inputType.getShape()), strides;
      for (int64_t p : transpose.getPermutation())
        strides.push_back(inStrides[p]);
      copyStrided(inputs[0].bytes, out.data(), eltBytes, type.getShape(), strides, 0);
      name = inputs[0].name + ".T";
      recipe = "transpose";
      params.push_back(b.getNamedAttr("perm", transpose.getPermutationAttr()));
    } else if (auto slice = dyn_cast<SliceOp>(op)) {
      SmallVector<int64_t> starts(type.getRank(), 0), steps(type.getRank(), 1);
      if (failed(foldSlice(slice, inputs[0].bytes, eltBytes, out, starts, steps, reason)))
        return failure();
      name = inputs[0].name + ".slice";
      recipe = "slice";
      params.push_back(b.getNamedAttr("starts", b.getDenseI64ArrayAttr(starts)));
      params.push_back(b.getNamedAttr("steps", b.getDenseI64ArrayAttr(steps)));
      params.push_back(b.getNamedAttr("shape", b.getDenseI64ArrayAttr(type.getShape())));
    } else if (auto concat = dyn_cast<ConcatOp>(op)) {
      int64_t axis = concat.getAxis();
      int64_t outer = 1, inner = 1;
      for (int64_t d = 0; d < axis; ++d)
        outer *= type.getDimSize(d);
      for (int64_t d = axis + 1; d < type.getRank(); ++d)
        inner *= type.getDimSize(d);
      char *dst = out.data();
      for (int64_t o = 0; o < outer; ++o)
        for (auto [constant, data] : llvm::zip(constants, inputs)) {
          int64_t chunk = cast<RankedTensorType>(constant.getType()).getDimSize(axis) * inner *
                          eltBytes;
          std::memcpy(dst, data.bytes.data() + o * chunk, chunk);
          dst += chunk;
        }
      for (const ConstantData &data : inputs)
        name += (name.empty() ? "" : "+") + data.name;
      recipe = "concat";
      params.push_back(b.getNamedAttr("axis", b.getI64IntegerAttr(axis)));
    } else {
      Type from = inputType.getElementType(), to = type.getElementType();
      if (!isFoldableElement(from) || !isFoldableElement(to))
        return fail("the cast from " + typeName(from) + " to " + typeName(to) +
                    " is not between f16, bf16, f32, f64 and 8- to 64-bit integers");
      out = convertElements(inputs[0].bytes, from, to, type.getNumElements());
      name = inputs[0].name + "." + typeName(to);
      auto isRuntimeFloat = [](Type t) { return t.isF32() || t.isF16() || t.isBF16(); };
      if (isRuntimeFloat(from) && isRuntimeFloat(to)) {
        recipe = "cast";
        params.push_back(b.getNamedAttr("dtype", TypeAttr::get(to)));
      }
    }
    // A blob only when the runtime can rebuild it from a checkpoint of the
    // sources (LLMWeightRecipes.h); otherwise the value is the compiler's
    // own constant, a dense attribute.
    if (allBlobs && !recipe.empty()) {
      ElementsAttr attr = makeBlob(type, name, out);
      SmallVector<std::string> from;
      for (const ConstantData &data : inputs)
        from.push_back(data.name);
      recordWeightRecipe(op, cast<DenseResourceElementsAttr>(attr).getRawHandle().getKey(),
                         recipe, from, params);
      return attr;
    }
    if (type.getElementType().isInteger(1))
      return fail("boolean results are bit-packed in dense attributes");
    return cast<ElementsAttr>(DenseElementsAttr::getFromRawBuffer(type, out));
  }

  /// Copies the slice of `src` that `slice` selects, ONNX semantics: starts
  /// and ends count from the end when negative and are clamped to the dim;
  /// steps may be negative. `starts` and `steps` (one per dim) receive the
  /// resolved first element and step of each sliced dim.
  LogicalResult foldSlice(SliceOp slice, ArrayRef<char> src, int64_t eltBytes,
                          std::vector<char> &out, SmallVectorImpl<int64_t> &starts,
                          SmallVectorImpl<int64_t> &steps, std::string &reason) {
    auto inputType = cast<RankedTensorType>(slice.getInput().getType());
    auto resultType = cast<RankedTensorType>(slice.getType());
    auto values = [](ArrayRef<int64_t> statics, OperandRange dynamics)
        -> std::optional<SmallVector<int64_t>> {
      SmallVector<int64_t> result;
      unsigned next = 0;
      for (int64_t v : statics) {
        if (!ShapedType::isDynamic(v)) {
          result.push_back(v);
          continue;
        }
        std::optional<int64_t> constant = getConstantIntValue(dynamics[next++]);
        if (!constant)
          return std::nullopt;
        result.push_back(*constant);
      }
      return result;
    };
    std::optional<SmallVector<int64_t>> begins =
        values(slice.getStaticStarts(), slice.getStarts());
    std::optional<SmallVector<int64_t>> ends = values(slice.getStaticEnds(), slice.getEnds());
    if (!begins || !ends) {
      reason = "a start or end is not a constant";
      return failure();
    }
    SmallVector<int64_t> inStrides = stridesOf(inputType.getShape());
    SmallVector<int64_t> strides(inStrides);
    int64_t offset = 0;
    for (auto [axis, start, end, step] :
         llvm::zip(slice.getAxes(), *begins, *ends, slice.getSteps())) {
      if (axis < 0 || axis >= inputType.getRank() || step == 0) {
        reason = "axis " + std::to_string(axis) + " or step " + std::to_string(step) +
                 " is out of range";
        return failure();
      }
      int64_t dim = inputType.getDimSize(axis);
      if (start < 0)
        start += dim;
      if (end < 0)
        end += dim;
      int64_t count;
      if (step > 0) {
        start = std::clamp<int64_t>(start, 0, dim);
        end = std::clamp<int64_t>(end, 0, dim);
        count = end > start ? (end - start + step - 1) / step : 0;
      } else {
        start = std::clamp<int64_t>(start, 0, dim - 1);
        end = std::clamp<int64_t>(end, -1, dim - 1);
        count = start > end ? (start - end - step - 1) / -step : 0;
      }
      if (count != resultType.getDimSize(axis)) {
        reason = "the slice selects " + std::to_string(count) + " elements of axis " +
                 std::to_string(axis) + " but the result has " +
                 std::to_string(resultType.getDimSize(axis));
        return failure();
      }
      if (count == 0)
        return success();
      offset += start * inStrides[axis];
      strides[axis] = inStrides[axis] * step;
      starts[axis] = start;
      steps[axis] = step;
    }
    copyStrided(src, out.data(), eltBytes, resultType.getShape(), strides, offset);
    return success();
  }
};

} // namespace
