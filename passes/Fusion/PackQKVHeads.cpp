//===- PackQKVHeads.cpp - the llm-pack-qkv-heads pass ---------------------===//
//
// After llm-merge-parallel-linears (or an exporter that merged them, as
// GPT-2's c_attn), q, k and v are three column slices of one projection
// [B, S, (Hq + Hk + Hv) * D], each copied out by a split before attention
// reads it as [B, S, H, D]: at GPT-2-small's 32x512, 25 MB read and written
// three times a layer. In [B, S, H, D] ("bshd") the slices are already heads
// [0, Hq), [Hq, Hq + Hk) and the rest of the projection seen as
// [B, S, Hq + Hk + Hv, D]; the kernels address rows with a stride, so this
// pass hands attention that one tensor (packed_heads) and the split goes.
//
//===----------------------------------------------------------------------===//

#include "passes/Fusion/Passes.h"

#include "dialects/LLM/IR/LLMOps.h"
#include "passes/Raising/Matchers.h"

namespace mlir {
namespace llm {
#define GEN_PASS_DEF_PACKQKVHEADSPASS
#include "passes/Fusion/Passes.h.inc"
} // namespace llm
} // namespace mlir

using namespace mlir;
using namespace mlir::llm;

namespace {

/// Why `attention` cannot read its q, k and v in place, or "" when it can;
/// on success `split` is their split, `heads` the q reshape and `counts`
/// the head counts of q, k and v.
std::string packMiss(AttentionOp attention, SplitOp &split, ReshapeOp &heads,
                     int64_t (&counts)[3]) {
  if (attention.getLayout() != "bshd")
    return "attention is [B, H, S, D] (llm-fold-head-transposes did not fold it)";
  Value operands[3] = {attention.getQuery(), attention.getKey(), attention.getValue()};
  ReshapeOp reshapes[3];
  for (int i = 0; i < 3; ++i) {
    reshapes[i] = operands[i].getDefiningOp<ReshapeOp>();
    if (!reshapes[i] || !reshapes[i]->hasOneUse())
      return "q, k and v are not each a reshape used once (a rotary embedding or a KV cache "
             "in between)";
    auto result = dyn_cast<OpResult>(reshapes[i].getInput());
    auto from = result ? dyn_cast<SplitOp>(result.getOwner()) : SplitOp();
    if (!from || result.getResultNumber() != static_cast<unsigned>(i) || !result.hasOneUse())
      return "q, k and v are not results 0, 1 and 2 of one split, each used once";
    split = i == 0 ? from : split;
    if (from != split)
      return "q, k and v come from different splits";
  }
  auto input = cast<RankedTensorType>(split.getInput().getType());
  if (split.getNumResults() != 3 || input.getRank() != 3 || split.getAxis() != 2)
    return "the split is not three slices of the last dim of a [B, S, N] tensor";
  // Each reshape cuts its slice's rows into heads of one static D: the row
  // r of [B * S] is then row r of [B' * S'] in every reshape and in the
  // packed view, however B' * S' factors. The head counts are static, or
  // (dynamo's exports compute them) the slice width over D when B' and S'
  // provably are B and S.
  ArrayRef<int64_t> qShape = reshapes[0].getStaticShape();
  if (qShape.size() != 4 || ShapedType::isDynamic(qShape[3]))
    return "q is not reshaped to [B, S, H, D] with a static D";
  const int64_t D = qShape[3];
  for (int i = 0; i < 3; ++i) {
    ArrayRef<int64_t> shape = reshapes[i].getStaticShape();
    if (shape.size() != 4 || shape[3] != D || shape[0] != qShape[0] || shape[1] != qShape[1] ||
        reshapes[i].getShape().drop_back(ShapedType::isDynamic(shape[2]) ? 1 : 0) !=
            reshapes[0].getShape().drop_back(ShapedType::isDynamic(qShape[2]) ? 1 : 0))
      return "q, k and v are not reshaped to [B, S, H, D] alike";
    // (The slice's [B, S] are the split input's.)
    std::string miss = raising::rowsToHeadsMiss(reshapes[i].getInput(), reshapes[i].getResult());
    if (!miss.empty())
      return miss;
    counts[i] = split.getSizes()[i] / D;
  }
  heads = reshapes[0];
  return "";
}

struct PackQKVHeadsPass : public llm::impl::PackQKVHeadsPassBase<PackQKVHeadsPass> {
  using PackQKVHeadsPassBase::PackQKVHeadsPassBase;

  void runOnOperation() override {
    SmallVector<AttentionOp> candidates;
    getOperation().walk([&](AttentionOp attention) {
      if (!attention.getPackedHeads())
        candidates.push_back(attention);
    });
    for (AttentionOp attention : candidates)
      pack(attention);
  }

  void pack(AttentionOp attention) {
    SplitOp split;
    ReshapeOp qHeads;
    int64_t counts[3];
    std::string miss = packMiss(attention, split, qHeads, counts);
    if (!miss.empty()) {
      if (reportMisses)
        attention.emitRemark() << "q, k and v stay three tensors: " << miss;
      return;
    }
    Operation *reshapes[3] = {attention.getQuery().getDefiningOp(),
                              attention.getKey().getDefiningOp(),
                              attention.getValue().getDefiningOp()};
    // The projection as [B, S, Hq + Hk + Hv, D]: the q reshape's dims with
    // every head (static).
    SmallVector<int64_t> staticShape(qHeads.getStaticShape());
    SmallVector<Value> dynamicShape(qHeads.getShape());
    if (ShapedType::isDynamic(staticShape[2]))
      dynamicShape.pop_back(); // dims 0 and 1 come first, D is static
    staticShape[2] = counts[0] + counts[1] + counts[2];
    auto qType = cast<RankedTensorType>(qHeads.getType());
    SmallVector<int64_t> packedShape(qType.getShape());
    packedShape[2] = staticShape[2];
    OpBuilder builder(attention);
    Value packed = ReshapeOp::create(
        builder, qHeads.getLoc(), RankedTensorType::get(packedShape, qType.getElementType()),
        split.getInput(), dynamicShape, builder.getDenseI64ArrayAttr(staticShape));
    attention->setOperands(0, 3, ValueRange{packed, packed, packed});
    attention.setPackedHeadsAttr(builder.getDenseI64ArrayAttr(counts));
    // The result's heads dim may have been dynamic (dynamo's computed heads):
    // it is Hq now, the type the op infers.
    auto resultType = cast<RankedTensorType>(attention.getResult().getType());
    SmallVector<int64_t> resultShape(resultType.getShape());
    resultShape[2] = counts[0];
    attention.getResult().setType(
        RankedTensorType::get(resultShape, resultType.getElementType()));
    for (Operation *reshape : reshapes)
      reshape->erase();
    split->erase();
  }
};

} // namespace
