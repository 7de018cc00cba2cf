#!/usr/bin/env bash
# Stop what scripts/start.sh started: the front door first, then each server (SIGTERM drains calls, flushes the
# store and exits 0), then the local S3.
set -euo pipefail
cd "$(dirname "$0")/.."

# stop <pidfile> <name>: SIGTERM, then SIGKILL after 30 s.
stop() {
  local pidfile=$1 name=$2 pid
  if [[ ! -f $pidfile ]] || ! kill -0 "$(cat "$pidfile")" 2>/dev/null; then rm -f "$pidfile"; return 1; fi
  pid=$(cat "$pidfile")
  kill -TERM "$pid"
  for _ in $(seq 1 150); do kill -0 "$pid" 2>/dev/null || { rm -f "$pidfile"; echo "$name stopped"; return 0; }; sleep 0.2; done
  echo "$name did not stop within 30 s; sending SIGKILL"; kill -KILL "$pid"; rm -f "$pidfile"
}

stopped=0
stop .tweetstore/haproxy.pid haproxy && stopped=1 || true
stop .tweetstore/server.pid tweetstore && stopped=1 || true
for pidfile in .tweetstore/instance-*.pid; do
  [[ -e $pidfile ]] || continue
  stopped=1
  (stop "$pidfile" "tweetstore $(basename "$pidfile" .pid)" || true) &
done
wait
stop .tweetstore/s3.pid "local S3" && stopped=1 || true
[[ $stopped == 1 ]] || echo "tweetstore is not running"
