//===- PlanMemory.cpp - the llm-plan-memory pass --------------------------===//

#include "passes/MemoryPlanning/Passes.h"

#include "dialects/LLM/IR/LLMOps.h"
#include "passes/Raising/Matchers.h"
#include "runtime/include/llmrt/ArenaPlanner.h"

#include "mlir/Dialect/Quant/IR/QuantTypes.h"

namespace mlir {
namespace llm {
#define GEN_PASS_DEF_PLANMEMORYPASS
#include "passes/MemoryPlanning/Passes.h.inc"
} // namespace llm
} // namespace mlir

using namespace mlir;
using namespace mlir::llm;

bool mlir::llm::isViewOp(Operation *op) {
  return isa<ReshapeOp, DynamicReshapeOp, SqueezeOp, UnsqueezeOp, StorageCastOp>(op);
}

/// True when `reshape` cuts the rows of a row-strided view into heads
/// (raising::rowsToHeadsMiss) and every user reads that as a [B, S, H, D]
/// operand of a "bshd" rotary embedding or attention: those kernels step
/// positions by the view's row stride.
static bool isHeadsViewReshape(Operation *reshape) {
  if (!isa<ReshapeOp, DynamicReshapeOp>(reshape))
    return false;
  Value input = reshape->getOperand(0), heads = reshape->getResult(0);
  if (!raising::rowsToHeadsMiss(input, heads).empty())
    return false;
  return !heads.use_empty() && llvm::all_of(heads.getUses(), [&](OpOperand &use) {
    Operation *user = use.getOwner();
    if (auto rotary = dyn_cast<RotaryEmbeddingOp>(user))
      return rotary.getLayout() == "bshd" && rotary.getCos() != heads && rotary.getSin() != heads;
    if (auto attention = dyn_cast<AttentionOp>(user))
      return attention.getLayout() == "bshd" && !attention.getPackedHeads() &&
             attention.getMask() != heads;
    return false;
  });
}

bool mlir::llm::isStridedSplitView(OpResult result) {
  auto split = dyn_cast<SplitOp>(result.getOwner());
  if (!split)
    return false;
  auto type = cast<RankedTensorType>(split.getInput().getType());
  if (split.getAxis() != type.getRank() - 1 && split.getAxis() != -1)
    return false;
  return !result.use_empty() && llvm::all_of(result.getUsers(), [](Operation *user) {
    if (auto fused = dyn_cast<FusedOp>(user))
      return !fused.getRowNormalization();
    return isFusibleElementwise(user) || isHeadsViewReshape(user);
  });
}

namespace {

/// Bytes per element as stored: booleans take a byte, quantized types their
/// storage type.
int64_t storedElementBytes(Type type) {
  if (auto quantType = dyn_cast<quant::QuantizedType>(type))
    type = quantType.getStorageType();
  return std::max<int64_t>(1, (type.getIntOrFloatBitWidth() + 7) / 8);
}

struct PlanMemoryPass : llm::impl::PlanMemoryPassBase<PlanMemoryPass> {
  using Base::Base;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (func.isExternal())
      return;
    if (!func.getBody().hasOneBlock()) {
      func.emitError("llm-plan-memory expects a function with one block");
      return signalPassFailure();
    }

    // The buffer each tensor value lives in (absent: argument or constant).
    DenseMap<Value, int64_t> bufferOf;
    std::vector<llmrt::LiveInterval> intervals;
    std::vector<int64_t> staticBytes; // -1 when the size depends on dims
    Block &body = func.getBody().front();

    int64_t step = 0;
    for (Operation &op : body) {
      // Every read extends the life of the buffer behind the operand.
      for (Value operand : op.getOperands()) {
        auto it = bufferOf.find(operand);
        if (it != bufferOf.end())
          intervals[it->second].last = std::max(intervals[it->second].last, step);
      }
      if (op.getNumResults() > 0 && llvm::any_of(op.getResultTypes(), llvm::IsaPred<RankedTensorType>)) {
        SmallVector<int64_t> buffers;
        for (Value result : op.getResults()) {
          auto type = dyn_cast<RankedTensorType>(result.getType());
          if (!type || isa<ConstantOp>(op)) {
            buffers.push_back(-1);
            continue;
          }
          if (isViewOp(&op) || (splitViews && isStridedSplitView(cast<OpResult>(result)))) {
            auto it = bufferOf.find(op.getOperand(0));
            if (it != bufferOf.end())
              bufferOf[result] = it->second;
            buffers.push_back(-1);
            continue;
          }
          int64_t id = intervals.size();
          intervals.push_back({step, step});
          staticBytes.push_back(type.hasStaticShape()
                                    ? type.getNumElements() * storedElementBytes(type.getElementType())
                                    : -1);
          bufferOf[result] = id;
          buffers.push_back(id);
        }
        op.setAttr(kBuffersAttr, DenseI64ArrayAttr::get(&getContext(), buffers));
      }
      ++step;
    }

    SmallVector<int64_t> flat;
    for (const llmrt::LiveInterval &interval : intervals) {
      flat.push_back(interval.first);
      flat.push_back(interval.last);
    }
    MLIRContext *ctx = &getContext();
    func->setAttr(kBufferIntervalsAttr, DenseI64ArrayAttr::get(ctx, flat));

    if (llvm::is_contained(staticBytes, -1)) {
      func->removeAttr(kArenaBytesAttr);
      func->removeAttr(kArenaBytesWithoutReuseAttr);
      if (report)
        func.emitRemark() << "planned " << intervals.size()
                          << " buffers; their sizes depend on dynamic dims, so the runtime "
                             "places them when it sees the input dims";
      return;
    }
    llmrt::ArenaPlan plan = llmrt::planArena(staticBytes, intervals);
    auto i64 = IntegerType::get(ctx, 64);
    func->setAttr(kArenaBytesAttr, IntegerAttr::get(i64, plan.peakBytes));
    func->setAttr(kArenaBytesWithoutReuseAttr, IntegerAttr::get(i64, plan.totalBytes));
    if (report)
      func.emitRemark() << "planned " << intervals.size() << " buffers in an arena of "
                        << plan.peakBytes << " bytes (" << plan.totalBytes
                        << " bytes without reuse)";
  }
};

} // namespace
