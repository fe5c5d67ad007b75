//===- LLMBase.td - llm dialect definition and base classes -*- tablegen -*-===//

#ifndef LLM_BASE_TD
#define LLM_BASE_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/Interfaces/ControlFlowInterfaces.td"
include "mlir/Interfaces/InferTypeOpInterface.td"

def LLM_Dialect : Dialect {
  let name = "llm";
  let cppNamespace = "::mlir::llm";
  let summary = "Transformer graphs on ranked tensors with dynamic dims";
  let description = [{
    The `llm` dialect is the level at which llm-opt optimizes transformer
    models. It sits between ONNX (which the frontend imports) and code
    generation, and is designed around three decisions:

    * **Value semantics on ranked tensors.** Every op consumes and produces
      `tensor<...>` values whose dims may be dynamic (`?`). Batch and sequence
      stay dynamic end to end; kernels take runtime sizes.
    * **Shapes are index values, not int64 tensors.** The frontend folds
      ONNX's `Shape -> Gather -> Concat -> Reshape` chains into `index`
      arithmetic (`llm.dim`, `arith`), so `llm.reshape`, `llm.expand`,
      `llm.slice` and friends take mixed static/dynamic dim lists
      (`[%batch, 12, 64]`). Passes see real reshapes.
    * **Composite ops are first class.** `llm.layer_norm`, `llm.rms_norm`,
      `llm.gelu`, `llm.silu`, `llm.swiglu`, `llm.attention` and
      `llm.rotary_embedding` are
      what the raising passes produce and what codegen has tuned kernels for;
      the ONNX Runtime contrib ops import directly into them.

    Weights are `llm.constant` ops holding `dense_resource` blobs so that
    printing IR never prints them in full. Quantized tensors use MLIR's
    `quant` types (per-tensor, per-axis and sub-channel); block-quantized
    weights whose scales are too many to live in a type carry their scales as
    operands of `llm.dequantize`.
  }];
  let hasConstantMaterializer = 1;
  let dependentDialects = ["::mlir::arith::ArithDialect", "::mlir::quant::QuantDialect"];
  let useDefaultAttributePrinterParser = 0;
}

/// Base class of all llm ops.
class LLM_Op<string mnemonic, list<Trait> traits = []>
    : Op<LLM_Dialect, mnemonic, traits>;

//===----------------------------------------------------------------------===//
// Type constraints
//===----------------------------------------------------------------------===//

def LLM_Tensor : RankedTensorOf<[AnyType]>;
def LLM_FloatTensor : RankedTensorOf<[AnyFloat]>;
def LLM_IntTensor : RankedTensorOf<[AnySignlessInteger, AnyUnsignedInteger]>;
def LLM_BoolTensor : RankedTensorOf<[I1]>;
def LLM_IndexTensor : RankedTensorOf<[I32, I64]>;
def LLM_I64Tensor : RankedTensorOf<[I64]>;

def LLM_QuantizedType : Type<CPred<"::llvm::isa<::mlir::quant::QuantizedType>($_self)">,
                             "quantized type">;
def LLM_QuantTensor : RankedTensorOf<[LLM_QuantizedType]>;

#endif // LLM_BASE_TD
