#!/usr/bin/env bash
# Fetch axe-core (the accessibility checker the browser tests run in Chromium) from the npm
# registry into a cache folder outside the repository; nothing is committed.
#
#   scripts/ensure-axe.sh
#
# Puts axe.min.js at ${HEAVYLEGS_AXE_DIR:-$HOME/.cache/heavylegs-dev}/axe-core-$VERSION/.
# Without npm or the network it says why; the axe test then skips with a reason. Always exits 0.
set -uo pipefail

VERSION=4.14.1
DIR="${HEAVYLEGS_AXE_DIR:-$HOME/.cache/heavylegs-dev}/axe-core-$VERSION"
log() { printf 'ensure-axe: %s\n' "$*" >&2; }

if [ -s "$DIR/axe.min.js" ]; then
  exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
  log "npm is missing: the axe-core accessibility test will skip"
  exit 0
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
if (cd "$work" && npm pack "axe-core@$VERSION" --silent >/dev/null 2>&1) \
  && tar -xzf "$work/axe-core-$VERSION.tgz" -C "$work" package/axe.min.js; then
  mkdir -p "$DIR" && mv "$work/package/axe.min.js" "$DIR/axe.min.js"
  log "axe-core $VERSION in $DIR"
else
  log "npm could not fetch axe-core $VERSION: the axe-core accessibility test will skip"
fi
exit 0
