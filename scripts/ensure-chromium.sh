#!/usr/bin/env bash
# Makes sure Debian's Chromium is at /usr/bin/chromium for the browser tests (apps/web/e2e), which drive it with
# playwright-core: `npx playwright install` needs a download this project cannot count on.
set -euo pipefail
CHROMIUM=/usr/bin/chromium
[[ -x "$CHROMIUM" ]] && exit 0

if [[ "$(id -u)" -ne 0 ]] || ! command -v apt-get >/dev/null 2>&1; then
  echo "tweetstore: the browser tests need Chromium at $CHROMIUM; install it as root with" >&2
  echo "  apt-get update && apt-get install -y --no-install-recommends chromium" >&2
  exit 1
fi

echo "tweetstore: installing Chromium for the browser tests (apt-get install chromium)…"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium; } >"$log" 2>&1; then
  tail -20 "$log" >&2
  echo "tweetstore: could not install Chromium (see above)" >&2
  exit 1
fi
[[ -x "$CHROMIUM" ]] || { echo "tweetstore: apt installed chromium but $CHROMIUM is missing" >&2; exit 1; }
