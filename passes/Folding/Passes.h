//===- Passes.h - constant folding passes -----------------------*- C++ -*-===//

#ifndef LLM_PASSES_FOLDING_PASSES_H
#define LLM_PASSES_FOLDING_PASSES_H

#include "dialects/LLM/IR/LLMDialect.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir {
namespace llm {

#define GEN_PASS_DECL
#include "passes/Folding/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "passes/Folding/Passes.h.inc"

} // namespace llm
} // namespace mlir

#endif // LLM_PASSES_FOLDING_PASSES_H
