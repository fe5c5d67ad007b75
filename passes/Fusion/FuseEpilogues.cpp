//===- FuseEpilogues.cpp - the llm-fuse-epilogues pass --------------------===//

#include "passes/Fusion/Passes.h"

#include "dialects/LLM/IR/LLMOps.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir {
namespace llm {
#define GEN_PASS_DEF_FUSEEPILOGUESPASS
#include "passes/Fusion/Passes.h.inc"
} // namespace llm
} // namespace mlir

using namespace mlir;
using namespace mlir::llm;

namespace {

RankedTensorType rankedType(Value v) { return cast<RankedTensorType>(v.getType()); }

/// Rebuilds `linear` with some epilogue parts replaced, at the location of
/// `root`, the op being folded in.
LinearOp rebuildLinear(PatternRewriter &rewriter, Operation *root, LinearOp linear, Value bias,
                       Value residual, StringRef activation) {
  Location loc = rewriter.getFusedLoc({linear.getLoc(), root->getLoc()});
  return LinearOp::create(rewriter, loc, root->getResult(0).getType(), linear.getInput(),
                          linear.getWeight(), bias, residual, linear.getTransposeWeightAttr(),
                          rewriter.getStringAttr(activation));
}

/// matmul(x, W) with a 2-D W -> linear; matmul(x, transpose(W)) -> linear
/// with transpose_weight.
struct MatmulToLinear : OpRewritePattern<MatmulOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(MatmulOp op, PatternRewriter &rewriter) const override {
    Value x = op.getLhs(), w = op.getRhs();
    if (rankedType(w).getRank() != 2 || rankedType(x).getRank() < 2)
      return rewriter.notifyMatchFailure(op, "not [..., K] x [K, N]");
    bool transposed = false;
    if (auto transpose = w.getDefiningOp<TransposeOp>()) {
      transposed = true;
      w = transpose.getInput();
    }
    auto linear = LinearOp::create(rewriter, op.getLoc(), op.getType(), x, w, Value(), Value(),
                                   rewriter.getBoolAttr(transposed), rewriter.getStringAttr("none"));
    rewriter.replaceOp(op, linear.getResult());
    return success();
  }
};

/// The linear among the operands of a binary op, when it has no other use.
std::pair<LinearOp, Value> linearOperand(Operation *op) {
  for (auto [mine, other] : {std::pair(0u, 1u), std::pair(1u, 0u)}) {
    auto linear = op->getOperand(mine).getDefiningOp<LinearOp>();
    if (linear && linear->hasOneUse())
      return {linear, op->getOperand(other)};
  }
  return {};
}

/// linear + b -> bias; linear + r -> residual.
struct FoldAdd : OpRewritePattern<AddOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(AddOp op, PatternRewriter &rewriter) const override {
    auto [linear, other] = linearOperand(op);
    if (!linear || linear.getResidual())
      return rewriter.notifyMatchFailure(op, "no single-use linear without a residual");
    if (op.getType() != linear.getType())
      return rewriter.notifyMatchFailure(op, "the add broadcasts the product");
    auto otherType = rankedType(other);
    int64_t n = linear.getType().getShape().back();
    bool isBias = otherType.getRank() == 1 && !linear.getBias() && linear.getActivation() == "none" &&
                  otherType.getDimSize(0) == n && !ShapedType::isDynamic(n) &&
                  otherType.getElementType() == linear.getType().getElementType();
    if (isBias) {
      rewriter.replaceOp(op, rebuildLinear(rewriter, op, linear, other, Value(), "none"));
      return success();
    }
    if (otherType != linear.getType())
      return rewriter.notifyMatchFailure(op, "the other operand is neither a bias nor a residual");
    // The residual must exist before the linear runs.
    if (Operation *def = other.getDefiningOp())
      if (def->getBlock() == linear->getBlock() && !def->isBeforeInBlock(linear))
        return rewriter.notifyMatchFailure(op, "the residual is computed after the product");
    rewriter.replaceOp(op, rebuildLinear(rewriter, op, linear, linear.getBias(), other,
                                         linear.getActivation()));
    return success();
  }
};

/// act(linear) -> linear {activation}.
template <typename ActOp> struct FoldActivation : OpRewritePattern<ActOp> {
  using OpRewritePattern<ActOp>::OpRewritePattern;
  LogicalResult matchAndRewrite(ActOp op, PatternRewriter &rewriter) const override {
    auto linear = op.getInput().template getDefiningOp<LinearOp>();
    if (!linear || !linear->hasOneUse() || linear.getResidual() || linear.getActivation() != "none")
      return rewriter.notifyMatchFailure(op, "no single-use linear without an epilogue");
    StringRef activation;
    if constexpr (std::is_same_v<ActOp, GeluOp>)
      activation = op.getApproximate() == "tanh" ? "gelu_tanh" : "gelu";
    else if constexpr (std::is_same_v<ActOp, SiluOp>)
      activation = "silu";
    else
      activation = "relu";
    rewriter.replaceOp(op, rebuildLinear(rewriter, op, linear, linear.getBias(), Value(), activation));
    return success();
  }
};

struct FuseEpiloguesPass : llm::impl::FuseEpiloguesPassBase<FuseEpiloguesPass> {
  using Base::Base;
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<MatmulToLinear, FoldAdd, FoldActivation<GeluOp>, FoldActivation<SiluOp>,
                 FoldActivation<ReluOp>>(&getContext());
    GreedyRewriteConfig config;
    config.enableFolding(false).enableConstantCSE(false);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns), config)))
      return signalPassFailure();
  }
};

} // namespace
