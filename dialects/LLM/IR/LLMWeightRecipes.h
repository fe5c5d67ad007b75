//===- LLMWeightRecipes.h - how compile-time weights were derived -*- C++ -*-===//
//
// Passes that make new weight blobs at compile time (merged q/k/v
// projections, precision conversion, folded transposes) record how each was
// made, as the module attribute
//
//   llm.weight_recipes = {"q+k+v" = {op = "concat", from = ["q", "k", "v"], axis = 1 : i64}, ...}
//
// Codegen copies it into the manifest ("weight_recipes"), and the runtime
// rebuilds those weights from a checkpoint that holds only the model's own
// tensors (runtime/lib/WeightRecipes.h). Ops: concat {axis}, cast {dtype},
// transpose {perm}, reshape {shape}, slice {starts, steps, shape}.
//
// The invariant the runtime relies on: every dense_resource blob is either
// one of the model's own tensors (an ONNX initializer, under its name) or has
// a recipe. A value derived at compile time that no recipe can rebuild (made
// from dense attributes, or by an op the runtime does not replay) is a dense
// attribute instead: codegen puts it in the code or in the module's
// constants file, which travels with the module whatever checkpoint is used.
//
//===----------------------------------------------------------------------===//

#ifndef LLM_DIALECTS_LLM_IR_LLMWEIGHTRECIPES_H
#define LLM_DIALECTS_LLM_IR_LLMWEIGHTRECIPES_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Value.h"

#include <optional>
#include <string>

namespace mlir {
namespace llm {

constexpr llvm::StringLiteral kWeightRecipesAttr = "llm.weight_recipes";

/// The blob name of a weight: the key of the dense_resource of the
/// llm.constant defining `value`, or nullopt for anything else (a dense
/// attribute is part of the program, not of a checkpoint).
std::optional<std::string> weightBlobName(Value value);

/// Records that the blob `result` is `op` applied to the blobs `from` with
/// `params` (axis, perm, dtype or shape), on the module holding `anchor`.
void recordWeightRecipe(Operation *anchor, StringRef result, StringRef op,
                        ArrayRef<std::string> from, ArrayRef<NamedAttribute> params);

} // namespace llm
} // namespace mlir

#endif // LLM_DIALECTS_LLM_IR_LLMWEIGHTRECIPES_H
