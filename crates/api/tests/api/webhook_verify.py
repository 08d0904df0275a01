"""Verifies webhook calls with the Standard Webhooks reference library (PyPI `standardwebhooks`),
not with Mailroom's own code. Reads a JSON list of calls on stdin, each
{"secret", "headers", "body", "now"}; prints a JSON list with, for each, "ok" or the library's
error. `now` (Unix seconds) is the time the library checks the timestamp against: the tests move
Mailroom's clock, and the library's five-minute tolerance must be measured on that clock."""

import json
import sys
from datetime import datetime, timezone

import standardwebhooks.webhooks as library
from standardwebhooks.webhooks import Webhook


def at(now):
    class Frozen(datetime):
        @classmethod
        def now(cls, tz=None):
            return datetime.fromtimestamp(now, tz=tz or timezone.utc)

    return Frozen


results = []
for call in json.load(sys.stdin):
    library.datetime = at(call["now"])
    try:
        Webhook(call["secret"]).verify(call["body"], call["headers"])
        results.append("ok")
    except Exception as error:  # the library's own verdict, reported to the test
        results.append(f"{type(error).__name__}: {error}")
json.dump(results, sys.stdout)
