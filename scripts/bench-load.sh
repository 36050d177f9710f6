#!/usr/bin/env bash
# End-to-end load benchmark: this extension against Keycloak's own baselines, in one run.
#
#   bash scripts/bench-load.sh            # full run, about 15 minutes on 2 cores: levels 1, 4, 16 users, JFR profiles of
#                                         # the extension's flows (c, d, e) and of what misses a target, heap check after
#                                         # 10,000 partner sign-ins; regenerates BENCHMARKS.md (its marked section) and
#                                         # docs/bench-load.png
#   bash scripts/bench-load.sh --quick    # smoke run, 2-3 minutes: levels 1 and 4, short windows, no profiles, no heap
#                                         # check; writes only target/bench/
#   bash scripts/bench-load.sh [--quick] --profile=c,e   # also profile these scenarios with JFR
#   TL_BENCH_DRIVER_ARGS="--order a,b,c,d,e" bash scripts/bench-load.sh --quick    # more driver options (LoadMain)
#   TL_BENCH_KC_HEAP="-Xms1g -Xmx2g" ...  # Keycloak's heap (default -Xms256m -Xmx1g)
#   TL_BENCH_KC_OPTS="--cache-embedded-sessions-max-count=100000" ...   # more options for kc.sh start
#
# Builds the JAR and the driver (mvn -Pbench package), starts PostgreSQL on 127.0.0.1:15432 (its own data dir
# /tmp/token-login-bench-pg; Debian's postgresql is installed when missing, see scripts/postgres.sh) and one Keycloak
# (Maven Central zip, production mode: kc.sh build --db=postgres, start --optimized) on http://127.0.0.1:18080
# (management 19000, JGroups 127.0.0.1:7850), then runs the driver in its own JVM (GreenMail SMTP on 127.0.0.1:13025).
# Results: target/bench/results.json, results.md, bench-load.png. Everything this script starts is stopped on exit.
# Benchmarks are not tests: nothing here fails on a slow number; the targets are reported as PASS/MISS.
set -euo pipefail
cd "$(dirname "$0")/.."
START=$(date +%s)

MODE=full
DRIVER_ARGS=()
for arg in "$@"; do
  case "$arg" in
    --quick) MODE=quick; DRIVER_ARGS+=(--quick) ;;
    --profile=*) DRIVER_ARGS+=(--profile "${arg#--profile=}") ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "Unknown option $arg (see --help)" >&2; exit 2 ;;
  esac
done
if [ "$MODE" = full ]; then DRIVER_ARGS+=(--publish --repo .); fi

KC_VERSION=$(sed -n "s:.*<keycloak.version>\(.*\)</keycloak.version>.*:\1:p" pom.xml | head -n 1)
HTTP_PORT=18080
MGMT_PORT=19000
SMTP_PORT=13025
JGROUPS_PORT=7850             # JGroups failure detection uses this + 50000
PG_PORT=15432
PG_DATA=/tmp/token-login-bench-pg
WORK=target/bench-load
OUT=target/bench
KC_HOME=$WORK/keycloak-$KC_VERSION

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for port in $HTTP_PORT $MGMT_PORT $SMTP_PORT $JGROUPS_PORT $((JGROUPS_PORT + 50000)); do
  if port_busy "$port"; then
    echo "Port $port is in use; the load benchmark needs 18080, 19000, 13025, 7850 and 57850 (and 15432 for PostgreSQL)." >&2
    exit 1
  fi
done

KC_SH=""
KC_JAVA=""
DRIVER=""
PG_STARTED=false
cleanup() {
  local status=$?
  set +e
  trap - EXIT INT TERM
  if [ -n "$DRIVER" ] && kill -0 "$DRIVER" 2>/dev/null; then
    kill "$DRIVER" 2>/dev/null; wait "$DRIVER" 2>/dev/null
  fi
  if [ -n "$KC_SH" ] && kill -0 "$KC_SH" 2>/dev/null; then
    echo "Stopping Keycloak ..."
    kill -TERM "$KC_SH" 2>/dev/null           # kc.sh forwards TERM to its java process
    for _ in $(seq 1 30); do kill -0 "$KC_SH" 2>/dev/null || break; sleep 1; done
  fi
  for pid in $KC_JAVA $KC_SH; do
    if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null; fi
  done
  if $PG_STARTED; then
    echo "Stopping PostgreSQL on $PG_PORT ..."
    TL_PG_PORT=$PG_PORT TL_PG_DATA=$PG_DATA bash scripts/postgres.sh stop
  fi
  echo "bench-load: $MODE run ended after $(( $(date +%s) - START )) s (exit $status)."
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mkdir -p "$WORK" "$OUT"
rm -f "$OUT"/profile-*.jfr "$OUT"/results.json "$OUT"/results.md "$OUT"/bench-load.png   # nothing stale from an earlier run
echo "Building the extension and the load driver ..."
mvn -B -q -Pbench -DskipTests package \
  org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt
JAR=$(ls target/keycloak-token-login-*.jar | head -n 1)
CLASSPATH_BENCH="target/bench-classes:target/test-classes:target/classes:$(cat target/bench-classpath.txt)"

if [ ! -x "$KC_HOME/bin/kc.sh" ]; then
  echo "Fetching Keycloak $KC_VERSION from Maven Central ..."
  mvn -B -q dependency:copy -Dartifact=org.keycloak:keycloak-quarkus-dist:"$KC_VERSION":zip -DoutputDirectory="$WORK"
  (cd "$WORK" && unzip -q -o "keycloak-quarkus-dist-$KC_VERSION.zip" && rm -f "keycloak-quarkus-dist-$KC_VERSION.zip")
fi
# kc.sh build only when the JAR's content changed since the last build of this copy
STAMP="$(unzip -p "$JAR" | sha256sum | cut -c1-64) --db=postgres --metrics-enabled=true"
if [ "$(cat "$KC_HOME/.bench-build" 2>/dev/null)" != "$STAMP" ]; then
  echo "kc.sh build --db=postgres --metrics-enabled=true (production build with the extension) ..."
  rm -f "$KC_HOME"/providers/*.jar "$KC_HOME/.bench-build"
  cp "$JAR" "$KC_HOME/providers/keycloak-token-login.jar"
  if ! "$KC_HOME/bin/kc.sh" build --db=postgres --metrics-enabled=true > "$WORK/kc-build.log" 2>&1; then
    tail -n 40 "$WORK/kc-build.log" >&2
    exit 1
  fi
  echo "$STAMP" > "$KC_HOME/.bench-build"
fi

if port_busy "$PG_PORT"; then
  echo "PostgreSQL already runs on $PG_PORT: using it (and leaving it running)."
else
  PG_STARTED=true
fi
TL_PG_PORT=$PG_PORT TL_PG_DATA=$PG_DATA bash scripts/postgres.sh
psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -v ON_ERROR_STOP=1 -qc "DROP DATABASE IF EXISTS kc_bench WITH (FORCE)"
psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -v ON_ERROR_STOP=1 -qc "CREATE DATABASE kc_bench OWNER keycloak"
PG_PID=$(head -n 1 "$PG_DATA/postmaster.pid" 2>/dev/null || echo 0)

{
  echo "nproc: $(nproc)"
  echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
  echo "free -h:"
  free -h
  echo "Kernel: $(uname -sr)"
  echo "Java: $(java -version 2>&1 | head -n 1)"
  echo "Keycloak: $KC_VERSION (keycloak-quarkus-dist from Maven Central), heap ${TL_BENCH_KC_HEAP:--Xms256m -Xmx1g}"
  echo "PostgreSQL: $("$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)/postgres" --version)"
  echo "Load average at start (1, 5, 15 min): $(cut -d' ' -f1-3 /proc/loadavg)"
} > "$OUT/machine.txt"

echo "Starting Keycloak $KC_VERSION (production mode) on http://127.0.0.1:$HTTP_PORT (log: $WORK/keycloak.log) ..."
# fixed compiler threads: the driver reads their CPU apart (JIT warm-up is not a cost of the sign-ins)
KC_BOOTSTRAP_ADMIN_USERNAME=admin KC_BOOTSTRAP_ADMIN_PASSWORD=admin JAVA_OPTS_KC_HEAP="${TL_BENCH_KC_HEAP:--Xms256m -Xmx1g}" \
  JAVA_OPTS_APPEND="-XX:-UseDynamicNumberOfCompilerThreads" \
  "$KC_HOME/bin/kc.sh" start --optimized \
  --db-url="jdbc:postgresql://127.0.0.1:$PG_PORT/kc_bench" --db-username=keycloak --db-password=keycloak \
  --http-enabled=true --http-host=127.0.0.1 --http-port=$HTTP_PORT --http-management-port=$MGMT_PORT \
  --hostname="http://127.0.0.1:$HTTP_PORT" \
  --cache-embedded-network-bind-address=127.0.0.1 --cache-embedded-network-bind-port=$JGROUPS_PORT \
  ${TL_BENCH_KC_OPTS:-} > "$WORK/keycloak.log" 2>&1 &
KC_SH=$!
up=$(date +%s)
until curl -fs -o /dev/null "http://127.0.0.1:$HTTP_PORT/realms/master"; do
  if ! kill -0 "$KC_SH" 2>/dev/null; then echo "Keycloak did not start; see $WORK/keycloak.log" >&2; tail -n 30 "$WORK/keycloak.log" >&2; exit 1; fi
  if [ $(( $(date +%s) - up )) -gt 300 ]; then echo "Keycloak not up after 300 s; see $WORK/keycloak.log" >&2; exit 1; fi
  sleep 1
done
# kc.sh runs java as its child (or execs it after an implicit re-augmentation)
for child in $(cat /proc/"$KC_SH"/task/*/children 2>/dev/null); do
  if [ "$(cat /proc/"$child"/comm 2>/dev/null)" = java ]; then KC_JAVA=$child; fi
done
if [ -z "$KC_JAVA" ] && [ "$(cat /proc/"$KC_SH"/comm)" = java ]; then KC_JAVA=$KC_SH; fi
if [ -z "$KC_JAVA" ]; then echo "Cannot find Keycloak's java process under kc.sh ($KC_SH)" >&2; exit 1; fi
echo "Keycloak is up after $(( $(date +%s) - up )) s (java pid $KC_JAVA)."

java -Xms128m -Xmx1g -XX:+UseSerialGC -Djava.awt.headless=true -Djava.util.logging.manager=org.jboss.logmanager.LogManager -cp "$CLASSPATH_BENCH" \
  io.tokenlogin.keycloak.bench.load.LoadMain \
  --base "http://127.0.0.1:$HTTP_PORT" --kc-pid "$KC_JAVA" --pg-pid "$PG_PID" --smtp-port $SMTP_PORT \
  --clock-ticks "$(getconf CLK_TCK)" --metrics-url "http://127.0.0.1:$MGMT_PORT/metrics" --out "$OUT" --realms realm-examples --machine "$OUT/machine.txt" \
  --started "$START" --keycloak-version "$KC_VERSION" --command "bash scripts/bench-load.sh${*:+ $*}" \
  "${DRIVER_ARGS[@]}" ${TL_BENCH_DRIVER_ARGS:-} &
DRIVER=$!
wait "$DRIVER"
DRIVER=""
echo "Results: $OUT/results.json, $OUT/results.md, $OUT/bench-load.png$([ "$MODE" = full ] && echo ", BENCHMARKS.md, docs/bench-load.png")"
