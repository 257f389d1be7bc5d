"""Writes reference_values.json: multi-class and survival numbers from independent libraries.

Run from the repository root (needs numpy, pandas, torch, scikit-learn, lifelines):

    python3 Tests/Fixtures/mil_metrics/make_reference_values.py

Every value comes from a library the Swift code does not share: scikit-learn for the
classification metrics and class weights, pandas' qcut/cut for the survival bins (the exact
PORPOISE/MCAT recipe), PyTorch autograd for the loss values and gradients (MCAT's `nll_loss`
written with cumprod and clamps; the Breslow partial likelihood as an O(n^2) double sum),
lifelines for the concordance index, the Kaplan-Meier estimate and the log-rank test.
The inputs are drawn from a fixed NumPy seed, so the output is identical on rerun.
"""

import json
import pathlib

import numpy as np
import pandas as pd
import torch
from lifelines import KaplanMeierFitter
from lifelines.statistics import logrank_test
from lifelines.utils import concordance_index
from sklearn.metrics import accuracy_score, balanced_accuracy_score, confusion_matrix, roc_auc_score
from sklearn.utils.class_weight import compute_class_weight

OUT = pathlib.Path(__file__).resolve().parent / "reference_values.json"
rng = np.random.default_rng(20260415)


def floats(a):
    return [float(x) for x in np.asarray(a, dtype=np.float64).ravel()]


# --- multi-class metrics -------------------------------------------------------------------
n, c = 40, 4
labels = rng.integers(0, c, size=n)
raw = rng.normal(size=(n, c)) + 1.2 * np.eye(c)[labels]
scores = np.exp(raw) / np.exp(raw).sum(1, keepdims=True)
scores[[5, 11, 23]] = scores[3]  # repeated rows tie in every class's scores
predicted = scores.argmax(1)
multiclass = {
    "labels": labels.tolist(),
    "scores": [floats(row) for row in scores],
    "predicted": predicted.tolist(),
    "confusion": confusion_matrix(labels, predicted, labels=list(range(c))).tolist(),
    "accuracy": accuracy_score(labels, predicted),
    "balanced_accuracy": balanced_accuracy_score(labels, predicted),
    "macro_auc": roc_auc_score(labels, scores, multi_class="ovr", average="macro"),
    "per_class_auc": [roc_auc_score(labels == k, scores[:, k]) for k in range(c)],
    "balanced_weights": floats(compute_class_weight("balanced", classes=np.arange(c), y=labels)),
}

# --- weighted softmax cross-entropy --------------------------------------------------------
ce_logits = torch.tensor(rng.normal(scale=3, size=(7, 3)), dtype=torch.float64, requires_grad=True)
ce_classes = torch.tensor(rng.integers(0, 3, size=7))
ce_weights = torch.tensor([0.5, 2.0, 1.25], dtype=torch.float64)
ce_loss = torch.nn.functional.cross_entropy(ce_logits, ce_classes, weight=ce_weights)
ce_loss.backward()
cross_entropy = {
    "logits": floats(ce_logits.detach()), "classes": ce_classes.tolist(), "weights": floats(ce_weights),
    "loss": ce_loss.item(), "gradient": floats(ce_logits.grad),
}

# --- survival data -------------------------------------------------------------------------
m = 30
times = np.round(rng.exponential(scale=24, size=m), 1)
times[5] = times[6]  # a tie between two subjects
censorship = (rng.uniform(size=m) < 0.35).astype(int)
censorship[5], censorship[6] = 0, 1  # event and censoring at the same time
events = 1 - censorship

# PORPOISE/MCAT bins: qcut of uncensored times, outer edges widened to all times +- eps.
eps, n_bins = 1e-6, 4
_, q_bins = pd.qcut(pd.Series(times[censorship < 1]), q=n_bins, retbins=True, labels=False)
q_bins[-1] = times.max() + eps
q_bins[0] = times.min() - eps
disc, q_bins = pd.cut(pd.Series(times), bins=q_bins, retbins=True, labels=False, right=False, include_lowest=True)

# MCAT's nll_loss (hazards = sigmoid, S = cumprod(1 - h), clamps at 1e-7), by autograd.
def mcat_nll(logits, y, c, alpha, clamp=1e-7):
    hazards = torch.sigmoid(logits)
    s = torch.cumprod(1 - hazards, dim=1)
    s_padded = torch.cat([torch.ones_like(c), s], 1)
    uncensored = -(1 - c) * (torch.log(torch.gather(s_padded, 1, y).clamp(min=clamp))
                             + torch.log(torch.gather(hazards, 1, y).clamp(min=clamp)))
    censored = -c * torch.log(torch.gather(s_padded, 1, y + 1).clamp(min=clamp))
    return ((1 - alpha) * (censored + uncensored) + alpha * uncensored).mean()

nll_logits_np = rng.normal(scale=1.5, size=(m, n_bins))
nll = {"logits": floats(nll_logits_np)}
for alpha in (0.0, 0.4):
    logits = torch.tensor(nll_logits_np, dtype=torch.float64, requires_grad=True)
    loss = mcat_nll(logits, torch.tensor(disc.values, dtype=torch.long).view(-1, 1),
                    torch.tensor(censorship, dtype=torch.float64).view(-1, 1), alpha)
    loss.backward()
    nll[f"alpha_{alpha}"] = {"loss": loss.item(), "gradient": floats(logits.grad)}

# Breslow partial likelihood as the textbook double sum, by autograd.
risks_np = rng.normal(size=m)
eta = torch.tensor(risks_np, dtype=torch.float64, requires_grad=True)
t = torch.tensor(times)
at_risk = (t[None, :] >= t[:, None]).double()  # at_risk[i, j] = t_j >= t_i
log_risk_set = torch.log((at_risk * torch.exp(eta)[None, :]).sum(1))
ev = torch.tensor(events, dtype=torch.float64)
cox_loss = -((eta - log_risk_set) * ev).sum() / ev.sum()
cox_loss.backward()

# lifelines: concordance (predicted "survival" = -risk), Kaplan-Meier, log-rank.
untied = np.arange(m) != 6
c_index = concordance_index(times[untied], -risks_np[untied], events[untied])
kmf = KaplanMeierFitter().fit(times, events)
event_times = np.unique(times[events == 1])
km_survival = kmf.survival_function_at_times(event_times).values
group = risks_np > np.median(risks_np)
lr = logrank_test(times[group], times[~group], event_observed_A=events[group], event_observed_B=events[~group])

survival = {
    "times": floats(times), "events": events.tolist(),
    "bin_edges": floats(q_bins), "bins": [int(b) for b in disc.values],
    "nll": nll,
    "risks": floats(risks_np),
    "cox_loss": cox_loss.item(), "cox_gradient": floats(eta.grad),
    "c_index_untied": float(c_index), "untied_mask": untied.tolist(),
    "km_times": floats(event_times), "km_survival": floats(km_survival),
    "km_median": float(kmf.median_survival_time_),
    "logrank_group": group.tolist(), "logrank_chi2": float(lr.test_statistic), "logrank_p": float(lr.p_value),
}

OUT.write_text(json.dumps({"multiclass": multiclass, "cross_entropy": cross_entropy, "survival": survival}, indent=1) + "\n")
print(f"wrote {OUT}")
