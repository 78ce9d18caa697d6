"""Ten years of diary notes export in reasonable time, with the same content as before.

Why: ``fhir_string`` walked every character of every note in Python (7,300 notes of 2,000
characters took seconds), and ``indent`` made the standard library encode the JSON in Python
rather than C: a ten-year bundle with long notes took about ten seconds to write.
"""

from __future__ import annotations

import json
import time
import unicodedata

from fhir.resources.R4B.bundle import Bundle

from heavylegs.reports.fhir import dumps_bundle, render_bundle
from heavylegs.reports.fhir_codes import fhir_string
from heavylegs.reports.gather import ReportData


def by_each_character(text: str) -> str | None:
    """What ``fhir_string`` gives, spelled out one character at a time (the rule itself)."""
    out = []
    for char in text:
        if char in " \r\n\t":
            out.append(char)
        elif char.isspace():
            out.append(" ")
        elif unicodedata.category(char) != "Cc":
            out.append(char)
    cleaned = "".join(out)
    return cleaned if cleaned.strip() else None


def test_fhir_string_keeps_its_rule_for_every_code_point() -> None:
    for code in range(0x110000):
        char = chr(code)
        for text in (char, f"a{char}b"):
            assert fhir_string(text) == by_each_character(text), hex(code)


def test_ten_years_of_long_notes_are_cleaned_quickly() -> None:
    note = "heavy legs after the long shift, ankles puffy " * 43  # about 2,000 characters
    start = time.process_time()
    for _ in range(7300):
        assert fhir_string(note) == note
    assert time.process_time() - start < 1.5  # was several seconds; now a few hundredths


def test_the_bundle_text_has_one_entry_a_line_and_the_same_content(full: ReportData) -> None:
    bundle = render_bundle(full)
    text = dumps_bundle(bundle)
    assert json.loads(text) == bundle
    lines = text.splitlines()
    assert len(lines) == len(bundle["entry"]) + 2  # the bundle's fields, the entries, "]}"
    assert all(line.startswith('{"fullUrl"') for line in lines[1:-1])
    Bundle.model_validate_json(text)
    assert dumps_bundle(bundle) == text  # the same data, the same bytes
    assert json.loads(dumps_bundle({**bundle, "entry": []}))["entry"] == []
