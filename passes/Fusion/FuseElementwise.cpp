//===- FuseElementwise.cpp - the llm-fuse-elementwise pass ----------------===//
//
// Groups elementwise ops into llm.fused regions, each one loop in codegen.
// A group grows from a root (an elementwise op whose result leaves the group)
// backwards through its producers: a producer joins when it is elementwise,
// in the same block, and every user of its result is already in the group.
// Intermediates of a group never touch memory. Inputs broadcast to the
// root's shape, which is the broadcast of every input, so numpy semantics
// hold inside the loop.
//
//===----------------------------------------------------------------------===//

#include "passes/Fusion/Passes.h"

#include "dialects/LLM/IR/LLMOps.h"

#include "mlir/IR/IRMapping.h"

namespace mlir {
namespace llm {
#define GEN_PASS_DEF_FUSEELEMENTWISEPASS
#include "passes/Fusion/Passes.h.inc"
} // namespace llm
} // namespace mlir

using namespace mlir;
using namespace mlir::llm;

namespace {

struct FuseElementwisePass : llm::impl::FuseElementwisePassBase<FuseElementwisePass> {
  using Base::Base;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (func.isExternal())
      return;
    Block &block = func.getBody().front();
    DenseSet<Operation *> fused;
    // Roots are visited last to first, so a root's group takes in as much
    // of what precedes it as it can.
    SmallVector<Operation *> candidates;
    for (Operation &op : block)
      if (isFusibleElementwise(&op))
        candidates.push_back(&op);
    for (Operation *root : llvm::reverse(candidates)) {
      if (fused.contains(root))
        continue;
      SetVector<Operation *> group = growGroup(root, fused);
      if (group.size() < 2)
        continue;
      for (Operation *op : group)
        fused.insert(op);
      buildRegion(root, group);
    }
  }

  SetVector<Operation *> growGroup(Operation *root, const DenseSet<Operation *> &taken) {
    SetVector<Operation *> group;
    group.insert(root);
    bool changed = true;
    while (changed) {
      changed = false;
      for (size_t i = 0; i < group.size(); ++i) {
        for (Value operand : group[i]->getOperands()) {
          Operation *producer = operand.getDefiningOp();
          if (!producer || group.contains(producer) || taken.contains(producer) ||
              producer->getBlock() != root->getBlock() || !isFusibleElementwise(producer))
            continue;
          if (!llvm::all_of(producer->getUsers(),
                            [&](Operation *user) { return group.contains(user); }))
            continue;
          group.insert(producer);
          changed = true;
        }
      }
    }
    return group;
  }

  void buildRegion(Operation *root, const SetVector<Operation *> &group) {
    // Program order inside the region, and the values read from outside.
    SmallVector<Operation *> ops(group.begin(), group.end());
    llvm::sort(ops, [](Operation *a, Operation *b) { return a->isBeforeInBlock(b); });
    SetVector<Value> inputs;
    for (Operation *op : ops)
      for (Value operand : op->getOperands())
        if (!group.contains(operand.getDefiningOp()))
          inputs.insert(operand);

    OpBuilder builder(root);
    SmallVector<Location> locs;
    for (Operation *op : ops)
      locs.push_back(op->getLoc());
    Location loc = builder.getFusedLoc(locs);
    auto fusedOp =
        FusedOp::create(builder, loc, root->getResult(0).getType(), inputs.getArrayRef());
    Block *body = builder.createBlock(&fusedOp.getBody());
    IRMapping mapping;
    for (Value input : inputs)
      mapping.map(input, body->addArgument(input.getType(), input.getLoc()));
    for (Operation *op : ops)
      builder.clone(*op, mapping);
    YieldOp::create(builder, loc, mapping.lookup(root->getResult(0)));
    root->getResult(0).replaceAllUsesWith(fusedOp.getResult());
    for (Operation *op : llvm::reverse(ops))
      op->erase();
  }
};

} // namespace
