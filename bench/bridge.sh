#!/usr/bin/env bash
# The DR bridge's figures for docs/benchmarks.md ("DR bridge"), on the embedded broker:
#   bench/bridge.sh [requests (1000000)] [steady writes/s for the visibility figure (2000)] [canaries (300)]
# Bridge throughput against the master's peak (redis-benchmark SET -P 16), its lag, write in
# region A -> visible in region B p50/p99 idle and under load, and the latency cost of WAIT 1 0
# through the bridge (io.meridian.drbridge.BridgeBench).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
command -v redis-benchmark >/dev/null || { echo "bench: redis-benchmark not found (apt-get install redis-tools)" >&2; exit 1; }
mvn -o -q -pl dr-bridge,master-node -am -DskipTests package >&2
mvn -o -q -pl dr-bridge -am test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=test >&2
CP="dr-bridge/target/test-classes:dr-bridge/target/classes:$(cat dr-bridge/target/cp.txt)"
exec java -Xmx4g -XX:+UseG1GC -cp "$CP" io.meridian.drbridge.BridgeBench "$ROOT/master-node/target/master-node.jar" "$@"
