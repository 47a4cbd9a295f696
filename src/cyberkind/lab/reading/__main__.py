"""``python -m cyberkind.lab.reading {train,export,evaluate}``: see :mod:`cyberkind.lab.reading`."""

from __future__ import annotations

from .cli import main

if __name__ == "__main__":
    main()
