//===- MicrosoftDomain.cpp - importers for com.microsoft contrib ops ------===//

#include "frontend/onnx/GraphImporter.h"

using namespace mlir;
using namespace mlir::llm;
using namespace mlir::llm::onnx_import;

void onnx_import::addMicrosoftDomainOps(std::vector<OpEntry> &table) {}
