"""Schemathesis hooks for the contract test (`contract_fuzz.rs`).

Schemathesis draws header values from the document, so two different requests can carry the same
`Idempotency-Key`; the server then rightly answers 422 (`idempotency-key-reused`), which is the
contract working, not breaking. A key the document allows is therefore replaced by a fresh one on
every call, so each request is a first request; a key the server refuses (empty, longer than 255
characters, not printable ASCII) is sent as drawn, to check that it is refused.
"""

import uuid

import schemathesis


def usable(key):
    """What `IdempotencyKey::parse` takes: 1 to 255 printable ASCII characters, maybe quoted."""
    key = key.strip(" \t")
    if len(key) >= 2 and key[0] == key[-1] == '"':
        key = key[1:-1]
    return 0 < len(key) <= 255 and all(" " <= c <= "~" for c in key)


def integers(value):
    """JSON Schema counts 1.0 as an integer; serde, like the typed clients generated from the
    document, takes integers written as integers only. A drawn 1.0 is sent as 1."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, list):
        return [integers(item) for item in value]
    if isinstance(value, dict):
        return {key: integers(item) for key, item in value.items()}
    return value


@schemathesis.hook
def before_call(ctx, case, kwargs):
    if isinstance(case.body, (dict, list, float)):
        case.body = integers(case.body)
    headers = case.headers or {}
    for name in list(headers):
        if name.lower() == "idempotency-key" and usable(str(headers[name])):
            headers[name] = str(uuid.uuid4())
