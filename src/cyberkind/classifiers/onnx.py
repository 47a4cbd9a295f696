"""Every onnxruntime session cyberkind creates, with Microsoft's telemetry off first.

onnxruntime's official builds ship Microsoft's 1DS telemetry, on by default. On **import**,
``onnxruntime`` creates ``~/.cache/Microsoft/DeveloperTools/.onnxruntime/`` with a
persistent ``deviceid`` and an event database (``onnxruntime.db``), and may upload trace
events. The README promises that nothing leaves your computer, so :func:`new_session`
(the one way cyberkind creates a session) and :func:`onnxruntime_module` (the one way it
imports onnxruntime) first set ``ORT_DISABLE_TELEMETRY=1``, which onnxruntime reads once
as it initialises ("prevents the uploader, events, and persistent device identifier from
being created for the process lifetime", onnxruntime's ``Privacy.md``), then call
``onnxruntime.disable_telemetry_events()`` as well. ``disable_telemetry_events()`` alone
is too late: the files are written at import, before it can be called (measured with a
fresh ``HOME``; tests/test_accurate.py checks it).

An ``ORT_DISABLE_TELEMETRY`` the user set is kept. When something else imported
onnxruntime before cyberkind did, the variable comes too late for this process; the events
are still disabled, and a warning says so.

**Usage**::

    from cyberkind.classifiers.onnx import new_session

    session = new_session(Path("encoder.onnx"), threads=4)
    outputs = session.run(None, feed)
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

from ..errors import ModelError

__all__ = ["TELEMETRY_VARIABLE", "new_session", "onnxruntime_module"]

TELEMETRY_VARIABLE = "ORT_DISABLE_TELEMETRY"
INSTALL_HINT = "pip install --force-reinstall 'onnxruntime>=1.17,<2'"
log = logging.getLogger(__name__)


def onnxruntime_module() -> ModuleType:
    """``onnxruntime``, imported with its telemetry off (see the module docstring).

    Raises :class:`~cyberkind.errors.ModelError` saying what to install when it is missing.
    """
    already = "onnxruntime" in sys.modules
    os.environ.setdefault(TELEMETRY_VARIABLE, "1")
    try:
        import onnxruntime
    except ImportError as exc:
        raise ModelError(
            f"the reading model needs onnxruntime, a dependency of cyberkind ({exc}). You can "
            f"fix this by running `{INSTALL_HINT}`."
        ) from exc
    if already and not getattr(onnxruntime, "_cyberkind_telemetry_off", False):
        log.warning(
            "onnxruntime was imported before cyberkind could turn its telemetry off, so it may "
            "have written ~/.cache/Microsoft/DeveloperTools/.onnxruntime. You can fix this by "
            "setting %s=1 in the environment.",
            TELEMETRY_VARIABLE,
        )
    onnxruntime.disable_telemetry_events()
    onnxruntime._cyberkind_telemetry_off = True
    module: ModuleType = onnxruntime
    return module


def new_session(
    path: Path | str,
    threads: int | None = None,
    *,
    what: str = "the model",
    fix: str = "reinstalling cyberkind",
    **kwargs: Any,
) -> Any:
    """An ``onnxruntime.InferenceSession`` on the CPU for the model at ``path``, telemetry off.

    ``threads`` is the intra-op thread count (default: onnxruntime's, all cores); onnxruntime's
    own log shows errors only. ``kwargs`` go to ``InferenceSession`` (default providers:
    ``["CPUExecutionProvider"]``). Raises :class:`~cyberkind.errors.ModelError` when
    onnxruntime is missing, or cannot load the file: the message names ``what`` and
    suggests ``fix``.
    """
    ort = onnxruntime_module()
    options = ort.SessionOptions()
    if threads:
        options.intra_op_num_threads = threads
    options.log_severity_level = 3
    kwargs.setdefault("providers", ["CPUExecutionProvider"])
    try:
        return ort.InferenceSession(str(path), options, **kwargs)
    except Exception as exc:
        raise ModelError(
            f"could not load {what} {path}: {exc}. You can fix this by {fix}."
        ) from exc
