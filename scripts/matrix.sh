#!/usr/bin/env bash
# Runs the integration suite against another Keycloak server version (default: the newest release before 26.7
# on Maven Central), with the JAR built for 26.7.3. The test framework 26.7.0 passes start options that older
# servers do not know (--shutdown-delay), so this script starts that server itself, with the options the tests
# need, and runs the suite in the framework's "remote" mode against it. Needs `mvn package` (or verify) first.
set -euo pipefail
cd "$(dirname "$0")/.."
VERSION=${1:-26.5.6}
WORK=target/matrix
KC_HOME=$WORK/keycloak-$VERSION
JAR=$(ls target/keycloak-token-login-*.jar | grep -v original | head -n 1)

for port in 8080 9000; do
  if (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null; then
    echo "Port $port is in use; stop what runs there first." >&2
    exit 1
  fi
done

if [ ! -x "$KC_HOME/bin/kc.sh" ]; then
  mkdir -p "$WORK"
  mvn -B -q dependency:copy -Dartifact=org.keycloak:keycloak-quarkus-dist:$VERSION:zip -DoutputDirectory=$WORK
  (cd $WORK && unzip -q -o keycloak-quarkus-dist-$VERSION.zip)
fi
rm -f "$KC_HOME"/providers/*.jar
cp "$JAR" "$KC_HOME/providers/keycloak-token-login.jar"
# the test framework's run-on-server and time-offset endpoints (StoreEntriesIT), as TokenLoginServerConfig deploys them
REMOTE_PROVIDERS=$(ls ~/.m2/repository/org/keycloak/testframework/keycloak-test-framework-remote-providers/*/keycloak-test-framework-remote-providers-*.jar | grep -v sources | tail -n 1)
cp "$REMOTE_PROVIDERS" "$KC_HOME/providers/"
VAULT=$(java -XshowSettings:properties -version 2>&1 | sed -n 's/.*java.io.tmpdir = //p')/token-login-it-vault
mkdir -p "$VAULT"

echo "Starting Keycloak $VERSION with the extension (log: $WORK/keycloak-$VERSION.log) ..."
"$KC_HOME/bin/kc.sh" start-dev --cache=local --http-port=8080 --http-management-port=9000 \
  --bootstrap-admin-client-id=temp-admin --bootstrap-admin-client-secret=mysecret \
  --bootstrap-admin-username=admin --bootstrap-admin-password=admin \
  --vault=file --vault-dir="$VAULT" --metrics-enabled=true > "$WORK/keycloak-$VERSION.log" 2>&1 &
KC_PID=$!
trap 'kill $KC_PID 2>/dev/null; pkill -f "$KC_HOME" 2>/dev/null || true' EXIT
until curl -fs -o /dev/null http://localhost:8080/realms/master; do
  kill -0 $KC_PID 2>/dev/null || { echo "Keycloak $VERSION did not start; see $WORK/keycloak-$VERSION.log" >&2; tail -20 "$WORK/keycloak-$VERSION.log" >&2; exit 1; }
  sleep 1
done
grep -o "Keycloak $VERSION on JVM" "$WORK/keycloak-$VERSION.log" | head -n 1

# the whole integration suite (ClusterIT starts its own two nodes from the same version's zip), less one test of a
# 26.7 feature: masking secret config properties in the admin API (older servers show them; use ${vault.NAME}),
# and MailQueueFullIT, which needs a server started with one mail thread and a queue of one (its own server config;
# this remote server has the defaults).
KC_TEST_BROWSER=chrome-headless KC_TEST_BROWSER_DRIVER=/usr/bin/chromedriver KC_TEST_SERVER=remote \
  mvn -B failsafe:integration-test failsafe:verify \
  -Dkeycloak.server.version=$VERSION -Dit.test="${MATRIX_IT:-*IT,!PartnerUsersIT#theAdminApiMasksThePartnerSecret,!MailQueueFullIT}" \
  -Dfailsafe.reportsDirectory=target/failsafe-reports-$VERSION
