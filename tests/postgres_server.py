"""A real, throwaway PostgreSQL for the tests: Debian's binaries, a cluster in a temporary folder.

:func:`start_postgres` runs ``initdb`` (trust authentication, superuser
``cyberkind``, no locale) into a fresh temporary folder, then ``pg_ctl start``
with the server on 127.0.0.1 and a free port, no Unix socket, and fsync off
(a test cluster needs no durability). ``initdb`` refuses to run as root, so as
root (CI) the folder is handed to the unprivileged ``postgres`` user (which
Debian's package creates; else ``nobody``) and both commands run through
``runuser``; anyone else runs them as themselves. A template database, migrated
once, makes each test's fresh database a cheap ``CREATE DATABASE ... TEMPLATE``.

:meth:`PostgresServer.stop` stops the server (``pg_ctl stop -m immediate``) and
removes the folder. :func:`missing` says what is absent, so the fixture can skip
locally and fail in CI.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

PACKAGES = "postgresql"
TEMPLATE = "cyberkind_template"
_SUPERUSER = "cyberkind"


def bin_dir() -> Path | None:
    """The newest ``/usr/lib/postgresql/N/bin`` with ``initdb`` (Debian's layout), or PATH's."""
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
    )
    if found:
        return found[-1].parent
    on_path = shutil.which("initdb")
    return Path(on_path).parent if on_path else None


def _run_as() -> str | None:
    """The unprivileged user to run the cluster as when we are root; ``None`` otherwise."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            pwd.getpwnam(name)
            return name
    return None


def missing() -> str | None:
    """What is missing to run a real PostgreSQL, or ``None`` when everything is there."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "psycopg is not installed (pip install 'cyberkind[postgres]')"
    if bin_dir() is None:
        return f"initdb not found (apt-get install {PACKAGES})"
    if os.geteuid() == 0 and (_run_as() is None or shutil.which("runuser") is None):
        return "running as root without a 'postgres' or 'nobody' user and runuser for initdb"
    return None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class PostgresServer:
    """A running test cluster: ``url(dbname)`` connects to one of its databases."""

    root: Path
    port: int
    bindir: Path
    user: str | None
    _counter: itertools.count[int] = field(default_factory=itertools.count)

    def url(self, dbname: str = "postgres") -> str:
        return f"postgresql://{_SUPERUSER}@127.0.0.1:{self.port}/{dbname}"

    def admin(self, sql: str) -> None:
        """Run one statement on the maintenance database (autocommit: CREATE/DROP DATABASE)."""
        import psycopg

        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(sql)  # type: ignore[arg-type]

    def fresh_database(self) -> str:
        """A new database copied from the migrated template; return its URL."""
        name = f"test_{os.getpid()}_{next(self._counter)}"
        self.admin(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE}")
        return self.url(name)

    def drop_database(self, url: str) -> None:
        name = url.rsplit("/", 1)[1]
        self.admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def stop(self) -> None:
        with contextlib.suppress(subprocess.SubprocessError, OSError):
            self._pg(["pg_ctl", "stop", "-D", str(self.root / "data"), "-m", "immediate"])
        shutil.rmtree(self.root, ignore_errors=True)

    def _pg(self, argv: list[str]) -> subprocess.CompletedProcess[str]:
        command = [str(self.bindir / argv[0]), *argv[1:]]
        if self.user is not None:
            command = ["runuser", "-u", self.user, "--", *command]
        return subprocess.run(command, check=True, capture_output=True, text=True, timeout=120)


def start_postgres() -> PostgresServer:
    """initdb + pg_ctl start on 127.0.0.1 (see the module docstring); migrate the template."""
    bindir = bin_dir()
    assert bindir is not None
    user = _run_as()
    root = Path(tempfile.mkdtemp(prefix="cyberkind-pg-"))
    if user is not None:
        entry = pwd.getpwnam(user)
        os.chown(root, entry.pw_uid, entry.pw_gid)
    server = PostgresServer(root, _free_port(), bindir, user)
    data = root / "data"
    try:
        server._pg(
            [
                "initdb",
                "-D",
                str(data),
                "-U",
                _SUPERUSER,
                "--auth=trust",
                "--no-locale",
                "-E",
                "UTF8",
            ]
        )
        options = (
            f"-c listen_addresses=127.0.0.1 -c port={server.port} "
            "-c unix_socket_directories='' -c fsync=off -c synchronous_commit=off "
            "-c full_page_writes=off -c max_connections=100"
        )
        server._pg(
            ["pg_ctl", "start", "-w", "-D", str(data), "-l", str(root / "log"), "-o", options]
        )
        server.admin(f"CREATE DATABASE {TEMPLATE}")
        from cyberkind.store.postgres import PostgresStore

        PostgresStore(server.url(TEMPLATE)).close()
    except BaseException as exc:
        log = root / "log"
        detail = log.read_text(errors="replace")[-2000:] if log.is_file() else ""
        stderr = getattr(exc, "stderr", "") or ""
        server.stop()
        raise RuntimeError(f"PostgreSQL did not start: {exc}\n{stderr}\n{detail}") from exc
    return server
