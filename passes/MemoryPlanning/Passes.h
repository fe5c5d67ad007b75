//===- Passes.h - memory planning passes ------------------------*- C++ -*-===//

#ifndef LLM_PASSES_MEMORYPLANNING_PASSES_H
#define LLM_PASSES_MEMORYPLANNING_PASSES_H

#include "dialects/LLM/IR/LLMDialect.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir {
namespace llm {

#define GEN_PASS_DECL
#include "passes/MemoryPlanning/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "passes/MemoryPlanning/Passes.h.inc"

/// Attribute names of the plan (see the pass description).
constexpr llvm::StringLiteral kBuffersAttr = "llm.buffers";
constexpr llvm::StringLiteral kBufferIntervalsAttr = "llm.buffer_intervals";
constexpr llvm::StringLiteral kArenaBytesAttr = "llm.arena_bytes";
constexpr llvm::StringLiteral kArenaBytesWithoutReuseAttr = "llm.arena_bytes_without_reuse";

/// True for ops whose result is a reinterpretation of operand 0's memory.
bool isViewOp(Operation *op);

/// True for a piece of an `llm.split` along the last axis whose every user
/// is elementwise (an elementwise op, or an `llm.fused` region without a
/// row norm), or a reshape into [B, S, heads, head_dim] read only by "bshd"
/// rotary embeddings and attentions (Llama's q, k and v): those users can
/// read it in place as a row-strided view (llmk::In::rowStride) instead of
/// a copy. llm-plan-memory decides with
/// its split-views option; codegen follows the plan (llm.buffers -1).
bool isStridedSplitView(OpResult result);

} // namespace llm
} // namespace mlir

#endif // LLM_PASSES_MEMORYPLANNING_PASSES_H
