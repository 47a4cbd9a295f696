#!/usr/bin/env bash
# The Debian/Ubuntu packages the full test suite needs, installed with apt-get (as root or
# through sudo). Used by `make system-packages` and by .ci/run; README.md lists them.
#
# make, a UTF-8 locale (hatesonar, a benchmark peer, needs en_US.UTF-8), a real WordPress for
# tests/test_wordpress.py (Debian's wordpress, PHP and MariaDB; the tests start their own
# MariaDB and `php -S` on 127.0.0.1, so no service is enabled here), chromium for the web
# app's browser tests (Playwright drives /usr/bin/chromium), and PostgreSQL for the store
# tests (tests/postgres_server.py runs initdb + pg_ctl as an unprivileged user in a temporary
# folder, on 127.0.0.1; no service is enabled either).
set -euo pipefail

PACKAGES="make locales wordpress php-cli php-mysql mariadb-server chromium postgresql"

export DEBIAN_FRONTEND=noninteractive
SUDO=""
if [ "$(id -u)" != "0" ] && command -v sudo >/dev/null; then SUDO="sudo"; fi
if ! command -v apt-get >/dev/null; then
  echo "No apt-get here: install these packages (or your system's equivalents) by hand:" >&2
  echo "  $PACKAGES" >&2
  exit 1
fi
$SUDO apt-get update -qq
# shellcheck disable=SC2086  # one word per package
$SUDO apt-get install -y -qq $PACKAGES >/dev/null
if ! locale -a 2>/dev/null | grep -qi '^en_US.utf-\?8$'; then
  $SUDO sed -i 's/^# *en_US.UTF-8 UTF-8/en_US.UTF-8 UTF-8/' /etc/locale.gen
  $SUDO locale-gen >/dev/null
fi
