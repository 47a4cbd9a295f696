"""Record tests/cassettes/bluesky/ from a real local Bluesky network (@atproto/dev-env).

What it does: starts ``scripts/bluesky_devenv.js`` (PLC + PDS + AppView + Ozone from
``@atproto/dev-env``, PDS rate limits on), waits for its JSON line (PDS URL, handles,
an app password), then runs ``tests/test_bluesky.py`` with ``BLUESKY_RECORD_NETWORK``
pointing at that JSON: every test then talks to the live network and vcrpy rewrites
its cassette (tokens and passwords scrubbed; see the test module). Finally it writes
``tests/cassettes/bluesky/network.json`` (PDS URL and handles, no secrets) and stops
the network.

One-time set-up (Debian, as root; about 3 minutes on 2 cores, most of it the npm install
of ``@atproto/dev-env@0.3.215``; Node >= 18.7, 20 works): ``scripts/bluesky_devenv_setup.sh``
installs PostgreSQL, Redis and dev-env, starts PostgreSQL and Redis on 127.0.0.1, and prints
the environment this script needs. From the repository root::

    eval "$(bash scripts/bluesky_devenv_setup.sh)"
    python scripts/record_bluesky_cassettes.py

(By hand: ``npm install @atproto/dev-env@0.3.215`` somewhere and point ``NODE_PATH`` at its
``node_modules``; ``DB_POSTGRES_URL`` at a PostgreSQL database the network may create
schemas in; ``REDIS_HOST`` at a Redis as ``host:port``.)

Pass ``--node PATH`` to pick the node binary, and ``-- PYTEST ARGS`` for pytest (``-- -x``).
``--cassettes DIR`` writes the cassettes elsewhere: that runs the whole module live against
dev-env without touching the committed cassettes (a live check, e.g. in CI; exit status is
pytest's).
Record the whole module at once: every run is a fresh network (new ports, DIDs and record
keys), and ``network.json`` must match every cassette. Check the diff before committing.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CASSETTES = ROOT / "tests" / "cassettes" / "bluesky"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--node", default="node", help="the node binary (Node >= 18.7)")
    parser.add_argument(
        "--cassettes",
        type=Path,
        default=CASSETTES,
        help="where to write the cassettes; another folder runs the tests live against "
        "dev-env without touching the committed ones (a live check, e.g. in CI)",
    )
    parser.add_argument("pytest_args", nargs="*", help="extra arguments for pytest")
    args = parser.parse_args(argv)
    for name in ("DB_POSTGRES_URL", "REDIS_HOST", "NODE_PATH"):
        if not os.environ.get(name):
            parser.error(f"set {name} (see this script's docstring)")
    started = time.monotonic()
    network = subprocess.Popen(
        [args.node, str(ROOT / "scripts" / "bluesky_devenv.js")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert network.stdout is not None
        line = network.stdout.readline()
        if not line:
            print("dev-env exited before it was ready; see its stderr above", file=sys.stderr)
            return 1
        info = json.loads(line)
        print(f"dev-env ready in {time.monotonic() - started:.1f}s: PDS {info['pds']}")
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
            json.dump(info, handle)
        cassettes = args.cassettes.resolve()
        env = {
            **os.environ,
            "BLUESKY_RECORD_NETWORK": handle.name,
            "BLUESKY_CASSETTES": str(cassettes),
        }
        cassettes.mkdir(parents=True, exist_ok=True)
        status = subprocess.call(
            [
                sys.executable,
                "-m",
                "pytest",
                str(ROOT / "tests" / "test_bluesky.py"),
                "-p",
                "no:cacheprovider",
                "-q",
                *args.pytest_args,
            ],
            env=env,
            cwd=ROOT,
        )
        os.unlink(handle.name)
        public = {
            "pds": info["pds"],
            "appview": info["appview"],
            "user": info["user"],
            "other": info["handles"]["dinah"],
            "handles": info["handles"],
            "recorded_with": "@atproto/dev-env@0.3.215",
        }
        (cassettes / "network.json").write_text(json.dumps(public, indent=2) + "\n")
        return status
    finally:
        if network.stdin is not None:
            network.stdin.close()
        try:
            network.wait(timeout=30)
        except subprocess.TimeoutExpired:
            network.terminate()


if __name__ == "__main__":
    sys.exit(main())
