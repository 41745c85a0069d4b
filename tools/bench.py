#!/usr/bin/env python3
"""make bench, on the host: turn the raw data of the stock and the patched
guest (guest/bench) into one table (stock, patched, ratio patched/stock),
CSV and JSON, and PNG plots drawn by gnuplot.

Memory comes from /proc/slabinfo (active objects x object size, per cache)
and /proc/meminfo. "Involved" caches are the ones a tracefs, eventfs,
kernfs or statsfs object can live in: the filesystem caches (dentry, inode
caches, kernfs nodes and iattrs), the tracing core caches that hold one
object per event file, and every kmalloc cache. Attribution to the events
tree (scenario 1) comes from the second boot with slub_debug=U: an object
belongs to the events tree when a frame of its allocation stack is an eventfs
function (EVENTS_TREE).
"""
import argparse
import csv
import json
import os
import re
import statistics
import subprocess
import sys

from summarize import kernel_log_problems

FS_CACHES = ("dentry", "inode_cache", "tracefs_inode_cache", "kernfs_node_cache",
             "kernfs_iattrs_cache", "kernfs_inode_cache")
FS_PREFIXES = ("statsfs", "debugfs")
TRACE_CACHES = ("trace_event_file", "ftrace_event_field")
INODE_CACHES = ("inode_cache", "tracefs_inode_cache", "kernfs_inode_cache")
# Allocation-stack frames that make an object part of the events tree, and
# the ones that make it a per-file object (created for one file, not for a
# directory). Later patches that rename the functions extend these.
EVENTS_TREE = re.compile(r"^\s*eventfs_")
TRACEFS_ALL = re.compile(r"^\s*(eventfs_|tracefs_)")
# (patched: tracefs on kernfs, a file's node is made by kernfs_static_new_file)
PER_FILE = re.compile(r"^\s*(lookup_file|eventfs_root_lookup|eventfs_set_attr|"
                      r"kernfs_static_new_file)\b")


def is_kmalloc(name):
    return name.startswith(("kmalloc-", "dma-kmalloc-"))


def involved(name):
    return (name in FS_CACHES or name in TRACE_CACHES or name.startswith(FS_PREFIXES)
            or is_kmalloc(name))


class Snap:
    """One memory snapshot: slab caches, meminfo, dentry and inode counts."""

    def __init__(self, base):
        self.caches = {}
        with open(base + ".slabinfo") as f:
            for line in f:
                if line.startswith(("slabinfo", "#")):
                    continue
                p = line.split()
                self.caches[p[0]] = (int(p[1]), int(p[3]))   # active objects, object size
        self.mem = {}
        with open(base + ".meminfo") as f:
            for line in f:
                k, v = line.split(":", 1)
                self.mem[k] = int(v.split()[0]) * 1024
        with open(base + ".dentry-state") as f:
            self.nr_dentry = int(f.read().split()[0])
        with open(base + ".inode-nr") as f:
            self.nr_inodes = int(f.read().split()[0])

    def objs(self, name):
        return self.caches.get(name, (0, 0))[0]

    def nbytes(self, pred):
        return sum(n * size for name, (n, size) in self.caches.items() if pred(name))

    def metrics(self):
        return {
            "involved_bytes": self.nbytes(involved),
            "fs_bytes": self.nbytes(lambda c: c in FS_CACHES or c.startswith(FS_PREFIXES)),
            "kmalloc_bytes": self.nbytes(is_kmalloc),
            "trace_core_bytes": self.nbytes(lambda c: c in TRACE_CACHES),
            "slab": self.mem["Slab"],
            "sreclaimable": self.mem["SReclaimable"],
            "sunreclaim": self.mem["SUnreclaim"],
            "dentries": self.objs("dentry"),
            "inodes": sum(self.objs(c) for c in INODE_CACHES),
            "kernfs_nodes": self.objs("kernfs_node_cache"),
            "kernfs_iattrs": self.objs("kernfs_iattrs_cache"),
            "tracefs_inodes": self.objs("tracefs_inode_cache"),
        }


def diff(a, b):
    return {k: b[k] - a[k] for k in a}


def slope(points):
    """Least-squares slope of (x, y) points."""
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    den = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / den


def spread(vals):
    """Half the interquartile range, in percent of the median."""
    if len(vals) < 4:
        return "-"
    q = statistics.quantiles(vals, n=4)
    return "%.0f%%" % (50.0 * (q[2] - q[0]) / statistics.median(vals))


def breakdown(k, ref, label, min_bytes=4096):
    """Per-cache difference between two snapshots, stock and patched:
    [(cache, stock objects, stock bytes, patched objects, patched bytes)]."""
    out = {}
    for i, x in enumerate(("stock", "patched")):
        a, b = k[x]["snaps"][ref].caches, k[x]["snaps"][label].caches
        for c in set(a) | set(b):
            n = b.get(c, (0, 0))[0] - a.get(c, (0, 0))[0]
            size = b.get(c, a.get(c))[1]
            out.setdefault(c, [0, 0, 0, 0])[2 * i:2 * i + 2] = [n, n * size]
    rows = [(c, *v) for c, v in out.items() if max(abs(v[1]), abs(v[3])) >= min_bytes]
    return sorted(rows, key=lambda r: -max(abs(r[2]), abs(r[4])))


def read_kv(path):
    out = {}
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                if "\t" in line:
                    k, v = line.rstrip("\n").split("\t", 1)
                    out[k] = int(v) if v.lstrip("-").isdigit() else v
    return out


def read_latency(path):
    runs = {}
    with open(path) as f:
        for line in f:
            op, _rep, usec = line.split("\t")
            runs.setdefault(op, []).append(int(usec) / 1000.0)
    return runs


def parse_traces(path):
    """slub alloc_traces: yields (count, [frames])."""
    entry = None
    with open(path) as f:
        for line in f:
            m = re.match(r"^\s*(\d+) (\S+)", line)
            if m and not line.startswith("        "):
                if entry:
                    yield entry
                entry = (int(m.group(1)), [m.group(2)])
            elif entry and line.strip():
                entry[1].append(line.strip())
    if entry:
        yield entry


def attribute(attr_dir, label, objsize):
    """Objects and bytes whose allocation stack matches the events tree and
    all of tracefs; per-file share. objsize: cache -> bytes per object in the
    main boot (the attribution boot's own sizes include the tracking data)."""
    res = {"tree_objects": 0, "tree_bytes": 0, "file_bytes": 0, "tracefs_bytes": 0,
           "sites": {}}
    d = os.path.join(attr_dir, "attr", label)
    for cache in sorted(os.listdir(d)):
        if cache == "slabinfo":
            continue
        size = objsize.get(cache, 0)
        for count, frames in parse_traces(os.path.join(d, cache)):
            if any(TRACEFS_ALL.match(f) for f in frames):
                res["tracefs_bytes"] += count * size
            if not any(EVENTS_TREE.match(f) for f in frames):
                continue
            res["tree_objects"] += count
            res["tree_bytes"] += count * size
            if any(PER_FILE.match(f) for f in frames):
                res["file_bytes"] += count * size
            site = "%s %s" % (cache, frames[0].split("+")[0])
            res["sites"][site] = res["sites"].get(site, 0) + count
    return res


class Table:
    def __init__(self):
        self.rows = []
        self.zero_limit = 0         # bytes of slab objects
        self.zero_limit_pages = 0   # meminfo, which moves in whole slab pages

    def add(self, scen, metric, unit, stock, patched, note="", zero=False):
        """zero: a difference that should be about 0 (within the noise given
        by zero_limit), where a ratio means nothing; one above it is flagged."""
        ratio = None
        if zero:
            limit = self.zero_limit_pages if zero == "pages" else self.zero_limit
            over = [v for v in (stock, patched) if isinstance(v, (int, float)) and v > limit]
            note = ("ABOVE NOISE: " if over else "ok, ") + note
        elif isinstance(stock, (int, float)) and isinstance(patched, (int, float)):
            if stock != 0:
                ratio = patched / stock
            elif patched == 0:
                ratio = 1.0
        self.rows.append({"scenario": scen, "metric": metric, "unit": unit, "stock": stock,
                          "patched": patched, "ratio": ratio, "note": note})

    @staticmethod
    def fmt(v, unit):
        if v is None or v == "":
            return "-"
        if isinstance(v, str):
            return v
        if unit == "ms":
            return "%.1f" % v
        if isinstance(v, float) and abs(v) < 100:
            return "%.1f" % v
        return "{:,}".format(int(round(v)))

    def text(self):
        out = []
        w = max(len(r["metric"]) for r in self.rows)
        head = "%-3s %-*s %-7s %14s %14s %7s" % ("#", w, "metric", "unit", "stock", "patched", "ratio")
        out.append(head)
        out.append("-" * len(head))
        last = None
        for r in self.rows:
            if last is not None and r["scenario"] != last:
                out.append("")
            last = r["scenario"]
            ratio = "-" if r["ratio"] is None else "%.2f" % r["ratio"]
            line = "%-3s %-*s %-7s %14s %14s %7s" % (
                r["scenario"], w, r["metric"], r["unit"], self.fmt(r["stock"], r["unit"]),
                self.fmt(r["patched"], r["unit"]), ratio)
            if r["note"]:
                line += "  " + r["note"]
            out.append(line)
        return "\n".join(out)


def load(main_dir):
    snaps = {}
    d = os.path.join(main_dir, "snap")
    for f in os.listdir(d):
        if f.endswith(".slabinfo"):
            label = f[:-len(".slabinfo")]
            snaps[label] = Snap(os.path.join(d, label))
    return {
        "snaps": snaps,
        "m": {k: s.metrics() for k, s in snaps.items()},
        "counts": read_kv(os.path.join(main_dir, "counts.txt")),
        "lat": read_latency(os.path.join(main_dir, "latency.tsv")),
    }


def check_runs(dirs):
    """Every guest run must be clean: no scenario that failed (guest/bench
    writes them to 'errors') and no kernel problem in its console log (the
    same list of reports that fails make test)."""
    bad = []
    for d in dirs:
        errors = os.path.join(d, "errors")
        if os.path.exists(errors):
            with open(errors) as f:
                bad += ["%s: scenario failed: %s" % (d, line.strip()) for line in f if line.strip()]
        bad += ["%s: kernel: %s" % (d, line) for line in kernel_log_problems([os.path.join(d, "console.log")])]
    return bad


def build(args):
    k = {"stock": load(args.stock), "patched": load(args.patched)}
    for name, d in (("stock", args.stock_attr), ("patched", args.patched_attr)):
        if d:
            size = {c: s for c, (_, s) in k[name]["snaps"]["rest0"].caches.items()}
            k[name]["attr"] = {lab: attribute(d, lab, size) for lab in ("rest", "inst_rest")}
            k[name]["attr_counts"] = read_kv(os.path.join(d, "counts.txt"))
    t = Table()
    both = ("stock", "patched")

    def m(kern, label):
        return k[kern]["m"][label]

    def row(scen, metric, unit, fn, note="", zero=False):
        t.add(scen, metric, unit, fn("stock"), fn("patched"), note, zero)

    # The noise floor: two rest snapshots in a row differ by this much.
    noise = max(abs(diff(m(x, "rest0"), m(x, "rest0b"))["involved_bytes"]) for x in both)
    # A leftover (more memory than before) above twice that, and above 64 KiB,
    # is flagged: dentries and kmalloc objects of other processes come and go
    # too (an A/A run has left 35 KiB after removing 5,000 synthetic events).
    t.zero_limit = max(2 * noise, 65536)
    t.zero_limit_pages = max(2 * max(abs(diff(m(x, "rest0"), m(x, "rest0b"))["sunreclaim"]) for x in both), 32768)
    znote = "should be ~0 (rest-to-rest noise %s bytes; flagged above %s)" % (
        "{:,}".format(noise), "{:,}".format(t.zero_limit))

    # 1. the events tree at rest after boot
    row("1", "rest: Slab (meminfo)", "bytes", lambda x: m(x, "rest0")["slab"])
    row("1", "rest: SUnreclaim", "bytes", lambda x: m(x, "rest0")["sunreclaim"])
    row("1", "rest: involved caches", "bytes", lambda x: m(x, "rest0")["involved_bytes"])
    row("1", "rest: dentries", "objects", lambda x: m(x, "rest0")["dentries"])
    row("1", "rest: inodes (inode_cache+tracefs+kernfs)", "objects", lambda x: m(x, "rest0")["inodes"])
    row("1", "rest: kernfs nodes", "objects", lambda x: m(x, "rest0")["kernfs_nodes"])
    row("1", "rest: kernfs iattrs", "objects", lambda x: m(x, "rest0")["kernfs_iattrs"])
    row("1", "rest: noise (2nd rest - 1st), involved", "bytes",
        lambda x: diff(m(x, "rest0"), m(x, "rest0b"))["involved_bytes"], zero=True,
        note="two rest snapshots in a row")
    row("1", "events/: directories", "count", lambda x: k[x]["counts"].get("events_dirs"))
    row("1", "events/: files", "count", lambda x: k[x]["counts"].get("events_files"))
    if all("attr" in k[x] for x in both):
        def a(x, key, label="rest"):
            return k[x]["attr"][label][key]
        row("1", "events tree at rest (attributed)", "bytes", lambda x: a(x, "tree_bytes"))
        row("1", "events tree at rest (attributed)", "objects", lambda x: a(x, "tree_objects"))
        row("1", "  per event directory", "bytes",
            lambda x: a(x, "tree_bytes") / k[x]["attr_counts"]["events_dirs"])
        row("1", "  per event file", "bytes",
            lambda x: a(x, "file_bytes") / k[x]["attr_counts"]["events_files"])
        row("1", "all of tracefs at rest (attributed)", "bytes", lambda x: a(x, "tracefs_bytes"))

    # 2. browsing the events tree, each state against the rest after boot
    for label, what in (("find", "after find events"), ("lsR", "after ls -lR events"),
                        ("formats", "after reading every format"), ("rest1", "at rest again")):
        row("2", what + ": involved", "bytes", lambda x: diff(m(x, "rest0"), m(x, label))["involved_bytes"],
            note=znote if label == "rest1" else "", zero=label == "rest1")
        if label != "rest1":
            row("2", what + ": dentries", "objects",
                lambda x: diff(m(x, "rest0"), m(x, label))["dentries"])
            row("2", what + ": inodes", "objects", lambda x: diff(m(x, "rest0"), m(x, label))["inodes"])
            row("2", what + ": kernfs nodes", "objects",
                lambda x: diff(m(x, "rest0"), m(x, label))["kernfs_nodes"])
    row("2", "after ls -lR events: SReclaimable", "bytes",
        lambda x: diff(m(x, "rest0"), m(x, "lsR"))["sreclaimable"])
    row("2", "at rest again: SUnreclaim", "bytes", lambda x: diff(m(x, "rest0"), m(x, "rest1"))["sunreclaim"],
        note="should be ~0 (whole pages)", zero="pages")
    row("2", "ls -lR: bytes per entry browsed", "bytes",
        lambda x: diff(m(x, "rest1"), m(x, "lsR"))["involved_bytes"]
        / (k[x]["counts"]["events_dirs"] + k[x]["counts"]["events_files"]))

    # 3. one instance (rest1 is the state just before mkdir)
    for label, what in (("inst_rest", "instance at rest"), ("inst_browsed", "instance browsed (ls -lR)"),
                        ("inst_rmdir", "after rmdir, at rest")):
        z = label == "inst_rmdir"
        row("3", what + ": involved", "bytes", lambda x: diff(m(x, "rest1"), m(x, label))["involved_bytes"],
            note=znote if z else "", zero=z)
        row("3", what + ": SUnreclaim", "bytes", lambda x: diff(m(x, "rest1"), m(x, label))["sunreclaim"],
            note="should be ~0 (whole pages)" if z else "", zero="pages" if z else False)
        if label != "inst_rmdir":
            row("3", what + ": dentries+inodes", "objects",
                lambda x: sum(diff(m(x, "rest1"), m(x, label))[c] for c in ("dentries", "inodes")))
            row("3", what + ": kernfs nodes", "objects",
                lambda x: diff(m(x, "rest1"), m(x, label))["kernfs_nodes"])
    if all("attr" in k[x] for x in both):
        row("3", "instance events tree at rest (attributed)", "bytes",
            lambda x: k[x]["attr"]["inst_rest"]["tree_bytes"] - k[x]["attr"]["rest"]["tree_bytes"])

    # 4. scaling, every point at rest
    synth = (("inst_rmdir", 0), ("synth1000", 1000), ("synth5000", 5000))
    inst = (("synth_cleared", 0), ("inst4", 4), ("inst16", 16))
    for key, unit in (("involved_bytes", "bytes"), ("sunreclaim", "bytes"), ("kernfs_nodes", "objects")):
        row("4", "per synthetic event: " + key, unit,
            lambda x: slope([(n, m(x, lab)[key]) for lab, n in synth]))
    for key, unit in (("involved_bytes", "bytes"), ("sunreclaim", "bytes"), ("kernfs_nodes", "objects")):
        row("4", "per instance: " + key, unit, lambda x: slope([(n, m(x, lab)[key]) for lab, n in inst]))
    row("4", "events removed: left over", "bytes",
        lambda x: diff(m(x, "inst_rmdir"), m(x, "synth_cleared"))["involved_bytes"], note=znote, zero=True)
    row("4", "instances removed: left over", "bytes",
        lambda x: diff(m(x, "synth_cleared"), m(x, "inst_cleared"))["involved_bytes"], note=znote, zero=True)

    # 5. latency: medians of the repeated runs
    labels = {
        "ls_lR_cold": "ls -lR events, cold dcache",
        "ls_lR_warm": "ls -lR events, warm (right after)",
        "find_enable_cold": "find events -name enable, cold",
        "formats_cold": "cat every format file, cold",
        "instance_mkdir_rmdir": "mkdir + rmdir of an instance",
        "plain_mkdir_rmdir": "mkdir + rmdir of a plain directory (/tmp)",
        "instance_mkdir": "mkdir of an instance",
        "instance_rmdir": "rmdir of an instance",
        "plain_mkdir": "mkdir of a plain directory (/tmp)",
        "plain_rmdir": "rmdir of a plain directory (/tmp)",
        "tracecmd_to_command": "trace-cmd record: start to first event",
        "tracecmd_total": "trace-cmd record: whole run",
    }
    ops = [op for op in k["stock"]["lat"] if not op.startswith("stats_")]
    for op in ops:
        row("5", labels.get(op, op), "ms", lambda x: statistics.median(k[x]["lat"][op]) if op in k[x]["lat"] else None,
            note="n=%d, spread %s" % (len(k["stock"]["lat"][op]),
                                      " / ".join(spread(k[x]["lat"].get(op, [])) for x in both)))

    def inst_own(x, op="mkdir_rmdir"):
        lat = k[x]["lat"]
        if "instance_" + op not in lat or "plain_" + op not in lat:
            return None
        return statistics.median(lat["instance_" + op]) - statistics.median(lat["plain_" + op])
    row("5", "mkdir + rmdir of an instance, less a plain directory's", "ms", inst_own,
        note="the kernel's work for the instance: the commands' own cost taken out")
    row("5", "  mkdir alone, less a plain directory's", "ms", lambda x: inst_own(x, "mkdir"),
        note="no grace period: the instance's own work")
    row("5", "  rmdir alone, less a plain directory's", "ms", lambda x: inst_own(x, "rmdir"),
        note="includes the grace periods of tracepoint_synchronize_unregister(), alike on both")

    # K. kernfs static-entry directories (the series' test filesystem; patched only)
    def kd(x, a, b, key, per=1):
        mm = k[x]["m"]
        return diff(mm[a], mm[b])[key] / per if a in mm and b in mm else None

    kn = "test filesystem of the series; stock has none"
    row("K", "static dir, 1,000 entries: created, kernfs nodes", "objects",
        lambda x: kd(x, "kst0", "kst_many", "kernfs_nodes"), note=kn)
    row("K", "static dir, 1,000 entries: created", "bytes", lambda x: kd(x, "kst0", "kst_many", "involved_bytes"))
    row("K", "static dir: ls -l, kernfs nodes", "objects",
        lambda x: kd(x, "kst_many", "kst_many_lsl", "kernfs_nodes"))
    row("K", "static dir: ls -l, per file", "bytes",
        lambda x: kd(x, "kst_many", "kst_many_lsl", "involved_bytes", 1000))
    row("K", "static dir: drop_caches, kernfs nodes left", "objects",
        lambda x: kd(x, "kst_many", "kst_many_rest", "kernfs_nodes"),
        "on-demand nodes must all go", zero=True)
    row("K", "static dir: drop_caches, bytes left", "bytes",
        lambda x: kd(x, "kst_many", "kst_many_rest", "involved_bytes"), znote, zero=True)
    row("K", "plain dir, 1,000 files: created, per file", "bytes",
        lambda x: kd(x, "kst_many_rest", "kst_plain", "involved_bytes", 1000))
    row("K", "plain dir: ls -l, per file", "bytes",
        lambda x: kd(x, "kst_plain", "kst_plain_lsl", "involved_bytes", 1000))
    # Per looked-up file without the kmalloc noise of ls itself: the
    # filesystem caches (dentry, inode, kernfs node) plus kernfs's idr
    # (radix_tree_node), which "involved" does not count.
    def kfs(x, a, b):
        sn = k[x]["snaps"]
        if a not in sn or b not in sn:
            return None
        idr = (sn[b].objs("radix_tree_node") - sn[a].objs("radix_tree_node")) \
            * sn[b].caches.get("radix_tree_node", (0, 0))[1]
        return (diff(k[x]["m"][a], k[x]["m"][b])["fs_bytes"] + idr) / 1000

    row("K", "looked-up file, fs caches + idr: static dir", "bytes",
        lambda x: kfs(x, "kst_many", "kst_many_lsl"),
        note="node, dentry, inode; nothing at rest")
    row("K", "looked-up file, fs caches + idr: plain dir", "bytes",
        lambda x: None if kfs(x, "kst_many_rest", "kst_plain") is None else
        kfs(x, "kst_many_rest", "kst_plain") + kfs(x, "kst_plain", "kst_plain_lsl"),
        note="created + ls -l")

    def lat(x, op):
        return statistics.median(k[x]["lat"][op]) if op in k[x]["lat"] else None

    # E. directories on demand: the test filesystem's events-shaped tree
    # (patched) beside stock eventfs's events tree from the same run
    def ev(x, stock, patched):
        if x == "stock":
            return stock()
        return patched() if "kst_tree0" in k[x]["m"] else None

    def tree_entries(x):
        c = k[x]["counts"]
        return c["kst_tree_dirs"] + c["kst_tree_files"]

    def ev_entries(x):
        c = k[x]["counts"]
        return c["events_dirs"] + c["events_files"]

    en = "stock: events/ (eventfs); patched: the test filesystem's tree, directories on demand"
    row("E", "directories", "count", lambda x: ev(
        x, lambda: k[x]["counts"].get("events_dirs"), lambda: k[x]["counts"].get("kst_tree_dirs")),
        note=en)
    row("E", "files", "count", lambda x: ev(
        x, lambda: k[x]["counts"].get("events_files"), lambda: k[x]["counts"].get("kst_tree_files")))
    if all("attr" in k[x] for x in both):
        row("E", "tree at rest", "bytes", lambda x: ev(
            x, lambda: k[x]["attr"]["rest"]["tree_bytes"],
            lambda: kd(x, "kst_tree0", "kst_tree_rest", "involved_bytes")),
            note="stock attributed; patched: involved slab after creation (rest-to-rest noise %s)"
            % "{:,}".format(noise))
        row("E", "  per directory", "bytes", lambda x: ev(
            x, lambda: k[x]["attr"]["rest"]["tree_bytes"] / k[x]["attr_counts"]["events_dirs"],
            lambda: kd(x, "kst_tree0", "kst_tree_rest", "involved_bytes",
                       k[x]["counts"]["kst_tree_dirs"])))
    row("E", "tree at rest: kernfs nodes", "objects", lambda x: ev(
        x, lambda: 0, lambda: kd(x, "kst_tree0", "kst_tree_rest", "kernfs_nodes")),
        note="the tree's own directory only")
    row("E", "after find: per entry", "bytes", lambda x: ev(
        x, lambda: diff(m(x, "rest0"), m(x, "find"))["involved_bytes"] / ev_entries(x),
        lambda: kd(x, "kst_tree_rest0", "kst_tree_find", "involved_bytes", tree_entries(x))))
    row("E", "after ls -lR: per entry browsed", "bytes", lambda x: ev(
        x, lambda: diff(m(x, "rest1"), m(x, "lsR"))["involved_bytes"] / ev_entries(x),
        lambda: kd(x, "kst_tree_rest0", "kst_tree_lsR", "involved_bytes", tree_entries(x))))
    row("E", "drop_caches: kernfs nodes left", "objects", lambda x: ev(
        x, lambda: 0, lambda: kd(x, "kst_tree_rest", "kst_tree_rest1", "kernfs_nodes")),
        note="on-demand nodes must all go", zero=True)
    row("E", "drop_caches: bytes left", "bytes", lambda x: ev(
        x, lambda: diff(m(x, "rest0"), m(x, "rest1"))["involved_bytes"],
        lambda: kd(x, "kst_tree_rest", "kst_tree_rest1", "involved_bytes")), znote, zero=True)
    row("E", "removed: bytes left", "bytes", lambda x: ev(
        x, lambda: diff(m(x, "rest1"), m(x, "inst_rmdir"))["involved_bytes"],
        lambda: kd(x, "kst_tree0", "kst_tree_removed", "involved_bytes")),
        "stock: an instance's mkdir + rmdir; " + znote, zero=True)
    row("E", "create + remove a whole tree", "ms", lambda x: ev(
        x, lambda: lat(x, "instance_mkdir_rmdir"), lambda: lat(x, "kst_tree_mkrm")),
        note="stock: mkdir + rmdir of an instance (ftrace's own work included)")

    # S. statsfs through its sample module (patched only): 100 objects plus a
    # hidden one, each a source; M extra values per source from one shared array
    sfs = "statsfs sample module: 102 sources (parent, 100 objects, 1 hidden); stock has none"
    row("S", "per source, M=1 extra value: kernfs nodes", "objects",
        lambda x: kd(x, "sfs0", "sfs_m1", "kernfs_nodes", 102), note=sfs)
    row("S", "per source, M=1 extra value: at rest", "bytes",
        lambda x: kd(x, "sfs0", "sfs_m1", "involved_bytes", 102))
    row("S", "per source, M=1,000 extra values: at rest", "bytes",
        lambda x: kd(x, "sfs_m1_gone", "sfs_m1000", "involved_bytes", 102),
        note="shared array, names and fields are outside slab")
    row("S", "per source: M=1,000 minus M=1", "bytes",
        lambda x: None if kd(x, "sfs0", "sfs_m1", "involved_bytes") is None else
        kd(x, "sfs_m1_gone", "sfs_m1000", "involved_bytes", 102)
        - kd(x, "sfs0", "sfs_m1", "involved_bytes", 102),
        note="the target: 0 (rest-to-rest noise %s bytes / 102)" % "{:,}".format(noise))
    row("S", "ls -l of a source with 1,005 values, per file", "bytes",
        lambda x: kd(x, "sfs_m1000", "sfs_m1000_lsl", "involved_bytes", 1006))
    row("S", "unloaded: bytes left", "bytes",
        lambda x: kd(x, "sfs0", "sfs_gone", "involved_bytes"), znote, zero=True)

    for n in (1, 100, 1000):
        row("S", "read an aggregate over %d sources" % (n + 1), "us",
            lambda x, n=n: None if lat(x, "sfs_agg_read_%d" % n) is None else
            lat(x, "sfs_agg_read_%d" % n) * 1000,
            note="n=%d, spread %s" % (len(k["patched"]["lat"].get("sfs_agg_read_%d" % n, [])),
                                      spread(k["patched"]["lat"].get("sfs_agg_read_%d" % n, []))))
    row("S", "aggregate read: per source folded", "us",
        lambda x: None if lat(x, "sfs_agg_read_1000") is None else
        (lat(x, "sfs_agg_read_1000") - lat(x, "sfs_agg_read_1")) * 1000 / 999,
        note="slope of the medians, 2 to 1,001 sources")
    row("S", "all 1,005 values of a source: one file each", "ms", lambda x: lat(x, "sfs_obj_files"))
    row("S", "all 1,005 values of a source: .values", "ms", lambda x: lat(x, "sfs_obj_bulk"),
        note="one open and read")

    # 6. statistics: stock through KVM's debugfs, patched through statsfs (empty until it exists)
    def has_stats(x):
        return x == "stock" or str(k[x]["counts"].get("stats_source", "")).startswith("/sys/kernel/stats")

    def srow(metric, unit, fn, note=""):
        t.add("6", metric, unit, *(fn(x) if has_stats(x) and "kvm0" in k[x]["m"] else None for x in both),
              note)

    sn = "both: KVM's debugfs files; patched: statsfs too"
    srow("per VM: dentries+inodes", "objects",
         lambda x: sum(diff(m(x, "kvm0"), m(x, "kvm16vm"))[c] for c in ("dentries", "inodes")) / 16,
         note=sn)
    srow("per VM: filesystem caches", "bytes", lambda x: diff(m(x, "kvm0"), m(x, "kvm16vm"))["fs_bytes"] / 16)
    srow("per VM: all slab", "bytes", lambda x: diff(m(x, "kvm0"), m(x, "kvm16vm"))["slab"] / 16)
    srow("per vCPU: dentries+inodes", "objects",
         lambda x: sum(diff(m(x, "kvm16vm"), m(x, "kvm16vm4cpu"))[c] for c in ("dentries", "inodes")) / 64)
    srow("per vCPU: filesystem caches", "bytes",
         lambda x: diff(m(x, "kvm16vm"), m(x, "kvm16vm4cpu"))["fs_bytes"] / 64)
    srow("per vCPU: all slab", "bytes", lambda x: diff(m(x, "kvm16vm"), m(x, "kvm16vm4cpu"))["slab"] / 64)
    for n in (1, 16, 64):
        op = "stats_read_%dvm" % n
        srow("read every aggregate, %d VMs x 4 vCPUs" % n, "ms",
             lambda x: statistics.median(k[x]["lat"][op]) if op in k[x]["lat"] else None,
             note="%s files" % k["stock"]["counts"].get("stats_files", "?"))

    # statsfs's own cost. KVM's debugfs files stay in both kernels, so what
    # statsfs adds is the patched kernel's slab per VM (vCPU) minus stock's,
    # in every cache; it is set against what KVM's debugfs statistics cost
    # on stock (dentries, inodes: the filesystem caches).
    def per(x, a, b, key, n):
        return diff(m(x, a), m(x, b))[key] / n

    if all("kvm16vm4cpu" in k[x]["m"] for x in both) and has_stats("patched"):
        t.add("6", "per VM: statsfs (patched - stock slab) vs debugfs (stock fs caches)", "bytes",
              per("stock", "kvm0", "kvm16vm", "fs_bytes", 16),
              per("patched", "kvm0", "kvm16vm", "slab", 16) - per("stock", "kvm0", "kvm16vm", "slab", 16),
              "target <= 0.1x; 16 VMs")
        t.add("6", "per vCPU: statsfs (patched - stock slab) vs debugfs (stock fs caches)", "bytes",
              per("stock", "kvm16vm", "kvm16vm4cpu", "fs_bytes", 64),
              per("patched", "kvm16vm", "kvm16vm4cpu", "slab", 64) -
              per("stock", "kvm16vm", "kvm16vm4cpu", "slab", 64),
              "target <= 0.25x; 64 vCPUs, a directory debugfs does not have")

    # telemetry: every statistic of 64 VMs x 4 vCPUs
    def tel(x, op):
        return lat(x, op)

    pc, sc = k["patched"]["counts"], k["stock"]["counts"]
    t.add("6", "every statistic, 64 VMs x 4 vCPUs: statsfs .values vs debugfs files", "ms",
          tel("stock", "stats_all_debugfs"), tel("patched", "stats_all_statsfs"),
          "stock: %s debugfs files (no per-vCPU values); patched: %s .values reads (VMs, vCPUs)"
          % (sc.get("stats_all_debugfs_reads", "?"), pc.get("stats_all_statsfs_reads", "?")))
    t.add("6", "every statistic, 64 VMs x 4 vCPUs: statsfs .values vs binary stats fds", "ms",
          tel("stock", "stats_all_fds"), tel("patched", "stats_all_statsfs"),
          "stock: pread of 320 open stats fds (kvm_hold); patched: statsfs")
    row("6", "every statistic, 64 VMs x 4 vCPUs: binary stats fds", "ms",
        lambda x: tel(x, "stats_all_fds"), note="the same ABI in both kernels")
    row("6", "every statistic, 64 VMs x 4 vCPUs: debugfs files", "ms",
        lambda x: tel(x, "stats_all_debugfs"), note="KVM's debugfs, kept in both kernels")
    return t, k


def plots(k, out):
    """Data files and a gnuplot script; returns the PNGs written."""
    def dat(name, rows):
        with open(os.path.join(out, name), "w") as f:
            for r in rows:
                f.write(" ".join(str(v) for v in r) + "\n")

    both = ("stock", "patched")
    dat("scaling-events.dat", [(n, *(k[x]["m"][lab]["involved_bytes"] / 1024 for x in both))
                               for lab, n in (("inst_rmdir", 0), ("synth1000", 1000), ("synth5000", 5000))])
    dat("scaling-instances.dat", [(n, *(k[x]["m"][lab]["involved_bytes"] / 1024 for x in both))
                                  for lab, n in (("synth_cleared", 0), ("inst4", 4), ("inst16", 16))])
    states = ("find", "lsR", "formats", "rest1")
    dat("browse.dat", [('"%s"' % s, *((k[x]["m"][s]["involved_bytes"] - k[x]["m"]["rest0"]["involved_bytes"])
                                      / 1024 for x in both)) for s in states])
    ops = [op for op in k["stock"]["lat"] if op in k["patched"]["lat"] and not op.startswith("stats_")]
    dat("latency.dat", [('"%s"' % op, *(statistics.median(k[x]["lat"][op]) for x in both)) for op in ops])
    gp = """set terminal pngcairo size 900,520 noenhanced
set grid
set key top left
set output '{o}/scaling.png'
set multiplot layout 1,2 title 'Involved slab at rest (KiB)'
set xlabel 'synthetic events'
plot '{o}/scaling-events.dat' u 1:2 w lp pt 6 ps 2 t 'stock', '' u 1:3 w lp pt 2 ps 2 t 'patched'
set xlabel 'instances'
plot '{o}/scaling-instances.dat' u 1:2 w lp pt 6 ps 2 t 'stock', '' u 1:3 w lp pt 2 ps 2 t 'patched'
unset multiplot
set style data histograms
set style fill solid 0.8 border -1
set xtics rotate by -30
set xlabel ''
set output '{o}/browse.png'
set title 'events tree: involved slab over the rest level (KiB)'
plot '{o}/browse.dat' u 2:xtic(1) t 'stock', '' u 3 t 'patched'
set output '{o}/latency.png'
set title 'latency, median of repeated runs (ms)'
plot '{o}/latency.dat' u 2:xtic(1) t 'stock', '' u 3 t 'patched'
""".format(o=out)
    with open(os.path.join(out, "plots.gp"), "w") as f:
        f.write(gp)
    subprocess.run(["gnuplot", os.path.join(out, "plots.gp")], check=True)
    return ["scaling.png", "browse.png", "latency.png"]


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--stock", required=True, help="raw data of the stock kernel (main pass)")
    ap.add_argument("--patched", required=True, help="raw data of the patched kernel (main pass)")
    ap.add_argument("--stock-attr", help="attribution pass of the stock kernel")
    ap.add_argument("--patched-attr", help="attribution pass of the patched kernel")
    ap.add_argument("--out", required=True)
    ap.add_argument("--no-plots", action="store_true")
    ap.add_argument("--title", default="", help="a line that heads results.txt")
    args = ap.parse_args()
    bad = check_runs([d for d in (args.stock, args.patched, args.stock_attr, args.patched_attr) if d])
    if bad:
        print("\n".join(bad), file=sys.stderr)
        print("bench: refusing to report runs that did not go as written", file=sys.stderr)
        return 1
    os.makedirs(args.out, exist_ok=True)
    t, k = build(args)
    text = t.text()
    bd = {}
    for ref, label, what in (("rest1", "inst_rest", "one instance at rest"),
                             ("rest1", "lsR", "after ls -lR events")):
        bd[label] = breakdown(k, ref, label)
        text += "\n\nper cache, %s (objects, bytes; caches that moved 4 KiB or more)\n" % what
        text += "%-22s %10s %12s %10s %12s\n" % ("cache", "stock", "", "patched", "")
        text += "\n".join("%-22s %10s %12s %10s %12s" % (c, *("{:,}".format(v) for v in vals))
                           for c, *vals in bd[label])
    with open(os.path.join(args.out, "results.txt"), "w") as f:
        f.write((args.title + "\n\n" if args.title else "") + text + "\n")
    with open(os.path.join(args.out, "results.csv"), "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=["scenario", "metric", "unit", "stock", "patched", "ratio", "note"])
        w.writeheader()
        w.writerows(t.rows)
    raw = {x: {"snapshots": k[x]["m"], "counts": k[x]["counts"], "latency_ms": k[x]["lat"],
               "attribution": k[x].get("attr")} for x in ("stock", "patched")}
    with open(os.path.join(args.out, "results.json"), "w") as f:
        json.dump({"rows": t.rows, "breakdown": bd, "raw": raw}, f, indent=1, sort_keys=True)
    print(text)
    if not args.no_plots:
        pngs = plots(k, args.out)
        print("\nraw data and plots in %s: results.csv results.json %s" % (args.out, " ".join(pngs)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
