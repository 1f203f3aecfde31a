#!/usr/bin/env bash
# Meridian vs Debian's redis-server, side by side, in one run.
#
#   bench/run.sh [--requests N] [--clients C] [--size BYTES] [--keys K] [--tests list] [--out FILE]
#
# Starts a real redis-server and a Meridian master (both without persistence: no RDB save points,
# no AOF, no replication log; on 127.0.0.1 and
# free ports), runs the same redis-benchmark workloads against each, interleaved, without and
# with pipelining (-P 16), and prints ops/s, p50 and p99 latency per server and the ratio
# Meridian/Redis. Then loads K keys of 100 bytes into each and reports the resident set size.
# Needs redis-server, redis-cli and redis-benchmark (apt-get install redis-server redis-tools).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REQUESTS=200000
CLIENTS=50
SIZE=1024
KEYS=1000000
TESTS="set,get,incr,lpush,rpop,sadd,hset,zadd,lrange_100"
OUT=""
while [ $# -gt 0 ]; do
  case "$1" in
    --requests) REQUESTS="$2"; shift 2 ;;
    --clients) CLIENTS="$2"; shift 2 ;;
    --size) SIZE="$2"; shift 2 ;;
    --keys) KEYS="$2"; shift 2 ;;
    --tests) TESTS="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    *) echo "bench: unknown option $1" >&2; exit 1 ;;
  esac
done
for tool in redis-server redis-cli redis-benchmark; do
  command -v "$tool" >/dev/null || { echo "bench: $tool not found (apt-get install -y redis-server redis-tools)" >&2; exit 1; }
done

JAR="$ROOT/master-node/target/master-node.jar"
"$ROOT/bin/meridian" build-if-needed master >&2
# The JVM options bin/meridian uses, so the figures are what a user gets.
JAVA_OPTS="${JAVA_OPTS:-$("$ROOT/bin/meridian" java-opts)}"

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}
REDIS_PORT=$(free_port)
MERIDIAN_PORT=$(free_port)
WORK=$(mktemp -d /tmp/meridian-bench.XXXXXX)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

wait_up() {
  for _ in $(seq 1 300); do
    redis-cli -p "$1" ping >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "bench: server on port $1 did not start" >&2; exit 1
}
start_servers() {
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --dir "$WORK" \
    --logfile "$WORK/redis.log" &
  REDIS_PID=$!; PIDS+=("$REDIS_PID")
  # shellcheck disable=SC2086
  java $JAVA_OPTS -jar "$JAR" --port "$MERIDIAN_PORT" --bind 127.0.0.1 --save '' --repl-log-enabled no --dir "$WORK" \
    --logfile "$WORK/meridian.log" &
  MERIDIAN_PID=$!; PIDS+=("$MERIDIAN_PID")
  wait_up "$REDIS_PORT"
  wait_up "$MERIDIAN_PORT"
}
start_servers

echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ) $(nproc) cores, $(redis-server --version | cut -d' ' -f3), $(java -version 2>&1 | head -1)"
echo "# load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# redis-benchmark -n $REQUESTS -c $CLIENTS -d $SIZE -t $TESTS [-P 16]; Meridian JVM: $JAVA_OPTS"

# JIT warm-up: one short pass against Meridian, not counted.
redis-benchmark -p "$MERIDIAN_PORT" -n 50000 -c "$CLIENTS" -d "$SIZE" -t "$TESTS" -q >/dev/null 2>&1 || true
redis-benchmark -p "$MERIDIAN_PORT" -n 50000 -c "$CLIENTS" -d "$SIZE" -t "$TESTS" -P 16 -q >/dev/null 2>&1 || true

# One redis-benchmark CSV run -> lines "TEST rps p50 p99"
run() {
  local port="$1" pipeline="$2" test
  redis-cli -p "$port" flushall >/dev/null
  redis-benchmark -p "$port" -n "$REQUESTS" -c "$CLIENTS" -d "$SIZE" -t "$3" -P "$pipeline" --csv 2>/dev/null \
    | awk -F'","|"' 'NR>1 { split($2, t, " "); print t[1], $3, $6, $8 }'
}

report=$(mktemp)
printf '| test | -P | Redis ops/s | Meridian ops/s | ratio | Redis p50/p99 ms | Meridian p50/p99 ms | p99 ratio |\n' >"$report"
printf '|---|---|---|---|---|---|---|---|\n' >>"$report"
for pipeline in 1 16; do
  IFS=',' read -ra tests <<<"$TESTS"
  for t in "${tests[@]}"; do
    r=$(run "$REDIS_PORT" "$pipeline" "$t" | tail -1)
    m=$(run "$MERIDIAN_PORT" "$pipeline" "$t" | tail -1)
    read -r name rr rp50 rp99 <<<"$r"
    read -r _ mr mp50 mp99 <<<"$m"
    awk -v n="$name" -v p="$pipeline" -v rr="$rr" -v mr="$mr" -v rp50="$rp50" -v rp99="$rp99" -v mp50="$mp50" -v mp99="$mp99" \
      'BEGIN { printf "| %s | %d | %.0f | %.0f | %.2f | %s / %s | %s / %s | %.2f |\n", n, p, rr, mr, (rr>0?mr/rr:0), rp50, rp99, mp50, mp99, (rp99>0?mp99/rp99:0) }' >>"$report"
  done
done
cat "$report"
echo "# load average after the throughput runs: $(cut -d' ' -f1-3 /proc/loadavg)"

# Memory: K keys of 100 bytes each into freshly started servers (the throughput runs above
# grew both heaps), loaded through redis-cli --pipe, then the resident set size.
rss_kb() { awk '/^VmRSS/ { print $2 }' "/proc/$1/status"; }
gen_keys() {
  awk -v n="$KEYS" 'BEGIN { v = sprintf("%0100d", 0); for (i = 0; i < n; i++) { k = "key:" i; printf "*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$100\r\n%s\r\n", length(k), k, v } }'
}
gen_keys >"$WORK/keys.resp"
redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
redis-cli -p "$MERIDIAN_PORT" shutdown nosave >/dev/null 2>&1 || true
wait "$REDIS_PID" "$MERIDIAN_PID" 2>/dev/null || true
start_servers
redis_base=$(rss_kb "$REDIS_PID"); meridian_base=$(rss_kb "$MERIDIAN_PID")
redis-cli -p "$REDIS_PORT" --pipe <"$WORK/keys.resp" >/dev/null
redis-cli -p "$MERIDIAN_PORT" --pipe <"$WORK/keys.resp" >/dev/null
sleep 2
redis_burst=$(rss_kb "$REDIS_PID"); meridian_burst=$(rss_kb "$MERIDIAN_PID")
# the JVM gives back what the load burst grew once a periodic GC runs (G1PeriodicGCInterval)
sleep 12
redis_rss=$(rss_kb "$REDIS_PID"); meridian_rss=$(rss_kb "$MERIDIAN_PID")
echo
echo "| $KEYS keys x 100 B | Redis | Meridian | ratio |"
echo "|---|---|---|---|"
awk -v r="$redis_rss" -v m="$meridian_rss" -v rb="$redis_base" -v mb="$meridian_base" -v r2="$redis_burst" -v m2="$meridian_burst" -v k="$(redis-cli -p "$MERIDIAN_PORT" dbsize)" \
  'BEGIN { printf "| RSS MB, settled 14 s after the load (dbsize %s) | %.0f | %.0f | %.2f |\n| RSS MB, 2 s after the load | %.0f | %.0f | %.2f |\n| RSS MB before the load | %.0f | %.0f | |\n", k, r/1024, m/1024, m/r, r2/1024, m2/1024, m2/r2, rb/1024, mb/1024 }'

if [ -n "$OUT" ]; then cat "$report" >"$OUT"; fi
rm -f "$report"
