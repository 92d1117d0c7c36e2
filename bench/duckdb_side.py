#!/usr/bin/env python3
"""The DuckDB side of factsh-bench: load a generated CSV folder into an in-memory DuckDB database
and ask it the benchmark's six questions.

    pip install duckdb
    python3 bench/duckdb_side.py DATA_DIR [--runs 5] [--q5-runs 1] [--q5-depth 4]
                                          [--load-runs 3] [--timeout 600]

DATA_DIR holds the six CSV files and params.json (the questions' parameters). Prints one JSON
object on one line, in the shape of factsh-bench's SideResult (Sources/factsh-bench/Questions.swift):

    loadRuns    seconds of each load (CREATE TABLE ... AS SELECT * FROM read_csv(...) for each of
                the six files, no indexes); the first in this process, the others in processes
                that only load
    peakBytes   this process's peak RSS after the questions, Python and the duckdb module
                included (VmHWM; getrusage's ru_maxrss is in reference.ruMaxrssMB, see peak_bytes)
    times       {"Q1": [seconds of each timed run], ...}: time.perf_counter around
                con.execute(sql).fetchall()
    rows        {"Q1": [[values as strings]], ...}: the rows of the first run, for the checks
    timedOut    questions interrupted by (or not started before) the time-out
    errors      {"Q5": "message", "load": ...}
    reference   strings: DuckDB version, threads, peak RSS after the loads and after importing
                duckdb, the extra time and memory of the same ART indexes as sqlite3's

factsh-bench runs this script as a child process when `python3 -c 'import duckdb'` works, and
passes --q5-depth, the length of the shortest path that factsh found (see bench/README.md).
"""

import argparse
import json
import os
import resource
import signal
import subprocess
import sys
import threading
import time

TABLES = ["provinces", "cities", "departments", "honors", "enterprises", "awards"]
QUESTIONS = ["Q1", "Q2", "Q3", "Q4", "Q5", "Q6"]

# The same indexes as SQLiteSide.swift's, as DuckDB ART indexes. They are not used for the
# questions (see load_only): DuckDB's documentation recommends ART indexes only for point and
# very highly selective lookups, and its joins do not use them; DuckDB users do not build them
# for queries like these.
ART_INDEXES = [
    "CREATE UNIQUE INDEX provinces_name ON provinces(name)",
    "CREATE UNIQUE INDEX cities_name ON cities(name)",
    "CREATE INDEX cities_province ON cities(province)",
    "CREATE UNIQUE INDEX departments_name ON departments(name)",
    "CREATE UNIQUE INDEX honors_name ON honors(name)",
    "CREATE UNIQUE INDEX enterprises_name ON enterprises(name)",
    "CREATE INDEX enterprises_city ON enterprises(city)",
    "CREATE INDEX awards_enterprise ON awards(enterprise)",
    "CREATE INDEX awards_honor_year ON awards(honor, year)",
    "CREATE INDEX awards_recommended_by ON awards(recommended_by)",
    "CREATE INDEX honors_issuer ON honors(issuer)",
    "CREATE INDEX departments_city ON departments(city)",
]


def lit(s):
    """An SQL string literal."""
    return "'" + s.replace("'", "''") + "'"


def questions(p, depth):
    """The SQL of Questions.swift's `sql(_:depth:)`, word for word except Q5: DuckDB allows one
    recursive reference in a recursive CTE's step, so SQLite's four recursive SELECTs (a SQLite
    extension) are one step over a subquery that unions the same four joins. It finds the same
    (node, depth) rows with the same UNION de-duplication and the same depth bound."""
    d = depth
    return {
        "Q1": "SELECT a.enterprise,a.honor,a.year FROM awards a JOIN enterprises e ON e.name=a.enterprise "
              f"WHERE e.city={lit(p['q1_city'])};",
        "Q2": "SELECT e.city, count(*) AS n FROM awards a JOIN enterprises e ON e.name=a.enterprise "
              "GROUP BY e.city ORDER BY n DESC, e.city;",
        "Q3": f"SELECT enterprise,honor,year FROM awards WHERE honor={lit(p['q3_honor'])} "
              f"AND year>={p['q3_year']} ORDER BY year DESC LIMIT 20;",
        "Q4": "SELECT e.name, e.city, c.province, e.industry, a.honor, a.year, a.edition, a.recommended_by "
              "FROM enterprises e JOIN cities c ON c.name=e.city LEFT JOIN awards a ON a.enterprise=e.name "
              f"WHERE e.name={lit(p['q4_enterprise'])};",
        "Q5": f"WITH RECURSIVE bfs(node, depth) AS (VALUES({lit(p['q5_src'])}, 0) "
              "UNION SELECT * FROM ("
              f"SELECT a.honor, b.depth+1 FROM bfs b JOIN awards a ON a.enterprise=b.node WHERE b.depth<{d} "
              f"UNION SELECT a.enterprise, b.depth+1 FROM bfs b JOIN awards a ON a.honor=b.node WHERE b.depth<{d} "
              f"UNION SELECT e.city, b.depth+1 FROM bfs b JOIN enterprises e ON e.name=b.node WHERE b.depth<{d} "
              f"UNION SELECT e.name, b.depth+1 FROM bfs b JOIN enterprises e ON e.city=b.node WHERE b.depth<{d})) "
              f"SELECT min(depth) FROM bfs WHERE node={lit(p['q5_dst'])};",
        "Q6": f"SELECT count(*) FROM enterprises WHERE name LIKE '%{p['q6_substring']}%';",
    }


def peak_bytes():
    """This process's peak RSS: VmHWM of /proc/self/status, else getrusage's ru_maxrss.

    Linux carries ru_maxrss across fork and exec: a child's RUSAGE_SELF ru_maxrss starts at its
    parent's peak (the extra load processes below would report this one's). VmHWM belongs to
    the process's own address space, which exec makes new; when the parent's peak is below this
    process's, the two agree."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024   # Linux: KiB


def mb(b):
    return str(round(b / 1048576))


def connect():
    import duckdb
    return duckdb, duckdb.connect(":memory:", config={"threads": 2})


def load(con, data):
    """Seconds to create the six tables from the CSV files (types by DuckDB's CSV sniffer:
    year and edition become BIGINT, the rest VARCHAR)."""
    t0 = time.perf_counter()
    for t in TABLES:
        path = os.path.join(data, t + ".csv")
        con.execute(f"CREATE TABLE {t} AS SELECT * FROM read_csv({lit(path)})")
    return time.perf_counter() - t0


def load_only(data, indexes):
    """One load in a fresh process (the extra load runs); with `indexes`, then the ART indexes."""
    _, con = connect()
    out = {"load": load(con, data)}
    if indexes:
        t0 = time.perf_counter()
        for stmt in ART_INDEXES:
            con.execute(stmt)
        out["indexSeconds"] = time.perf_counter() - t0
    out["peakBytes"] = peak_bytes()
    print(json.dumps(out))


def text(v):
    return "" if v is None else str(v)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("data", help="the CSV folder (with params.json)")
    ap.add_argument("--params", help="params.json; default DATA/params.json")
    ap.add_argument("--runs", type=int, default=5, help="timed runs of each question (median shown); default 5")
    ap.add_argument("--q5-runs", type=int, default=1, help="timed runs of Q5; default 1")
    ap.add_argument("--q5-depth", type=int, default=4,
                    help="Q5's breadth-first bound, the true shortest length (factsh-bench passes factsh's); default 4")
    ap.add_argument("--load-runs", type=int, default=3,
                    help="loads: one here, the others in processes that only load (the last also builds ART indexes); default 3")
    ap.add_argument("--timeout", type=float, default=600,
                    help="seconds for this process (load and questions): the running statement is interrupted and "
                         "reported as a time-out, later questions too; default 600")
    ap.add_argument("--load-only", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--indexes", action="store_true", help=argparse.SUPPRESS)
    a = ap.parse_args()
    data = os.path.abspath(a.data)
    if a.load_only:
        load_only(data, a.indexes)
        return

    started = time.monotonic()
    with open(a.params or os.path.join(data, "params.json"), encoding="utf-8") as f:
        params = json.load(f)
    r = {"loadRuns": [], "times": {}, "rows": {}, "timedOut": [], "errors": {}, "reference": {}}
    duckdb, con = connect()
    ref = r["reference"]
    ref["version"] = duckdb.__version__
    ref["threads"] = text(con.execute("SELECT current_setting('threads')").fetchone()[0])
    ref["indexes"] = "none"
    ref["peakAfterImportMB"] = mb(peak_bytes())

    # The time-out: at the deadline (or on SIGINT, which factsh-bench sends when its own limit
    # passes) the running statement is interrupted; questions not yet started are not run.
    expired = threading.Event()

    def expire(*_):
        expired.set()
        con.interrupt()

    timer = threading.Timer(max(0.0, a.timeout - (time.monotonic() - started)), expire)
    timer.daemon = True
    timer.start()
    signal.signal(signal.SIGINT, expire)

    try:
        r["loadRuns"].append(load(con, data))
    except Exception as e:                                   # noqa: BLE001 (reported, not hidden)
        r["errors"]["load"] = ("time-out: " if expired.is_set() else "") + str(e)
    ref["peakAfterLoadMB"] = mb(peak_bytes())

    if "load" not in r["errors"]:
        sql = questions(params, a.q5_depth)
        for q in QUESTIONS:
            if expired.is_set():
                r["timedOut"].append(q)
                continue
            # Fast questions: one untimed run gives the rows (and warms up), then the timed runs.
            # Q5 is slow: every run is timed and the first one's rows are kept, as on sqlite3's side.
            n = a.q5_runs if q == "Q5" else a.runs
            untimed = 0 if q == "Q5" else 1
            try:
                for i in range(untimed + n):
                    t0 = time.perf_counter()
                    rows = con.execute(sql[q]).fetchall()
                    t = time.perf_counter() - t0
                    if i == 0:
                        r["rows"][q] = [[text(v) for v in row] for row in rows]
                    if i >= untimed:
                        r["times"].setdefault(q, []).append(t)
            except Exception as e:                           # noqa: BLE001
                if expired.is_set() or type(e).__name__ == "InterruptException":
                    r["timedOut"].append(q)
                else:
                    r["errors"][q] = str(e).splitlines()[0] if str(e) else type(e).__name__
    timer.cancel()
    ref["peakAfterQueriesMB"] = mb(peak_bytes())
    r["peakBytes"] = peak_bytes()
    ref["ruMaxrssMB"] = mb(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)
    ref["secondsUsed"] = "%.1f" % (time.monotonic() - started)
    del con

    # The other load runs, each in a fresh process that only loads (so that this process's
    # peak RSS is one load's and the questions'); the last one then builds the ART indexes.
    if r["loadRuns"]:
        extra = max(1, a.load_runs) - 1
        for i in range(extra):
            argv = [sys.executable, os.path.abspath(__file__), data, "--load-only"]
            if i == extra - 1:
                argv.append("--indexes")
            p = subprocess.run(argv, capture_output=True, text=True)
            try:
                o = json.loads(p.stdout.strip().splitlines()[-1])
            except (ValueError, IndexError):
                r["errors"]["load-run"] = (p.stderr or p.stdout).strip()[-300:]
                continue
            r["loadRuns"].append(o["load"])
            if "indexSeconds" in o:
                ref["artIndexSeconds"] = "%.2f" % o["indexSeconds"]
                ref["artPeakMB"] = mb(o["peakBytes"])
    print(json.dumps(r, ensure_ascii=False))


if __name__ == "__main__":
    main()
