#!/usr/bin/env bash
# The demo command: Keycloak 26.7.3 from Maven Central with this extension and realm-examples/ imported,
# on http://localhost:8080 (embedded H2, dev mode), a local mail catcher (GreenMail SMTP on 127.0.0.1:3025),
# and one working partner link per seed token shape. Ctrl-C stops everything.
set -euo pipefail
cd "$(dirname "$0")/.."

KC_VERSION=$(sed -n "s:.*<keycloak.version>\(.*\)</keycloak.version>.*:\1:p" pom.xml | head -n 1)
GREENMAIL_VERSION=2.1.3
WORK=demo-work
KC_HOME=$WORK/keycloak-$KC_VERSION

echo "Building the extension ..."
mvn -B -q package -DskipTests
JAR=$(ls target/keycloak-token-login-*.jar | grep -v original | head -n 1)

if [ ! -x "$KC_HOME/bin/kc.sh" ]; then
  echo "Fetching Keycloak $KC_VERSION from Maven Central ..."
  mvn -B -q dependency:copy -Dartifact=org.keycloak:keycloak-quarkus-dist:$KC_VERSION:zip -DoutputDirectory=$WORK
  (cd $WORK && unzip -q -o keycloak-quarkus-dist-$KC_VERSION.zip)
fi
if [ ! -f "$WORK/greenmail-standalone-$GREENMAIL_VERSION.jar" ]; then
  mvn -B -q dependency:copy -Dartifact=com.icegreen:greenmail-standalone:$GREENMAIL_VERSION -DoutputDirectory=$WORK
fi

rm -f "$KC_HOME"/providers/*.jar
cp "$JAR" "$KC_HOME/providers/keycloak-token-login.jar"
rm -rf "$KC_HOME/data/h2"   # a fresh demo every time: the realms are imported anew
mkdir -p "$KC_HOME/data/import"
rm -f "$KC_HOME"/data/import/*.json
cp realm-examples/*.json "$KC_HOME/data/import/"

pids=()
cleanup() {
  echo; echo "Stopping ..."
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup EXIT INT TERM

java -Dgreenmail.setup.test.smtp -Dgreenmail.hostname=127.0.0.1 -Dgreenmail.api.hostname=127.0.0.1 -Dgreenmail.api.port=8025 \
  -jar "$WORK/greenmail-standalone-$GREENMAIL_VERSION.jar" > "$WORK/greenmail.log" 2>&1 &
pids+=($!)

start=$(date +%s)
echo "Starting Keycloak $KC_VERSION (log: $WORK/keycloak.log) ..."
KC_BOOTSTRAP_ADMIN_USERNAME=admin KC_BOOTSTRAP_ADMIN_PASSWORD=admin \
  "$KC_HOME/bin/kc.sh" start-dev --import-realm --http-host=127.0.0.1 --http-port=8080 > "$WORK/keycloak.log" 2>&1 &
pids+=($!)
until curl -fs -o /dev/null http://localhost:8080/realms/demo/.well-known/openid-configuration; do
  if ! kill -0 "${pids[1]}" 2>/dev/null; then echo "Keycloak did not start; see $WORK/keycloak.log" >&2; exit 1; fi
  sleep 1
done
echo "Keycloak is up after $(( $(date +%s) - start )) s."

RUBY_SECRET=$(python3 -c 'import json;print([p for p in json.load(open("realm-examples/demo-realm.json"))["identityProviders"] if p["alias"]=="ruby-backend"][0]["config"]["clientSecret"])')
PUBLICALA_SECRET=$(python3 -c 'import json;print([p for p in json.load(open("realm-examples/demo-realm.json"))["identityProviders"] if p["alias"]=="publicala"][0]["config"]["clientSecret"])')
export RUBY_SECRET PUBLICALA_SECRET
FLAT=$(java -jar "$JAR" sign --issuer "Ruby Backend" --secret-env RUBY_SECRET --user 1234 --numeric-user --ttl 86400 --realm demo)
NESTED=$(java -jar "$JAR" sign --nested --issuer publicala --secret-env PUBLICALA_SECRET --user "$(cat /proc/sys/kernel/random/uuid)" \
  --email reader@example.com --accept-terms --audience farfalla --ttl 3600 --query-form \
  --intended-url http://localhost:8080/realms/demo/account/ --realm demo)

cat <<MSG

  keycloak-token-login demo is running.

  Flat (Invoiced) shape, path link, valid for one day and usable once:
    $FLAT

  Nested (Publica.la) shape, query link, valid for one hour and usable once:
    $NESTED

  Each link opens the account console signed in as the partner's user. Mint more with
    java -jar $JAR sign --help

  Email magic link (realm "magic"): open http://localhost:8080/realms/magic/account/ , enter bob@example.com,
  then print the mailed link with:  bash scripts/demo-mail.sh bob@example.com
  (open it in the same browser, or in another one to see the code matching)

  Admin console: http://localhost:8080/admin/  (admin / admin), realm "demo"
  Password user: alice / alice     Mail catcher: SMTP 127.0.0.1:3025 (GreenMail)

  Press Ctrl-C to stop.
MSG
wait "${pids[1]}"
