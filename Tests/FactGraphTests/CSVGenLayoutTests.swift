import Foundation
import Testing
@testable import FactGraph

/// A folder written by ../shared/bench/gen.py at scale 1,000 loads, and the graph answers the
/// benchmark's questions with the same rows as sqlite3 gives on the same CSV (when python3,
/// gen.py and sqlite3 are present; otherwise the test says so and passes).
@Suite struct CSVGenLayoutTests {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let genPy = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/bench/gen.py").path

    static func which(_ tool: String) -> String? {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let p = "\(dir)/\(tool)"
            if FileManager.default.isExecutableFile(atPath: p) { return p }
        }
        return nil
    }

    @discardableResult
    static func run(_ tool: String, _ args: [String], stdin: String? = nil) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tool)
        p.arguments = args
        let out = Pipe()
        p.standardOutput = out
        if let stdin {
            let inPipe = Pipe()
            p.standardInput = inPipe
            try p.run()
            inPipe.fileHandleForWriting.write(stdin.data(using: .utf8)!)
            try inPipe.fileHandleForWriting.close()
        } else {
            try p.run()
        }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    struct Params: Decodable {
        var q1_city: String
        var q1_city_alias: String
        var q3_honor: String
        var q4_enterprise: String
        var q4_award_count: Int
    }

    @Test func genPyFolderLoadsAndAgreesWithSQLite() throws {
        let python = try #require(Self.which("python3"), "python3 is not installed; this test cannot run without it")
        try #require(FileManager.default.fileExists(atPath: Self.genPy), "\(Self.genPy) is missing (the shared folder beside the repository)")
        let dir = NSTemporaryDirectory() + "csv-gen-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try Self.run(python, [Self.genPy, "--scale", "1000", "--out", dir])
        let params = try JSONDecoder().decode(Params.self, from: Data(contentsOf: URL(fileURLWithPath: dir + "/params.json")))
        let g = try CSVImporter.load(directory: dir)

        let counts = ["province": 34, "city": 340, "department": 6800, "honor": 300, "enterprise": 1000, "award": 5000]
        for (kind, n) in counts { #expect(g.kinds[g.kind(named: kind)!].rowCount == n, "\(kind)") }
        let awards = g.kind(named: "award")!
        let kind = g.kinds[awards]
        let entCol = kind.columnIndex(named: "enterprise")!, honorCol = kind.columnIndex(named: "honor")!
        let yearCol = kind.columnIndex(named: "year")!
        func text(_ c: Int, _ r: Int) -> String { g.display(g.value(kind: awards, column: c, row: r)) }

        // Q4's count, from the generator itself.
        let q4 = try #require(g.entity(named: params.q4_enterprise))
        #expect(g.rows(kind: awards, column: entCol, referring: q4)?.count == params.q4_award_count)
        // The alias names the same city.
        let city = try #require(g.entity(named: params.q1_city))
        #expect(g.entity(named: params.q1_city_alias) == city)

        // The graph's answers.
        let q1 = (0..<kind.rowCount).filter { g.isWithin(g.location(kind: awards, row: $0), city) }
            .map { "\(text(entCol, $0)),\(text(honorCol, $0)),\(text(yearCol, $0))" }.sorted()
        var byCity: [String: Int] = [:]
        for r in 0..<kind.rowCount {
            let e = kind.id(entCol, r)
            byCity[g.name(of: g.parent[Int(e)]), default: 0] += 1
        }
        let q2 = byCity.map { "\($0.key),\($0.value)" }.sorted()
        let q3 = (0..<kind.rowCount).filter { text(honorCol, $0) == params.q3_honor && kind.int(yearCol, $0) >= 2020 }
            .map { kind.int(yearCol, $0) }.sorted(by: >).prefix(20).map(String.init)
        let enterprises = g.kinds[g.kind(named: "enterprise")!]
        let q6 = enterprises.entityOfRow.filter { g.name(of: $0).contains("机械") }.count

        let sqlite = try #require(Self.which("sqlite3"), "sqlite3 is not installed (scripts/install-deps test installs it); the comparison cannot run")
        func sql(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "''") + "'" }
        let script = """
            .mode csv
            CREATE TABLE enterprises(name TEXT, city TEXT, industry TEXT);
            CREATE TABLE awards(enterprise TEXT, honor TEXT, year INTEGER, edition INTEGER, recommended_by TEXT);
            .import --csv --skip 1 \(dir)/enterprises.csv enterprises
            .import --csv --skip 1 \(dir)/awards.csv awards
            .print @@Q1
            SELECT a.enterprise,a.honor,a.year FROM awards a JOIN enterprises e ON e.name=a.enterprise WHERE e.city=\(sql(params.q1_city));
            .print @@Q2
            SELECT e.city, count(*) FROM awards a JOIN enterprises e ON e.name=a.enterprise GROUP BY e.city;
            .print @@Q3
            SELECT year FROM awards WHERE honor=\(sql(params.q3_honor)) AND year>=2020 ORDER BY year DESC LIMIT 20;
            .print @@Q6
            SELECT count(*) FROM enterprises WHERE name LIKE '%机械%';
            """
        let out = try Self.run(sqlite, [":memory:"], stdin: script)
        var sections: [String: [String]] = [:]
        var current = ""
        for line in out.split(whereSeparator: \.isNewline).map(String.init) {
            if line.hasPrefix("@@") { current = String(line.dropFirst(2)); continue }
            // Quoted CSV fields: the names here hold no comma, so dropping the quotes is enough.
            sections[current, default: []].append(line.replacingOccurrences(of: "\"\"", with: "\u{1}")
                .replacingOccurrences(of: "\"", with: "").replacingOccurrences(of: "\u{1}", with: "\""))
        }
        #expect(sections["Q1"]?.sorted() == q1)
        #expect(sections["Q2"]?.sorted() == q2)
        #expect(sections["Q3"] ?? [] == q3)
        #expect(sections["Q6"] == [String(q6)])
        #expect(!q1.isEmpty && q2.count > 100 && !q3.isEmpty && q6 > 0)
    }
}
