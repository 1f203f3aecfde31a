#!/usr/bin/env bash
# Replication: a Meridian master feeding real redis-server replicas, against redis-server
# feeding the same replicas, in one run on loopback.
#
#   bench/replication.sh [--keys K] [--requests N] [--clients C] [--lag-rate R] [--lag-seconds S] [--rounds N]
#
# 1. Full-sync time of K keys (100-byte strings, loaded with redis-cli --pipe) to a fresh,
#    empty redis-server replica: from REPLICAOF until the replica reports its link up with
#    the dataset loaded; disk-backed (repl-diskless-sync no) and diskless
#    (repl-diskless-sync yes, delay 0); the median of N rounds, each with a new replica.
# 2. Master write throughput (redis-benchmark SET, 100 B, without and with -P 16) with no
#    replica and with two redis-server replicas attached (median of N runs each); the ratio.
#    Also the master's requests per CPU-second in the same runs (its capacity with cores of
#    its own: on a small machine the replicas and redis-benchmark share the master's cores).
# 3. Replication lag under a steady SET load of R per second for S seconds, measured end to
#    end (master write to the replica applying it, seen through a keyspace notification on
#    the replica): p50, p99, p99.9, max in ms (bench/ReplicationLag.java).
# Meridian runs as bin/meridian runs it, with its replication log on (the default) and
# appendfsync everysec; redis-server without AOF or save points.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
KEYS=1000000
REQUESTS=200000
CLIENTS=50
LAG_RATE=10000
LAG_SECONDS=10
ROUNDS=3
while [ $# -gt 0 ]; do
  case "$1" in
    --keys) KEYS="$2"; shift 2 ;;
    --requests) REQUESTS="$2"; shift 2 ;;
    --clients) CLIENTS="$2"; shift 2 ;;
    --lag-rate) LAG_RATE="$2"; shift 2 ;;
    --lag-seconds) LAG_SECONDS="$2"; shift 2 ;;
    --rounds) ROUNDS="$2"; shift 2 ;;
    *) echo "bench: unknown option $1" >&2; exit 1 ;;
  esac
done
# shellcheck source=lib.sh
. "$ROOT/bench/lib.sh"
need_tools redis-server redis-cli redis-benchmark java python3
work_dir repl


# start_master redis|meridian PORT DIR -> pid in LAST_PID
start_master() {
  local kind="$1" port="$2" dir="$3"
  mkdir -p "$dir"
  if [ "$kind" = redis ]; then
    redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --dir "$dir" --logfile "$dir/log" \
      --repl-diskless-sync-delay 0 &
  else
    # shellcheck disable=SC2086
    java $JAVA_OPTS -jar "$JAR" --port "$port" --bind 127.0.0.1 --save '' --dir "$dir" --logfile "$dir/log" \
      --repl-diskless-sync-delay 0 &
  fi
  LAST_PID=$!; PIDS+=("$LAST_PID")
  wait_up "$port"
}
start_replica() {
  local port="$1" dir="$2"
  mkdir -p "$dir"
  redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --dir "$dir" --logfile "$dir/log" &
  LAST_PID=$!; PIDS+=("$LAST_PID")
  wait_up "$port"
}
stop_pid() { kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }

# waits until replica PORT has its link up with the dataset loaded
wait_synced() {
  local port="$1"
  for _ in $(seq 1 30000); do
    local info
    info=$(redis-cli -p "$port" info 2>/dev/null | tr -d '\r' || true)
    if grep -q '^master_link_status:up' <<<"$info" && grep -q '^master_sync_in_progress:0' <<<"$info" \
        && grep -q '^loading:0' <<<"$info"; then
      return 0
    fi
    sleep 0.01
  done
  echo "bench: replica on $port never synced" >&2; exit 1
}
# waits until replica PORT applied master MPORT's offset (writes stopped)
wait_caught_up() {
  local port="$1" mport="$2"
  for _ in $(seq 1 3000); do
    [ "$(field "$mport" replication master_repl_offset)" = "$(field "$port" replication slave_repl_offset)" ] && return 0
    sleep 0.05
  done
}

gen_keys() {
  awk -v n="$KEYS" 'BEGIN { v = sprintf("%0100d", 0); for (i = 0; i < n; i++) { k = "key:" i; printf "*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$100\r\n%s\r\n", length(k), k, v } }'
}
gen_keys >"$WORK/keys.resp"

echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ) $(nproc) cores, $(redis-server --version | cut -d' ' -f3), $(java -version 2>&1 | head -1)"
echo "# load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"

declare -A SYNC TPUT CAP LAG LAG_MASTER LAG_REPLICA
for kind in redis meridian; do
  MPORT=$(free_port)
  start_master "$kind" "$MPORT" "$WORK/$kind-master"
  MPID=$LAST_PID
  redis-cli -p "$MPORT" --pipe <"$WORK/keys.resp" >/dev/null
  # 1. full syncs
  for mode in disk diskless; do
    redis-cli -p "$MPORT" config set repl-diskless-sync "$([ "$mode" = diskless ] && echo yes || echo no)" >/dev/null
    times=()
    for r in $(seq 1 "$ROUNDS"); do
      RPORT=$(free_port)
      start_replica "$RPORT" "$WORK/$kind-$mode-$r"
      RPID=$LAST_PID
      t0=$(now_ms)
      redis-cli -p "$RPORT" replicaof 127.0.0.1 "$MPORT" >/dev/null
      wait_synced "$RPORT"
      t1=$(now_ms)
      keys=$(redis-cli -p "$RPORT" dbsize)
      [ "$keys" -ge "$KEYS" ] || echo "bench: $kind $mode replica has $keys keys" >&2
      times+=("$((t1 - t0))")
      stop_pid "$RPID"
    done
    SYNC[$kind-$mode]=$(printf '%s\n' "${times[@]}" | median)
    echo "# full sync $kind $mode: ${times[*]} ms" >&2
  done
  redis-cli -p "$MPORT" flushall >/dev/null
  # 2. throughput with no replica, then with two
  run_set() {
    redis-benchmark -p "$MPORT" -n "$REQUESTS" -c "$CLIENTS" -d 100 -t set -r 100000 -P "$1" --csv 2>/dev/null \
      | awk -F'","|"' 'NR>1 { print $3 }' | tail -1
  }
  # the master's CPU time (user + system, clock ticks) around a run: requests per CPU-second is
  # what the master could serve with cores of its own (on two cores the replicas and the load
  # generator take CPU from it, which the ops/s ratio measures as well)
  cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$MPID/stat"; }
  run_set_cpu() {
    local c0 t c1
    c0=$(cpu_ticks); t=$(run_set "$1"); c1=$(cpu_ticks)
    echo "$t $(awk -v n="$REQUESTS" -v d="$((c1 - c0))" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.0f", (d > 0 ? n * hz / d : 0) }')"
  }
  measure() { # kind replicas p -> TPUT and CAP (median of ROUNDS)
    local out
    out=$(for r in $(seq 1 "$ROUNDS"); do run_set_cpu "$3"; done)
    TPUT[$1-$2-$3]=$(awk '{ print $1 }' <<<"$out" | median)
    CAP[$1-$2-$3]=$(awk '{ print $2 }' <<<"$out" | median)
    echo "# $1 $2 replicas -P $3: ops/s and requests per master CPU-second: $(tr '\n' ' ' <<<"$out")" >&2
  }
  run_set 16 >/dev/null # warm-up
  run_set 16 >/dev/null
  for p in 1 16; do measure "$kind" 0 "$p"; done
  R1=$(free_port); start_replica "$R1" "$WORK/$kind-r1"; P1=$LAST_PID
  R2=$(free_port); start_replica "$R2" "$WORK/$kind-r2"; P2=$LAST_PID
  redis-cli -p "$R1" replicaof 127.0.0.1 "$MPORT" >/dev/null
  redis-cli -p "$R2" replicaof 127.0.0.1 "$MPORT" >/dev/null
  wait_synced "$R1"; wait_synced "$R2"
  for p in 1 16; do measure "$kind" 2 "$p"; done
  wait_caught_up "$R1" "$MPORT"
  stop_pid "$P2"
  redis-cli -p "$MPORT" flushall >/dev/null
  wait_caught_up "$R1" "$MPORT"
  # 3. lag through replica R1, measured below, alternating between the two pairs
  LAG_MASTER[$kind]=$MPORT
  LAG_REPLICA[$kind]=$R1
done
for r in $(seq 1 "$ROUNDS"); do
  for kind in redis meridian; do
    java "$ROOT/bench/ReplicationLag.java" "${LAG_MASTER[$kind]}" "${LAG_REPLICA[$kind]}" "$LAG_RATE" "$LAG_SECONDS" >>"$WORK/lag-$kind"
    echo "# lag $kind round $r: $(tail -1 "$WORK/lag-$kind") (load $(cut -d' ' -f1 /proc/loadavg))" >&2
  done
done
for kind in redis meridian; do
  LAG[$kind]=$(for c in 1 2 3 4 5; do awk -v c="$c" '{ print $c }' "$WORK/lag-$kind" | median; done | tr '\n' ' ')
done
echo "# load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| full sync of $KEYS keys to a redis-server replica | Redis -> Redis ms | Meridian -> Redis ms | Meridian / Redis |"
echo "|---|---|---|---|"
for mode in disk diskless; do
  awk -v m="$mode" -v r="${SYNC[redis-$mode]}" -v x="${SYNC[meridian-$mode]}" \
    'BEGIN { printf "| %s | %.0f | %.0f | %.2f |\n", (m == "disk" ? "disk-backed" : "diskless"), r, x, x / r }'
done
echo
echo "| master SET ops/s (100 B, -c $CLIENTS) | Redis, no replica | Redis, 2 replicas | ratio | Meridian, no replica | Meridian, 2 replicas | ratio |"
echo "|---|---|---|---|---|---|---|"
for p in 1 16; do
  awk -v p="$p" -v r0="${TPUT[redis-0-$p]}" -v r2="${TPUT[redis-2-$p]}" -v m0="${TPUT[meridian-0-$p]}" -v m2="${TPUT[meridian-2-$p]}" \
    'BEGIN { printf "| -P %d | %.0f | %.0f | %.2f | %.0f | %.0f | %.2f |\n", p, r0, r2, r2 / r0, m0, m2, m2 / m0 }'
done
echo
echo "| master requests per CPU-second (user + system), same runs | Redis, no replica | Redis, 2 replicas | ratio | Meridian, no replica | Meridian, 2 replicas | ratio |"
echo "|---|---|---|---|---|---|---|"
for p in 1 16; do
  awk -v p="$p" -v r0="${CAP[redis-0-$p]}" -v r2="${CAP[redis-2-$p]}" -v m0="${CAP[meridian-0-$p]}" -v m2="${CAP[meridian-2-$p]}" \
    'BEGIN { printf "| -P %d | %.0f | %.0f | %.2f | %.0f | %.0f | %.2f |\n", p, r0, r2, r2 / r0, m0, m2, m2 / m0 }'
done
echo
echo "| replication lag, $LAG_RATE SET/s for ${LAG_SECONDS} s (median of $ROUNDS alternating runs) | p50 ms | p99 ms | p99.9 ms | max ms | samples |"
echo "|---|---|---|---|---|---|"
for kind in redis meridian; do
  read -r p50 p99 p999 max n <<<"${LAG[$kind]}"
  echo "| $([ "$kind" = redis ] && echo "Redis -> Redis" || echo "Meridian -> Redis") | $p50 | $p99 | $p999 | $max | $n |"
done
