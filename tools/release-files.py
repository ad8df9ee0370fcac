#!/usr/bin/env python3
"""CI: gather the files a release attaches from a built dist/ (by its manifest.json): every edition's PDF, print PDF,
booklet and EPUB, and a SHA256SUMS naming them as attached (without folders), so that `sha256sum -c SHA256SUMS`
checks the downloads. Usage: tools/release-files.py DIST INTO (standard library only)."""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

RELEASED = ("pdf", "print", "booklet", "epub")


def release_files(dist: Path, into: Path) -> list[Path]:
    """Copy the released files of dist into `into` with their SHA256SUMS; the paths written."""
    entries = json.loads((dist / "manifest.json").read_text(encoding="utf-8"))["entries"]
    chosen = sorted((e for e in entries if e["format"] in RELEASED), key=lambda e: e["path"])
    editions = sorted({e["edition"] for e in entries})
    missing = [
        f"{ed} {fmt}"
        for ed in editions
        for fmt in RELEASED
        if not any(e["edition"] == ed and e["format"] == fmt for e in chosen)
    ]
    if missing:
        raise SystemExit(f"{dist}: not built: {', '.join(missing)}")
    into.mkdir(parents=True, exist_ok=True)
    written, sums = [], []
    for entry in chosen:
        data = (dist / entry["path"]).read_bytes()
        if hashlib.sha256(data).hexdigest() != entry["sha256"]:
            raise SystemExit(f"{dist / entry['path']}: not the file its manifest lists")
        target = into / Path(entry["path"]).name
        if target in written:
            raise SystemExit(f"two released files named {target.name}")
        target.write_bytes(data)
        written.append(target)
        sums.append(f"{entry['sha256']}  {target.name}\n")
    (into / "SHA256SUMS").write_text("".join(sums), encoding="utf-8")
    return [*written, into / "SHA256SUMS"]


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit("usage: tools/release-files.py DIST INTO")
    for path in release_files(Path(sys.argv[1]), Path(sys.argv[2])):
        print(f"release file: {path}")
