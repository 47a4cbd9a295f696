"""Probes behind docs/reliability.md ("Store and sync"): kill -9 during imports, hostile XML.

Runs the real CLI (``python -m cyberkind``) in child processes on this machine, against
temporary files only:

1. **Kills.** A JSONL export of ``--rows`` comments spread over threads is imported with
   ``--batch-size 50``; the import is SIGKILLed ``--kills`` times at random moments, each
   run resuming the last; a final run finishes it. Every table that matters is then compared
   with one uninterrupted import of the same file: nothing lost, nothing duplicated.
2. **Hostile XML.** A billion-laughs WXR and an XXE WXR (``file:///etc/passwd``) are
   imported; both must be refused (exit 1) before any entity is expanded: the time and the
   child's peak memory are printed.

Usage::

    PYTHONPATH=src python scripts/probe_reliability.py --rows 20000 --kills 12
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TABLES = {
    "items": "SELECT source, remote_id, kind, text, thread_key, content_hash, scores FROM items",
    "opportunities": "SELECT id, act, person, item_ids, state FROM opportunities",
    "opportunity_items": "SELECT opportunity_id, item_id FROM opportunity_items",
    "cursors": "SELECT source, cursor FROM cursors",
}

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE rss [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/"><channel>
<title>&lol9;</title><wp:wxr_version>1.2</wp:wxr_version></channel></rss>
"""
XXE = """<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/"><channel>
<title>&xxe;</title><wp:wxr_version>1.2</wp:wxr_version></channel></rss>
"""


def cyberkind(*args: str) -> list[str]:
    return [sys.executable, "-m", "cyberkind", *args]


def write_export(path: Path, rows: int) -> None:
    with path.open("w", encoding="utf-8") as out:
        for n in range(rows):
            thread = f"p{n // 40}"
            if n % 40 == 0:
                row = {"id": thread, "kind": "post", "is_own": True, "text": f"Post {n // 40}"}
            else:
                row = {
                    "id": f"c{n}",
                    "kind": "comment",
                    "author": f"Reader {n % 97}",
                    "parent_id": thread,
                    "thread_id": thread,
                    "text": f"Thank you for post {n // 40}, it helped me a lot ({n})",
                }
            out.write(json.dumps(row) + "\n")


def rows(db: Path) -> dict[str, list[tuple[object, ...]]]:
    conn = sqlite3.connect(db)
    try:
        return {name: sorted(conn.execute(sql)) for name, sql in TABLES.items()}
    finally:
        conn.close()


def probe_kills(folder: Path, total: int, kills: int, seed: int) -> None:
    export = folder / "export.jsonl"
    write_export(export, total)
    clean, killed = folder / "clean.db", folder / "killed.db"
    started = time.monotonic()
    subprocess.run(
        cyberkind("import", str(export), "--db", str(clean), "--batch-size", "50"),
        check=True,
        capture_output=True,
    )
    whole = time.monotonic() - started
    rng = random.Random(seed)
    landed = 0
    for _ in range(kills):
        child = subprocess.Popen(
            cyberkind("import", str(export), "--db", str(killed), "--batch-size", "50"),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(rng.uniform(1.0, max(1.5, whole / 3)))
        if child.poll() is None:
            child.send_signal(signal.SIGKILL)
            landed += 1
        child.wait()
    subprocess.run(
        cyberkind("import", str(export), "--db", str(killed), "--batch-size", "50"),
        check=True,
        capture_output=True,
    )
    want, got = rows(clean), rows(killed)
    print(f"kills: {total} rows, uninterrupted import {whole:.1f} s")
    print(f"kills: {landed} of {kills} SIGKILLs landed mid-import, then a resume")
    for name in TABLES:
        same = "same" if want[name] == got[name] else "DIFFERENT"
        print(f"kills:   {name}: {len(got[name])} rows ({same} as the uninterrupted import)")
    check = sqlite3.connect(killed).execute("PRAGMA integrity_check").fetchone()[0]
    print(f"kills:   integrity_check: {check}")


def probe_hostile(folder: Path) -> None:
    for name, body in (("billion-laughs", BILLION_LAUGHS), ("xxe", XXE)):
        path = folder / f"{name}.xml"
        path.write_text(body, encoding="utf-8")
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        started = time.monotonic()
        done = subprocess.run(
            cyberkind("import", str(path), "--db", str(folder / f"{name}.db")),
            capture_output=True,
            text=True,
        )
        took = time.monotonic() - started
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        message = done.stderr.strip().splitlines()[-1][:110] if done.stderr.strip() else ""
        print(
            f"hostile: {name}: exit {done.returncode} in {took:.1f} s, child peak "
            f"{max(peak, before) / 1024:.0f} MiB: {message}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20000)
    parser.add_argument("--kills", type=int, default=12)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    os.environ.setdefault("XDG_DATA_HOME", tempfile.mkdtemp())
    with tempfile.TemporaryDirectory() as tmp:
        probe_hostile(Path(tmp))
        probe_kills(Path(tmp), args.rows, args.kills, args.seed)


if __name__ == "__main__":
    main()
