#!/usr/bin/env bash
# Make sure Debian's poppler-utils (pdftotext, pdfinfo, pdffonts, pdftoppm) is there for the
# report tests (tests/reports/), which read the PDF's text layer and page sizes.
#
#   scripts/ensure-poppler.sh
#
# When pdftotext is missing and we are root with apt-get, install Debian's `poppler-utils`
# (apt-get update first). Otherwise say why; the PDF tests then skip with a loud reason.
# The report's fonts need nothing here: DejaVu Sans comes with matplotlib (a PyPI dependency).
# Always exits 0 so `make test` still runs every other test.
set -uo pipefail

log() { printf 'ensure-poppler: %s\n' "$*" >&2; }

if command -v pdftotext >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  log "pdftotext is missing and cannot be installed (not root, or no apt-get): PDF tests will skip"
  exit 0
fi
log "installing Debian's poppler-utils package (apt-get)"
export DEBIAN_FRONTEND=noninteractive
if apt-get update -qq >&2 && apt-get install -y -qq --no-install-recommends poppler-utils >&2; then
  log "installed $(pdftotext -v 2>&1 | head -1)"
else
  log "apt-get could not install poppler-utils: PDF tests will skip"
fi
exit 0
