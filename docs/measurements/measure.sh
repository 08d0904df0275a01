#!/usr/bin/env bash
# After demo.sh: how fast each door takes mail (debug build, embedded SQLite, this 2-core machine).
# After demo.sh, with its data folder: bash docs/measurements/measure.sh
set -euo pipefail
BIN=${BIN:-$HOME/.cache/mailroom/target/debug/mailroom}
PY=$HOME/.cache/mailroom/venv/bin/python
D=${DEMO_DIR:-/tmp/mailroom-demo}
export DATA_DIR=$D BIND=127.0.0.1:18080 MAIL_FROM="Mailroom <mailroom@example.org>" \
  BOUNCE_ADDRESS=bounces@bounce.example.org BOUNCE_SMTP_BIND=127.0.0.1:12526 JWT_SECRET=demo-secret-of-at-least-32-characters-long RUST_LOG=error
GUS_VERP=$(grep -o "bounces+[^>]*@bounce.example.org" $D/gus-bounce.eml | head -1)
start=$(date +%s.%N)
for i in $(seq 100); do RECIPIENT=$GUS_VERP $BIN bounce < $D/gus-bounce.eml >/dev/null; done
end=$(date +%s.%N)
echo "pipe door: 100 x mailroom bounce (a duplicate hard bounce): $(echo "$end - $start" | bc) s"
$BIN serve > $D/serve2.log 2>&1 & SERVE=$!
trap 'kill $SERVE 2>/dev/null' EXIT
for _ in $(seq 100); do curl -sf http://127.0.0.1:18080/api/v1/health >/dev/null && break; sleep 0.2; done
FAY_VERP=$(grep -o 'bounces+[^>]*@bounce.example.org' $D/fay-complaint.eml | head -1)
$PY - "$FAY_VERP" $D/fay-complaint.eml <<'PY'
import smtplib, sys, time
mail = open(sys.argv[2], "rb").read()
t = time.monotonic()
with smtplib.SMTP("127.0.0.1", 12526, timeout=30) as s:
    for _ in range(300):
        s.sendmail("", [sys.argv[1]], mail)
print("listener door: 300 complaints in one SMTP session: %.2f s (%d bytes each)" % (time.monotonic() - t, len(mail)))
PY
start=$(date +%s.%N)
for _ in $(seq 600); do
  left=$(sqlite3 $D/mailroom.db "select count(*) from inbound_mail where processed_at is null" 2>/dev/null || echo x)
  [ "$left" = 0 ] && break; sleep 0.1
done
end=$(date +%s.%N)
echo "then every stored mail read by the job runner after: $(echo "$end - $start" | bc) s more; inbound_mail rows: $(sqlite3 $D/mailroom.db 'select count(*) from inbound_mail')"
