"""A real WordPress for the tests: Debian's packages, MariaDB in a temporary folder, ``php -S``.

:func:`start_wordpress` runs, as the current user (root in CI, anyone locally):

1. ``mariadb-install-db`` into a temporary data folder, then ``mariadbd`` on
   127.0.0.1 with a free port and a socket in that folder; an ``--init-file``
   creates the database and its user (no client, no system service involved);
2. a site folder whose ``wp-config.php`` points at that database and sets
   ``WP_ENVIRONMENT_TYPE`` to ``local`` (so Application Passwords work over
   plain HTTP), with every other entry a link into Debian's
   ``/usr/share/wordpress``. The router script and the PHP scripts define
   ``ABSPATH`` as that folder, so Debian's own ``/etc/wordpress`` configuration
   is never read or touched;
3. ``php tests/wordpress/install.php``: ``wp_install()``, pretty permalinks, then
   ``seed.php`` (posts, comments, replies, pingbacks, an Application Password),
   whose JSON it returns;
4. ``php -S 127.0.0.1:PORT`` with ``tests/wordpress/router.php`` as router.

:meth:`WordPressServer.stop` ends both servers (by their process ids) and
removes the folder. :func:`missing` says which package is absent, so the
fixture can skip locally and fail in CI.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

WORDPRESS = Path("/usr/share/wordpress")
HERE = Path(__file__).resolve().parent / "wordpress"
PACKAGES = "wordpress php-cli php-mysql mariadb-server"


def _which(*names: str) -> str | None:
    for name in names:
        found = shutil.which(name) or shutil.which(name, path="/usr/sbin:/usr/bin:/sbin")
        if found:
            return found
    return None


def missing() -> str | None:
    """What is missing to run a real WordPress, or ``None`` when everything is there."""
    needs = {
        "php": _which("php"),
        "mariadbd": _which("mariadbd", "mysqld"),
        "mariadb-install-db": _which("mariadb-install-db", "mysql_install_db"),
        str(WORDPRESS / "wp-settings.php"): str(WORDPRESS) if WORDPRESS.is_dir() else None,
    }
    absent = [name for name, path in needs.items() if path is None]
    if not absent:
        probe = subprocess.run(
            ["php", "-r", "echo extension_loaded('mysqli') ? 'yes' : 'no';"],
            capture_output=True,
            text=True,
            check=False,
        )
        if probe.stdout.strip() != "yes":
            absent.append("php-mysql (the mysqli extension)")
    if absent:
        return f"{', '.join(absent)} not found (apt-get install {PACKAGES})"
    return None


def _popen(args: list[str], out: Any, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    # A session of its own: `php -S` forks workers (PHP_CLI_SERVER_WORKERS), and stop()
    # ends the whole group, those workers included.
    return subprocess.Popen(
        args, stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_for_port(port: int, process: subprocess.Popen[bytes], log: Path, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args!r} exited early:\n{log.read_text()[-3000:]}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
            return
        time.sleep(0.05)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port}:\n{log.read_text()[-3000:]}")


@dataclass
class WordPressServer:
    """A running WordPress: its URL, the seeded ids and ana's Application Password."""

    url: str
    root: Path
    site: Path
    user: str
    app_password: str
    user_id: int
    posts: dict[str, int]
    comments: dict[str, int]
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def php(self, script: Path, *args: str) -> str:
        """Run a PHP script with ``ABSPATH`` set to this site; return its stdout."""
        done = subprocess.run(
            ["php", str(script), str(self.site), self.url, *args],
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )
        if done.returncode != 0:
            raise RuntimeError(f"php {script.name} failed:\n{done.stdout[-2000:]}{done.stderr}")
        return done.stdout

    def export(self) -> str:
        """The site's WordPress export (WXR), written by WordPress's own ``export_wp()``."""
        return self.php(HERE / "export.php")

    def stop(self) -> None:
        """Stop PHP and MariaDB (their own process ids only) and remove the folder."""
        for process in reversed(self.processes):
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait()
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)  # any worker left behind
        shutil.rmtree(self.root, ignore_errors=True)


def _start_mariadb(root: Path, password: str) -> tuple[subprocess.Popen[bytes], int]:
    datadir, log = root / "db", root / "mariadb.log"
    as_root = os.geteuid() == 0
    # mariadbd refuses to run as root unless told to; a non-root user runs it as themselves.
    user = ["--user=root"] if as_root else []
    install = subprocess.run(
        [
            _which("mariadb-install-db", "mysql_install_db") or "mariadb-install-db",
            "--no-defaults",
            f"--datadir={datadir}",
            "--auth-root-authentication-method=normal",
            "--skip-test-db",
            *user,
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    if install.returncode != 0:
        raise RuntimeError(f"mariadb-install-db failed:\n{install.stdout}{install.stderr}")
    (root / "init.sql").write_text(
        "CREATE DATABASE IF NOT EXISTS wordpress;\n"
        f"CREATE USER IF NOT EXISTS 'wp'@'127.0.0.1' IDENTIFIED BY '{password}';\n"
        "GRANT ALL ON wordpress.* TO 'wp'@'127.0.0.1';\n"
    )
    port = _free_port()
    with log.open("wb") as out:  # the child keeps its own copy of the descriptor
        process = _popen(
            [
                _which("mariadbd", "mysqld") or "mariadbd",
                "--no-defaults",
                f"--datadir={datadir}",
                f"--socket={root / 'db.sock'}",
                f"--port={port}",
                "--bind-address=127.0.0.1",
                f"--pid-file={root / 'db.pid'}",
                f"--init-file={root / 'init.sql'}",
                "--skip-log-bin",
                "--skip-name-resolve",
                "--innodb-buffer-pool-size=16M",
                "--innodb-log-file-size=16M",
                *user,
            ],
            out,
        )
    _wait_for_port(port, process, log, 60)
    return process, port


def _write_site(root: Path, url: str, db_port: int, password: str) -> Path:
    site = root / "site"
    site.mkdir()
    for entry in WORDPRESS.iterdir():
        if entry.name not in ("wp-config.php", ".htaccess"):
            (site / entry.name).symlink_to(entry)
    salts = "\n".join(
        f"define('{key}', '{secrets.token_hex(24)}');"
        for key in (
            "AUTH_KEY",
            "SECURE_AUTH_KEY",
            "LOGGED_IN_KEY",
            "NONCE_KEY",
            "AUTH_SALT",
            "SECURE_AUTH_SALT",
            "LOGGED_IN_SALT",
            "NONCE_SALT",
        )
    )
    (site / "wp-config.php").write_text(
        f"""<?php
define('DB_NAME', 'wordpress');
define('DB_USER', 'wp');
define('DB_PASSWORD', '{password}');
define('DB_HOST', '127.0.0.1:{db_port}');
define('DB_CHARSET', 'utf8mb4');
define('DB_COLLATE', '');
{salts}
$table_prefix = 'wp_';
define('WP_HOME', '{url}');
define('WP_SITEURL', '{url}');
define('WP_ENVIRONMENT_TYPE', 'local');
define('DISABLE_WP_CRON', true);
define('AUTOMATIC_UPDATER_DISABLED', true);
define('WP_HTTP_BLOCK_EXTERNAL', true);
define('WP_DEBUG', false);
require_once ABSPATH . 'wp-settings.php';
"""
    )
    return site


def start_wordpress() -> WordPressServer:
    """Start MariaDB and WordPress, install and seed the site; the caller must ``stop()`` it."""
    # A short folder: a Unix socket's path must fit in 108 bytes.
    root = Path(tempfile.mkdtemp(prefix="ckwp-", dir="/tmp"))
    processes: list[subprocess.Popen[bytes]] = []
    try:
        password = secrets.token_hex(12)
        mariadb, db_port = _start_mariadb(root, password)
        processes.append(mariadb)
        port = _free_port()
        url = f"http://127.0.0.1:{port}"
        site = _write_site(root, url, db_port, password)
        server = WordPressServer(url, root, site, "ana", "", 0, {}, {}, processes)
        seeded: dict[str, Any] = json.loads(server.php(HERE / "install.php"))
        log = root / "php.log"
        env = {**os.environ, "PHP_CLI_SERVER_WORKERS": "4"}
        with log.open("wb") as out:
            php = _popen(
                [
                    "php",
                    "-d",
                    "display_errors=stderr",
                    "-S",
                    f"127.0.0.1:{port}",
                    "-t",
                    str(site),
                    str(HERE / "router.php"),
                ],
                out,
                env,
            )
        processes.append(php)
        _wait_for_port(port, php, log, 30)
    except BaseException:
        WordPressServer("", root, root, "", "", 0, {}, {}, processes).stop()
        raise
    server.app_password = str(seeded["app_password"])
    server.user_id = int(seeded["user_id"])
    server.posts = {k: int(v) for k, v in seeded["posts"].items()}
    server.comments = {k: int(v) for k, v in seeded["comments"].items()}
    return server
