#!/usr/bin/env python3
"""Fails when a source file includes a header from a higher floor of the pipeline.

Floors, strictly downward: framework -> models -> analysis -> distill -> study -> tools. analysis/ is pure maths,
so from framework/ it may include only framework/core and framework/tensor.
Usage: check_floors.py [ROOT]   (prints one line per backward include; exit 1 if there is any)
       check_floors.py --self-test   (shows that a planted backward include is caught)
"""
import pathlib
import re
import sys
import tempfile

FLOORS = ["framework", "models", "analysis", "distill", "study", "tools"]
ANALYSIS_MAY_USE = ("framework/core/", "framework/tensor/")
INCLUDE = re.compile(r'^\s*#\s*include\s*"([^"]+)"', re.MULTILINE)


def floor_of(path: str):
    top = path.split("/", 1)[0]
    return FLOORS.index(top) if top in FLOORS else None


def violations(root: pathlib.Path):
    found = []
    for floor in FLOORS:
        for src in sorted((root / floor).rglob("*")):
            if src.suffix not in (".cpp", ".hpp", ".h", ".in") or not src.is_file():
                continue
            rel = src.relative_to(root).as_posix()
            here = floor_of(rel)
            text = src.read_text(errors="replace")
            for match in INCLUDE.finditer(text):
                target = match.group(1)
                there = floor_of(target)
                line = text.count("\n", 0, match.start()) + 1
                if there is not None and there > here:
                    found.append(f"{rel}:{line}: includes {target} from the higher floor {FLOORS[there]}/")
                elif floor == "analysis" and target.startswith("framework/") and not target.startswith(ANALYSIS_MAY_USE):
                    found.append(f"{rel}:{line}: analysis/ is pure maths but includes {target}")
    return found


def check(root: pathlib.Path) -> int:
    found = violations(root)
    for line in found:
        print(line)
    counted = sum(1 for f in FLOORS for p in (root / f).rglob("*") if p.suffix in (".cpp", ".hpp"))
    print(f"floors: {counted} files checked, {len(found)} backward includes")
    return 1 if found else 0


def self_test() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        root = pathlib.Path(tmp)
        for floor in FLOORS:
            (root / floor).mkdir()
        (root / "distill" / "ok.cpp").write_text('#include "models/mlp.hpp"\n#include "analysis/erasure.hpp"\n')
        if violations(root):
            print("self-test: a downward include was reported")
            return 1
        (root / "models" / "bad.cpp").write_text('#include "framework/ops/ops.hpp"\n#include "study/sweep.hpp"\n')
        (root / "analysis" / "bad.cpp").write_text('#include "framework/io/h5_file.hpp"\n')
        found = violations(root)
        expected = ["models/bad.cpp:2: includes study/sweep.hpp", "analysis/bad.cpp:1: analysis/ is pure maths"]
        missing = [e for e in expected if not any(f.startswith(e) for f in found)]
        for line in found:
            print(line)
        if missing or len(found) != 2:
            print(f"self-test: expected exactly {expected}")
            return 1
        print("self-test: both planted backward includes were caught")
        return 0


if __name__ == "__main__":
    if sys.argv[1:] == ["--self-test"]:
        sys.exit(self_test())
    sys.exit(check(pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else pathlib.Path(__file__).resolve().parents[2])))
