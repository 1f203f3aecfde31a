# Shared by the replication benchmarks (replication.sh, resync.sh, resume.sh): sourced after
# ROOT is set. Builds master-node when its sources are newer than the jar, sets JAR and
# JAVA_OPTS (bin/meridian's), and defines the helpers below.

JAR="$ROOT/master-node/target/master-node.jar"
if [ ! -f "$JAR" ] || [ -n "$(find "$ROOT/node-core/src/main" "$ROOT/master-node/src/main" -newer "$JAR" -print -quit 2>/dev/null)" ]; then
  echo "bench: building master-node (mvn -q -o -pl master-node -am -DskipTests package)" >&2
  (cd "$ROOT" && mvn -q -o -pl master-node -am -DskipTests package) >&2
fi
JAVA_OPTS="${JAVA_OPTS:-$("$ROOT/bin/meridian" java-opts)}"

# a free TCP port on 127.0.0.1
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}
# waits (up to a minute) until the server on port $1 answers PING
wait_up() {
  for _ in $(seq 1 3000); do
    redis-cli -p "$1" ping 2>/dev/null | grep -q PONG && return 0
    sleep 0.02
  done
  echo "bench: server on port $1 did not start" >&2; exit 1
}
now_ms() { date +%s%3N; }
# field PORT SECTION NAME: one INFO field
field() { redis-cli -p "$1" info "$2" 2>/dev/null | tr -d '\r' | awk -F: -v f="$3" '$1 == f { print $2 }'; }
# the median of the numbers on stdin, one per line
median() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

# need_tools TOOL...: exits naming the first one missing
need_tools() {
  for tool in "$@"; do
    command -v "$tool" >/dev/null || { echo "bench: $tool not found" >&2; exit 1; }
  done
}
# work_dir NAME: WORK (a fresh temp dir) and PIDS (what to kill at exit); both go at exit
work_dir() {
  WORK=$(mktemp -d "/tmp/meridian-$1-bench.XXXXXX")
  PIDS=()
  trap 'for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"' EXIT
}
