"""Talks to Mailroom's bounce listener as a mail server returning a bounce would, with Python's
own SMTP client (smtplib), and prints what the listener answered as JSON:

    python smtp_client.py PORT BOUNCE_RECIPIENT MAIL_FILE
"""

import json
import smtplib
import sys

port, recipient, mail_file = int(sys.argv[1]), sys.argv[2], sys.argv[3]
with open(mail_file, "rb") as f:
    mail = f.read()
answers = {}

with smtplib.SMTP("127.0.0.1", port, timeout=10) as smtp:
    code, _ = smtp.ehlo("mx.example.net")
    answers["ehlo"] = code
    answers["size"] = int(smtp.esmtp_features.get("size", "0"))
    # Someone else's mail: refused at RCPT.
    smtp.mail("")
    code, text = smtp.rcpt("someone@bounce.example.org")
    answers["stranger"] = [code, text.decode()]
    smtp.rset()
    # A bounce, with the null sender bounces carry.
    refused = smtp.sendmail("", [recipient], mail)
    answers["bounce"] = refused
    # Too big for the advertised SIZE: refused at MAIL.
    try:
        smtp.sendmail("", [recipient], b"Subject: big\r\n\r\n" + b"x" * (answers["size"] + 1))
        answers["too_big"] = "accepted"
    except smtplib.SMTPSenderRefused as e:
        answers["too_big"] = e.smtp_code
    answers["quit"] = smtp.quit()[0]

# A client that only chats holds a session for nobody: closed after a thousand commands.
with smtplib.SMTP("127.0.0.1", port, timeout=10) as chatty:
    chatty.ehlo("mx.example.net")
    answers["chatty"] = None
    try:
        for _ in range(2000):
            code, _ = chatty.noop()
            if code != 250:
                answers["chatty"] = code
                break
    except smtplib.SMTPServerDisconnected:
        answers["chatty"] = "disconnected without a word"

print(json.dumps(answers))
