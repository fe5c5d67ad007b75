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

/// A [B, H, S, D] rotary embedding of a head swap (Llama's q and k), else
/// null.
RotaryEmbeddingOp rotaryOfSwap(Value value) {
  auto rotary = value.getDefiningOp<RotaryEmbeddingOp>();
  if (!rotary || rotary.getLayout() != "bhsd" || !headSwapInput(rotary.getInput()))
    return {};
  return rotary;
}

/// Points the uses of `old` ([B, H, S, D]) that `keep` does not claim at
/// `bshd`, its [B, S, H, D] twin: an llm.dim reads the swapped dim (the
/// exporters size the output reshape from dims of q and of the attention),
/// any other user a head swap of the twin, made once (a KV cache's present
/// key, which is returned [B, H, S, D]: the copy the old swap made).
void redirectOtherUses(Value old, Value bshd, function_ref<bool(Operation *)> keep,
                       OpBuilder &builder) {
  Value swapped;
  for (OpOperand &use : llvm::make_early_inc_range(old.getUses())) {
    Operation *user = use.getOwner();
    if (keep(user))
      continue;
    if (auto dim = dyn_cast<DimOp>(user)) {
      constexpr int64_t kSwap[] = {0, 2, 1, 3};
      OpBuilder::InsertionGuard guard(builder);
      builder.setInsertionPoint(dim);
      const int64_t index = dim.getIndex();
      dim.getResult().replaceAllUsesWith(
          DimOp::create(builder, dim.getLoc(), bshd, index >= 0 && index < 4 ? kSwap[index] : index)
              .getResult());
      dim.erase();
      continue;
    }
    if (!swapped) {
      OpBuilder::InsertionGuard guard(builder);
      builder.setInsertionPointAfterValue(bshd);
      swapped = TransposeOp::create(builder, bshd.getLoc(), bshd,
                                    builder.getDenseI64ArrayAttr({0, 2, 1, 3}));
    }
    use.set(swapped);
  }
}

/// The [B, S, H, D] tensor whose head swap `value` is: the swap's input, or
/// for a rotary embedding of a swap (rotaryOfSwap), the same rotary
/// embedding made in "bshd" on the swap's input, which the old one's other
/// users then read (redirectOtherUses). Null if neither.
Value unswapped(Value value, AttentionOp attention, OpBuilder &builder) {
  if (Value input = headSwapInput(value))
    return input;
  RotaryEmbeddingOp rotary = rotaryOfSwap(value);
  if (!rotary)
    return {};
  Value input = headSwapInput(rotary.getInput());
  Value bshd = RotaryEmbeddingOp::create(builder, rotary.getLoc(), input.getType(), input,
                                         rotary.getCos(), rotary.getSin(),
                                         rotary.getInterleaved(), rotary.getRotaryDimAttr(), "bshd")
                   .getResult();
  redirectOtherUses(
      rotary.getResult(), bshd, [&](Operation *user) { return user == attention.getOperation(); },
      builder);
  return bshd;
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
  /// inputs must be swaps, or rotary embeddings of swaps (they become
  /// "bshd" rotary embeddings): a mixed layout would need its own kernel
  /// path.
  void fold(AttentionOp attention) {
    if (attention.getLayout() != "bhsd")
      return;
    auto swapsIn = [&](Value operand) { return headSwapInput(operand) || rotaryOfSwap(operand); };
    if (!swapsIn(attention.getQuery()) || !swapsIn(attention.getKey()) ||
        !swapsIn(attention.getValue())) {
      if (reportMisses)
        attention.emitRemark("not given [B, S, H, D] operands: query, key and value are not all "
                             "transposes [0, 2, 1, 3] (or rotary embeddings of them)");
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
    // Users that swap the result back read the new result directly; the
    // others as for the rotary embeddings (redirectOtherUses).
    for (OpOperand &use : llvm::make_early_inc_range(attention.getResult().getUses())) {
      Operation *user = use.getOwner();
      if (isHeadSwap(user)) {
        user->getResult(0).replaceAllUsesWith(bshd.getResult());
        user->erase();
      }
    }
    redirectOtherUses(
        attention.getResult(), bshd.getResult(), [](Operation *) { return false; }, builder);
    // q, k and v may be one transpose (self-attention on one tensor); the
    // rotary embeddings they replace leave their swaps unused too.
    llvm::SmallSetVector<Operation *, 6> inputs;
    for (Value operand : {attention.getQuery(), attention.getKey(), attention.getValue()}) {
      inputs.insert(operand.getDefiningOp());
      if (auto rotary = operand.getDefiningOp<RotaryEmbeddingOp>())
        inputs.insert(rotary.getInput().getDefiningOp());
    }
    attention.erase();
    // Until none is left unused: a swap dies only once the rotary
    // embedding reading it has gone.
    SmallVector<Operation *> pending = inputs.takeVector();
    for (bool erased = true; erased;) {
      erased = false;
      for (Operation *&input : pending)
        if (input && input->use_empty()) {
          input->erase();
          input = nullptr;
          erased = true;
        }
    }
  }
};

} // namespace
