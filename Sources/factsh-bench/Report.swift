import Foundation

/// The markdown report: one table of times, memory and ratios with the targets of the issue,
/// and one of answer checks (do both sides give the same rows?). When DuckDB ran, both tables
/// get DuckDB's columns at the end; the targets stay against sqlite3.
struct Report {
    let scale: Int
    let seed: Int
    let runs: Int
    let q5Runs: Int
    let timeout: Double
    let sqlite: SideResult
    let factsh: SideResult
    /// nil when DuckDB did not run (`--no-duckdb`, or `duckdbSkipped` says why).
    let duckdb: SideResult?
    let duckdbSkipped: String?
    let startup: (sqlite: Double?, factsh: Double?)
    let questions: Questions

    /// (label, max ratio factsh/sqlite3, extra absolute limit on factsh in seconds)
    static let targets: [String: (String, Double, Double?)] = [
        "load": ("≤ 1/8", 1.0 / 8, nil), "peak": ("≤ 1/3", 1.0 / 3, nil),
        "Q1": ("≤ 1/5", 1.0 / 5, nil), "Q2": ("≤ 1/20", 1.0 / 20, nil),
        "Q3": ("≤ 1", 1, nil), "Q4": ("≤ 1", 1, nil),
        "Q5": ("≤ 1/100, < 100 ms", 1.0 / 100, 0.1), "Q6": ("≤ 1/4", 1.0 / 4, nil),
        "startup": ("≤ 5", 5, nil),
    ]

    static let titles = [
        "Q1": "Q1 awards where city=X", "Q2": "Q2 count awards by city", "Q3": "Q3 honor, year≥2020, top 20",
        "Q4": "Q4 describe enterprise", "Q5": "Q5 path X to Y", "Q6": "Q6 count name~机械",
    ]

    static func ratio(_ f: Double, _ s: Double) -> String {
        let r = f / s
        return r < 0.01 ? String(format: "%.4f", r) : String(format: "%.3f", r)
    }

    /// DuckDB's two columns (`duckdb`, `factsh/duckdb`), or nothing when DuckDB did not run.
    func duckdbCells(_ d: Double?, _ f: Double?, _ fmt: (Double?) -> String, note: String? = nil) -> String {
        guard duckdb != nil else { return "" }
        var ratio = "—"
        if note == nil, let d, let f, d > 0 { ratio = Self.ratio(f, d) }
        return " \(note ?? fmt(d)) | \(ratio) |"
    }

    /// What stands in DuckDB's column for question `q` when it has no time.
    func duckdbNote(_ q: String) -> String? {
        guard let d = duckdb else { return nil }
        if d.timedOut.contains(q) { return "time-out (> \(Int(timeout)) s run)" }
        if let e = d.errors[q] ?? d.errors["load"] ?? d.errors["process"] { return "error: \(e.prefix(40))" }
        return nil
    }

    func row(_ what: String, _ key: String, _ s: Double?, _ f: Double?, _ fmt: (Double?) -> String,
             sqliteNote: String? = nil, sqliteLowerBound: Bool = false) -> String {
        let (label, maxRatio, limit) = Self.targets[key]!
        var ratio = "—", met = "—"
        if let s, let f, s > 0 {
            let r = f / s
            ratio = Self.ratio(f, s)
            if sqliteLowerBound { ratio = "< " + ratio }
            var ok = r <= maxRatio
            if let l = limit { ok = ok && f < l }
            met = ok ? "yes" : "**no**"
        } else if f != nil, let l = limit, let f {
            met = f < l ? "?" : "**no**"
        }
        return "| \(what) | \(sqliteNote ?? fmt(s)) | \(fmt(f)) | \(ratio) | \(label) | \(met) |"
    }

    func markdown() -> String {
        var lines: [String] = []
        lines.append("factsh-bench: scale \(scale) (\(scale) enterprises, \(5 * scale) awards), seed \(seed), median of \(runs) runs (sqlite3's Q5: \(q5Runs), loads: \(max(sqlite.loadRuns.count, factsh.loadRuns.count)))")
        lines.append("")
        let d = duckdb ?? SideResult()
        let mbFmt: (Double?) -> String = { fmtMB($0.map { Int($0) }) }
        lines.append("| what | sqlite3 | factsh | ratio | target | met? |" + (duckdb == nil ? "" : " duckdb | factsh/duckdb |"))
        lines.append("|---|---:|---:|---:|---|---|" + (duckdb == nil ? "" : "---:|---:|"))
        lines.append(row("load CSV + all indexes", "load", sqlite.loadSeconds, factsh.loadSeconds, fmtSeconds)
                     + duckdbCells(d.loadSeconds, factsh.loadSeconds, fmtSeconds, note: d.loadSeconds == nil ? duckdbNote("load") : nil))
        lines.append(row("peak memory (RSS)", "peak", sqlite.peakBytes.map(Double.init), factsh.peakBytes.map(Double.init), mbFmt)
                     + duckdbCells(d.peakBytes.map(Double.init), factsh.peakBytes.map(Double.init), mbFmt))
        for q in Questions.ids {
            let timedOut = sqlite.timedOut.contains(q)
            let s = timedOut ? nil : sqlite.median(q)
            var note: String? = nil
            if timedOut { note = "time-out (> \(Int(timeout)) s run)" }
            else if let e = sqlite.errors[q] { note = "error: \(e.prefix(40))" }
            var r = row(Self.titles[q]!, q, s, factsh.median(q), fmtMs, sqliteNote: note)
            if factsh.errors[q] != nil { r = "| \(Self.titles[q]!) | \(note ?? fmtMs(s)) | error | — | \(Self.targets[q]!.0) | **no** |" }
            let dNote = duckdbNote(q)
            lines.append(r + duckdbCells(dNote == nil ? d.median(q) : nil, factsh.errors[q] == nil ? factsh.median(q) : nil, fmtMs, note: dNote))
        }
        // No DuckDB CLI here: a Python process's start-up would not be DuckDB's.
        lines.append(row("startup: `-c 'count awards by city'` vs `sqlite3 :memory: 'select 1'`", "startup", startup.sqlite, startup.factsh, fmtMs)
                     + duckdbCells(nil, nil, fmtMs))
        lines.append("")
        lines.append("| check | result |" + (duckdb == nil ? "" : " duckdb |"))
        lines.append("|---|---|" + (duckdb == nil ? "" : "---|"))
        for q in Questions.ids {
            lines.append("| \(q) same answer | \(check(q, sqlite, "sqlite3")) |" + (duckdb.map { " \(check(q, $0, "DuckDB")) |" } ?? ""))
        }
        if !factsh.reference.isEmpty {
            let ref = factsh.reference
            lines.append("")
            lines.append("factsh peak RSS after the loads \(ref["peakAfterLoadMB"] ?? "?") MB, after the questions \(ref["peakAfterQueriesMB"] ?? "?") MB (the benchmark's child process, Foundation included). Store alone (no query engine): Q1 \(ref["Q1.ms"] ?? "?") ms (\(ref["Q1.rows"] ?? "?") rows), Q2 \(ref["Q2.ms"] ?? "?") ms (\(ref["Q2.cities"] ?? "?") cities), Q5 one-sided BFS \(ref["Q5.ms"] ?? "?") ms (length \(ref["Q5.length"] ?? "?")).")
        }
        if let d = duckdb {
            let ref = d.reference
            var s = "DuckDB \(ref["version"] ?? "?") (Python module, in memory, threads=\(ref["threads"] ?? "?"), tables without indexes): peak RSS after importing duckdb \(ref["peakAfterImportMB"] ?? "?") MB, after the load \(ref["peakAfterLoadMB"] ?? "?") MB, after the questions \(ref["peakAfterQueriesMB"] ?? "?") MB."
            if let a = ref["artIndexSeconds"] { s += " sqlite3's 12 indexes as ART indexes (not used for the questions) would add \(a) s to the load (peak \(ref["artPeakMB"] ?? "?") MB)." }
            if let e = d.errors["process"] ?? d.errors["load"] { s += " Error: \(e.prefix(300))" }
            lines.append("")
            lines.append(s)
        } else if let why = duckdbSkipped {
            lines.append("")
            lines.append("DuckDB skipped: \(why).")
        }
        return lines.joined(separator: "\n")
    }

    /// Does `other` (sqlite3 or DuckDB, called `name`) give factsh's answer to `q`?
    func check(_ q: String, _ other: SideResult, _ name: String) -> String {
        if let e = factsh.errors[q] { return "factsh error: \(e.prefix(80))" }
        if other.timedOut.contains(q) { return "\(name) timed out" }
        guard let s = other.rows[q], let f = factsh.rows[q] else { return "—" }
        switch q {
        case "Q1":
            let a = s.map { $0.joined(separator: "|") }.sorted(), b = f.map { $0.prefix(3).joined(separator: "|") }.sorted()
            return a == b ? "same \(a.count) rows" : "**differs**: \(name) \(a.count) rows, factsh \(b.count)"
        case "Q2":
            let a = Dictionary(s.map { ($0[0], $0.count > 1 ? $0[1] : "") }, uniquingKeysWith: { x, _ in x })
            let b = Dictionary(f.map { ($0[0], $0.count > 1 ? $0[1] : "") }, uniquingKeysWith: { x, _ in x })
            return a == b ? "same \(a.count) (city, count) pairs" : "**differs**: \(name) \(a.count) cities, factsh \(b.count)"
        case "Q3":
            // Ties on year make the 20 rows ambiguous; the years must agree.
            let yi = f.first.map { _ in 2 } ?? 2
            let a = s.map { $0.count > 2 ? $0[2] : "" }, b = f.map { $0.count > yi ? $0[yi] : "" }
            return a == b ? "same years of \(a.count) rows" : "**differs**: years \(a.prefix(5))… vs \(b.prefix(5))…"
        case "Q4":
            let honors = Set(s.compactMap { $0.count > 4 ? $0[4] : nil }.filter { !$0.isEmpty })
            let text = f.map { $0.joined(separator: " ") }.joined(separator: "\n")
            let missing = honors.filter { !text.contains($0) }
            return missing.isEmpty ? "every one of \(s.count) award rows' honors appears in the card" : "**differs**: card lacks \(missing.count) honors"
        case "Q5":
            let depth = s.first?.first ?? ""
            let edges = f.first { $0.first == "@@edges" }.flatMap { Int($0[1]) } ?? 0
            let len = edges > 0 ? edges : f.count - 1
            return depth == String(len) ? "same length \(len)" : "**differs**: \(name) \(depth), factsh \(len)"
        default:
            let a = s.first?.first ?? "", b = f.first?.last ?? ""
            return a == b ? "same count \(a)" : "**differs**: \(a) vs \(b)"
        }
    }
}
