#!/usr/bin/env python3
"""Writes stratified k-fold split files (CLAM's splits_<k>.csv layout: columns train, val, test of
bag ids) for an instances CSV, so the folds of `slidemil train --instances` can run as separate
processes, one `--splits` file each:

    scripts/classic-mil-splits.py elephant-instances.csv --folds 10 --seed 1 --output splits/elephant
    slidemil train --instances elephant-instances.csv --config configs/classic-mil.yaml \\
        --splits splits/elephant/splits_0.csv --output runs/elephant-fold0      # one per fold

Each class is shuffled (seeded) and dealt round-robin to the k test folds; of each fold's other
bags a stratified `--validation` share validates. Bag ids and labels come from the `bag_id` and
`label` columns (or --bag-column / --label-column).
"""
import argparse
import csv
import os
import random


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("instances")
    parser.add_argument("--folds", type=int, default=10)
    parser.add_argument("--validation", type=float, default=0.1)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--bag-column", default="bag_id")
    parser.add_argument("--label-column", default="label")
    parser.add_argument("--output", required=True)
    args = parser.parse_args()

    labels = {}
    with open(args.instances, newline="") as handle:
        for row in csv.DictReader(handle):
            labels.setdefault(row[args.bag_column].strip(), row[args.label_column].strip())
    rng = random.Random(args.seed)
    folds = [[] for _ in range(args.folds)]
    dealt = 0
    for label in sorted(set(labels.values())):
        members = [bag for bag in labels if labels[bag] == label]
        if len(members) < args.folds:
            raise SystemExit(f"{args.instances}: {len(members)} bags of class '{label}' for {args.folds} folds")
        rng.shuffle(members)
        for bag in members:
            folds[dealt % args.folds].append(bag)
            dealt += 1
    os.makedirs(args.output, exist_ok=True)
    for number, test in enumerate(folds):
        held = set(test)
        rest = [bag for bag in labels if bag not in held]
        validation = []
        for label in sorted(set(labels.values())):
            members = [bag for bag in rest if labels[bag] == label]
            rng.shuffle(members)
            validation += members[:round(len(members) * args.validation)]
        training = [bag for bag in rest if bag not in set(validation)]
        columns = [training, validation, sorted(test)]
        path = os.path.join(args.output, f"splits_{number}.csv")
        with open(path + ".tmp", "w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["train", "val", "test"])
            for i in range(max(map(len, columns))):
                writer.writerow([column[i] if i < len(column) else "" for column in columns])
        os.replace(path + ".tmp", path)


if __name__ == "__main__":
    main()
