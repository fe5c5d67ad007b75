//===- FoldHeadTransposes.cpp - the llm-fold-head-transposes pass ---------===//
//
// Exporters split heads with a reshape to [B, S, H, D] and a transpose to
// [B, H, S, D], and merge them with the inverse transpose before the output
// projection: four copies of q, k, v and the attention's output a layer (at
// GPT-2-small's 32x512, 25 MB each way each in f16). llm.attention reads and
// writes [B, S, H, D] itself (layout = "bshd", a row stride in the kernels),
// so this pass hands it the tensors from before the transposes.
//
//===----------------------------------------------------------------------===//

#include "passes/Fusion/Passes.h"

#include "dialects/LLM/IR/LLMOps.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/SetVector.h"

namespace mlir {
namespace llm {
#define GEN_PASS_DEF_FOLDHEADTRANSPOSESPASS
#include "passes/Fusion/Passes.h.inc"
} // namespace llm
} // namespace mlir

using namespace mlir;
using namespace mlir::llm;

namespace {

/// A transpose that swaps heads and sequence ([0, 2, 1, 3]).
bool isHeadSwap(Operation *op) {
  auto transpose = dyn_cast_or_null<TransposeOp>(op);
  return transpose && llvm::equal(transpose.getPermutation(), ArrayRef<int64_t>{0, 2, 1, 3});
}

/// The input of `value`'s defining head swap, else null.
Value headSwapInput(Value value) {
  Operation *def = value.getDefiningOp();
  return isHeadSwap(def) ? def->getOperand(0) : Value();
}

/// A [B, H, S, D] rotary embedding of a head swap whose only user is
/// `attention` (Llama's q and k), else null.
RotaryEmbeddingOp rotaryOfSwap(Value value, AttentionOp attention) {
  auto rotary = value.getDefiningOp<RotaryEmbeddingOp>();
  if (!rotary || rotary.getLayout() != "bhsd" || !headSwapInput(rotary.getInput()) ||
      !llvm::all_of(rotary->getUsers(),
                    [&](Operation *user) { return user == attention.getOperation(); }))
    return {};
  return rotary;
}

/// The [B, S, H, D] tensor whose head swap `value` is: the swap's input, or
/// for a rotary embedding of a swap (rotaryOfSwap), the same rotary
/// embedding made in "bshd" on the swap's input. Null if neither.
Value unswapped(Value value, AttentionOp attention, OpBuilder &builder) {
  if (Value input = headSwapInput(value))
    return input;
  RotaryEmbeddingOp rotary = rotaryOfSwap(value, attention);
  if (!rotary)
    return {};
  Value input = headSwapInput(rotary.getInput());
  return RotaryEmbeddingOp::create(builder, rotary.getLoc(), input.getType(), input,
                                   rotary.getCos(), rotary.getSin(), rotary.getInterleaved(),
                                   rotary.getRotaryDimAttr(), "bshd")
      .getResult();
}

struct FoldHeadTransposesPass
    : public llm::impl::FoldHeadTransposesPassBase<FoldHeadTransposesPass> {
  using FoldHeadTransposesPassBase::FoldHeadTransposesPassBase;

  void runOnOperation() override {
    SmallVector<AttentionOp> candidates;
    getOperation().walk([&](AttentionOp attention) { candidates.push_back(attention); });
    for (AttentionOp attention : candidates)
      fold(attention);
  }

  /// attention(swap(q), swap(k), swap(v)) -> swap(attention{bshd}(q, k, v)),
  /// the result's own swaps back to [B, S, H, D] folded away. All three
  /// inputs must be swaps, or rotary embeddings of swaps that only this
  /// attention reads (they become "bshd" rotary embeddings): a mixed layout
  /// would need its own kernel path.
  void fold(AttentionOp attention) {
    if (attention.getLayout() != "bhsd")
      return;
    auto swapsIn = [&](Value operand) {
      return headSwapInput(operand) || rotaryOfSwap(operand, attention);
    };
    if (!swapsIn(attention.getQuery()) || !swapsIn(attention.getKey()) ||
        !swapsIn(attention.getValue())) {
      if (reportMisses)
        attention.emitRemark("not given [B, S, H, D] operands: query, key and value are not all "
                             "transposes [0, 2, 1, 3] (or rotary embeddings of them read only here)");
      return;
    }
    OpBuilder builder(attention);
    // q and k may be one rotary embedding (one tensor for both): make its
    // "bshd" twin once.
    llvm::DenseMap<Value, Value> made;
    auto operand = [&](Value value) {
      Value &twin = made[value];
      if (!twin)
        twin = unswapped(value, attention, builder);
      return twin;
    };
    Value q = operand(attention.getQuery()), k = operand(attention.getKey()),
          v = operand(attention.getValue());
    auto qType = cast<RankedTensorType>(q.getType());
    auto resultType = RankedTensorType::get(
        {qType.getDimSize(0), qType.getDimSize(1), qType.getDimSize(2),
         cast<RankedTensorType>(v.getType()).getDimSize(3)},
        qType.getElementType());
    auto bshd = AttentionOp::create(
        builder, attention.getLoc(), resultType, q, k, v, attention.getMask(),
        attention.getScaleAttr(),
        attention.getCausalAttr(), attention.getSoftcapAttr(), attention.getMaskedRowsAttr(),
        builder.getStringAttr("bshd"), /*packed_heads=*/DenseI64ArrayAttr());
    // Users that swap the result back read the new result directly; any
    // other user reads a swap of it.
    Value swapped;
    for (OpOperand &use : llvm::make_early_inc_range(attention.getResult().getUses())) {
      Operation *user = use.getOwner();
      if (isHeadSwap(user)) {
        user->getResult(0).replaceAllUsesWith(bshd.getResult());
        user->erase();
        continue;
      }
      if (!swapped)
        swapped = TransposeOp::create(builder, attention.getLoc(), bshd.getResult(),
                                      builder.getDenseI64ArrayAttr({0, 2, 1, 3}));
      use.set(swapped);
    }
    // q, k and v may be one transpose (self-attention on one tensor); the
    // rotary embeddings they replace leave their swaps unused too.
    llvm::SmallSetVector<Operation *, 6> inputs;
    for (Value operand : {attention.getQuery(), attention.getKey(), attention.getValue()}) {
      inputs.insert(operand.getDefiningOp());
      if (auto rotary = operand.getDefiningOp<RotaryEmbeddingOp>())
        inputs.insert(rotary.getInput().getDefiningOp());
    }
    attention.erase();
    for (Operation *input : inputs)
      if (input->use_empty())
        input->erase();
  }
};

} // namespace
