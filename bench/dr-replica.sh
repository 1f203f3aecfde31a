#!/usr/bin/env bash
# The Kafka-sourced replica's figures for docs/benchmarks.md ("DR bridge"), on the embedded broker:
#   bench/dr-replica.sh [keys (1000000)] [writes/s under which visibility is timed (2000)] [canaries (500)]
# Rebuild time of N keys (snapshot in Kafka + the stream after it), write -> visible in the
# standby latency p50/p99 under load, and one drill's RPO/RTO (io.meridian.kafkareplica.DrReplicaBench).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
mvn -o -q -pl kafka-replica -am test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=test >&2
CP="kafka-replica/target/test-classes:kafka-replica/target/classes:$(cat kafka-replica/target/cp.txt)"
exec java -Xmx4g -XX:+UseG1GC -cp "$CP" io.meridian.kafkareplica.DrReplicaBench "$@"
