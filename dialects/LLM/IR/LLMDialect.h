//===- LLMDialect.h - the llm dialect ---------------------------*- C++ -*-===//

#ifndef LLM_DIALECTS_LLM_IR_LLMDIALECT_H
#define LLM_DIALECTS_LLM_IR_LLMDIALECT_H

#include "mlir/IR/Dialect.h"

#include "dialects/LLM/IR/LLMDialect.h.inc"

#endif // LLM_DIALECTS_LLM_IR_LLMDIALECT_H
