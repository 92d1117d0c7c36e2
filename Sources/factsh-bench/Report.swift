import Foundation

/// The markdown report: a table of times and memory on the three sides, a table of the issue's
/// targets (each with whether it holds, and whether it holds with a 2× margin), and a table of
/// answer checks (do sqlite3 and DuckDB give factsh's answers?).
struct Report {
    let scale: Int
    let seed: Int
    let runs: Int
    let q5Runs: Int
    let loadRuns: Int
    let timeout: Double
    let questionTimeout: Double
    let date: String
    let sqlite: SideResult
    let factsh: SideResult
    /// nil when DuckDB did not run (`--no-duckdb`, or `duckdbSkipped` says why).
    let duckdb: SideResult?
    let duckdbSkipped: String?
    let factshStream: StreamResult?
    let startup: Startup.Result
    let firstRows: FirstRows.Result?
    /// The first rows of `Questions.otherShapes`, from a factsh process of their own.
    let otherShapes: FirstRows.Result?

    /// factsh's peak memory: the factsh process that loads once and answers every question (the
    /// first-rows one); the benchmark's engine child only when that one did not run.
    var factshPeak: Int? { firstRows?.peakBytes ?? factsh.peakBytes }
    let questions: Questions
    let pinyinRows: Int
    /// factsh-bench's own peak RSS before it ran the measured processes: the floor of their
    /// `wait4` peaks (Linux starts a spawned child's `ru_maxrss` at its parent's peak).
    let benchPeakBytes: Int

    static func ratio(_ r: Double) -> String {
        r < 0.01 ? String(format: "%.4f", r) : r < 10 ? String(format: "%.3f", r) : String(format: "%.1f", r)
    }

    // MARK: values

    /// factsh's time for `q`: the median of the timed runs, else the first run alone.
    func factshTime(_ q: String) -> Double? {
        if q == "Q14" { return factshStream.flatMap { $0.seconds.isEmpty ? nil : SideResult.median($0.seconds) } }
        return factsh.median(q) ?? factsh.firstRun[q]
    }

    func peerTime(_ side: SideResult?, _ q: String) -> Double? {
        guard let side else { return nil }
        if q == "Q14" { return side.stream.flatMap { $0.seconds.isEmpty ? nil : SideResult.median($0.seconds) } }
        return side.timedOut.contains(q) || side.errors[q] != nil ? nil : side.median(q)
    }

    /// What stands in a cell instead of a time.
    func note(_ side: SideResult?, _ q: String, _ name: String) -> String? {
        guard let side else { return "—" }
        if side.timedOut.contains(q) || (q == "Q14" && side.stream?.timedOut == true) {
            return name == "factsh" ? "time-out (> \(Int(questionTimeout)) s)" : "time-out"
        }
        if let e = side.errors[q] ?? side.errors["load"] ?? side.errors["process"] { return "error: \(e.prefix(40))" }
        return nil
    }

    var factshNoteStream: String? {
        guard let s = factshStream else { return "not run" }
        if s.timedOut { return "time-out (> \(Int(questionTimeout)) s)" }
        if let e = s.error, s.seconds.isEmpty { return "error: \(e.prefix(40))" }
        return nil
    }

    // MARK: targets

    struct Target {
        let what: String
        /// For the totals line ("Q7 ≤ peer").
        var short: String {
            if what.hasSuffix(": at least as fast as the faster peer") { return String(what.split(separator: " ")[0]) + " ≤ peer" }
            if what.hasPrefix("Q15") { return "Q15 ≤ sqlite3" }
            if what.hasPrefix("Q13") { return String(what.split(separator: " ")[0]) + " < 50 ms" }
            if what.hasPrefix("Q14 streaming") { return "Q14 peak ≤ 1/3" }
            if what.hasPrefix("first rows") { return "first rows < 100 ms" }
            if what.hasPrefix("peak") { return "peak ≤ 1/3" }
            if what.hasPrefix("load ≤") { return "load ≤ 1/10 sqlite3" }
            if what.hasPrefix("load no") { return "load ≤ DuckDB" }
            if what.hasPrefix("Q2") { return "Q2 ≤ 1/30 sqlite3" }
            if what.hasPrefix("Q5") { return "Q5 < 10 ms" }
            return what
        }
        /// factsh's measure and what it is held against, as text.
        let measured: String
        let value: Double?
        let bound: Double
        let boundText: String
        /// Why there is no value (time-out, error), if there is none.
        var missing: String? = nil

        var holds: Bool? { value.map { $0 <= bound } }
        var withMargin: Bool? { value.map { $0 <= bound / 2 } }
    }

    func targets() -> [Target] {
        var t: [Target] = []
        func faster(_ q: String) -> (Double, String)? {
            let s = peerTime(sqlite, q), d = peerTime(duckdb, q)
            switch (s, d) {
            case let (s?, d?): return s <= d ? (s, "sqlite3") : (d, "DuckDB")
            case let (s?, nil): return (s, "sqlite3")
            case let (nil, d?): return (d, "DuckDB")
            default: return nil
            }
        }
        func fNote(_ q: String) -> String? { q == "Q14" ? factshNoteStream : note(factsh, q, "factsh") }
        for q in ["Q1", "Q2", "Q3", "Q4", "Q5", "Q6", "Q7", "Q8", "Q9", "Q10", "Q11", "Q12", "Q14"] {
            let title = questions.question(q, depth: 0).title
            let f = factshTime(q)
            if let f, let (p, who) = faster(q) {
                t.append(Target(what: "\(title): at least as fast as the faster peer", measured: "\(fmtMs(f)) vs \(who) \(fmtMs(p))",
                                value: f / p, bound: 1, boundText: "≤ 1"))
            } else {
                t.append(Target(what: "\(title): at least as fast as the faster peer", measured: "—", value: nil, bound: 1, boundText: "≤ 1",
                                missing: f == nil ? "factsh: \(fNote(q) ?? "no time")" : "no peer time"))
            }
        }
        let f2 = factshTime("Q2"), s2 = peerTime(sqlite, "Q2")
        t.append(Target(what: "Q2 ≤ 1/30 of sqlite3", measured: "\(fmtMs(f2)) vs \(fmtMs(s2))",
                        value: f2.flatMap { f in s2.map { f / $0 } }, bound: 1.0 / 30, boundText: "≤ 1/30",
                        missing: f2 == nil ? fNote("Q2") : nil))
        let f5 = factshTime("Q5")
        t.append(Target(what: "Q5 path under 10 ms", measured: fmtMs(f5), value: f5.map { $0 * 1000 }, bound: 10, boundText: "< 10 ms",
                        missing: f5 == nil ? fNote("Q5") : nil))
        let fl = factsh.loadSeconds, sl = sqlite.loadSeconds, dl = duckdb?.loadSeconds
        t.append(Target(what: "load ≤ 1/10 of sqlite3's import + index", measured: "\(fmtSeconds(fl)) vs \(fmtSeconds(sl))",
                        value: fl.flatMap { f in sl.map { f / $0 } }, bound: 0.1, boundText: "≤ 1/10"))
        if duckdb != nil {
            t.append(Target(what: "load no slower than DuckDB's (no indexes)", measured: "\(fmtSeconds(fl)) vs \(fmtSeconds(dl))",
                            value: fl.flatMap { f in dl.map { f / $0 } }, bound: 1, boundText: "≤ 1"))
        }
        let fp = factshPeak.map(Double.init), sp = sqlite.peakBytes.map(Double.init)
        t.append(Target(what: "peak memory ≤ 1/3 of sqlite3's", measured: "\(fmtMB(factshPeak)) vs \(fmtMB(sqlite.peakBytes))",
                        value: fp.flatMap { f in sp.map { f / $0 } }, bound: 1.0 / 3, boundText: "≤ 1/3"))
        let fsp = factshStream?.peakBytes.map(Double.init), ssp = sqlite.stream?.peakBytes.map(Double.init)
        t.append(Target(what: "Q14 streaming process's peak memory ≤ 1/3 of sqlite3's", measured: "\(fmtMB(factshStream?.peakBytes)) vs \(fmtMB(sqlite.stream?.peakBytes))",
                        value: fsp.flatMap { f in ssp.map { f / $0 } }, bound: 1.0 / 3, boundText: "≤ 1/3",
                        missing: fsp == nil ? factshNoteStream ?? "no peak" : nil))
        for q in ["Q13a", "Q13b"] {
            let f = factshTime(q)
            t.append(Target(what: "\(questions.question(q, depth: 0).title) under 50 ms (no peer)", measured: fmtMs(f),
                            value: f.map { $0 * 1000 }, bound: 50, boundText: "< 50 ms", missing: f == nil ? fNote(q) : nil))
        }
        let sp15 = startup.sqlitePrompt, fp15 = startup.factshPrompt
        t.append(Target(what: "Q15 start-up to the first prompt: at least as fast as sqlite3", measured: "\(fmtMs(fp15)) vs \(fmtMs(sp15))",
                        value: fp15.flatMap { f in sp15.map { f / $0 } }, bound: 1, boundText: "≤ 1",
                        missing: fp15 == nil ? startup.error ?? "not measured" : nil))
        if let fr = firstRows {
            let ids = Questions.allIDs
            let slowest = ids.compactMap { q in fr.seconds[q].map { (q, $0) } }.max { $0.1 < $1.1 }
            var missing: String? = nil
            if !fr.timedOut.isEmpty { missing = "no first row within \(Int(questionTimeout)) s: " + fr.timedOut.joined(separator: ", ") }
            else if let e = fr.error { missing = e }
            t.append(Target(what: "first rows within 100 ms (every question, through a pipe)",
                            measured: slowest.map { "slowest \($0.0): \(fmtMs($0.1))" } ?? "—",
                            value: missing == nil ? slowest.map { $0.1 * 1000 } : nil, bound: 100, boundText: "< 100 ms", missing: missing))
        }
        return t
    }

    // MARK: markdown

    func markdown() -> String {
        var lines: [String] = []
        lines.append("factsh-bench \(date): scale \(scale) (\(scale) enterprises, \(5 * scale) awards), seed \(seed), median of \(runs) runs (Q5 on sqlite3 and DuckDB: \(q5Runs); loads: \(loadRuns)); time-outs: \(Int(questionTimeout)) s per factsh or DuckDB question, \(Int(timeout)) s for the whole sqlite3 run")
        lines.append("")
        let d = duckdb
        lines.append("| what | sqlite3 | DuckDB | factsh | factsh 1st run | factsh first rows | factsh/sqlite3 | factsh/DuckDB |")
        lines.append("|---|---:|---:|---:|---:|---:|---:|---:|")
        func ratio(_ f: Double?, _ p: Double?) -> String {
            guard let f, let p, p > 0 else { return "—" }
            return Self.ratio(f / p)
        }
        lines.append("| load CSV (+ all indexes; DuckDB none) | \(fmtSeconds(sqlite.loadSeconds)) | \(d.map { fmtSeconds($0.loadSeconds) } ?? "—") | \(fmtSeconds(factsh.loadSeconds)) | | | \(ratio(factsh.loadSeconds, sqlite.loadSeconds)) | \(ratio(factsh.loadSeconds, d?.loadSeconds)) |")
        let fpk = factshPeak.map(Double.init)
        lines.append("| peak memory (RSS) | \(fmtMB(sqlite.peakBytes)) | \(fmtMB(d?.peakBytes)) | \(fmtMB(factshPeak)) | | | \(ratio(fpk, sqlite.peakBytes.map(Double.init))) | \(ratio(fpk, d?.peakBytes.map(Double.init))) |")
        for q in Questions.allIDs {
            let title = questions.question(q, depth: 0).title
            let s = peerTime(sqlite, q), dk = peerTime(d, q), f = factshTime(q)
            let sCell = note(sqlite, q, "sqlite3").map { $0 } ?? fmtMs(s)
            let dCell = d == nil ? "—" : (peerTime(d, q) == nil ? note(d, q, "DuckDB") ?? "—" : fmtMs(dk))
            var fCell = f == nil ? ((q == "Q14" ? factshNoteStream : note(factsh, q, "factsh")) ?? "—") : fmtMs(f)
            if q != "Q14", f != nil, (factsh.times[q] ?? []).isEmpty { fCell += " (1 run)" }
            let first = q == "Q14" ? "" : fmtMs(factsh.firstRun[q])
            let fr: String = {
                guard let r = firstRows else { return "—" }
                if let x = r.seconds[q] { return fmtMs(x) }
                if r.timedOut.contains(q) { return "time-out" }
                if r.noRows.contains(q) { return "no rows" }
                return "—"
            }()
            let peerMark = Questions.noPeer.contains(q) ? " †" : ""
            lines.append("| \(title) | \(sCell)\(s == nil ? "" : peerMark) | \(dCell)\(dk == nil ? "" : peerMark) | \(fCell) | \(first) | \(fr) | \(ratio(f, s)) | \(ratio(f, dk)) |")
        }
        let ss = sqlite.stream, ds = d?.stream, fs = factshStream
        func peakCell(_ s: StreamResult?) -> String {
            guard let s, let p = s.peakBytes else { return "—" }
            return fmtMB(p) + (s.loadPeakBytes.map { " (load alone \(fmtMB($0)))" } ?? "")
        }
        lines.append("| Q14 peak RSS of a process that loads and streams | \(peakCell(ss)) | \(peakCell(ds)) | \(peakCell(fs)) | | | \(ratio(fs?.peakBytes.map(Double.init), ss?.peakBytes.map(Double.init))) | \(ratio(fs?.peakBytes.map(Double.init), ds?.peakBytes.map(Double.init))) |")
        lines.append("| Q14 first byte of the rows through a pipe | \(fmtMs(ss?.firstByteSeconds)) | \(fmtMs(ds?.firstByteSeconds)) | \(fmtMs(fs?.firstByteSeconds)) | | | | |")
        lines.append("| Q15 start-up to the first prompt (pty; built-in graph / `:memory:`) | \(fmtMs(startup.sqlitePrompt)) | — | \(fmtMs(startup.factshPrompt)) | | | \(ratio(startup.factshPrompt, startup.sqlitePrompt)) | — |")
        lines.append("| start-up: `factsh -c 'count awards by city'` vs `sqlite3 :memory: 'select 1'` | \(fmtMs(startup.sqliteCommand)) | — | \(fmtMs(startup.factshCommand)) | | | \(ratio(startup.factshCommand, startup.sqliteCommand)) | — |")
        lines.append("")
        lines.append("† Q13 asks `\(questions.question("Q13a", depth: 0).factsh)` and `\(questions.question("Q13b", depth: 0).factsh)` (the pinyin and initials of \(questions.q13Name)). SQL has no pinyin. The peers' time is `LIKE` over a `name_pinyin` table (\(pinyinRows) names and aliases with the pinyin and initials FactQuery gives them, written by the benchmark and loaded outside the timed load); factsh is held to its own bound, not to them.")

        // Targets.
        let ts = targets()
        lines.append("")
        lines.append("| target | factsh vs bound | ratio or value | bound | holds? | holds with 2× margin? |")
        lines.append("|---|---|---:|---|---|---|")
        for t in ts {
            let v: String
            if let x = t.value { v = t.boundText.contains("ms") ? fmtMs(x / 1000) : Self.ratio(x) } else { v = "—" }
            let holds = t.holds.map { $0 ? "yes" : "**no**" } ?? "**no** (\(t.missing ?? "not measured"))"
            let margin = t.withMargin.map { $0 ? "yes" : "**no**" } ?? "—"
            lines.append("| \(t.what) | \(t.measured) | \(v) | \(t.boundText) | \(holds) | \(margin) |")
        }
        let held = ts.filter { $0.holds == true }.count, margin = ts.filter { $0.withMargin == true }.count
        lines.append("")
        lines.append("Targets: \(held) of \(ts.count) hold, \(margin) of \(ts.count) with the 2× margin. Missed: "
                     + (ts.filter { $0.holds != true }.map { $0.short }.joined(separator: ", ").nonEmpty ?? "none")
                     + ". Held without the margin: " + (ts.filter { $0.holds == true && $0.withMargin != true }.map { $0.short }.joined(separator: ", ").nonEmpty ?? "none") + ".")

        // Other shapes.
        if let os = otherShapes {
            let shapes = questions.otherShapes
            let times = shapes.compactMap { os.seconds[$0.id] }
            let within = times.filter { $0 < 0.1 }.count
            lines.append("")
            lines.append("Other shapes: the first row through a pipe (factsh alone, one process that loads the folder once and asks each in turn, as the first rows above; not a terminal, so no collation ranks or pinyin index are built ahead on the second core, and the first statement ordering or grouping by names pays for ranking them). \(within) of \(shapes.count) within 100 ms; the process's peak memory \(fmtMB(os.peakBytes)).")
            lines.append("")
            lines.append("| | statement | first row |")
            lines.append("|---|---|---:|")
            for (id, statement) in shapes {
                let t = os.seconds[id].map { fmtMs($0) } ?? (os.timedOut.contains(id) ? "time-out" : "—")
                lines.append("| \(id) | `\(statement)` | \(t) |")
            }
            if let e = os.error { lines.append(""); lines.append("Other shapes: \(e).") }
        }

        // Checks.
        lines.append("")
        lines.append("| check | sqlite3 | DuckDB |")
        lines.append("|---|---|---|")
        for q in Questions.engineIDs {
            lines.append("| \(q) same answer | \(check(q, sqlite, "sqlite3")) | \(d.map { check(q, $0, "DuckDB") } ?? "—") |")
        }
        lines.append("| Q14 same rows | \(streamCheck(ss, "sqlite3")) | \(d == nil ? "—" : streamCheck(ds, "DuckDB")) |")
        if let ref = factsh.reference["Q7.pinyin"] {
            let f = (factsh.rows["Q7"] ?? []).map { $0.first ?? "" }
            let r = ref.split(separator: "\n").map(String.init)
            lines.append("")
            lines.append(f == r ? "Q7 in pinyin order: factsh's 20 names are the first 20 by FactQuery's collation key computed directly (the reference order)."
                                : "Q7 in pinyin order: **differs** from the first 20 by FactQuery's collation key: factsh \(f.prefix(5))…, reference \(r.prefix(5))….")
        }

        // Notes.
        let ref = factsh.reference
        lines.append("")
        lines.append("factsh's peak memory is the factsh executable's own (VmHWM of the process that loads the folder once and answers every question once, the one that times first rows: \(fmtMB(firstRows?.peakBytes))), as sqlite3's and DuckDB's are the processes that answer the questions.")
        lines.append("The benchmark's child process that times the engine (Foundation included, every timed load in one process): peak RSS after the loads \(ref["peakAfterLoadMB"] ?? "?") MB, after the questions \(ref["peakAfterQueriesMB"] ?? "?") MB. Store alone (no query engine): Q1 \(ref["Q1.ms"] ?? "?") ms (\(ref["Q1.rows"] ?? "?") rows), Q2 \(ref["Q2.ms"] ?? "?") ms (\(ref["Q2.cities"] ?? "?") cities), Q5 one-sided BFS \(ref["Q5.ms"] ?? "?") ms (length \(ref["Q5.length"] ?? "?")).")
        let checkTimes = factsh.reference.filter { $0.key.hasSuffix(".seconds") }.sorted { $0.key < $1.key }
            .map { "\($0.key.dropLast(8)) \($0.value) s" }
        if !checkTimes.isEmpty { lines.append(""); lines.append("factsh's untimed check statements: " + checkTimes.joined(separator: ", ") + ".") }
        var outs: [String] = []
        for (name, side) in [("factsh", factsh), ("sqlite3", sqlite)] + (d.map { [("DuckDB", $0)] } ?? []) {
            if !side.timedOut.isEmpty { outs.append("\(name): " + side.timedOut.joined(separator: ", ")) }
        }
        if fs?.timedOut == true { outs.append("factsh Q14") }
        if let fr = firstRows, !fr.timedOut.isEmpty { outs.append("factsh first rows: " + fr.timedOut.joined(separator: ", ")) }
        lines.append("")
        lines.append("Time-outs: " + (outs.isEmpty ? "none" : outs.joined(separator: "; ")) + ".")
        let killed = ref.filter { $0.key.hasSuffix(".killed") }.map { String($0.key.dropLast(7)) }.sorted()
        if !killed.isEmpty { lines.append("factsh did not stop at its time-out on \(killed.joined(separator: ", ")); the benchmark killed its child and went on in a new one.") }
        var errs: [String] = []
        for (name, side) in [("factsh", factsh), ("sqlite3", sqlite)] + (d.map { [("DuckDB", $0)] } ?? []) {
            for (k, v) in side.errors.sorted(by: { $0.key < $1.key }) { errs.append("\(name) \(k): \(v.prefix(200))") }
        }
        for (name, s) in [("factsh", fs), ("sqlite3", ss), ("DuckDB", ds)] { if let e = s?.error { errs.append("\(name) Q14: \(e.prefix(200))") } }
        if let e = startup.error { errs.append("start-up: \(e)") }
        if !errs.isEmpty { lines.append(""); lines.append("Errors: " + errs.joined(separator: "; ") + ".") }
        lines.append("")
        lines.append("Peak memory from `wait4` (sqlite3's processes, factsh's Q14 processes) is at least factsh-bench's own peak, \(fmtMB(benchPeakBytes)), on Linux; factsh's child and DuckDB report their own VmHWM.")
        lines.append("")
        lines.append("Q14 times: factsh — \(fs?.method ?? "not run"); sqlite3 — \(ss?.method ?? "—"); DuckDB — \(ds?.method ?? "—"). Peak memory and rows: each side's process that loads the folder and writes every award through a pipe to the benchmark, which parses and hashes them.")
        if let d {
            let r = d.reference
            var s = "DuckDB \(r["version"] ?? "?") (Python module, in memory, threads=\(r["threads"] ?? "?"), tables without indexes): peak RSS after importing duckdb \(r["peakAfterImportMB"] ?? "?") MB, after the load \(r["peakAfterLoadMB"] ?? "?") MB, after the questions \(r["peakAfterQueriesMB"] ?? "?") MB."
            if let a = r["artIndexSeconds"] { s += " sqlite3's 12 indexes as ART indexes (not used for the questions) would add \(a) s to the load (peak \(r["artPeakMB"] ?? "?") MB)." }
            if let e = d.errors["process"] ?? d.errors["load"] { s += " Error: \(e.prefix(300))" }
            lines.append("")
            lines.append(s)
        } else if let why = duckdbSkipped {
            lines.append("")
            lines.append("DuckDB skipped: \(why).")
        }
        return lines.joined(separator: "\n")
    }

    // MARK: checks

    /// `a` and `b` as multisets of rows: nil when equal, else what differs.
    static func differ(_ a: [String], _ b: [String], _ name: String, _ what: String) -> String? {
        let x = a.sorted(), y = b.sorted()
        if x == y { return nil }
        var ca: [String: Int] = [:], cb: [String: Int] = [:]
        for r in x { ca[r, default: 0] += 1 }
        for r in y { cb[r, default: 0] += 1 }
        let onlyF = ca.filter { ($0.value - (cb[$0.key] ?? 0)) > 0 }.keys.sorted()
        let onlyP = cb.filter { ($0.value - (ca[$0.key] ?? 0)) > 0 }.keys.sorted()
        func show(_ s: [String]) -> String { s.prefix(3).map { "`\($0)`" }.joined(separator: ", ") + (s.count > 3 ? " … (\(s.count))" : "") }
        return "**differs**: factsh \(x.count) \(what), \(name) \(y.count)"
            + (onlyF.isEmpty ? "" : "; only factsh: " + show(onlyF)) + (onlyP.isEmpty ? "" : "; only \(name): " + show(onlyP))
    }

    /// Does `other` (sqlite3 or DuckDB, called `name`) give factsh's answer to `q`?
    func check(_ q: String, _ other: SideResult, _ name: String) -> String {
        let question = questions.question(q, depth: 0)
        if let e = factsh.errors[q] { return "factsh error: \(e.prefix(120))" }
        if factsh.timedOut.contains(q) { return "factsh timed out" }
        if other.timedOut.contains(q) { return "\(name) timed out" }
        if let e = other.errors[q] { return "\(name) error: \(e.prefix(80))" }
        for c in question.checks {
            if factsh.timedOut.contains(c.key) { return "factsh timed out on its check `\(c.factsh)`" }
            if let e = factsh.errors[c.key] { return "factsh error on `\(c.factsh)`: \(e.prefix(120))" }
            if other.timedOut.contains(c.key) { return "\(name) timed out on its check" }
            if let e = other.errors[c.key] { return "\(name) error on its check: \(e.prefix(80))" }
        }
        guard let s = other.rows[q], let f = factsh.rows[q] else { return "—" }
        func counts(_ rows: [[String]]) -> [String] { rows.map { $0.last ?? "" } }
        switch q {
        case "Q1":
            return Self.differ(f.map { $0.prefix(3).joined(separator: "|") }, s.map { $0.joined(separator: "|") }, name, "rows")
                ?? "same \(s.count) rows"
        case "Q2":
            return Self.differ(f.map { $0.prefix(2).joined(separator: "|") }, s.map { $0.prefix(2).joined(separator: "|") }, name, "(city, count) pairs")
                ?? "same \(s.count) (city, count) pairs"
        case "Q3":
            // Ties on year make the 20 rows ambiguous; the years must agree.
            let a = s.map { $0.count > 2 ? $0[2] : "" }, b = f.map { $0.count > 2 ? $0[2] : "" }
            return a == b ? "same years of \(a.count) rows" : "**differs**: years \(b.prefix(5))… vs \(name) \(a.prefix(5))…"
        case "Q4":
            let honors = Set(s.compactMap { $0.count > 4 ? $0[4] : nil }.filter { !$0.isEmpty })
            let text = f.map { $0.joined(separator: " ") }.joined(separator: "\n")
            let missing = honors.filter { !text.contains($0) }
            return missing.isEmpty ? "every one of \(s.count) award rows' honors appears in the card" : "**differs**: card lacks \(missing.count) honors: \(missing.prefix(3))"
        case "Q5":
            let depth = s.first?.first ?? ""
            let edges = f.first { $0.first == "@@edges" }.flatMap { Int($0[1]) } ?? 0
            let len = edges > 0 ? edges : f.count - 1
            return depth == String(len) ? "same length \(len)" : "**differs**: factsh \(len), \(name) \(depth)"
        case "Q6", "Q9", "Q10":
            let a = f.first?.last ?? "", b = s.first?.first ?? ""
            return a == b ? "same count \(a)" : "**differs**: factsh \(a.isEmpty ? "no rows" : a), \(name) \(b)"
        case "Q7":
            // factsh's code-point form against the peer's ORDER BY (one column: one list).
            guard let fc = factsh.rows["Q7.codepoint"] else { return "—" }
            let a = fc.map { $0.first ?? "" }, b = s.map { $0.first ?? "" }
            return a == b ? "same 20 names in code-point order (`collate codepoint`)" : "**differs** (`collate codepoint`): factsh \(a.prefix(3))…, \(name) \(b.prefix(3))…"
        case "Q8":
            return Self.differ(f.map { $0.prefix(3).joined(separator: "|") }, s.map { $0.prefix(3).joined(separator: "|") }, name, "(city, year, count) groups")
                ?? "same \(s.count) (city, year, count) groups"
        case "Q11":
            guard let ff = factsh.rows["Q11.full"], let sf = other.rows["Q11.full"] else { return "—" }
            if let d = Self.differ(ff.map { $0.joined(separator: "|") }, sf.map { $0.joined(separator: "|") }, name, "(honor, count) groups (no limit)") { return d }
            let full = Set(sf.map { $0.joined(separator: "|") })
            let stray = f.filter { !full.contains($0.joined(separator: "|")) }
            if counts(f) != counts(s) { return "same \(sf.count) groups without limit; **limit 10 differs**: counts \(counts(f)) vs \(name) \(counts(s))" }
            if !stray.isEmpty { return "same \(sf.count) groups without limit; **limit 10 differs**: \(stray.count) rows not in the full result" }
            return "same \(sf.count) (honor, count) groups without limit; limit 10: same counts, every row in the full result"
        case "Q12":
            guard let fh = factsh.rows["Q12.hist"], let sh = other.rows["Q12.hist"],
                  let ft = factsh.rows["Q12.top"], let st = other.rows["Q12.top"] else { return "—" }
            if let d = Self.differ(fh.map { $0.joined(separator: "|") }, sh.map { $0.joined(separator: "|") }, name, "(count, groups) histogram rows") { return d }
            if let d = Self.differ(ft.map { $0.joined(separator: "|") }, st.map { $0.joined(separator: "|") }, name, "groups at or above the 20th count") { return d }
            let top = Set(st.map { $0.joined(separator: "|") })
            let stray = f.filter { !top.contains($0.joined(separator: "|")) }
            if counts(f) != counts(s) { return "same full result; **limit 20 differs**: counts \(counts(f)) vs \(name) \(counts(s))" }
            if !stray.isEmpty { return "same full result; **limit 20 differs**: \(stray.count) rows not among the top groups" }
            let groups = sh.reduce(0) { $0 + (Int($1.last ?? "") ?? 0) }
            return "same histogram of \(groups) groups' counts, same \(st.count) groups at or above the 20th count; limit 20: same counts, every row among them"
        case "Q13a", "Q13b":
            return Self.differ(f.map { $0.first ?? "" }, s.map { $0.first ?? "" }, name, "names")
                ?? "same \(s.count) name\(s.count == 1 ? "" : "s") (`LIKE` on name_pinyin)"
        default:
            return "—"
        }
    }

    func streamCheck(_ other: StreamResult?, _ name: String) -> String {
        guard let f = factshStream else { return "—" }
        if f.timedOut { return "factsh timed out" }
        guard let fr = f.rows, let fh = f.hash else { return "factsh: \(f.error ?? "no rows")" }
        guard let o = other else { return "—" }
        if o.timedOut { return "\(name) timed out" }
        guard let or = o.rows, let oh = o.hash else { return "\(name): \(o.error ?? "no rows")" }
        if fr == or && fh == oh { return "same \(fr) rows (parsed, hashed in any order)" }
        return "**differs**: factsh \(fr) rows (hash \(fh)), \(name) \(or) rows (hash \(oh)); headers `\(f.header ?? "")` / `\(o.header ?? "")`"
    }
}

extension String {
    var nonEmpty: String? { isEmpty ? nil : self }
}
