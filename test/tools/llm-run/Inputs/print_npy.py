#!/usr/bin/env python3
"""Prints .npy files for FileCheck: 'FILE: dtype shape values' (values %g)."""

import os
import sys

import numpy as np

for path in sys.argv[1:]:
    a = np.load(path)
    values = " ".join("%g" % v for v in a.astype(np.float64).flatten())
    print(f"{os.path.basename(path)}: {a.dtype} {list(a.shape)} {values}")
