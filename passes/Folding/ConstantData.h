//===- ConstantData.h - reading and converting constant tensors -*- C++ -*-===//
//
// What the passes that compute on weights at compile time share: the bytes
// of a constant (a weight blob or a dense attribute), new weight blobs, and
// float rounding fast enough for a few hundred million elements.
//
//===----------------------------------------------------------------------===//

#ifndef LLM_PASSES_FOLDING_CONSTANTDATA_H
#define LLM_PASSES_FOLDING_CONSTANTDATA_H

#include "dialects/LLM/IR/LLMOps.h"
#include "runtime/include/llmrt/FloatRounding.h"

#include "mlir/IR/BuiltinAttributes.h"

#include <cstdint>
#include <optional>
#include <vector>

namespace mlir {
namespace llm {

/// The little-endian element bytes of a constant tensor, without a copy
/// where the data is already stored that way.
struct ConstantData {
  /// The bytes, `numElements * elementBytes` of them.
  ArrayRef<char> bytes;
  /// Holds the bytes when they had to be made (an expanded splat).
  std::vector<char> storage;
  /// The blob's name, or "constant" for a dense attribute.
  std::string name;
  /// True when the data comes from a `dense_resource` blob.
  bool isBlob = false;
};

/// The data of `constant`: a loaded weight blob of the right size, or a
/// dense attribute (splats expanded). None for booleans (bit-packed in dense
/// attributes), element types that are not a whole number of bytes, elided
/// blobs and dynamic shapes.
std::optional<ConstantData> readConstant(ConstantOp constant);

/// The size in bytes of one element of `type`, or 0 when it is not a whole
/// number of bytes (i1, i4, quantized types).
int64_t elementBytes(Type type);

/// A new `dense_resource` attribute of `type` over a copy of `bytes`, under
/// `name` (the blob manager makes it unique with a suffix when taken).
ElementsAttr makeBlob(RankedTensorType type, StringRef name, ArrayRef<char> bytes);

/// f32 bits to f16 / bf16 bits: the rounding the runtime applies to a
/// checkpoint too (runtime/include/llmrt/FloatRounding.h).
using llmrt::roundF32ToBF16;
using llmrt::roundF32ToF16;

} // namespace llm
} // namespace mlir

#endif // LLM_PASSES_FOLDING_CONSTANTDATA_H
