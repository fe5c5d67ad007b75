//===- Pipelines.cpp - the registered optimization pipelines --------------===//

#include "passes/Pipelines/Pipelines.h"

#include "passes/Folding/Passes.h"
#include "passes/Fusion/Passes.h"
#include "passes/Precision/Passes.h"
#include "passes/Raising/Passes.h"

#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;
using namespace mlir::llm;

void mlir::llm::buildLLMOptimizePipeline(OpPassManager &pm, const LLMOptimizeOptions &options) {
  // Canonicalize first: the importer leaves identity casts and reshapes that
  // would otherwise sit between the ops a pattern looks for.
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  if (options.raise) {
    RaiseCompositesPassOptions raiseOptions;
    raiseOptions.reportMisses = options.reportMisses;
    pm.addNestedPass<func::FuncOp>(createRaiseCompositesPass(raiseOptions));
    pm.addPass(createCanonicalizerPass());
    pm.addPass(createCSEPass());
  }
  // After raising and its CSE, so that a weight read twice is one constant
  // (which the single-use rule then leaves alone) and two identical
  // transforms of it are one; before the epilogues, so that they see the
  // folded weights.
  if (options.foldWeights) {
    FoldWeightTransformsPassOptions foldOptions;
    foldOptions.reportMisses = options.reportMisses;
    pm.addPass(createFoldWeightTransformsPass(foldOptions));
    pm.addPass(createCanonicalizerPass());
    pm.addPass(createCSEPass());
  }
  // Epilogues first: the bias adds of MatMul+Add exports become linear
  // biases, which merging concatenates.
  if (options.fuseEpilogues)
    pm.addNestedPass<func::FuncOp>(createFuseEpiloguesPass());
  if (options.mergeLinears) {
    pm.addPass(createMergeParallelLinearsPass());
    pm.addPass(createCanonicalizerPass());
  }
  // After raising (the attention exists) and merging (its q/k/v come from
  // one split); before elementwise fusion, which would not fuse a transpose
  // anyway.
  if (options.foldHeadTransposes) {
    FoldHeadTransposesPassOptions headOptions;
    headOptions.reportMisses = options.reportMisses;
    pm.addNestedPass<func::FuncOp>(createFoldHeadTransposesPass(headOptions));
  }
  // After the head transposes fold (packing needs [B, S, H, D]).
  if (options.packQKVHeads) {
    PackQKVHeadsPassOptions packOptions;
    packOptions.reportMisses = options.reportMisses;
    pm.addNestedPass<func::FuncOp>(createPackQKVHeadsPass(packOptions));
  }
  // After the epilogues and merging, whose patterns and constant
  // concatenations see the f32 model as imported; before elementwise fusion,
  // so that the casts around the ops kept in f32 fuse into the loops.
  if (options.precision != "f32") {
    ConvertPrecisionPassOptions precisionOptions;
    precisionOptions.dtype = options.precision;
    precisionOptions.keepIOTypes = options.keepIOTypes;
    pm.addPass(createConvertPrecisionPass(precisionOptions));
    pm.addPass(createCanonicalizerPass());
  }
  // Last: the epilogues and composites above have taken what they can.
  if (options.fuseElementwise) {
    FuseElementwisePassOptions fuseOptions;
    fuseOptions.reportMisses = options.reportMisses;
    pm.addNestedPass<func::FuncOp>(createFuseElementwisePass(fuseOptions));
  }
  pm.addPass(createSymbolDCEPass());
}

void mlir::llm::registerLLMOptimizePipeline() {
  PassPipelineRegistration<LLMOptimizeOptions>(
      "llm-optimize",
      "The optimization pipeline of the CPU and CUDA targets: raise composites (norms, "
      "activations, attention), canonicalize and CSE, fold weight transforms, fuse GEMM epilogues, merge parallel linears, "
      "fold head transposes into attention, pack q/k/v heads, convert precision (optional), fuse elementwise regions",
      buildLLMOptimizePipeline);
}
