"""Where the models shipped inside the package live.

**Usage**::

    >>> from cyberkind.classifiers.shipped import default_model_dir
    >>> (default_model_dir() / "fast-v1").is_dir()
    True
"""

from __future__ import annotations

import importlib.resources
from pathlib import Path

__all__ = ["default_model_dir"]


def default_model_dir() -> Path:
    """The folder of models shipped inside the package."""
    return Path(str(importlib.resources.files("cyberkind.classifiers") / "data"))
