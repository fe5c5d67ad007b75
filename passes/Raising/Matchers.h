//===- Matchers.h - shared machinery of the raising patterns ----*- C++ -*-===//
//
// Every raising pattern is a matcher plus a rewrite. The matcher is a static
// function returning either the matched pieces or a `Miss` that says why not,
// so the same code drives the rewrite (`notifyMatchFailure`) and the pass's
// `report-misses` remarks, which re-run the matchers once the rewrites have
// converged.
//
//===----------------------------------------------------------------------===//

#ifndef LLM_PASSES_RAISING_MATCHERS_H
#define LLM_PASSES_RAISING_MATCHERS_H

#include "dialects/LLM/IR/LLMOps.h"

#include "mlir/IR/PatternMatch.h"
#include "llvm/ADT/Twine.h"

#include <optional>
#include <string>

namespace mlir {
namespace llm {
namespace raising {

//===----------------------------------------------------------------------===//
// Match results
//===----------------------------------------------------------------------===//

/// Why a pattern does not match at an op. A near miss (`candidate`) is an op
/// shaped like the pattern's root (a mul with a sigmoid operand, for SiLU)
/// with one detail wrong; only those are worth a remark. Every other op of
/// the root's type is "not a candidate".
struct Miss {
  /// True for a near miss, false for an op that is no candidate at all.
  bool candidate = false;
  /// What was expected and what was found, lowercase, no trailing period.
  std::string reason;
};

/// A miss at an op that does not look like the pattern's root.
inline Miss notCandidate(const Twine &reason) { return {false, reason.str()}; }

/// A miss at an op that looks like the pattern's root.
inline Miss nearMiss(const Twine &reason) { return {true, reason.str()}; }

/// The result of a matcher: the matched pieces, or the reason for a miss.
template <typename T> class MatchResult {
public:
  /// A successful match.
  MatchResult(T match) : match(std::move(match)) {}
  /// A miss.
  MatchResult(Miss miss) : miss(std::move(miss)) {}

  /// True on a match.
  explicit operator bool() const { return match.has_value(); }
  /// The matched pieces; only on a match.
  const T &operator*() const { return *match; }
  /// The matched pieces; only on a match.
  const T *operator->() const { return &*match; }
  /// The reason for a miss; only on a miss.
  const Miss &getMiss() const { return miss; }

private:
  std::optional<T> match;
  Miss miss;
};

//===----------------------------------------------------------------------===//
// The pattern base
//===----------------------------------------------------------------------===//

/// A raising rewrite rooted at `OpTy`. `Derived` provides
///
///   static constexpr llvm::StringLiteral missPrefix = "not raised to llm.rms_norm";
///   static MatchResult<MatchT> matchRoot(OpTy root);
///   static void rewriteRoot(OpTy root, const MatchT &match, PatternRewriter &);
///
/// The matcher must not modify the IR, so `explain` can run it on its own.
template <typename Derived, typename OpTy, typename MatchT>
struct RaisePattern : OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;

  LogicalResult matchAndRewrite(OpTy root, PatternRewriter &rewriter) const final {
    MatchResult<MatchT> match = Derived::matchRoot(root);
    if (!match)
      return rewriter.notifyMatchFailure(root, match.getMiss().reason);
    Derived::rewriteRoot(root, *match, rewriter);
    return success();
  }

  /// Appends a remark text to `remarks` when `op` is a near miss of this
  /// pattern.
  static void explain(Operation *op, SmallVectorImpl<std::string> &remarks) {
    auto root = dyn_cast<OpTy>(op);
    if (!root)
      return;
    MatchResult<MatchT> match = Derived::matchRoot(root);
    if (!match && match.getMiss().candidate)
      remarks.push_back((Twine(Derived::missPrefix) + ": " + match.getMiss().reason).str());
  }
};

/// Runs `explain` of each of `Patterns` on `op`.
template <typename... Patterns>
void explainMisses(Operation *op, SmallVectorImpl<std::string> &remarks) {
  (Patterns::explain(op, remarks), ...);
}

//===----------------------------------------------------------------------===//
// Pattern groups (one .cpp each)
//===----------------------------------------------------------------------===//

/// rms_norm, layer_norm and their scale and bias (RaiseNorms.cpp).
void populateRaiseNormPatterns(RewritePatternSet &patterns);
/// Appends the near misses of the norm patterns at `op`.
void explainNormMisses(Operation *op, SmallVectorImpl<std::string> &remarks);

/// gelu (erf and tanh forms), silu and swiglu (RaiseActivations.cpp).
void populateRaiseActivationPatterns(RewritePatternSet &patterns);
/// Appends the near misses of the activation patterns at `op`.
void explainActivationMisses(Operation *op, SmallVectorImpl<std::string> &remarks);

/// attention from matmul, scale, mask, softmax, matmul (RaiseAttention.cpp).
void populateRaiseAttentionPatterns(RewritePatternSet &patterns);
/// Appends the near misses of the attention pattern at `op`.
void explainAttentionMisses(Operation *op, SmallVectorImpl<std::string> &remarks);

/// rotary_embedding from x * cos + rotate(x) * sin, and its rotary_dim
/// (RaiseRotary.cpp).
void populateRaiseRotaryPatterns(RewritePatternSet &patterns);
/// Appends the near misses of the rotary patterns at `op`.
void explainRotaryMisses(Operation *op, SmallVectorImpl<std::string> &remarks);

/// Repeated kv heads, the key's round trip and causal masks folded into an
/// llm.attention (RaiseAttentionInputs.cpp).
void populateRaiseAttentionInputPatterns(RewritePatternSet &patterns);
/// Appends the near misses of the attention input patterns at `op`.
void explainAttentionInputMisses(Operation *op, SmallVectorImpl<std::string> &remarks);

//===----------------------------------------------------------------------===//
// Value helpers
//===----------------------------------------------------------------------===//

/// `value` with `llm.cast`s to its own type looked through (the exporters'
/// `to(float32)` on an f32 model).
Value stripIdentityCasts(Value value);

/// The op of type `OpTy` defining `value`, looking through identity casts.
template <typename OpTy> OpTy definingOp(Value value) {
  return stripIdentityCasts(value).getDefiningOp<OpTy>();
}

/// The value of a splat float constant (`llm.constant` of any shape), if
/// `value` is one.
std::optional<double> getSplatFloat(Value value);

/// True when `actual` is within a relative 1e-4 of `expected`: loose enough
/// for constants an exporter rounded to f32, tight enough to reject a wrong
/// one.
bool isClose(double actual, double expected);

/// True when `a` and `b` are the same value, or the same pure op applied to
/// the same operands (exporters that do not CSE compute `x - mean` twice).
bool isSameValue(Value a, Value b);

/// True when every use of `value` is by `user` (once) or by an `llm.dim`,
/// which only reads the shape.
bool hasOnlyUserBesidesDims(Value value, Operation *user);

/// The first axis when a reduction over `axes` of a rank-`rank` tensor covers
/// exactly the trailing dims `[axis, rank)` (empty `axes` means all dims);
/// std::nullopt otherwise.
std::optional<int64_t> getTrailingAxis(ArrayRef<int64_t> axes, int64_t rank);

/// `axis` (an attribute, possibly negative) as a dim of a rank-`rank` tensor.
inline int64_t normalizeAxis(int64_t axis, int64_t rank) { return axis < 0 ? axis + rank : axis; }

/// `1x?x768` for diagnostics.
std::string formatShape(ArrayRef<int64_t> shape);

/// `[1, 2]` for diagnostics.
std::string formatList(ArrayRef<int64_t> values);

/// A number for diagnostics, with the digits that matter (`%g`).
std::string formatNumber(double value);

/// The type of `value` printed, for diagnostics.
std::string formatType(Type type);

/// The size of a dim as far as the IR tells: a static size, or the index
/// value or function-argument dim it was computed from. Two dims with equal
/// `DimSize`s are equal at run time; unequal ones may still be.
struct DimSize {
  /// The static size, or `ShapedType::kDynamic`.
  int64_t size = ShapedType::kDynamic;
  /// An index value (`dim < 0`), or the tensor whose dim `dim` it is.
  Value value;
  /// The dim of `value`, or -1 when `value` is an index.
  int64_t dim = -1;

  bool isStatic() const { return !ShapedType::isDynamic(size); }
  bool operator==(const DimSize &other) const {
    return size == other.size && value == other.value && dim == other.dim;
  }
  bool operator!=(const DimSize &other) const { return !(*this == other); }
};

/// The size of dim `dim` of `tensor`, traced back through views, elementwise
/// ops and `llm.dim`s to where it was set (a reshape's target, a function
/// argument, ...).
DimSize getDimSize(Value tensor, int64_t dim);

/// The size of an index value (an `llm.dim`, a constant, or itself).
DimSize getIndexSize(Value index);

/// True when dim `dimA` of `a` provably equals dim `dimB` of `b`.
bool haveSameDim(Value a, int64_t dimA, Value b, int64_t dimB);

/// Why `heads`, a reshape of `input` ([B, S, N]) into [B', S', H, D],
/// does not cut each row of `input` into H heads of a static D, or "" when
/// it does: H static with H * D == N, or (dynamo's exports compute it) N a
/// multiple of D with [B', S'] provably `input`'s [B, S]. The rows of
/// `input` are then the rows of `heads`, however B' * S' factors.
std::string rowsToHeadsMiss(Value input, Value heads);

/// Entry `i` of a mixed static/dynamic index list (`static_shape` with
/// `ShapedType::kDynamic` for each of `dynamic`, in order), as a `DimSize`.
DimSize getMixedEntry(ArrayRef<int64_t> statics, ValueRange dynamic, int64_t i);

/// A size as a sum of symbolic dims with integer coefficients plus a
/// constant: `dim 2 of argument 3 + dim 1 of argument 0 - 1`. Shape
/// arithmetic (`arith.addi`, `llm.add` of `from_dims`), concats along a
/// dim (the inputs' sizes add up) and ranges (`limit - start`) are taken
/// apart, so a KV cache's `past + seq` equals the concat(past, new)'s dim.
struct LinearSize {
  int64_t constant = 0;
  /// Distinct dynamic atoms and their nonzero coefficients.
  SmallVector<std::pair<DimSize, int64_t>> terms;

  /// Adds `sign` times `other`.
  void add(const LinearSize &other, int64_t sign = 1);
  /// Adds `coefficient` times `atom` (a static atom adds to the constant).
  void addTerm(const DimSize &atom, int64_t coefficient);
  bool isConstant() const { return terms.empty(); }
  bool operator==(const LinearSize &other) const;
  bool operator!=(const LinearSize &other) const { return !(*this == other); }
  /// For diagnostics: `dim 2 of argument 3 - 1`.
  std::string str() const;
};

/// Dim `dim` of `tensor` as a linear size.
LinearSize getLinearDim(Value tensor, int64_t dim);

/// An index value as a linear size.
LinearSize getLinearIndex(Value index);

/// The value of a one-element integer tensor computed from dims and
/// constants (`from_dims`, `llm.add`/`llm.sub`, casts, unsqueezes), if it is
/// one.
std::optional<LinearSize> getLinearScalar(Value scalar, unsigned depth = 0);

/// The factors of a product tree of `llm.mul`s (and divisions by constants),
/// with the splat constants multiplied into one number.
struct Product {
  /// The product of the constant factors (1 when there are none).
  double constant = 1.0;
  /// The non-constant factors, in operand order.
  SmallVector<Value> factors;
  /// The muls and divs of the tree, for the fused location.
  SmallVector<Operation *> ops;
};

/// Flattens the product computed by `value`. Interior muls must have one use
/// (otherwise they are factors of their own), except `value`'s own op when
/// `isRoot`. Stops after a few levels, so a long chain ends in leaf factors.
Product flattenProduct(Value value, bool isRoot);

/// The fused location of `ops`, for a composite that replaces them.
Location fusedLocOf(PatternRewriter &rewriter, ArrayRef<Operation *> ops);

} // namespace raising
} // namespace llm
} // namespace mlir

#endif // LLM_PASSES_RAISING_MATCHERS_H
