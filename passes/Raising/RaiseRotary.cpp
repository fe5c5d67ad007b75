//===- RaiseRotary.cpp - llm.rotary_embedding from its spellings ----------===//
//
// Rotary position embeddings are exported as
//
//   x * cos + rotate(x) * sin
//
// with rotate-half (Llama, GPT-NeoX: rotate(x) = concat(-x2, x1) of the two
// halves of the last dim) or interleaved (GPT-J: rotate(x) = stack(-x_odd,
// x_even) flattened, pairs 2i and 2i+1). The tables are full width, each
// angle written twice: `cat(freqs, freqs)` for rotate-half, a
// repeat_interleave for the interleaved form. llm.rotary_embedding takes
// half-width tables, so the pattern proves that each table repeats its
// halves (or pairs) and reads one copy with a slice. Whether the tables are
// a cosine and a sine does not matter: the op computes the same formula
// from any two tables.
//
// A partial rotary (rotary_dim < head_dim) rotates x[..., :rotary_dim] and
// concatenates x[..., rotary_dim:] unchanged; the rotation is raised first
// (of the slice), then the concat folds into `rotary_dim`.
//
//===----------------------------------------------------------------------===//

#include "passes/Raising/Matchers.h"

#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/TypeUtilities.h"

using namespace mlir;
using namespace mlir::llm;
using namespace mlir::llm::raising;

namespace {

/// The rank of a ranked tensor value.
int64_t rankOf(Value value) { return cast<RankedTensorType>(value.getType()).getRank(); }

/// The size of the last dim of a ranked tensor value.
int64_t lastDimOf(Value value) {
  return cast<RankedTensorType>(value.getType()).getShape().back();
}

/// How a full-width table repeats its angles.
enum class Layout {
  /// `[a, a]`: entry i equals entry i + n/2 (rotate-half).
  Halves,
  /// `[a0, a0, a1, a1, ...]`: entry 2i equals entry 2i + 1 (interleaved).
  Pairs,
};

/// The raw bytes of a constant tensor (a weight blob or a dense attribute),
/// or std::nullopt (a splat is handled by the caller).
std::optional<ArrayRef<char>> constantBytes(Value value) {
  auto constant = stripIdentityCasts(value).getDefiningOp<ConstantOp>();
  if (!constant)
    return std::nullopt;
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(constant.getValue())) {
    if (AsmResourceBlob *blob = resource.getRawHandle().getBlob())
      return blob->getData();
    return std::nullopt;
  }
  if (auto dense = dyn_cast<DenseElementsAttr>(constant.getValue()))
    if (!dense.isSplat() && !dense.getElementType().isInteger(1))
      return dense.getRawData();
  return std::nullopt;
}

/// True when every row of the constant `value` (its last dim) repeats as
/// `layout` says.
bool constantRepeats(Value value, Layout layout) {
  auto type = cast<RankedTensorType>(value.getType());
  std::optional<ArrayRef<char>> bytes = constantBytes(value);
  if (!bytes || !type.hasStaticShape() || type.getRank() == 0)
    return false;
  int64_t width = type.getShape().back();
  int64_t elementBytes = (type.getElementTypeBitWidth() + 7) / 8;
  if (width % 2 != 0 || static_cast<int64_t>(bytes->size()) != type.getNumElements() * elementBytes)
    return false;
  int64_t rowBytes = width * elementBytes;
  for (int64_t row = 0; row * rowBytes < static_cast<int64_t>(bytes->size()); ++row) {
    ArrayRef<char> r = bytes->slice(row * rowBytes, rowBytes);
    if (layout == Layout::Halves) {
      if (r.take_front(rowBytes / 2) != r.drop_front(rowBytes / 2))
        return false;
      continue;
    }
    for (int64_t i = 0; i < width; i += 2)
      if (r.slice(i * elementBytes, elementBytes) != r.slice((i + 1) * elementBytes, elementBytes))
        return false;
  }
  return true;
}

/// True when `value` provably repeats its last dim as `layout` says: built
/// from `concat(a, a)` (halves) or a repeat_interleave by 2 (pairs:
/// reshape(expand(unsqueeze(a, -1), [..., 2]))) or a constant that does,
/// through elementwise ops (cos, sin, a scaling), views and gathers that
/// leave the last dim alone.
bool repeatsLastDim(Value value, Layout layout, unsigned depth = 0) {
  auto type = cast<RankedTensorType>(value.getType());
  if (type.getRank() == 0 || type.getShape().back() == 1 || getSplatFloat(value))
    return true;
  if (depth > 16)
    return false;
  int64_t rank = type.getRank();
  Operation *def = value.getDefiningOp();
  if (!def)
    return false;
  if (isa<ConstantOp>(def))
    return constantRepeats(value, layout);
  if (auto concat = dyn_cast<ConcatOp>(def)) {
    int64_t axis = normalizeAxis(concat.getAxis(), rank);
    if (axis != rank - 1)
      return llvm::all_of(concat.getInputs(),
                          [&](Value in) { return repeatsLastDim(in, layout, depth + 1); });
    return layout == Layout::Halves && concat.getInputs().size() == 2 &&
           isSameValue(concat.getInputs()[0], concat.getInputs()[1]);
  }
  if (auto reshape = dyn_cast<ReshapeOp>(def)) {
    // repeat_interleave(a, 2, -1): [..., n] -> [..., n, 1] -> [..., n, 2] -> [..., 2n].
    Value pairs = reshape.getInput();
    auto pairsType = cast<RankedTensorType>(pairs.getType());
    if (layout != Layout::Pairs || pairsType.getRank() != rank + 1 ||
        pairsType.getShape().back() != 2)
      return false;
    for (int64_t d = 0; d + 1 < rank; ++d)
      if (!haveSameDim(pairs, d, value, d))
        return false;
    Value unit;
    if (auto expand = pairs.getDefiningOp<ExpandOp>())
      unit = expand.getInput();
    else if (auto tile = pairs.getDefiningOp<TileOp>())
      unit = tile.getInput();
    auto unsqueeze = unit ? unit.getDefiningOp<UnsqueezeOp>() : UnsqueezeOp();
    return unsqueeze && cast<RankedTensorType>(unit.getType()).getShape().back() == 1 &&
           unsqueeze.getAxes().size() == 1 &&
           (unsqueeze.getAxes()[0] == rank || unsqueeze.getAxes()[0] == -1);
  }
  if (auto unsqueeze = dyn_cast<UnsqueezeOp>(def)) {
    for (int64_t axis : unsqueeze.getAxes())
      if (axis == rank - 1 || axis == -1)
        return false;
    return repeatsLastDim(unsqueeze.getInput(), layout, depth + 1);
  }
  if (auto expand = dyn_cast<ExpandOp>(def))
    return lastDimOf(expand.getInput()) == type.getShape().back() &&
           repeatsLastDim(expand.getInput(), layout, depth + 1);
  if (auto transpose = dyn_cast<TransposeOp>(def))
    return transpose.getPermutation().back() == rank - 1 &&
           repeatsLastDim(transpose.getInput(), layout, depth + 1);
  if (auto slice = dyn_cast<SliceOp>(def)) {
    for (int64_t axis : slice.getAxes())
      if (axis == rank - 1 || axis == -1)
        return false;
    return repeatsLastDim(slice.getInput(), layout, depth + 1);
  }
  if (auto gather = dyn_cast<GatherOp>(def)) {
    int64_t dataRank = rankOf(gather.getData());
    int64_t axis = normalizeAxis(gather.getAxis(), dataRank);
    return axis != dataRank - 1 && repeatsLastDim(gather.getData(), layout, depth + 1);
  }
  if (isa<CastOp>(def) || def->hasTrait<OpTrait::SameOperandsAndResultType>())
    return def->getNumOperands() == 1 && repeatsLastDim(def->getOperand(0), layout, depth + 1);
  if (isa<MulOp, DivOp, AddOp, SubOp>(def))
    return llvm::all_of(def->getOperands(),
                        [&](Value in) { return repeatsLastDim(in, layout, depth + 1); });
  return false;
}

/// A slice of `value`'s last dim: [start, end) in steps of `step`, with an
/// end at or past the dim clamped to it.
struct LastDimSlice {
  Value input;
  int64_t start = 0, end = 0, step = 1;
};

/// `value` as a slice of one tensor's last dim with static bounds.
std::optional<LastDimSlice> matchLastDimSlice(Value value) {
  auto slice = stripIdentityCasts(value).getDefiningOp<SliceOp>();
  if (!slice || slice.getAxes().size() != 1)
    return std::nullopt;
  int64_t rank = rankOf(slice.getInput());
  int64_t axis = slice.getAxes()[0] < 0 ? slice.getAxes()[0] + rank : slice.getAxes()[0];
  int64_t width = lastDimOf(slice.getInput());
  int64_t start = slice.getStaticStarts()[0], end = slice.getStaticEnds()[0];
  if (axis != rank - 1 || ShapedType::isDynamic(width) || ShapedType::isDynamic(start) ||
      ShapedType::isDynamic(end) || start < 0 || slice.getSteps()[0] < 1)
    return std::nullopt;
  return LastDimSlice{slice.getInput(), start, std::min(end, width), slice.getSteps()[0]};
}

/// The half `index` (0: first, 1: second) of `value`'s last dim, as a slice
/// or a result of an even split; the halved value, if it is one.
std::optional<std::pair<Value, int64_t>> matchHalf(Value value) {
  value = stripIdentityCasts(value);
  if (auto result = dyn_cast<OpResult>(value))
    if (auto split = dyn_cast<SplitOp>(result.getOwner())) {
      int64_t rank = rankOf(split.getInput());
      int64_t axis = normalizeAxis(split.getAxis(), rank);
      ArrayRef<int64_t> sizes = split.getSizes();
      if (axis != rank - 1 || sizes.size() != 2 || sizes[0] != sizes[1])
        return std::nullopt;
      return std::pair(split.getInput(), static_cast<int64_t>(result.getResultNumber()));
    }
  std::optional<LastDimSlice> slice = matchLastDimSlice(value);
  if (!slice || slice->step != 1)
    return std::nullopt;
  int64_t width = lastDimOf(slice->input);
  if (width % 2 != 0)
    return std::nullopt;
  if (slice->start == 0 && slice->end == width / 2)
    return std::pair(slice->input, int64_t(0));
  if (slice->start == width / 2 && slice->end == width)
    return std::pair(slice->input, int64_t(1));
  return std::nullopt;
}

/// `value` negated: neg(v), or v * -1.
Value matchNegated(Value value) {
  value = stripIdentityCasts(value);
  if (auto neg = value.getDefiningOp<NegOp>())
    return neg.getInput();
  if (auto mul = value.getDefiningOp<MulOp>()) {
    if (getSplatFloat(mul.getRhs()) == -1.0 && mul.getLhs().getType() == mul.getType())
      return mul.getLhs();
    if (getSplatFloat(mul.getLhs()) == -1.0 && mul.getRhs().getType() == mul.getType())
      return mul.getRhs();
  }
  return Value();
}

/// rotate(x), with x and the layout it rotates in.
struct Rotation {
  Value input;
  bool interleaved = false;
};

/// concat(-x2, x1) of the halves of x (rotate-half), or
/// reshape(stack(-x[..., 1::2], x[..., ::2]), [..., D]) (interleaved).
MatchResult<Rotation> matchRotation(Value value) {
  value = stripIdentityCasts(value);
  if (auto concat = value.getDefiningOp<ConcatOp>()) {
    int64_t rank = rankOf(concat);
    int64_t axis = normalizeAxis(concat.getAxis(), rank);
    if (axis != rank - 1 || concat.getInputs().size() != 2)
      return notCandidate("the concat is not of two halves of the last dim");
    Value first = concat.getInputs()[0], second = concat.getInputs()[1];
    Value negFirst = matchNegated(first), negSecond = matchNegated(second);
    auto h1 = matchHalf(negFirst ? negFirst : first);
    auto h2 = matchHalf(negSecond ? negSecond : second);
    if (!h1 || !h2)
      return notCandidate("the concat is not of two halves of the last dim");
    if (!isSameValue(h1->first, h2->first))
      return nearMiss("the concatenated halves are of different tensors");
    // Expected: concat(-x2, x1).
    if (h1->second == h2->second)
      return nearMiss("the concat repeats one half, expected concat(-x2, x1)");
    if (h1->second == 0)
      return nearMiss("the halves are in the wrong order: concat(x1, x2) with a sign, expected "
                      "concat(-x2, x1)");
    if (!negFirst)
      return nearMiss("the second half is not negated: expected concat(-x2, x1)");
    if (negSecond)
      return nearMiss("both halves are negated: expected concat(-x2, x1)");
    return Rotation{h1->first, false};
  }
  if (auto reshape = value.getDefiningOp<ReshapeOp>()) {
    // [..., D/2, 2] -> [..., D].
    Value stacked = reshape.getInput();
    int64_t rank = rankOf(value);
    auto concat = stacked.getDefiningOp<ConcatOp>();
    if (!concat || rankOf(stacked) != rank + 1 || lastDimOf(stacked) != 2 ||
        concat.getInputs().size() != 2 ||
        normalizeAxis(concat.getAxis(), rank + 1) != rank)
      return notCandidate("the reshape is not of a stack of two tensors");
    for (int64_t d = 0; d + 1 < rank; ++d)
      if (!haveSameDim(stacked, d, value, d))
        return notCandidate("the reshape does not flatten the stack's last two dims");
    SmallVector<std::optional<LastDimSlice>> parts;
    SmallVector<bool> negated;
    for (Value in : concat.getInputs()) {
      auto unsqueeze = in.getDefiningOp<UnsqueezeOp>();
      if (!unsqueeze || unsqueeze.getAxes().size() != 1 ||
          (unsqueeze.getAxes()[0] != rank && unsqueeze.getAxes()[0] != -1))
        return notCandidate("the stack is not of two unsqueezed tensors");
      Value part = unsqueeze.getInput();
      Value neg = matchNegated(part);
      negated.push_back(static_cast<bool>(neg));
      parts.push_back(matchLastDimSlice(neg ? neg : part));
      if (!parts.back() || parts.back()->step != 2 ||
          parts.back()->end != lastDimOf(parts.back()->input))
        return notCandidate("the stack is not of the odd and even features");
    }
    if (!isSameValue(parts[0]->input, parts[1]->input))
      return nearMiss("the stacked features are of different tensors");
    // Expected: stack(-x[1::2], x[0::2]).
    if (parts[0]->start == parts[1]->start)
      return nearMiss("the stack repeats the odd or even features, expected "
                      "stack(-x_odd, x_even)");
    if (parts[0]->start != 1 || parts[1]->start != 0)
      return nearMiss("the features are in the wrong order: expected stack(-x_odd, x_even)");
    if (!negated[0])
      return nearMiss("the odd features are not negated: expected stack(-x_odd, x_even)");
    if (negated[1])
      return nearMiss("both features are negated: expected stack(-x_odd, x_even)");
    return Rotation{parts[0]->input, true};
  }
  return notCandidate("no rotation");
}

/// The pieces of `x * cos + rotate(x) * sin`.
struct RotaryMatch {
  Value input;
  Value cos;
  Value sin;
  bool interleaved = false;
  SmallVector<Operation *> ops;
};

// x * cos + concat(-x2, x1) * sin -> rotary_embedding(x, cos[..., :D/2], sin[..., :D/2])
// x * cos + flatten(stack(-x_odd, x_even)) * sin
//   -> rotary_embedding(x, cos[..., ::2], sin[..., ::2]) {interleaved = true}
// (either operand order of the add and of each mul)
struct RaiseRotary : RaisePattern<RaiseRotary, AddOp, RotaryMatch> {
  using RaisePattern::RaisePattern;
  static constexpr llvm::StringLiteral missPrefix = "not raised to llm.rotary_embedding";

  static MatchResult<RotaryMatch> matchRoot(AddOp root) {
    std::optional<Miss> firstMiss;
    for (auto [plain, rotated] : {std::pair(root.getLhs(), root.getRhs()),
                                  std::pair(root.getRhs(), root.getLhs())}) {
      MatchResult<RotaryMatch> match = matchTerms(root, plain, rotated);
      if (match)
        return match;
      if (match.getMiss().candidate && !firstMiss)
        firstMiss = match.getMiss();
    }
    if (firstMiss)
      return *firstMiss;
    return notCandidate("no term is a rotation times a table");
  }

  static MatchResult<RotaryMatch> matchTerms(AddOp root, Value plain, Value rotated) {
    auto rotMul = definingOp<MulOp>(rotated);
    if (!rotMul)
      return notCandidate("no term is a product");
    // The rotation and the sin table, either order.
    Value rotValue = rotMul.getLhs(), sin = rotMul.getRhs();
    MatchResult<Rotation> rotation = matchRotation(rotValue);
    if (!rotation && !rotation.getMiss().candidate) {
      std::swap(rotValue, sin);
      rotation = matchRotation(rotValue);
    }
    if (!rotation)
      return rotation.getMiss();
    Value x = rotation->input;
    auto xMul = definingOp<MulOp>(plain);
    if (!xMul)
      return nearMiss("the other term is not a product of the rotated value and a table");
    Value cos;
    if (isSameValue(xMul.getLhs(), x))
      cos = xMul.getRhs();
    else if (isSameValue(xMul.getRhs(), x))
      cos = xMul.getLhs();
    else
      return nearMiss("the other term does not multiply the rotated value");
    auto type = cast<RankedTensorType>(x.getType());
    if (type.getRank() != 4)
      return nearMiss("the rotated value is rank " + Twine(type.getRank()) +
                      ", expected 4 ([batch, heads, seq, head_dim])");
    if (root.getType() != x.getType() || xMul.getType() != x.getType() ||
        rotMul.getType() != x.getType())
      return nearMiss("the tables broadcast the result to a larger shape");
    if (ShapedType::isDynamic(type.getShape().back()))
      return nearMiss("the head dim is not static");
    for (auto [name, table] : {std::pair("cos", cos), std::pair("sin", sin)}) {
      auto tableType = cast<RankedTensorType>(table.getType());
      if (tableType.getElementType() != type.getElementType())
        return nearMiss(Twine("the ") + name + " table's element type differs from the input's");
      if (tableType.getRank() > 4 || tableType.getRank() == 0 ||
          tableType.getShape().back() != type.getShape().back())
        return nearMiss(Twine("the ") + name + " table is not [..., " +
                        Twine(type.getShape().back()) + "]");
    }
    // Raising never duplicates work: the products and the rotation are the
    // rotary's alone.
    for (auto [name, op] : {std::pair("x * cos", xMul.getOperation()),
                            std::pair("rotate(x) * sin", rotMul.getOperation()),
                            std::pair("rotate(x)", stripIdentityCasts(rotValue).getDefiningOp())})
      if (!op->hasOneUse())
        return nearMiss(Twine("'") + name + "' has other uses");
    Layout layout = rotation->interleaved ? Layout::Pairs : Layout::Halves;
    const char *expected = rotation->interleaved ? "each angle twice in a row (repeat_interleave)"
                                                 : "its two halves equal (cat(freqs, freqs))";
    if (!repeatsLastDim(cos, layout))
      return nearMiss(Twine("the cos table does not provably have ") + expected);
    if (!repeatsLastDim(sin, layout))
      return nearMiss(Twine("the sin table does not provably have ") + expected);
    RotaryMatch match{x, cos, sin, rotation->interleaved, {root, xMul, rotMul}};
    match.ops.push_back(stripIdentityCasts(rotValue).getDefiningOp());
    return match;
  }

  static void rewriteRoot(AddOp root, const RotaryMatch &match, PatternRewriter &rewriter) {
    Location loc = fusedLocOf(rewriter, match.ops);
    int64_t width = lastDimOf(match.input);
    // One copy of each angle: the first half, or the even entries.
    auto half = [&](Value table) -> Value {
      auto type = cast<RankedTensorType>(table.getType());
      SmallVector<int64_t> shape(type.getShape());
      shape.back() = width / 2;
      int64_t axis = type.getRank() - 1;
      return SliceOp::create(rewriter, loc, RankedTensorType::get(shape, type.getElementType()),
                             table, ValueRange{}, ValueRange{}, ArrayRef<int64_t>{axis},
                             ArrayRef<int64_t>{0},
                             ArrayRef<int64_t>{match.interleaved ? width : width / 2},
                             ArrayRef<int64_t>{match.interleaved ? 2 : 1});
    };
    Value cos = half(match.cos), sin = half(match.sin);
    auto rotary = RotaryEmbeddingOp::create(rewriter, loc, match.input.getType(), match.input, cos,
                                            sin, match.interleaved, IntegerAttr());
    rewriter.replaceOp(root, rotary.getResult());
  }
};

/// The rotary of the slice and the pass-through rest.
struct PartialRotaryMatch {
  RotaryEmbeddingOp rotary;
  Value input;
  int64_t rotaryDim = 0;
};

// concat(rotary_embedding(x[..., :r], cos, sin), x[..., r:])
//   -> rotary_embedding(x, cos, sin) {rotary_dim = r}
struct FoldPartialRotary : RaisePattern<FoldPartialRotary, ConcatOp, PartialRotaryMatch> {
  using RaisePattern::RaisePattern;
  static constexpr llvm::StringLiteral missPrefix =
      "not folded into llm.rotary_embedding's rotary_dim";

  static MatchResult<PartialRotaryMatch> matchRoot(ConcatOp root) {
    if (root.getInputs().size() != 2)
      return notCandidate("not two pieces");
    // A concat along another axis (a KV cache's past and new keys) is no
    // candidate.
    int64_t rank = rankOf(root);
    if (normalizeAxis(root.getAxis(), rank) != rank - 1)
      return notCandidate("the concat is not along the head dim");
    auto rotary = root.getInputs()[0].getDefiningOp<RotaryEmbeddingOp>();
    if (!rotary) {
      if (root.getInputs()[1].getDefiningOp<RotaryEmbeddingOp>())
        return nearMiss("the rotated features come after the pass-through ones");
      return notCandidate("the first piece is not a rotary embedding");
    }
    if (rotary.getRotaryDim())
      return nearMiss("the rotary embedding is partial already");
    std::optional<LastDimSlice> rotated = matchLastDimSlice(rotary.getInput());
    std::optional<LastDimSlice> rest = matchLastDimSlice(root.getInputs()[1]);
    if (!rotated || !rest)
      return nearMiss("the pieces are not slices of the head dim");
    if (!isSameValue(rotated->input, rest->input))
      return nearMiss("the pieces are slices of different tensors");
    int64_t width = lastDimOf(rotated->input);
    if (rotated->start != 0 || rotated->step != 1 || rest->step != 1 ||
        rest->start != rotated->end || rest->end != width)
      return nearMiss("the slices are not [0, r) and [r, head_dim)");
    if (!rotary->hasOneUse())
      return nearMiss("the rotated features have other uses");
    if (root.getType() != rotated->input.getType())
      return nearMiss("the result type differs from the input's");
    return PartialRotaryMatch{rotary, rotated->input, rotated->end};
  }

  static void rewriteRoot(ConcatOp root, const PartialRotaryMatch &constMatch,
                          PatternRewriter &rewriter) {
    PartialRotaryMatch match = constMatch;
    auto rotary = RotaryEmbeddingOp::create(
        rewriter, fusedLocOf(rewriter, {match.rotary, root}), match.input.getType(), match.input,
        match.rotary.getCos(), match.rotary.getSin(), match.rotary.getInterleaved(),
        rewriter.getI64IntegerAttr(match.rotaryDim));
    rewriter.replaceOp(root, rotary.getResult());
  }
};

} // namespace

void raising::populateRaiseRotaryPatterns(RewritePatternSet &patterns) {
  patterns.add<RaiseRotary, FoldPartialRotary>(patterns.getContext());
}

void raising::explainRotaryMisses(Operation *op, SmallVectorImpl<std::string> &remarks) {
  explainMisses<RaiseRotary, FoldPartialRotary>(op, remarks);
}
