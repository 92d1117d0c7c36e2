import Foundation
import Testing
@testable import FactGraph

/// A CSV folder written to a fresh temporary directory.
struct CSVFolder {
    let path: String

    init(_ files: [String: String]) throws {
        try self.init(bytes: files.mapValues { Array($0.utf8) })
    }

    init(bytes files: [String: [UInt8]]) throws {
        path = NSTemporaryDirectory() + "csv-test-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        for (name, content) in files {
            try Data(content).write(to: URL(fileURLWithPath: path + "/" + name))
        }
    }

    func file(_ name: String) -> String { path + "/" + name }

    func load(extending base: FactGraph? = nil) throws(LoadFailure) -> FactGraph {
        try CSVImporter.load(directory: path, extending: base)
    }

    /// The errors of a load that must fail, as "file:line: message" with the folder stripped.
    func errors() -> [String] { errorValues().map(\.description) }

    /// The errors of a load that must fail, with file names relative to the folder.
    func errorValues() -> [LoadError] {
        do {
            _ = try load()
            return []
        } catch {
            return error.errors.map {
                var e = $0
                e.position.file = e.position.file.replacingOccurrences(of: path + "/", with: "")
                return e
            }
        }
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// A small folder in the layout of ../shared/bench/gen.py.
let genLayout: [String: String] = [
    "provinces.csv": "name\r\n山东省\r\n江苏省\r\n",
    "cities.csv": "name,province,aliases\r\n济宁市,山东省,Jining|济宁\r\n潍坊市,山东省,Weifang\r\n苏州市,江苏省,Suzhou\r\n",
    "departments.csv": "name,city\r\n济宁市市场监督管理局,济宁市\r\n潍坊市市场监督管理局,潍坊市\r\n苏州市工业和信息化局,苏州市\r\n",
    "enterprises.csv": "name,city,industry\r\n山东天意机械股份有限公司,Jining,机械\r\n歌尔股份有限公司,潍坊市,电子\r\n苏州精密制造有限公司,苏州市,精密制造\r\n",
    "honors.csv": "name,level,issuer\r\n山东省长质量奖,省级,济宁市市场监督管理局\r\n\"国家级专精特新\"\"小巨人\"\"企业\",国家级,苏州市工业和信息化局\r\n",
    "awards.csv": """
        enterprise,honor,year,edition,recommended_by\r
        山东天意机械股份有限公司,山东省长质量奖,2021,5,济宁市市场监督管理局\r
        歌尔股份有限公司,"国家级专精特新""小巨人""企业",2020,3,潍坊市市场监督管理局\r
        苏州精密制造有限公司,山东省长质量奖,2019,,苏州市工业和信息化局\r
        山东天意机械股份有限公司,"国家级专精特新""小巨人""企业",2024,7,济宁市市场监督管理局\r

        """,
]

func error(_ file: String, _ line: Int, _ p: LoadProblem) -> LoadError {
    LoadError(SourcePosition(file: file, line: line, column: 0), p)
}

@Suite struct CSVImporterTests {
    func column(_ g: FactGraph, _ kind: String, _ col: String) throws -> Column {
        let k = try #require(g.kind(named: kind))
        let c = try #require(g.kinds[k].columnIndex(named: col), "no column \(col)")
        return g.kinds[k].columns[c]
    }

    func cells(_ g: FactGraph, _ kind: String, _ col: String) throws -> [String] {
        let k = try #require(g.kind(named: kind))
        let c = try #require(g.kinds[k].columnIndex(named: col))
        return (0..<g.kinds[k].rowCount).map { g.display(g.value(kind: k, column: c, row: $0)) }
    }

    // MARK: the gen.py layout

    @Test func genLayoutKindsRolesAndTypes() throws {
        let folder = try CSVFolder(genLayout)
        defer { folder.remove() }
        let g = try folder.load()
        #expect(g.kinds[g.kind(named: "cities")!].role == .place)
        #expect(g.kinds[g.kind(named: "province")!].role == .place)
        #expect(g.kinds[g.kind(named: "enterprises")!].role == .entity)
        #expect(g.kinds[g.kind(named: "honor")!].role == .entity)
        #expect(g.kinds[g.kind(named: "awards")!].role == .relation)
        #expect(g.kinds[g.kind(named: "award")!].rowCount == 4)

        let enterprise = g.kind(named: "enterprise")!, department = g.kind(named: "department")!
        #expect(try column(g, "award", "enterprise").type == .ref(.kind(enterprise)))
        #expect(try column(g, "award", "enterprise").isLocation)
        #expect(try column(g, "award", "year").type == .int)
        #expect(try column(g, "award", "edition").type == .int)
        // issuer and recommended_by name departments only: they become references.
        #expect(try column(g, "award", "recommended_by").type == .ref(.kind(department)))
        #expect(try column(g, "honor", "issuer").type == .ref(.kind(department)))
        #expect(try column(g, "honor", "level").type == .text)
        #expect(try column(g, "enterprise", "industry").type == .text)
        #expect(try column(g, "enterprise", "city").isLocation)
        #expect(try column(g, "city", "province").isLocation)

        #expect(try cells(g, "award", "honor") == ["山东省长质量奖", "国家级专精特新\"小巨人\"企业", "山东省长质量奖", "国家级专精特新\"小巨人\"企业"])
        #expect(try cells(g, "award", "edition") == ["5", "3", "", "7"])
    }

    @Test func aliasesAndReferencesByAlias() throws {
        let folder = try CSVFolder(genLayout)
        defer { folder.remove() }
        let g = try folder.load()
        let jining = try #require(g.entity(named: "济宁市"))
        #expect(g.entity(named: "Jining") == jining)
        #expect(g.entity(named: "jining") == jining)
        #expect(g.entity(named: "济宁") == jining)
        #expect(g.aliases(of: jining).sorted() == ["Jining", "济宁"])
        // The enterprise's city was given as the alias "Jining".
        let tianyi = try #require(g.entity(named: "山东天意机械股份有限公司"))
        #expect(g.parent[Int(tianyi)] == jining)
        #expect(g.chain(of: tianyi).map { g.name(of: $0) } == ["山东天意机械股份有限公司", "济宁市", "山东省"])
    }

    @Test func awardsFollowEnterpriseToCity() throws {
        let folder = try CSVFolder(genLayout)
        defer { folder.remove() }
        let g = try folder.load()
        let awards = g.kind(named: "awards")!
        let jining = g.entity(named: "济宁")!, shandong = g.entity(named: "山东省")!
        let inJining = (0..<g.kinds[awards].rowCount).filter { g.isWithin(g.location(kind: awards, row: $0), jining) }
        #expect(inJining == [0, 3])
        let inShandong = (0..<g.kinds[awards].rowCount).filter { g.isWithin(g.location(kind: awards, row: $0), shandong) }
        #expect(inShandong == [0, 1, 3])
        let tianyi = g.entity(named: "山东天意机械股份有限公司")!
        let col = g.kinds[awards].columnIndex(named: "enterprise")!
        #expect(g.rows(kind: awards, column: col, referring: tianyi).map(Array.init) == [0, 3])
    }

    @Test func extendingKeepsTheBaseAndAddsKinds() throws {
        let base = try CSVFolder(["cities.csv": "name,aliases\n济宁市,Jining\n"])
        defer { base.remove() }
        let g0 = try base.load()
        let more = try CSVFolder(["shops.csv": "name,city\n某店,Jining\n"])
        defer { more.remove() }
        let g1 = try more.load(extending: g0)
        #expect(g1.parent[Int(g1.entity(named: "某店")!)] == g1.entity(named: "济宁市"))
        #expect(g0.entity(named: "某店") == nil)
        // A failing import leaves the graph it extends as it was.
        let bad = try CSVFolder(["shops.csv": "name,city\n某店,Jinan\n"])
        defer { bad.remove() }
        #expect(throws: LoadFailure.self) { try bad.load(extending: g0) }
        #expect(g0.kind(named: "shop") == nil)
    }

    @Test func referencesIgnoreASCIICaseAndMayBeEmptyOrToTheSameKind() throws {
        let folder = try CSVFolder([
            "cities.csv": "name,aliases\n济宁市,Jining\n",
            "companies.csv": "name,company,city\n母公司,,JINING\n子公司,母公司,jining\n",
        ])
        defer { folder.remove() }
        let g = try folder.load()
        let company = g.kind(named: "company")!
        #expect(try column(g, "company", "company").type == .ref(.kind(company)))
        // The first reference to a place is the location, not the first reference.
        #expect(try column(g, "company", "city").isLocation)
        #expect(try cells(g, "company", "company") == ["", "母公司"])
        #expect(try cells(g, "company", "city") == ["济宁市", "济宁市"])
    }

    @Test func intColumnTurnsTextInALaterPart() throws {
        // Over the split threshold: the parts scan at the same time; only the last one sees text.
        var rows = "id,year\n"
        for i in 0..<800_000 { rows += "\(i),\(2000 + i % 27)\n" }
        rows += "800000,n/a\n"
        let folder = try CSVFolder(["rows.csv": rows])
        defer { folder.remove() }
        let g = try folder.load()
        #expect(try column(g, "row", "id").type == .int)
        #expect(try column(g, "row", "year").type == .text)
        let years = try cells(g, "row", "year")
        #expect(years.count == 800_001 && years[0] == "2000" && years[799_999] == String(2000 + 799_999 % 27) && years.last == "n/a")
    }

    // MARK: parsing

    @Test func rfc4180Fields() throws {
        let folder = try CSVFolder([
            "notes.csv": "\u{FEFF}topic,text\n\"a,b\",\"say \"\"hi\"\"\"\nmulti,\"line one\nline two\"\n\nlast,no newline at end",
        ])
        defer { folder.remove() }
        let g = try folder.load()
        #expect(try cells(g, "note", "topic") == ["a,b", "multi", "last"])
        #expect(try cells(g, "note", "text") == ["say \"hi\"", "line one\nline two", "no newline at end"])
    }

    @Test func intColumnsOnlyForCanonicalIntegers() throws {
        let folder = try CSVFolder(["rows.csv": "a,b,c,d\n1,007,12,-3\n2,8,x,\n"])
        defer { folder.remove() }
        let g = try folder.load()
        #expect(try column(g, "row", "a").type == .int)
        #expect(try column(g, "row", "b").type == .text)
        #expect(try column(g, "row", "c").type == .text)
        #expect(try column(g, "row", "d").type == .int)
        #expect(try cells(g, "row", "b") == ["007", "8"])
        #expect(try cells(g, "row", "c") == ["12", "x"])
        #expect(try cells(g, "row", "d") == ["-3", ""])
    }

    @Test func singularOfFileNames() {
        let cases = ["cities": "city", "provinces": "province", "enterprises": "enterprise", "awards": "award",
                     "honors": "honor", "departments": "department", "companies": "company", "people": "person",
                     "classes": "class", "statuses": "status", "boxes": "box", "staff": "staff"]
        for (plural, singular) in cases { #expect(CSVImporter.singular(plural) == singular, "\(plural)") }
    }

    // MARK: errors: file:line: message, and nothing loads

    @Test func raggedRow() throws {
        var files = genLayout
        files["awards.csv"] = "enterprise,honor,year,edition,recommended_by\n歌尔股份有限公司,山东省长质量奖,2020,3\n"
        let folder = try CSVFolder(files)
        defer { folder.remove() }
        #expect(folder.errorValues() == [error("awards.csv", 2, .raggedRow(expected: 5, found: 4))])
    }

    @Test func badQuoting() throws {
        let folder = try CSVFolder(["things.csv": "name,note\na,fine\nb,say \"hi\"\n\"c\"x,after quote\nd,ok\n"])
        defer { folder.remove() }
        #expect(folder.errorValues() == [error("things.csv", 3, .badQuoting), error("things.csv", 4, .badQuoting)])
    }

    @Test func unterminatedQuote() throws {
        let folder = try CSVFolder(["things.csv": "name,note\na,\"open\nand never closed\n"])
        defer { folder.remove() }
        #expect(folder.errorValues() == [error("things.csv", 2, .unterminatedQuote)])
    }

    @Test func danglingReference() throws {
        var files = genLayout
        files["enterprises.csv"] = "name,city,industry\n甲公司,济宁市,机械\n乙公司,济南市,电子\n"
        files["awards.csv"] = "enterprise,honor,year\n甲公司,山东省长质量奖,2020\n丙公司,山东省长质量奖,2021\n"
        let folder = try CSVFolder(files)
        defer { folder.remove() }
        let errs = folder.errorValues()
        #expect(errs.map(\.position.description) == ["enterprises.csv:3", "awards.csv:3"])
        guard errs.count == 2 else { return }
        guard case .danglingReference("济南市", column: "city", _) = errs[0].problem else { Issue.record("\(errs[0])"); return }
        guard case .danglingReference("丙公司", column: "enterprise", _) = errs[1].problem else { Issue.record("\(errs[1])"); return }
        // The message says file:line: first.
        #expect(folder.errors()[0].hasPrefix("enterprises.csv:3: "))
    }

    @Test func referenceToTheWrongKind() throws {
        let folder = try CSVFolder(["provinces.csv": "name\n山东省\n", "cities.csv": "name,province\n济宁市,山东省\n",
                                    "shops.csv": "name,city\n某店,山东省\n"])
        defer { folder.remove() }
        #expect(folder.errorValues() == [error("shops.csv", 2, .wrongKindReference("山东省", column: "city", expected: "city", found: "province"))])
    }

    @Test func duplicateNames() throws {
        let folder = try CSVFolder(["cities.csv": "name,aliases\n济宁市,Jining\n潍坊市,\n济宁市,\n烟台市,jining\n"])
        defer { folder.remove() }
        #expect(folder.errorValues() == [
            error("cities.csv", 4, .duplicateName("济宁市", existing: "济宁市", line: 2)),
            error("cities.csv", 5, .duplicateName("jining", existing: "济宁市", line: 2)),
        ])
    }

    @Test func namesAreUniqueAcrossFiles() throws {
        let folder = try CSVFolder(["cities.csv": "name\n济宁市\n", "departments.csv": "name,city\n市场监督管理局,济宁市\n济宁市,济宁市\n"])
        defer { folder.remove() }
        #expect(folder.errorValues() == [error("departments.csv", 3, .duplicateName("济宁市", existing: "city 济宁市", line: nil))])
    }

    @Test func atMostAHundredErrors() throws {
        let folder = try CSVFolder(["rows.csv": "a,b\n" + String(repeating: "1,2,3\n", count: 150)])
        defer { folder.remove() }
        let errs = folder.errorValues()
        #expect(errs.count == 101)
        #expect(errs.first == error("rows.csv", 2, .raggedRow(expected: 2, found: 3)))
        #expect(errs.last?.problem == .tooManyErrors)
    }

    @Test func invalidUTF8() throws {
        var bad = Array("name,note\nok,fine\n".utf8)
        bad += [0x62, 0xFF, 0x2C, 0x78, 0x0A]              // b\xFF,x
        bad += Array("c,".utf8) + [0xE6, 0x9C, 0x0A]       // truncated 3-byte sequence in a text cell
        let folder = try CSVFolder(bytes: ["things.csv": bad])
        defer { folder.remove() }
        // Not UTF-8, and not GB18030 either (0xFF starts no GB18030 sequence): the file is named,
        // then each line where its UTF-8 goes wrong.
        #expect(folder.errorValues() == [error("things.csv", 0, .io("neither UTF-8 nor GB18030 text")),
                                         error("things.csv", 3, .invalidUTF8), error("things.csv", 4, .invalidUTF8)])
    }

    @Test func missingHeaderAndEmptyColumnName() throws {
        let folder = try CSVFolder(["empty.csv": "", "gaps.csv": "name,,city\n"])
        defer { folder.remove() }
        #expect(folder.errorValues() == [
            error("empty.csv", 1, .missingHeader("the first line must name the columns")),
            error("gaps.csv", 1, .missingHeader("column 2 has no name")),
        ])
    }

    @Test func noFolderOrNoCSV() throws {
        let folder = try CSVFolder(["readme.txt": "not csv"])
        defer { folder.remove() }
        #expect(folder.errors().first?.hasSuffix("no .csv files in '\(folder.path)'") == true)
        #expect(throws: LoadFailure.self) { try CSVImporter.load(directory: folder.path + "/nope") }
    }

    @Test func errorLinesCountLineBreaksInsideQuotes() throws {
        let folder = try CSVFolder(["notes.csv": "topic,text\na,\"two\nlines\"\nb,x,extra\n"])
        defer { folder.remove() }
        #expect(folder.errorValues() == [error("notes.csv", 4, .raggedRow(expected: 2, found: 3))])
    }

    // MARK: big files are split across cores

    /// A relation file over the split threshold, with a quoted field full of line breaks around the
    /// middle so that a split point falls inside quotes and the importer must rescan.
    @Test func bigRelationFileSplitsOnRecordBoundaries() throws {
        var awards = "enterprise,honor,year,note\n"
        let rows = 300_000
        for i in 0..<rows {
            if i == rows / 2 {
                awards += "甲公司,乙奖,\(2000 + i % 27),\"" + String(repeating: "line\n", count: 200_000) + "\"\n"
            } else {
                awards += "\(i % 2 == 0 ? "甲公司" : "丙公司"),乙奖,\(2000 + i % 27),n\(i % 7)\n"
            }
        }
        awards += "丙公司,乙奖,1999,x,extra\n"     // a ragged row on the last line
        let lastLine = 1 + rows + 200_000 + 1
        let folder = try CSVFolder(["enterprises.csv": "name\n甲公司\n丙公司\n", "honors.csv": "name\n乙奖\n", "awards.csv": awards])
        defer { folder.remove() }
        #expect(folder.errorValues() == [error("awards.csv", lastLine, .raggedRow(expected: 4, found: 5))])

        var fixed = awards
        fixed.removeLast("丙公司,乙奖,1999,x,extra\n".count)
        try Data(fixed.utf8).write(to: URL(fileURLWithPath: folder.file("awards.csv")))
        let g = try folder.load()
        let k = g.kind(named: "award")!
        #expect(g.kinds[k].rowCount == rows)
        let years = try cells(g, "award", "year")
        #expect(years.enumerated().allSatisfy { $0.element == String(2000 + $0.offset % 27) })
        let enterprises = try cells(g, "award", "enterprise")
        #expect(enterprises[rows / 2] == "甲公司" && enterprises[rows / 2 + 1] == "丙公司")
        #expect(try cells(g, "award", "note")[rows / 2].count == 5 * 200_000)
    }
}
