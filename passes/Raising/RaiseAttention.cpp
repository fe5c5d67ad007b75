//===- RaiseAttention.cpp - llm.attention from matmul/softmax/matmul ------===//
//
// Every exporter spells scaled dot-product attention as
//
//   probs  = softmax(scale(q @ k^T) (+ mask | where(keep, ., -big)), -1)
//   result = probs @ v
//
// where the scale is a division or multiplication by a constant, applied to
// the scores or to q and k separately (torch's SDPA decomposition multiplies
// both by sqrt(scale)), k^T is a transpose of the key (or of the key's
// [batch, seq, heads, dim] projection), and the mask is added (float) or
// selects between the scores and a very negative constant (boolean). The
// matcher walks from the final matmul back to q @ k^T through exactly those
// ops, and replaces the chain by one llm.attention, whose CPU and CUDA
// kernels never materialize the scores.
//
//===----------------------------------------------------------------------===//

#include "passes/Raising/Matchers.h"

#include "mlir/IR/TypeUtilities.h"

#include <cmath>

using namespace mlir;
using namespace mlir::llm;
using namespace mlir::llm::raising;

namespace {

/// A constant at or below this, selected instead of a score, masks it out.
constexpr double kMaskedScore = -1.0e4;
/// A masked score so large that adding any real score leaves it unchanged in
/// f32 (finfo(float32).min is -3.4e38; ulp(1e30) is about 7e22).
constexpr double kAbsorbingScore = -1.0e30;

struct AttentionMatch {
  Value query;
  /// The transposed key as the scores' matmul reads it ([b, h, d, s]).
  Value keyT;
  Value value;
  Value mask;
  /// The boolean mask selects the masked-out positions (where(m, -big, s)).
  bool invertMask = false;
  /// llm.attention's masked_rows: what a row with no visible key gets.
  std::string maskedRows = "zero";
  double scale = 1.0;
  SmallVector<Operation *> ops;
  /// The ops from q @ k^T to the softmax input, which may have `llm.dim`
  /// users ([batch, heads, q_seq, kv_seq] shaped).
  SmallVector<Operation *> scoreOps;
};

/// The splat factor of a mul/div by a constant, with the other operand.
std::optional<std::pair<double, Value>> scaleFactor(Operation *op) {
  if (auto mul = dyn_cast<MulOp>(op)) {
    if (auto c = getSplatFloat(mul.getRhs()))
      return std::pair(*c, mul.getLhs());
    if (auto c = getSplatFloat(mul.getLhs()))
      return std::pair(*c, mul.getRhs());
  }
  if (auto div = dyn_cast<DivOp>(op))
    if (auto c = getSplatFloat(div.getRhs()); c && *c != 0)
      return std::pair(1.0 / *c, div.getLhs());
  return std::nullopt;
}

/// Strips scale factors off `value` (an operand of q @ k^T), multiplying
/// them into `scale`.
Value stripScale(Value value, double &scale, SmallVectorImpl<Operation *> &ops) {
  while (Operation *def = stripIdentityCasts(value).getDefiningOp()) {
    auto factor = scaleFactor(def);
    if (!factor || !def->hasOneUse() || factor->second.getType() != value.getType())
      break;
    scale *= factor->first;
    ops.push_back(def);
    value = factor->second;
  }
  return value;
}

struct RaiseAttention : RaisePattern<RaiseAttention, MatmulOp, AttentionMatch> {
  using RaisePattern::RaisePattern;
  static constexpr llvm::StringLiteral missPrefix = "not raised to llm.attention";

  static MatchResult<AttentionMatch> matchRoot(MatmulOp root) {
    AttentionMatch match;
    match.ops = {root};
    Value probs = root.getLhs();
    // Identity casts (Llama's softmax(..).to(dtype) on an f32 model) are part
    // of the chain: each must have no other use.
    while (auto cast = probs.getDefiningOp<CastOp>()) {
      if (cast.getInput().getType() != cast.getType())
        break;
      if (!cast->hasOneUse())
        return nearMiss("the attention probabilities have other uses");
      match.ops.push_back(cast);
      probs = cast.getInput();
    }
    // The op of the chain that reads the softmax (or its guard).
    Operation *probsUser = match.ops.back();
    // torch's SDPA decomposition zeroes fully masked rows (a softmax of only
    // -inf is NaN): where(is_nan(p), 0, p). llm.attention's rows that may
    // attend to nothing are zeros, so the guard folds in.
    WhereOp guard;
    IsNanOp guardIsNan;
    if (auto where = probs.getDefiningOp<WhereOp>()) {
      auto isNan = definingOp<IsNanOp>(where.getCondition());
      std::optional<double> zero = getSplatFloat(where.getTrueValue());
      if (isNan && zero && *zero == 0.0 && isNan.getInput() == where.getFalseValue() &&
          where.getFalseValue().getType() == where.getType()) {
        guard = where;
        guardIsNan = isNan;
        probs = where.getFalseValue();
        match.ops.append({where, isNan});
      }
    }
    auto softmax = probs.getDefiningOp<SoftmaxOp>();
    if (!softmax)
      return notCandidate("the left operand is not a softmax");
    match.ops.push_back(softmax);
    auto scoresType = cast<RankedTensorType>(softmax.getType());
    int64_t rank = scoresType.getRank();
    if (rank != 4)
      return nearMiss("the scores are rank " + Twine(rank) +
                      ", expected 4 ([batch, heads, q_seq, kv_seq])");
    int64_t axis = softmax.getAxis() < 0 ? softmax.getAxis() + rank : softmax.getAxis();
    if (axis != rank - 1)
      return nearMiss("the softmax is over axis " + Twine(axis) + ", not the last");
    for (Operation *user : softmax->getUsers())
      if (guard ? (user != guard && user != guardIsNan) : user != probsUser)
        return nearMiss("the attention probabilities have other uses");
    if (guard && (!guard->hasOneUse() || !guardIsNan->hasOneUse()))
      return nearMiss("the attention probabilities have other uses");

    // Walk back from the softmax input to q @ k^T. Walking backwards, a scale
    // seen before an additive mask was applied after it, to the mask too.
    Value scores = softmax.getInput();
    bool maskSeen = false, scaleSeen = false;
    MatmulOp qk;
    while (!qk) {
      Operation *def = scores.getDefiningOp();
      if (!def)
        return nearMiss("the softmax input is not computed from q @ k^T");
      if (!hasOnlyUserBesidesDims(def->getResult(0), match.ops.back()))
        return nearMiss("an intermediate of the scores ('" + def->getName().getStringRef() +
                        "') has other uses");
      match.ops.push_back(def);
      match.scoreOps.push_back(def);
      if (auto cast = dyn_cast<CastOp>(def); cast && cast.getInput().getType() == cast.getType()) {
        scores = cast.getInput();
        continue;
      }
      if (auto matmul = dyn_cast<MatmulOp>(def)) {
        qk = matmul;
        break;
      }
      if (auto factor = scaleFactor(def)) {
        if (factor->second.getType() != def->getResult(0).getType())
          return nearMiss("the scale broadcasts the scores to a larger shape");
        match.scale *= factor->first;
        scores = factor->second;
        scaleSeen = true;
        continue;
      }
      if (auto add = dyn_cast<AddOp>(def)) {
        if (maskSeen)
          return nearMiss("more than one mask is applied");
        // The mask is the operand that is not computed from the scores.
        bool lhsIsScores = add.getLhs().getType() == add.getType();
        Value mask = lhsIsScores ? add.getRhs() : add.getLhs();
        scores = lhsIsScores ? add.getLhs() : add.getRhs();
        if (scores.getType() != add.getType())
          return nearMiss("the mask broadcasts the scores to a larger shape");
        match.mask = mask;
        maskSeen = true;
        // where(keep, 0, c) added to the scores is a boolean mask when its
        // rows with no visible key come out the same: c = -inf (zeros, with
        // SDPA's NaN guard) or c so large that s + c == c (finfo.min: every
        // score of the row is c, so softmax averages all keys: "uniform").
        // With c = -1e4 such a row is softmax(s) over all keys (softmax is
        // shift-invariant), which no boolean mask says: it stays a float mask.
        bool boolean = false;
        if (auto where = definingOp<WhereOp>(mask)) {
          std::optional<double> onTrue = getSplatFloat(where.getTrueValue());
          std::optional<double> onFalse = getSplatFloat(where.getFalseValue());
          auto absorbs = [](double c) { return std::isinf(c) || c <= kAbsorbingScore; };
          if (onTrue && onFalse && *onTrue == 0.0 && *onFalse <= kMaskedScore &&
              absorbs(*onFalse)) {
            match.mask = where.getCondition();
            match.maskedRows = std::isinf(*onFalse) ? "zero" : "uniform";
            boolean = true;
          } else if (onTrue && onFalse && *onFalse == 0.0 && *onTrue <= kMaskedScore &&
                     absorbs(*onTrue)) {
            match.mask = where.getCondition();
            match.invertMask = true;
            match.maskedRows = std::isinf(*onTrue) ? "zero" : "uniform";
            boolean = true;
          }
        }
        // llm.attention adds the mask after scaling: a scale applied after
        // a float mask would scale the mask too. (A boolean mask commutes.)
        if (scaleSeen && !boolean)
          return nearMiss("the scores are scaled after the mask was added");
        continue;
      }
      if (auto where = dyn_cast<WhereOp>(def)) {
        if (maskSeen)
          return nearMiss("more than one mask is applied");
        std::optional<double> onTrue = getSplatFloat(where.getTrueValue());
        std::optional<double> onFalse = getSplatFloat(where.getFalseValue());
        // A masked score replaced by a finite c: a row with no visible key
        // has only c's, which softmax weighs equally.
        if (onFalse && *onFalse <= kMaskedScore) {
          scores = where.getTrueValue();
          match.maskedRows = std::isinf(*onFalse) ? "zero" : "uniform";
        } else if (onTrue && *onTrue <= kMaskedScore) {
          scores = where.getFalseValue();
          match.invertMask = true;
          match.maskedRows = std::isinf(*onTrue) ? "zero" : "uniform";
        } else {
          return nearMiss("the where does not select a large negative constant (the masked "
                          "score) against the scores");
        }
        if (scores.getType() != where.getType())
          return nearMiss("the mask broadcasts the scores to a larger shape");
        match.mask = where.getCondition();
        maskSeen = true;
        continue;
      }
      return nearMiss("the scores go through '" + def->getName().getStringRef() +
                      "', which is not a scale, a mask or q @ k^T");
    }

    match.query = stripScale(qk.getLhs(), match.scale, match.ops);
    match.keyT = stripScale(qk.getRhs(), match.scale, match.ops);
    match.value = root.getRhs();
    for (auto [name, v] : {std::pair("query", match.query), std::pair("key", match.keyT),
                           std::pair("value", match.value)})
      if (cast<RankedTensorType>(v.getType()).getRank() != 4)
        return nearMiss(Twine("the ") + name + " is not rank 4");
    if (match.mask && cast<RankedTensorType>(match.mask.getType()).getRank() > 4)
      return nearMiss("the mask has rank > 4");
    if (match.mask && !cast<RankedTensorType>(match.mask.getType()).getElementType().isInteger(1) &&
        getElementTypeOrSelf(match.mask.getType()) != getElementTypeOrSelf(match.query.getType()))
      return nearMiss("the mask's element type differs from the scores'");
    auto q = cast<RankedTensorType>(match.query.getType());
    auto kT = cast<RankedTensorType>(match.keyT.getType());
    auto v = cast<RankedTensorType>(match.value.getType());
    // The matmuls broadcast their batch dims; llm.attention does not.
    auto mismatch = [](int64_t a, int64_t b) {
      return !ShapedType::isDynamic(a) && !ShapedType::isDynamic(b) && a != b;
    };
    if (mismatch(q.getDimSize(0), kT.getDimSize(0)) || mismatch(q.getDimSize(0), v.getDimSize(0)) ||
        mismatch(kT.getDimSize(0), v.getDimSize(0)))
      return nearMiss("the query, key and value have different batch dims");
    if (mismatch(kT.getDimSize(1), v.getDimSize(1)))
      return nearMiss("the key and value have different numbers of heads");
    int64_t qHeads = q.getDimSize(1), kHeads = kT.getDimSize(1);
    if (!ShapedType::isDynamic(qHeads) && !ShapedType::isDynamic(kHeads) &&
        (kHeads == 0 || qHeads % kHeads != 0))
      return nearMiss("the query heads are not a multiple of the key heads");
    return match;
  }

  static void rewriteRoot(MatmulOp root, const AttentionMatch &match, PatternRewriter &rewriter) {
    Location loc = fusedLocOf(rewriter, match.ops);
    // The key in [batch, heads, seq, dim]: undo the transpose that made k^T,
    // folding it into the transpose that produced it when there is one.
    Value key;
    SmallVector<int64_t> swap = {0, 1, 3, 2};
    if (auto transpose = definingOp<TransposeOp>(match.keyT)) {
      SmallVector<int64_t> perm;
      for (int64_t i : swap)
        perm.push_back(transpose.getPermutation()[i]);
      bool identity = llvm::equal(perm, llvm::seq<int64_t>(0, 4));
      key = identity ? transpose.getInput()
                     : TransposeOp::create(rewriter, loc, transpose.getInput(), perm).getResult();
    } else {
      key = TransposeOp::create(rewriter, loc, match.keyT, swap).getResult();
    }
    Value mask = match.mask;
    if (mask && match.invertMask)
      mask = NotOp::create(rewriter, loc, mask).getResult();
    // `llm.dim` users of the scores would keep them alive: read
    // [batch, heads, q_seq] from the query and kv_seq from k^T instead.
    for (Operation *op : match.scoreOps)
      for (OpOperand &use : llvm::make_early_inc_range(op->getResult(0).getUses()))
        if (auto dim = dyn_cast<DimOp>(use.getOwner()))
          rewriter.modifyOpInPlace(
              dim, [&] { use.set(dim.getIndex() == 3 ? match.keyT : match.query); });
    auto attention = AttentionOp::create(
        rewriter, loc, root.getType(), match.query, key, match.value, mask,
        rewriter.getF32FloatAttr(static_cast<float>(match.scale)), rewriter.getStringAttr("none"),
        rewriter.getF32FloatAttr(0.0f), rewriter.getStringAttr(match.maskedRows),
        rewriter.getStringAttr("bhsd"), /*packed_heads=*/DenseI64ArrayAttr());
    rewriter.replaceOp(root, attention.getResult());
  }
};

} // namespace

void raising::populateRaiseAttentionPatterns(RewritePatternSet &patterns) {
  patterns.add<RaiseAttention>(patterns.getContext());
}

void raising::explainAttentionMisses(Operation *op, SmallVectorImpl<std::string> &remarks) {
  explainMisses<RaiseAttention>(op, remarks);
}
