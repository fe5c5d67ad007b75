//===- llmk.cuh - the CUDA kernel library included by generated modules ---===//
//
// Same functions and signatures as the CPU library (runtime/kernels/cpu/llmk/
// llmk.h), with device pointers, launched on llmk::stream(). Host arrays the
// emitter passes (transpose's perm, slice's starts/steps, reduce's flags) stay
// host arrays: they are read at the call and passed to kernels by value.
//
// Where the CUDA library differs from the CPU one:
//  - gather, gatherElements, gatherNd and scatterNd always return true: an
//    index out of range stores LLM_CUDA_ERROR_INDEX_OUT_OF_RANGE in the run's
//    error flag (LLMCudaContext::error_flag), writes 0 (gathers) or skips the
//    update (scatter), and the runtime reports the flag after the run;
//  - scatterNd without a reduction applies duplicate index tuples in any
//    order (ONNX leaves it undefined; the CPU applies the last);
//  - setThreads is a no-op;
//  - the run starts with llmk::begin(args, E, EC) and ends with
//    llmk::end(E, EC); fill/range/storeValues/copy replace host loops and
//    std::fill/memcpy; clockMs synchronizes the stream (--profile-ops only).
//
//===----------------------------------------------------------------------===//

#ifndef LLMK_CUDA_LLMK_CUH
#define LLMK_CUDA_LLMK_CUH

#include "llmk/Base.cuh"
#include "llmk/Math.cuh"
#include "llmk/Elementwise.cuh"
#include "llmk/Movement.cuh"
#include "llmk/Reduce.cuh"
#include "llmk/Quant.cuh"
#include "llmk/Linalg.cuh"
#include "llmk/Attention.cuh"

#endif // LLMK_CUDA_LLMK_CUH
