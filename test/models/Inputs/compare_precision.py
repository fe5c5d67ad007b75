"""compare_precision.py LOW_DIR F32_DIR MAX_REL: compares the first output of
two `llm-run --dump-outputs` directories, a model compiled with --precision
against the same model in f32. Prints the largest error relative to the
largest reference magnitude (per-element relative errors are meaningless at
logits near zero) and how many positions agree on the argmax over the last
axis; exits 1 when the error is above MAX_REL or an argmax differs."""
import os
import sys

import numpy as np


def load(directory):
    return np.load(os.path.join(directory, sorted(os.listdir(directory))[0])).astype(np.float64)


low, ref = load(sys.argv[1]), load(sys.argv[2])
rel = np.abs(low - ref).max() / np.abs(ref).max()
agree = (low.argmax(-1) == ref.argmax(-1))
print(f"max error / max |reference| {rel:.1e}; argmax agrees at {agree.sum()} of {agree.size}")
sys.exit(0 if rel <= float(sys.argv[3]) and agree.all() else 1)
