#!/usr/bin/env bash
# What the whole suite needs besides Python packages, from Debian's packages, and the services it talks to.
# Used by CI (.ci/run) and by `make system-deps` on a developer's machine (needs root for apt).
set -euo pipefail

# chromium: browser tests and the running order's PDF; LibreOffice Calc (no GUI) and poppler-utils: the ceremony
# workbook printed to PDF and read back (pdfinfo, pdftotext) by the export tests.
if ! command -v chromium >/dev/null 2>&1 || ! command -v libreoffice >/dev/null 2>&1 || ! command -v pdftotext >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends chromium libreoffice-calc-nogui poppler-utils >/dev/null
fi

if ! pg_isready -q -h 127.0.0.1 -p 5432; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
fi

# Redis: the production task queue (the worker tests run on it too) and the shared rate limiter of several app
# machines (tests/judging/test_cluster.py); nginx: `make load-cluster`.
if ! command -v redis-server >/dev/null 2>&1 || { ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; }; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends redis-server nginx-light >/dev/null
fi
if ! (exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null; then
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null
  for _ in $(seq 1 30); do (exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null && break; sleep 1; done
fi
