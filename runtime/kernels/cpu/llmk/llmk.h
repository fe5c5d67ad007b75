//===- llmk.h - the CPU kernel library included by generated modules ------===//

#ifndef LLMK_LLMK_H
#define LLMK_LLMK_H

#include "llmk/Attention.h"
#include "llmk/Base.h"
#include "llmk/Elementwise.h"
#include "llmk/Linalg.h"
#include "llmk/Movement.h"
#include "llmk/Program.h"
#include "llmk/Quant.h"
#include "llmk/Reduce.h"

#endif // LLMK_LLMK_H
