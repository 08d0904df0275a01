#!/usr/bin/env bash
# Run from the repository after `cargo xtask test` (which builds the debug binary and the
# Python venv with aiosmtpd): bash docs/measurements/demo.sh
# Issue 18 demo: the embedded mode (SQLite, in-process cache) sending to a real SMTP server
# (aiosmtpd with the tests' rules: reject-* → 550 5.1.1, policy-* → 554 5.7.1), bounces coming
# back through both doors, and a second run leaving the suppressed addresses out.
set -euo pipefail
BIN=${BIN:-$HOME/.cache/mailroom/target/debug/mailroom}
PY=$HOME/.cache/mailroom/venv/bin/python
REPO=${REPO:-$(git -C "$(dirname "$0")" rev-parse --show-toplevel)}
RULES=$REPO/crates/api/tests/api
D=${DEMO_DIR:-/tmp/mailroom-demo}; rm -rf $D; mkdir -p $D
export DATA_DIR=$D BIND=127.0.0.1:18080 SMTP_URL=smtp://127.0.0.1:12525 MAIL_FROM="Mailroom <mailroom@example.org>" \
  BOUNCE_ADDRESS=bounces@bounce.example.org BOUNCE_SMTP_BIND=127.0.0.1:12526 JWT_SECRET=demo-secret-of-at-least-32-characters-long RUST_LOG=warn,mailroom_api::bounces=info
PYTHONPATH=$RULES $PY -m aiosmtpd -n -l 127.0.0.1:12525 -c smtp_rules.Rules $D/maildir & SMTPD=$!
echo 'correct horse battery staple' | $BIN create-manager --email ann@example.org >/dev/null
$BIN serve > $D/serve.log 2>&1 & SERVE=$!
trap 'kill $SERVE $SMTPD 2>/dev/null' EXIT
for _ in $(seq 100); do curl -sf http://127.0.0.1:18080/api/v1/health >/dev/null && break; sleep 0.2; done
API=http://127.0.0.1:18080/api/v1
TOKEN=$(curl -sf $API/auth/login -H 'content-type: application/json' -d '{"email":"ann@example.org","password":"correct horse battery staple"}' | jq -r .access_token)
call() { curl -sf -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' "$@"; }
ids=()
for e in fay@example.net gus@example.net reject-zed@example.net policy-pat@example.net; do
  ids+=($(call $API/clients -d "{\"email\":\"$e\",\"full_name\":\"${e%%@*}\"}" | jq .id))
done
MSG=$(call $API/messages -d '{"subject":"Spring sale","body":"Hello {{full_name}}"}' | jq .id)
NOW=$(date -u +%FT%TZ); END=$(date -u -d '+1 day' +%FT%TZ)
M=$(call $API/mailings -d "{\"message_id\":$MSG,\"client_ids\":[$(IFS=,; echo "${ids[*]}")],\"schedule\":\"once\",\"starts_at\":\"$NOW\",\"ends_at\":\"$END\"}" | jq .id)
wait_run() { for _ in $(seq 100); do r=$(call $API/mailings/$M/runs/$1); [ "$(echo $r | jq .pending)" = 0 ] && [ "$(echo $r | jq -r .finished_at)" != null ] && break; sleep 0.2; done; echo "$r" | jq -c '{total,sent,failed,suppressed,cancelled,pending}'; }
RUN1=$(call -X POST $API/mailings/$M/send -d '{}' | jq .id)
echo "run 1:"; wait_run $RUN1
echo "suppressions after run 1:"; call "$API/suppressions" | jq -c '.items[] | {email,reason,detail}'
# Door 1: Postfix's bounce for gus, piped to `mailroom bounce` as Postfix's pipe transport would.
GUS=$(grep -l '^X-RcptTo: gus@example.net' $D/maildir/new/* | head -1)
VERP=$(grep -m1 '^X-MailFrom:' $GUS | sed 's/^X-MailFrom: //; s/\r//')
MID=$(grep -m1 -i '^Message-ID:' $GUS | sed 's/^[^:]*: //; s/\r//')
sed -e "s/{{TO}}/$VERP/g; s/{{MESSAGE_ID}}/$MID/g; s/{{RECIPIENT}}/gus@example.net/g" $RULES/reports/postfix-hard-bounce.eml > $D/gus-bounce.eml
echo "door 1 (pipe): RECIPIENT=$VERP mailroom bounce < postfix-hard-bounce.eml"
RECIPIENT=$VERP $BIN bounce < $D/gus-bounce.eml; echo "  exit $?"
# Door 2: a feedback-loop complaint about fay, over SMTP to the listener.
FAY=$(grep -l '^X-RcptTo: fay@example.net' $D/maildir/new/* | head -1)
FVERP=$(grep -m1 '^X-MailFrom:' $FAY | sed 's/^X-MailFrom: //; s/\r//')
FMID=$(grep -m1 -i '^Message-ID:' $FAY | sed 's/^[^:]*: //; s/\r//')
sed -e "s/{{TO}}/$FVERP/g; s/{{MESSAGE_ID}}/$FMID/g; s/{{RECIPIENT}}/fay@example.net/g" $RULES/reports/rfc5965-complaint.eml > $D/fay-complaint.eml
echo "door 2 (SMTP listener, 127.0.0.1:12526): RCPT TO:<$FVERP>"
$PY - "$FVERP" $D/fay-complaint.eml <<'PY'
import smtplib, sys
with smtplib.SMTP("127.0.0.1", 12526, timeout=10) as s:
    print("  ", s.sendmail("", [sys.argv[1]], open(sys.argv[2], "rb").read()) or "250 accepted")
PY
for _ in $(seq 50); do [ "$(call "$API/suppressions" | jq .total)" = 3 ] && break; sleep 0.2; done
echo "suppressions now:"; call "$API/suppressions" | jq -c '.items[] | {email,reason,detail: .detail[0:60]}'
RUN2=$(call -X POST $API/mailings/$M/send -d '{}' | jq .id)
echo "run 2:"; wait_run $RUN2
echo "mailing stats:"; call $API/mailings/$M/stats | jq -c '{bounced,complained,attempts}'
echo "events on run 1's attempts:"; call "$API/mailings/$M/attempts?per_page=50" | jq -c '.items[] | select(.events | length > 0) | {client_email, events: [.events[] | {kind,source}]}'
