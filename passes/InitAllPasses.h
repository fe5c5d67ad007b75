//===- InitAllPasses.h - every pass llm-opt can run -------------*- C++ -*-===//

#ifndef LLM_PASSES_INITALLPASSES_H
#define LLM_PASSES_INITALLPASSES_H

#include "passes/Folding/Passes.h"
#include "passes/Fusion/Passes.h"
#include "passes/MemoryPlanning/Passes.h"
#include "passes/Pipelines/Pipelines.h"
#include "passes/Precision/Passes.h"
#include "passes/Raising/Passes.h"

#include "mlir/Transforms/Passes.h"

namespace mlir {
namespace llm {

/// Registers the passes and pipelines usable from `llm-opt --pass-pipeline`:
/// MLIR's generic transforms (canonicalize, cse, symbol-dce, ...) and the
/// llm pass groups (raising, folding, fusion, precision, memory planning;
/// quantization to come) and
/// the llm-optimize pipeline.
inline void registerAllPasses() {
  registerTransformsPasses();
  registerLLMRaisingPasses();
  registerLLMMemoryPlanningPasses();
  registerLLMFoldingPasses();
  registerLLMFusionPasses();
  registerLLMPrecisionPasses();
  registerLLMOptimizePipeline();
}

} // namespace llm
} // namespace mlir

#endif // LLM_PASSES_INITALLPASSES_H
