"""The test SMTP server's rules (aiosmtpd): every accepted message goes to a Maildir, and some
recipient addresses script the server's answer by their local part:

  reject-...@        550 5.1.1 for good
  tempfail-N-...@    451 4.3.0 the first N times, then accepted
"""

import re

from aiosmtpd.handlers import Mailbox

TEMPFAIL = re.compile(r"^tempfail-(\d+)-", re.IGNORECASE)


class Rules(Mailbox):
    def __init__(self, mail_dir):
        super().__init__(mail_dir)
        self.refused = {}

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        local = address.split("@", 1)[0].lower()
        if local.startswith("reject-"):
            return "550 5.1.1 <%s>: Recipient address rejected: no such user" % address
        match = TEMPFAIL.match(local)
        if match:
            seen = self.refused.get(address.lower(), 0)
            if seen < int(match.group(1)):
                self.refused[address.lower()] = seen + 1
                return "451 4.3.0 <%s>: Temporary lookup failure, try again later" % address
        envelope.rcpt_tos.append(address)
        return "250 OK"
