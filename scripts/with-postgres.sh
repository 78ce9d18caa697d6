#!/usr/bin/env bash
# Run a command with a throwaway PostgreSQL on 127.0.0.1 and HEAVYLEGS_TEST_PG pointing at it.
#
#   scripts/with-postgres.sh .venv/bin/python -m pytest
#
# Installs Debian's `postgresql` with apt-get when initdb is missing (needs root), starts a
# cluster in a temporary directory on a free port (as the `postgres` user when run as root:
# initdb refuses root), runs the command, then stops and deletes the cluster whatever happens.
# The command's exit code is passed through. If PostgreSQL cannot be started, a loud warning is
# printed and the command runs anyway (the PostgreSQL-parametrised tests then skip, saying why).
set -uo pipefail

if [ "$#" -eq 0 ]; then
  echo "usage: $0 COMMAND [ARG...]" >&2
  exit 2
fi

log() { printf 'with-postgres: %s\n' "$*" >&2; }

warn_loud() {
  printf '\n' >&2
  printf '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n' >&2
  printf '!!! WARNING: no throwaway PostgreSQL: %s\n' "$*" >&2
  printf '!!! PostgreSQL store tests will be SKIPPED; only SQLite is tested in this run.\n' >&2
  printf '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n\n' >&2
}

find_pgbin() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  if [ -n "$dir" ] && [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then
    echo "$dir"
    return 0
  fi
  if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
    dirname "$(readlink -f "$(command -v initdb)")"
    return 0
  fi
  return 1
}

install_postgres() {
  if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    log "initdb not found and cannot apt-get install postgresql (not root, or no apt-get)"
    return 1
  fi
  log "installing Debian's postgresql package (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2 && apt-get install -y -qq postgresql >&2
}

free_port() {
  local py
  for py in python3 python; do
    if command -v "$py" >/dev/null 2>&1; then
      "$py" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
      return $?
    fi
  done
  echo 54329
}

PGBIN=""
PGROOT=""
PG_STARTED=0

as_pg() {
  # Run a shell command line as the cluster owner: `postgres` when we are root, else ourselves.
  if [ "$(id -u)" -eq 0 ]; then
    su postgres -s /bin/sh -c "$1"
  else
    sh -c "$1"
  fi
}

stop_postgres() {
  if [ "$PG_STARTED" -eq 1 ]; then
    as_pg "'$PGBIN/pg_ctl' -D '$PGROOT/data' -m fast -w stop" >/dev/null 2>&1 ||
      as_pg "'$PGBIN/pg_ctl' -D '$PGROOT/data' -m immediate -w stop" >/dev/null 2>&1 || true
    PG_STARTED=0
  fi
  if [ -n "$PGROOT" ] && [ -d "$PGROOT" ]; then
    rm -rf "$PGROOT"
  fi
}

start_postgres() {
  PGBIN=$(find_pgbin) || { install_postgres && PGBIN=$(find_pgbin); } || {
    warn_loud "PostgreSQL binaries not found and could not be installed"
    return 1
  }
  PGROOT=$(mktemp -d "${TMPDIR:-/tmp}/heavylegs-pg.XXXXXX") || return 1
  chmod 700 "$PGROOT"
  if [ "$(id -u)" -eq 0 ]; then
    if ! id postgres >/dev/null 2>&1; then
      warn_loud "running as root but there is no 'postgres' user to own the cluster"
      return 1
    fi
    chown postgres: "$PGROOT"
  fi
  local port
  port=$(free_port)
  if ! as_pg "'$PGBIN/initdb' -D '$PGROOT/data' -U postgres -A trust -E UTF8 --no-locale >'$PGROOT/initdb.log' 2>&1"; then
    warn_loud "initdb failed: $(tail -n 3 "$PGROOT/initdb.log" 2>/dev/null)"
    return 1
  fi
  if ! as_pg "'$PGBIN/pg_ctl' -D '$PGROOT/data' -w -t 60 -l '$PGROOT/server.log' -o \"-c listen_addresses=127.0.0.1 -p $port -k '$PGROOT' -c fsync=off -c synchronous_commit=off -c full_page_writes=off\" start >/dev/null"; then
    warn_loud "the server did not start: $(tail -n 3 "$PGROOT/server.log" 2>/dev/null)"
    return 1
  fi
  PG_STARTED=1
  if ! as_pg "'$PGBIN/createdb' -h 127.0.0.1 -p $port -U postgres heavylegs_test"; then
    warn_loud "createdb failed"
    return 1
  fi
  export HEAVYLEGS_TEST_PG="postgresql+psycopg://postgres@127.0.0.1:$port/heavylegs_test"
  log "PostgreSQL $("$PGBIN/pg_ctl" --version | awk '{print $3}') on 127.0.0.1:$port"
  return 0
}

trap stop_postgres EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if ! start_postgres; then
  unset HEAVYLEGS_TEST_PG
  stop_postgres
fi

"$@"
rc=$?
exit "$rc"
