#!/usr/bin/env bash
# Start the server in the background (logs in .tweetstore/server.log); scripts/stop.sh stops it.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p .tweetstore
if [[ -f .tweetstore/server.pid ]] && kill -0 "$(cat .tweetstore/server.pid)" 2>/dev/null; then
  echo "tweetstore already running (pid $(cat .tweetstore/server.pid))"; exit 0
fi
node scripts/ensure-install.mjs
[[ -f .tweetstore/server.log ]] && mv .tweetstore/server.log .tweetstore/server.log.1
nohup node --import tsx apps/server/src/main.ts > .tweetstore/server.log 2>&1 &
echo $! > .tweetstore/server.pid
for _ in $(seq 1 150); do
  if grep -q "listening on" .tweetstore/server.log; then
    grep "listening on" .tweetstore/server.log
    echo "pid $(cat .tweetstore/server.pid); logs: .tweetstore/server.log; stop with scripts/stop.sh"
    exit 0
  fi
  if ! kill -0 "$(cat .tweetstore/server.pid)" 2>/dev/null; then echo "tweetstore failed to start:"; tail -20 .tweetstore/server.log; rm -f .tweetstore/server.pid; exit 1; fi
  sleep 0.2
done
echo "tweetstore did not report listening within 30 s; see .tweetstore/server.log"; exit 1
