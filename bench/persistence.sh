#!/usr/bin/env bash
# Persistence figures for Meridian vs Debian's redis-server, side by side, in one run:
#   1. SAVE time and RDB size for K keys of 100 bytes (same data on both, loaded with redis-cli --pipe);
#   2. memory a BGSAVE costs while writers keep overwriting the same keys
#      (Redis: copy-on-write of its fork, INFO persistence current_cow_peak / rdb_last_cow_size;
#       Meridian: the snapshot's peak in-flight bytes, old values of overwritten entries included,
#       reported in the same INFO fields);
#   3. restart time with the RDB plus a log of L MB of writes after it
#      (Meridian: RDB + replication log replay; Redis: RDB preamble + AOF, appendonly yes).
#
#   bench/persistence.sh [--keys K] [--log-mb L]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
KEYS=1000000
LOG_MB=1024
while [ $# -gt 0 ]; do
  case "$1" in
    --keys) KEYS="$2"; shift 2 ;;
    --log-mb) LOG_MB="$2"; shift 2 ;;
    *) echo "bench: unknown option $1" >&2; exit 1 ;;
  esac
done
for tool in redis-server redis-cli redis-benchmark; do
  command -v "$tool" >/dev/null || { echo "bench: $tool not found (apt-get install -y redis-server redis-tools)" >&2; exit 1; }
done
JAR="$ROOT/master-node/target/master-node.jar"
"$ROOT/bin/meridian" build-if-needed master >&2
JAVA_OPTS="${JAVA_OPTS:-$("$ROOT/bin/meridian" java-opts)}"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
WORK=$(mktemp -d /tmp/meridian-persist.XXXXXX)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
wait_up() {
  for _ in $(seq 1 3000); do redis-cli -p "$1" ping 2>/dev/null | grep -q PONG && return 0; sleep 0.05; done
  echo "bench: server on port $1 did not start" >&2; exit 1
}
now_ms() { date +%s%3N; }
info_field() { redis-cli -p "$1" info "$2" | tr -d '\r' | awk -F: -v f="$3" '$1 == f { print $2 }'; }

start_redis() { # dir port [extra...]
  local dir="$1" port="$2"; shift 2
  redis-server --port "$port" --bind 127.0.0.1 --dir "$dir" --save '' --logfile "$dir/redis.log" "$@" &
  REDIS_PID=$!; PIDS+=("$REDIS_PID")
}
start_meridian() { # dir port [extra...]
  local dir="$1" port="$2"; shift 2
  # shellcheck disable=SC2086
  java $JAVA_OPTS -jar "$JAR" --port "$port" --bind 127.0.0.1 --dir "$dir" --save '' --logfile "$dir/meridian.log" "$@" &
  MERIDIAN_PID=$!; PIDS+=("$MERIDIAN_PID")
}

awk -v n="$KEYS" 'BEGIN { v = sprintf("%0100d", 0); for (i = 0; i < n; i++) { k = "key:" i; printf "*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$100\r\n%s\r\n", length(k), k, v } }' >"$WORK/keys.resp"

echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ) $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(redis-server --version | cut -d' ' -f3), $KEYS keys x 100 B"

# ---- 1. SAVE time and size --------------------------------------------------------------
mkdir -p "$WORK/r1" "$WORK/m1"
RP=$(free_port); MP=$(free_port)
start_redis "$WORK/r1" "$RP"
start_meridian "$WORK/m1" "$MP" --repl-log-enabled no
wait_up "$RP"; wait_up "$MP"
redis-cli -p "$RP" --pipe <"$WORK/keys.resp" >/dev/null
redis-cli -p "$MP" --pipe <"$WORK/keys.resp" >/dev/null
for i in 1 2; do # a warm-up SAVE for the JIT, then the measured one
  t0=$(now_ms); redis-cli -p "$MP" save >/dev/null; m_save=$(( $(now_ms) - t0 ))
done
t0=$(now_ms); redis-cli -p "$RP" save >/dev/null; r_save=$(( $(now_ms) - t0 ))
r_size=$(stat -c %s "$WORK/r1/dump.rdb"); m_size=$(stat -c %s "$WORK/m1/dump.rdb")
echo
echo "| SAVE, $KEYS keys | Redis | Meridian | ratio | target |"
echo "|---|---|---|---|---|"
awk -v r="$r_save" -v m="$m_save" 'BEGIN { printf "| time ms | %d | %d | %.2f | <= 1.5 |\n", r, m, m/r }'
awk -v r="$r_size" -v m="$m_size" 'BEGIN { printf "| RDB bytes | %d | %d | %.3f | <= 1.1 |\n", r, m, m/r }'

# ---- 2. BGSAVE under writes -----------------------------------------------------------------
m_idle=$(info_field "$MP" memory used_memory)
(redis-benchmark -p "$RP" -t set -r "$KEYS" -d 100 -n 100000000 -c 20 -q >/dev/null 2>&1 &)
(redis-benchmark -p "$MP" -t set -r "$KEYS" -d 100 -n 100000000 -c 20 -q >/dev/null 2>&1 &)
sleep 3
redis-cli -p "$RP" bgsave >/dev/null
cow_peak=0
while [ "$(info_field "$RP" persistence rdb_bgsave_in_progress)" = "1" ]; do
  c=$(info_field "$RP" persistence current_cow_peak); [ "${c:-0}" -gt "$cow_peak" ] && cow_peak=$c
  sleep 0.05
done
r_cow=$(info_field "$RP" persistence rdb_last_cow_size); [ "${r_cow:-0}" -gt "$cow_peak" ] && cow_peak=$r_cow
m_before=$(info_field "$MP" memory used_memory)
redis-cli -p "$MP" bgsave >/dev/null
m_peak=$m_before; t0=$(now_ms)
while [ "$(info_field "$MP" persistence rdb_bgsave_in_progress)" = "1" ]; do
  u=$(info_field "$MP" memory used_memory); [ "$u" -gt "$m_peak" ] && m_peak=$u
  sleep 0.05
done
m_bgsave=$(( $(now_ms) - t0 ))
m_held=$(info_field "$MP" persistence rdb_last_cow_size)
pkill -f "redis-benchmark -p $RP" || true; pkill -f "redis-benchmark -p $MP" || true
echo
echo "| BGSAVE while 20 clients overwrite the same keys | Redis (fork) | Meridian (fork-less) |"
echo "|---|---|---|"
awk -v c="$cow_peak" -v h="$m_held" -v mb="$m_before" -v mp="$m_peak" 'BEGIN { printf "| extra memory during the save MB | %.1f (copy-on-write peak) | %.1f (peak in-flight snapshot bytes; heap in use rose by %.1f) |\n", c/1048576, h/1048576, (mp-mb)/1048576 }'
echo "| Meridian BGSAVE duration under load ms | | $m_bgsave |"
redis-cli -p "$RP" shutdown nosave >/dev/null 2>&1 || true
redis-cli -p "$MP" shutdown nosave >/dev/null 2>&1 || true
sleep 1

# ---- 3. restart with RDB + log ----------------------------------------------------------
mkdir -p "$WORK/r3" "$WORK/m3"
RP=$(free_port); MP=$(free_port)
start_redis "$WORK/r3" "$RP" --appendonly yes --appendfsync everysec --auto-aof-rewrite-percentage 0
start_meridian "$WORK/m3" "$MP" --appendfsync everysec
wait_up "$RP"; wait_up "$MP"
redis-cli -p "$RP" --pipe <"$WORK/keys.resp" >/dev/null
redis-cli -p "$MP" --pipe <"$WORK/keys.resp" >/dev/null
redis-cli -p "$RP" bgrewriteaof >/dev/null   # the RDB-preamble base, as Redis 7 keeps it
redis-cli -p "$MP" save >/dev/null
sleep 2
while [ "$(info_field "$RP" persistence aof_rewrite_in_progress)" = "1" ]; do sleep 0.2; done
# LOG_MB of 1 KB overwrites after the snapshot
n=$(( LOG_MB * 1024 ))
redis-benchmark -p "$RP" -t set -r "$KEYS" -d 1024 -n "$n" -c 50 -P 16 -q >/dev/null 2>&1
redis-benchmark -p "$MP" -t set -r "$KEYS" -d 1024 -n "$n" -c 50 -P 16 -q >/dev/null 2>&1
sleep 2
r_disk=$(du -sm "$WORK/r3" | cut -f1); m_disk=$(du -sm "$WORK/m3" | cut -f1)
kill -9 "$REDIS_PID" "$MERIDIAN_PID"; wait "$REDIS_PID" "$MERIDIAN_PID" 2>/dev/null || true
t0=$(now_ms); start_redis "$WORK/r3" "$RP" --appendonly yes --appendfsync everysec; wait_up "$RP"
while [ "$(info_field "$RP" persistence loading)" = "1" ]; do sleep 0.05; done; r_restart=$(( $(now_ms) - t0 ))
t0=$(now_ms); start_meridian "$WORK/m3" "$MP" --appendfsync everysec; wait_up "$MP"; m_restart=$(( $(now_ms) - t0 ))
echo
echo "| restart after kill -9: $KEYS keys snapshot + $LOG_MB MB of writes after it | Redis (RDB preamble + AOF) | Meridian (RDB + replication log) |"
echo "|---|---|---|"
echo "| on disk MB | $r_disk | $m_disk |"
echo "| until serving ms | $r_restart | $m_restart |"
echo "| keys after restart | $(redis-cli -p "$RP" dbsize) | $(redis-cli -p "$MP" dbsize) |"
