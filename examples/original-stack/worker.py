#!/usr/bin/python3
"""The 2012 feed worker as it was written: a gevent pool, requests, lxml.

Each job fetches one feed from the feed server (GET, keep-alive session), reads the body, parses it with
lxml (JSON Feed with json) and counts the items. The body is read
  whole:  response.content                                   (requests' own read; the fixed stack)
  N:      b"".join(response.iter_content(N)) with stream=True (N = 1 is the 2012 regression: requests 0.11.2)

One recv(2) per read, as in 2012. Python 2's httplib read the response from an unbuffered socket file
(sock.makefile('rb', 0)), so iter_content(1) made one recv of one byte per byte, status line and headers
included (an unbuffered readline reads one byte at a time). Python 3's http.client wraps the socket in a
BufferedReader (8 KiB), and urllib3 reads through it: iter_content(1) would then cost one recv per 8 KiB.
For a numeric read size this worker restores the 2012 behaviour: http.client's response class, as urllib3's
connection uses it, is replaced by one that opens the socket file unbuffered (before anything is read), so
every read(N) of urllib3 is one recv_into(N) on gevent's socket, which tries the receive and switches to the
event loop only on EAGAIN; the status line and headers are read one byte per recv whatever N (an unbuffered
readline), as in 2012. With `whole`, Python 3's buffered reader stays: 8 KiB per recv. `feeddiag -- /usr/bin/python3 worker.py --read-size 1 ...` shows 1 B per receive.

Inputs (arguments, else FEEDBENCH_* environment variables, the external-worker contract of examples/README.md):
  --server URL (FEEDBENCH_SERVER)   --manifest URL (FEEDBENCH_MANIFEST, default SERVER/manifest)
  --read-size 1|10k|500k|whole|N (FEEDBENCH_READ_SIZE)   --pool N (FEEDBENCH_POOL)
  --jobs N (FEEDBENCH_JOBS, 0 = one per manifest entry)   --out DIR (FEEDBENCH_OUT): writes DIR/jobs.csv
Run with /usr/bin/python3 (Debian's python3-gevent, python3-requests, python3-lxml).
"""
from gevent import monkey

monkey.patch_all()

import argparse  # noqa: E402
import csv  # noqa: E402
import http.client  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import gevent.pool  # noqa: E402
import requests  # noqa: E402
import requests.adapters  # noqa: E402
import urllib3.connection  # noqa: E402
from lxml import etree  # noqa: E402

ATOM_ENTRY = "{http://www.w3.org/2005/Atom}entry"


class UnbufferedHTTPResponse(http.client.HTTPResponse):
    """http.client's response over an unbuffered socket file, as Python 2's httplib used it."""

    def __init__(self, sock, debuglevel=0, method=None, url=None):
        super().__init__(sock, debuglevel, method, url)
        self.fp.close()  # the buffered file, not read yet
        self.fp = sock.makefile("rb", buffering=0)


def parse_read_size(text):
    t = text.strip().lower()
    if t == "whole":
        return None
    if t.endswith("k"):
        return int(t[:-1]) * 1024
    n = int(t)
    if n < 1:
        raise ValueError("read size must be >= 1")
    return n


def read_manifest(session, url):
    r = session.get(url, timeout=30)
    r.raise_for_status()
    lines = r.text.splitlines()
    header = lines[0].split("\t")
    return [dict(zip(header, line.split("\t"))) for line in lines[1:] if line]


def plan_jobs(entries, formats, jobs):
    chosen = [e for e in entries if formats == "all" or e["format"] in formats.split("+")]
    if not chosen:
        raise SystemExit("worker.py: no manifest entry of formats " + formats)
    count = jobs if jobs > 0 else len(chosen)
    return [chosen[i % len(chosen)] for i in range(count)]


def count_items(body, fmt):
    if fmt == "jsonfeed":
        return len(json.loads(body).get("items", []))
    root = etree.fromstring(body)
    return sum(1 for _ in root.iter("item", ATOM_ENTRY))


def run_job(session, base, job, entry, read_size):
    row = {"job": job, "feed": entry["id"], "ok": 0, "error": "", "bytes": 0, "items": 0,
           "fetch_ms": 0.0, "content_ms": 0.0, "parse_ms": 0.0, "start_s": time.monotonic()}
    t0 = time.monotonic()
    stage = "connect"
    try:
        url = base + entry["path"]
        if read_size is None:
            r = session.get(url, timeout=60)
            t1 = time.monotonic()
            stage = "read"
            body = r.content
        else:
            r = session.get(url, stream=True, timeout=60)
            t1 = time.monotonic()
            stage = "read"
            body = b"".join(r.iter_content(read_size))
        t2 = time.monotonic()
        row["fetch_ms"], row["content_ms"] = (t1 - t0) * 1e3, (t2 - t1) * 1e3
        row["bytes"] = len(body)
        if r.status_code != 200:
            stage = "status"
            raise RuntimeError("status %d" % r.status_code)
        stage = "parse"
        row["items"] = count_items(body, entry["format"])
        row["parse_ms"] = (time.monotonic() - t2) * 1e3
        row["ok"] = 1
    except Exception:  # a run never aborts on one bad job: the error is counted by class
        row["error"] = stage
    row["wall_ms"] = (time.monotonic() - t0) * 1e3
    return row


def main():
    env = os.environ.get
    ap = argparse.ArgumentParser(description="the 2012 worker: gevent pool + requests + lxml")
    ap.add_argument("--server", default=env("FEEDBENCH_SERVER"), help="feed server base URL")
    ap.add_argument("--manifest", default=env("FEEDBENCH_MANIFEST"), help="manifest URL (default SERVER/manifest)")
    ap.add_argument("--read-size", default=env("FEEDBENCH_READ_SIZE", "whole"), help="1, 10k, 500k, whole or N")
    ap.add_argument("--pool", type=int, default=int(env("FEEDBENCH_POOL", "20")), help="greenlets")
    ap.add_argument("--jobs", type=int, default=int(env("FEEDBENCH_JOBS", "0")), help="jobs (0 = one per feed)")
    ap.add_argument("--formats", default=env("FEEDBENCH_FORMATS", "rss+atom+jsonfeed"), help="manifest formats joined with '+', or all")
    ap.add_argument("--out", default=env("FEEDBENCH_OUT", "."), help="folder for jobs.csv")
    a = ap.parse_args()
    if not a.server:
        ap.error("--server (or FEEDBENCH_SERVER) is required")
    read_size = parse_read_size(a.read_size)
    if read_size is not None:
        urllib3.connection.HTTPConnection.response_class = UnbufferedHTTPResponse

    base = a.server.rstrip("/")
    session = requests.Session()
    session.mount("http://", requests.adapters.HTTPAdapter(pool_connections=1, pool_maxsize=max(1, a.pool)))
    jobs = plan_jobs(read_manifest(session, a.manifest or base + "/manifest"), a.formats, a.jobs)

    started = time.monotonic()
    pool = gevent.pool.Pool(max(1, a.pool))
    rows = pool.map(lambda j: run_job(session, base, j, jobs[j], read_size), range(len(jobs)))
    wall = time.monotonic() - started
    for row in rows:
        row["start_s"] = round(row["start_s"] - started, 6)

    os.makedirs(a.out, exist_ok=True)
    columns = ["job", "feed", "ok", "error", "bytes", "items", "fetch_ms", "content_ms", "parse_ms", "wall_ms", "start_s"]
    with open(os.path.join(a.out, "jobs.csv"), "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=columns, extrasaction="ignore")
        w.writeheader()
        for row in rows:
            w.writerow({k: round(v, 3) if isinstance(v, float) else v for k, v in row.items()})
    ok = sum(r["ok"] for r in rows)
    ru = resource.getrusage(resource.RUSAGE_SELF)
    print("jobs %d  ok %d  failed %d  %.1f jobs/s  wall %.3f s  cpu %.3f s  read size %s  pool %d" % (
        len(rows), ok, len(rows) - ok, len(rows) / wall if wall > 0 else 0, wall, ru.ru_utime + ru.ru_stime,
        a.read_size, a.pool))
    return 0 if ok + (len(rows) - ok) == len(jobs) else 1


if __name__ == "__main__":
    sys.exit(main())
