"""Shared fixtures. Tests that read ../shared/data skip when it is absent."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _data_dir() -> Path:
    env = os.environ.get("CYBERKIND_DATA_DIR")
    return Path(env) if env else ROOT.parent / "shared" / "data"


@pytest.fixture(scope="session")
def data_dir() -> Path:
    path = _data_dir()
    if not (path / "README.md").is_file():
        pytest.skip(f"shared data not found at {path}")
    return path


@pytest.fixture(autouse=True)
def clean_environ(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Clear the CYBERKIND_* variables we read, except the data folder tests rely on."""
    for name in list(os.environ):
        if name.startswith("CYBERKIND_") and name != "CYBERKIND_DATA_DIR":
            monkeypatch.delenv(name)
    yield


@pytest.fixture(scope="session")
def scorer():  # type: ignore[no-untyped-def]
    import cyberkind

    return cyberkind.Scorer()


def pytest_configure(config: pytest.Config) -> None:
    import sys

    sys._called_from_test = True  # type: ignore[attr-defined]


def pytest_unconfigure(config: pytest.Config) -> None:
    import sys

    if hasattr(sys, "_called_from_test"):
        del sys._called_from_test
