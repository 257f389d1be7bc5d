"""Reference fixtures for SlideMIL's Vision Transformer, made with timm (and Hugging Face
transformers for Phikon-v2's Dinov2 layout, open_clip's AttentionalPooler for CONCH's pooler) on the CPU.

For every encoder preset, a reduced variant of the same architecture (2 blocks, width 36,
3 heads; every other choice -- patch size, registers, position-embedding layout, MLP kind and
ratio, LayerScale, pooling -- as the preset) is built with seeded random weights: layer scales,
norms, biases, tokens and position embeddings all random and far from their defaults, so that
every parameter changes the output. The weights are stored as F16 (BF16 for virchow2) and the
reference is computed with the weights rounded the same way. The input is two 256 x 256 RGB
tiles read with openslide-python from slides-sample/synthetic_0.tif at level 0.

Run from the repository root:

    python3 Tests/Fixtures/make_vit_fixtures.py

It rewrites Tests/Fixtures/vit/*.safetensors; see Tests/Fixtures/README.md.
"""

import json
import pathlib
import sys
import types

import numpy as np
import openslide
import torch
from safetensors.torch import save_file

# CPU-only torch wheels: torchvision's C-op registration fails on import; timm's ViTs do not need it.
sys.modules.setdefault("torchvision._meta_registrations", types.ModuleType("torchvision._meta_registrations"))
import timm  # noqa: E402
from timm.layers import SwiGLUPacked  # noqa: E402

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent.parent
OUT = HERE / "vit"
SLIDE = ROOT / "slides-sample" / "synthetic_0.tif"
TILE_ORIGINS = [(400, 1200), (1700, 1000)]  # level-0 corners inside tissue boxes
TILE = 256
IMAGENET = ((0.485, 0.456, 0.406), (0.229, 0.224, 0.225))
HOPTIMUS = ((0.707223, 0.578729, 0.703617), (0.211883, 0.230117, 0.177517))
REDUCED = dict(embed_dim=36, depth=2, num_heads=3)

# Preset name -> (timm kwargs of the published model, normalisation, pooling, stored dtype, extra sizes)
SWIGLU = dict(mlp_layer=SwiGLUPacked, act_layer=torch.nn.SiLU)
PRESETS = {
    "uni": (dict(arch="vit_large_patch16_224", img_size=224, patch_size=16, init_values=1e-5, num_classes=0,
                 dynamic_img_size=True), IMAGENET, "token", torch.float16, [256, 160]),
    "uni2-h": (dict(arch="vit_giant_patch14_224", img_size=224, patch_size=14, depth=24, num_heads=24, init_values=1e-5,
                    embed_dim=1536, mlp_ratio=2.66667 * 2, num_classes=0, no_embed_class=True, reg_tokens=8,
                    dynamic_img_size=True, **SWIGLU), IMAGENET, "token", torch.float16, [252]),
    "virchow2": (dict(arch="vit_huge_patch14_224", img_size=224, init_values=1e-5, num_classes=0, reg_tokens=4,
                      mlp_ratio=5.3375, global_pool="", dynamic_img_size=True, **SWIGLU),
                 IMAGENET, "cls+mean", torch.bfloat16, [252]),
    "h-optimus-0": (dict(arch="vit_giant_patch14_reg4_dinov2", img_size=224, init_values=1e-5, num_classes=0,
                         global_pool="token", dynamic_img_size=True), HOPTIMUS, "token", torch.float16, [252]),
    "gigapath": (dict(arch="vit_giant_patch14_dinov2", img_size=224, in_chans=3, patch_size=16, embed_dim=1536, depth=40,
                      num_heads=24, init_values=1e-5, mlp_ratio=5.33334, num_classes=0, dynamic_img_size=True),
                 IMAGENET, "token", torch.float16, []),
}


def read_tiles():
    slide = openslide.OpenSlide(str(SLIDE))
    tiles = [np.asarray(slide.read_region(origin, 0, (TILE, TILE)).convert("RGB")) for origin in TILE_ORIGINS]
    return np.stack(tiles).astype(np.uint8)  # [N, H, W, 3]


def normalised(tiles, size, norm):
    mean, std = (torch.tensor(v).view(1, 3, 1, 1) for v in norm)
    x = torch.from_numpy(tiles[:, :size, :size, :].copy()).permute(0, 3, 1, 2).float() / 255
    return (x - mean) / std


def randomise(model, generator):
    """Every parameter random and far from its initial value (so none can be ignored unnoticed)."""
    with torch.no_grad():
        for name, p in model.named_parameters():
            if p.dim() >= 2 and "token" not in name and "pos_embed" not in name and "position" not in name:
                fan_in = p[0].numel()
                p.copy_(torch.randn(p.shape, generator=generator) / fan_in ** 0.5)
            elif "gamma" in name or "lambda1" in name:
                p.copy_(torch.rand(p.shape, generator=generator) + 0.5)
            elif "norm" in name and name.endswith("weight"):
                p.copy_(1 + 0.3 * torch.randn(p.shape, generator=generator))
            elif name.endswith("bias"):
                p.copy_(0.2 * torch.randn(p.shape, generator=generator))
            else:  # class/register/mask tokens, position embeddings
                p.copy_(0.5 * torch.randn(p.shape, generator=generator))


def round_weights(model, dtype):
    """Round every parameter to the stored dtype and back, so the reference sees the stored values."""
    state = {k: v.to(dtype).contiguous() for k, v in model.state_dict().items()}
    model.load_state_dict({k: v.float() for k, v in state.items()})
    return state


def timm_model(kwargs, reduced):
    args = {k: v for k, v in kwargs.items() if k != "arch"}
    if reduced:
        args.update(REDUCED)
    return timm.create_model(kwargs["arch"], pretrained=False, **args).eval()


def pooled(tokens, model, pooling):
    if pooling == "token":
        return tokens
    cls = tokens[:, 0]
    patches = tokens[:, model.num_prefix_tokens:]
    return torch.cat([cls, patches.mean(1)], dim=-1)


def full_shapes(kwargs):
    """The full-size model's state_dict shapes, built on the meta device (no memory)."""
    with torch.device("meta"):
        model = timm_model(kwargs, reduced=False)
    return {k: list(v.shape) for k, v in model.state_dict().items()}


# transformers 5 renamed Dinov2's attention tensors; the published Phikon-v2 checkpoint keeps the
# names of transformers 4 (`attention.attention.query`, `attention.output.dense`), which the
# fixture reproduces.
PUBLISHED_DINOV2_NAMES = {
    ".attention.q_proj.": ".attention.attention.query.", ".attention.k_proj.": ".attention.attention.key.",
    ".attention.v_proj.": ".attention.attention.value.", ".attention.o_proj.": ".attention.output.dense.",
}


def published_dinov2_name(name):
    for new, old in PUBLISHED_DINOV2_NAMES.items():
        name = name.replace(new, old)
    return name


def phikon_v2(tiles, generator, tensors, meta):
    from transformers import Dinov2Config, Dinov2Model

    published = dict(hidden_size=1024, num_hidden_layers=24, num_attention_heads=16, mlp_ratio=4, patch_size=16,
                     image_size=224, layerscale_value=1e-5, hidden_act="gelu", layer_norm_eps=1e-6, use_swiglu_ffn=False)
    with torch.device("meta"):
        full = Dinov2Model(Dinov2Config(**published))
    meta["phikon-v2.full_shapes"] = json.dumps({published_dinov2_name(k): list(v.shape) for k, v in full.state_dict().items()})
    reduced = dict(published, hidden_size=REDUCED["embed_dim"], num_hidden_layers=REDUCED["depth"],
                   num_attention_heads=REDUCED["num_heads"])
    model = Dinov2Model(Dinov2Config(**reduced)).eval()
    randomise(model, generator)
    state = {published_dinov2_name(k): v for k, v in round_weights(model, torch.float16).items()}
    save_file(state, OUT / "phikon-v2_reduced.safetensors", metadata={"format": "pt", "layout": "transformers Dinov2Model"})
    with torch.no_grad():
        tensors["phikon-v2.features_224"] = model(pixel_values=normalised(tiles, 224, IMAGENET)).last_hidden_state[:, 0].contiguous()


OPENAI = ((0.48145466, 0.4578275, 0.40821073), (0.26862954, 0.26130258, 0.27577711))


class ConchVisual(torch.nn.Module):
    """CONCH's image tower as its model config builds it (MahmoodLab/CONCH, conch_ViT-B-16.json):
    timm's VisionTransformer as `trunk`, open_clip's AttentionalPooler for the contrastive
    (1 query) and captioning poolers with their LayerNorms, and `proj_contrast`. The features are
    those of `encode_image(proj_contrast=False, normalize=False)`: ln_contrast(attn_pool_contrast(
    trunk.forward_features(x))[:, 0])."""

    def __init__(self, width, depth, heads, pooled, caption, caption_queries):
        super().__init__()
        from open_clip.transformer import AttentionalPooler
        from timm.models.vision_transformer import VisionTransformer

        self.trunk = VisionTransformer(embed_dim=width, depth=depth, num_heads=heads, mlp_ratio=4, img_size=448,
                                       patch_size=16, num_classes=0, dynamic_img_size=True)
        self.attn_pool_contrast = AttentionalPooler(d_model=pooled, context_dim=width, n_head=8, n_queries=1)
        self.ln_contrast = torch.nn.LayerNorm(pooled)
        self.proj_contrast = torch.nn.Parameter(torch.zeros(pooled, pooled))
        self.attn_pool_caption = AttentionalPooler(d_model=caption, context_dim=width, n_head=8, n_queries=caption_queries)
        self.ln_caption = torch.nn.LayerNorm(caption)

    def forward(self, x):
        return self.ln_contrast(self.attn_pool_contrast(self.trunk.forward_features(x))[:, 0])


class Conch(torch.nn.Module):
    """The names of a CONCH checkpoint: the image tower under `visual.`, and (standing in for the
    text towers, which the features never use) a token embedding and the logit scale."""

    def __init__(self, reduced):
        super().__init__()
        if reduced:
            self.visual = ConchVisual(REDUCED["embed_dim"], REDUCED["depth"], REDUCED["num_heads"], 40, 24, 4)
        else:
            self.visual = ConchVisual(768, 12, 12, 512, 768, 256)
        self.text = torch.nn.Module()
        self.text.token_embedding = torch.nn.Embedding(32007 if not reduced else 10, 768 if not reduced else 8)
        self.logit_scale = torch.nn.Parameter(torch.ones([]))


def conch(tiles, generator, tensors, meta):
    """CONCH: the published shapes, and a reduced tower (reduced trunk, 40-wide 8-head pooler,
    448 px position grid) run at 224 and 256 px."""
    with torch.device("meta"):
        full = Conch(reduced=False)
    meta["conch.full_shapes"] = json.dumps({k: list(v.shape) for k, v in full.state_dict().items()})
    model = Conch(reduced=True).eval()
    randomise(model, generator)
    with torch.no_grad():  # the pooler's query is a token-like parameter; give it weight-like scale
        model.visual.attn_pool_contrast.query.copy_(torch.randn(1, 40, generator=generator))
    state = round_weights(model, torch.float16)
    save_file(state, OUT / "conch_reduced.safetensors", metadata={"format": "pt", "architecture": "CONCH CoCa visual"})
    with torch.no_grad():
        for size in [224, 256]:
            tensors[f"conch.features_{size}"] = model.visual(normalised(tiles, size, OPENAI)).contiguous()


def main():
    torch.manual_seed(0)
    OUT.mkdir(parents=True, exist_ok=True)
    tiles = read_tiles()
    tensors = {"tiles": torch.from_numpy(tiles)}
    meta = {"slide": SLIDE.name, "tile_origins": json.dumps(TILE_ORIGINS), "tile_size": str(TILE),
            "reduced": json.dumps(REDUCED), "timm": timm.__version__, "torch": torch.__version__}
    generator = torch.Generator().manual_seed(2024)
    for name, (kwargs, norm, pooling, dtype, extra_sizes) in PRESETS.items():
        meta[f"{name}.full_shapes"] = json.dumps(full_shapes(kwargs))
        model = timm_model(kwargs, reduced=True)
        randomise(model, generator)
        state = round_weights(model, dtype)
        save_file(state, OUT / f"{name}_reduced.safetensors", metadata={"format": "pt", "architecture": kwargs["arch"]})
        with torch.no_grad():
            for size in [224] + extra_sizes:
                tokens = model(normalised(tiles, size, norm))
                tensors[f"{name}.features_{size}"] = pooled(tokens, model, pooling).contiguous()
    phikon_v2(tiles, generator, tensors, meta)
    conch(tiles, generator, tensors, meta)
    save_file(tensors, OUT / "reference.safetensors", metadata=meta)
    for path in sorted(OUT.glob("*.safetensors")):
        print(f"{path.name}: {path.stat().st_size} bytes")


if __name__ == "__main__":
    main()
