"""Writes reference weights, inputs and outputs of three MIL heads for the Swift heads' tests.

Run from the repository root (needs torch, torchmil 1.0.2, safetensors):

    python3 Tests/Fixtures/mil_heads/make_head_fixtures.py

For each head, `<head>_weights.safetensors` is the model's own `state_dict()` (so the test also
proves the Swift head loads a PyTorch checkpoint by name), and `<head>_io.safetensors` holds,
per bag k, `bag<k>.input` [n, D], `bag<k>.logits` [C], `bag<k>.attention` and
`bag<k>.input_grad` [n, D] = d(sum(logits * upstream))/d input by autograd, with `upstream`
[C] stored too. Each bag runs alone (batch of one, no mask), eval mode, float32, one thread.

- DSMIL: `torchmil.models.DSMIL(in_shape=(6,), att_dim=4)`; `logits` is torchmil's
  `predict` output 0.5 * (bag logit + max instance logit); `bag_logit` and `max_logit` are the
  two streams; `attention` [n] is the softmaxed critical-instance attention.
- TransMIL: `torchmil.models.TransMIL(in_shape=(6,), att_dim=16, n_layers=2, n_heads=4)`
  (8 landmarks, 6 pseudo-inverse iterations); `attention` [n] is `forward(return_att=True)`'s.
  Bag sizes 30, 5 and 1 exercise the grid padding and the landmark padding.
- CLAM-MB: torchmil 1.0.2 ships only CLAM-SB, so the reference is a PyTorch module written
  here with the layout and `state_dict` names of CLAM's `CLAM_MB(gate=True, dropout=0.)`
  (mahmoodlab/CLAM, models/model_clam.py): fc -> gated attention with one branch per class ->
  per-class attention pooling -> one Linear(E, 1) per class. `attention` [C, n] is softmaxed.
  `clam_mb_instance_loss.safetensors`: CLAM's instance clustering loss (label 1, k = 3) of one
  9-instance bag `input`, without (`in_class.*`) and with (`subtyping.*`) the out-of-the-class
  terms: `loss` [1] and `input_grad` [9, D] by autograd.

With CLAM_ROOT set to a checkout of mahmoodlab/CLAM, the script also loads the CLAM-MB weights
into CLAM's own `CLAM_MB` (its models/model_clam.py, sized down through its classes) and
asserts that logits, attention and the instance loss with its input gradient agree to 1e-6
(checked at CLAM commit 53e2409d: at most 2.4e-7).

All weights are redrawn from a fixed seed (LayerNorm and convolution weights too, so none is
at its identity initialisation), so the files are identical on rerun.
"""

import os
import pathlib
import sys
import types

sys.modules.setdefault("torchvision._meta_registrations", types.ModuleType("torchvision._meta_registrations"))

import torch  # noqa: E402
from safetensors.torch import save_file  # noqa: E402
from torchmil.models import DSMIL, TransMIL  # noqa: E402

OUT = pathlib.Path(__file__).resolve().parent
torch.manual_seed(20260415)
torch.set_num_threads(1)
D = 6


def randomise(model, scale=0.5):
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("norm1.weight") or name.endswith("norm2.weight") or name == "norm.weight":
                p.copy_(1 + 0.2 * torch.randn_like(p))
            else:
                p.copy_(scale * torch.randn_like(p))


def save(name, model, bags, run):
    model.eval()
    save_file({k: v.contiguous() for k, v in model.state_dict().items()}, str(OUT / f"{name}_weights.safetensors"))
    io = {}
    for k, x in enumerate(bags):
        x = x.clone().requires_grad_(True)
        outputs = run(model, x)
        logits = outputs.pop("logits")
        upstream = torch.linspace(0.7, -0.4, logits.numel())
        (logits * upstream).sum().backward()
        io[f"bag{k}.input"] = x.detach()
        io[f"bag{k}.logits"] = logits.detach()
        io[f"bag{k}.upstream"] = upstream
        io[f"bag{k}.input_grad"] = x.grad.detach()
        for key, value in outputs.items():
            io[f"bag{k}.{key}"] = value.detach().contiguous()
    save_file(io, str(OUT / f"{name}_io.safetensors"), metadata={"bags": str(len(bags))})


# --- DSMIL ---------------------------------------------------------------------------------
dsmil = DSMIL(in_shape=(D,), att_dim=4)
randomise(dsmil)


def run_dsmil(model, x):
    bag_logit, attention, instance_logits = model(x[None], return_att=True, return_inst_pred=True)
    max_logit = instance_logits.max(dim=1).values
    return {"logits": (0.5 * (bag_logit + max_logit)).view(1), "bag_logit": bag_logit.view(1),
            "max_logit": max_logit.view(1), "attention": attention.view(-1)}


save("dsmil", dsmil, [torch.randn(7, D), torch.randn(3, D)], run_dsmil)

# --- TransMIL ------------------------------------------------------------------------------
transmil = TransMIL(in_shape=(D,), att_dim=16, n_layers=2, n_heads=4)
randomise(transmil, scale=0.3)


def run_transmil(model, x):
    logits, attention = model(x[None], return_att=True)
    return {"logits": logits.view(1), "attention": attention.view(-1)}


save("transmil", transmil, [torch.randn(30, D), torch.randn(5, D), torch.randn(1, D)], run_transmil)


# --- CLAM-MB -------------------------------------------------------------------------------
class GatedBranches(torch.nn.Module):
    def __init__(self, e, l, c):
        super().__init__()
        self.attention_a = torch.nn.Sequential(torch.nn.Linear(e, l), torch.nn.Tanh())
        self.attention_b = torch.nn.Sequential(torch.nn.Linear(e, l), torch.nn.Sigmoid())
        self.attention_c = torch.nn.Linear(l, c)

    def forward(self, h):
        return self.attention_c(self.attention_a(h) * self.attention_b(h)), h


class CLAMMultiBranchReference(torch.nn.Module):
    def __init__(self, d, e, l, c):
        super().__init__()
        self.attention_net = torch.nn.Sequential(torch.nn.Linear(d, e), torch.nn.ReLU(), torch.nn.Dropout(0.0),
                                                 GatedBranches(e, l, c))
        self.classifiers = torch.nn.ModuleList([torch.nn.Linear(e, 1) for _ in range(c)])
        self.instance_classifiers = torch.nn.ModuleList([torch.nn.Linear(e, 2) for _ in range(c)])
        self.c = c

    def forward(self, x):
        scores, h = self.attention_net(x)                    # [n, C], [n, E]
        attention = torch.softmax(scores.T, dim=1)           # [C, n]
        pooled = attention @ h                                # [C, E]
        logits = torch.cat([self.classifiers[k](pooled[k]) for k in range(self.c)])
        return logits, attention


clam = CLAMMultiBranchReference(D, 8, 5, 3)
randomise(clam)


def run_clam(model, x):
    logits, attention = model(x)
    return {"logits": logits, "attention": attention}


save("clam_mb", clam, [torch.randn(9, D), torch.randn(2, D)], run_clam)


# CLAM's instance-level clustering loss for one bag (CLAM_MB.forward(instance_eval=True)):
# in-the-class: top-k and bottom-k of the label's attention branch, targets 1 and 0; with
# subtyping, out-of-the-class: top-k of every other branch, target 0; mean CE each, summed,
# divided by C with subtyping.
def clam_instance_loss(model, x, label, k, subtyping):
    _, h = model.attention_net(x)
    _, attention = model(x)
    total = 0.0
    for c in range(model.c):
        classifier = model.instance_classifiers[c]
        top = torch.topk(attention[c], k)[1]
        if c == label:
            bottom = torch.topk(-attention[c], k)[1]
            rows = torch.cat([h[top], h[bottom]])
            targets = torch.cat([torch.ones(k, dtype=torch.long), torch.zeros(k, dtype=torch.long)])
        elif subtyping:
            rows, targets = h[top], torch.zeros(k, dtype=torch.long)
        else:
            continue
        total = total + torch.nn.functional.cross_entropy(classifier(rows), targets)
    return total / model.c if subtyping else total


clam_io = {}
x = torch.randn(9, D)
for subtyping in (False, True):
    xi = x.clone().requires_grad_(True)
    loss = clam_instance_loss(clam, xi, label=1, k=3, subtyping=subtyping)
    loss.backward()
    key = "subtyping" if subtyping else "in_class"
    clam_io[f"{key}.loss"] = loss.detach().view(1)
    clam_io[f"{key}.input_grad"] = xi.grad.detach()
clam_io["input"] = x
save_file(clam_io, str(OUT / "clam_mb_instance_loss.safetensors"))


def check_against_clam(root):
    """The reference module against CLAM's own CLAM_MB with the same weights."""
    sys.path.insert(0, str(pathlib.Path(root) / "models"))
    from model_clam import CLAM_MB, Attn_Net_Gated

    class SmallCLAM(CLAM_MB):  # CLAM_MB with this file's sizes; CLAM hard-codes 512/256
        def __init__(self):
            torch.nn.Module.__init__(self)
            self.attention_net = torch.nn.Sequential(torch.nn.Linear(D, 8), torch.nn.ReLU(), torch.nn.Dropout(0.0),
                                                     Attn_Net_Gated(L=8, D=5, dropout=0.0, n_classes=3))
            self.classifiers = torch.nn.ModuleList([torch.nn.Linear(8, 1) for _ in range(3)])
            self.instance_classifiers = torch.nn.ModuleList([torch.nn.Linear(8, 2) for _ in range(3)])
            self.k_sample, self.n_classes = 3, 3
            self.instance_loss_fn = torch.nn.CrossEntropyLoss()

    original = SmallCLAM()
    original.load_state_dict(clam.state_dict(), strict=True)
    original.eval()
    for xb in (torch.randn(9, D), torch.randn(2, D)):
        logits, _, _, raw, _ = original(xb)
        ours, attention = clam(xb)
        assert (logits.view(-1) - ours).abs().max() < 1e-6 and (torch.softmax(raw, 1) - attention).abs().max() < 1e-6
    for subtyping in (False, True):
        original.subtyping = subtyping
        xi = x.clone().requires_grad_(True)
        loss = original(xi, label=torch.tensor([1]), instance_eval=True)[4]["instance_loss"]
        loss.backward()
        key = "subtyping" if subtyping else "in_class"
        assert abs(loss.item() - clam_io[f"{key}.loss"].item()) < 1e-6
        assert (xi.grad - clam_io[f"{key}.input_grad"]).abs().max() < 1e-6
    print("CLAM-MB reference agrees with CLAM's CLAM_MB")


if os.environ.get("CLAM_ROOT"):
    check_against_clam(os.environ["CLAM_ROOT"])
print(f"wrote fixtures to {OUT}")
