#!/usr/bin/env bash
# The benchmark, from a fresh clone: installs what is missing (wrk, PostgreSQL, the project's and
# Oscar's environments), then runs bench/harness.py. Arguments go to the harness (--help lists them).
set -euo pipefail
cd "$(dirname "$0")/.."

apt_install() {
  if [ -z "${APT_UPDATED:-}" ]; then apt-get update -qq; APT_UPDATED=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

command -v wrk >/dev/null || apt_install wrk
if ! command -v pg_ctlcluster >/dev/null; then apt_install postgresql; fi
if ! pg_isready -q -h 127.0.0.1 -p 5432; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
fi
# Redis is optional: the production settings use it as the cache when it answers.
if command -v redis-server >/dev/null && ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  mkdir -p bench/var/redis
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --dir "$PWD/bench/var/redis" \
    --pidfile "$PWD/bench/var/redis/redis.pid" --logfile "$PWD/bench/var/redis/redis.log"
  sleep 0.5
fi

make setup >/dev/null
.venv/bin/python -c "import locust, requests" 2>/dev/null || .venv/bin/pip install --quiet -e ".[dev,bench]"

# django-oscar in its own environment: it pins its own Django. Not needed with --no-oscar.
case " $* " in
  *" --no-oscar "*) ;;
  *)
    if [ ! -x bench/.oscar-venv/bin/gunicorn ]; then
      "$(command -v python3.11 || command -v python3)" -m venv bench/.oscar-venv
    fi
    if [ bench/oscar-requirements.txt -nt bench/.oscar-venv/.installed ]; then
      bench/.oscar-venv/bin/pip install --quiet -r bench/oscar-requirements.txt
      touch bench/.oscar-venv/.installed
    fi
    ;;
esac

exec .venv/bin/python -m bench.harness "$@"
