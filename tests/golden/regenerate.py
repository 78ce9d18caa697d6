"""Regenerate every golden file: ``make golden``. Review the diff before committing it."""

from __future__ import annotations

from tests.golden.cases import OUT, inputs, render


def main() -> None:
    OUT.mkdir(exist_ok=True)
    for name, answers in inputs().items():
        (OUT / f"{name}.json").write_text(render(answers), encoding="utf-8")
        print(f"wrote {OUT / name}.json")


if __name__ == "__main__":
    main()
