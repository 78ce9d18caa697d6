#!/usr/bin/env bash
# Make sure a Debian tool some tests need is there, installing its package when we can.
#
#   scripts/ensure-debian-tool.sh COMMAND PACKAGE "what needs it"
#
# e.g. poppler-utils (pdftotext) for the report tests, nginx for the deploy guide's test.
# When COMMAND is missing and we are root with apt-get, install PACKAGE (apt-get update first).
# Otherwise say why; the tests that need it then skip with a loud reason.
# Always exits 0 so `make test` still runs every other test.
set -uo pipefail

if [ "$#" -ne 3 ]; then
  echo "usage: $0 COMMAND PACKAGE 'what needs it'" >&2
  exit 2
fi
tool=$1 package=$2 purpose=$3
log() { printf 'ensure-debian-tool (%s): %s\n' "$tool" "$*" >&2; }

if command -v "$tool" >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  log "missing and cannot be installed (not root, or no apt-get): $purpose will skip"
  exit 0
fi
log "installing Debian's $package package (apt-get) for $purpose"
export DEBIAN_FRONTEND=noninteractive
# One `apt-get update` per run of make: the lists are fresh enough for every tool after it.
stamp=/tmp/heavylegs-apt-updated
if { [ -e "$stamp" ] || { apt-get update -qq >&2 && touch "$stamp"; }; } \
  && apt-get install -y -qq --no-install-recommends "$package" >&2; then
  log "installed $package"
else
  log "apt-get could not install $package: $purpose will skip"
fi
exit 0
