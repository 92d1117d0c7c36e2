import Foundation

/// The sqlite3 CLI side: one in-memory database, loaded with `.import` into typed tables, indexed
/// as a competent user would, then the questions with `.timer on`, each run `runs` times, then the
/// untimed check statements.
enum SQLiteSide {
    static let schema = """
        CREATE TABLE provinces(name TEXT);
        CREATE TABLE cities(name TEXT, province TEXT, aliases TEXT);
        CREATE TABLE departments(name TEXT, city TEXT);
        CREATE TABLE honors(name TEXT, level TEXT, issuer TEXT);
        CREATE TABLE enterprises(name TEXT, city TEXT, industry TEXT);
        CREATE TABLE awards(enterprise TEXT, honor TEXT, year INTEGER, edition INTEGER, recommended_by TEXT);
        """
    static let tables = ["provinces", "cities", "departments", "honors", "enterprises", "awards"]
    /// An index on every name and on every column that names another row: what factsh builds
    /// too (its name index and one reverse index per reference column).
    static let indexes = """
        CREATE UNIQUE INDEX provinces_name ON provinces(name);
        CREATE UNIQUE INDEX cities_name ON cities(name);
        CREATE INDEX cities_province ON cities(province);
        CREATE UNIQUE INDEX departments_name ON departments(name);
        CREATE UNIQUE INDEX honors_name ON honors(name);
        CREATE UNIQUE INDEX enterprises_name ON enterprises(name);
        CREATE INDEX enterprises_city ON enterprises(city);
        CREATE INDEX awards_enterprise ON awards(enterprise);
        CREATE INDEX awards_honor_year ON awards(honor, year);
        CREATE INDEX awards_recommended_by ON awards(recommended_by);
        CREATE INDEX honors_issuer ON honors(issuer);
        CREATE INDEX departments_city ON departments(city);
        """

    static func loadScript(_ data: String) -> String {
        var script = ".bail off\n.headers off\n.mode csv\nSELECT '@@T0', julianday('now');\n" + schema + "\n"
        for t in tables { script += ".import --csv --skip 1 \(data)/\(t).csv \(t)\n" }
        return script + indexes + "\nSELECT '@@T1', julianday('now');\n"
    }

    /// Q13's pinyin table, loaded after the timed load (it is not part of the data).
    static func pinyinScript(_ path: String) -> String {
        "CREATE TABLE name_pinyin(name TEXT, entity TEXT, pinyin TEXT, initials TEXT);\n.import --csv --skip 1 \(path) name_pinyin\n"
    }

    /// Seconds between the @@T0 and @@T1 marks of a load script's output.
    static func loadSeconds(_ out: String) -> Double? {
        var t0: Double?, t1: Double?
        for line in out.split(whereSeparator: { $0.isNewline }) {
            if line.hasPrefix("@@T0,") { t0 = Double(line.dropFirst(5)) }
            if line.hasPrefix("@@T1,") { t1 = Double(line.dropFirst(5)) }
        }
        guard let a = t0, let b = t1 else { return nil }
        return (b - a) * 86_400
    }

    /// - Parameters:
    ///   - q5Depth: the breadth-first search bound for Q5 (the length of the true shortest path).
    ///   - q5Runs: how many times to run Q5 (it is slow at scale).
    ///   - loadRuns: how many times the load is measured (the first in the process that then
    ///     answers the questions, the others in processes that only load).
    ///   - timeout: seconds for the whole run before the running statement is interrupted.
    static func run(data: String, questions: Questions, pinyinCSV: String, runs: Int, loadRuns: Int, q5Depth: Int, q5Runs: Int,
                    timeout: Double, work: String) throws -> SideResult {
        guard let sqlite = Spawn.which("sqlite3") else { throw BenchError("sqlite3 is not installed (apt-get install sqlite3)") }
        // Q13 searches only name_pinyin, which is not part of the data: it runs in a process of
        // its own, so that the table is not in the peak memory of the one that answers the rest.
        let pinyinIDs = Questions.allIDs.filter { Questions.noPeer.contains($0) }
        let mainIDs = Questions.allIDs.filter { !Questions.noPeer.contains($0) }
        let (mainScript, checkKeys) = questionScript(mainIDs, questions: questions, runs: runs, q5Depth: q5Depth, q5Runs: q5Runs)
        let scriptPath = work + "/sqlite-script.sql", outPath = work + "/sqlite-out.txt"
        try (loadScript(data) + mainScript).write(toFile: scriptPath, atomically: true, encoding: .utf8)
        let child = try Spawn.run([sqlite, ":memory:"], stdin: scriptPath, stdout: outPath, timeout: timeout)
        let out = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
        var r = SideResult()
        r.peakBytes = child.peakBytes
        var finished = parse(out, into: &r)
        if child.timedOut {
            // Whatever was running when time ran out did not finish.
            for q in mainIDs + checkKeys where !finished.contains(q) && !r.timedOut.contains(q) { r.timedOut.append(q) }
        }

        let (pyScript, _) = questionScript(pinyinIDs, questions: questions, runs: runs, q5Depth: q5Depth, q5Runs: q5Runs)
        let pyPath = work + "/sqlite-pinyin.sql", pyOut = work + "/sqlite-pinyin-out.txt"
        try (".bail off\n.headers off\n.mode csv\n" + pinyinScript(pinyinCSV) + pyScript).write(toFile: pyPath, atomically: true, encoding: .utf8)
        let py = try Spawn.run([sqlite, ":memory:"], stdin: pyPath, stdout: pyOut, timeout: timeout)
        var pr = SideResult()
        finished = parse((try? String(contentsOfFile: pyOut, encoding: .utf8)) ?? "", into: &pr)
        if py.timedOut { for q in pinyinIDs where !finished.contains(q) { pr.timedOut.append(q) } }
        for q in pinyinIDs {
            r.times[q] = pr.times[q]
            r.rows[q] = pr.rows[q]
            if let e = pr.errors[q] { r.errors[q] = e }
        }
        r.timedOut += pr.timedOut

        if let t = loadSeconds(out) { r.loadRuns.append(t) }
        var loadPeaks: [Int] = []
        if !r.loadRuns.isEmpty {
            let loadPath = work + "/sqlite-load.sql"
            try loadScript(data).write(toFile: loadPath, atomically: true, encoding: .utf8)
            for _ in 1..<max(1, loadRuns) {
                let c = try Spawn.run([sqlite, ":memory:"], stdin: loadPath, stdout: outPath)
                if let t = loadSeconds((try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "") { r.loadRuns.append(t) }
                loadPeaks.append(c.peakBytes)
            }
        }
        if r.loadSeconds == nil { r.errors["load"] = String(out.prefix(2000)) }

        // Q14: its times come from the run above; its rows and peak memory from a process that
        // loads and streams them through a pipe.
        var s = StreamResult()
        s.method = "`.timer on`, `.output /dev/null`, `SELECT * FROM awards;` in `.mode csv`, in the process that answers the questions"
        s.seconds = r.times["Q14"] ?? []
        s.timedOut = r.timedOut.contains("Q14")
        s.loadPeakBytes = loadPeaks.max()
        let marker = work + "/sqlite-stream-ready.txt"
        if let conv = try? Spawn.converse([sqlite, ":memory:"], before: loadScript(data) + ".once \(marker)\nSELECT 1;\n", marker: marker,
                                          after: ".headers on\n.mode csv\nSELECT * FROM awards;\n",
                                          stderrPath: work + "/sqlite-stream-err.txt", timeout: timeout) {
            s.peakBytes = conv.child.peakBytes
            s.apply(conv, what: "sqlite3")
        }
        r.stream = s
        return r
    }

    /// The statements that run and time `ids` (after a load), and the keys of their checks.
    static func questionScript(_ ids: [String], questions: Questions, runs: Int, q5Depth: Int, q5Runs: Int) -> (String, [String]) {
        var script = ""
        var checkKeys: [String] = []
        for id in ids {
            let q = questions.question(id, depth: q5Depth)
            let n = id == "Q5" ? q5Runs : runs
            let k = repetitions(q, scale: questions.p.scale)
            if q.silent {
                // Q14: every run writes all rows to /dev/null (the timer line goes to stdout).
                script += ".print @@\(id)\n.output /dev/null\n.timer on\n"
                for _ in 0..<n { script += q.sql + "\n" }
                script += ".timer off\n.output stdout\n"
            } else if k == 1 {
                // Slow questions: every run is timed, the first one's rows are checked.
                script += ".timer on\n"
                for _ in 0..<n { script += ".print @@\(id)\n" + q.sql + "\n" }
                script += ".timer off\n"
            } else {
                // Fast questions: one untimed run for the rows, then each timed run repeats the
                // statement k times on one input line (the CLI times a line as one unit; its
                // timer shows whole milliseconds), output to /dev/null.
                script += ".print @@\(id)\n" + q.sql + "\n.print @@\(id)-x\(k)\n.output /dev/null\n.timer on\n"
                for _ in 0..<n { script += String(repeating: q.sql + " ", count: k) + "\n" }
                script += ".timer off\n.output stdout\n"
            }
            for c in q.checks {
                script += ".print @@\(c.key)\n" + c.sql + "\n"
                checkKeys.append(c.key)
            }
        }
        return (script + ".print @@END\n", checkKeys)
    }

    /// Reads the output of a `questionScript` run into `r`; returns the questions and checks that
    /// finished.
    static func parse(_ out: String, into r: inout SideResult) -> Set<String> {
        var current: String? = nil
        var runRows: [[String]] = []
        var firstRun = Set<String>()
        var finished = Set<String>()
        var reps = 1.0
        func closeCheck() {
            if let c = current, c.contains(".") { r.rows[c] = runRows; finished.insert(c) }
        }
        for line in out.split(omittingEmptySubsequences: false, whereSeparator: { $0.isNewline }).map(String.init) {
            if line.hasPrefix("@@T0,") || line.hasPrefix("@@T1,") { continue }
            if line.hasPrefix("@@") {
                closeCheck()
                let marker = line.dropFirst(2).split(separator: "-x")
                current = String(marker[0])
                if marker.count == 2, let q = current {
                    // The check run is over; timed batches of `reps` follow.
                    reps = Double(marker[1]) ?? 1
                    if !firstRun.contains(q) { r.rows[q] = runRows; firstRun.insert(q) }
                } else {
                    reps = 1
                }
                runRows = []
                continue
            }
            guard let q = current, q != "END" else { continue }
            if line.hasPrefix("Run Time: real ") {
                let v = line.dropFirst("Run Time: real ".count).split(separator: " ").first.flatMap { Double($0) } ?? 0
                r.times[q, default: []].append(v / reps)
                finished.insert(q)
                if !firstRun.contains(q) { r.rows[q] = runRows; firstRun.insert(q) }
                continue
            }
            if line.hasPrefix("Error") || line.hasPrefix("Parse error") || line.hasPrefix("Runtime error") {
                if line.contains("interrupted") { if !r.timedOut.contains(q) { r.timedOut.append(q) } }
                else { r.errors[q] = line }
                continue
            }
            if !line.isEmpty { runRows.append(parseCSVLine(line)) }
        }
        return finished
    }

    /// How many times a timed run repeats a question so that it lasts some 50 ms at the issue's
    /// sqlite3 times (measured at scale 1,000,000; most grow with the scale).
    static func repetitions(_ q: Question, scale: Int) -> Int {
        if q.id == "Q5" || q.silent { return 1 }
        let f = Double(scale) / 1_000_000
        let estimate = q.scales ? q.sqliteEstimate * max(f, q.id == "Q4" ? 0.01 : 0) : q.sqliteEstimate
        return max(1, min(1000, Int((0.05 / max(estimate, 0.000_01)).rounded(.up))))
    }

    /// One line of sqlite3's `.mode csv` output.
    static func parseCSVLine(_ s: String) -> [String] {
        var out: [String] = []
        var cur = ""
        var inQuotes = false
        var chars = Array(s)
        chars.append(",")
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if inQuotes {
                if c == "\"" {
                    if i + 1 < chars.count && chars[i + 1] == "\"" { cur.append("\""); i += 1 } else { inQuotes = false }
                } else { cur.append(c) }
            } else if c == "\"" { inQuotes = true }
            else if c == "," { out.append(cur); cur = "" }
            else { cur.append(c) }
            i += 1
        }
        return out
    }
}
