"""Check branch coverage against floors by folder of ``src/heavylegs`` (make test, after pytest).

coverage.py's ``fail_under`` knows one number for everything; the stages that decide what a person
is told (``assessment/``, ``knowledge/``) deserve a higher one. The floors live in pyproject.toml
under ``[tool.heavylegs.coverage-floors]``: a folder name (relative to the package) or ``(all)``
for the whole package, each a percent. The percent is coverage.py's own: covered lines plus
covered branches over statements plus branches, so ``(all)`` equals ``coverage report``'s total.

Usage: python scripts/coverage_floor.py COVERAGE.json [--pyproject FILE] [--only NAME,NAME]

``--only``: check these floors alone (``make test`` measures the two decisive folders only, which
keeps coverage's cost small; ``make coverage`` measures and checks everything).
Exit 1 naming every folder under its floor; exit 2 if the report or the table is unusable.
"""

from __future__ import annotations

import argparse
import json
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

PACKAGE = PurePosixPath("src/heavylegs")
ALL = "(all)"


@dataclass
class Tally:
    """Statements and branches of one folder, as coverage.py counts them."""

    statements: int = 0
    covered_lines: int = 0
    branches: int = 0
    covered_branches: int = 0

    def add(self, summary: dict[str, int]) -> None:
        self.statements += summary["num_statements"]
        self.covered_lines += summary["covered_lines"]
        self.branches += summary.get("num_branches", 0)
        self.covered_branches += summary.get("covered_branches", 0)

    @property
    def percent(self) -> float:
        total = self.statements + self.branches
        return 100.0 if total == 0 else 100.0 * (self.covered_lines + self.covered_branches) / total


def folder_of(path: str) -> str | None:
    """The first folder under the package (``assessment``), or ``""`` for a top-level module;
    None for a file outside the package."""
    parts = PurePosixPath(path.replace("\\", "/")).parts
    package = PACKAGE.parts
    for start in range(len(parts) - len(package) + 1):
        if parts[start : start + len(package)] == package:
            rest = parts[start + len(package) :]
            return rest[0] if len(rest) > 1 else ""
    return None


def tally(report: dict[str, object]) -> dict[str, Tally]:
    """Per-folder tallies and the whole package's under ``(all)``."""
    files = report.get("files")
    if not isinstance(files, dict) or not files:
        raise ValueError("the report lists no files (was coverage measured?)")
    tallies: dict[str, Tally] = {ALL: Tally()}
    for path, data in files.items():
        folder = folder_of(path)
        if folder is None:
            continue
        summary = data["summary"]
        tallies[ALL].add(summary)
        tallies.setdefault(folder, Tally()).add(summary)
    return tallies


def read_floors(pyproject: Path) -> dict[str, float]:
    table = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    floors = table.get("tool", {}).get("heavylegs", {}).get("coverage-floors")
    if not isinstance(floors, dict) or not floors:
        raise ValueError(f"{pyproject}: no [tool.heavylegs.coverage-floors] table")
    for name, value in floors.items():
        if not isinstance(value, int | float) or not 0 <= value <= 100:
            raise ValueError(f"{pyproject}: coverage-floors.{name}: must be a percent 0-100")
    return {name: float(value) for name, value in floors.items()}


def check(tallies: dict[str, Tally], floors: dict[str, float]) -> list[str]:
    """One line per folder that fell short of its floor (or that the report lacks)."""
    problems = []
    for name, floor in sorted(floors.items()):
        found = tallies.get(name)
        if found is None:
            problems.append(f"{name}: no measured code in the report (floor {floor:g} %)")
        elif found.percent < floor:
            problems.append(
                f"{name}: branch coverage {found.percent:.2f} % is under its floor of {floor:g} %"
            )
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("report", type=Path, help="coverage JSON report (coverage json -o FILE)")
    parser.add_argument("--pyproject", type=Path, default=Path("pyproject.toml"))
    parser.add_argument("--only", default="", help="comma-separated floors to check (default all)")
    args = parser.parse_args(argv)
    try:
        tallies = tally(json.loads(args.report.read_text(encoding="utf-8")))
        floors = read_floors(args.pyproject)
        if args.only:
            wanted = [name.strip() for name in args.only.split(",") if name.strip()]
            unknown = [name for name in wanted if name not in floors]
            if unknown:
                raise ValueError(f"--only: no floor for {', '.join(unknown)}")
            floors = {name: floors[name] for name in wanted}
            tallies = {name: found for name, found in tallies.items() if name in floors}
    except (OSError, ValueError, KeyError, tomllib.TOMLDecodeError) as exc:
        print(f"coverage floor: {args.report}: {exc}", file=sys.stderr)
        return 2
    for name in sorted(tallies, key=lambda n: (n != ALL, n)):
        floor = floors.get(name)
        mark = f"  (floor {floor:g} %)" if floor is not None else ""
        print(f"coverage {name or '(top level)':<12} {tallies[name].percent:6.2f} %{mark}")
    problems = check(tallies, floors)
    for line in problems:
        print(f"coverage floor: {line}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
