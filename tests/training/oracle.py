"""fitdecode as the oracle, recorded: one digest of its decoded values per corpus FIT file.

fitdecode needs ~80 s of CPU for the whole corpus on these machines, too slow for every test
run. So its reading of each file is reduced to a digest of the canonical values (records
rounded to 1e-6, NaN kept, summary messages as sorted JSON) and stored in ``fit_oracle.json``;
the tests compare the fast path's digest with it on every file, and compare values live against
fitdecode on the smaller files. Regenerate (after a fitdecode upgrade or a corpus change) with::

    .venv/bin/python -m tests.training.oracle
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

from heavylegs.training.fit import decode_with_fitdecode
from heavylegs.training.fit_fast import FitData

HERE = Path(__file__).parent
GOLDEN = HERE / "fit_oracle.json"
SHARED = Path(os.environ.get("HEAVYLEGS_SHARED") or HERE.parents[2] / "shared")
CORPUS_FIT = SHARED / "data" / "activities" / "fit"


def digest(data: FitData) -> str:
    """A hash of the decoded values that two decoders agree on exactly when values agree."""
    h = hashlib.sha256()
    for name in sorted(data.records):
        values = np.round(np.asarray(data.records[name], dtype=np.float64), 6)
        values = np.where(np.isnan(values), -1e300, values) + 0.0  # one NaN, no -0.0
        h.update(name.encode() + b"\0" + values.astype("<f8").tobytes())
    messages = {
        kind: [{k: round(v, 6) for k, v in sorted(m.items()) if v is not None} for m in found]
        for kind, found in sorted(data.messages.items())
    }
    h.update(json.dumps(messages, sort_keys=True).encode())
    return h.hexdigest()


def _entry(path: Path) -> tuple[str, dict[str, object]]:
    blob = path.read_bytes()
    data = decode_with_fitdecode(blob)
    return path.name, {
        "file_sha256": hashlib.sha256(blob).hexdigest(),
        "records": int(data.records["timestamp"].size),
        "digest": digest(data),
    }


def main() -> int:
    files = sorted(CORPUS_FIT.glob("*.fit"))
    if not files:
        print(f"no FIT files under {CORPUS_FIT}", file=sys.stderr)
        return 1
    with ProcessPoolExecutor() as pool:
        entries = dict(pool.map(_entry, files, chunksize=1))
    GOLDEN.write_text(json.dumps(entries, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {GOLDEN} ({len(entries)} files)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
