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

// Bit-level conversions: APFloat per element would take seconds on a model
// of a few hundred million weights. Both round to nearest, ties to even, and
// saturate a finite value that would round to infinity (`overflow` is set);
// infinities stay infinities and NaNs stay (quiet) NaNs.

uint16_t mlir::llm::roundF32ToF16(uint32_t bits, bool &overflow) {
  uint16_t sign = (bits >> 16) & 0x8000;
  uint32_t abs = bits & 0x7fffffff;
  if (abs > 0x7f800000)
    return sign | 0x7e00;
  if (abs == 0x7f800000)
    return sign | 0x7c00;
  // 65520 is halfway between 65504 and 65536 and ties to the even 65536 (inf).
  if (abs >= 0x477ff000) {
    overflow = true;
    return sign | 0x7bff;
  }
  if (abs < 0x38800000) {
    // Below 2^-14: an f16 subnormal, in units of 2^-24.
    uint32_t exponent = abs >> 23;
    if (exponent < 102) // below 2^-25, rounds to zero
      return sign;
    uint32_t mantissa = (abs & 0x7fffff) | 0x800000;
    uint32_t shift = 126 - exponent;
    uint32_t q = mantissa >> shift, rest = mantissa & ((1u << shift) - 1);
    uint32_t half = 1u << (shift - 1);
    if (rest > half || (rest == half && (q & 1)))
      ++q;
    return sign | q;
  }
  // Rebias the exponent (127 -> 15) and round 23 mantissa bits to 10; a
  // carry out of the mantissa correctly bumps the exponent.
  uint32_t rebiased = abs - 0x38000000;
  uint32_t q = rebiased >> 13, rest = rebiased & 0x1fff;
  if (rest > 0x1000 || (rest == 0x1000 && (q & 1)))
    ++q;
  return sign | q;
}

uint16_t mlir::llm::roundF32ToBF16(uint32_t bits, bool &overflow) {
  if ((bits & 0x7fffffff) > 0x7f800000)
    return (bits >> 16) | 0x40;
  uint32_t rounded = bits + 0x7fff + ((bits >> 16) & 1);
  uint16_t result = rounded >> 16;
  if ((result & 0x7fff) == 0x7f80 && (bits & 0x7fffffff) != 0x7f800000) {
    overflow = true;
    return (result & 0x8000) | 0x7f7f;
  }
  return result;
}

