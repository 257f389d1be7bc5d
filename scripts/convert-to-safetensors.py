#!/usr/bin/env python3
"""Convert a PyTorch checkpoint (pytorch_model.bin, *.pth) to safetensors for slidemil extract.

    python3 scripts/convert-to-safetensors.py UNI/pytorch_model.bin UNI/model.safetensors

Loads with weights_only=True (no code from the file runs), unwraps a "state_dict" or "model"
entry when the tensors sit under one, drops a DataParallel "module." prefix, keeps the dtype of
every tensor (F16/BF16 stay as they are; slidemil widens them when loading) and prints the
number of tensors and their names' first entries so a wrong file shows at once.
"""
import sys

import torch
from safetensors.torch import save_file


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    source, target = sys.argv[1:]
    checkpoint = torch.load(source, map_location="cpu", weights_only=True)
    for key in ("state_dict", "model"):
        if isinstance(checkpoint, dict) and isinstance(checkpoint.get(key), dict):
            checkpoint = checkpoint[key]
    state = {}
    for name, value in checkpoint.items():
        if not isinstance(value, torch.Tensor):
            continue
        state[name.removeprefix("module.")] = value.contiguous()
    save_file(state, target, metadata={"format": "pt", "source": source.rsplit("/", 1)[-1]})
    print(f"{target}: {len(state)} tensors ({', '.join(sorted(state)[:4])}, ...)")


if __name__ == "__main__":
    main()
