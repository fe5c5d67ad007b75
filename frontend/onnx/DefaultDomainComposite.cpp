//===- DefaultDomainComposite.cpp - ai.onnx ops built from llm primitives -===//
//
// ai.onnx ops that the llm dialect deliberately has no op for: activations
// that are a line of elementwise math, and Einsum, which is transposes,
// reshapes and one batched matmul. Decomposing them keeps the dialect small;
// the raising passes recognize the patterns they need.
//
//===----------------------------------------------------------------------===//

#include "frontend/onnx/GraphImporter.h"

#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "llvm/ADT/StringExtras.h"

using namespace mlir;
using namespace mlir::llm;
using namespace mlir::llm::onnx_import;

namespace {

using N = NodeImporter;

/// Imports a one-input float activation given as `build(x)`.
LogicalResult importActivation(N &n, function_ref<Value(Value)> build) {
  if (failed(n.checkInputs(1, 1)))
    return failure();
  Value x = n.input(0);
  if (!isa<FloatType>(elementOf(x)))
    return n.error() << "input must be a float tensor, got " << x.getType();
  n.setOutput(0, build(x));
  return success();
}

Value constant(N &n, Value like, double v) { return n.scalar(elementOf(like), v); }

/// log(1 + exp(x)), computed as max(x, 0) + log(1 + exp(-|x|)) so that
/// large inputs do not overflow.
Value softplus(N &n, Value x) {
  Value negAbs = n.build<NegOp>(n.build<AbsOp>(x));
  Value tail = n.build<LogOp>(n.build<AddOp>(constant(n, x, 1), n.build<ExpOp>(negAbs)));
  return n.build<AddOp>(n.build<ReluOp>(x), tail);
}

/// max(0, min(1, alpha * x + beta))
Value hardSigmoid(N &n, Value x, float alpha, float beta) {
  Value lin = n.build<AddOp>(n.build<MulOp>(x, constant(n, x, alpha)), constant(n, x, beta));
  return n.build<MaxOp>(n.build<MinOp>(lin, constant(n, x, 1)), constant(n, x, 0));
}

LogicalResult importWithAlpha(N &n, float dflt, function_ref<Value(Value, float)> build) {
  auto alpha = n.floatAttr("alpha", dflt);
  if (failed(alpha))
    return failure();
  return importActivation(n, [&](Value x) { return build(x, *alpha); });
}

LogicalResult importHardSigmoid(N &n) {
  auto alpha = n.floatAttr("alpha", 0.2f), beta = n.floatAttr("beta", 0.5f);
  if (failed(alpha) || failed(beta))
    return failure();
  return importActivation(n, [&](Value x) { return hardSigmoid(n, x, *alpha, *beta); });
}

LogicalResult importIsInf(N &n) {
  if (failed(n.checkInputs(1, 1)))
    return failure();
  auto positive = n.intAttr("detect_positive", 1), negative = n.intAttr("detect_negative", 1);
  if (failed(positive) || failed(negative))
    return failure();
  Value x = n.input(0);
  if (!isa<FloatType>(elementOf(x)))
    return n.error() << "input must be a float tensor, got " << x.getType();
  double inf = std::numeric_limits<double>::infinity();
  Value isPos = n.build<EqOp>(x, constant(n, x, inf));
  Value isNeg = n.build<EqOp>(x, constant(n, x, -inf));
  Value result;
  if (*positive && *negative)
    result = n.build<OrOp>(isPos, isNeg);
  else if (*positive)
    result = isPos;
  else if (*negative)
    result = isNeg;
  else
    result = n.build<AndOp>(isPos, isNeg); // all false
  n.setOutput(0, result);
  return success();
}

LogicalResult importSign(N &n) {
  if (failed(n.checkInputs(1, 1)))
    return failure();
  Value x = n.input(0);
  Value zero = constant(n, x, 0);
  Value pos = n.castTo(n.build<GtOp>(x, zero), elementOf(x));
  Value neg = n.castTo(n.build<LtOp>(x, zero), elementOf(x));
  Value sign = n.build<SubOp>(pos, neg);
  // The sign of NaN is NaN (numpy.sign, the ONNX reference).
  if (isa<FloatType>(elementOf(x)))
    sign = n.build<WhereOp>(n.createOp<IsNanOp>(typeOf(x).clone(n.b.getI1Type()), x), x, sign);
  n.setOutput(0, sign);
  return success();
}

/// DynamicQuantizeLinear: uint8 quantization with a scale and zero point
/// computed from the data's range (which always includes 0).
LogicalResult importDynamicQuantizeLinear(N &n) {
  if (failed(n.checkInputs(1, 1)))
    return failure();
  Value x = n.input(0);
  if (!elementOf(x).isF32())
    return n.error() << "input must be f32, got " << x.getType();
  auto keep = n.b.getBoolAttr(false);
  SmallVector<int64_t> axes;
  for (int64_t d = 0; d < rankOf(x); ++d)
    axes.push_back(d);
  auto axesAttr = n.b.getDenseI64ArrayAttr(axes);
  Value zero = constant(n, x, 0), qmax = constant(n, x, 255);
  Value lo = n.build<MinOp>(n.build<ReduceMinOp>(x, axesAttr, keep), zero);
  Value hi = n.build<MaxOp>(n.build<ReduceMaxOp>(x, axesAttr, keep), zero);
  Value scale = n.build<DivOp>(n.build<SubOp>(hi, lo), qmax);
  auto clamp = [&](Value v) { return n.build<MinOp>(n.build<MaxOp>(v, zero), qmax); };
  Value zp = clamp(n.build<RoundOp>(n.build<DivOp>(n.build<NegOp>(lo), scale)));
  Value y = clamp(n.build<AddOp>(n.build<RoundOp>(n.build<DivOp>(x, scale)), zp));
  Type u8 = IntegerType::get(n.b.getContext(), 8, IntegerType::Unsigned);
  n.setOutput(0, n.castTo(y, u8));
  n.setOutput(1, scale);
  n.setOutput(2, n.castTo(zp, u8));
  return success();
}

//===----------------------------------------------------------------------===//
// Einsum
//===----------------------------------------------------------------------===//

/// One operand's subscripts, e.g. "bhqd".
using Subscripts = std::string;

/// Parses "ij,jk->ik" (implicit output: the letters appearing once, sorted).
FailureOr<std::pair<SmallVector<Subscripts>, Subscripts>> parseEquation(N &n, StringRef eq) {
  std::string compact;
  for (char c : eq)
    if (c != ' ')
      compact += c;
  if (StringRef(compact).contains("..."))
    return n.error() << "equation '" << eq << "' uses an ellipsis, which is not supported";
  auto [inputs, output] = StringRef(compact).split("->");
  SmallVector<StringRef> parts;
  inputs.split(parts, ',');
  SmallVector<Subscripts> operands;
  for (StringRef part : parts) {
    for (char c : part)
      if (!llvm::isAlpha(c))
        return n.error() << "equation '" << eq << "' has an invalid subscript '" << c << "'";
    operands.push_back(part.str());
  }
  Subscripts out;
  if (StringRef(compact).contains("->")) {
    out = output.str();
  } else {
    std::map<char, int> count;
    for (const Subscripts &s : operands)
      for (char c : s)
        ++count[c];
    for (auto [c, k] : count)
      if (k == 1)
        out += c;
  }
  return std::make_pair(operands, out);
}

/// Sums `x` over the letters of `subs` not in `keep`; returns the new subscripts.
Value sumOut(N &n, Value x, Subscripts &subs, StringRef keep) {
  SmallVector<int64_t> axes;
  Subscripts rest;
  for (auto [i, c] : llvm::enumerate(subs)) {
    if (keep.contains(c))
      rest += c;
    else
      axes.push_back(i);
  }
  if (axes.empty())
    return x;
  subs = rest;
  return n.build<ReduceSumOp>(x, n.b.getDenseI64ArrayAttr(axes), n.b.getBoolAttr(false));
}

/// Transposes `x` (subscripts `subs`) to the order `to`.
Value permute(N &n, Value x, StringRef subs, StringRef to) {
  SmallVector<int64_t> perm;
  for (char c : to)
    perm.push_back(subs.find(c));
  bool identity = llvm::all_of(llvm::enumerate(perm), [](auto p) {
    return static_cast<int64_t>(p.index()) == p.value();
  });
  return identity ? x : n.transpose(x, perm);
}

/// The product of the dims of `x` at positions [from, to).
OpFoldResult product(N &n, ArrayRef<OpFoldResult> dims) {
  OpFoldResult p = n.b.getIndexAttr(1);
  for (OpFoldResult d : dims)
    p = n.mul(p, d);
  return p;
}

LogicalResult importEinsum(N &n) {
  auto equation = n.stringAttr("equation");
  if (failed(equation))
    return failure();
  auto parsed = parseEquation(n, *equation);
  if (failed(parsed))
    return failure();
  auto [subs, out] = *parsed;
  if (subs.size() != n.numInputs() || subs.empty() || subs.size() > 2)
    return n.error() << "equation '" << *equation << "' has " << subs.size()
                     << " operands; one or two matching the node's inputs are supported";
  SmallVector<Value> xs;
  for (size_t i = 0; i < subs.size(); ++i) {
    Value x = n.input(i);
    if (!x)
      return n.error() << "input " << i << " is empty";
    if (static_cast<int64_t>(subs[i].size()) != rankOf(x))
      return n.error() << "subscripts '" << subs[i] << "' do not match the rank of "
                       << x.getType();
    if (llvm::any_of(subs[i], [&](char c) { return llvm::count(subs[i], c) > 1; }))
      return n.error() << "repeated subscripts (diagonals) are not supported";
    xs.push_back(x);
  }
  if (llvm::any_of(out, [&](char c) { return llvm::count(out, c) > 1; }))
    return n.error() << "the output repeats a subscript";

  if (xs.size() == 1) {
    Value x = sumOut(n, xs[0], subs[0], out);
    n.setOutput(0, permute(n, x, subs[0], out));
    return success();
  }
  if (elementOf(xs[0]) != elementOf(xs[1]))
    return n.error() << "operand element types differ";
  // Letters only one operand has and the output lacks are summed first.
  std::string lhsKeep = out + subs[1], rhsKeep = out + subs[0];
  Value lhs = sumOut(n, xs[0], subs[0], lhsKeep);
  Value rhs = sumOut(n, xs[1], subs[1], rhsKeep);
  Subscripts batch, contract, lhsOnly, rhsOnly;
  for (char c : subs[0]) {
    bool inRhs = StringRef(subs[1]).contains(c), inOut = StringRef(out).contains(c);
    if (inRhs && inOut)
      batch += c;
    else if (inRhs)
      contract += c;
    else
      lhsOnly += c;
  }
  for (char c : subs[1])
    if (!StringRef(subs[0]).contains(c))
      rhsOnly += c;
  for (char c : out)
    if (!StringRef(subs[0]).contains(c) && !StringRef(subs[1]).contains(c))
      return n.error() << "output subscript '" << c << "' is in no operand";
  // [batch, lhsOnly, contract] @ [batch, contract, rhsOnly] as 3-D matmuls.
  lhs = permute(n, lhs, subs[0], batch + lhsOnly + contract);
  rhs = permute(n, rhs, subs[1], batch + contract + rhsOnly);
  SmallVector<OpFoldResult> ld = n.dims(lhs), rd = n.dims(rhs);
  size_t nb = batch.size(), nl = lhsOnly.size(), nc = contract.size(), nr = rhsOnly.size();
  ArrayRef<OpFoldResult> lhsDims(ld), rhsDims(rd);
  SmallVector<OpFoldResult> batchDims(lhsDims.take_front(nb));
  OpFoldResult b = product(n, batchDims), m = product(n, lhsDims.slice(nb, nl)),
               k = product(n, lhsDims.slice(nb + nl, nc)), r = product(n, rhsDims.drop_front(nb + nc));
  Value product3 = n.build<MatmulOp>(n.reshape(lhs, {b, m, k}), n.reshape(rhs, {b, k, r}));
  SmallVector<OpFoldResult> resultDims(batchDims);
  llvm::append_range(resultDims, lhsDims.slice(nb, nl));
  llvm::append_range(resultDims, rhsDims.drop_front(nb + nc));
  (void)nr;
  Value result = n.reshape(product3, resultDims);
  n.setOutput(0, permute(n, result, batch + lhsOnly + rhsOnly, out));
  return success();
}

} // namespace

void onnx_import::addDefaultDomainCompositeOps(std::vector<OpEntry> &t) {
  auto add = [&](const char *op, int since, NodeHandler h, const char *notes) {
    t.push_back({"", op, since, std::move(h), notes});
  };
  add("DynamicQuantizeLinear", 11, importDynamicQuantizeLinear, "decomposed");
  add("Einsum", 12, importEinsum, "1-2 operands, no ellipsis or diagonals; as transposes + matmul");
  add("Elu", 6, [](N &n) {
    return importWithAlpha(n, 1.0f, [&n](Value x, float alpha) {
      Value expm1 = n.build<SubOp>(n.build<ExpOp>(x), constant(n, x, 1));
      Value neg = n.build<MulOp>(expm1, constant(n, x, alpha));
      return n.build<WhereOp>(n.build<GtOp>(x, constant(n, x, 0)), x, neg);
    });
  }, "decomposed");
  add("HardSigmoid", 6, importHardSigmoid, "decomposed");
  add("HardSwish", 14, [](N &n) {
    return importActivation(n, [&n](Value x) {
      return n.build<MulOp>(x, hardSigmoid(n, x, 1.0f / 6, 0.5f));
    });
  }, "decomposed");
  add("IsInf", 10, importIsInf, "decomposed");
  add("LeakyRelu", 6, [](N &n) {
    return importWithAlpha(n, 0.01f, [&n](Value x, float alpha) {
      Value scaled = n.build<MulOp>(x, constant(n, x, alpha));
      return n.build<WhereOp>(n.build<LtOp>(x, constant(n, x, 0)), scaled, x);
    });
  }, "decomposed");
  add("Mish", 18, [](N &n) {
    return importActivation(n, [&n](Value x) {
      return n.build<MulOp>(x, n.build<TanhOp>(softplus(n, x)));
    });
  }, "decomposed");
  add("Round", 11, [](N &n) {
    return importActivation(n, [&n](Value x) { return n.build<RoundOp>(x); });
  }, "");
  add("Sign", 9, importSign, "decomposed");
  add("Softplus", 1, [](N &n) {
    return importActivation(n, [&n](Value x) { return softplus(n, x); });
  }, "decomposed, overflow-safe");
  add("Swish", 24, [](N &n) {
    return importWithAlpha(n, 1.0f, [&n](Value x, float alpha) {
      if (alpha == 1.0f)
        return n.build<SiluOp>(x);
      return n.build<MulOp>(x, n.build<SigmoidOp>(n.build<MulOp>(x, constant(n, x, alpha))));
    });
  }, "llm.silu when alpha = 1");
}
