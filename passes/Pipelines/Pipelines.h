//===- Pipelines.h - the registered optimization pipelines ------*- C++ -*-===//

#ifndef LLM_PASSES_PIPELINES_PIPELINES_H
#define LLM_PASSES_PIPELINES_PIPELINES_H

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"

namespace mlir {
namespace llm {

/// Options of `llm-optimize` (e.g. `--llm-optimize='report-misses=1'`).
struct LLMOptimizeOptions : public PassPipelineOptions<LLMOptimizeOptions> {
  Option<bool> raise{*this, "raise",
                     llvm::cl::desc("Raise norms, activations and attention to composite ops"),
                     llvm::cl::init(true)};
  Option<bool> foldWeights{
      *this, "fold-weights",
      llvm::cl::desc("Evaluate transposes, reshapes, concats, casts and slices of weights at "
                     "compile time (llm-fold-weight-transforms)"),
      llvm::cl::init(true)};
  Option<bool> fuseEpilogues{*this, "fuse-epilogues",
                             llvm::cl::desc("Fold bias, activation and residual into llm.linear"),
                             llvm::cl::init(true)};
  Option<bool> mergeLinears{
      *this, "merge-linears",
      llvm::cl::desc("Merge linears that read the same input (q, k, v) into one"),
      llvm::cl::init(true)};
  Option<bool> foldHeadTransposes{
      *this, "fold-head-transposes",
      llvm::cl::desc("Let attention read and write [B, S, H, D] instead of transposing its "
                     "heads (llm-fold-head-transposes)"),
      llvm::cl::init(true)};
  Option<bool> packQKVHeads{
      *this, "pack-qkv-heads",
      llvm::cl::desc("Let attention read q, k and v in place from the merged projection "
                     "(llm-pack-qkv-heads)"),
      llvm::cl::init(true)};
  Option<bool> fuseElementwise{
      *this, "fuse-elementwise",
      llvm::cl::desc("Group elementwise ops into llm.fused regions (one loop each), with "
                     "the last-axis norm they feed (one row kernel)"),
      llvm::cl::init(true)};
  Option<std::string> precision{
      *this, "precision",
      llvm::cl::desc("Compute type of the f32 ops: f32 (unchanged), f16 or bf16 "
                     "(llm-convert-precision)"),
      llvm::cl::init("f32")};
  Option<bool> keepIOTypes{
      *this, "keep-io-types",
      llvm::cl::desc("With precision f16/bf16: keep f32 arguments and results f32 (false: "
                     "they take the compute type)"),
      llvm::cl::init(true)};
  Option<bool> reportMisses{
      *this, "report-misses",
      llvm::cl::desc("Remark at every pattern candidate that did not fuse, and every weight "
                     "transform that did not fold, with the reason"),
      llvm::cl::init(false)};
};

/// The whole optimization sequence the CPU and CUDA targets compile
/// through: raising, cleanup (canonicalize, CSE) and fusion.
void buildLLMOptimizePipeline(OpPassManager &pm, const LLMOptimizeOptions &options);

/// Registers `llm-optimize` for --pass-pipeline and as `llm-opt --llm-optimize`.
void registerLLMOptimizePipeline();

} // namespace llm
} // namespace mlir

#endif // LLM_PASSES_PIPELINES_PIPELINES_H
