#!/usr/bin/env bash
# Start tweetstore in the background; scripts/stop.sh stops it. Logs and pids in .tweetstore/.
#   scripts/start.sh              one server on the embedded store (data in ./data), http://127.0.0.1:3000
#   scripts/start.sh --scale [N]  N instances (default 2) on this machine's PostgreSQL and Redis, media in a local
#                                 S3 (s3rver, objects in .tweetstore/s3), behind HAProxy at http://127.0.0.1:3000.
#                                 TWEETSTORE_DATABASE_URL, TWEETSTORE_REDIS_URL and TWEETSTORE_S3_* override the
#                                 local services (README, "Scaling out").
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p .tweetstore

running() { [[ -f $1 ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

# Starts `name` in the background (pid in .tweetstore/<name>.pid, log in .tweetstore/<name>.log) and waits until its
# log says `ready` (a pattern) or it exits.
launch() {
  local name=$1 ready=$2; shift 2
  [[ -f .tweetstore/$name.log ]] && mv ".tweetstore/$name.log" ".tweetstore/$name.log.1"
  nohup "$@" > ".tweetstore/$name.log" 2>&1 &
  echo $! > ".tweetstore/$name.pid"
  for _ in $(seq 1 150); do
    if grep -q "$ready" ".tweetstore/$name.log"; then return 0; fi
    if ! running ".tweetstore/$name.pid"; then echo "$name failed to start:"; tail -20 ".tweetstore/$name.log"; rm -f ".tweetstore/$name.pid"; return 1; fi
    sleep 0.2
  done
  echo "$name did not start within 30 s; see .tweetstore/$name.log"; return 1
}

if [[ ${1:-} != --scale ]]; then
  if running .tweetstore/server.pid; then echo "tweetstore already running (pid $(cat .tweetstore/server.pid))"; exit 0; fi
  node scripts/ensure-install.mjs
  launch server "listening on" node --import tsx apps/server/src/main.ts
  grep "listening on" .tweetstore/server.log
  echo "pid $(cat .tweetstore/server.pid); logs: .tweetstore/server.log; stop with scripts/stop.sh"
  exit 0
fi

count=${2:-2}
[[ $count =~ ^[1-9][0-9]?$ ]] || { echo "usage: scripts/start.sh --scale [N], N instances from 1 to 99"; exit 2; }
if running .tweetstore/server.pid || compgen -G ".tweetstore/instance-*.pid" > /dev/null; then
  echo "tweetstore is already running; scripts/stop.sh stops it"; exit 1
fi
command -v haproxy > /dev/null || { echo "the scale-out runs behind HAProxy: apt-get update && apt-get install -y haproxy"; exit 1; }
node scripts/ensure-install.mjs

# This machine's PostgreSQL and Redis, started the way the machines start them when they are down.
export TWEETSTORE_DATABASE_URL=${TWEETSTORE_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/tweetstore}
export TWEETSTORE_REDIS_URL=${TWEETSTORE_REDIS_URL:-redis://127.0.0.1:6379/0}
if ! pg_isready -q -d "$TWEETSTORE_DATABASE_URL" 2>/dev/null; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start 2>/dev/null || true
  pg_isready -q -t 10 -d "$TWEETSTORE_DATABASE_URL" || { echo "PostgreSQL does not answer at $TWEETSTORE_DATABASE_URL"; exit 1; }
fi
# the database itself (the instances create and migrate its schema)
database=${TWEETSTORE_DATABASE_URL##*/}; database=${database%%\?*}
if [[ -z $(psql "${TWEETSTORE_DATABASE_URL%/*}/postgres" -Atc "SELECT 1 FROM pg_database WHERE datname = '$database'") ]]; then
  psql "${TWEETSTORE_DATABASE_URL%/*}/postgres" -qc "CREATE DATABASE \"$database\"" && echo "created database $database"
fi
if ! redis-cli -u "$TWEETSTORE_REDIS_URL" ping > /dev/null 2>&1; then
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no > /dev/null
  sleep 0.5
  redis-cli -u "$TWEETSTORE_REDIS_URL" ping > /dev/null || { echo "Redis does not answer at $TWEETSTORE_REDIS_URL"; exit 1; }
fi
export TWEETSTORE_STORE=postgres TWEETSTORE_BLOB_STORE=s3
export TWEETSTORE_S3_BUCKET=${TWEETSTORE_S3_BUCKET:-tweetstore-media}
if [[ -z ${TWEETSTORE_S3_ENDPOINT:-} ]]; then
  mkdir -p .tweetstore/s3
  launch s3 "listening on" node --import tsx scripts/local-s3.ts .tweetstore/s3 4568
  export TWEETSTORE_S3_ENDPOINT=http://127.0.0.1:4568 AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER
fi
export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true
# HAProxy tells the instances each client's address
export TWEETSTORE_TRUSTED_PROXIES=loopback

front=${TWEETSTORE_PORT:-${PORT:-3000}}
servers=""
for i in $(seq 1 "$count"); do
  port=$((front + i))
  TWEETSTORE_PORT=$port TWEETSTORE_INSTANCE_ID=instance-$i launch "instance-$i" "listening on" node --import tsx apps/server/src/main.ts
  echo "instance-$i: http://127.0.0.1:$port (pid $(cat .tweetstore/instance-$i.pid), log .tweetstore/instance-$i.log)"
  servers+="  server instance-$i 127.0.0.1:$port check"$'\n'
done
cat > .tweetstore/haproxy.cfg <<CFG
# written by scripts/start.sh --scale: round robin over the instances, WebSockets included, each client's address
# in X-Forwarded-For; an instance that fails /readyz is taken out until it answers again
global
  maxconn 4000
defaults
  mode http
  timeout connect 5s
  timeout client 60s
  timeout server 60s
  timeout tunnel 1h
  option forwardfor
frontend tweetstore
  bind 127.0.0.1:$front
  default_backend instances
backend instances
  balance roundrobin
  option httpchk GET /readyz
  default-server inter 1s fall 2 rise 1
$servers
CFG
haproxy -c -q -f .tweetstore/haproxy.cfg
haproxy -D -f .tweetstore/haproxy.cfg -p .tweetstore/haproxy.pid
echo "tweetstore: $count instances on PostgreSQL ($TWEETSTORE_DATABASE_URL), Redis ($TWEETSTORE_REDIS_URL) and S3 ($TWEETSTORE_S3_ENDPOINT)"
echo "listening on http://127.0.0.1:$front (HAProxy); stop with scripts/stop.sh"
