"""Fetch the front-end files the browser tests serve instead of a CDN (npm registry).

Run as ``python -m tests.browser.assets`` (``make test-assets``). Files already in
``.cache/test-assets/`` are kept, so a second run needs no network.
"""

from __future__ import annotations

import base64
import hashlib
import shutil
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

ASSETS = Path(__file__).resolve().parent.parent.parent / ".cache" / "test-assets"


@dataclass(frozen=True)
class NpmFile:
    package: str
    version: str
    path: str  # inside the package tarball, below "package/"
    name: str  # the file's name in the assets folder


# The SortableJS version must match the one pinned in kanban.config.SORTABLE_JS_URL.
SORTABLE = NpmFile("sortablejs", "1.15.6", "Sortable.min.js", "Sortable.min.js")
AXE = NpmFile("axe-core", "4.10.3", "axe.min.js", "axe.min.js")
FILES = (SORTABLE, AXE)


class AssetError(RuntimeError):
    """A file could not be fetched; the message says what to do."""


def sri_hash(path: Path) -> str:
    """Return the Subresource Integrity value (sha384) of a file."""
    digest = hashlib.sha384(path.read_bytes()).digest()
    return "sha384-" + base64.b64encode(digest).decode()


def fetch(item: NpmFile, target: Path) -> Path:
    """Copy one file of an npm package into ``target`` unless it is already there."""
    destination = target / item.name
    if destination.exists() and destination.stat().st_size > 0:
        return destination
    npm = shutil.which("npm")
    if npm is None:
        raise AssetError(
            "npm is not installed: install Node.js and npm (e.g. `apt-get install npm`), "
            f"or put {item.name} from {item.package}@{item.version} into {target} by hand."
        )
    with tempfile.TemporaryDirectory() as tmp:
        result = subprocess.run(
            [npm, "pack", f"{item.package}@{item.version}", "--silent",
             "--pack-destination", tmp],
            capture_output=True,
            text=True,
            cwd=tmp,
            timeout=300,
        )
        tarballs = list(Path(tmp).glob("*.tgz"))
        if result.returncode != 0 or not tarballs:
            raise AssetError(
                f"`npm pack {item.package}@{item.version}` failed: "
                f"{(result.stderr or result.stdout).strip()[-500:]}"
            )
        with tarfile.open(tarballs[0]) as archive:
            try:
                member = archive.getmember(f"package/{item.path}")
            except KeyError:
                raise AssetError(
                    f"{item.package}@{item.version} has no file {item.path}"
                ) from None
            source = archive.extractfile(member)
            if source is None:
                raise AssetError(f"{item.path} in {item.package} is not a file")
            target.mkdir(parents=True, exist_ok=True)
            partial = destination.with_suffix(".part")
            partial.write_bytes(source.read())
            partial.replace(destination)
    return destination


def main() -> int:
    try:
        for item in FILES:
            path = fetch(item, ASSETS)
            print(f"{item.package}@{item.version}: {path} ({sri_hash(path)})")
    except (AssetError, OSError, subprocess.SubprocessError) as exc:
        print(f"Could not fetch the browser-test assets: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
