//===- RaiseNorms.cpp - rms_norm and layer_norm from their spellings ------===//
//
// The norms are raised in stages, each rooted at the last op of its
// spelling, so that every stage matches whatever order the exporter chose:
//
//   x * rsqrt(mean(x^2) + eps)     -> rms_norm(x)            (also / sqrt, 1 / sqrt, reciprocal)
//   rms_norm(x - mean(x))          -> layer_norm(x)
//   rms_norm(x) * w                -> rms_norm(x, scale w)   (same for layer_norm)
//   layer_norm(x, g) + b           -> layer_norm(x, g, b)
//
// A layer norm's `(x - mean) / sqrt(var + eps)` is an RMS norm of the
// centered input, so the variance half of both norms is one matcher.
//
//===----------------------------------------------------------------------===//

#include "passes/Raising/Matchers.h"

using namespace mlir;
using namespace mlir::llm;
using namespace mlir::llm::raising;

namespace {

//===----------------------------------------------------------------------===//
// rms_norm
//===----------------------------------------------------------------------===//

/// The pieces of `x * rsqrt(mean(x^2) + eps)` in any of its spellings.
struct RmsMatch {
  /// The normalized value `x`.
  Value input;
  /// The first normalized dim.
  int64_t axis = 0;
  /// The constant added to the mean (0 when there is none).
  double epsilon = 0.0;
  /// Every op of the spelling, for the fused location.
  SmallVector<Operation *> ops;
};

/// True when `value` looks like `1 / sqrt(mean(...) + eps)` or
/// `sqrt(mean(...) + eps)`, right or wrong in the details: a chain of
/// inversions, square roots (at least one) and adds that ends in a mean.
/// This is what makes a mul or div a candidate root of an RMS norm.
bool looksLikeStdDev(Value value) {
  bool sawRoot = false;
  for (int step = 0; step < 6; ++step) {
    Operation *def = stripIdentityCasts(value).getDefiningOp();
    if (!def)
      return false;
    if (isa<ReduceMeanOp>(def))
      return sawRoot;
    if (isa<SqrtOp, RsqrtOp>(def)) {
      sawRoot = true;
      value = def->getOperand(0);
    } else if (isa<ReciprocalOp>(def)) {
      value = def->getOperand(0);
    } else if (auto div = dyn_cast<DivOp>(def)) {
      if (!getSplatFloat(div.getLhs()))
        return false;
      value = div.getRhs();
    } else if (auto add = dyn_cast<AddOp>(def)) {
      // Follow the operand the norm would reduce through.
      Operation *rhs = stripIdentityCasts(add.getRhs()).getDefiningOp();
      value = isa_and_nonnull<ReduceMeanOp, SqrtOp>(rhs) ? add.getRhs() : add.getLhs();
    } else {
      return false;
    }
  }
  return false;
}

/// Matches the RMS norm of `x` computed by `root` from `divisor`, which is
/// `1 / sqrt(mean(x^2) + eps)` when `divisorIsInverse` (a mul root) and
/// `sqrt(mean(x^2) + eps)` otherwise (a div root).
MatchResult<RmsMatch> matchRmsNorm(Operation *root, Value x, Value divisor, bool divisorIsInverse) {
  RmsMatch match;
  match.input = x;
  match.ops.push_back(root);

  // 1 / sqrt(v): rsqrt(v), reciprocal(sqrt(v)) or div(1, sqrt(v)).
  Value variance;
  if (divisorIsInverse) {
    if (auto rsqrt = definingOp<RsqrtOp>(divisor)) {
      if (!rsqrt->hasOneUse())
        return nearMiss("the rsqrt is used elsewhere");
      match.ops.push_back(rsqrt);
      variance = rsqrt.getInput();
    } else if (auto reciprocal = definingOp<ReciprocalOp>(divisor)) {
      if (!reciprocal->hasOneUse())
        return nearMiss("the reciprocal is used elsewhere");
      match.ops.push_back(reciprocal);
      divisor = reciprocal.getInput();
    } else if (auto div = definingOp<DivOp>(divisor)) {
      std::optional<double> numerator = getSplatFloat(div.getLhs());
      if (!numerator || *numerator != 1.0)
        return nearMiss("the reciprocal's numerator is " +
                        (numerator ? formatNumber(*numerator) : std::string("not a constant")) +
                        ", expected 1");
      if (!div->hasOneUse())
        return nearMiss("the reciprocal is used elsewhere");
      match.ops.push_back(div);
      divisor = div.getRhs();
    } else {
      return nearMiss("the factor is not an inverse square root (rsqrt, reciprocal or 1 / sqrt)");
    }
  }

  // sqrt(v).
  if (!variance) {
    auto sqrt = definingOp<SqrtOp>(divisor);
    if (!sqrt) {
      auto add = definingOp<AddOp>(divisor);
      if (add && (definingOp<SqrtOp>(add.getLhs()) || definingOp<SqrtOp>(add.getRhs())))
        return nearMiss("epsilon is added after the square root, expected sqrt(mean + eps)");
      return nearMiss("the divisor is not a square root");
    }
    if (!sqrt->hasOneUse())
      return nearMiss("the square root is used elsewhere");
    match.ops.push_back(sqrt);
    variance = sqrt.getInput();
  }

  // v = mean + eps (either order), or the mean alone (epsilon 0).
  Value meanValue = variance;
  if (auto add = definingOp<AddOp>(variance)) {
    std::optional<double> epsilon = getSplatFloat(add.getRhs());
    meanValue = add.getLhs();
    if (!epsilon) {
      epsilon = getSplatFloat(add.getLhs());
      meanValue = add.getRhs();
    }
    if (!epsilon)
      return nearMiss("epsilon is not a constant");
    if (*epsilon < 0.0)
      return nearMiss("epsilon is negative (" + formatNumber(*epsilon) + ")");
    if (!add->hasOneUse())
      return nearMiss("the epsilon add is used elsewhere");
    match.ops.push_back(add);
    match.epsilon = *epsilon;
  }

  // mean(x^2) over the trailing axes, keeping dims.
  auto mean = definingOp<ReduceMeanOp>(meanValue);
  if (!mean)
    return nearMiss("the square root is not of a mean plus epsilon");
  if (!mean->hasOneUse())
    return nearMiss("the mean is used elsewhere");
  if (!mean.getKeepdims())
    return nearMiss("the mean does not keep the reduced dims");
  int64_t rank = cast<RankedTensorType>(mean.getInput().getType()).getRank();
  std::optional<int64_t> axis = getTrailingAxis(mean.getAxes(), rank);
  if (!axis)
    return nearMiss("reduction is not over the trailing axes: axes " + formatList(mean.getAxes()) +
                    " of a rank-" + Twine(rank) + " tensor");
  match.ops.push_back(mean);
  match.axis = *axis;

  Value squared = mean.getInput(), base;
  if (auto pow = definingOp<PowOp>(squared)) {
    std::optional<double> exponent = getSplatFloat(pow.getRhs());
    if (!exponent)
      return nearMiss("pow exponent is not a constant");
    if (*exponent != 2.0)
      return nearMiss("pow exponent is " + formatNumber(*exponent) + ", expected 2");
    if (!pow->hasOneUse())
      return nearMiss("the square is used elsewhere");
    match.ops.push_back(pow);
    base = pow.getLhs();
  } else if (auto mul = definingOp<MulOp>(squared)) {
    if (!isSameValue(mul.getLhs(), mul.getRhs()))
      return nearMiss("the mean is of a product of two different values, expected x * x");
    if (!mul->hasOneUse())
      return nearMiss("the square is used elsewhere");
    match.ops.push_back(mul);
    base = mul.getLhs();
  } else {
    return nearMiss("the mean is not of a square (pow(x, 2) or x * x)");
  }
  if (!isSameValue(base, x))
    return nearMiss("the squared value is not the normalized input");

  // Splat constants of a higher rank would broadcast the result.
  Type resultType = root->getResult(0).getType();
  if (resultType != x.getType())
    return nearMiss("the result type " + formatType(resultType) + " differs from the input type " +
                    formatType(x.getType()));
  return match;
}

/// Replaces `root` by the matched RMS norm.
void rewriteRmsNorm(Operation *root, const RmsMatch &match, PatternRewriter &rewriter) {
  auto norm = RmsNormOp::create(rewriter, fusedLocOf(rewriter, match.ops), match.input,
                                /*scale=*/Value(), rewriter.getI64IntegerAttr(match.axis),
                                rewriter.getF32FloatAttr(match.epsilon));
  rewriter.replaceOp(root, norm.getResult());
}

// x * rsqrt(mean(x^2) + eps) -> rms_norm(x)
// (also x * reciprocal(sqrt(...)), x * (1 / sqrt(...)), operands in either order)
struct RaiseRmsNormMul : RaisePattern<RaiseRmsNormMul, MulOp, RmsMatch> {
  using RaisePattern::RaisePattern;
  static constexpr llvm::StringLiteral missPrefix = "not raised to llm.rms_norm";

  static MatchResult<RmsMatch> matchRoot(MulOp root) {
    Value lhs = root.getLhs(), rhs = root.getRhs();
    std::optional<MatchResult<RmsMatch>> first;
    if (looksLikeStdDev(rhs)) {
      MatchResult<RmsMatch> match = matchRmsNorm(root, lhs, rhs, /*divisorIsInverse=*/true);
      if (match)
        return match;
      first = match;
    }
    if (looksLikeStdDev(lhs)) {
      MatchResult<RmsMatch> match = matchRmsNorm(root, rhs, lhs, /*divisorIsInverse=*/true);
      if (match || !first)
        return match;
    }
    if (first)
      return *first;
    return notCandidate("no operand is 1 / sqrt(mean(...))");
  }

  static void rewriteRoot(MulOp root, const RmsMatch &match, PatternRewriter &rewriter) {
    rewriteRmsNorm(root, match, rewriter);
  }
};

// x / sqrt(mean(x^2) + eps) -> rms_norm(x)
struct RaiseRmsNormDiv : RaisePattern<RaiseRmsNormDiv, DivOp, RmsMatch> {
  using RaisePattern::RaisePattern;
  static constexpr llvm::StringLiteral missPrefix = "not raised to llm.rms_norm";

  static MatchResult<RmsMatch> matchRoot(DivOp root) {
    // 1 / sqrt(...) is the inverse inside a mul spelling, not a norm.
    if (getSplatFloat(root.getLhs()))
      return notCandidate("the numerator is a constant");
    if (!looksLikeStdDev(root.getRhs()))
      return notCandidate("the divisor is not sqrt(mean(...))");
    return matchRmsNorm(root, root.getLhs(), root.getRhs(), /*divisorIsInverse=*/false);
  }

  static void rewriteRoot(DivOp root, const RmsMatch &match, PatternRewriter &rewriter) {
    rewriteRmsNorm(root, match, rewriter);
  }
};

//===----------------------------------------------------------------------===//
// layer_norm
//===----------------------------------------------------------------------===//

/// The pieces of `rms_norm(x - mean(x))`.
struct LayerMatch {
  /// The input before centering.
  Value input;
  /// The centering subtraction and its mean, for the fused location.
  SmallVector<Operation *> ops;
};

// rms_norm(x - mean(x)) -> layer_norm(x)
struct RaiseLayerNorm : RaisePattern<RaiseLayerNorm, RmsNormOp, LayerMatch> {
  using RaisePattern::RaisePattern;
  static constexpr llvm::StringLiteral missPrefix = "not raised to llm.layer_norm";

  static MatchResult<LayerMatch> matchRoot(RmsNormOp root) {
    auto sub = definingOp<SubOp>(root.getInput());
    if (!sub)
      return notCandidate("the input is not a difference");
    auto mean = definingOp<ReduceMeanOp>(sub.getRhs());
    if (!mean)
      return notCandidate("the input is not x - mean(x)");
    Value x = sub.getLhs();
    if (!isSameValue(mean.getInput(), x))
      return nearMiss("the subtracted mean is not of the centered value");
    if (!mean.getKeepdims())
      return nearMiss("the mean does not keep the reduced dims");
    int64_t rank = cast<RankedTensorType>(x.getType()).getRank();
    std::optional<int64_t> axis = getTrailingAxis(mean.getAxes(), rank);
    if (axis != static_cast<int64_t>(root.getAxis()))
      return nearMiss("the mean reduces axes " + formatList(mean.getAxes()) +
                      " but the variance reduces the trailing axes from " + Twine(root.getAxis()));
    if (!sub->hasOneUse())
      return nearMiss("the centered value is used elsewhere");
    if (!mean->hasOneUse())
      return nearMiss("the mean is used elsewhere");
    if (sub.getType() != x.getType())
      return nearMiss("the centered type " + formatType(sub.getType()) +
                      " differs from the input type " + formatType(x.getType()));
    LayerMatch match;
    match.input = x;
    match.ops = {root, sub, mean};
    return match;
  }

  static void rewriteRoot(RmsNormOp root, const LayerMatch &match, PatternRewriter &rewriter) {
    auto norm =
        LayerNormOp::create(rewriter, fusedLocOf(rewriter, match.ops), match.input, root.getScale(),
                            /*bias=*/Value(), root.getAxisAttr(), root.getEpsilonAttr());
    rewriter.replaceOp(root, norm.getResult());
  }
};

//===----------------------------------------------------------------------===//
// Scale and bias
//===----------------------------------------------------------------------===//

/// A norm and the scale or bias applied to its result.
struct AffineMatch {
  /// The rms_norm or layer_norm.
  Operation *norm = nullptr;
  /// The scale or bias operand.
  Value param;
  /// The shape of `param` without its leading unit dims, when it has more
  /// dims than the norm normalizes (the reshape makes it a valid operand).
  std::optional<SmallVector<int64_t>> reshapeTo;
};

/// Matches `norm(x) * param` (`isBias`: `norm(x) + param`) at `root`.
MatchResult<AffineMatch> matchAffine(Operation *root, bool isBias) {
  StringRef what = isBias ? "bias" : "scale";
  Value lhs = root->getOperand(0), rhs = root->getOperand(1);
  auto isNorm = [&](Value value) {
    Operation *def = value.getDefiningOp();
    return isBias ? isa_and_nonnull<LayerNormOp>(def)
                  : isa_and_nonnull<RmsNormOp, LayerNormOp>(def);
  };

  // Llama's `weight * x.to(input_dtype)` puts a cast between the norm
  // (computed in f32) and its scale; only the plain case is raised.
  AffineMatch match;
  CastOp castBetween;
  for (auto [normValue, param] : {std::pair(lhs, rhs), std::pair(rhs, lhs)}) {
    auto cast = normValue.getDefiningOp<CastOp>();
    if (cast && isNorm(cast.getInput())) {
      castBetween = cast;
      normValue = cast.getInput();
    }
    if (isNorm(normValue)) {
      match.norm = normValue.getDefiningOp();
      match.param = param;
      break;
    }
    castBetween = nullptr;
  }
  if (!match.norm)
    return notCandidate("no operand is a norm");

  Value scale, bias;
  int64_t axis;
  if (auto rms = dyn_cast<RmsNormOp>(match.norm)) {
    scale = rms.getScale();
    axis = rms.getAxis();
  } else {
    auto layer = cast<LayerNormOp>(match.norm);
    scale = layer.getScale();
    bias = layer.getBias();
    axis = layer.getAxis();
  }

  // A per-feature parameter has no more dims than the norm normalizes, not
  // counting leading unit dims (a scale stored as 1x1x768); anything else
  // (a residual add, a gate) is no candidate.
  Value normResult = match.norm->getResult(0);
  auto normType = cast<RankedTensorType>(normResult.getType());
  ArrayRef<int64_t> normalized = normType.getShape().drop_front(axis);
  auto paramType = cast<RankedTensorType>(match.param.getType());
  ArrayRef<int64_t> shape = paramType.getShape();
  while (shape.size() > normalized.size() && shape.front() == 1)
    shape = shape.drop_front();
  if (shape.size() > normalized.size())
    return notCandidate("the other operand has more dims than the norm normalizes");

  if (castBetween)
    return nearMiss("unsupported cast between the norm and its " + what + ": " +
                    formatType(castBetween.getInput().getType()) + " to " +
                    formatType(castBetween.getType()));
  if (bias)
    return nearMiss("the norm already has a bias");
  if (scale && !isBias)
    return nearMiss("the norm already has a scale");
  if (!hasOnlyUserBesidesDims(normResult, root))
    return nearMiss("the norm is used elsewhere");
  Type resultType = root->getResult(0).getType();
  if (resultType != normType)
    return nearMiss("the " + what + " broadcasts the result from " + formatType(normType) + " to " +
                    formatType(resultType));
  if (!llm::broadcastsTo(shape, normalized))
    return nearMiss("the " + what + " shape " + formatShape(paramType.getShape()) +
                    " does not broadcast to the normalized dims " + formatShape(normalized));
  if (shape.size() != paramType.getShape().size()) {
    if (llvm::any_of(shape, ShapedType::isDynamic))
      return nearMiss("the " + what + " has leading unit dims and a dynamic shape " +
                      formatShape(paramType.getShape()));
    match.reshapeTo = SmallVector<int64_t>(shape);
  }
  return match;
}

/// Replaces `root` by the norm of `match` with `match.param` as its scale
/// (or bias). `llm.dim` users of the old norm read the same dims from its
/// input instead.
void rewriteAffine(Operation *root, const AffineMatch &match, bool isBias,
                   PatternRewriter &rewriter) {
  Location loc = fusedLocOf(rewriter, {match.norm, root});
  Value param = match.param;
  if (match.reshapeTo) {
    auto type = RankedTensorType::get(*match.reshapeTo,
                                      cast<RankedTensorType>(param.getType()).getElementType());
    param =
        ReshapeOp::create(rewriter, root->getLoc(), type, param, ValueRange(), *match.reshapeTo);
  }

  Value input = match.norm->getOperand(0), result;
  if (auto rms = dyn_cast<RmsNormOp>(match.norm)) {
    result =
        RmsNormOp::create(rewriter, loc, input, param, rms.getAxisAttr(), rms.getEpsilonAttr());
  } else {
    auto layer = cast<LayerNormOp>(match.norm);
    Value scale = isBias ? layer.getScale() : param;
    Value bias = isBias ? param : Value();
    result = LayerNormOp::create(rewriter, loc, input, scale, bias, layer.getAxisAttr(),
                                 layer.getEpsilonAttr());
  }

  for (OpOperand &use : llvm::make_early_inc_range(match.norm->getResult(0).getUses()))
    if (auto dim = dyn_cast<DimOp>(use.getOwner()))
      rewriter.modifyOpInPlace(dim, [&] { use.set(input); });
  rewriter.replaceOp(root, result);
  rewriter.eraseOp(match.norm);
}

// rms_norm(x) * w -> rms_norm(x, scale w); layer_norm(x) * g -> layer_norm(x, scale g)
struct FoldNormScale : RaisePattern<FoldNormScale, MulOp, AffineMatch> {
  using RaisePattern::RaisePattern;
  static constexpr llvm::StringLiteral missPrefix = "not folded into the norm's scale";

  static MatchResult<AffineMatch> matchRoot(MulOp root) {
    return matchAffine(root, /*isBias=*/false);
  }
  static void rewriteRoot(MulOp root, const AffineMatch &match, PatternRewriter &rewriter) {
    rewriteAffine(root, match, /*isBias=*/false, rewriter);
  }
};

// layer_norm(x, g) + b -> layer_norm(x, g, b)
struct FoldNormBias : RaisePattern<FoldNormBias, AddOp, AffineMatch> {
  using RaisePattern::RaisePattern;
  static constexpr llvm::StringLiteral missPrefix = "not folded into the norm's bias";

  static MatchResult<AffineMatch> matchRoot(AddOp root) {
    return matchAffine(root, /*isBias=*/true);
  }
  static void rewriteRoot(AddOp root, const AffineMatch &match, PatternRewriter &rewriter) {
    rewriteAffine(root, match, /*isBias=*/true, rewriter);
  }
};

} // namespace

void raising::populateRaiseNormPatterns(RewritePatternSet &patterns) {
  patterns.add<RaiseRmsNormMul, RaiseRmsNormDiv, RaiseLayerNorm, FoldNormScale, FoldNormBias>(
      patterns.getContext());
}

void raising::explainNormMisses(Operation *op, SmallVectorImpl<std::string> &remarks) {
  explainMisses<RaiseRmsNormMul, RaiseRmsNormDiv, RaiseLayerNorm, FoldNormScale, FoldNormBias>(
      op, remarks);
}
