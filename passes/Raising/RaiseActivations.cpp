//===- RaiseActivations.cpp - gelu, silu and swiglu from their spellings --===//
//
// GELU is a product of `x`, 0.5 and `1 + erf(...)` (or `1 + tanh(...)`) that
// exporters associate in every order, so the matchers flatten the product
// tree of muls first and look at its factors, not at the tree's shape.
//
//===----------------------------------------------------------------------===//

#include "passes/Raising/Matchers.h"

#include <cmath>

using namespace mlir;
using namespace mlir::llm;
using namespace mlir::llm::raising;

namespace {

//===----------------------------------------------------------------------===//
// gelu
//===----------------------------------------------------------------------===//

/// 1 / sqrt(2), the erf form's scale of x.
constexpr double kInvSqrt2 = 0.70710678118654752440;
/// sqrt(2 / pi), the tanh form's scale of the polynomial.
constexpr double kSqrt2OverPi = 0.79788456080286535588;
/// The tanh form's coefficient of x^3.
constexpr double kCubicCoefficient = 0.044715;

/// The pieces of a GELU.
struct GeluMatch {
  /// The activation's input `x`.
  Value input;
  /// `erf` or `tanh`, applied to the scaled input.
  Operation *function = nullptr;
  /// Every op of the spelling, for the fused location.
  SmallVector<Operation *> ops;
};

/// Matches the outer product `0.5 * x * (1 + fn(...))` at `root`, with the
/// factors in any order and association. `fnName` names `FnOp` in reasons.
template <typename FnOp> MatchResult<GeluMatch> matchGeluProduct(MulOp root, StringRef fnName) {
  Product product = flattenProduct(root.getResult(), /*isRoot=*/true);

  // The 1 + fn(...) factor.
  std::optional<size_t> termIndex;
  AddOp term;
  FnOp function;
  Value one;
  for (auto [i, factor] : llvm::enumerate(product.factors)) {
    auto add = definingOp<AddOp>(factor);
    if (!add)
      continue;
    if (auto fn = definingOp<FnOp>(add.getLhs())) {
      function = fn;
      one = add.getRhs();
    } else if (auto fn = definingOp<FnOp>(add.getRhs())) {
      function = fn;
      one = add.getLhs();
    } else {
      continue;
    }
    termIndex = i;
    term = add;
    break;
  }
  if (!termIndex)
    return notCandidate("no factor is 1 + " + fnName + "(...)");

  std::optional<double> constant = getSplatFloat(one);
  if (!constant || !isClose(*constant, 1.0))
    return nearMiss("the constant added to " + fnName + " is " +
                    (constant ? formatNumber(*constant) : std::string("not a constant")) +
                    ", expected 1");
  if (!term->hasOneUse())
    return nearMiss("the 1 + " + fnName + " term is used elsewhere");
  if (!function->hasOneUse())
    return nearMiss("the " + fnName + " is used elsewhere");
  if (!isClose(product.constant, 0.5))
    return nearMiss("the constant factor is " + formatNumber(product.constant) + ", expected 0.5");
  if (product.factors.size() != 2)
    return nearMiss("the product has " + Twine(product.factors.size()) +
                    " non-constant factors, expected x and the 1 + " + fnName + " term");

  GeluMatch match;
  match.input = product.factors[1 - *termIndex];
  match.function = function;
  match.ops = product.ops;
  match.ops.append({term, function});
  Type resultType = root.getType();
  if (resultType != match.input.getType())
    return nearMiss("the result type " + formatType(resultType) + " differs from the input type " +
                    formatType(match.input.getType()));
  return match;
}

/// `result`, unless it is a near miss at a mul that is itself a factor of a
/// larger product: that product is the candidate, and reports the miss.
/// (A GELU inside a larger product, GEGLU's `gelu(x) * up`, still matches.)
MatchResult<GeluMatch> unlessInterior(MulOp root, MatchResult<GeluMatch> result) {
  if (result || !result.getMiss().candidate)
    return result;
  if (root->hasOneUse() && isa<MulOp>(*root->user_begin()))
    return notCandidate(result.getMiss().reason + " (a factor of a larger product)");
  return result;
}

/// Flattens the product computed by `value`, an argument of the GELU's
/// function; a `what` that is also used elsewhere is a miss.
MatchResult<Product> matchArgumentProduct(Value value, StringRef what) {
  if (isa_and_nonnull<MulOp, DivOp>(value.getDefiningOp()) && !value.hasOneUse())
    return nearMiss("the " + what + " is used elsewhere");
  return flattenProduct(value, /*isRoot=*/true);
}

// x * 0.5 * (1 + erf(x / sqrt(2))) -> gelu(x)
// (factors in any order; x * 0.70710678 for x / sqrt(2))
struct RaiseGeluErf : RaisePattern<RaiseGeluErf, MulOp, GeluMatch> {
  using RaisePattern::RaisePattern;
  static constexpr llvm::StringLiteral missPrefix = "not raised to llm.gelu";

  static MatchResult<GeluMatch> matchRoot(MulOp root) {
    return unlessInterior(root, matchErfForm(root));
  }

  /// The erf form at `root`, whether or not `root` is inside a larger product.
  static MatchResult<GeluMatch> matchErfForm(MulOp root) {
    MatchResult<GeluMatch> match = matchGeluProduct<ErfOp>(root, "erf");
    if (!match)
      return match;
    GeluMatch result = *match;
    MatchResult<Product> argument =
        matchArgumentProduct(result.function->getOperand(0), "erf argument");
    if (!argument)
      return argument.getMiss();
    if (argument->factors.size() != 1 || !isSameValue(argument->factors.front(), result.input))
      return nearMiss("the erf argument is not a multiple of the multiplied value");
    if (!isClose(argument->constant, kInvSqrt2))
      return nearMiss("the erf argument is x * " + formatNumber(argument->constant) +
                      ", expected x / sqrt(2) = x * " + formatNumber(kInvSqrt2));
    result.ops.append(argument->ops);
    return result;
  }

  static void rewriteRoot(MulOp root, const GeluMatch &match, PatternRewriter &rewriter) {
    auto gelu = GeluOp::create(rewriter, fusedLocOf(rewriter, match.ops), match.input, "none");
    rewriter.replaceOp(root, gelu.getResult());
  }
};

// 0.5 * x * (1 + tanh(sqrt(2/pi) * (x + 0.044715 * x^3))) -> gelu(x, "tanh")
// (factors in any order; x^3 as pow(x, 3), x * x * x or x * pow(x, 2))
struct RaiseGeluTanh : RaisePattern<RaiseGeluTanh, MulOp, GeluMatch> {
  using RaisePattern::RaisePattern;
  static constexpr llvm::StringLiteral missPrefix = "not raised to llm.gelu";

  static MatchResult<GeluMatch> matchRoot(MulOp root) {
    return unlessInterior(root, matchTanhForm(root));
  }

  /// The tanh form at `root`, whether or not `root` is inside a larger product.
  static MatchResult<GeluMatch> matchTanhForm(MulOp root) {
    MatchResult<GeluMatch> match = matchGeluProduct<TanhOp>(root, "tanh");
    if (!match)
      return match;
    GeluMatch result = *match;
    Value x = result.input;

    // sqrt(2/pi) * polynomial.
    MatchResult<Product> argument =
        matchArgumentProduct(result.function->getOperand(0), "tanh argument");
    if (!argument)
      return argument.getMiss();
    if (argument->factors.size() != 1)
      return nearMiss("the tanh argument is not c * (x + 0.044715 * x^3)");
    if (!isClose(argument->constant, kSqrt2OverPi))
      return nearMiss("the tanh argument is scaled by " + formatNumber(argument->constant) +
                      ", expected sqrt(2/pi) = " + formatNumber(kSqrt2OverPi));
    result.ops.append(argument->ops);

    // x + c * x^3, either order.
    auto polynomial = definingOp<AddOp>(argument->factors.front());
    if (!polynomial)
      return nearMiss("the tanh argument is not c * (x + 0.044715 * x^3)");
    if (!polynomial->hasOneUse())
      return nearMiss("the polynomial x + 0.044715 * x^3 is used elsewhere");
    Value cubicValue;
    if (isSameValue(polynomial.getLhs(), x))
      cubicValue = polynomial.getRhs();
    else if (isSameValue(polynomial.getRhs(), x))
      cubicValue = polynomial.getLhs();
    else
      return nearMiss("the polynomial in tanh has no linear term in the multiplied value");
    result.ops.push_back(polynomial);

    MatchResult<Product> cubic = matchArgumentProduct(cubicValue, "cubic term");
    if (!cubic)
      return cubic.getMiss();
    int64_t power = 0;
    for (Value factor : cubic->factors) {
      if (isSameValue(factor, x)) {
        power += 1;
        continue;
      }
      auto pow = definingOp<PowOp>(factor);
      std::optional<double> exponent = pow ? getSplatFloat(pow.getRhs()) : std::nullopt;
      if (!pow || !isSameValue(pow.getLhs(), x) || !exponent || *exponent != std::round(*exponent))
        return nearMiss("the cubic term has a factor that is not a power of the multiplied value");
      if (!pow->hasOneUse())
        return nearMiss("the power of x is used elsewhere");
      power += static_cast<int64_t>(*exponent);
      result.ops.push_back(pow);
    }
    if (power != 3)
      return nearMiss("the cubic term is x^" + Twine(power) + ", expected x^3");
    if (!isClose(cubic->constant, kCubicCoefficient))
      return nearMiss("the cubic coefficient is " + formatNumber(cubic->constant) +
                      ", expected 0.044715");
    result.ops.append(cubic->ops);
    return result;
  }

  static void rewriteRoot(MulOp root, const GeluMatch &match, PatternRewriter &rewriter) {
    auto gelu = GeluOp::create(rewriter, fusedLocOf(rewriter, match.ops), match.input, "tanh");
    rewriter.replaceOp(root, gelu.getResult());
  }
};

//===----------------------------------------------------------------------===//
// silu
//===----------------------------------------------------------------------===//

/// The pieces of `x * sigmoid(x)`.
struct SiluMatch {
  /// The activation's input `x`.
  Value input;
  /// The sigmoid, for the fused location.
  Operation *sigmoid = nullptr;
};

// x * sigmoid(x) -> silu(x)
struct RaiseSilu : RaisePattern<RaiseSilu, MulOp, SiluMatch> {
  using RaisePattern::RaisePattern;
  static constexpr llvm::StringLiteral missPrefix = "not raised to llm.silu";

  static MatchResult<SiluMatch> matchRoot(MulOp root) {
    std::optional<Miss> firstMiss;
    for (auto [multiplier, other] :
         {std::pair(root.getLhs(), root.getRhs()), std::pair(root.getRhs(), root.getLhs())}) {
      auto sigmoid = definingOp<SigmoidOp>(other);
      if (!sigmoid)
        continue;
      std::optional<Miss> miss;
      if (!isSameValue(sigmoid.getInput(), multiplier))
        miss = nearMiss("the sigmoid input is not the multiplier");
      else if (!sigmoid->hasOneUse())
        miss = nearMiss("the sigmoid is used elsewhere");
      else if (root.getType() != multiplier.getType())
        miss = nearMiss("the result type " + formatType(root.getType()) +
                        " differs from the input type " + formatType(multiplier.getType()));
      if (!miss)
        return SiluMatch{multiplier, sigmoid};
      if (!firstMiss)
        firstMiss = miss;
    }
    if (firstMiss)
      return *firstMiss;
    return notCandidate("no operand is a sigmoid");
  }

  static void rewriteRoot(MulOp root, const SiluMatch &match, PatternRewriter &rewriter) {
    auto silu = SiluOp::create(rewriter, fusedLocOf(rewriter, {match.sigmoid, root}), match.input);
    rewriter.replaceOp(root, silu.getResult());
  }
};

//===----------------------------------------------------------------------===//
// swiglu
//===----------------------------------------------------------------------===//

/// The pieces of `silu(gate) * up`.
struct SwiGluMatch {
  Value gate;
  Value up;
  /// The silu, for the fused location.
  Operation *silu = nullptr;
};

// silu(gate) * up -> swiglu(gate, up)
// (either operand order; the silu raised from gate * sigmoid(gate) first)
struct RaiseSwiGlu : RaisePattern<RaiseSwiGlu, MulOp, SwiGluMatch> {
  using RaisePattern::RaisePattern;
  static constexpr llvm::StringLiteral missPrefix = "not raised to llm.swiglu";

  static MatchResult<SwiGluMatch> matchRoot(MulOp root) {
    std::optional<Miss> firstMiss;
    for (auto [activated, up] :
         {std::pair(root.getLhs(), root.getRhs()), std::pair(root.getRhs(), root.getLhs())}) {
      auto silu = definingOp<SiluOp>(activated);
      if (!silu)
        continue;
      std::optional<Miss> miss;
      if (!silu->hasOneUse())
        miss = nearMiss("the silu is used elsewhere");
      else if (silu.getType() != root.getType() || up.getType() != root.getType())
        miss = nearMiss("the gate and up types " + formatType(silu.getType()) + " and " +
                        formatType(up.getType()) + " differ from the result type " +
                        formatType(root.getType()) + " (a broadcast)");
      if (!miss)
        return SwiGluMatch{silu.getInput(), up, silu};
      if (!firstMiss)
        firstMiss = miss;
    }
    if (firstMiss)
      return *firstMiss;
    return notCandidate("no operand is a silu");
  }

  static void rewriteRoot(MulOp root, const SwiGluMatch &match, PatternRewriter &rewriter) {
    auto swiglu = SwiGluOp::create(rewriter, fusedLocOf(rewriter, {match.silu, root}), match.gate,
                                   match.up);
    rewriter.replaceOp(root, swiglu.getResult());
  }
};

} // namespace

void raising::populateRaiseActivationPatterns(RewritePatternSet &patterns) {
  patterns.add<RaiseGeluErf, RaiseGeluTanh, RaiseSilu, RaiseSwiGlu>(patterns.getContext());
}

void raising::explainActivationMisses(Operation *op, SmallVectorImpl<std::string> &remarks) {
  explainMisses<RaiseGeluErf, RaiseGeluTanh, RaiseSilu, RaiseSwiGlu>(op, remarks);
}
