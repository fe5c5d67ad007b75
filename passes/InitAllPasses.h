//===- InitAllPasses.h - every pass llm-opt can run -------------*- C++ -*-===//

#ifndef LLM_PASSES_INITALLPASSES_H
#define LLM_PASSES_INITALLPASSES_H

#include "mlir/Transforms/Passes.h"

namespace mlir {
namespace llm {

/// Registers the passes and pipelines usable from `llm-opt --pass-pipeline`:
/// MLIR's generic transforms (canonicalize, cse, symbol-dce, ...) and, as
/// they land, the llm pass groups.
inline void registerAllPasses() { registerTransformsPasses(); }

} // namespace llm
} // namespace mlir

#endif // LLM_PASSES_INITALLPASSES_H
