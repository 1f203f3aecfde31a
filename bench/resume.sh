#!/usr/bin/env bash
# A full sync cut halfway: Meridian -> Meridian (the replica keeps what it received and the
# master, which keeps its snapshot file, sends only the rest) against redis-server ->
# redis-server (the transfer starts over), in one run on loopback.
#
#   bench/resume.sh [--keys K] [--cut-at FRACTION] [--rounds R]
#
# Per kind: a master with repl-diskless-sync no and rdbcompression no (the 100-byte values
# are all zeros, which LZF would shrink to nothing) loaded with K keys (100-byte strings); its RDB
# size is taken with redis-cli --rdb. Per round, a fresh replica of the same kind replicates
# through bench/cutproxy.py, which cuts the first connection once FRACTION of that size went
# through; the figures are the time from REPLICAOF to the replica in sync (link up, loaded, at
# the master's offset) and the bytes the master sent through the proxy, for the cut sync and,
# as the reference, for an uncut one. The replicas load to disk (repl-diskless-load disabled,
# the default of both).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
KEYS=1000000
CUT=0.5
ROUNDS=3
while [ $# -gt 0 ]; do
  case "$1" in
    --keys) KEYS="$2"; shift 2 ;;
    --cut-at) CUT="$2"; shift 2 ;;
    --rounds) ROUNDS="$2"; shift 2 ;;
    *) echo "bench: unknown option $1" >&2; exit 1 ;;
  esac
done
# shellcheck source=lib.sh
. "$ROOT/bench/lib.sh"
need_tools redis-server redis-cli java python3
work_dir resume


# start KIND PORT DIR [args...] -> pid in LAST_PID
start() {
  local kind="$1" port="$2" dir="$3"; shift 3
  mkdir -p "$dir"
  if [ "$kind" = redis ]; then
    redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --dir "$dir" --logfile "$dir/log" "$@" &
  else
    # shellcheck disable=SC2086
    java $JAVA_OPTS -jar "$JAR" --port "$port" --bind 127.0.0.1 --save '' --dir "$dir" --logfile "$dir/log" "$@" &
  fi
  LAST_PID=$!; PIDS+=("$LAST_PID")
  wait_up "$port"
}
# waits until replica PORT is in sync with master MPORT
wait_in_sync() {
  local port="$1" mport="$2"
  for _ in $(seq 1 60000); do
    local info
    info=$(redis-cli -p "$port" info replication 2>/dev/null | tr -d '\r' || true)
    if grep -q '^master_link_status:up' <<<"$info" && grep -q '^master_sync_in_progress:0' <<<"$info" \
        && [ "$(awk -F: '$1 == "slave_repl_offset" { print $2 }' <<<"$info")" = "$(field "$mport" replication master_repl_offset)" ]; then
      return 0
    fi
    sleep 0.01
  done
  echo "bench: replica on $port never got in sync" >&2; exit 1
}

awk -v n="$KEYS" 'BEGIN { v = sprintf("%0100d", 0); for (i = 0; i < n; i++) { k = "key:" i; printf "*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$100\r\n%s\r\n", length(k), k, v } }' >"$WORK/keys.resp"
echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ) $(nproc) cores, $(redis-server --version | cut -d' ' -f3), $(java -version 2>&1 | head -1), load $(cut -d' ' -f1-3 /proc/loadavg)"

declare -A T B
for kind in redis meridian; do
  MPORT=$(free_port)
  start "$kind" "$MPORT" "$WORK/$kind-master" --repl-diskless-sync no --rdbcompression no
  redis-cli -p "$MPORT" --pipe <"$WORK/keys.resp" >/dev/null
  redis-cli -p "$MPORT" --rdb "$WORK/$kind.rdb" >/dev/null 2>&1
  SIZE=$(stat -c %s "$WORK/$kind.rdb")
  CUTB=$(awk -v s="$SIZE" -v f="$CUT" 'BEGIN { printf "%d", s * f }')
  echo "# $kind: RDB of $SIZE bytes, cut after $CUTB" >&2
  for mode in whole cut; do
    times=(); bytes=()
    for r in $(seq 1 "$ROUNDS"); do
      PPORT=$(free_port)
      STATS="$WORK/$kind-$mode-$r.stats"
      : >"$STATS"
      python3 "$ROOT/bench/cutproxy.py" "$PPORT" "$MPORT" "$([ "$mode" = cut ] && echo "$CUTB" || echo 4611686018427387904)" "$STATS" &
      PP=$!; PIDS+=("$PP")
      sleep 0.3
      RPORT=$(free_port)
      start "$kind" "$RPORT" "$WORK/$kind-$mode-$r"
      RP=$LAST_PID
      t0=$(now_ms)
      redis-cli -p "$RPORT" replicaof 127.0.0.1 "$PPORT" >/dev/null
      wait_in_sync "$RPORT" "$MPORT"
      t1=$(now_ms)
      kill "$RP" 2>/dev/null; wait "$RP" 2>/dev/null || true
      sleep 0.3
      kill "$PP" 2>/dev/null; wait "$PP" 2>/dev/null || true
      sent=$(awk '{ s += $2 } END { print s + 0 }' "$STATS")
      times+=("$((t1 - t0))"); bytes+=("$sent")
      echo "# $kind $mode round $r: $((t1 - t0)) ms, $sent bytes through the proxy ($(wc -l <"$STATS") connections)" >&2
    done
    T[$kind-$mode]=$(printf '%s\n' "${times[@]}" | median)
    B[$kind-$mode]=$(printf '%s\n' "${bytes[@]}" | median)
  done
  [ "$kind" = meridian ] && echo "# meridian master: sync_full_resumed $(field "$MPORT" stats sync_full_resumed)" >&2
done
echo
echo "| full sync of $KEYS keys through a proxy, median of $ROUNDS | uncut ms | uncut MB sent | cut at $CUT ms | cut MB sent | cut / uncut time |"
echo "|---|---|---|---|---|---|"
for kind in redis meridian; do
  awk -v k="$kind" -v t0="${T[$kind-whole]}" -v b0="${B[$kind-whole]}" -v t1="${T[$kind-cut]}" -v b1="${B[$kind-cut]}" \
    'BEGIN { printf "| %s | %.0f | %.1f | %.0f | %.1f | %.2f |\n", (k == "redis" ? "redis-server -> redis-server (starts over)" : "Meridian -> Meridian (resumes)"), t0, b0 / 1048576, t1, b1 / 1048576, t1 / t0 }'
done
