#!/usr/bin/env python3
"""Small report helpers for bench/intake.sh (standard library only).

  summarize.py metrics METRICS.txt      server-side view from the /metrics text
  summarize.py perf PERF_REPORT.txt     CPU samples of `perf report --sort dso,sym` grouped by layer
  summarize.py perfstat FILE N          counts of a `perf stat -o FILE` divided by N (per complaint)
  summarize.py cpu BEFORE AFTER [N]        CPU seconds per process between two snapshots of
                                        "name pid utime stime" lines (clock ticks)
"""

import re
import sys
from collections import defaultdict

LABELS = re.compile(r'(\w+)="([^"]*)"')


def parse_metrics(path):
    series = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            m = re.match(r"^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})?\s+(\S+)$", line)
            if not m:
                continue
            labels = dict(LABELS.findall(m.group(2) or ""))
            try:
                value = float(m.group(3))
            except ValueError:
                continue
            series.append((m.group(1), labels, value))
    return series


def bucket_quantile(buckets, q):
    """Upper bound of the bucket holding quantile q (Prometheus-style, no interpolation)."""
    total = max((c for _, c in buckets), default=0)
    if total == 0:
        return None
    for le, c in sorted(buckets):
        if c >= q * total:
            return le
    return float("inf")


def metrics(path):
    s = parse_metrics(path)
    http = defaultdict(lambda: {"sum": 0.0, "count": 0.0, "buckets": []})
    for name, labels, value in s:
        if not name.startswith("cloop_http_request_duration_seconds"):
            continue
        key = (labels.get("method"), labels.get("route"), labels.get("status"))
        if name.endswith("_sum"):
            http[key]["sum"] = value
        elif name.endswith("_count"):
            http[key]["count"] = value
        elif name.endswith("_bucket"):
            le = labels.get("le")
            http[key]["buckets"].append((float("inf") if le == "+Inf" else float(le), value))
    print("server-side request time (cloop_http_request_duration_seconds):")
    for (method, route, status), h in sorted(http.items(), key=lambda kv: -kv[1]["count"]):
        if h["count"] < 10:
            continue
        mean = 1000 * h["sum"] / h["count"]
        p50 = bucket_quantile(h["buckets"], 0.50)
        p99 = bucket_quantile(h["buckets"], 0.99)
        fmt = lambda v: "n/a" if v is None else ("> 5000" if v == float("inf") else f"<= {1000 * v:g}")
        print(f"  {method} {route} {status}: {h['count']:.0f} requests, mean {mean:.2f} ms, "
              f"p50 {fmt(p50)} ms, p99 {fmt(p99)} ms (bucket bounds)")
    def histogram(metric):
        plain = {n: v for n, l, v in s if n in (metric + "_count", metric + "_sum") and not l}
        buckets = sorted(
            (float("inf") if l["le"] == "+Inf" else float(l["le"]), v)
            for n, l, v in s if n == metric + "_bucket" and "le" in l
        )
        return plain.get(metric + "_count"), plain.get(metric + "_sum"), buckets

    count, total, sizes = histogram("cloop_group_commit_batch_size")
    if count:
        print(f"group commit: {count:.0f} transactions for {total:.0f} writes, mean batch {total / count:.1f}, "
              f"p50 <= {bucket_quantile(sizes, 0.50):g}, p99 <= {bucket_quantile(sizes, 0.99):g} (bucket bounds)")
    count, total, times = histogram("cloop_group_commit_seconds")
    if count:
        ms = lambda q: bucket_quantile(times, q) * 1000
        print(f"  transaction time: mean {1000 * total / count:.2f} ms, p50 <= {ms(0.50):g} ms, "
              f"p99 <= {ms(0.99):g} ms, p99.9 <= {ms(0.999):g} ms (bucket bounds)")
    for name, labels, value in s:
        if name == "cloop_complaints_registered_total":
            print(f"complaints registered (counter): {value:.0f}")


LAYERS = [
    ("SQLite engine (B-tree, VDBE, pager, WAL)", re.compile(r"sqlite3|^[a-z]+Cell|^balance|^moveTo|^accessPayload|^allocateSpace|^vdbe|^pcache|^btree|^vdbe|^pager|^wal|binColl|^yy|^rehash|^unixRead|^unixWrite|^unixSync|^robust_|^memjrnl|^getPageNormal|^pcache1|^walIndex|^walFind", re.I)),
    ("hash chain (SHA-256)", re.compile(r"sha2|sha256|Sha256|compress256", re.I)),
    ("JSON (serde_json)", re.compile(r"serde_json|serde::|serde_core|_serde|Serialize|Deserialize|itoa|ryu")),
    ("HTTP (hyper, axum, tower, httparse)", re.compile(r"hyper|axum|tower|httparse|http::|h1::|matchit|headers")),
    ("database driver (sqlx, sea-orm, sea-query)", re.compile(r"sqlx|sea_orm|sea_query|libsqlite3_sys|flume")),
    ("tokio runtime, channels, futures", re.compile(r"tokio|mio::|futures|parking_lot|crossbeam|async_channel|event_listener")),
    ("metrics, tracing, request ids", re.compile(r"metrics|tracing|uuid|prometheus|quanta|sketches")),
    ("allocator, memcpy, strings", re.compile(r"malloc|free|realloc|calloc|memcpy|memmove|memset|memcmp|strlen|alloc::|_int_|tcache|cfree|__libc_|RawVec|String|str::|core::fmt")),
    ("application (cloop crates)", re.compile(r"cloop")),
    ("std threads, locks, thread parking", re.compile(r"std::thread|std::sys|park|Condvar|Mutex|pthread|__lll_|futex")),
    ("chrono (timestamps)", re.compile(r"chrono")),
]
KERNEL_LAYERS = [
    ("kernel: network (loopback TCP, sockets)", re.compile(r"tcp|ip_|sock|skb|net_|netif|loopback|napi|__dev_|inet|sys_sendto|sys_recvfrom|sys_write|sys_read|sys_writev|sys_sendmsg|sys_recvmsg|rfs|xmit|nf_")),
    ("kernel: files, WAL, fsync", re.compile(r"ext4|jbd2|xfs|btrfs|fsync|blk|bio|iomap|filemap|vfs_|generic_file|page_cache|folio|fdatasync|writeback|submit|overlay|ovl_|virtio_blk|fuse")),
    ("kernel: scheduling, futex, epoll, timers", re.compile(r"sched|futex|epoll|schedule|switch|wake|hrtimer|timer|clock|tick|idle|rcu|irq|softirq|ep_|select|nanosleep")),
]


def perf(path):
    totals = defaultdict(float)
    examples = defaultdict(list)
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            m = re.match(r"^\s+([\d.]+)%\s+(\S+)\s+\[([.k])\]\s+(.*)$", line)
            if not m:
                continue
            pct, dso, kind, sym = float(m.group(1)), m.group(2), m.group(3), m.group(4).strip()
            if kind == "k" or "kernel" in dso:
                layer = next((n for n, r in KERNEL_LAYERS if r.search(sym)), "kernel: other")
            elif dso.startswith("libc") and not re.search(r"malloc|free|mem|str|alloc", sym):
                layer = "libc (other)"
            else:
                layer = next((n for n, r in LAYERS if r.search(sym)), "other / unresolved")
            totals[layer] += pct
            if len(examples[layer]) < 3:
                examples[layer].append(sym[:70])
    total = sum(totals.values()) or 1.0
    print("CPU samples of the server process by layer (self time; perf's rounded percentages renormalised to 100):")
    for layer, pct in sorted(totals.items(), key=lambda kv: -kv[1]):
        print(f"  {100 * pct / total:5.1f}%  {layer}   e.g. {'; '.join(examples[layer])}")


def perfstat(path, n):
    n = float(n)
    if n <= 0:
        print("  (no complaints counted)")
        return
    with open(path, encoding="utf-8") as f:
        for line in f:
            m = re.match(r"^\s*([\d,.]+)\s+(?:msec\s+)?([\w:-]+)", line)
            if not m or "seconds" in line or "elapsed" in line:
                continue
            try:
                value = float(m.group(1).replace(",", ""))
            except ValueError:
                continue
            print(f"  {m.group(2)}: {value:.0f} total, {value / n:.2f} per complaint")


def cpu(before, after, count=None):
    def read(path):
        out = {}
        with open(path, encoding="utf-8") as f:
            for line in f:
                parts = line.split()
                if len(parts) == 4:
                    # A file may hold several snapshots (a watcher's): keep the latest (largest) value.
                    key = (parts[0], parts[1])
                    out[key] = max(out.get(key, 0), int(parts[2]) + int(parts[3]))
        return out

    a, b = read(before), read(after)
    per = defaultdict(float)
    for key, ticks in b.items():
        per[key[0]] += (ticks - a.get(key, 0)) / 100.0
    n = float(count) if count else 0.0
    ours = 0.0
    for name, secs in sorted(per.items(), key=lambda kv: -kv[1]):
        extra = ""
        if n > 0 and not name.startswith("machine") and not name.startswith("postgres-other"):
            ours += secs
            extra = f" = {1000 * secs / n:.3f} CPU-ms per request"
        print(f"  {name}: {secs:.1f} CPU-s{extra}")
    if n > 0:
        busy, idle = per.get("machine-busy", 0.0), per.get("machine-idle", 0.0)
        print(f"  server side in all: {1000 * ours / n:.3f} CPU-ms per request over {n:.0f} requests; "
              f"the machine was {100 * busy / max(busy + idle, 0.01):.0f}% busy, "
              f"{busy - ours:.1f} CPU-s of it outside the server{' and its database' if any(k.startswith('postgres') for k in per) else ''}")


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "metrics":
        metrics(sys.argv[2])
    elif len(sys.argv) >= 3 and sys.argv[1] == "perf":
        perf(sys.argv[2])
    elif len(sys.argv) >= 4 and sys.argv[1] == "perfstat":
        perfstat(sys.argv[2], sys.argv[3])
    elif len(sys.argv) >= 4 and sys.argv[1] == "cpu":
        cpu(sys.argv[2], sys.argv[3], sys.argv[4] if len(sys.argv) >= 5 else None)
    else:
        print(__doc__)
        sys.exit(2)
