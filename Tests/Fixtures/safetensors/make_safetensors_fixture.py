"""Writes mixed_dtypes.safetensors with the reference `safetensors` package.

Run from the repository root:

    python3 Tests/Fixtures/safetensors/make_safetensors_fixture.py

The values are chosen so that exact decoding can be checked against independently known
numbers: extremes, subnormals, signed zero, infinities and NaN of each float format, and the
extremes of I64. The Swift test hard-codes the same numbers, not this file's output.
"""

import math
import pathlib

import torch
from safetensors.torch import save_file

OUT = pathlib.Path(__file__).resolve().parent / "mixed_dtypes.safetensors"

tensors = {
    "f32": torch.tensor([[1.0, -2.5, 0.1], [3.4028234663852886e38, 2.0**-149, -0.0]], dtype=torch.float32),
    "f16": torch.tensor([1.0, -2.0, 65504.0, 2.0**-24, 2.0**-14, math.inf, -0.0, math.nan, 1.0 / 3.0], dtype=torch.float16),
    "bf16": torch.tensor([[1.0, -3.0, 2.0**-133], [3.3895313892515355e38, -math.inf, 1.0 / 3.0]], dtype=torch.bfloat16),
    "i64": torch.tensor([[-(2**63), 2**63 - 1], [-1, 42]], dtype=torch.int64),
    "bn.num_batches_tracked": torch.tensor(7, dtype=torch.int64),
    "scalar": torch.tensor(0.5, dtype=torch.float32),
    "empty": torch.zeros(0, 3, dtype=torch.float32),
}
metadata = {"format": "pt", "note": 'quote " backslash \\ accent \u00e9'}

save_file(tensors, OUT, metadata=metadata)
for name, tensor in tensors.items():
    print(name, tensor.dtype, list(tensor.shape), tensor.flatten().tolist())
