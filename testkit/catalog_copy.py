"""Write a subset of a catalog (images + catalog.csv) into a new folder; used by tests and benchmarks."""
from __future__ import annotations

import csv
import shutil
from pathlib import Path


def write_catalog_subset(src: Path, rows: list[dict], dst: Path) -> Path:
    (dst / "images").mkdir(parents=True, exist_ok=True)
    for r in rows:
        shutil.copy(src / r["file"], dst / r["file"])
    with open(dst / "catalog.csv", "w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return dst
