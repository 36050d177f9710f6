#!/usr/bin/env bash
# Bounded Jazzer fuzzing pass over PartnerTokenVerifierFuzzTest: each @FuzzTest runs for
# SECONDS_PER_TARGET seconds (default 40) in its own surefire JVM (libFuzzer allows one fuzz test per JVM).
#
#   scripts/fuzz.sh [seconds-per-target]
#   FUZZ_TARGETS="rawTokens strictJson" scripts/fuzz.sh 60    # a subset
#   MVN="mvn -B" scripts/fuzz.sh                              # allow Maven to go online (default: -o)
#
# Exits non-zero if any target has a finding (or fails to run). A finding's reproducer is written by Jazzer to
# src/test/resources/io/tokenlogin/keycloak/partner/PartnerTokenVerifierFuzzTestInputs/<target>/crash-<sha1>,
# from where every plain `mvn test` replays it. The growing corpus lives in .cifuzz-corpus/ (git-ignored).
# Full logs: target/fuzz/<target>.log. No Docker, no network beyond Maven (Central).
set -uo pipefail
cd "$(dirname "$0")/.."

SECONDS_PER_TARGET="${1:-40}"
if ! [[ "$SECONDS_PER_TARGET" =~ ^[1-9][0-9]*$ ]]; then
  echo "usage: $0 [seconds-per-target]   (a positive integer, default 40)" >&2
  exit 2
fi
CLASS=PartnerTokenVerifierFuzzTest
read -r -a TARGETS <<< "${FUZZ_TARGETS:-rawTokens signedStructures claimPaths strictJson}"
read -r -a MVN_CMD <<< "${MVN:-mvn -B -o}"
# Coverage feedback for our code, nimbus (JWS parsing, MAC check) and jackson-core (the strict JSON parser).
export JAZZER_INSTRUMENT='io.tokenlogin.keycloak.partner.**,com.nimbusds.**,com.fasterxml.jackson.core.**'
LOG_DIR=target/fuzz
INPUTS=src/test/resources/io/tokenlogin/keycloak/partner/${CLASS}Inputs

echo "Compiling tests ..."
mkdir -p "$LOG_DIR"
if ! "${MVN_CMD[@]}" -q test-compile >"$LOG_DIR/test-compile.log" 2>&1; then
  cat "$LOG_DIR/test-compile.log" >&2
  echo "test-compile failed" >&2
  exit 1
fi

rows=()
failed=0
for target in "${TARGETS[@]}"; do
  log="$LOG_DIR/$target.log"
  echo "Fuzzing $CLASS#$target for ${SECONDS_PER_TARGET}s ..."
  JAZZER_FUZZ=1 "${MVN_CMD[@]}" surefire:test -Dtest="$CLASS#$target" \
    -Djazzer.max_duration="${SECONDS_PER_TARGET}s" >"$log" 2>&1
  rc=$?

  # libFuzzer: "#205613  DONE   cov: 652 ft: 817 corp: 32/4135b lim: 1792 exec/s: 12850 rss: 2853Mb"
  # and "Done 205613 runs in 16 second(s)". After a finding there is no DONE line: use the last status line.
  status=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | tail -1)
  [ -n "$status" ] || status=$(grep -E '^#[0-9]+[[:space:]]+(INITED|NEW|REDUCE|pulse)' "$log" | tail -1)
  field() { sed -nE "s|.* $1: ([^ ]+).*|\\1|p" <<< "$status"; }
  done_line=$(grep -E '^Done [0-9]+ runs in [0-9]+ second' "$log" | tail -1)
  runs=$(sed -nE 's/^Done ([0-9]+) runs.*/\1/p' <<< "$done_line")
  secs=$(sed -nE 's/.* in ([0-9]+) second.*/\1/p' <<< "$done_line")
  crash=$(sed -nE 's/.*Test unit written to ([^ ]+).*/\1/p' "$log" | tail -1)

  if [ "$rc" -eq 0 ] && [ -n "$done_line" ] && [ -z "$crash" ]; then
    result=OK
  elif [ -n "$crash" ] || grep -q 'FuzzTestFindingException' "$log"; then
    result=FINDING
    failed=1
  else
    result="ERROR(rc=$rc)"
    failed=1
  fi
  rows+=("$(printf '%-17s %-12s %10s %5s %8s %6s %6s %12s' "$target" "$result" "${runs:--}" "${secs:--}" \
    "$(field 'exec/s')" "$(field cov)" "$(field ft)" "$(field corp)")")
  if [ "$result" = FINDING ]; then
    grep -m1 -E 'FuzzTestFindingException|== Java Exception' "$log" | cut -c1-200 | sed 's/^/    /'
    [ -n "$crash" ] && echo "    reproducer: $crash (replayed by every 'mvn test' until removed)"
  elif [ "$result" != OK ]; then
    grep -E '^\[ERROR\]' "$log" | head -5 | sed 's/^/    /'
  fi
done

echo
echo "Jazzer fuzzing summary (${SECONDS_PER_TARGET}s per target; logs in $LOG_DIR/)"
printf '%-17s %-12s %10s %5s %8s %6s %6s %12s\n' target result runs secs exec/s cov ft corpus
for row in "${rows[@]}"; do
  echo "$row"
done
if [ "$failed" -ne 0 ]; then
  echo "FAILED: see the findings above; crash files are under $INPUTS/<target>/" >&2
  exit 1
fi
