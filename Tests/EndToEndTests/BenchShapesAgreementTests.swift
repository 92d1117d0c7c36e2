import Foundation
import Testing

/// The question shapes of issue 10 (text order with a limit, two-column groups, distinct counts,
/// reverse links, group counts with a limit, every row as CSV), asked of `factsh --import-csv` and
/// of sqlite3 over the same generated CSV at scale 1,000: the answers must agree. Then
/// `factsh-bench` itself at scale 1,000 must print all fifteen shapes with no disagreement.
/// Fails (does not skip) when sqlite3 or the factsh-bench executable is missing: scripts/test
/// builds it.
@Suite(.serialized) struct BenchShapesAgreementTests {
    static var benchBinary: URL { FactshProcess.packageRoot.appendingPathComponent(".build/release/factsh-bench") }

    static func requireBench() throws {
        try #require(FileManager.default.isExecutableFile(atPath: benchBinary.path),
                     "no factsh-bench at \(benchBinary.path): build it with `swift build -c release --static-swift-stdlib` (scripts/test does)")
    }

    /// RFC 4180 rows of a CSV text (header included).
    static func csv(_ text: String) -> [[String]] {
        var rows: [[String]] = [], row: [String] = [], field = ""
        var inQuotes = false, pending = false
        for ch in text.unicodeScalars {
            if inQuotes {
                if pending {
                    pending = false
                    if ch == "\"" { field.unicodeScalars.append(ch); continue }
                    inQuotes = false
                } else if ch == "\"" { pending = true; continue } else { field.unicodeScalars.append(ch); continue }
            }
            switch ch {
            case "\"": inQuotes = true
            case ",": row.append(field); field = ""
            case "\n": row.append(field); field = ""; rows.append(row); row = []
            case "\r": break
            default: field.unicodeScalars.append(ch)
            }
        }
        if !field.isEmpty || !row.isEmpty { row.append(field); rows.append(row) }
        return rows
    }

    @Test func shapesAgreeWithSQLite() throws {
        let sqlite = try FactshProcess.require("sqlite3")
        try Self.requireBench()
        let dir = NSTemporaryDirectory() + "factsh-shapes-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // factsh-bench generates the folder (gen.py's bytes) and then benchmarks it; here only
        // the folder is wanted, so sqlite3 and DuckDB are left out and each question runs once.
        let gen = Process()
        gen.executableURL = Self.benchBinary
        gen.arguments = ["--scale", "1000", "--data", dir, "--runs", "1", "--load-runs", "1", "--no-sqlite", "--no-duckdb"]
        gen.standardOutput = FileHandle.nullDevice
        gen.standardError = FileHandle.nullDevice
        try gen.run()
        gen.waitUntilExit()
        #expect(FileManager.default.fileExists(atPath: dir + "/awards.csv"))

        func factsh(_ statement: String) throws -> [[String]] {
            let r = try FactshProcess.run(["--import-csv", dir, "--format", "csv", "-c", statement])
            #expect(r.status == 0, "\(statement): \(r.stderr)")
            return Array(Self.csv(r.stdout).dropFirst())
        }
        func sql(_ query: String) throws -> [[String]] {
            let setup = """
            CREATE TABLE enterprises(name TEXT, city TEXT, industry TEXT);
            CREATE TABLE awards(enterprise TEXT, honor TEXT, year INTEGER, edition INTEGER, recommended_by TEXT);
            .mode csv
            .import --csv --skip 1 \(dir)/enterprises.csv enterprises
            .import --csv --skip 1 \(dir)/awards.csv awards
            .headers on
            """
            return Array(Self.csv(try SQLiteAgreementTests.run(sqlite, [":memory:"], stdin: setup + "\n" + query + ";\n")).dropFirst())
        }
        func joined(_ rows: [[String]]) -> [String] { rows.map { $0.joined(separator: "|") }.sorted() }

        // Q7: text order with a limit. SQL sorts by code point; factsh by pinyin unless told.
        let f7 = try factsh("awards show enterprise order by enterprise collate codepoint limit 20")
        let s7 = try sql("SELECT enterprise FROM awards ORDER BY enterprise LIMIT 20")
        #expect(f7.count == 20)
        #expect(f7 == s7)

        // Q8: a two-column group over a join.
        let f8 = try factsh("count awards by city, year")
        let s8 = try sql("SELECT e.city, a.year, count(*) FROM awards a JOIN enterprises e ON e.name = a.enterprise GROUP BY e.city, a.year")
        #expect(f8.count > 100)
        #expect(joined(f8) == joined(s8))

        // Q9: a distinct count.
        let f9 = try factsh("awards where year=2020 summarize count(distinct enterprise)")
        let s9 = try sql("SELECT count(DISTINCT enterprise) FROM awards WHERE year = 2020")
        #expect(f9.first?.last != nil)
        #expect(f9.first?.last == s9.first?.first)

        // Q10: a reverse link.
        let f10 = try factsh("count enterprises where not has awards")
        let s10 = try sql("SELECT count(*) FROM enterprises e WHERE NOT EXISTS (SELECT 1 FROM awards a WHERE a.enterprise = e.name)")
        #expect(f10.first?.last == s10.first?.first)

        // Q11 and Q12: group counts. Without limit the whole result; with a limit, ties make the
        // rows ambiguous: the counts, largest first, and every row in the whole result.
        for (by, limit) in [("honor", 10), ("enterprise, honor", 20)] {
            let full = try factsh("count awards by \(by)")
            let sFull = try sql("SELECT \(by), count(*) FROM awards GROUP BY \(by)")
            #expect(!full.isEmpty)
            #expect(joined(full) == joined(sFull), "count awards by \(by)")
            let top = try factsh("count awards by \(by) limit \(limit)")
            let sTop = try sql("SELECT \(by), count(*) AS n FROM awards GROUP BY \(by) ORDER BY n DESC LIMIT \(limit)")
            #expect(top.map { $0.last ?? "" } == sTop.map { $0.last ?? "" }, "count awards by \(by) limit \(limit)")
            let all = Set(joined(sFull))
            #expect(top.allSatisfy { all.contains($0.joined(separator: "|")) })
        }

        // Q14: every award as CSV, the same rows as SQL's in any order.
        let f14 = try factsh("awards")
        let s14 = try sql("SELECT * FROM awards")
        #expect(f14.count == 5000)
        #expect(joined(f14) == joined(s14))
    }

    /// factsh-bench at scale 1,000: all fifteen shapes in the table, and no answer that differs.
    @Test func benchmarkReportsEveryShapeWithoutDisagreement() throws {
        _ = try FactshProcess.require("sqlite3")
        try Self.requireBench()
        let dir = NSTemporaryDirectory() + "factsh-bench-e2e-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let out = try SQLiteAgreementTests.run(Self.benchBinary.path,
                                                ["--scale", "1000", "--data", dir, "--runs", "1", "--load-runs", "1", "--question-timeout", "60"])
        for shape in ["| Q1 ", "| Q5 ", "| Q7 ", "| Q8 ", "| Q9 ", "| Q10 ", "| Q11 ", "| Q12 ", "| Q13a ", "| Q13b ", "| Q14 ", "| Q15 "] {
            #expect(out.contains(shape), "no row for \(shape)")
        }
        #expect(out.contains("| Q14 same rows | same 5000 rows"))
        #expect(!out.contains("**differs**"), "\(out)")
        let checks = out.split(separator: "\n").filter { $0.hasPrefix("| Q") && $0.contains(" same ") && $0.contains("answer |") }
        #expect(checks.count == 14)
        for line in checks {
            // | Q1 same answer | sqlite3's | DuckDB's (— when DuckDB is not installed) |
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            #expect(cells.count >= 3 && cells[1].hasPrefix("same") || cells.count >= 3 && cells[1].hasPrefix("every"), "\(line)")
            if cells.count >= 3, cells[2] != "—" { #expect(cells[2].hasPrefix("same") || cells[2].hasPrefix("every"), "\(line)") }
        }
    }
}
