#!/usr/bin/env bash
# JMH micro-benchmarks (src/bench/java, Maven profile "bench"). Benchmarks are not tests: `mvn verify` and
# scripts/test.sh never compile or run them, and nothing here fails on a slow result.
#
#   scripts/bench-jmh.sh                  # full run, about 3 minutes on 2 cores (plus the Maven build)
#   scripts/bench-jmh.sh --quick          # smoke run, about 30 seconds (plus the Maven build)
#   scripts/bench-jmh.sh [--quick] [JMH options] [benchmark regex]
#       e.g.  scripts/bench-jmh.sh PartnerTokenBench           only the token policy vs nimbus
#             scripts/bench-jmh.sh -prof gc PartnerTokenBench  with allocation per op
#             scripts/bench-jmh.sh -i 10 -r 5s                 options given here replace the defaults
#
# Writes target/jmh-result.json (JMH JSON) and prints a markdown table: ops/s ± error (99.9 %), µs/op, and the
# throughput ratio policy / bare nimbus (target: policy takes at most 2x the time of nimbus, i.e. ratio >= 0.5).
set -euo pipefail
cd "$(dirname "$0")/.."

declare -A defaults=([-f]=1 [-wi]=3 [-w]=2s [-i]=5 [-r]=2s [-t]=1 [-foe]=true [-rf]=json [-rff]=target/jmh-result.json)
given=()
for arg in "$@"; do
  if [ "$arg" = --quick ]; then
    defaults[-wi]=1 defaults[-w]=1s defaults[-i]=2 defaults[-r]=1s
  else
    given+=("$arg")
  fi
done
args=()
for option in "${!defaults[@]}"; do
  found=false
  for arg in "${given[@]}"; do [ "$arg" = "$option" ] && found=true; done
  $found || args+=("$option" "${defaults[$option]}")
done

mvn -B -q -Pbench -DskipTests test-compile \
  org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt
classpath="target/bench-classes:target/test-classes:target/classes:$(cat target/bench-classpath.txt)"
exec java -cp "$classpath" io.tokenlogin.keycloak.bench.BenchMain "${args[@]}" "${given[@]}"
