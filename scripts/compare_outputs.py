#!/usr/bin/env python3
"""Compare `capacity model --format json` of two builds of capacity, number by number.

Used when the model's code is reshaped but no number may move: run every preset at every
level with both binaries and report any number that differs by more than the tolerance
(relative, with the larger magnitude as the reference). Field names that one side has and
the other lacks are listed, not failed: a renamed field is checked by name mapping.

    scripts/compare_outputs.py OLD_BINARY NEW_BINARY [--rtol 1e-9]

Exit 0 when every shared number agrees, 1 otherwise.
"""

import argparse
import json
import subprocess
import sys

PRESETS = ["obc", "triage80", "richards-li", "clark-hi", "north-essex", "doncaster", "newham"]
LEVELS = ["sub-icb", "icb", "region", "country"]


def run(binary, preset, level, extra):
    out = subprocess.run(
        [binary, "model", preset, "--level", level, "--format", "json", *extra],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout)


def rows(doc):
    for r in doc["areas"]:
        yield r["area_code"], r
    yield "total", doc["total"]


def compare(old, new, rtol, where, problems, counts):
    for key, a in old.items():
        if key not in new:
            counts["only_old"].add(key)
            continue
        b = new[key]
        if isinstance(a, bool) or isinstance(b, bool):
            if a != b:
                problems.append(f"{where}.{key}: {a} -> {b}")
            continue
        if isinstance(a, (int, float)) and isinstance(b, (int, float)):
            counts["numbers"] += 1
            scale = max(abs(a), abs(b), 1e-300)
            if abs(a - b) > rtol * scale and a != b:
                problems.append(f"{where}.{key}: {a!r} -> {b!r}")
        elif isinstance(a, list) and isinstance(b, list):
            if len(a) != len(b):
                problems.append(f"{where}.{key}: {len(a)} items -> {len(b)}")
            for i, (x, y) in enumerate(zip(a, b)):
                if isinstance(x, dict) and isinstance(y, dict):
                    compare(x, y, rtol, f"{where}.{key}[{i}]", problems, counts)
        elif a != b:
            problems.append(f"{where}.{key}: {a!r} -> {b!r}")
    for key in new:
        if key not in old:
            counts["only_new"].add(key)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("old")
    p.add_argument("new")
    p.add_argument("--rtol", type=float, default=1e-9)
    args = p.parse_args()
    problems = []
    counts = {"numbers": 0, "only_old": set(), "only_new": set()}
    runs = 0
    for preset in PRESETS:
        for level in LEVELS:
            for extra in ([], ["--by-disorder"]):
                a, b = run(args.old, preset, level, extra), run(args.new, preset, level, extra)
                runs += 1
                old_rows, new_rows = dict(rows(a)), dict(rows(b))
                if old_rows.keys() != new_rows.keys():
                    problems.append(f"{preset} {level}: the areas differ")
                for code, r in old_rows.items():
                    if code in new_rows:
                        compare(r, new_rows[code], args.rtol, f"{preset}/{level}/{code}", problems, counts)
    print(f"{runs} runs (7 presets x 4 levels, with and without --by-disorder), "
          f"{counts['numbers']} numbers compared at rtol {args.rtol}")
    if counts["only_old"]:
        print("fields only in the old output:", ", ".join(sorted(counts["only_old"])))
    if counts["only_new"]:
        print("fields only in the new output:", ", ".join(sorted(counts["only_new"])))
    for line in problems[:50]:
        print("DIFFERS", line)
    if problems:
        print(f"{len(problems)} differences")
        return 1
    print("no number moved")
    return 0


if __name__ == "__main__":
    sys.exit(main())
