//===- LLMWeightRecipes.cpp - how compile-time weights were derived -------===//

#include "dialects/LLM/IR/LLMWeightRecipes.h"

#include "dialects/LLM/IR/LLMOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"

using namespace mlir;
using namespace mlir::llm;

std::optional<std::string> mlir::llm::weightBlobName(Value value) {
  auto constant = value.getDefiningOp<ConstantOp>();
  if (!constant)
    return std::nullopt;
  auto resource = dyn_cast<DenseResourceElementsAttr>(constant.getValue());
  if (!resource)
    return std::nullopt;
  return resource.getRawHandle().getKey().str();
}

void mlir::llm::recordWeightRecipe(Operation *anchor, StringRef result, StringRef op,
                                   ArrayRef<std::string> from, ArrayRef<NamedAttribute> params) {
  ModuleOp module = isa<ModuleOp>(anchor) ? cast<ModuleOp>(anchor)
                                          : anchor->getParentOfType<ModuleOp>();
  if (!module)
    return;
  Builder b(module.getContext());
  SmallVector<Attribute> names;
  for (const std::string &name : from)
    names.push_back(b.getStringAttr(name));
  NamedAttrList recipe(params);
  recipe.set("op", b.getStringAttr(op));
  recipe.set("from", b.getArrayAttr(names));
  NamedAttrList all;
  if (auto existing = module->getAttrOfType<DictionaryAttr>(kWeightRecipesAttr))
    all.append(existing.getValue());
  all.set(result, recipe.getDictionary(module.getContext()));
  module->setAttr(kWeightRecipesAttr, all.getDictionary(module.getContext()));
}
