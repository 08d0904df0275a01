"""Checks a mail's DKIM signature with dkimpy, an implementation Mailroom does not share code with.

Usage: python dkim_verify.py '<TXT record>' < mail.eml
The record is given as every DNS answer, so nothing is looked up. Prints "pass" or "fail" and
exits 0 or 1.
"""
import sys

import dkim

record = sys.argv[1].encode()


def answer(name, timeout=5):
    return record


ok = dkim.verify(sys.stdin.buffer.read(), dnsfunc=answer)
print("pass" if ok else "fail")
sys.exit(0 if ok else 1)
