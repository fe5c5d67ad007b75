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
// A layer or RMS norm over the last axis is a root too: the group grown
// from its input's producer is its prologue, and region and norm become one
// row kernel. The producer alone may have users outside (the residual
// stream): the region then returns its value as a second result.
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
    // of what precedes it as it can; a norm comes after its prologue, so it
    // claims the prologue before that becomes a group of its own.
    SmallVector<Operation *> candidates;
    for (Operation &op : block)
      if (isFusibleElementwise(&op) || isa<LayerNormOp, RmsNormOp>(op))
        candidates.push_back(&op);
    for (Operation *root : llvm::reverse(candidates)) {
      if (fused.contains(root))
        continue;
      if (isa<LayerNormOp, RmsNormOp>(root)) {
        fuseNormWithPrologue(root, fused);
        continue;
      }
      SetVector<Operation *> group = growGroup(root, fused);
      if (group.size() < 2)
        continue;
      for (Operation *op : group)
        fused.insert(op);
      buildRegion(root, group);
    }
  }

  /// Why `norm` cannot end a region, or null when it can: the kernel walks
  /// contiguous rows of the last axis with one scale/bias element per column
  /// (or one for all).
  static const char *whyNotRowNorm(Operation *norm) {
    Value input = norm->getOperand(0);
    auto type = cast<RankedTensorType>(input.getType());
    int64_t rank = type.getRank();
    int64_t axis = isa<LayerNormOp>(norm) ? cast<LayerNormOp>(norm).getAxis()
                                          : cast<RmsNormOp>(norm).getAxis();
    if (rank == 0 || (axis < 0 ? axis + rank : axis) != rank - 1)
      return "it normalizes more than the last axis";
    for (Value param : norm->getOperands().drop_front()) {
      // [C], [1], [1, 1, C]...: one element per column or one in all.
      ArrayRef<int64_t> shape = cast<RankedTensorType>(param.getType()).getShape();
      for (int64_t i = 0; i + 1 < (int64_t)shape.size(); ++i)
        if (shape[i] != 1)
          return "its scale or bias has more than one row";
    }
    return nullptr;
  }

  void fuseNormWithPrologue(Operation *norm, DenseSet<Operation *> &taken) {
    Operation *producer = norm->getOperand(0).getDefiningOp();
    if (!producer || taken.contains(producer) || producer->getBlock() != norm->getBlock() ||
        !isFusibleElementwise(producer))
      return; // not a candidate: nothing elementwise to take (a linear's output, say)
    // A scale that is the prologue's own value would have no row to read.
    if (llvm::is_contained(norm->getOperands().drop_front(), producer->getResult(0)))
      return;
    if (const char *why = whyNotRowNorm(norm)) {
      if (reportMisses)
        norm->emitRemark("llm-fuse-elementwise: the norm does not take its prologue: ") << why;
      return;
    }
    // The region replaces the producer's value for its other users, so it
    // must precede them; at the producer it does when the norm's scale and
    // bias are already defined there, and at the norm when the other users
    // all come after it.
    SmallVector<Operation *> others;
    for (Operation *user : producer->getUsers())
      if (user != norm)
        others.push_back(user);
    auto definedBefore = [&](Value v, Operation *point) {
      Operation *def = v.getDefiningOp();
      return !def || (def->getBlock() == point->getBlock() && def->isBeforeInBlock(point));
    };
    Operation *insertionPoint = nullptr;
    if (llvm::all_of(norm->getOperands().drop_front(),
                     [&](Value v) { return definedBefore(v, producer); }))
      insertionPoint = producer;
    else if (llvm::all_of(others, [&](Operation *user) { return norm->isBeforeInBlock(user); }))
      insertionPoint = norm;
    if (!insertionPoint) {
      if (reportMisses)
        norm->emitRemark("llm-fuse-elementwise: the prologue's value is read before the norm's "
                         "scale or bias is defined");
      return;
    }
    SetVector<Operation *> group = growGroup(producer, taken);
    for (Operation *op : group)
      taken.insert(op);
    taken.insert(norm);

    SmallVector<Operation *> ops;
    SetVector<Value> inputs;
    orderAndCollectInputs(group, ops, inputs);
    for (Value param : norm->getOperands().drop_front())
      inputs.insert(param);

    OpBuilder builder(insertionPoint);
    SmallVector<Location> locs;
    for (Operation *op : ops)
      locs.push_back(op->getLoc());
    locs.push_back(norm->getLoc());
    Location loc = builder.getFusedLoc(locs);
    SmallVector<Type> resultTypes{norm->getResult(0).getType()};
    if (!others.empty())
      resultTypes.push_back(producer->getResult(0).getType());
    IRMapping mapping;
    FusedOp fusedOp = createRegion(builder, loc, resultTypes, inputs, ops, mapping);
    builder.clone(*norm, mapping);
    SmallVector<Value> yielded{mapping.lookup(norm->getResult(0))};
    if (!others.empty())
      yielded.push_back(mapping.lookup(producer->getResult(0)));
    YieldOp::create(builder, loc, yielded);
    norm->getResult(0).replaceAllUsesWith(fusedOp->getResult(0));
    norm->erase();
    if (!others.empty())
      producer->getResult(0).replaceAllUsesWith(fusedOp->getResult(1));
    for (Operation *op : llvm::reverse(ops))
      op->erase();
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

  /// The group's ops in program order (the region's order), and the values
  /// they read from outside it (the region's inputs), first use first.
  static void orderAndCollectInputs(const SetVector<Operation *> &group,
                                    SmallVectorImpl<Operation *> &ops, SetVector<Value> &inputs) {
    ops.assign(group.begin(), group.end());
    llvm::sort(ops, [](Operation *a, Operation *b) { return a->isBeforeInBlock(b); });
    for (Operation *op : ops)
      for (Value operand : op->getOperands())
        if (!group.contains(operand.getDefiningOp()))
          inputs.insert(operand);
  }

  /// A new llm.fused of `resultTypes` reading `inputs`, whose body is the
  /// clones of `ops` (`mapping`: originals to clones); the builder is left at
  /// the body's end for the caller's last ops and yield.
  static FusedOp createRegion(OpBuilder &builder, Location loc, TypeRange resultTypes,
                              const SetVector<Value> &inputs, ArrayRef<Operation *> ops,
                              IRMapping &mapping) {
    auto fusedOp = FusedOp::create(builder, loc, resultTypes, inputs.getArrayRef());
    Block *body = builder.createBlock(&fusedOp.getBody());
    for (Value input : inputs)
      mapping.map(input, body->addArgument(input.getType(), input.getLoc()));
    for (Operation *op : ops)
      builder.clone(*op, mapping);
    return fusedOp;
  }

  void buildRegion(Operation *root, const SetVector<Operation *> &group) {
    SmallVector<Operation *> ops;
    SetVector<Value> inputs;
    orderAndCollectInputs(group, ops, inputs);

    OpBuilder builder(root);
    SmallVector<Location> locs;
    for (Operation *op : ops)
      locs.push_back(op->getLoc());
    Location loc = builder.getFusedLoc(locs);
    IRMapping mapping;
    FusedOp fusedOp = createRegion(builder, loc, TypeRange{root->getResult(0).getType()}, inputs,
                                   ops, mapping);
    YieldOp::create(builder, loc, ValueRange{mapping.lookup(root->getResult(0))});
    root->getResult(0).replaceAllUsesWith(fusedOp->getResult(0));
    for (Operation *op : llvm::reverse(ops))
      op->erase();
  }
};

} // namespace
