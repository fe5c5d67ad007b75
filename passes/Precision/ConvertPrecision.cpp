//===- ConvertPrecision.cpp - the llm-convert-precision pass --------------===//
//
// An f32 model computed in f16 or bf16 halves its weights' size and the
// bytes every op moves, and runs its GEMMs on tensor cores. The weights are
// converted once, at compile time; the function keeps its f32 interface so
// that callers (and reference outputs) do not change. A few ops whose
// results are numerically fragile stay in f32 with casts around them.
//
//===----------------------------------------------------------------------===//

#include "passes/Precision/Passes.h"

#include "passes/Folding/ConstantData.h"

#include "dialects/LLM/IR/LLMOps.h"
#include "dialects/LLM/IR/LLMWeightRecipes.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"

#include <cmath>
#include <cstring>

namespace mlir {
namespace llm {
#define GEN_PASS_DEF_CONVERTPRECISIONPASS
#include "passes/Precision/Passes.h.inc"
} // namespace llm
} // namespace mlir

using namespace mlir;
using namespace mlir::llm;

namespace {

/// What an f32 constant became: the new attribute, and how many values
/// saturated (with the largest magnitude among them).
struct ConvertedConstant {
  ElementsAttr attr;
  int64_t saturated = 0;
  float largest = 0;
};

//===----------------------------------------------------------------------===//
// The pass
//===----------------------------------------------------------------------===//

bool isF32Tensor(Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  return tensor && tensor.getElementType().isF32();
}

bool touchesF32(Operation *op) {
  return llvm::any_of(op->getOperandTypes(), isF32Tensor) ||
         llvm::any_of(op->getResultTypes(), isF32Tensor);
}

/// True for `pow(x, e)` with a constant splat `e` in [0, 1]: `|x^e| <=
/// max(1, |x|)`, so it cannot overflow where x did not.
bool isBoundedPow(PowOp pow) {
  auto constant = pow.getRhs().getDefiningOp<ConstantOp>();
  auto dense = constant ? dyn_cast<DenseFPElementsAttr>(constant.getValue()) : nullptr;
  if (!dense || !dense.isSplat())
    return false;
  double exponent = dense.getSplatValue<APFloat>().convertToDouble();
  return exponent >= 0 && exponent <= 1;
}

/// True for an op that reads a stored tensor or carries the model's
/// activations: a float computation through one of these is not a table
/// built from constants and integers.
bool isDataOp(Operation *op) {
  return isa<GatherOp, GatherNdOp, GatherElementsOp, LinearOp, AttentionOp, LayerNormOp,
             RmsNormOp, SoftmaxOp, LogSoftmaxOp, FusedOp>(op);
}

struct ConvertPrecisionPass : llm::impl::ConvertPrecisionPassBase<ConvertPrecisionPass> {
  using Base::Base;

  Type low;
  /// The constants of each weight blob in the module, to know whether the
  /// blob can be converted under its own name.
  llvm::StringMap<SmallVector<ConstantOp>> constantsOfBlob;
  /// Blobs already converted in place, by name.
  llvm::StringSet<> convertedBlobs;
  /// The converted copies of blobs also read in f32, by the source's name.
  llvm::StringMap<DenseResourceElementsAttr> convertedCopies;
  /// Constants that stay f32 (all their users do).
  DenseSet<Operation *> keptConstants;

  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    if (dtype == "f16") {
      low = Float16Type::get(ctx);
    } else if (dtype == "bf16") {
      low = BFloat16Type::get(ctx);
    } else {
      getOperation().emitError() << "llm-convert-precision: dtype must be f16 or bf16, got '"
                                 << dtype << "'";
      return signalPassFailure();
    }
    getOperation().walk([&](ConstantOp constant) {
      if (auto resource = dyn_cast<DenseResourceElementsAttr>(constant.getValue()))
        constantsOfBlob[resource.getRawHandle().getKey()].push_back(constant);
    });
    // In the module's order, so that blob names and diagnostics are
    // deterministic.
    SmallVector<std::pair<func::FuncOp, DenseSet<Operation *>>> keptOfFunc;
    for (func::FuncOp func : getOperation().getOps<func::FuncOp>())
      if (!func.isExternal())
        keptOfFunc.emplace_back(func, keptInF32(func));
    for (auto &[func, kept] : keptOfFunc)
      for (Operation *op : kept)
        if (isa<ConstantOp>(op))
          keptConstants.insert(op);
    for (auto &[func, kept] : keptOfFunc) {
      if (failed(convert(func, kept)))
        return signalPassFailure();
      if (!keepIOTypes)
        convertInterface(func);
    }
  }

  /// keep-io-types=0: the f32 arguments and results of `func` take the
  /// compute type. The casts that `convert` put at either end disappear; a
  /// user kept in f32 reads the argument through a new up-cast.
  void convertInterface(func::FuncOp func) {
    Block &entry = func.getBody().front();
    Type f32 = Float32Type::get(&getContext());
    for (BlockArgument arg : entry.getArguments()) {
      if (!isF32Tensor(arg.getType()))
        continue;
      auto lowType = cast<RankedTensorType>(arg.getType()).clone(low);
      arg.setType(lowType);
      SmallVector<OpOperand *> uses;
      for (OpOperand &use : arg.getUses())
        uses.push_back(&use);
      Value upCast;
      for (OpOperand *use : uses) {
        auto down = dyn_cast<CastOp>(use->getOwner());
        if (down && down.getType() == lowType) {
          down.getResult().replaceAllUsesWith(arg);
          down.erase();
          continue;
        }
        if (!upCast) {
          OpBuilder builder = OpBuilder::atBlockBegin(&entry);
          upCast = CastOp::create(builder, arg.getLoc(), lowType.clone(f32), arg);
        }
        use->set(upCast);
      }
    }
    func.walk([&](func::ReturnOp ret) {
      for (OpOperand &operand : ret->getOpOperands()) {
        Value value = operand.get();
        if (!isF32Tensor(value.getType()))
          continue;
        auto up = value.getDefiningOp<CastOp>();
        if (up && getElementTypeOrSelf(up.getInput().getType()) == low) {
          operand.set(up.getInput());
          if (up->use_empty())
            up.erase();
          continue;
        }
        OpBuilder builder(ret);
        operand.set(CastOp::create(builder, value.getLoc(),
                                   cast<RankedTensorType>(value.getType()).clone(low), value));
      }
    });
    auto results = llvm::to_vector(func.getFunctionType().getResults());
    for (Type &result : results)
      if (isF32Tensor(result))
        result = cast<RankedTensorType>(result).clone(low);
    func.setType(FunctionType::get(&getContext(), entry.getArgumentTypes(), results));
  }

  /// The ops of `func` that compute in f32: the fragile ones, then every
  /// table computation (constants and integers only) whose users all do.
  DenseSet<Operation *> keptInF32(func::FuncOp func) {
    DenseSet<Operation *> kept;
    // exp(x) / sum(exp(x)) outside a softmax: the exponentials overflow f16
    // above x = 11 before the division brings them back.
    DenseSet<Operation *> dividedExps;
    func.walk([&](ExpOp exp) {
      for (Operation *user : exp->getUsers()) {
        bool divided = isa<DivOp>(user);
        if (isa<ReduceSumOp>(user))
          divided |= llvm::any_of(user->getUsers(), [](Operation *u) { return isa<DivOp>(u); });
        if (divided)
          dividedExps.insert(exp);
      }
    });
    auto isDividedExp = [&](Value value) {
      Operation *def = value.getDefiningOp();
      if (def && isa<ReduceSumOp>(def))
        def = def->getOperand(0).getDefiningOp();
      return def && dividedExps.contains(def);
    };
    func.walk([&](Operation *op) {
      if (op == func || !touchesF32(op))
        return;
      bool keep = false;
      if (op->getDialect() != op->getContext()->getLoadedDialect<LLMDialect>())
        keep = true; // a fixed interface: return, call, ...
      else if (isa<ReduceSumOp, ReduceProdOp, CumSumOp, SinOp, CosOp, QuantizeOp, DequantizeOp,
                   QuantizedMatmulOp, StorageCastOp>(op))
        keep = true;
      else if (auto pow = dyn_cast<PowOp>(op))
        keep = !isBoundedPow(pow);
      else if (isa<ExpOp>(op))
        keep = dividedExps.contains(op);
      else if (auto div = dyn_cast<DivOp>(op))
        keep = isDividedExp(div.getLhs()) || isDividedExp(div.getRhs());
      else if (auto constant = dyn_cast<ConstantOp>(op))
        keep = !canConvert(constant);
      if (keep)
        kept.insert(op);
    });

    // Tables: float values computed from constants and integers alone.
    DenseSet<Operation *> tables;
    func.walk([&](Operation *op) {
      if (op == func || isDataOp(op) || op->getNumRegions() != 0)
        return;
      bool table = llvm::all_of(op->getOperands(), [&](Value operand) {
        if (!isa<FloatType>(getElementTypeOrSelf(operand.getType())))
          return true;
        Operation *def = operand.getDefiningOp();
        return def && tables.contains(def);
      });
      if (table)
        tables.insert(op);
    });
    // Backwards, so that users are decided before their producers.
    for (Block &block : func.getBody())
      for (Operation &op : llvm::reverse(block)) {
        if (kept.contains(&op) || !tables.contains(&op) ||
            !llvm::any_of(op.getResultTypes(), isF32Tensor) || op.use_empty())
          continue;
        if (llvm::all_of(op.getUsers(), [&](Operation *user) {
              return kept.contains(user) && !isa<func::ReturnOp>(user);
            }))
          kept.insert(&op);
      }
    return kept;
  }

  /// True when the constant's data can be converted now (a blob whose data
  /// is loaded, or a dense attribute).
  bool canConvert(ConstantOp constant) {
    if (!isF32Tensor(constant.getType()))
      return true;
    if (auto resource = dyn_cast<DenseResourceElementsAttr>(constant.getValue())) {
      AsmResourceBlob *blob = resource.getRawHandle().getBlob();
      auto type = cast<RankedTensorType>(resource.getType());
      if (!blob || !type.hasStaticShape() ||
          static_cast<int64_t>(blob->getData().size()) != type.getNumElements() * 4) {
        constant.emitRemark() << "weight data of '" << resource.getRawHandle().getKey()
                              << "' is not loaded: kept f32 and cast to " << low
                              << " at run time";
        return false;
      }
      return true;
    }
    return isa<DenseFPElementsAttr>(constant.getValue());
  }

  /// f32 bits rounded to the compute type.
  uint16_t round(uint32_t bits, bool &overflow) {
    return low.isF16() ? roundF32ToF16(bits, overflow) : roundF32ToBF16(bits, overflow);
  }

  /// Converts the value of an f32 constant to the compute type.
  ConvertedConstant convertConstant(ConstantOp constant) {
    ConvertedConstant result;
    auto type = cast<RankedTensorType>(constant.getType()).clone(low);
    auto count = [&](uint32_t bits, bool overflow) {
      if (!overflow)
        return;
      ++result.saturated;
      float value;
      std::memcpy(&value, &bits, sizeof value);
      result.largest = std::max(result.largest, std::fabs(value));
    };
    if (auto dense = dyn_cast<DenseFPElementsAttr>(constant.getValue())) {
      result.attr = dense.mapValues(low, [&](const APFloat &value) {
        uint32_t bits = value.bitcastToAPInt().getZExtValue();
        bool overflow = false;
        uint16_t rounded = round(bits, overflow);
        count(bits, overflow);
        return APInt(16, rounded);
      });
      return result;
    }
    auto resource = cast<DenseResourceElementsAttr>(constant.getValue());
    DenseResourceElementsHandle handle = resource.getRawHandle();
    StringRef name = handle.getKey();
    if (convertedBlobs.contains(name)) {
      result.attr = DenseResourceElementsAttr::get(type, handle);
      return result;
    }
    if (auto copy = convertedCopies.find(name); copy != convertedCopies.end()) {
      result.attr = DenseResourceElementsAttr::get(type, copy->second.getRawHandle());
      return result;
    }
    ArrayRef<char> data = handle.getBlob()->getData();
    std::vector<uint16_t> rounded(data.size() / 4);
    for (size_t i = 0; i < rounded.size(); ++i) {
      uint32_t bits;
      std::memcpy(&bits, data.data() + 4 * i, 4);
      bool overflow = false;
      rounded[i] = round(bits, overflow);
      count(bits, overflow);
    }
    AsmResourceBlob blob = HeapAsmResourceBlob::allocateAndCopyWithAlign(
        ArrayRef<char>(reinterpret_cast<const char *>(rounded.data()), rounded.size() * 2),
        alignof(std::max_align_t));
    // Under its own name when every constant of the blob is converted (the
    // usual case), so the weights file keeps the model's names; a blob also
    // read in f32 gets a new entry for the converted copy.
    bool allConverted = llvm::none_of(constantsOfBlob[name], [&](ConstantOp other) {
      return keptConstants.contains(other) || !isF32Tensor(other.getType());
    });
    if (allConverted) {
      handle.getResource()->setBlob(std::move(blob));
      convertedBlobs.insert(name);
      result.attr = DenseResourceElementsAttr::get(type, handle);
    } else {
      auto copy = DenseResourceElementsAttr::get(type, (name + "." + dtype).str(),
                                                 std::move(blob));
      convertedCopies[name] = copy;
      result.attr = copy;
      // The runtime rebuilds the copy from a checkpoint of the original. (A
      // blob converted under its own name needs no recipe: the runtime
      // converts a checkpoint's floats to the module's dtype as it loads.)
      Builder b(constant.getContext());
      recordWeightRecipe(constant, copy.getRawHandle().getKey(), "cast", {name.str()},
                         {b.getNamedAttr("dtype", TypeAttr::get(low))});
    }
    return result;
  }

  LogicalResult convert(func::FuncOp func, const DenseSet<Operation *> &kept) {
    SmallVector<Operation *> ops;
    func.walk<WalkOrder::PreOrder>([&](Operation *op) {
      if (op != func)
        ops.push_back(op);
    });
    DenseSet<Value> converted;
    DenseMap<Value, Value> downCasts, upCasts;
    DenseMap<Block *, Operation *> lastArgCast;
    // A cast right after the value's definition (or at the start of its
    // block), shared by all the users that need it.
    auto castOf = [&](Value value, Type element, DenseMap<Value, Value> &cache) {
      auto [it, inserted] = cache.try_emplace(value);
      if (!inserted)
        return it->second;
      OpBuilder builder(value.getContext());
      Block *argBlock = nullptr;
      if (Operation *def = value.getDefiningOp()) {
        builder.setInsertionPointAfter(def);
      } else {
        // Casts of arguments in the order they are made, at the block start.
        argBlock = cast<BlockArgument>(value).getOwner();
        if (Operation *last = lastArgCast.lookup(argBlock))
          builder.setInsertionPointAfter(last);
        else
          builder.setInsertionPointToStart(argBlock);
      }
      auto type = cast<RankedTensorType>(value.getType()).clone(element);
      auto castOp = CastOp::create(builder, value.getLoc(), type, value);
      if (argBlock)
        lastArgCast[argBlock] = castOp;
      it->second = castOp.getResult();
      return it->second;
    };
    Type f32 = Float32Type::get(&getContext());
    for (Operation *op : ops) {
      if (kept.contains(op)) {
        for (OpOperand &operand : op->getOpOperands())
          if (converted.contains(operand.get()))
            operand.set(castOf(operand.get(), f32, upCasts));
        continue;
      }
      for (OpOperand &operand : op->getOpOperands())
        if (isF32Tensor(operand.get().getType()))
          operand.set(castOf(operand.get(), low, downCasts));
      ConvertedConstant constantResult;
      if (auto constant = dyn_cast<ConstantOp>(op); constant && isF32Tensor(constant.getType())) {
        constantResult = convertConstant(constant);
        constant.setValueAttr(constantResult.attr);
      }
      if (auto full = dyn_cast<FullOp>(op); full && isF32Tensor(full.getType())) {
        uint32_t bits = cast<FloatAttr>(full.getValue()).getValue().bitcastToAPInt().getZExtValue();
        bool overflow = false;
        APInt rounded(16, round(bits, overflow));
        full.setValueAttr(FloatAttr::get(
            low, APFloat(cast<FloatType>(low).getFloatSemantics(), rounded)));
      }
      for (Value result : op->getResults())
        if (isF32Tensor(result.getType())) {
          result.setType(cast<RankedTensorType>(result.getType()).clone(low));
          converted.insert(result);
        }
      if (constantResult.saturated) {
        // A splat is a mask's "minus infinity" (finfo(float32).min), for which
        // the largest finite value does as well: a remark, not a warning.
        auto diag = cast<ElementsAttr>(constantResult.attr).isSplat() ? op->emitRemark()
                                                                       : op->emitWarning();
        APFloat largest = APFloat::getLargest(cast<FloatType>(low).getFloatSemantics());
        diag << constantResult.saturated << " value(s) beyond the range of " << low
             << " (largest magnitude " << constantResult.largest << ") saturated to +-"
             << largest.convertToDouble();
      }
      // A fused region's arguments take its (new) input types.
      if (auto fused = dyn_cast<FusedOp>(op))
        for (auto [input, arg] : llvm::zip(fused.getInputs(), fused.getBody().getArguments()))
          if (arg.getType() != input.getType()) {
            arg.setType(input.getType());
            converted.insert(arg);
          }
    }
    return success();
  }
};

} // namespace
