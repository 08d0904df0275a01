"""Median latency of POST /api/v1/clients with and without an Idempotency-Key, and of a replay,
against a running embedded server (one keep-alive connection)."""
import http.client, json, statistics, sys, time, uuid

host, port, token = "127.0.0.1", 18080, sys.argv[1]
conn = http.client.HTTPConnection(host, port, timeout=10)
def post(body, key=None):
    headers = {"Authorization": "Bearer " + token, "Content-Type": "application/json"}
    if key:
        headers["Idempotency-Key"] = key
    t = time.perf_counter()
    conn.request("POST", "/api/v1/clients", body=json.dumps(body), headers=headers)
    r = conn.getresponse(); r.read()
    return (time.perf_counter() - t) * 1000, r.status, r.getheader("Idempotent-Replayed")
n = 300
plain = [post({"email": f"p{i}@example.net", "full_name": "P"}) for i in range(n)]
keys = [str(uuid.uuid4()) for _ in range(n)]
keyed = [post({"email": f"k{i}@example.net", "full_name": "K"}, keys[i]) for i in range(n)]
replay = [post({"email": f"k{i}@example.net", "full_name": "K"}, keys[i]) for i in range(n)]
assert all(s == 201 for _, s, _ in plain + keyed), "created"
assert all(s == 201 and h == "true" for _, s, h in replay), "replayed"
med = lambda xs: statistics.median(x for x, _, _ in xs)
print(f"POST /api/v1/clients, {n} each, median: without a key {med(plain):.2f} ms, "
      f"with a new key {med(keyed):.2f} ms, replayed {med(replay):.2f} ms")
