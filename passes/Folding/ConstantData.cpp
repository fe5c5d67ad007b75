//===- ConstantData.cpp - reading and converting constant tensors ---------===//

#include "passes/Folding/ConstantData.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/DialectResourceBlobManager.h"

using namespace mlir;
using namespace mlir::llm;

int64_t mlir::llm::elementBytes(Type type) {
  if (!type.isIntOrFloat())
    return 0;
  unsigned bits = type.getIntOrFloatBitWidth();
  return bits % 8 == 0 ? bits / 8 : 0;
}

std::optional<ConstantData> mlir::llm::readConstant(ConstantOp constant) {
  auto type = cast<RankedTensorType>(constant.getType());
  int64_t eltBytes = elementBytes(type.getElementType());
  if (!type.hasStaticShape() || eltBytes == 0)
    return std::nullopt;
  int64_t size = type.getNumElements() * eltBytes;
  ConstantData data;
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(constant.getValue())) {
    AsmResourceBlob *blob = resource.getRawHandle().getBlob();
    if (!blob || static_cast<int64_t>(blob->getData().size()) != size)
      return std::nullopt;
    data.bytes = blob->getData();
    data.name = resource.getRawHandle().getKey().str();
    data.isBlob = true;
    return data;
  }
  auto dense = dyn_cast<DenseElementsAttr>(constant.getValue());
  if (!dense)
    return std::nullopt;
  data.name = "constant";
  ArrayRef<char> raw = dense.getRawData();
  if (!dense.isSplat()) {
    data.bytes = raw;
    return data;
  }
  data.storage.reserve(size);
  for (int64_t i = 0, e = type.getNumElements(); i < e; ++i)
    data.storage.insert(data.storage.end(), raw.begin(), raw.end());
  data.bytes = data.storage;
  return data;
}

ElementsAttr mlir::llm::makeBlob(RankedTensorType type, StringRef name, ArrayRef<char> bytes) {
  AsmResourceBlob blob =
      HeapAsmResourceBlob::allocateAndCopyWithAlign(bytes, alignof(std::max_align_t));
  return cast<ElementsAttr>(DenseResourceElementsAttr::get(type, name, std::move(blob)));
}
