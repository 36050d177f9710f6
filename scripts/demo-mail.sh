#!/usr/bin/env bash
# Prints the sign-in links mailed to an address in the demo's mail catcher (GreenMail, started by scripts/demo.sh).
# Usage: bash scripts/demo-mail.sh bob@example.com
set -euo pipefail
addr=${1:?usage: $0 EMAIL}
curl -fs "http://127.0.0.1:8025/api/user/${addr}/messages/" | python3 -c '
import email, json, re, sys
msgs = json.load(sys.stdin)
if not msgs:
    print("no mail yet", file=sys.stderr)
for m in msgs:
    msg = email.message_from_string(m["mimeMessage"])
    for part in msg.walk():
        if part.get_content_type() == "text/plain":
            text = part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
            for link in re.findall(r"https?://\S+/token-login/magic-link\?key=[A-Za-z0-9_-]+", text):
                print(m["subject"] + ": " + link)
' || echo "no mail for ${addr} yet (the mailbox appears with the first mail)" >&2
