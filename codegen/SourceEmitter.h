//===- SourceEmitter.h - llm IR to C++ / CUDA C++ source -------*- C++ -*-===//
//
// Translates each function of a memory-planned module (llm-plan-memory) into
// the two entry points of ModuleABI.h, as source calling a header-only kernel
// library with one API and two implementations:
//
//   cpu   C++ over runtime/kernels/cpu/llmk (llmk/llmk.h), built by the host
//         compiler; pointers are host memory;
//   cuda  CUDA C++ over runtime/kernels/cuda/llmk (llmk/llmk.cuh), built by
//         nvcc; pointers are device memory and every kernel call launches on
//         the session's stream (LLMCudaContext).
//
// The emitted program is the same for both: host code computes every dim and
// checks shapes, then makes one library call per op. Only a few things differ
// (the header, elementwise bodies marked LLMK_FN = __device__, constants all
// in the weights file on CUDA, ops the CUDA library lacks are refused), so the
// two targets cannot drift apart. ModuleWriter builds the source into
// module.so.
//
// Why C++ and not MLIR's linalg-to-LLVM path: the generated code stays
// readable (module.cpp is kept next to module.so), kernels are ordinary
// templates with unit tests, GEMMs call OpenBLAS directly, OpenMP gives the
// threading, and GCC's vectorizer handles the elementwise loops. The cost is a
// host-compiler invocation per module (seconds).
//
//===----------------------------------------------------------------------===//

#ifndef LLM_CODEGEN_SOURCEEMITTER_H
#define LLM_CODEGEN_SOURCEEMITTER_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/BuiltinTypes.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace mlir {
namespace llm {
namespace codegen {

/// One weight the code reads through LLMRunArgs::weights.
struct WeightEntry {
  std::string name;
  RankedTensorType type;
  ArrayRef<char> data; // the resource blob's bytes, or `storage`
  /// Bytes made by codegen (large dense constants moved out of the code).
  std::shared_ptr<std::vector<char>> storage;
};

/// A graph input or output: name, element type and dims, with the symbolic
/// name of each dynamic dim ("" when unnamed).
struct TensorSignature {
  std::string name;
  RankedTensorType type;
  std::vector<std::string> dimNames;
};

struct EmittedEntry {
  std::string name;
  std::string planSymbol;
  std::string runSymbol;
  std::vector<TensorSignature> inputs;
  std::vector<TensorSignature> outputs;
  std::vector<std::pair<int64_t, int64_t>> bufferIntervals;
  std::optional<int64_t> staticArenaBytes;
};

struct EmittedModule {
  std::string source;
  std::vector<WeightEntry> weights;
  std::vector<EmittedEntry> entries;
};

enum class Target { CPU, CUDA };

/// The target named `name` ("cpu", "cuda").
std::optional<Target> parseTarget(StringRef name);

struct EmitOptions {
  Target target = Target::CPU;
  /// The code times every op and prints a profile to stderr when the process
  /// exits (on CUDA each timed op synchronizes the stream).
  bool profileOps = false;
};

/// Emits the source of every public function of `module`, which must have
/// been through llm-plan-memory. Errors are emitted at the op that cannot be
/// compiled for the target.
FailureOr<EmittedModule> emitModule(ModuleOp module, const EmitOptions &options);

/// The manifest's name of an element type ("float32", ...); empty if none.
std::string manifestDType(Type elementType);

} // namespace codegen
} // namespace llm
} // namespace mlir

#endif // LLM_CODEGEN_SOURCEEMITTER_H
