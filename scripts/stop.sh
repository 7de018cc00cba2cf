#!/usr/bin/env bash
# Stop the server started by scripts/start.sh: SIGTERM drains calls, flushes the journal and exits 0.
set -euo pipefail
cd "$(dirname "$0")/.."
pidfile=.tweetstore/server.pid
if [[ ! -f $pidfile ]] || ! kill -0 "$(cat $pidfile)" 2>/dev/null; then echo "tweetstore is not running"; rm -f $pidfile; exit 0; fi
pid=$(cat $pidfile)
kill -TERM "$pid"
for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || { rm -f $pidfile; echo "tweetstore stopped"; exit 0; }; sleep 0.2; done
echo "tweetstore did not stop within 30 s; sending SIGKILL"; kill -KILL "$pid"; rm -f $pidfile
