import Testing
@testable import FactGraph

/// A small graph in the documented format, used by several tests.
let sampleFacts = """
# sample
kind province/provinces place
kind city/cities place province:province^
kind district/districts place city:city^
kind enterprise/enterprises entity city:place^ industry:text
kind honor/honors entity level:text
kind award/awards relation recipient:entity^ honor:honor year:int date:date note:text
kind stat/stats relation subject:entity^ value:number unit:text

source s1 date=2024-09-11 publisher=测试
province 山东省 aka=山东
city 济宁市 aka=济宁 aka=Jining province=山东省 @s1:8
city 潍坊市 aka=潍坊 province=山东省 @s1:9
district 兖州区 city=济宁市 @s1:27
enterprise 山东天意机械股份有限公司 aka=天意机械 city=济宁市 @s1:27
enterprise 兖州农机 city=兖州区
enterprise 歌尔股份有限公司 aka=歌尔 city=潍坊 industry="电子 声学"
honor 省长质量奖 level=省级
award recipient=天意机械 honor=省长质量奖 year=2024 @s1:27 @s1:28
award recipient=兖州区 honor=省长质量奖 date=2023-10
award recipient=兖州农机 honor=省长质量奖 year=2022
award recipient=歌尔 honor=省长质量奖 year=2021 note="a \\"quoted\\" note"
stat subject=济宁市 value=98.5 unit=%
"""

func load(_ text: String, file: String = "t.facts") throws(LoadFailure) -> FactGraph {
    try FactsReader.load([(file, Array(text.utf8))])
}

/// The errors of loading `text` (which must fail) as "line:column: message" strings.
func loadErrors(_ text: String) -> [String] {
    do {
        _ = try load(sampleFacts + "\n" + text)
        return []
    } catch let error as LoadFailure {
        return error.errors.map { "\($0.position.line):\($0.position.column): \($0.problem.message)" }
    } catch { return ["\(error)"] }
}

let baseLines = sampleFacts.split(separator: "\n", omittingEmptySubsequences: false).count

@Suite struct FactsReaderTests {
    @Test func loadsEntitiesRelationsAndProvenance() throws {
        let g = try load(sampleFacts)
        #expect(g.kind(named: "cities") == g.kind(named: "city"))
        let award = g.kinds[g.kind(named: "award")!]
        #expect(award.rowCount == 4)
        let tianyi = try #require(g.entity(named: "天意机械"))
        #expect(g.name(of: tianyi) == "山东天意机械股份有限公司")
        #expect(g.aliases(of: tianyi) == ["天意机械"])
        let prov = award.provenance(0)
        #expect(prov.map(\.paragraph) == [27, 28])
        #expect(g.name(of: prov[0].source) == "s1")
        #expect(g.display(g.value(kind: award.index, column: award.columnIndex(named: "note")!, row: 3)) == "a \"quoted\" note")
        #expect(g.display(g.value(kind: award.index, column: award.columnIndex(named: "date")!, row: 1)) == "2023-10")
    }

    @Test func aliasesResolveExactlyAndASCIICaseInsensitively() throws {
        let g = try load(sampleFacts)
        let jining = try #require(g.entity(named: "济宁市"))
        for n in ["济宁", "Jining", "jining", "JINING", "济宁市"] { #expect(g.entity(named: n) == jining, "\(n)") }
        #expect(g.entity(named: "济宁 ") == nil)
        #expect(g.entity(named: "济") == nil)
    }

    @Test func placesNestAndRollUp() throws {
        let g = try load(sampleFacts)
        let jining = g.entity(named: "济宁")!, yanzhou = g.entity(named: "兖州区")!, shandong = g.entity(named: "山东")!
        let nongji = g.entity(named: "兖州农机")!
        #expect(g.chain(of: nongji) == [nongji, yanzhou, jining, shandong])
        #expect(g.isWithin(nongji, jining))
        #expect(!g.isWithin(g.entity(named: "歌尔")!, jining))
        let within = Set(g.descendants(of: jining))
        #expect(within.contains(nongji) && within.contains(yanzhou) && within.contains(g.entity(named: "天意机械")!))
        #expect(g.ancestor(of: nongji, kind: g.kind(named: "city")!) == jining)
    }

    @Test func referenceIndexesFindRowsInO1() throws {
        let g = try load(sampleFacts)
        let k = g.kind(named: "awards")!
        let c = g.kinds[k].columnIndex(named: "honor")!
        let h = g.entity(named: "省长质量奖")!
        #expect(g.rows(kind: k, column: c, referring: h)?.count == 4)
        // Buckets are sorted by the first int column (year), nulls first.
        #expect(g.indexSortColumn(kind: k, column: c) == g.kinds[k].columnIndex(named: "year"))
        let years = g.rows(kind: k, column: c, referring: h)!.map { g.kinds[k].int(g.kinds[k].columnIndex(named: "year")!, Int($0)) }
        #expect(years == [Null.int, 2021, 2022, 2024])
    }

    @Test func roundTripGivesTheSameGraphAndBytes() throws {
        let g = try load(sampleFacts)
        let once = FactsWriter.write(g)
        let g2 = try load(once, file: "canonical.facts")
        let twice = FactsWriter.write(g2)
        #expect(once == twice)
        #expect(g2.entityCount == g.entityCount)
        for k in g.kinds.indices {
            #expect(g.kinds[k].rowCount == g2.kinds[k].rowCount)
            for r in 0..<g.kinds[k].rowCount {
                for c in g.kinds[k].columns.indices {
                    #expect(g.display(g.value(kind: k, column: c, row: r)) == g2.display(g2.value(kind: k, column: c, row: r)))
                }
                #expect(g.kinds[k].provenance(r).map(\.paragraph) == g2.kinds[k].provenance(r).map(\.paragraph))
            }
        }
    }

    // One row per error kind: the line appended to the sample, and the expected
    // "line:column: message" (line relative to the appended text).
    static let errorCases: [(String, String, String)] = [
        ("unknown kind", "compnay 某公司", "1:1: unknown kind 'compnay'"),
        ("unknown kind suggestion", "enterprize 某公司", "1:1: unknown kind 'enterprize' (did you mean 'enterprise'"),
        ("unknown column", "enterprise 某公司 cty=济宁", "1:16: kind 'enterprise' has no column 'cty' (did you mean 'city'?)"),
        ("dangling reference", "enterprise 某公司 city=济南", "1:21: no entity named '济南' (for column 'city') (did you mean '济宁'?)"),
        ("dangling reference suggestion", "enterprise 某公司 city=济宁x", "1:21: no entity named '济宁x' (for column 'city') (did you mean '济宁' or '济宁市'?)"),
        ("wrong kind reference", "award recipient=天意机械 honor=济宁", "1:28: '济宁' is of kind 'city', but 'honor' must name a 'honor'"),
        ("duplicate name", "enterprise 歌尔", "1:12: duplicate name '歌尔': already names 歌尔股份有限公司 (line 17)"),
        ("duplicate alias case-insensitive", "enterprise 新公司 aka=JINING", "1:20: duplicate name 'JINING': already names 济宁市 (line 12)"),
        ("bad int", "award recipient=歌尔 honor=省长质量奖 year=二〇二四", "1:37: 'year' expects an integer, found '二〇二四'"),
        ("bad date", "award recipient=歌尔 honor=省长质量奖 date=2024-13-01", "1:37: 'date' expects a date (YYYY, YYYY-MM or YYYY-MM-DD), found '2024-13-01'"),
        ("bad number", "stat subject=济宁 value=九十 unit=%", "1:23: 'value' expects a number, found '九十'"),
        ("unterminated quote", "enterprise 某公司 industry=\"机械", "1:25: unterminated quoted string"),
        ("missing name", "enterprise city=济宁", "1:12: missing name: a 'enterprise' fact starts with its name"),
        ("relation with a name", "award 某奖 honor=省长质量奖", "1:7: 'award' rows have no name, found '某奖' (write COLUMN=VALUE)"),
        ("missing value", "enterprise 某公司 city=", "1:20: missing value after 'city='"),
        ("bad provenance", "enterprise 某公司 @s1", "1:16: bad provenance '@s1' (expected @SOURCE:PARAGRAPH)"),
        ("unknown source", "enterprise 某公司 @s9:3", "1:16: no source named 's9'"),
        ("unknown type", "kind widget/widgets entity size:huge", "1:28: unknown column type 'huge'"),
        ("bad role", "kind widget/widgets thing", "1:21: bad kind declaration: role must be entity, place or relation, found 'thing'"),
        ("kind redeclared", "kind city/cities place", "1:6: kind 'city' is declared again with different columns"),
        ("duplicate column", "award recipient=歌尔 honor=省长质量奖 year=1 year=2", "1:39: column 'year' given twice"),
    ]

    @Test(arguments: errorCases)
    func reportsEachErrorKindWithLineAndColumn(_ c: (String, String, String)) {
        let errs = loadErrors(c.1).map { e -> String in
            // Make the line relative to the appended text.
            let parts = e.split(separator: ":", maxSplits: 1)
            let line = Int(parts[0])! - baseLines
            return "\(line):" + parts[1]
        }
        #expect(errs.count == 1, "\(c.0): \(errs)")
        #expect(errs.first?.hasPrefix(c.2) == true, "\(c.0): got \(errs)")
    }

    @Test func invalidUTF8IsReportedAtItsColumn() {
        var bytes = Array("kind city/cities place\ncity 济宁".utf8)
        bytes += [0xFF, 0xFE]
        bytes += Array(" aka=x\n".utf8)
        do {
            _ = try FactsReader.load([("bad.facts", bytes)])
            Issue.record("expected failure")
        } catch let error as LoadFailure {
            #expect(error.errors.map(\.description) == ["bad.facts:2:8: invalid UTF-8"])
        } catch { Issue.record("\(error)") }
    }

    @Test func aFileWithAnyErrorLoadsNothingAndReportsAll() {
        do {
            _ = try load(sampleFacts + "\ncompnay x\nenterprise y city=nowhere\n")
            Issue.record("expected failure")
        } catch let error as LoadFailure {
            #expect(error.errors.count == 2)
            #expect(error.errors.allSatisfy { $0.position.file == "t.facts" })
        } catch { Issue.record("\(error)") }
    }

    @Test func extendingAGraphIsAllOrNothing() throws {
        let g = try load(sampleFacts)
        let before = g.entityCount
        #expect(throws: LoadFailure.self) {
            _ = try FactsReader.load([("more.facts", Array("enterprise 新公司 city=济南\n".utf8))], extending: g)
        }
        #expect(g.entityCount == before)
        let g2 = try FactsReader.load([("more.facts", Array("enterprise 新公司 city=济宁\n".utf8))], extending: g)
        #expect(g2.entityCount == before + 1)
        #expect(g2.isWithin(g2.entity(named: "新公司")!, g2.entity(named: "山东")!))
        #expect(g2.aliases(of: g2.entity(named: "天意机械")!) == ["天意机械"])
    }

    @Test func commentsBlankLinesAndCRLF() throws {
        let g = try load("# only comments\r\n\r\nkind thing/things entity # trailing comment\r\nthing \"a # b\" # real comment\r\n")
        #expect(g.entity(named: "a # b") != nil)
    }
}
