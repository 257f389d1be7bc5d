"""Reference outputs of xoshiro256** seeded through SplitMix64, for SeededGenerator's tests.

Written from the algorithms' published descriptions (Blackman and Vigna, "Scrambled linear
pseudorandom number generators", and Steele et al.'s SplitMix64), in plain Python integers, so
the Swift generator is checked against code that shares nothing with it.

    python3 Tests/Fixtures/rng/make_seeded_generator_values.py

writes seeded_generator_values.json beside this script (the same bytes on every run).
"""
import json
import os

MASK = (1 << 64) - 1


def splitmix64(state):
    state = (state + 0x9E3779B97F4A7C15) & MASK
    z = state
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return state, z ^ (z >> 31)


def rotl(x, k):
    return ((x << k) | (x >> (64 - k))) & MASK


def xoshiro256starstar(seed, count):
    s, words = seed, []
    for _ in range(4):
        s, value = splitmix64(s)
        words.append(value)
    out = []
    for _ in range(count):
        out.append((rotl((words[1] * 5) & MASK, 7) * 9) & MASK)
        t = (words[1] << 17) & MASK
        words[2] ^= words[0]
        words[3] ^= words[1]
        words[1] ^= words[2]
        words[0] ^= words[3]
        words[2] ^= t
        words[3] = rotl(words[3], 45)
    return out


def main():
    seeds = [0, 1, 42, 0xFFFFFFFFFFFFFFFF]
    # Decimal strings: JSON numbers would lose bits above 2^53 in most readers.
    values = {str(seed): [str(v) for v in xoshiro256starstar(seed, 8)] for seed in seeds}
    # The 1000th output as well, so a slip that only shows after many steps is caught.
    thousandth = {str(seed): str(xoshiro256starstar(seed, 1000)[-1]) for seed in seeds}
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "seeded_generator_values.json")
    with open(path, "w") as f:
        json.dump({"first8": values, "thousandth": thousandth}, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
