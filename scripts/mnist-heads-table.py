#!/usr/bin/env python3
"""Runs `slidemil mnist` once per head and seed over one run folder's cached CNN features and
prints docs/mnist-bags.md's table rows: mean ± sample standard deviation over the seeds.

    scripts/mnist-heads-table.py --run runs/mnist-default --seeds 1 2 3 4 5 \\
        --heads attention gated_attention mean max softmax_mean noisy_and nn_elastic_net logistic_elastic_net
    scripts/mnist-heads-table.py --run runs/mnist-default --seeds 1 2 3 4 5 --heads attention gated_attention \\
        --set bags.task=two_digits --set bags.secondDigit=7

Each seed sets both `seed` (bags, initialisation) and `training.seed` (shuffling, validation
split); the CNN and its features stay those of the run folder (run `slidemil mnist --output RUN`
first with the same pretraining settings, or the first run here pretrains). Every run's
metrics.json is kept as RUN/heads/<head>-seed<seed>[-<tag>].json.
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys


def summary(values):
    values = [v for v in values if v is not None]
    if not values:
        return "n/a"
    if len(values) == 1:
        return f"{values[0]:.3f}"
    return f"{statistics.mean(values):.3f} ± {statistics.stdev(values):.3f}"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--slidemil", default=".build/release/slidemil")
    parser.add_argument("--run", required=True, help="run folder holding (or receiving) the cached features")
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3, 4, 5])
    parser.add_argument("--heads", nargs="+", default=["attention", "gated_attention"])
    parser.add_argument("--set", dest="overrides", action="append", default=[], help="extra --set for every run")
    parser.add_argument("--tag", default="", help="suffix of the kept metrics files")
    args = parser.parse_args()

    kept = os.path.join(args.run, "heads")
    os.makedirs(kept, exist_ok=True)
    rows = []
    for head in args.heads:
        results = []
        for seed in args.seeds:
            command = [args.slidemil, "mnist", "--output", args.run, "--head", head,
                       "--set", f"seed={seed}", "--set", f"training.seed={seed}", "--set", "figure.bags=0"]
            for override in args.overrides:
                command += ["--set", override]
            completed = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            if completed.returncode != 0:
                sys.exit(f"{' '.join(command)} failed:\n{completed.stderr}")
            name = f"{head}-seed{seed}" + (f"-{args.tag}" if args.tag else "") + ".json"
            shutil.copyfile(os.path.join(args.run, "metrics.json"), os.path.join(kept, name))
            with open(os.path.join(kept, name)) as handle:
                results.append(json.load(handle))
            print(f"{head} seed {seed}: accuracy {results[-1]['testAccuracy']:.4f}", file=sys.stderr)
        rows.append((head, results))

    two_digits = rows[0][1][0]["task"] == "two_digits"
    if two_digits:
        print("| head | accuracy | balanced accuracy | macro AUC |")
        print("|---|---|---|---|")
        for head, results in rows:
            print(f"| `{head}` | {summary([r['testAccuracy'] for r in results])} | "
                  f"{summary([r.get('testBalancedAccuracy') for r in results])} | {summary([r.get('testMacroAUC') for r in results])} |")
    else:
        print("| head | accuracy | AUC | balanced accuracy | top instance is target |")
        print("|---|---|---|---|---|")
        for head, results in rows:
            print(f"| `{head}` | {summary([r['testAccuracy'] for r in results])} | {summary([r.get('testAUC') for r in results])} | "
                  f"{summary([r.get('testBalancedAccuracy') for r in results])} | {summary([r.get('topInstanceTargetRate') for r in results])} |")
    print(f"seeds {', '.join(map(str, args.seeds))}" + (f"; --set {' --set '.join(args.overrides)}" if args.overrides else ""))


if __name__ == "__main__":
    main()
