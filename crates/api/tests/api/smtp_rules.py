"""The test SMTP server's rules (aiosmtpd): every accepted message goes to a Maildir, and some
recipient addresses script the server's answer by their local part:

  reject-...@        550 5.1.1 for good (a bad mailbox: a hard bounce)
  policy-...@        554 5.7.1 for good (refused by policy: a failure, not a bad address)
  tempfail-N-...@    451 4.3.0 the first N times, then accepted
  busy-...@          the first time: 421 4.7.0, and the server stays busy (421 to everyone)
                     for the next BUSY_SECONDS, as a server that asks senders to slow down
  slow-...@          accepted after SLOW_SECONDS, as a server taking its time
"""

import asyncio
import re
import time

from aiosmtpd.handlers import Mailbox

TEMPFAIL = re.compile(r"^tempfail-(\d+)-", re.IGNORECASE)
BUSY_SECONDS = 0.5
SLOW_SECONDS = 3


class Rules(Mailbox):
    def __init__(self, mail_dir):
        super().__init__(mail_dir)
        self.refused = {}
        self.busy_until = 0.0
        self.made_busy = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split("@", 1)[0].lower()
        if local.startswith("slow-"):
            await asyncio.sleep(SLOW_SECONDS)
        now = time.monotonic()
        if local.startswith("busy-") and address.lower() not in self.made_busy:
            self.made_busy.add(address.lower())
            self.busy_until = now + BUSY_SECONDS
        if now < self.busy_until:
            return "421 4.7.0 Too many messages at once, slow down"
        if local.startswith("reject-"):
            return "550 5.1.1 <%s>: Recipient address rejected: no such user" % address
        if local.startswith("policy-"):
            return "554 5.7.1 <%s>: Relay access denied by policy" % address
        match = TEMPFAIL.match(local)
        if match:
            seen = self.refused.get(address.lower(), 0)
            if seen < int(match.group(1)):
                self.refused[address.lower()] = seen + 1
                return "451 4.3.0 <%s>: Temporary lookup failure, try again later" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"
