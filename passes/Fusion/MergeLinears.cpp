//===- MergeLinears.cpp - the llm-merge-parallel-linears pass -------------===//
//
// Attention reads its input through three projections (q, k, v), Llama's
// MLP through two (gate, up): separate GEMMs over the same rows. One GEMM
// with the weights concatenated reads the input once and gives the BLAS a
// wider N, which is where small projections lose their speed (BERT-base's
// 768x768 ones run at half the rate of a 768x2304 one). The weights are
// concatenated at compile time; a split gives each consumer its slice.
//
//===----------------------------------------------------------------------===//

#include "passes/Fusion/Passes.h"

#include "dialects/LLM/IR/LLMOps.h"
#include "dialects/LLM/IR/LLMWeightRecipes.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"

namespace mlir {
namespace llm {
#define GEN_PASS_DEF_MERGEPARALLELLINEARSPASS
#include "passes/Fusion/Passes.h.inc"
} // namespace llm
} // namespace mlir

using namespace mlir;
using namespace mlir::llm;

namespace {

/// The bytes of a constant tensor: a weight blob or a dense attribute,
/// splats expanded (exporters write an all-zero bias as a splat); booleans,
/// which are bit-packed, excluded.
std::optional<std::vector<char>> constantBytes(Value value) {
  auto constant = value.getDefiningOp<ConstantOp>();
  if (!constant)
    return std::nullopt;
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(constant.getValue())) {
    if (AsmResourceBlob *blob = resource.getRawHandle().getBlob())
      return std::vector<char>(blob->getData().begin(), blob->getData().end());
    return std::nullopt;
  }
  auto dense = dyn_cast<DenseElementsAttr>(constant.getValue());
  if (!dense || dense.getElementType().isInteger(1) || !dense.getType().hasStaticShape())
    return std::nullopt;
  ArrayRef<char> raw = dense.getRawData();
  if (!dense.isSplat())
    return std::vector<char>(raw.begin(), raw.end());
  std::vector<char> bytes;
  for (int64_t i = 0, e = dense.getNumElements(); i < e; ++i)
    bytes.insert(bytes.end(), raw.begin(), raw.end());
  return bytes;
}

std::string constantName(Value value) {
  auto constant = value.getDefiningOp<ConstantOp>();
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(constant.getValue()))
    return resource.getRawHandle().getKey().str();
  return "constant";
}

/// The K dim of the weight: dim 0 of [K, N], dim 1 of [N, K].
int64_t weightK(LinearOp linear) {
  auto type = cast<RankedTensorType>(linear.getWeight().getType());
  return type.getDimSize(linear.getTransposeWeight() ? 1 : 0);
}

/// True when `linear` can join a merged group: constant 2-D weight, static
/// output width, constant bias (or none) and no epilogue beyond the bias.
bool isMergeable(LinearOp linear) {
  auto weightType = cast<RankedTensorType>(linear.getWeight().getType());
  if (!weightType.hasStaticShape() || !constantBytes(linear.getWeight()))
    return false;
  if (linear.getBias() && !constantBytes(linear.getBias()))
    return false;
  return !linear.getResidual() && linear.getActivation() == "none";
}

struct MergeParallelLinearsPass
    : llm::impl::MergeParallelLinearsPassBase<MergeParallelLinearsPass> {
  using Base::Base;

  // A module pass, not a function pass: merging makes new weight blobs and
  // records their recipes on the module (llm.weight_recipes), which
  // function passes running in parallel must not write.
  void runOnOperation() override {
    for (func::FuncOp func : getOperation().getOps<func::FuncOp>())
      mergeIn(func);
  }

  void mergeIn(func::FuncOp func) {
    // Groups of mergeable linears by (input, weight layout, element type),
    // in program order.
    SmallVector<SmallVector<LinearOp>> groups;
    DenseMap<Value, SmallVector<size_t>> groupsOfInput;
    func.walk([&](LinearOp linear) {
      if (!isMergeable(linear))
        return;
      for (size_t g : groupsOfInput[linear.getInput()]) {
        LinearOp first = groups[g].front();
        // The same K too: with a dynamic input K the verifier cannot tie two
        // weights' K together, and concatenating a [4, N] and a [1, N]
        // weight would read (or write) past the smaller one.
        if (first.getTransposeWeight() == linear.getTransposeWeight() &&
            weightK(first) == weightK(linear) &&
            first.getType().getElementType() == linear.getType().getElementType() &&
            static_cast<bool>(first.getBias()) == static_cast<bool>(linear.getBias())) {
          groups[g].push_back(linear);
          return;
        }
      }
      groupsOfInput[linear.getInput()].push_back(groups.size());
      groups.push_back({linear});
    });
    for (SmallVector<LinearOp> &group : groups)
      if (group.size() > 1)
        merge(group);
  }

  void merge(SmallVector<LinearOp> group) {
    LinearOp first = group.front();
    bool transposed = first.getTransposeWeight();
    auto weightType = cast<RankedTensorType>(first.getWeight().getType());
    Type element = weightType.getElementType();
    int64_t eltBytes = (element.getIntOrFloatBitWidth() + 7) / 8;
    int64_t k = weightType.getDimSize(transposed ? 1 : 0);

    // Concatenate the weights along N: rows of [N_i, K] one after another,
    // or, for [K, N_i], each row of K the pieces side by side.
    SmallVector<int64_t> widths;
    int64_t total = 0;
    for (LinearOp linear : group) {
      auto type = cast<RankedTensorType>(linear.getWeight().getType());
      widths.push_back(type.getDimSize(transposed ? 0 : 1));
      total += widths.back();
    }
    std::vector<char> weights(total * k * eltBytes), biases;
    int64_t column = 0;
    std::string name;
    for (auto [linear, width] : llvm::zip(group, widths)) {
      std::vector<char> bytes = *constantBytes(linear.getWeight());
      name += (name.empty() ? "" : "+") + constantName(linear.getWeight());
      if (transposed) {
        std::copy(bytes.begin(), bytes.end(), weights.begin() + column * k * eltBytes);
      } else {
        for (int64_t row = 0; row < k; ++row)
          std::copy(bytes.begin() + row * width * eltBytes,
                    bytes.begin() + (row + 1) * width * eltBytes,
                    weights.begin() + (row * total + column) * eltBytes);
      }
      if (linear.getBias()) {
        std::vector<char> bias = *constantBytes(linear.getBias());
        biases.insert(biases.end(), bias.begin(), bias.end());
      }
      column += width;
    }

    OpBuilder builder(first);
    // The merged op sits where the first one was; the others' inputs are the
    // same value, so every operand is already defined there.
    SmallVector<Location> locs;
    for (LinearOp linear : group)
      locs.push_back(linear.getLoc());
    Location loc = builder.getFusedLoc(locs);
    // Each merged blob records how it was made (a concat of the members'
    // blobs), so the runtime can rebuild it from another checkpoint. When a
    // member is a dense attribute (small initializers are), no checkpoint
    // holds it: the merged value is then the compiler's own constant, a dense
    // attribute too (LLMWeightRecipes.h).
    auto constant = [&](std::vector<char> bytes, ArrayRef<int64_t> shape, StringRef key,
                        ArrayRef<Value> members, int64_t axis) {
      auto type = RankedTensorType::get(shape, element);
      SmallVector<std::string> from;
      for (Value member : members)
        if (std::optional<std::string> blobName = weightBlobName(member))
          from.push_back(*blobName);
      if (from.size() != members.size()) {
        auto dense = DenseElementsAttr::getFromRawBuffer(type, bytes);
        return ConstantOp::create(builder, loc, type, cast<ElementsAttr>(dense)).getResult();
      }
      AsmResourceBlob blob = HeapAsmResourceBlob::allocateAndCopyWithAlign(
          ArrayRef<char>(bytes), alignof(std::max_align_t));
      auto attr = DenseResourceElementsAttr::get(type, key, std::move(blob));
      recordWeightRecipe(first, attr.getRawHandle().getKey(), "concat", from,
                         {builder.getNamedAttr("axis", builder.getI64IntegerAttr(axis))});
      return ConstantOp::create(builder, loc, type, cast<ElementsAttr>(attr)).getResult();
    };
    SmallVector<int64_t> weightShape = transposed ? SmallVector<int64_t>{total, k}
                                                  : SmallVector<int64_t>{k, total};
    SmallVector<Value> memberWeights, memberBiases;
    for (LinearOp linear : group) {
      memberWeights.push_back(linear.getWeight());
      if (linear.getBias())
        memberBiases.push_back(linear.getBias());
    }
    Value weight =
        constant(std::move(weights), weightShape, name, memberWeights, transposed ? 0 : 1);
    Value bias;
    if (first.getBias())
      bias = constant(std::move(biases), {total}, name + ".bias", memberBiases, 0);
    auto resultType = first.getType().clone(
        [&] {
          SmallVector<int64_t> shape(first.getType().getShape());
          shape.back() = total;
          return shape;
        }());
    auto merged = LinearOp::create(builder, loc, resultType, first.getInput(), weight, bias,
                                   Value(), builder.getBoolAttr(transposed),
                                   builder.getStringAttr("none"));
    SmallVector<Type> pieceTypes;
    for (LinearOp linear : group)
      pieceTypes.push_back(linear.getType());
    auto split = SplitOp::create(builder, loc, pieceTypes, merged.getResult(),
                                 builder.getI64IntegerAttr(resultType.getRank() - 1),
                                 builder.getDenseI64ArrayAttr(widths));
    for (auto [linear, piece] : llvm::zip(group, split.getResults())) {
      linear.getResult().replaceAllUsesWith(piece);
      linear->erase();
    }
  }
};

} // namespace
