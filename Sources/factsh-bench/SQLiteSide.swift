import Foundation

/// The sqlite3 CLI side: one in-memory database, loaded with `.import` into typed tables, indexed
/// as a competent user would, then the six questions with `.timer on`, each run `runs` times.
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
        """

    /// - Parameters:
    ///   - q5Depth: the breadth-first search bound for Q5 (the length of the true shortest path).
    ///   - q5Runs: how many times to run Q5 (it is slow at scale).
    ///   - timeout: seconds for the whole run before the running statement is interrupted.
    static func run(data: String, questions: Questions, runs: Int, q5Depth: Int, q5Runs: Int,
                    timeout: Double, work: String) throws -> SideResult {
        guard let sqlite = Spawn.which("sqlite3") else { throw BenchError("sqlite3 is not installed (apt-get install sqlite3)") }
        var script = ".bail off\n.headers off\n.mode csv\nSELECT '@@T0', julianday('now');\n" + schema + "\n"
        for t in tables { script += ".import --csv --skip 1 \(data)/\(t).csv \(t)\n" }
        script += indexes + "\nSELECT '@@T1', julianday('now');\n.timer on\n"
        for q in Questions.ids {
            let n = q == "Q5" ? q5Runs : runs
            for _ in 0..<n {
                script += ".print @@\(q)\n" + questions.sql(q, depth: q5Depth) + "\n"
            }
        }
        script += ".print @@END\n"
        let scriptPath = work + "/sqlite-script.sql", outPath = work + "/sqlite-out.txt"
        try script.write(toFile: scriptPath, atomically: true, encoding: .utf8)
        let child = try Spawn.run([sqlite, ":memory:"], stdin: scriptPath, stdout: outPath, timeout: timeout)
        let out = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""

        var r = SideResult()
        r.peakBytes = child.peakBytes
        var t0: Double?, t1: Double?
        var current: String? = nil
        var runRows: [[String]] = []
        var firstRun = Set<String>()
        var finished = Set<String>()
        for line in out.split(separator: "\n", omittingEmptySubsequences: false).map({ String($0).trimmingCharacters(in: .init(charactersIn: "\r")) }) {
            if line.hasPrefix("@@T0,") { t0 = Double(line.dropFirst(5)) ; continue }
            if line.hasPrefix("@@T1,") { t1 = Double(line.dropFirst(5)) ; continue }
            if line.hasPrefix("@@") {
                current = String(line.dropFirst(2))
                runRows = []
                continue
            }
            guard let q = current, q != "END" else { continue }
            if line.hasPrefix("Run Time: real ") {
                let v = line.dropFirst("Run Time: real ".count).split(separator: " ").first.flatMap { Double($0) } ?? 0
                r.times[q, default: []].append(v)
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
        if let a = t0, let b = t1 { r.loadSeconds = (b - a) * 86_400 }
        if child.timedOut {
            // Whatever was running when time ran out did not finish.
            for q in Questions.ids where !finished.contains(q) && !r.timedOut.contains(q) { r.timedOut.append(q) }
        }
        if r.loadSeconds == nil { r.errors["load"] = String(out.prefix(2000)) }
        return r
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
