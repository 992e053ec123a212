#!/usr/bin/env bash
# API throughput and latency at 1M leads: uvicorn with 2 worker processes on MariaDB, wrk on loopback,
# 16 connections. Needs the seeded database (bench/seed.py) and wrk (apt-get install wrk).
#   bash bench/api_bench.sh            # every scenario, 20 s each
#   DURATION=5s bash bench/api_bench.sh
#   ONLY="detail intake" bash bench/api_bench.sh   # some scenarios, by script name (bench/wrk/*.lua)
#   RATE=60 ONLY=get bash bench/api_bench.sh     # the connections paced to 60 requests a second in all
#   SCHEDULER=1 bash bench/api_bench.sh  # also run `leadsmanager scheduler`, as a deployment does: it
#                                        # folds the report counts and relays the outbox meanwhile
set -euo pipefail
cd "$(dirname "$0")/.."
URL=${LEADSMANAGER_BENCH_MYSQL_URL:-mysql+pymysql://root@127.0.0.1:3306/leadsmanager_bench}
PORT=${PORT:-8799}
DURATION=${DURATION:-20s}
export LEADSMANAGER_DATABASE_URL=$URL LEADSMANAGER_ALLOWED_HOSTS=127.0.0.1 LEADSMANAGER_SECRET_KEY=bench-only-secret-key-0123456789
export LEADSMANAGER_REDIS_URL=${LEADSMANAGER_REDIS_URL-redis://127.0.0.1:6379/14}  # empty: count rates in MariaDB
export LEADSMANAGER_API_REQUESTS_PER_MINUTE=100000000 LEADSMANAGER_DATA_DIR=${TMPDIR:-/tmp}/leadsmanager-api-bench
CLI=.venv/bin/leadsmanager
$CLI db upgrade >/dev/null
export BENCH_KEY=$($CLI api-keys create "api bench $(date +%s)" --scope leads:read --scope leads:write | tail -1)
DB=$(.venv/bin/python -c "from sqlalchemy import make_url; print(make_url('$URL').database)")
export BENCH_MAX_ID=$(mysql -uroot -N -e "select max(id) from $DB.leads")
SURNAME=$(mysql -uroot -N -e "select substring_index(contact_name, ' ', -1) from $DB.leads where id = 500000")
$CLI serve --workers 2 --port "$PORT" --no-access-log >/tmp/api-bench-serve.log 2>&1 &
SERVER=$!
SCHEDULER_PID=
if [[ -n ${SCHEDULER:-} ]]; then
  $CLI scheduler >/tmp/api-bench-scheduler.log 2>&1 &
  SCHEDULER_PID=$!
fi
trap 'kill $SERVER $SCHEDULER_PID 2>/dev/null; wait $SERVER $SCHEDULER_PID 2>/dev/null' EXIT
for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$PORT/login" && break; sleep 0.2; done
echo "leads: $BENCH_MAX_ID, search term: $SURNAME, duration: $DURATION each, 16 connections, 2 wrk threads${RATE:+, paced to $RATE requests a second}"
# CPU seconds (user + system) used so far by the given processes; the machine is shared, so CPU per
# request says more about the code than req/s alone when something else is running.
cpu() { { cat "${@/#//proc/}" 2>/dev/null || true; } | awk '{t += $14 + $15} END {printf "%.2f", t / 100}'; }
web_stats() { for p in $SERVER $(pgrep -P $SERVER); do echo "$p/stat"; done; }
scheduler_stats() { [[ -z $SCHEDULER_PID ]] || echo "$SCHEDULER_PID/stat"; }
DB_PORT=$(.venv/bin/python -c "from sqlalchemy import make_url; print(make_url('$URL').port or 3306)")
DB_PID=$(ss -Hltnp "sport = :$DB_PORT" | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2 || true)  # if local
run() {
  [[ -z ${ONLY:-} || " $ONLY " == *" $2 "* ]] || return 0
  echo "== $1"
  local web0 db0 sch0 out web1 db1 sch1 requests
  web0=$(cpu $(web_stats)); db0=$(cpu ${DB_PID:+$DB_PID/stat}); sch0=$(cpu $(scheduler_stats))
  out=$(BENCH_PATH=${3:-} BENCH_RATE=${RATE:-} wrk -t2 -c16 -d"$DURATION" --latency -s "bench/wrk/$2.lua" "http://127.0.0.1:$PORT")
  web1=$(cpu $(web_stats)); db1=$(cpu ${DB_PID:+$DB_PID/stat}); sch1=$(cpu $(scheduler_stats))
  echo "$out" | grep -E "Requests/sec|Latency  |^ +(50|90|99)%|Non-2xx|Socket errors"
  requests=$(echo "$out" | awk '/requests in/ {print $1}')
  [[ -n $requests && $requests != 0 ]] || return 0
  awk -v w="$web1" -v w0="$web0" -v d="$db1" -v d0="$db0" -v s="$sch1" -v s0="$sch0" -v n="$requests" \
    'BEGIN {printf "    CPU per request: web %.2f ms, MariaDB %.2f ms, scheduler %.2f ms\n", (w - w0) * 1000 / n, (d - d0) * 1000 / n, (s - s0) * 1000 / n}'
}
run "intake (POST /api/v1/leads)" intake
run "list, status filter" get "/api/v1/leads?status=new&limit=50"
run "list, status + search" get "/api/v1/leads?status=new&q=$SURNAME&limit=50"
run "detail (GET /api/v1/leads/{id})" detail
run "patch (PATCH /api/v1/leads/{id})" patch
