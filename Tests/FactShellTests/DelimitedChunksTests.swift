import FactGraph
import FactQuery
import Foundation
import Testing
@testable import FactShell

/// The chunked, two-core path of CSV/TSV output (`DelimitedBytes.StoredRows`) writes the same
/// bytes as the row-by-row path: quoting, escapes, nulls and `.nullvalue`, chunk edges.
@Suite struct DelimitedChunksTests {
    /// 20,001 awards over 3 enterprises whose names need quoting, some cells empty.
    static let graph: FactGraph = {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("factsh-chunks-\(getpid())")
        try? FileManager.default.removeItem(at: dir)
        try! FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try! "name,note\n\"甲, 有限公司\",\"说\"\"好\"\"\"\n乙\tTab公司,\n丙公司,back\\\\slash\n"
            .write(to: dir.appendingPathComponent("enterprises.csv"), atomically: true, encoding: .utf8)
        var awards = "enterprise,year,remark\n"
        let names = ["\"甲, 有限公司\"", "乙\tTab公司", "丙公司"]
        for i in 0...20_000 {
            let year = i % 7 == 0 ? "" : String(2000 + i % 25)
            let remark = i % 5 == 0 ? "" : (i % 3 == 0 ? "\"a,\"\"b\"\"\"" : "r\(i % 11)")
            awards += "\(names[i % 3]),\(year),\(remark)\n"
        }
        try! awards.write(to: dir.appendingPathComponent("awards.csv"), atomically: true, encoding: .utf8)
        return try! CSVImporter.load(directory: dir.path)
    }()

    static func render(_ q: String, _ quoting: DelimitedBytes.Quoting, chunked: Bool, null: String?) throws -> String {
        let t = try QueryEngine(graph: graph).execute(q)
        var d = DelimitedBytes(quoting: quoting, separator: quoting == .csv ? 0x2C : 0x09)
        d.chunkedFrom = chunked ? 1 : Int.max
        var o = RenderOptions()
        o.nullText = null
        let sink = StringSink()
        try d.render(t, o, to: sink)
        return sink.text
    }

    @Test(arguments: [DelimitedBytes.Quoting.csv, .tsv], [nil, "NULL"])
    func chunkedEqualsRowByRow(_ quoting: DelimitedBytes.Quoting, _ null: String?) throws {
        for q in ["awards", "awards show enterprise, year, remark where year >= 2010", "enterprises"] {
            let a = try Self.render(q, quoting, chunked: true, null: null)
            let b = try Self.render(q, quoting, chunked: false, null: null)
            #expect(a == b, "\(q)")
        }
        let all = try Self.render("awards", quoting, chunked: true, null: null)
        #expect(all.split(separator: "\n", omittingEmptySubsequences: false).count == 20_001 + 2)
    }

    /// Summaries take the chunked path too, read by group number: names and texts as keys,
    /// int keys with a missing value, counts, min/max of ints and of texts, a key of mixed
    /// values (which stays row by row), `having`, `limit` and `offset`.
    @Test(arguments: [DelimitedBytes.Quoting.csv, .tsv], [nil, "NULL"])
    func summariesChunkedEqualRowByRow(_ quoting: DelimitedBytes.Quoting, _ null: String?) throws {
        for q in ["count awards by enterprise, year", "count awards by year, remark", "count awards by remark",
                  "awards summarize min(year), max(year), min(remark), max(remark), count(distinct remark) by enterprise, year",
                  "count awards by year, remark having count > 30 order by remark desc", "count awards by remark, year limit 40 offset 7",
                  "awards summarize avg(year) by remark", "count awards by year"] {
            let a = try Self.render(q, quoting, chunked: true, null: null)
            let b = try Self.render(q, quoting, chunked: false, null: null)
            #expect(a == b, "\(q)")
            #expect(a.split(separator: "\n").count > 2, "\(q)")
        }
    }

    /// A CSV row of one empty field is `""` (an empty line is no record to CSV readers, ours
    /// included), on both paths; with `.nullvalue` the null text is written; TSV has no quoting.
    @Test(arguments: [true, false])
    func oneEmptyFieldIsAQuotedEmptyString(_ chunked: Bool) throws {
        let years = try Self.render("awards show year", .csv, chunked: chunked, null: nil).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(years.count == 20_001 + 2)
        #expect(years.filter { $0 == "\"\"" }.count == 2_858, "every seventh award has no year")
        #expect(!years.dropLast().contains(""), "no empty line but the end")
        let remarks = try Self.render("awards show remark", .csv, chunked: chunked, null: nil).split(separator: "\n")
        #expect(remarks.filter { $0 == "\"\"" }.count == 4_001)
        let nulls = try Self.render("awards show year", .csv, chunked: chunked, null: "NULL").split(separator: "\n")
        #expect(nulls.filter { $0 == "NULL" }.count == 2_858 && !nulls.contains("\"\""))
        let two = try Self.render("awards show year, remark", .csv, chunked: chunked, null: nil).split(separator: "\n")
        #expect(two.contains(",") && !two.contains("\"\""), "two fields: the comma shows the row")
        let tsv = try Self.render("awards show year", .tsv, chunked: chunked, null: nil).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(tsv.filter { $0.isEmpty }.count == 2_858 + 1)
    }

    /// A run of rows (`awards` with offset and limit keeps no list of row numbers) renders the
    /// whole table's slice, chunked or row by row; an offset past the end gives no rows.
    @Test func runOfRowsIsTheSlice() throws {
        let whole = try Self.render("awards", .csv, chunked: false, null: nil).split(separator: "\n", omittingEmptySubsequences: false)
        for chunked in [true, false] {
            let part = try Self.render("awards limit 12000 offset 5000", .csv, chunked: chunked, null: nil)
                .split(separator: "\n", omittingEmptySubsequences: false)
            #expect(part.first == whole.first)
            #expect(Array(part.dropFirst().prefix(12_000)) == Array(whole[(1 + 5_000)..<(1 + 17_000)]), "chunked: \(chunked)")
            let past = try Self.render("awards limit 10 offset 30000", .csv, chunked: chunked, null: nil)
            #expect(past.split(separator: "\n").count == 1, "only the header")
        }
        let t = try QueryEngine(graph: Self.graph).execute("awards limit 3 offset 20000")
        #expect(t.rowCount == 1)
        #expect(t.relationRows?[0] == 20_000)
    }
}

/// JSON and JSON Lines of big results (`DelimitedBytes.renderJSON`) write the bytes of the
/// row-by-row path: keys, escapes (quotes, backslashes, tabs, control characters), `null` for
/// missing values whatever `.nullvalue` says, the array's commas up to the last object, chunk
/// edges and `.maxrows`.
@Suite struct JSONChunksTests {
    static func render(_ q: String, lines: Bool, chunked: Bool, maxRows: Int? = nil) throws -> String {
        let t = try QueryEngine(graph: DelimitedChunksTests.graph).execute(q)
        var o = RenderOptions()
        o.nullText = "NULL"
        o.maxRows = maxRows
        let sink = StringSink()
        if lines {
            var f = JSONLinesFormat()
            f.chunkedFrom = chunked ? 1 : Int.max
            try f.render(t, o, to: sink)
        } else {
            var f = JSONFormat()
            f.chunkedFrom = chunked ? 1 : Int.max
            try f.render(t, o, to: sink)
        }
        return sink.text
    }

    @Test(arguments: [false, true])
    func chunkedEqualsRowByRow(_ lines: Bool) throws {
        for q in ["awards", "awards show remark, enterprise where year >= 2010", "enterprises", "awards limit 12000 offset 5000",
                  "count awards by enterprise, year", "count awards by year, remark", "count awards by remark limit 1",
                  "awards summarize min(year), max(remark) by enterprise, year", "awards where year = 1900"] {
            let a = try Self.render(q, lines: lines, chunked: true)
            let b = try Self.render(q, lines: lines, chunked: false)
            #expect(a == b, "\(q)")
        }
        let a = try Self.render("awards", lines: lines, chunked: true, maxRows: 9_000)
        #expect(a == (try Self.render("awards", lines: lines, chunked: false, maxRows: 9_000)))
        #expect(a.split(separator: "\n").count == 9_000 + (lines ? 0 : 2))
    }

    /// The chunked array is JSON that Foundation reads back, with every row.
    @Test func arrayParses() throws {
        let text = try Self.render("awards", lines: false, chunked: true)
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]])
        #expect(rows.count == 20_001)
        #expect(rows[0]["enterprise"] as? String == "甲, 有限公司")
        #expect(rows[1]["enterprise"] as? String == "乙\tTab公司")
        #expect(rows.contains { $0["remark"] is NSNull } && rows.contains { $0["remark"] as? String == "a,\"b\"" })
    }
}
