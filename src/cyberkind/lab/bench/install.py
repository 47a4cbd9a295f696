"""What the accurate install weighs, and whether PyTorch is in it (issue 16's last target).

The accurate tier is the reading model, which runs on onnxruntime and tokenizers; the install
is ``pip install 'cyberkind[accurate]'`` (the extra adds nothing to the base install). This
module walks the installed distributions that install needs, from cyberkind's own metadata
(each requirement whose environment marker holds here, and its requirements in turn), and
sums the size of their files on disk. It measures what is installed in this environment, so
the bench gives the same figure in a fresh virtual environment and in a developer's one that
also holds the lab's PyTorch: packages outside the closure are not counted.

**Usage**::

    >>> footprint = install_footprint()
    >>> footprint["torch"], footprint["megabytes"]  # doctest: +SKIP
    (False, 589.3)
"""

from __future__ import annotations

from importlib import metadata
from pathlib import Path
from typing import Any

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

__all__ = ["TORCH_PACKAGES", "install_closure", "install_footprint"]

TORCH_PACKAGES = frozenset({"torch", "transformers", "sentence-transformers"})
"""Distributions that mean PyTorch came with the install."""


def install_closure(
    root: str = "cyberkind", extras: tuple[str, ...] = ("accurate",)
) -> tuple[dict[str, metadata.Distribution], list[str]]:
    """The installed distributions ``root[extras]`` needs here, by normalised name, and the
    names of required distributions that are not installed."""
    found: dict[str, metadata.Distribution] = {}
    missing: list[str] = []
    queue: list[tuple[str, frozenset[str]]] = [(root, frozenset(extras))]
    while queue:
        name, wanted = queue.pop()
        key = canonicalize_name(name)
        if key in found:
            continue
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            missing.append(key)
            continue
        found[key] = dist
        for spec in dist.requires or []:
            req = Requirement(spec)
            if req.marker is not None and not any(
                req.marker.evaluate({"extra": extra}) for extra in (*wanted, "")
            ):
                continue
            queue.append((req.name, frozenset(req.extras)))
    return found, sorted(set(missing))


def _package_bytes(dist: metadata.Distribution) -> int:
    files = dist.files or []
    total = 0
    for file in files:
        path = Path(str(file.locate()))
        if path.is_file():
            total += path.stat().st_size
    return total


def _editable_bytes(dist: metadata.Distribution) -> int:
    """An editable install lists no package files: measure its top-level folders instead
    (without ``__pycache__``), as the wheel would hold them."""
    names = (dist.read_text("top_level.txt") or dist.metadata["Name"]).split()
    total = 0
    for name in names:
        try:
            spec = __import__(name).__file__
        except ImportError:
            continue
        if spec is None:
            continue
        folder = Path(spec).parent
        total += sum(
            p.stat().st_size
            for p in folder.rglob("*")
            if p.is_file() and "__pycache__" not in p.parts
        )
    return total


def install_footprint(
    root: str = "cyberkind", extras: tuple[str, ...] = ("accurate",)
) -> dict[str, Any]:
    """The install's size on disk (MB), package count, largest packages and whether any of
    :data:`TORCH_PACKAGES` is in it."""
    closure, missing = install_closure(root, extras)
    sizes: dict[str, int] = {}
    for key, dist in closure.items():
        size = _package_bytes(dist)
        if key == canonicalize_name(root) and size < 1 << 20:
            size = max(size, _editable_bytes(dist))
        sizes[key] = size
    largest = sorted(sizes.items(), key=lambda kv: -kv[1])[:8]
    return {
        "requirement": f"{root}[{','.join(extras)}]" if extras else root,
        "megabytes": round(sum(sizes.values()) / 1e6, 1),
        "packages": len(sizes),
        "torch": bool(TORCH_PACKAGES & set(sizes)),
        "largest_mb": {k: round(v / 1e6, 1) for k, v in largest},
        "missing": missing,
    }
