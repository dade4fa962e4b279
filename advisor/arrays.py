"""The numpy array types the core computes on, named once: the estimator and the ranking work on
columns of floats, integers and flags, one row per model, quantization or offering."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]

__all__ = ["Bools", "Floats", "Ints"]
