#!/usr/bin/env bash
# The test command: every unit test, then every integration test against a real Keycloak 26.7.3
# (distribution mode of Keycloak's test framework) running the real shaded JAR, with GreenMail
# and headless Debian Chromium. On a fresh Debian machine, run as root, it installs what it needs.
set -euo pipefail
cd "$(dirname "$0")/.."

need_browser=false
command -v chromium >/dev/null 2>&1 || need_browser=true
[ -x /usr/bin/chromedriver ] || need_browser=true
if $need_browser; then
  if [ "$(id -u)" = 0 ]; then
    echo "Installing chromium and chromium-driver (Debian packages) for the browser tests ..."
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium chromium-driver >/dev/null
  else
    echo "The browser tests need Debian's chromium and chromium-driver: sudo apt-get install chromium chromium-driver" >&2
    exit 1
  fi
fi

for port in 8080 9000; do
  if (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null; then
    echo "Port $port is in use; the test framework starts Keycloak on 8080 and 9000. Stop what runs there (e.g. the demo)." >&2
    exit 1
  fi
done

# the two-node cluster test needs PostgreSQL on 127.0.0.1:55432 (installed and started when missing)
bash scripts/postgres.sh

export KC_TEST_BROWSER=chrome-headless
export KC_TEST_BROWSER_DRIVER=/usr/bin/chromedriver
start=$(date +%s)
# 1. unit tests, then every integration test on Keycloak 26.7.3 (the real shaded JAR)
mvn -B verify "$@"
# 2. a bounded fuzzing pass over the token policy (Jazzer, 20 s per target); any finding fails the run
bash scripts/fuzz.sh 20
# 3. the version matrix: the same integration suite on the newest earlier Keycloak release on Maven Central
bash scripts/matrix.sh 26.5.6
echo "All tests passed in $(( $(date +%s) - start )) s (Keycloak 26.7.3, fuzzing, Keycloak 26.5.6)."
