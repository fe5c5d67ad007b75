//===- FuseEpilogues.cpp - the llm-fuse-epilogues pass --------------------===//

#include "passes/Fusion/Passes.h"

#include "dialects/LLM/IR/LLMOps.h"

#include "mlir/IR/IRMapping.h"
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

/// matmul(x, W) with a 2-D W -> linear; matmul(x, transpose(W)) -> linear
/// with transpose_weight.
struct MatmulToLinear : OpRewritePattern<MatmulOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(MatmulOp op, PatternRewriter &rewriter) const override {
    Value x = op.getLhs(), w = op.getRhs();
    if (rankedType(w).getRank() != 2 || rankedType(x).getRank() < 2)
      return rewriter.notifyMatchFailure(op, "not [..., K] x [K, N]");
    bool transposed = false;
    // Only a real transpose: an identity permutation [0, 1] (left when the
    // pass runs without a canonicalizer before it) is no [N, K] weight.
    auto transpose = w.getDefiningOp<TransposeOp>();
    if (transpose && llvm::equal(transpose.getPermutation(), ArrayRef<int64_t>{1, 0})) {
      transposed = true;
      w = transpose.getInput();
    }
    auto linear = LinearOp::create(rewriter, op.getLoc(), op.getType(), x, w, Value(), Value(),
                                   rewriter.getBoolAttr(transposed), rewriter.getStringAttr("none"));
    rewriter.replaceOp(op, linear.getResult());
    return success();
  }
};

/// A single-use linear producing `value`, directly or through one
/// single-use reshape that keeps the last dim (HF's Conv1D and dynamo's
/// addmm flatten [b, s, K] to [b*s, K] around the product). Elementwise
/// epilogues commute with such a reshape.
struct LinearSource {
  LinearOp linear;
  ReshapeOp view; // null when `value` is the linear's own result
};
LinearSource linearSource(Value value) {
  if (auto linear = value.getDefiningOp<LinearOp>())
    return linear->hasOneUse() ? LinearSource{linear, nullptr} : LinearSource{};
  auto view = value.getDefiningOp<ReshapeOp>();
  if (!view || !view->hasOneUse())
    return {};
  auto linear = view.getInput().getDefiningOp<LinearOp>();
  if (!linear || !linear->hasOneUse())
    return {};
  int64_t n = linear.getType().getShape().back();
  if (ShapedType::isDynamic(n) || rankedType(view.getResult()).getShape().back() != n)
    return {};
  return {linear, view};
}

/// Replaces `root` by `replacement` (a new linear), re-applying the view the
/// old linear was read through.
void replaceThroughView(PatternRewriter &rewriter, Operation *root, LinearSource source,
                        LinearOp replacement) {
  if (!source.view) {
    rewriter.replaceOp(root, replacement.getResult());
    return;
  }
  IRMapping mapping;
  mapping.map(source.view.getInput(), replacement.getResult());
  Operation *view = rewriter.clone(*source.view, mapping);
  rewriter.replaceOp(root, view->getResult(0));
}

/// Rebuilds `linear` (with its own result type) and some epilogue parts.
LinearOp rebuild(PatternRewriter &rewriter, Operation *root, LinearOp linear, Value bias,
                 Value residual, StringRef activation) {
  Location loc = rewriter.getFusedLoc({linear.getLoc(), root->getLoc()});
  return LinearOp::create(rewriter, loc, linear.getType(), linear.getInput(), linear.getWeight(),
                          bias, residual, linear.getTransposeWeightAttr(),
                          rewriter.getStringAttr(activation));
}

/// linear + b -> bias; linear + r -> residual (also through a view).
struct FoldAdd : OpRewritePattern<AddOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(AddOp op, PatternRewriter &rewriter) const override {
    for (auto [mine, other] : {std::pair(op.getLhs(), op.getRhs()), std::pair(op.getRhs(), op.getLhs())}) {
      LinearSource source = linearSource(mine);
      if (!source.linear || source.linear.getResidual() || op.getType() != mine.getType())
        continue;
      LinearOp linear = source.linear;
      auto otherType = rankedType(other);
      int64_t n = linear.getType().getShape().back();
      if (otherType.getRank() == 1 && otherType.getDimSize(0) == n && !linear.getBias() &&
          linear.getActivation() == "none" &&
          otherType.getElementType() == linear.getType().getElementType()) {
        replaceThroughView(rewriter, op, source,
                           rebuild(rewriter, op, linear, other, Value(), "none"));
        return success();
      }
      if (otherType != op.getType())
        continue;
      // The residual must exist before the linear runs.
      if (Operation *def = other.getDefiningOp())
        if (def->getBlock() == linear->getBlock() && !def->isBeforeInBlock(linear))
          continue;
      Value residual = other;
      if (source.view) {
        // Read the residual through the inverse view: the linear's shape,
        // whose leading dims are those of its input.
        rewriter.setInsertionPoint(linear);
        auto type = linear.getType();
        SmallVector<Value> dynamic;
        for (int64_t i = 0; i < type.getRank(); ++i)
          if (type.isDynamicDim(i))
            dynamic.push_back(DimOp::create(rewriter, op.getLoc(), linear.getInput(), i));
        residual = ReshapeOp::create(rewriter, op.getLoc(), type, other, dynamic,
                                     rewriter.getDenseI64ArrayAttr(type.getShape()));
      }
      rewriter.setInsertionPoint(op);
      replaceThroughView(rewriter, op, source,
                         rebuild(rewriter, op, linear, linear.getBias(), residual,
                                 linear.getActivation()));
      return success();
    }
    return rewriter.notifyMatchFailure(op, "no single-use linear with a foldable add");
  }
};

/// act(linear) -> linear {activation} (also through a view).
template <typename ActOp> struct FoldActivation : OpRewritePattern<ActOp> {
  using OpRewritePattern<ActOp>::OpRewritePattern;
  LogicalResult matchAndRewrite(ActOp op, PatternRewriter &rewriter) const override {
    LinearSource source = linearSource(op.getInput());
    LinearOp linear = source.linear;
    if (!linear || linear.getResidual() || linear.getActivation() != "none")
      return rewriter.notifyMatchFailure(op, "no single-use linear without an epilogue");
    StringRef activation;
    if constexpr (std::is_same_v<ActOp, GeluOp>)
      activation = op.getApproximate() == "tanh" ? "gelu_tanh" : "gelu";
    else if constexpr (std::is_same_v<ActOp, SiluOp>)
      activation = "silu";
    else
      activation = "relu";
    replaceThroughView(rewriter, op, source,
                       rebuild(rewriter, op, linear, linear.getBias(), Value(), activation));
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
