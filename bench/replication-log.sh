#!/usr/bin/env bash
# Write throughput of Meridian's replication log against Redis's AOF, same fsync policy.
#
#   bench/replication-log.sh [--requests N] [--clients C] [--size BYTES] [--policies "always everysec"] [--rounds R]
#                            [--restart-keys K]
#
# For each appendfsync policy, starts a real redis-server with --appendonly yes --appendfsync
# <policy> and a Meridian master with its replication log (on by default) and --appendfsync
# <policy>, each in its own fresh directory on the same disk, and runs the same redis-benchmark
# SET workload against each, interleaved, without and with pipelining (-P 16). Each figure is
# the median of R rounds. A third server, Meridian with --repl-log-enabled no, shows what the
# log itself costs. Prints a markdown table: ops/s and p50/p99 latency per server.
# Then restart time: K keys of 100 bytes written through redis-cli --pipe (so the log holds K
# SETs), the node killed with SIGKILL, restarted on the same directory: time to serve again
# and the replay's own figures (0 = skip).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REQUESTS=100000
CLIENTS=50
SIZE=100
POLICIES="always everysec"
ROUNDS=3
RESTART_KEYS=1000000
while [ $# -gt 0 ]; do
  case "$1" in
    --requests) REQUESTS="$2"; shift 2 ;;
    --clients) CLIENTS="$2"; shift 2 ;;
    --size) SIZE="$2"; shift 2 ;;
    --policies) POLICIES="$2"; shift 2 ;;
    --rounds) ROUNDS="$2"; shift 2 ;;
    --restart-keys) RESTART_KEYS="$2"; shift 2 ;;
    *) echo "bench: unknown option $1" >&2; exit 1 ;;
  esac
done
for tool in redis-server redis-cli redis-benchmark; do
  command -v "$tool" >/dev/null || { echo "bench: $tool not found (apt-get install -y redis-server redis-tools)" >&2; exit 1; }
done

JAR="$ROOT/master-node/target/master-node.jar"
"$ROOT/bin/meridian" build-if-needed master >&2
JAVA_OPTS="${JAVA_OPTS:-$("$ROOT/bin/meridian" java-opts)}"

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}
WORK=$(mktemp -d "${BENCH_DIR:-/tmp}/meridian-logbench.XXXXXX")
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

# One redis-benchmark SET run -> "rps p50 p99"
run() {
  local port="$1" pipeline="$2"
  redis-benchmark -p "$port" -n "$REQUESTS" -c "$CLIENTS" -d "$SIZE" -t set -r 1000000 -P "$pipeline" --csv 2>/dev/null \
    | awk -F'","|"' 'NR>1 { print $3, $6, $8 }' | tail -1
}
# median of lines "rps p50 p99" by rps
median() { sort -n -k1,1 | awk '{ a[NR] = $0 } END { print a[int((NR + 1) / 2)] }'; }

echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ) $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(redis-server --version | cut -d' ' -f3), $(java -version 2>&1 | head -1)"
echo "# redis-benchmark -t set -n $REQUESTS -c $CLIENTS -d $SIZE -r 1000000 [-P 16], median of $ROUNDS; disk: $(df -T "$WORK" | awk 'NR==2 { print $2 }')"
echo
echo "| appendfsync | -P | Redis AOF ops/s | Meridian log ops/s | ratio | Redis p50/p99 ms | Meridian p50/p99 ms | Meridian, log off, ops/s |"
echo "|---|---|---|---|---|---|---|---|"
for policy in $POLICIES; do
  rport=$(free_port); mport=$(free_port)
  mkdir -p "$WORK/redis-$policy" "$WORK/meridian-$policy"
  redis-server --port "$rport" --bind 127.0.0.1 --save '' --appendonly yes --appendfsync "$policy" \
    --dir "$WORK/redis-$policy" --logfile "$WORK/redis-$policy.log" &
  PIDS+=($!); rpid=$!
  # shellcheck disable=SC2086
  java $JAVA_OPTS -jar "$JAR" --port "$mport" --bind 127.0.0.1 --save '' --appendfsync "$policy" \
    --dir "$WORK/meridian-$policy" --logfile "$WORK/meridian-$policy.log" &
  PIDS+=($!); mpid=$!
  oport=$(free_port); mkdir -p "$WORK/off-$policy"
  # shellcheck disable=SC2086
  java $JAVA_OPTS -jar "$JAR" --port "$oport" --bind 127.0.0.1 --save '' --repl-log-enabled no \
    --dir "$WORK/off-$policy" --logfile "$WORK/off-$policy.log" &
  PIDS+=($!); opid=$!
  wait_up "$rport"; wait_up "$mport"; wait_up "$oport"
  # JIT warm-up, not counted
  redis-benchmark -p "$mport" -n 50000 -c "$CLIENTS" -d "$SIZE" -t set -q >/dev/null 2>&1 || true
  redis-benchmark -p "$mport" -n 50000 -c "$CLIENTS" -d "$SIZE" -t set -P 16 -q >/dev/null 2>&1 || true
  redis-benchmark -p "$oport" -n 50000 -c "$CLIENTS" -d "$SIZE" -t set -q >/dev/null 2>&1 || true
  redis-benchmark -p "$oport" -n 50000 -c "$CLIENTS" -d "$SIZE" -t set -P 16 -q >/dev/null 2>&1 || true
  for pipeline in 1 16; do
    rs=""; ms=""; os=""
    for _ in $(seq 1 "$ROUNDS"); do
      rs+="$(run "$rport" "$pipeline")"$'\n'
      ms+="$(run "$mport" "$pipeline")"$'\n'
      os+="$(run "$oport" "$pipeline")"$'\n'
    done
    read -r rr rp50 rp99 <<<"$(printf '%s' "$rs" | median)"
    read -r mr mp50 mp99 <<<"$(printf '%s' "$ms" | median)"
    read -r or _ _ <<<"$(printf '%s' "$os" | median)"
    awk -v pol="$policy" -v p="$pipeline" -v rr="$rr" -v mr="$mr" -v rp50="$rp50" -v rp99="$rp99" -v mp50="$mp50" -v mp99="$mp99" -v or="$or" \
      'BEGIN { printf "| %s | %d | %.0f | %.0f | %.2f | %s / %s | %s / %s | %.0f |\n", pol, p, rr, mr, (rr>0?mr/rr:0), rp50, rp99, mp50, mp99, or }'
  done
  kill "$rpid" "$mpid" "$opid" 2>/dev/null || true
  wait "$rpid" "$mpid" "$opid" 2>/dev/null || true
  du_r=$(du -sk "$WORK/redis-$policy" | cut -f1); du_m=$(du -sk "$WORK/meridian-$policy" | cut -f1)
  echo "<!-- $policy: on disk after the run: Redis AOF ${du_r} KB, Meridian log ${du_m} KB -->"
done

[ "$RESTART_KEYS" -gt 0 ] || exit 0
# Restart time: the log replayed into an empty keyspace (no RDB yet).
port=$(free_port); rdir="$WORK/restart"; mkdir -p "$rdir"
start_meridian() {
  # shellcheck disable=SC2086
  java $JAVA_OPTS -jar "$JAR" --port "$port" --bind 127.0.0.1 --save '' --dir "$rdir" --logfile "$rdir/meridian.log" &
  PIDS+=($!); mpid=$!
}
start_meridian; wait_up "$port"
awk -v n="$RESTART_KEYS" 'BEGIN { v = sprintf("%0100d", 0); for (i = 0; i < n; i++) { k = "key:" i; printf "*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$100\r\n%s\r\n", length(k), k, v } }' \
  | redis-cli -p "$port" --pipe >/dev/null
kill -9 "$mpid"; wait "$mpid" 2>/dev/null || true
log_mb=$(du -sm "$rdir/replication-log" | cut -f1)
t0=$(date +%s%N)
start_meridian; wait_up "$port"
t1=$(date +%s%N)
keys=$(redis-cli -p "$port" dbsize 2>/dev/null || echo "?")
replay=$(grep -o 'Replication log replayed: .*' "$rdir/meridian.log" | tail -1)
echo
echo "| restart after kill -9 | value |"
echo "|---|---|"
echo "| keys written (SET, 100 B values) | $RESTART_KEYS |"
echo "| log on disk | ${log_mb} MB |"
echo "| launch to serving | $(( (t1 - t0) / 1000000 )) ms |"
echo "| keys after restart (DBSIZE) | $keys |"
echo "| node's own report | ${replay:-?} |"
kill "$mpid" 2>/dev/null || true
