#!/usr/bin/env bash
# Time to resync a replica after its master crashed and restarted: a Meridian master (its
# replication log keeps the replid and the stream: the replica continues with +CONTINUE)
# against redis-server (restarted from the RDB it saved before the crash: a new replid, so
# the replica needs a full sync), each with one redis-server replica, in one run on loopback.
#
#   bench/resync.sh [--keys K] [--after N] [--rounds R]
#
# Per round and kind: load K keys (100-byte strings), attach the replica and wait until it is
# in sync, BGSAVE, write N more keys, kill -9 the master, start it again on the same directory
# and port; the figure is the time from the restart to the replica having its link up, the
# dataset loaded and the master's offset (the master's own start-up included), and how it
# resynced (sync_full / sync_partial_ok on the restarted master).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
KEYS=1000000
AFTER=10000
ROUNDS=3
while [ $# -gt 0 ]; do
  case "$1" in
    --keys) KEYS="$2"; shift 2 ;;
    --after) AFTER="$2"; shift 2 ;;
    --rounds) ROUNDS="$2"; shift 2 ;;
    *) echo "bench: unknown option $1" >&2; exit 1 ;;
  esac
done
# shellcheck source=lib.sh
. "$ROOT/bench/lib.sh"
need_tools redis-server redis-cli java python3
work_dir resync
start_master() { # kind port dir
  if [ "$1" = redis ]; then
    redis-server --port "$2" --bind 127.0.0.1 --save '' --appendonly no --dir "$3" --logfile "$3/log" &
  else
    # shellcheck disable=SC2086
    java $JAVA_OPTS -jar "$JAR" --port "$2" --bind 127.0.0.1 --save '' --dir "$3" --logfile "$3/log" &
  fi
  MPID=$!; PIDS+=("$MPID")
}
in_sync() { # replica master
  local info
  info=$(redis-cli -p "$1" info 2>/dev/null | tr -d '\r' || true)
  grep -q '^master_link_status:up' <<<"$info" && grep -q '^loading:0' <<<"$info" || return 1
  [ "$(awk -F: '$1 == "slave_repl_offset" { print $2 }' <<<"$info")" = "$(field "$2" replication master_repl_offset)" ]
}
gen_keys() { # n prefix
  awk -v n="$1" -v p="$2" 'BEGIN { v = sprintf("%0100d", 0); for (i = 0; i < n; i++) { k = p i; printf "*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$100\r\n%s\r\n", length(k), k, v } }'
}
gen_keys "$KEYS" "key:" >"$WORK/keys.resp"
gen_keys "$AFTER" "after:" >"$WORK/after.resp"

echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ) $(nproc) cores, $(redis-server --version | cut -d' ' -f3), $(java -version 2>&1 | head -1)"
echo "# load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
declare -A T HOW
for kind in redis meridian; do
  for r in $(seq 1 "$ROUNDS"); do
    dir="$WORK/$kind-$r"; mkdir -p "$dir/m" "$dir/r"
    MPORT=$(free_port); RPORT=$(free_port)
    start_master "$kind" "$MPORT" "$dir/m"; wait_up "$MPORT"
    redis-cli -p "$MPORT" --pipe <"$WORK/keys.resp" >/dev/null
    redis-server --port "$RPORT" --bind 127.0.0.1 --save '' --appendonly no --dir "$dir/r" --logfile "$dir/r/log" \
      --replicaof 127.0.0.1 "$MPORT" &
    RPID=$!; PIDS+=("$RPID")
    until in_sync "$RPORT" "$MPORT"; do sleep 0.05; done
    redis-cli -p "$MPORT" bgsave >/dev/null
    until [ "$(field "$MPORT" persistence rdb_bgsave_in_progress)" = 0 ]; do sleep 0.05; done
    redis-cli -p "$MPORT" --pipe <"$WORK/after.resp" >/dev/null
    until in_sync "$RPORT" "$MPORT"; do sleep 0.05; done
    kill -9 "$MPID"; wait "$MPID" 2>/dev/null || true
    t0=$(now_ms)
    start_master "$kind" "$MPORT" "$dir/m"; wait_up "$MPORT"
    until in_sync "$RPORT" "$MPORT"; do sleep 0.02; done
    t1=$(now_ms)
    keys=$(redis-cli -p "$RPORT" dbsize)
    how="full $(field "$MPORT" stats sync_full), partial $(field "$MPORT" stats sync_partial_ok), replica keys $keys"
    echo "# $kind round $r: $((t1 - t0)) ms ($how)" >&2
    T[$kind]="${T[$kind]:-} $((t1 - t0))"
    HOW[$kind]="$how"
    kill -9 "$RPID" "$MPID" 2>/dev/null || true; wait 2>/dev/null || true
  done
done
echo "# load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| master kill -9 and restart, $KEYS keys + $AFTER after the last RDB, one redis-server replica | restart to replica in sync, ms (median of $ROUNDS) | how the replica resynced |"
echo "|---|---|---|"
echo "| redis-server master (restarts from its RDB) | $(tr ' ' '\n' <<<"${T[redis]}" | grep . | median) | ${HOW[redis]} |"
echo "| Meridian master (restarts from its RDB + replication log) | $(tr ' ' '\n' <<<"${T[meridian]}" | grep . | median) | ${HOW[meridian]} |"
