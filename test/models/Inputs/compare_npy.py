"""compare_npy.py A.npy B.npy [RTOL ATOL]: numpy.allclose, printing the worst element."""
import sys

import numpy as np

a, b = np.load(sys.argv[1]), np.load(sys.argv[2])
rtol = float(sys.argv[3]) if len(sys.argv) > 3 else 1e-4
atol = float(sys.argv[4]) if len(sys.argv) > 4 else 1e-5
if a.shape != b.shape:
    sys.exit(f"shape {a.shape} vs {b.shape}")
bad = ~np.isclose(a, b, rtol=rtol, atol=atol)
if bad.any():
    i = np.unravel_index(np.argmax(np.abs(a - b)), a.shape)
    sys.exit(f"{bad.sum()} of {a.size} elements differ; worst at {i}: {a[i]} vs {b[i]}")
print(f"match: max abs diff {np.abs(a - b).max():.2e}")
