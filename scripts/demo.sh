#!/usr/bin/env bash
# Drive a live server through every procedure with the typed client. Uses the server at $TWEETSTORE_URL if one
# answers there; otherwise starts one on a throw-away data folder and stops it afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
node scripts/ensure-install.mjs
url=${TWEETSTORE_URL:-http://127.0.0.1:3000}
if curl -fsS "$url/readyz" >/dev/null 2>&1; then
  echo "using the server at $url"
  TWEETSTORE_URL=$url exec npx tsx scripts/demo.ts
fi
data=$(mktemp -d)
log="$data/server.log"
PORT=0 TWEETSTORE_DATA_DIR="$data/data" node --import tsx apps/server/src/main.ts > "$log" 2>&1 &
pid=$!
trap 'kill -TERM $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 1 150); do grep -q "listening on" "$log" && break; sleep 0.2; done
url=$(grep -o 'listening on http://[^ ]*' "$log" | head -1 | cut -d' ' -f3)
echo "started a demo server at $url (data in $data/data)"
TWEETSTORE_URL=$url npx tsx scripts/demo.ts
