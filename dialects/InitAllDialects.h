//===- InitAllDialects.h - every dialect llm-opt parses ---------*- C++ -*-===//

#ifndef LLM_DIALECTS_INITALLDIALECTS_H
#define LLM_DIALECTS_INITALLDIALECTS_H

#include "dialects/LLM/IR/LLMDialect.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/IR/DialectRegistry.h"

namespace mlir {
namespace llm {

/// Registers the dialects that llm-opt's IR is made of: ours, plus the
/// upstream ones it builds on (func for graphs, arith for index arithmetic
/// on dims, quant for quantized element types). Nothing else is registered,
/// so a typo in a test file fails loudly.
inline void registerAllDialects(DialectRegistry &registry) {
  registry.insert<LLMDialect, arith::ArithDialect, func::FuncDialect, quant::QuantDialect>();
}

} // namespace llm
} // namespace mlir

#endif // LLM_DIALECTS_INITALLDIALECTS_H
