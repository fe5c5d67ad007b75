//===- RaiseComposites.cpp - the llm-raise-composites pass ----------------===//

#include "passes/Raising/Passes.h"

#include "passes/Raising/Matchers.h"

#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir {
namespace llm {
#define GEN_PASS_DEF_RAISECOMPOSITESPASS
#include "passes/Raising/Passes.h.inc"
} // namespace llm
} // namespace mlir

using namespace mlir;
using namespace mlir::llm;

namespace {

struct RaiseCompositesPass : llm::impl::RaiseCompositesPassBase<RaiseCompositesPass> {
  using Base::Base;

  LogicalResult initialize(MLIRContext *context) override {
    RewritePatternSet set(context);
    raising::populateRaiseNormPatterns(set);
    raising::populateRaiseActivationPatterns(set);
    raising::populateRaiseAttentionPatterns(set);
    raising::populateRaiseAttentionInputPatterns(set);
    raising::populateRaiseRotaryPatterns(set);
    patterns = std::move(set);
    return success();
  }

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    // Raising replaces what it matches and nothing else: no folding, no
    // constant CSE, no region simplification, so the rest of the IR reads
    // as before.
    GreedyRewriteConfig config;
    config.enableFolding(false).enableConstantCSE(false).setRegionSimplificationLevel(
        GreedySimplifyRegionLevel::Disabled);
    if (failed(applyPatternsGreedily(func, patterns, config))) {
      func.emitError() << "llm-raise-composites did not converge in " << config.getMaxIterations()
                       << " iterations";
      return signalPassFailure();
    }
    if (reportMisses)
      emitMissRemarks(func);
  }

  /// Re-runs the matchers on every op: what the rewrites left behind are
  /// the misses, and a candidate miss gets a remark with its reason.
  void emitMissRemarks(func::FuncOp func) {
    SmallVector<std::string> remarks;
    func.walk([&](Operation *op) {
      remarks.clear();
      raising::explainNormMisses(op, remarks);
      raising::explainActivationMisses(op, remarks);
      raising::explainAttentionMisses(op, remarks);
      raising::explainAttentionInputMisses(op, remarks);
      raising::explainRotaryMisses(op, remarks);
      for (const std::string &remark : remarks)
        op->emitRemark(remark);
    });
  }

  /// The pattern set, frozen once per pass instance.
  FrozenRewritePatternSet patterns;
};

} // namespace
