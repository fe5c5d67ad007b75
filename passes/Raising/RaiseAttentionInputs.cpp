//===- RaiseAttentionInputs.cpp - GQA and causality into llm.attention ----===//
//
// Once the attention is one op, what the exporters computed around it to
// feed the matmuls becomes redundant with the op's own features:
//
//   - grouped-query attention repeats each kv head n_rep times (HF's
//     repeat_kv: unsqueeze / expand / reshape) so that q, k and v have the
//     same heads; llm.attention reads kv head h / n_rep itself;
//   - the dynamo exports write k^T as reshape / transpose / reshape, which
//     the attention pattern transposes back: a round trip to the key;
//   - causal masks (built from comparisons of ranges, trilu or constant
//     triangles, and'ed with a padding mask) are `causal = "upper_left"`,
//     or `"lower_right"` for a KV cache's queries at past + arange(q).
//
// These patterns rewrite the operands of an existing llm.attention, so they
// apply whether the attention was raised or imported.
//
//===----------------------------------------------------------------------===//

#include "passes/Raising/Matchers.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/TypeUtilities.h"

#include <cmath>
#include <cstring>

using namespace mlir;
using namespace mlir::llm;
using namespace mlir::llm::raising;

namespace {

/// Rank of a ranked tensor value.
int64_t rankOf(Value value) { return cast<RankedTensorType>(value.getType()).getRank(); }

//===----------------------------------------------------------------------===//
// The key's reshape / transpose / reshape / transpose round trip
//===----------------------------------------------------------------------===//

/// The key `k` the round trip started from.
struct KeyRoundTripMatch {
  Value key;
};

// attention(q, transpose(reshape(transpose(reshape(k, [b*h, s, d]), [0, 2, 1]),
//                                [b, h, d, s]), [0, 1, 3, 2]), v)
//   -> attention(q, k, v)
struct FoldKeyRoundTrip : RaisePattern<FoldKeyRoundTrip, AttentionOp, KeyRoundTripMatch> {
  using RaisePattern::RaisePattern;
  static constexpr llvm::StringLiteral missPrefix = "not folded into llm.attention's key";

  static MatchResult<KeyRoundTripMatch> matchRoot(AttentionOp root) {
    if (root.getLayout() != "bhsd")
      return notCandidate("the attention's layout is not bhsd");
    auto swap = root.getKey().getDefiningOp<TransposeOp>();
    if (!swap || !llvm::equal(swap.getPermutation(), ArrayRef<int64_t>{0, 1, 3, 2}))
      return notCandidate("the key is not a transpose [0, 1, 3, 2]");
    auto split = swap.getInput().getDefiningOp<ReshapeOp>();
    if (!split || rankOf(split.getInput()) != 3)
      return notCandidate("the key is not transposed from a [b * h, d, s] reshape");
    auto inner = split.getInput().getDefiningOp<TransposeOp>();
    if (!inner || !llvm::equal(inner.getPermutation(), ArrayRef<int64_t>{0, 2, 1}))
      return notCandidate("the key is not reshaped from a transpose [0, 2, 1]");
    auto merge = inner.getInput().getDefiningOp<ReshapeOp>();
    if (!merge || rankOf(merge.getInput()) != 4)
      return notCandidate("the key's transpose does not read a reshape of a rank-4 tensor");
    Value key = merge.getInput();
    // merge: [b, h, s, d] -> [x, s, d], so x = b * h (rows stay in order).
    if (!haveSameDim(merge, 1, key, 2) || !haveSameDim(merge, 2, key, 3))
      return nearMiss("the first reshape does not merge the batch and head dims");
    // split: [b * h, d, s] -> [y, h, d, s], so y = b.
    if (!haveSameDim(split, 1, key, 1) || !haveSameDim(split, 2, key, 3) ||
        !haveSameDim(split, 3, key, 2))
      return nearMiss("the second reshape does not split the batch and head dims back");
    return KeyRoundTripMatch{key};
  }

  static void rewriteRoot(AttentionOp root, const KeyRoundTripMatch &match,
                          PatternRewriter &rewriter) {
    rewriter.modifyOpInPlace(root, [&] { root.getKeyMutable().assign(match.key); });
  }
};

//===----------------------------------------------------------------------===//
// Repeated kv heads (grouped-query attention)
//===----------------------------------------------------------------------===//

/// A kv tensor `[b, hkv, s, d]` repeated to `[b, hkv * repeats, s, d]`.
struct Repeat {
  /// The un-repeated kv tensor.
  Value source;
  /// n_rep, each head's copies.
  int64_t repeats = 1;
};

/// `what` (the key or the value) repeated per head:
/// reshape(expand(unsqueeze(x, 2), [b, hkv, n, s, d]), [b, hkv * n, s, d]),
/// or with tile(unsqueeze(x, 2), [1, 1, n, 1, 1]) for the expand, or
/// gather(x, [0, 0, 1, 1, ..], axis = 1) (repeat_interleave as an
/// index_select). Then
/// query head h reads copy h of the repeated heads, which is kv head
/// h / n, as llm.attention's grouped-query heads do.
MatchResult<Repeat> matchRepeat(Value value, StringRef what) {
  // repeat_interleave as an index_select: gather(x, [0, .., 0, 1, .., 1, ..], axis = 1).
  if (auto gather = value.getDefiningOp<GatherOp>()) {
    DenseIntElementsAttr indices;
    auto source = cast<RankedTensorType>(gather.getData().getType());
    if (source.getRank() != 4 || normalizeAxis(gather.getAxis(), 4) != 1 ||
        !matchPattern(gather.getIndices(), m_Constant(&indices)) ||
        cast<ShapedType>(indices.getType()).getRank() != 1)
      return notCandidate("the " + what + " is not a gather of heads");
    SmallVector<int64_t> heads;
    for (const APInt &index : indices.getValues<APInt>())
      heads.push_back(index.getSExtValue());
    int64_t kvHeads = source.getDimSize(1);
    int64_t count = static_cast<int64_t>(heads.size());
    int64_t repeats = llvm::count(heads, 0);
    if (ShapedType::isDynamic(kvHeads) || repeats == 0 || count != kvHeads * repeats)
      return nearMiss("the " + what + "'s gathered heads are not each of its " +
                      Twine(kvHeads) + " heads repeated");
    bool perHead = true, tiled = true;
    for (int64_t i = 0; i < count; ++i) {
      perHead &= heads[i] == i / repeats;
      tiled &= heads[i] == i % kvHeads;
    }
    if (perHead)
      return Repeat{gather.getData(), repeats};
    if (tiled)
      return nearMiss("the " + what + "'s heads are tiled (query head h would read kv head h % " +
                      "kv_heads), not repeated per head");
    return nearMiss("the " + what + "'s gathered heads " + formatList(heads) +
                    " are not each head repeated in turn");
  }
  if (auto tile = value.getDefiningOp<TileOp>()) {
    ArrayRef<int64_t> reps = tile.getStaticRepeats();
    if (reps.size() == 4 && reps[0] == 1 && reps[1] > 1 && reps[2] == 1 && reps[3] == 1)
      return nearMiss("the " + what + "'s heads are tiled (query head h would read kv head h % " +
                      "kv_heads), not repeated per head");
    return notCandidate("the " + what + " is not repeated");
  }
  auto merge = value.getDefiningOp<ReshapeOp>();
  if (!merge || rankOf(merge.getInput()) != 5 || rankOf(merge) != 4)
    return notCandidate("the " + what + " is not a reshape of a rank-5 tensor");
  Value repeated = merge.getInput();
  Operation *broadcast = repeated.getDefiningOp();
  Value unsqueezed;
  int64_t repeats = 0;
  if (auto expand = dyn_cast_or_null<ExpandOp>(broadcast)) {
    if (expand.getStaticShape().size() != 5)
      return notCandidate("the " + what + "'s expand is not to rank 5");
    unsqueezed = expand.getInput();
  } else if (auto tile = dyn_cast_or_null<TileOp>(broadcast)) {
    unsqueezed = tile.getInput();
  } else {
    return notCandidate("the " + what + " is not reshaped from an expand or a tile");
  }
  auto unsqueeze = unsqueezed.getDefiningOp<UnsqueezeOp>();
  if (!unsqueeze || unsqueeze.getAxes().size() != 1 || rankOf(unsqueezed) != 5)
    return notCandidate("the " + what + "'s expand does not read an unsqueeze to rank 5");
  int64_t axis = unsqueeze.getAxes()[0] < 0 ? unsqueeze.getAxes()[0] + 5 : unsqueeze.getAxes()[0];
  if (axis == 1)
    return nearMiss("the " + what + "'s heads are tiled (the copies are unsqueezed before the " +
                    "heads, so query head h would read kv head h % kv_heads), not repeated " +
                    "per head");
  if (axis != 2)
    return nearMiss("the " + what + " is unsqueezed at axis " + Twine(axis) +
                    ", expected 2 (after the heads)");
  Value source = unsqueeze.getInput();
  if (auto expand = dyn_cast<ExpandOp>(broadcast)) {
    // The copies come from the new unit dim only: the target keeps b, hkv,
    // s and d (a 1 keeps the input's dim). A kv head dim of 1 broadcast to
    // hkv heads repeats one head, which grouped-query attention reads the
    // same way.
    for (int64_t i : {0, 3, 4}) {
      DimSize target = getMixedEntry(expand.getStaticShape(), expand.getShape(), i);
      if (target.size != 1 && target != getDimSize(unsqueezed, i))
        return nearMiss("the " + what + "'s expand broadcasts dim " + Twine(i) +
                        " as well as the copies");
    }
    DimSize copies = getMixedEntry(expand.getStaticShape(), expand.getShape(), 2);
    if (!copies.isStatic())
      return nearMiss("the " + what + "'s number of copies is not static");
    repeats = copies.size;
  } else {
    auto tile = cast<TileOp>(broadcast);
    ArrayRef<int64_t> reps = tile.getStaticRepeats();
    if (reps.size() != 5 || reps[0] != 1 || reps[1] != 1 || reps[3] != 1 || reps[4] != 1 ||
        ShapedType::isDynamic(reps[2]))
      return nearMiss("the " + what + "'s tile repeats " + formatList(reps) +
                      ", expected [1, 1, n, 1, 1]");
    repeats = reps[2];
  }
  // [b, hkv, n, s, d] -> [b, hkv * n, s, d]: the merged dims are 1 and 2
  // when the others are kept.
  if (!haveSameDim(merge, 0, repeated, 0) || !haveSameDim(merge, 2, repeated, 3) ||
      !haveSameDim(merge, 3, repeated, 4))
    return nearMiss("the " + what + "'s reshape does not merge the kv heads with their copies");
  if (repeats < 1)
    return nearMiss("the " + what + " is repeated " + Twine(repeats) + " times");
  return Repeat{source, repeats};
}

/// The un-repeated key and value.
struct RepeatedKVMatch {
  Value key;
  Value value;
};

// attention(q, reshape(expand(unsqueeze(k, 2), [b, hkv, n, s, d]), [b, hkv*n, s, d]),
//              (the same of v))
//   -> attention(q, k, v)
struct FoldRepeatedKV : RaisePattern<FoldRepeatedKV, AttentionOp, RepeatedKVMatch> {
  using RaisePattern::RaisePattern;
  static constexpr llvm::StringLiteral missPrefix =
      "not folded into llm.attention's grouped-query heads";

  static MatchResult<RepeatedKVMatch> matchRoot(AttentionOp root) {
    if (root.getLayout() != "bhsd")
      return notCandidate("the attention's layout is not bhsd");
    MatchResult<Repeat> key = matchRepeat(root.getKey(), "key");
    MatchResult<Repeat> value = matchRepeat(root.getValue(), "value");
    if (!key && !value) {
      if (key.getMiss().candidate)
        return key.getMiss();
      return value.getMiss();
    }
    if (!key)
      return key.getMiss().candidate ? key.getMiss() : nearMiss("the value is repeated per head "
                                                                "but the key is not");
    if (!value)
      return value.getMiss().candidate
                 ? value.getMiss()
                 : nearMiss("the key is repeated per head but the value is not");
    if (key->repeats != value->repeats)
      return nearMiss("the key is repeated " + Twine(key->repeats) + " times, the value " +
                      Twine(value->repeats) + " times");
    auto k = cast<RankedTensorType>(key->source.getType());
    auto v = cast<RankedTensorType>(value->source.getType());
    if (k.getRank() != 4 || v.getRank() != 4)
      return nearMiss("the repeated key or value is not rank 4");
    if (k.getElementType() != v.getElementType())
      return nearMiss("the key and value element types differ");
    int64_t kHeads = k.getDimSize(1), vHeads = v.getDimSize(1);
    if (!ShapedType::isDynamic(kHeads) && !ShapedType::isDynamic(vHeads) && kHeads != vHeads)
      return nearMiss("the key has " + Twine(kHeads) + " kv heads, the value " + Twine(vHeads));
    int64_t qHeads = cast<RankedTensorType>(root.getQuery().getType()).getDimSize(1);
    if (!ShapedType::isDynamic(qHeads) && !ShapedType::isDynamic(kHeads) &&
        (kHeads == 0 || qHeads % kHeads != 0))
      return nearMiss("the query heads are not a multiple of the kv heads");
    return RepeatedKVMatch{key->source, value->source};
  }

  static void rewriteRoot(AttentionOp root, const RepeatedKVMatch &match,
                          PatternRewriter &rewriter) {
    rewriter.modifyOpInPlace(root, [&] {
      root.getKeyMutable().assign(match.key);
      root.getValueMutable().assign(match.value);
    });
  }
};


//===----------------------------------------------------------------------===//
// Causal masks
//===----------------------------------------------------------------------===//

/// A constant at or below this, added to a score, masks it out.
constexpr double kMaskedScore = -1.0e4;
/// A masked score so large that adding any real score leaves it unchanged
/// in f32 (as in RaiseAttention.cpp).
constexpr double kAbsorbingScore = -1.0e30;

/// The positions along one axis of the scores: `range(0, n, 1) + offset`
/// broadcast along the other dims. `dim` is the dim of `value` they vary
/// along. The offset may be symbolic: a KV cache's query positions are
/// `past + arange(seq)` or `arange(past, past + seq)`.
struct Positions {
  Value value;
  int64_t dim = 0;
  LinearSize offset;
};

/// An integer or float splat constant as an integer, if it is one.
std::optional<int64_t> getSplatInt(Value value) {
  DenseElementsAttr attr;
  if (!matchPattern(stripIdentityCasts(value), m_Constant(&attr)) || !attr.isSplat())
    return std::nullopt;
  if (isa<IntegerType>(attr.getElementType()))
    return attr.getSplatValue<APInt>().getSExtValue();
  if (std::optional<double> f = getSplatFloat(value); f && *f == std::round(*f))
    return static_cast<int64_t>(*f);
  return std::nullopt;
}

/// A constant or a one-element integer tensor computed from dims, as a
/// linear size.
std::optional<LinearSize> getScalarOffset(Value value) {
  if (std::optional<int64_t> c = getSplatInt(value)) {
    LinearSize constant;
    constant.constant = *c;
    return constant;
  }
  return getLinearScalar(value);
}

/// Positions computed from an `llm.range` with step 1 and a start that is a
/// constant or a size computed from dims, through unsqueezes, reshapes that
/// only add unit dims, expands of the other dims, casts and added constants
/// or dim sizes.
std::optional<Positions> matchPositions(Value value, unsigned depth = 0) {
  Operation *def = value.getDefiningOp();
  if (!def || depth > 16)
    return std::nullopt;
  if (auto range = dyn_cast<RangeOp>(def)) {
    std::optional<LinearSize> start = getScalarOffset(range.getStart());
    std::optional<int64_t> step = getSplatInt(range.getDelta());
    if (!start || !step || *step != 1)
      return std::nullopt;
    return Positions{value, 0, *start};
  }
  // A cast keeps the positions (small integers), unless it is to bool.
  if (isa<CastOp>(def) && !getElementTypeOrSelf(value.getType()).isInteger(1)) {
    std::optional<Positions> p = matchPositions(def->getOperand(0), depth + 1);
    if (p)
      p->value = value;
    return p;
  }
  if (auto unsqueeze = dyn_cast<UnsqueezeOp>(def)) {
    std::optional<Positions> p = matchPositions(unsqueeze.getInput(), depth + 1);
    if (!p)
      return std::nullopt;
    // Input dim p->dim is the result dim skipping the inserted ones.
    int64_t rank = rankOf(value), seen = -1;
    SmallVector<bool> inserted(rank, false);
    for (int64_t axis : unsqueeze.getAxes())
      inserted[axis < 0 ? axis + rank : axis] = true;
    for (int64_t d = 0; d < rank; ++d)
      if (!inserted[d] && ++seen == p->dim)
        return Positions{value, d, p->offset};
    return std::nullopt;
  }
  // A reshape that only adds or drops unit dims (HF's
  // cache_position.reshape(-1, 1)) keeps the positions along the one dim
  // that is not 1.
  if (auto reshape = dyn_cast<ReshapeOp>(def)) {
    std::optional<Positions> p = matchPositions(reshape.getInput(), depth + 1);
    if (!p)
      return std::nullopt;
    auto isUnit = [](Value v, int64_t d) {
      return cast<RankedTensorType>(v.getType()).getDimSize(d) == 1;
    };
    for (int64_t d = 0; d < rankOf(reshape.getInput()); ++d)
      if (d != p->dim && !isUnit(reshape.getInput(), d))
        return std::nullopt;
    std::optional<int64_t> varying;
    for (int64_t d = 0; d < rankOf(value); ++d) {
      if (isUnit(value, d))
        continue;
      if (varying || getLinearDim(value, d) != getLinearDim(reshape.getInput(), p->dim))
        return std::nullopt;
      varying = d;
    }
    if (!varying)
      return std::nullopt;
    return Positions{value, *varying, p->offset};
  }
  if (auto expand = dyn_cast<ExpandOp>(def)) {
    std::optional<Positions> p = matchPositions(expand.getInput(), depth + 1);
    if (!p)
      return std::nullopt;
    int64_t d = p->dim + rankOf(value) - rankOf(expand.getInput());
    // The varying dim must not be broadcast (a single position repeated).
    int64_t t = d - (rankOf(value) - static_cast<int64_t>(expand.getStaticShape().size()));
    if (t >= 0) {
      DimSize target = getMixedEntry(expand.getStaticShape(), expand.getShape(), t);
      if (target.size != 1 && target != getDimSize(expand.getInput(), p->dim))
        return std::nullopt;
    }
    return Positions{value, d, p->offset};
  }
  if (isa<AddOp, SubOp>(def)) {
    // positions + c, positions - c, c + positions, where c is a constant or
    // a scalar computed from dims (the past length).
    Value lhs = def->getOperand(0), rhs = def->getOperand(1);
    std::optional<LinearSize> c = getScalarOffset(rhs);
    Value positions = lhs;
    if (!c && isa<AddOp>(def)) {
      c = getScalarOffset(lhs);
      positions = rhs;
    }
    if (!c || rankOf(positions) != rankOf(value))
      return std::nullopt;
    std::optional<Positions> p = matchPositions(positions, depth + 1);
    if (!p)
      return std::nullopt;
    p->offset.add(*c, isa<AddOp>(def) ? 1 : -1);
    return Positions{value, p->dim, p->offset};
  }
  return std::nullopt;
}

/// What a mask term keeps, relative to the diagonal: keys `j <= i + offset`
/// (`lower`) or `j >= i + offset` (upper), for query `i`.
struct Triangle {
  bool lower = true;
  /// The diagonal's offset: a constant, plus `kv_seq - q_seq` when
  /// `bottomRight`.
  int64_t offset = 0;
  bool bottomRight = false;
  /// What the triangle was built from, for the reasons.
  std::string spelling;
  /// The symbolic part of the diagonal's offset (a comparison of `past +
  /// arange(q)` with key positions); empty when the offset is a constant.
  LinearSize symbolicOffset;
  /// In a float mask, the value the triangle gives the masked-out scores,
  /// when it is one constant.
  std::optional<double> maskedValue;
};

/// The triangle's rows span the query sequence and its columns the keys:
/// a triangle that broadcasts a single row or column is a different mask.
/// Sizes compare as linear sums of dims, so that a KV cache's `past + seq`
/// columns are the key's concat(past, new) positions.
std::optional<Miss> checkSpan(const LinearSize &rows, const LinearSize &cols,
                              AttentionOp attention) {
  if (rows != getLinearDim(attention.getQuery(), 2))
    return nearMiss("the mask's rows are not the query positions");
  if (cols != getLinearDim(attention.getKey(), 2))
    return nearMiss("the mask's columns (" + cols.str() + ") are not the key positions (" +
                    getLinearDim(attention.getKey(), 2).str() + ")");
  return std::nullopt;
}

/// `size` as a linear size.
LinearSize linearOf(const DimSize &size) {
  if (size.dim >= 0)
    return getLinearDim(size.value, size.dim);
  if (!size.isStatic() && size.value)
    return getLinearIndex(size.value);
  LinearSize result;
  result.constant = size.size;
  return result;
}

std::optional<Miss> checkSpan(DimSize rows, DimSize cols, AttentionOp attention) {
  return checkSpan(linearOf(rows), linearOf(cols), attention);
}

/// A comparison of query positions (along the scores' dim 2) with key
/// positions (dim 3), as the triangle it keeps. `negate` for a comparison
/// selecting the masked-out positions.
MatchResult<Triangle> matchComparison(Operation *cmp, AttentionOp attention, bool negate) {
  if (!isa<LeOp, LtOp, GeOp, GtOp>(cmp))
    return notCandidate("not a comparison");
  std::optional<Positions> a = matchPositions(cmp->getOperand(0));
  std::optional<Positions> b = matchPositions(cmp->getOperand(1));
  if (!a || !b)
    return notCandidate("the comparison is not of positions");
  int64_t rank = rankOf(cmp->getResult(0));
  auto fromEnd = [&](const Positions &p) { return rankOf(p.value) - 1 - p.dim; };
  // 1: a query position (row), 0: a key position (column).
  int64_t roleA = fromEnd(*a), roleB = fromEnd(*b);
  if (rank < 2 || roleA > 1 || roleB > 1 || roleA == roleB)
    return notCandidate("the comparison is not of query with key positions");
  // Normalize to `a <= b + c` or `a < b + c`, then to j - i <= d / >= d.
  bool strict = isa<LtOp, GtOp>(cmp);
  bool swap = isa<GeOp, GtOp>(cmp);
  if (negate) {
    // not(a <= b) is b < a, not(a < b) is b <= a.
    strict = !strict;
    swap = !swap;
  }
  const Positions &lhs = swap ? *b : *a, &rhs = swap ? *a : *b;
  LinearSize bound = rhs.offset;
  bound.add(lhs.offset, -1);
  bound.constant -= strict ? 1 : 0;
  Triangle triangle;
  if (fromEnd(lhs) == 0) {
    // j <= i + bound.
    triangle.lower = true;
  } else {
    // i <= j + bound, so j >= i - bound.
    triangle.lower = false;
    LinearSize negated;
    negated.add(bound, -1);
    bound = negated;
  }
  triangle.offset = bound.constant;
  bound.constant = 0;
  triangle.symbolicOffset = bound;
  triangle.spelling = "a comparison of positions";
  const Positions &row = fromEnd(*a) == 1 ? *a : *b, &col = fromEnd(*a) == 1 ? *b : *a;
  if (std::optional<Miss> miss = checkSpan(getLinearDim(row.value, row.dim),
                                           getLinearDim(col.value, col.dim), attention))
    return *miss;
  return triangle;
}

/// True when `value` is all ones (or true) or, with `masked`, all at or
/// below kMaskedScore: a splat constant, an `llm.full` or an expand of one.
bool isFilledWith(Value value, bool masked) {
  value = stripIdentityCasts(value);
  if (auto expand = value.getDefiningOp<ExpandOp>())
    return isFilledWith(expand.getInput(), masked);
  if (auto full = value.getDefiningOp<FullOp>()) {
    if (auto f = dyn_cast<FloatAttr>(full.getValue()))
      return masked ? f.getValueAsDouble() <= kMaskedScore : f.getValueAsDouble() == 1.0;
    if (auto i = dyn_cast<IntegerAttr>(full.getValue()))
      return !masked && (i.getValue().isOne() || (i.getType().isInteger(1) && i.getValue() != 0));
    return false;
  }
  if (std::optional<double> f = getSplatFloat(value))
    return masked ? *f <= kMaskedScore : *f == 1.0;
  if (std::optional<int64_t> i = getSplatInt(value))
    return !masked && (*i == 1 || (*i != 0 && getElementTypeOrSelf(value.getType()).isInteger(1)));
  return false;
}

/// The value of a float splat, `llm.full` or an expand of one.
std::optional<double> getFilledFloat(Value value) {
  value = stripIdentityCasts(value);
  if (auto expand = value.getDefiningOp<ExpandOp>())
    return getFilledFloat(expand.getInput());
  if (auto full = value.getDefiningOp<FullOp>()) {
    if (auto f = dyn_cast<FloatAttr>(full.getValue()))
      return f.getValueAsDouble();
    return std::nullopt;
  }
  return getSplatFloat(value);
}

/// The triangle of a constant's last two dims, if every matrix of it is the
/// same triangle: kept entries are nonzero (`additive` = false) or zero
/// (additive, the others at or below kMaskedScore).
std::optional<Triangle> matchConstantTriangle(Value table, bool additive) {
  auto type = cast<RankedTensorType>(table.getType());
  if (type.getRank() < 2 || !type.hasStaticShape() || type.getNumElements() == 0)
    return std::nullopt;
  int64_t n = type.getDimSize(type.getRank() - 2), m = type.getDimSize(type.getRank() - 1);
  // What each element keeps: nonzero (a boolean or 0/1 mask) or, additive,
  // zero (the others must be masked).
  SmallVector<bool> keep;
  auto addFloat = [&](double d) {
    if (additive && d != 0.0 && d > kMaskedScore)
      return false;
    keep.push_back(additive ? d == 0.0 : d != 0.0);
    return true;
  };
  Type elementType = type.getElementType();
  if (DenseElementsAttr dense; matchPattern(table, m_Constant(&dense))) {
    if (dense.isSplat())
      return std::nullopt;
    if (isa<FloatType>(elementType)) {
      for (APFloat v : dense.getValues<APFloat>()) {
        bool losesInfo = false;
        v.convert(APFloat::IEEEdouble(), APFloat::rmNearestTiesToEven, &losesInfo);
        if (!addFloat(v.convertToDouble()))
          return std::nullopt;
      }
    } else if (!additive && isa<IntegerType>(elementType)) {
      for (APInt v : dense.getValues<APInt>())
        keep.push_back(!v.isZero());
    } else {
      return std::nullopt;
    }
  } else if (auto constant = table.getDefiningOp<ConstantOp>()) {
    // A weight blob (GPT-2's uint8 `bias` buffer): bytes or f32 values.
    auto resource = dyn_cast<DenseResourceElementsAttr>(constant.getValue());
    AsmResourceBlob *blob = resource ? resource.getRawHandle().getBlob() : nullptr;
    if (!blob)
      return std::nullopt;
    ArrayRef<char> bytes = blob->getData();
    int64_t count = type.getNumElements();
    if (!additive && elementType.isInteger(8) && static_cast<int64_t>(bytes.size()) == count) {
      for (char c : bytes)
        keep.push_back(c != 0);
    } else if (elementType.isF32() && static_cast<int64_t>(bytes.size()) == 4 * count) {
      for (int64_t i = 0; i < count; ++i) {
        float f;
        std::memcpy(&f, bytes.data() + 4 * i, 4);
        if (!addFloat(f))
          return std::nullopt;
      }
    } else {
      return std::nullopt;
    }
  } else {
    return std::nullopt;
  }
  // Row 0 keeps j <= offset (lower) or j >= offset (upper).
  int64_t kept = llvm::count(ArrayRef<bool>(keep).take_front(m), true);
  for (bool lower : {true, false}) {
    int64_t offset = lower ? kept - 1 : m - kept;
    bool all = true;
    for (size_t e = 0; e < keep.size() && all; ++e) {
      int64_t i = (e / m) % n, j = e % m;
      all = keep[e] == (lower ? j <= i + offset : j >= i + offset);
    }
    if (all)
      return Triangle{lower, offset, false, "a constant triangle"};
  }
  return std::nullopt;
}

/// `value` sliced along its last two dims from `[sr, sc]`, the start of
/// the rows a constant (its offset added to the triangle) or
/// `kv_seq - q_seq` (GPT-2's bias[:, :, k - q : k, :k]), the rows ending at
/// `q_seq` (or `kv_seq`) and the columns at `kv_seq`. The slice may be a
/// chain of slices on different axes (the TorchScript exporter writes one
/// Slice per sliced dim). Returns the sliced table and adjusts `triangle`.
MatchResult<Value> matchTableSlice(SliceOp outer, AttentionOp attention, Triangle &triangle) {
  SmallVector<SliceOp> chain = {outer};
  while (auto inner = chain.back().getInput().getDefiningOp<SliceOp>()) {
    if (!inner->hasOneUse())
      break;
    chain.push_back(inner);
  }
  Value table = chain.back().getInput();
  int64_t rank = rankOf(table);
  DimSize q = getDimSize(attention.getQuery(), 2), kv = getDimSize(attention.getKey(), 2);
  DimSize rowStart{0, {}, -1}, rowEnd{}, colStart{0, {}, -1}, colEnd{};
  bool rowsSliced = false, colsSliced = false;
  for (SliceOp slice : chain)
    for (auto [i, axis] : llvm::enumerate(slice.getAxes())) {
      int64_t a = axis < 0 ? axis + rank : axis;
      if (slice.getSteps()[i] != 1)
        return nearMiss("the mask table is sliced with a step");
      DimSize start = getMixedEntry(slice.getStaticStarts(), slice.getStarts(), i);
      DimSize end = getMixedEntry(slice.getStaticEnds(), slice.getEnds(), i);
      if ((a == rank - 2 && rowsSliced) || (a == rank - 1 && colsSliced))
        return nearMiss("the mask table is sliced twice along one dim");
      if (a == rank - 2) {
        rowStart = start, rowEnd = end, rowsSliced = true;
      } else if (a == rank - 1) {
        colStart = start, colEnd = end, colsSliced = true;
      } else if (!start.isStatic() || start.size != 0) {
        return nearMiss("the mask table is sliced along a batch dim");
      }
    }
  // Unsliced, a dim is the table's own.
  if (!rowsSliced)
    rowEnd = getDimSize(table, rank - 2);
  if (!colsSliced)
    colEnd = getDimSize(table, rank - 1);
  if (!colStart.isStatic() || colStart.size != 0 || colEnd != kv)
    return nearMiss("the mask table's columns are not sliced to [0, kv_seq)");
  if (rowStart.isStatic() && rowStart.size == 0 && rowEnd == q)
    return table;
  // Rows [kv - q, kv).
  if (rowEnd == kv && !rowStart.isStatic() && rowStart.dim < 0) {
    if (auto sub = rowStart.value.getDefiningOp<arith::SubIOp>();
        sub && getIndexSize(sub.getLhs()) == kv && getIndexSize(sub.getRhs()) == q) {
      triangle.bottomRight = true;
      return table;
    }
  }
  return nearMiss("the mask table's rows are not sliced to [0, q_seq) or [kv_seq - q_seq, "
                  "kv_seq)");
}

/// The triangle of a mask table: a trilu (of ones in a boolean mask, of a
/// large negative constant in an additive one) or a constant, possibly
/// sliced from a larger table. `negate`: the boolean term masks the triangle
/// out instead of keeping it.
MatchResult<Triangle> matchTriangleTable(Value term, AttentionOp attention, bool additive,
                                         bool negate) {
  Triangle triangle;
  Value table = term;
  if (auto slice = term.getDefiningOp<SliceOp>()) {
    MatchResult<Value> sliced = matchTableSlice(slice, attention, triangle);
    if (!sliced)
      return sliced.getMiss();
    table = *sliced;
  }
  int64_t rank = rankOf(table);
  if (rank < 2)
    return notCandidate("the mask term is not a triangle");
  Triangle shape;
  if (auto trilu = table.getDefiningOp<TriluOp>()) {
    if (!isFilledWith(trilu.getInput(), /*masked=*/additive))
      return nearMiss(additive ? "the trilu is not of a large negative constant"
                               : "the trilu is not of ones");
    int64_t k = static_cast<int64_t>(trilu.getK());
    if (!additive) {
      shape = Triangle{!trilu.getUpper(), k, false, "a trilu"};
    } else {
      // trilu(-big, upper, k) masks j >= i + k out: it keeps j <= i + k - 1;
      // the lower one masks j <= i + k out: it keeps j >= i + k + 1.
      shape = trilu.getUpper() ? Triangle{true, k - 1, false, "a trilu"}
                               : Triangle{false, k + 1, false, "a trilu"};
      shape.maskedValue = getFilledFloat(trilu.getInput());
    }
  } else if (table.getDefiningOp<ConstantOp>()) {
    std::optional<Triangle> constant = matchConstantTriangle(table, additive);
    if (!constant)
      return notCandidate("the constant mask is not a triangle");
    shape = *constant;
  } else {
    return notCandidate("the mask term is not a triangle");
  }
  if (negate)
    return nearMiss("mask is not causal: it masks out " + shape.spelling + " instead of keeping it");
  shape.offset += triangle.offset;
  shape.bottomRight = triangle.bottomRight;
  if (table == term) {
    if (std::optional<Miss> miss = checkSpan(getDimSize(table, rank - 2),
                                             getDimSize(table, rank - 1), attention))
      return *miss;
  }
  return shape;
}

/// A boolean mask term that keeps a triangle (`negate`: that masks out
/// one): a comparison of positions, a trilu of ones or a constant
/// triangle, possibly sliced from a larger table.
MatchResult<Triangle> matchKeepTerm(Value term, AttentionOp attention, bool negate) {
  term = stripIdentityCasts(term);
  Operation *def = term.getDefiningOp();
  if (!def)
    return notCandidate("the mask term is an argument");
  if (auto notOp = dyn_cast<NotOp>(def))
    return matchKeepTerm(notOp.getInput(), attention, !negate);
  if (isa<LeOp, LtOp, GeOp, GtOp>(def))
    return matchComparison(def, attention, negate);
  // A cast to bool of a 0/1 triangle.
  if (auto cast = dyn_cast<CastOp>(def))
    if (getElementTypeOrSelf(cast.getType()).isInteger(1))
      return matchKeepTerm(cast.getInput(), attention, negate);
  return matchTriangleTable(term, attention, /*additive=*/false, negate);
}

/// An additive mask term that is 0 on a triangle and at or below
/// kMaskedScore elsewhere: `where(keep, 0, -big)`, `where(masked, -big, 0)`,
/// `trilu(full(-big), upper)` or a constant.
MatchResult<Triangle> matchAdditiveTerm(Value term, AttentionOp attention) {
  term = stripIdentityCasts(term);
  Operation *def = term.getDefiningOp();
  if (!def)
    return notCandidate("the mask term is an argument");
  if (auto where = dyn_cast<WhereOp>(def)) {
    std::optional<double> onTrue = getSplatFloat(where.getTrueValue());
    std::optional<double> onFalse = getSplatFloat(where.getFalseValue());
    MatchResult<Triangle> triangle = notCandidate("");
    if (onTrue && onFalse && *onTrue == 0.0 && *onFalse <= kMaskedScore)
      triangle = matchKeepTerm(where.getCondition(), attention, false);
    else if (onTrue && onFalse && *onFalse == 0.0 && *onTrue <= kMaskedScore)
      triangle = matchKeepTerm(where.getCondition(), attention, true);
    else
      return notCandidate("the where does not select 0 against a large negative constant");
    if (!triangle)
      return triangle;
    Triangle shape = *triangle;
    shape.maskedValue = *onTrue == 0.0 ? *onFalse : *onTrue;
    return shape;
  }
  return matchTriangleTable(term, attention, /*additive=*/true, /*negate=*/false);
}

/// How a mask's terms combine.
enum class Combine { And, Add, Min };

/// True when `unsqueeze` only adds leading dims: a mask term
/// `[q, kv]` lifted to `[1, 1, q, kv]` broadcasts the same.
bool addsLeadingDims(UnsqueezeOp unsqueeze) {
  int64_t rank = rankOf(unsqueeze);
  int64_t added = static_cast<int64_t>(unsqueeze.getAxes().size());
  for (int64_t axis : unsqueeze.getAxes())
    if (normalizeAxis(axis, rank) >= added)
      return false;
  return true;
}

/// `value` with expands, leading unsqueezes and identity casts looked
/// through.
Value stripBroadcasts(Value value) {
  value = stripIdentityCasts(value);
  while (true) {
    if (auto expand = value.getDefiningOp<ExpandOp>())
      value = stripIdentityCasts(expand.getInput());
    else if (auto unsqueeze = value.getDefiningOp<UnsqueezeOp>(); unsqueeze && addsLeadingDims(unsqueeze))
      value = stripIdentityCasts(unsqueeze.getInput());
    else
      return value;
  }
}

/// The conjunction (boolean mask, `and`), sum (float, `add`) or minimum
/// (float, `min`) of mask terms, looking through expands and identity
/// casts; splat `true` and 0 terms of a conjunction or sum, which do
/// nothing, are left out.
void collectTerms(Value mask, Combine combine, SmallVectorImpl<Value> &terms,
                  unsigned depth = 0) {
  Value value = stripBroadcasts(mask);
  Operation *def = value.getDefiningOp();
  if (def && depth < 16 &&
      ((combine == Combine::And && isa<AndOp>(def)) ||
       (combine == Combine::Add && isa<AddOp>(def)) ||
       (combine == Combine::Min && isa<MinOp>(def)))) {
    collectTerms(def->getOperand(0), combine, terms, depth + 1);
    collectTerms(def->getOperand(1), combine, terms, depth + 1);
    return;
  }
  if ((combine == Combine::And &&
       (getSplatInt(value) == std::optional<int64_t>(-1) || getSplatInt(value) == 1)) ||
      (combine == Combine::Add && getSplatFloat(value) == 0.0))
    return;
  terms.push_back(value);
}

/// True when every element of the float mask `value` is provably <= 0: a
/// splat or constant, a where of such, or a sum or minimum involving them.
/// min(causal, pad) is causal + pad only for such a `pad`.
bool isNonPositive(Value value, unsigned depth = 0) {
  value = stripBroadcasts(value);
  if (std::optional<double> splat = getSplatFloat(value))
    return *splat <= 0.0;
  if (DenseElementsAttr attr; matchPattern(value, m_Constant(&attr))) {
    if (!isa<FloatType>(attr.getElementType()))
      return false;
    return llvm::all_of(attr.getValues<APFloat>(),
                        [](const APFloat &v) { return v.isNegative() || v.isZero(); });
  }
  Operation *def = value.getDefiningOp();
  if (!def || depth > 8)
    return false;
  if (auto where = dyn_cast<WhereOp>(def))
    return isNonPositive(where.getTrueValue(), depth + 1) &&
           isNonPositive(where.getFalseValue(), depth + 1);
  if (isa<AddOp>(def))
    return isNonPositive(def->getOperand(0), depth + 1) &&
           isNonPositive(def->getOperand(1), depth + 1);
  if (isa<MinOp>(def))
    return isNonPositive(def->getOperand(0), depth + 1) ||
           isNonPositive(def->getOperand(1), depth + 1);
  return false;
}

/// False when every element of the float mask term `value` is provably
/// finite and above kAbsorbingScore (a splat, a constant, a where of such),
/// so that it cannot saturate a score.
bool maySaturate(Value value, unsigned depth = 0) {
  value = stripBroadcasts(value);
  if (std::optional<double> splat = getSplatFloat(value))
    return std::isinf(*splat) || *splat <= kAbsorbingScore;
  if (DenseElementsAttr attr; matchPattern(value, m_Constant(&attr))) {
    if (!isa<FloatType>(attr.getElementType()))
      return true;
    return llvm::any_of(attr.getValues<APFloat>(), [](const APFloat &v) {
      return v.isInfinity() || v.isNaN() || v.convertToDouble() <= kAbsorbingScore;
    });
  }
  if (auto where = value.getDefiningOp<WhereOp>(); where && depth < 8)
    return maySaturate(where.getTrueValue(), depth + 1) ||
           maySaturate(where.getFalseValue(), depth + 1);
  return true;
}

/// The causal attribute and the mask without its causal term.
struct CausalMatch {
  StringRef causal;
  /// The terms left, to be combined again.
  SmallVector<Value> rest;
  Combine combine = Combine::And;
  /// A float mask's masked_fill around the terms, `where(fill, value,
  /// terms)` (HF's causal.masked_fill(padding, min)), or null.
  WhereOp fill;
  /// When set, the mask becomes this boolean (negated with `invertKeep`)
  /// with masked_rows = "uniform" (see matchRoot).
  Value booleanKeep;
  bool invertKeep = false;
};

/// What a triangle keeps, for the reasons: `keys j <= i + 2`.
std::string describe(const Triangle &t) {
  std::string offset = t.bottomRight ? " + kv_seq - q_seq" : "";
  if (!t.symbolicOffset.isConstant())
    offset += (t.symbolicOffset.terms.front().second < 0 ? " " : " + ") + t.symbolicOffset.str();
  if (t.offset != 0)
    offset += (t.offset > 0 ? " + " : " - ") + std::to_string(std::abs(t.offset));
  return (t.lower ? "keys j <= i" : "keys j >= i") + offset;
}

// attention(q, k, v, mask = and(le(key_pos, query_pos), pad)) -> attention(q, k, v, pad) {causal = "upper_left"}
// (also trilu / constant triangles, sliced tables, where(keep, 0, -big) + pad)
struct RaiseCausalMask : RaisePattern<RaiseCausalMask, AttentionOp, CausalMatch> {
  using RaisePattern::RaisePattern;
  static constexpr llvm::StringLiteral missPrefix = "not folded into llm.attention's causal";

  static MatchResult<CausalMatch> matchRoot(AttentionOp root) {
    if (root.getLayout() != "bhsd")
      return notCandidate("the attention's layout is not bhsd");
    if (!root.getMask())
      return notCandidate("no mask");
    if (root.getCausal() != "none")
      return notCandidate("already causal");
    CausalMatch match;
    bool boolean = getElementTypeOrSelf(root.getMask().getType()).isInteger(1);
    match.combine = boolean                                                ? Combine::And
                    : stripBroadcasts(root.getMask()).getDefiningOp<MinOp>() ? Combine::Min
                                                                             : Combine::Add;
    SmallVector<Value> terms;
    Value mask = root.getMask();
    // masked_fill(terms, fill, -big) masks the fill's positions out on top
    // of the terms: where(fill, -big, terms) keeps that where around the
    // terms left.
    if (!boolean)
      if (auto where = stripBroadcasts(mask).getDefiningOp<WhereOp>()) {
        std::optional<double> filled = getSplatFloat(where.getTrueValue());
        if (filled && *filled <= kMaskedScore && !matchAdditiveTerm(where, root)) {
          match.fill = where;
          mask = where.getFalseValue();
          match.combine = stripBroadcasts(mask).getDefiningOp<MinOp>() ? Combine::Min
                                                                       : Combine::Add;
        }
      }
    collectTerms(mask, match.combine, terms);
    std::optional<Triangle> causal;
    std::optional<Miss> firstMiss;
    std::optional<Triangle> other;
    auto q = cast<RankedTensorType>(root.getQuery().getType());
    auto k = cast<RankedTensorType>(root.getKey().getType());
    for (Value term : terms) {
      MatchResult<Triangle> triangle =
          boolean ? matchKeepTerm(term, root, false) : matchAdditiveTerm(term, root);
      if (!triangle) {
        if (triangle.getMiss().candidate && !firstMiss)
          firstMiss = triangle.getMiss();
        match.rest.push_back(term);
        continue;
      }
      // j <= i + (kv - q) with static sequences is either alignment.
      Triangle t = *triangle;
      // j <= i + past where past provably is kv_seq - q_seq (a KV cache's
      // concat(past, new) keys, the queries at past + arange(q)) is
      // lower_right. Any other symbolic offset stays in the mask.
      if (!t.symbolicOffset.isConstant()) {
        LinearSize diagonal = t.symbolicOffset;
        diagonal.constant = t.offset;
        LinearSize kvMinusQ = getLinearDim(root.getKey(), 2);
        kvMinusQ.add(getLinearDim(root.getQuery(), 2), -1);
        if (!t.bottomRight && diagonal == kvMinusQ) {
          t.bottomRight = true;
          t.offset = 0;
          t.symbolicOffset = LinearSize();
        }
      }
      if (!t.bottomRight && !q.isDynamicDim(2) && !k.isDynamicDim(2) &&
          t.offset == k.getDimSize(2) - q.getDimSize(2) && t.offset != 0) {
        t.bottomRight = true;
        t.offset = 0;
      }
      if (t.lower && t.offset == 0 && t.symbolicOffset.isConstant() && !causal) {
        causal = t;
        continue;
      }
      if (!other)
        other = t;
      match.rest.push_back(term);
    }
    if (causal && other)
      return nearMiss("mask is not causal: it also keeps only " + describe(*other) +
                      " (a window)");
    if (!causal) {
      if (other && !other->symbolicOffset.isConstant()) {
        LinearSize diagonal = other->symbolicOffset;
        diagonal.constant = other->offset;
        LinearSize kvMinusQ = getLinearDim(root.getKey(), 2);
        kvMinusQ.add(getLinearDim(root.getQuery(), 2), -1);
        return nearMiss("mask is not causal: " + other->spelling + " keeps " + describe(*other) +
                        ": the offset " + diagonal.str() +
                        " is not provably kv_seq - q_seq (" + kvMinusQ.str() + ")");
      }
      if (other)
        return nearMiss("mask is not causal: " + other->spelling + " keeps " + describe(*other) +
                        ", expected keys j <= i");
      if (firstMiss)
        return *firstMiss;
      return notCandidate("no mask term is a triangle");
    }
    if (match.combine == Combine::Min)
      for (Value term : match.rest)
        if (!isNonPositive(term))
          return nearMiss("the causal term is combined with min with a term that may be positive "
                          "(min(causal, pad) is causal + pad only for pad <= 0)");
    match.causal = causal->bottomRight ? "lower_right" : "upper_left";
    if (boolean)
      return match;
    // A float mask split into the causal attribute and the rest is exact
    // for every row that keeps a visible key with a score the rest did not
    // saturate: the masked-out keys weigh exp(c - max) = 0 either way. A
    // row whose visible keys the rest saturates is not: in the source every
    // masked-out key competes with them (HF's masked_fill gives a padded
    // masked-out key the same c; min(c, pad) and c + 0 give c), so softmax
    // averages over keys the causal attribute would leave out. Such rows
    // are the padding rows of a left-padded batch. The spellings where
    // every key of such a row ends at one c (the fill or the min's where
    // with the triangle's own finite absorbing c: s + c == c) become a
    // boolean mask with masked_rows = "uniform", the mean of v over all
    // keys; a -inf triangle never competes; anything else keeps its mask.
    bool triangleNeverCompetes =
        causal->maskedValue && std::isinf(*causal->maskedValue) && *causal->maskedValue < 0;
    auto absorbsAt = [&](std::optional<double> c) {
      return c && !std::isinf(*c) && *c <= kAbsorbingScore && causal->maskedValue == *c;
    };
    if (match.fill) {
      if (match.rest.empty() && absorbsAt(getSplatFloat(match.fill.getTrueValue()))) {
        match.booleanKeep = match.fill.getCondition();
        match.invertKeep = true;
        return match;
      }
      return nearMiss("the padding fill may mask every visible key of a row, which then weighs "
                      "the causally masked-out keys too (exact only for a finite absorbing fill "
                      "equal to the triangle's, e.g. finfo.min in both, and no other term)");
    }
    if (triangleNeverCompetes)
      return match;
    SmallVector<Value> saturating;
    for (Value term : match.rest)
      if (maySaturate(term))
        saturating.push_back(term);
    if (saturating.empty())
      return match;
    if (match.combine == Combine::Min && match.rest.size() == 1)
      if (auto where = definingOp<WhereOp>(match.rest.front())) {
        std::optional<double> onTrue = getSplatFloat(where.getTrueValue());
        std::optional<double> onFalse = getSplatFloat(where.getFalseValue());
        if (onTrue == 0.0 && absorbsAt(onFalse)) {
          match.booleanKeep = where.getCondition();
          return match;
        }
        if (onFalse == 0.0 && absorbsAt(onTrue)) {
          match.booleanKeep = where.getCondition();
          match.invertKeep = true;
          return match;
        }
      }
    return nearMiss("the rest of the float mask may mask every visible key of a row, which then "
                    "weighs the causally masked-out keys too (exact for a -inf triangle, or "
                    "min(triangle, where(keep, 0, c)) with the triangle's finite absorbing c)");
  }

  static void rewriteRoot(AttentionOp root, const CausalMatch &match, PatternRewriter &rewriter) {
    Value mask;
    for (Value term : match.rest) {
      if (!mask) {
        mask = term;
        continue;
      }
      switch (match.combine) {
      case Combine::And:
        mask = AndOp::create(rewriter, root.getLoc(), mask, term).getResult();
        break;
      case Combine::Add:
        mask = AddOp::create(rewriter, root.getLoc(), mask, term).getResult();
        break;
      case Combine::Min:
        mask = MinOp::create(rewriter, root.getLoc(), mask, term).getResult();
        break;
      }
    }
    if (match.booleanKeep) {
      Value keep = match.booleanKeep;
      if (match.invertKeep)
        keep = NotOp::create(rewriter, root.getLoc(), keep);
      rewriter.modifyOpInPlace(root, [&] {
        root.getMaskMutable().assign(keep);
        root.setCausal(match.causal);
        root.setMaskedRows("uniform");
      });
      return;
    }
    if (match.fill) {
      WhereOp fill = match.fill;
      if (!mask) {
        auto scalar = RankedTensorType::get({}, getElementTypeOrSelf(fill.getType()));
        mask = ConstantOp::create(rewriter, root.getLoc(),
                                  DenseElementsAttr::get(scalar, rewriter.getZeroAttr(
                                                                     scalar.getElementType())))
                   .getResult();
      }
      mask = WhereOp::create(rewriter, fill.getLoc(), fill.getCondition(), fill.getTrueValue(),
                             mask)
                 .getResult();
    }
    rewriter.modifyOpInPlace(root, [&] {
      if (mask)
        root.getMaskMutable().assign(mask);
      else
        root.getMaskMutable().clear();
      root.setCausal(match.causal);
    });
  }
};

} // namespace

void raising::populateRaiseAttentionInputPatterns(RewritePatternSet &patterns) {
  patterns.add<FoldKeyRoundTrip, FoldRepeatedKV, RaiseCausalMask>(patterns.getContext());
}

void raising::explainAttentionInputMisses(Operation *op, SmallVectorImpl<std::string> &remarks) {
  explainMisses<FoldKeyRoundTrip, FoldRepeatedKV, RaiseCausalMask>(op, remarks);
}
