#!/usr/bin/env python3
"""The DuckDB side of factsh-bench: load a generated CSV folder into an in-memory DuckDB database
and ask it the benchmark's questions.

    pip install duckdb
    python3 bench/duckdb_side.py DATA_DIR --questions QUESTIONS.json [--load-runs 3]
                                 [--timeout 600] [--question-timeout 120]
    python3 bench/duckdb_side.py DATA_DIR --stream MARKER      # Q14's pipe run (see below)

DATA_DIR holds the six CSV files. QUESTIONS.json is written by factsh-bench (the SQL lives in one
place, Sources/factsh-bench/Questions.swift):

    {"questions": [{"id": "Q1", "sql": "...", "runs": 5, "warmup": true, "silent": false, "pinyin": false}, ...],
     "checks":    [{"key": "Q12.hist", "sql": "..."}, ...],
     "pinyin":    "/path/name_pinyin.csv"}

Each question with "warmup" is run once untimed (its rows are kept), then "runs" timed runs; a
question without it (Q5, Q14) has only timed runs, the first one's rows kept. Then each check is
run once. Questions with "pinyin" (Q13) come last, after the peak memory is read: they search
name_pinyin.csv (a pinyin column SQL cannot compute), loaded just before them.

Prints one JSON object on one line, in the shape of factsh-bench's SideResult
(Sources/factsh-bench/Questions.swift):

    loadRuns    seconds of each load (CREATE TABLE ... AS SELECT * FROM read_csv(...) for each of
                the six files, no indexes); the first in this process, the others in processes
                that only load
    firstRun    {"Q1": seconds of the untimed first run}
    peakBytes   this process's peak RSS after the questions, Python and the duckdb module
                included (VmHWM; see peak_bytes)
    times       {"Q1": [seconds of each timed run], ...}: time.perf_counter around
                con.execute(sql).fetchall()
    rows        {"Q1": [[values as strings]], "Q12.hist": ...}: the rows of the first run and of
                each check
    timedOut    questions and checks interrupted by their time-out (or not started before the
                whole run's time-out)
    errors      {"Q5": "message", "load": ...}
    reference   strings: DuckDB version, threads, peak RSS after the loads and after importing
                duckdb, the extra time and memory of the same ART indexes as sqlite3's

--stream MARKER loads the folder, writes MARKER (a file), waits for a line on standard input, then runs
COPY (SELECT * FROM awards) TO '/dev/stdout' (FORMAT csv, HEADER), and prints its peak RSS as
JSON on standard error: factsh-bench reads the rows through a pipe and hashes them.
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
    out["peakBytes"] = peak_bytes()
    if indexes:
        t0 = time.perf_counter()
        for stmt in ART_INDEXES:
            con.execute(stmt)
        out["indexSeconds"] = time.perf_counter() - t0
        out["indexPeakBytes"] = peak_bytes()
    print(json.dumps(out))


def stream(data, marker):
    """Q14's pipe run: load, say so through `marker`, write every award as CSV to stdout."""
    _, con = connect()
    load(con, data)
    out = {"loadPeakBytes": peak_bytes()}
    with open(marker + ".tmp", "w") as f:
        f.write("ready\n")
    os.rename(marker + ".tmp", marker)
    sys.stdout.flush()
    sys.stdin.readline()        # factsh-bench says when it is reading
    t0 = time.perf_counter()
    con.execute("COPY (SELECT * FROM awards) TO '/dev/stdout' (FORMAT csv, HEADER)")
    out["seconds"] = time.perf_counter() - t0
    out["peakBytes"] = peak_bytes()
    print(json.dumps(out), file=sys.stderr)


def text(v):
    return "" if v is None else str(v)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("data", help="the CSV folder")
    ap.add_argument("--questions", help="the questions' SQL, written by factsh-bench")
    ap.add_argument("--load-runs", type=int, default=3,
                    help="loads: one here, the others in processes that only load (the last also builds ART indexes); default 3")
    ap.add_argument("--timeout", type=float, default=600,
                    help="seconds for this process (load and questions): the running statement is interrupted and "
                         "reported as a time-out, later questions too; default 600")
    ap.add_argument("--question-timeout", type=float, default=120,
                    help="seconds for all the runs of one question, and for each check; default 120")
    ap.add_argument("--stream", metavar="MARKER", help=argparse.SUPPRESS)
    ap.add_argument("--load-only", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--indexes", action="store_true", help=argparse.SUPPRESS)
    a = ap.parse_args()
    data = os.path.abspath(a.data)
    if a.load_only:
        load_only(data, a.indexes)
        return
    if a.stream:
        stream(data, a.stream)
        return
    if not a.questions:
        ap.error("--questions is required (factsh-bench writes it)")

    started = time.monotonic()
    with open(a.questions, encoding="utf-8") as f:
        spec = json.load(f)
    r = {"loadRuns": [], "times": {}, "firstRun": {}, "rows": {}, "timedOut": [], "errors": {}, "reference": {}}
    duckdb, con = connect()
    ref = r["reference"]
    ref["version"] = duckdb.__version__
    ref["threads"] = text(con.execute("SELECT current_setting('threads')").fetchone()[0])
    ref["indexes"] = "none"
    ref["peakAfterImportMB"] = mb(peak_bytes())

    # The whole run's time-out: at the deadline (or on SIGINT, which factsh-bench sends when its
    # own limit passes) the running statement is interrupted; questions not yet started are not run.
    expired = threading.Event()

    def expire(*_):
        expired.set()
        con.interrupt()

    timer = threading.Timer(max(0.0, a.timeout - (time.monotonic() - started)), expire)
    timer.daemon = True
    timer.start()
    signal.signal(signal.SIGINT, expire)

    # One question's time-out: the running statement is interrupted, the question goes on record
    # as timed out if no run finished, and the next question starts.
    question_expired = threading.Event()

    def expire_question():
        question_expired.set()
        con.interrupt()

    def guarded(key, statements):
        """Runs `statements` (a generator of callables) under one question time-out."""
        question_expired.clear()
        qt = threading.Timer(a.question_timeout, expire_question)
        qt.daemon = True
        qt.start()
        try:
            for run in statements:
                if question_expired.is_set():
                    break
                run()
        except Exception as e:                               # noqa: BLE001 (reported, not hidden)
            if expired.is_set() or question_expired.is_set() or type(e).__name__ == "InterruptException":
                # A question with a finished timed run keeps its times; a check needs its rows.
                done = key in r["rows"] if "." in key else bool(r["times"].get(key))
                if not done:
                    r["timedOut"].append(key)
            else:
                r["errors"][key] = str(e).splitlines()[0] if str(e) else type(e).__name__
        finally:
            qt.cancel()

    try:
        r["loadRuns"].append(load(con, data))
    except Exception as e:                                   # noqa: BLE001
        r["errors"]["load"] = ("time-out: " if expired.is_set() else "") + str(e)
    ref["peakAfterLoadMB"] = mb(peak_bytes())

    def ask(questions):
        for q in questions:
            qid = q["id"]
            if expired.is_set():
                r["timedOut"].append(qid)
                continue
            warmup = 1 if q.get("warmup") else 0

            def runs(q=q, qid=qid, warmup=warmup):
                for i in range(warmup + q["runs"]):
                    def one(i=i):
                        t0 = time.perf_counter()
                        rows = con.execute(q["sql"]).fetchall()
                        t = time.perf_counter() - t0
                        if i == 0:
                            r["rows"][qid] = [] if q.get("silent") else [[text(v) for v in row] for row in rows]
                            if warmup:
                                r["firstRun"][qid] = t
                        if i >= warmup:
                            r["times"].setdefault(qid, []).append(t)
                    yield one
            guarded(qid, runs())

    if "load" not in r["errors"]:
        ask([q for q in spec["questions"] if not q.get("pinyin")])
    # The peak of the data and the questions (as factsh's); the checks and Q13's pinyin table
    # (not part of the data) come after.
    ref["peakAfterQueriesMB"] = mb(peak_bytes())
    r["peakBytes"] = peak_bytes()
    if "load" not in r["errors"]:
        for c in spec.get("checks", []):
            if expired.is_set():
                r["timedOut"].append(c["key"])
                continue

            def check(c=c):
                def one():
                    r["rows"][c["key"]] = [[text(v) for v in row] for row in con.execute(c["sql"]).fetchall()]
                yield one
            guarded(c["key"], check())
    ref["peakAfterChecksMB"] = mb(peak_bytes())
    pinyin = [q for q in spec["questions"] if q.get("pinyin")]
    if "load" not in r["errors"] and pinyin:
        try:
            con.execute(f"CREATE TABLE name_pinyin AS SELECT * FROM read_csv({lit(spec['pinyin'])}, all_varchar=true)")
            ask(pinyin)
        except Exception as e:                               # noqa: BLE001
            for q in pinyin:
                r["errors"][q["id"]] = "name_pinyin: " + str(e).splitlines()[0]
    timer.cancel()
    ref["ruMaxrssMB"] = mb(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)
    ref["secondsUsed"] = "%.1f" % (time.monotonic() - started)
    del con

    # The other load runs, each in a fresh process that only loads (so that this process's
    # peak RSS is one load's and the questions'); the last one then builds the ART indexes.
    if r["loadRuns"]:
        extra = max(1, a.load_runs) - 1
        load_peaks = []
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
            load_peaks.append(o["peakBytes"])
            if "indexSeconds" in o:
                ref["artIndexSeconds"] = "%.2f" % o["indexSeconds"]
                ref["artPeakMB"] = mb(o["indexPeakBytes"])
        if load_peaks:
            ref["loadOnlyPeakMB"] = mb(max(load_peaks))
            ref["loadOnlyPeakBytes"] = str(max(load_peaks))
    print(json.dumps(r, ensure_ascii=False))


if __name__ == "__main__":
    main()
