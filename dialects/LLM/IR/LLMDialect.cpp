//===- LLMDialect.cpp - llm dialect registration --------------------------===//

#include "dialects/LLM/IR/LLMDialect.h"
#include "dialects/LLM/IR/LLMOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Quant/IR/Quant.h"

using namespace mlir;
using namespace mlir::llm;

#include "dialects/LLM/IR/LLMDialect.cpp.inc"

void LLMDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "dialects/LLM/IR/LLMOps.cpp.inc"
      >();
}

Operation *LLMDialect::materializeConstant(OpBuilder &builder, Attribute value, Type type,
                                           Location loc) {
  // Folders of `llm.dim` produce index constants; everything else is a tensor.
  if (type.isIndex())
    return arith::ConstantOp::create(builder, loc, type, cast<TypedAttr>(value));
  if (auto elements = dyn_cast<ElementsAttr>(value))
    return ConstantOp::create(builder, loc, elements);
  return nullptr;
}
