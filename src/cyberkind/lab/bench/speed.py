"""Speed, memory and cold-start measurements, each in a fresh subprocess.

Running every measurement in its own interpreter keeps one tool's imports,
caches and memory from colouring another's numbers. Each child prints one
JSON line; peak RSS is the child's own ``VmHWM`` from ``/proc/self/status`` (Linux).

The child warms up on the first ``warm`` texts and times only the others, which it has not
seen (the fast tier memoises chunks of text, so timing texts it warmed up on would flatter
it). cyberkind is measured three ways: as users call it (``cyberkind.score`` and
``Scorer.pipe``, which return one dict per text) and through ``Scorer.predict_proba`` (the
probability matrix, the shape the peers return).
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

__all__ = ["measure"]

_CHILD = textwrap.dedent(
    """
    import json, sys, time, warnings
    warnings.simplefilter("ignore")

    def peak_rss_mb():
        # VmHWM is this process's own high-water mark; getrusage's ru_maxrss would
        # include the parent's, inherited across fork and exec.
        for line in open("/proc/self/status"):
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
        return None

    spec = json.loads(sys.argv[1])
    texts = [l for l in open(spec["texts"], encoding="utf-8").read().split("\\n") if l]
    t0 = time.perf_counter()
    {load}
    predict(["warm up"])
    cold = time.perf_counter() - t0
    warm, timed = texts[: spec["warm"]], texts[spec["warm"]:]
    predict(warm)
    single = timed[: spec["single"]]
    timed = timed[spec["single"]:]
    t = time.perf_counter()
    for i in range(0, len(timed), spec["batch"]):
        predict(timed[i:i + spec["batch"]])
    batched = len(timed) / (time.perf_counter() - t)
    lat = []
    for text in single:
        s = time.perf_counter()
        predict([text])
        lat.append((time.perf_counter() - s) * 1000)
    lat.sort()
    print(json.dumps({{
        "cold_start_s": round(cold, 3),
        "texts_per_s": round(batched),
        "p50_ms": round(lat[len(lat) // 2], 3),
        "p99_ms": round(lat[int(len(lat) * 0.99) - 1], 3),
        "peak_rss_mb": peak_rss_mb(),
    }}))
    """
)

LOADERS: dict[str, str] = {
    "cyberkind fast": (
        "import cyberkind; scorer = cyberkind.Scorer({model_dir}); predict = scorer.predict_proba"
    ),
    "cyberkind.score": ("import cyberkind; predict = cyberkind.score"),
    "cyberkind Scorer.pipe": (
        "import cyberkind; scorer = cyberkind.Scorer({model_dir}); "
        "predict = lambda ts: list(scorer.pipe(ts))"
    ),
    "alt-profanity-check": ("from profanity_check import predict_prob as predict"),
    "hatesonar": (
        "from cyberkind.lab.bench.peers import available_peers; "
        "predict = [p for p in available_peers() if p.name.startswith('hatesonar')][0].predict"
    ),
    "VADER": (
        "from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer; "
        "_a = SentimentIntensityAnalyzer(); "
        "predict = lambda ts: [_a.polarity_scores(t) for t in ts]"
    ),
}


def measure(
    tool: str,
    texts_file: Path,
    model_dir: Path | None = None,
    batch: int = 1024,
    single: int = 2000,
    warm: int = 2000,
) -> dict[str, Any]:
    """Measure ``tool`` (a key of :data:`LOADERS`) on the texts in ``texts_file``.

    The first ``warm`` texts warm the tool up; the next ``single`` give the one-text
    latencies and the rest the throughput, so every timed text is new to the process.
    """
    path_arg = f"model_dir=__import__('pathlib').Path({str(model_dir)!r})" if model_dir else ""
    load = LOADERS[tool].format(model_dir=path_arg)
    code = _CHILD.format(load=load)
    spec = json.dumps({"texts": str(texts_file), "batch": batch, "single": single, "warm": warm})
    proc = subprocess.run(
        [sys.executable, "-c", code, spec], capture_output=True, text=True, timeout=1800
    )
    if proc.returncode != 0:
        return {"error": proc.stderr.strip().splitlines()[-1] if proc.stderr else "failed"}
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result
