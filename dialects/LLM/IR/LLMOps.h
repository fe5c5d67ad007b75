//===- LLMOps.h - llm dialect operations ------------------------*- C++ -*-===//

#ifndef LLM_DIALECTS_LLM_IR_LLMOPS_H
#define LLM_DIALECTS_LLM_IR_LLMOPS_H

#include "dialects/LLM/IR/LLMDialect.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/Interfaces/ControlFlowInterfaces.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

namespace mlir {
namespace llm {

/// True when each pair of types has the same element type and compatible
/// shapes, i.e. one may be a refinement (more static) of the other.
bool areRefinementCompatible(TypeRange lhs, TypeRange rhs);

/// Numpy broadcast of `shapes`; fails on incompatible static dims.
FailureOr<SmallVector<int64_t>> broadcastShapes(ArrayRef<ArrayRef<int64_t>> shapes);

/// The broadcast result of ranked tensor `operands`. The element type is
/// `elementType`, or the last operand's when null.
LogicalResult inferBroadcastResult(std::optional<Location> loc, ArrayRef<Type> operands,
                                   Type elementType, SmallVectorImpl<Type> &types);

/// True when `shape` broadcasts to `target` under numpy rules (aligned from
/// the right, no new dims on the target): each dim is 1, equal to the
/// target's, or dynamic on either side, where only runtime can tell.
bool broadcastsTo(ArrayRef<int64_t> shape, ArrayRef<int64_t> target);

/// The result of reducing `input` over `axes` (empty: all axes).
LogicalResult inferReductionResult(std::optional<Location> loc, RankedTensorType input,
                                   ArrayRef<int64_t> axes, bool keepDims, Type elementType,
                                   SmallVectorImpl<Type> &types);

/// The length of an ONNX slice [start, end) by `step` of a dim of `size`,
/// after counting negatives from the end and clamping.
int64_t getSliceLength(int64_t start, int64_t end, int64_t step, int64_t size);

/// True for the elementwise ops an llm.fused region may hold: each result
/// element depends only on the operand elements at the same (broadcast)
/// position.
bool isFusibleElementwise(Operation *op);

/// Fails with "element types differ" unless `lhs` and `rhs` agree.
LogicalResult verifySameElementType(Operation *op, Type lhs, Type rhs);

} // namespace llm
} // namespace mlir

#define GET_OP_CLASSES
#include "dialects/LLM/IR/LLMOps.h.inc"

#endif // LLM_DIALECTS_LLM_IR_LLMOPS_H
