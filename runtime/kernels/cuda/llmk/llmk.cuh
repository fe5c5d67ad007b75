//===- llmk.cuh - the CUDA kernel library included by generated modules ---===//
//
// Same functions and signatures as the CPU library (runtime/kernels/cpu/llmk/
// llmk.h), with device pointers, launched on llmk::stream().
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
