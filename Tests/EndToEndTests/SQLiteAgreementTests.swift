import Foundation
import Testing

/// The six benchmark questions, asked of `factsh --import-csv` in the query language and of
/// sqlite3 in SQL over the same CSV (gen.py's layout at scale 1,000): the answers must agree.
/// Fails, saying what is missing, when python3, ../shared/bench/gen.py or sqlite3 is not there.
@Suite struct SQLiteAgreementTests {
    static let genPy = FactshProcess.packageRoot.deletingLastPathComponent().appendingPathComponent("shared/bench/gen.py").path

    static func run(_ tool: String, _ args: [String], stdin: String = "") throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tool)
        p.arguments = args
        let out = Pipe(), inp = Pipe()
        p.standardOutput = out
        p.standardInput = inp
        try p.run()
        inp.fileHandleForWriting.write(Data(stdin.utf8))
        try inp.fileHandleForWriting.close()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    /// Tab-separated lines without the header (split on scalars: "\r\n" is one Character).
    static func rows(_ tsv: String) -> [String] {
        Array(tsv.unicodeScalars.split(separator: "\n").dropFirst().map { line -> String in
            var s = String(String.UnicodeScalarView(line))
            if s.hasSuffix("\r") { s.removeLast() }   // sqlite3 keeps csv mode's CRLF
            return s
        })
    }

    struct Params: Decodable {
        var q1_city: String
        var q3_honor: String
        var q4_enterprise: String
        var q5_src: String
        var q5_dst: String
    }

    @Test func sixQuestionsAgreeWithSQLite() throws {
        let python = try FactshProcess.require("python3")
        let sqlite = try FactshProcess.require("sqlite3")
        try #require(FileManager.default.fileExists(atPath: Self.genPy), "\(Self.genPy) is missing (the shared folder beside the repository)")
        let dir = NSTemporaryDirectory() + "factsh-agree-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: dir) }
        _ = try Self.run(python, [Self.genPy, "--scale", "1000", "--out", dir])
        let p = try JSONDecoder().decode(Params.self, from: Data(contentsOf: URL(fileURLWithPath: dir + "/params.json")))
        func q(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "''") + "'" }
        func factsh(_ statement: String) throws -> String {
            let r = try FactshProcess.run(["--import-csv", dir, "--format", "tsv", "-c", statement])
            #expect(r.status == 0, "\(statement): \(r.stderr)")
            return r.stdout
        }
        func sql(_ query: String) throws -> String {
            let setup = """
            .mode csv
            .import --csv \(dir)/enterprises.csv enterprises
            .import --csv \(dir)/awards.csv awards
            .headers on
            .mode tabs
            """
            return try Self.run(sqlite, [":memory:"], stdin: setup + "\n" + query + ";\n")
        }

        // Q1: the awards of one city's enterprises (as multisets of rows).
        let f1 = Self.rows(try factsh("awards where city=\(q(p.q1_city)) show enterprise, honor, year")).sorted()
        let s1 = Self.rows(try sql("SELECT a.enterprise, a.honor, a.year FROM awards a JOIN enterprises e ON e.name = a.enterprise WHERE e.city = \(q(p.q1_city))")).sorted()
        #expect(!f1.isEmpty)
        #expect(f1 == s1)

        // Q2: awards per city.
        let f2 = Set(Self.rows(try factsh("count awards by city")))
        let s2 = Set(Self.rows(try sql("SELECT e.city, count(*) FROM awards a JOIN enterprises e ON e.name = a.enterprise GROUP BY e.city")))
        #expect(f2.count > 100)
        #expect(f2 == s2)

        // Q3: one honor since 2020, newest first, top 20 (ties make rows ambiguous: compare years).
        let f3 = Self.rows(try factsh("awards where honor=\(q(p.q3_honor)) and year>=2020 order by year desc limit 20 show year"))
        let s3 = Self.rows(try sql("SELECT year FROM awards WHERE honor = \(q(p.q3_honor)) AND CAST(year AS INTEGER) >= 2020 ORDER BY CAST(year AS INTEGER) DESC LIMIT 20"))
        #expect(!f3.isEmpty)
        #expect(f3 == s3)

        // Q4: everything linked to one enterprise — its city and each award's honor, year,
        // edition and recommending department appear in the card.
        let card = try factsh("describe \(q(p.q4_enterprise))")
        let awardLines = Self.rows(card).filter { $0.hasPrefix("award (as enterprise)\t") }
        let s4 = Self.rows(try sql("SELECT honor || ' · ' || year || ' · ' || edition || ' · ' || recommended_by FROM awards WHERE enterprise = \(q(p.q4_enterprise))"))
        #expect(awardLines.count == s4.count)
        #expect(awardLines.map { String($0.split(separator: "\t")[1]) }.sorted() == s4.sorted())
        let city = Self.rows(try sql("SELECT city FROM enterprises WHERE name = \(q(p.q4_enterprise))")).first ?? "?"
        #expect(Self.rows(card).contains("city\t\(city)\t"))

        // Q5: the length of the shortest chain between two enterprises over enterprise–honor and
        // enterprise–city links.
        let path = Self.rows(try factsh("path \(q(p.q5_src)) to \(q(p.q5_dst))"))
        let s5 = Self.rows(try sql("""
            WITH RECURSIVE edge(a, b) AS (
              SELECT enterprise, 'h:' || honor FROM awards UNION SELECT 'h:' || honor, enterprise FROM awards
              UNION SELECT name, 'c:' || city FROM enterprises UNION SELECT 'c:' || city, name FROM enterprises),
            walk(node, depth) AS (SELECT \(q(p.q5_src)), 0 UNION SELECT edge.b, walk.depth + 1 FROM walk JOIN edge ON edge.a = walk.node WHERE walk.depth < 4)
            SELECT min(depth) FROM walk WHERE node = \(q(p.q5_dst))
            """))
        #expect(!path.isEmpty)
        #expect(String(path.count) == s5.first)

        // Q6: enterprises whose name contains 机械.
        let f6 = Self.rows(try factsh("count enterprises where name~机械"))
        let s6 = Self.rows(try sql("SELECT count(*) FROM enterprises WHERE name LIKE '%机械%'"))
        #expect(f6 == s6)
    }
}

/// Random statements (conditions with and/or/not, `in`, `~`, `is null` and linked entities'
/// columns; counts, groups with `having` and `limit`, summaries, rows in order with `offset`),
/// asked of factsh and of SQLite by `scripts/agree-sqlite.py` over gen.py's graph at scale 5,000
/// with holes in the awards (missing years, editions, firms and departments): every answer agrees.
@Suite struct RandomAgreementTests {
    @Test func randomStatementsAgreeWithSQLite() throws {
        let python = try FactshProcess.require("python3")
        try #require(FileManager.default.fileExists(atPath: SQLiteAgreementTests.genPy), "\(SQLiteAgreementTests.genPy) is missing (the shared folder beside the repository)")
        let dir = NSTemporaryDirectory() + "factsh-random-agree-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: dir) }
        _ = try SQLiteAgreementTests.run(python, [SQLiteAgreementTests.genPy, "--scale", "5000", "--out", dir])
        let script = FactshProcess.packageRoot.appendingPathComponent("scripts/agree-sqlite.py").path
        let p = Process()
        p.executableURL = URL(fileURLWithPath: python)
        p.arguments = [script, dir, try FactshProcess.binary().path, "--statements", "400", "--seed", "1", "--holes"]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = out
        try p.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(p.terminationStatus == 0, "\(text.suffix(4000))")
        #expect(text.hasSuffix("400 statements, 0 differ or fail\n"), "\(text.suffix(4000))")
    }
}
