import Testing
import BuiltinGraph
import FactGraph
@testable import FactQuery

let builtin: FactGraph = try! BuiltinGraph.load()

func rows(_ q: String, _ engine: QueryEngine = QueryEngine(graph: builtin)) throws -> [[String]] {
    let t = try engine.execute(q)
    return t.rows.indices.map { r in t.columns.indices.map { t.text(r, $0) } }
}

func problem(_ q: String, params: [String: String] = [:]) -> QueryError? {
    let e = QueryEngine(graph: builtin)
    e.parameters = params
    do { _ = try e.execute(q); return nil } catch { return error }
}

@Suite struct EngineTests {
    @Test func cityAliasesGiveTheSameRows() throws {
        let a = try rows("awards where city=济宁")
        #expect(a.count == 17)
        for alias in ["Jining", "jining", "济宁市", "\"济宁\""] {
            #expect(try rows("awards where city=\(alias)") == a, "\(alias)")
        }
        let w = try rows("awards where city=潍坊")
        #expect(w.count == 5)
        for alias in ["Weifang", "weifang", "潍坊市"] { #expect(try rows("awards where city=\(alias)") == w) }
        // Nothing from Weifang in Jining's rows, and the other way round.
        let jn = Set(try rows("awards where city=济宁 show recipient").map { $0[0] })
        #expect(!jn.contains("歌尔股份有限公司") && !jn.contains("潍柴动力股份有限公司"))
        #expect(jn.contains("兖州区") && jn.contains("济宁市") && jn.contains("古礼非遗传习、文物复原展览"))
    }

    @Test func placeFiltersRollUpThroughDistricts() throws {
        let r = try rows("awards where city=济宁 and recipient=兖州区 show recipient, honor")
        #expect(r.count == 3)
        #expect(try rows("awards where district=兖州区 show recipient").count == 3)
        #expect(try rows("awards where province=山东 show recipient").count == 22)
        // A district given for a city column: rows that lie within it.
        #expect(try rows("awards where city=兖州区 show recipient") == [["兖州区"], ["兖州区"], ["兖州区"]])
        #expect(try rows("people where city=济宁 show name").count == 6)
    }

    @Test func fullWidthQueryGivesTheSameRows() throws {
        #expect(try rows("awards where city＝济宁 and year＞＝２０２４") == rows("awards where city=济宁 and year>=2024"))
    }

    @Test func indexedEqualityDoesNotScanTheRelation() throws {
        let e = QueryEngine(graph: builtin)
        _ = try e.execute("awards where honor=全国质量标杆")
        #expect(e.lastStats.rowsExamined == 2)
        #expect(e.lastStats.plan.hasPrefix("index awards.honor"))
        _ = try e.execute("awards where city=潍坊")
        #expect(e.lastStats.rowsExamined == 5)
        #expect(e.lastStats.plan.hasPrefix("location index"))
        _ = try e.execute("awards where year=2024 and honor=全国质量标杆")
        #expect(e.lastStats.rowsExamined == 2, "the indexed conjunct drives")
        _ = try e.execute("awards where edition=第九届")
        #expect(e.lastStats.plan == "scan")
        #expect(e.lastStats.rowsExamined == builtin.kinds[builtin.kind(named: "awards")!].rowCount)
    }

    @Test func topNReadsAnIndexBucketInOrder() throws {
        let e = QueryEngine(graph: builtin)
        let r = try rows("awards where honor=全国质量标杆 and year>=2020 order by year desc limit 1 show recipient, year", e)
        #expect(r == [["经典重工", "2024"]])
        #expect(e.lastStats.plan.contains("read in year order"))
        #expect(e.lastStats.rowsExamined == 1)
    }

    @Test func comparisonsAndOperators() throws {
        #expect(try rows("awards where year>2023 show recipient").count == 4)
        #expect(try rows("awards where date>=2023-10 show recipient") == [["济宁市"]])
        #expect(try rows("awards where date=2023 show recipient") == [["济宁市"]])
        #expect(try rows("enterprises where name~机械 show name") == [["山东天意机械股份有限公司"]])
        #expect(try rows("enterprises where name!~股份 and city=潍坊 show name") == [["潍坊银行"]])
        #expect(try rows("awards where honor in (全国质量标杆, 全省质量标杆) show recipient").count == 4)
        #expect(try rows("awards where honor not in (全国质量标杆, 全省质量标杆) and city=济宁 show recipient").count == 13)
        #expect(try rows("stats where value>=4000 and city=济宁 show value").map { $0[0] }.sorted() == ["4034", "4949"])
        #expect(try rows("awards where recipient.kind=enterprise and city=潍坊 show recipient").count == 4)
        #expect(try rows("people where department.place=济宁 show name").count == 6)
    }

    @Test func countsAreSortedByCount() throws {
        #expect(try rows("count awards by city") == [["济宁市", "17"], ["潍坊市", "5"]])
        #expect(try rows("count awards") == [["22"]])
        #expect(try rows("count awards where city=潍坊 by recipient") == [["潍柴动力股份有限公司", "3"], ["歌尔股份有限公司", "1"], ["潍坊市", "1"]])
    }

    @Test func orderLimitOffset() throws {
        let all = try rows("awards where honor~中国质量奖 order by edition show edition")
        #expect(all.map { $0[0] } == ["第一届", "第二届", "第三届", "第四届"])
        #expect(try rows("awards where honor~中国质量奖 order by edition desc limit 2 offset 1 show edition").map { $0[0] } == ["第三届", "第二届"])
    }

    @Test func parametersBindAsTypedValues() throws {
        let e = QueryEngine(graph: builtin)
        e.parameters = ["city": "济宁", "y": "2024"]
        #expect(try rows("awards where city=$city and year=$y", e).count == 4)
        #expect(problem("awards where city=$town")?.problem == .unknownParameter("town"))
    }

    // Errors as values: kind and range.
    @Test func resolutionErrorsAreValues() {
        #expect(problem("awrds") == QueryError(.unknownRelation("awrds", suggestions: ["awards"]), 0..<5))
        #expect(problem("awards where cty=济宁") == QueryError(.unknownColumn("cty", relation: "awards", suggestions: ["city"]), 13..<16))
        #expect(problem("awards where city=济南") == QueryError(.unknownEntity("济南", kind: "city", suggestions: ["济宁"]), 18..<24))
        #expect(problem("awards where city=歌尔") == QueryError(.wrongKind("歌尔", isA: "enterprise", expected: "city"), 18..<24))
        #expect(problem("awards where year=abc") == QueryError(.badValue("abc", column: "year", expected: "whole numbers"), 18..<21))
        #expect(problem("awards where honor.lvl=省级")?.problem == .unknownColumn("lvl", relation: "honors", suggestions: ["level"]))
        #expect(problem("awards where year.x=1")?.problem == .notAReference("year", relation: "awards"))
        #expect(problem("count awards by city order by year")?.problem == .notInCount("year"))
    }

    @Test func pinyinSuggestsValues() {
        guard case .unknownEntity(_, _, let s)? = problem("awards where city=jinan")?.problem else { Issue.record("no error"); return }
        #expect(!s.isEmpty && s.allSatisfy { builtin.entity(named: $0) == builtin.entity(named: "济宁") }, "\(s)")
    }

    @Test func exploration() throws {
        let d = try rows("describe 潍柴")
        #expect(d.contains(["city", "潍坊市", ""]))
        #expect(d.filter { $0[0] == "award (as recipient)" }.count == 3)
        let p = try rows("path 歌尔股份 to 山东天意机械")
        #expect(p.count == 4)
        #expect(p.first?[1] == "歌尔股份有限公司" && p.last?[3] == "山东天意机械股份有限公司")
        #expect(try rows("find jn").map { $0[0] }.contains("济宁市"))
        #expect(try rows("find jining").first?[0] == "济宁市")
        #expect(try rows("neighbors 兖州区").count == 4)
        #expect(try rows("neighbors 兖州区 depth 2").count > 4)
    }

    @Test func ambiguousNamesListCandidates() {
        guard case .ambiguousEntity(_, let c, _)? = problem("describe 济宁市人")?.problem else { Issue.record("expected ambiguity"); return }
        #expect(c.contains("济宁市人民政府"))
    }
}

@Suite struct CompletenessTests {
    static let cases: [(String, Bool)] = [
        ("", true), ("awards", true), ("awards where city=济宁", true),
        ("awards where", false), ("awards where city=济宁 and", false), ("awards where city=济宁 or", false),
        ("awards where (city=济宁", false), ("awards where city=\"济", false), ("awards where city=", false),
        ("awards where city=济宁 and;", true), (".mode csv", true), ("count", false), ("describe", false),
        ("awards where honor in (a,", false), ("awards show recipient,", false), ("awards -- comment", true),
        ("awards where city=「济宁", false),
    ]

    @Test(arguments: cases)
    func complete(_ c: (String, Bool)) { #expect(Completeness.isComplete(c.0) == c.1, "\(c.0)") }

    @Test func scriptsSplitIntoStatementsWithLineNumbers() {
        let s = Completeness.split("# title\nawards where\n  city=济宁\n\n.mode csv\ncount awards; count honors\n-- end\n")
        #expect(s.map(\.text) == ["awards where\n  city=济宁", ".mode csv", "count awards;", " count honors"])
        #expect(s.map(\.line) == [2, 5, 6, 6])
    }
}

@Suite struct CompleterTests {
    let c = Completer(graph: builtin)

    func complete(_ line: String) -> [String] { c.complete(line: line, cursor: line.count).candidates }

    @Test func contexts() {
        #expect(complete("aw") == ["awards "])
        #expect(complete("count st").contains("stats "))
        #expect(complete("awards where ci").contains("city"))
        #expect(complete("awards show rec").contains("recipient"))
        #expect(complete("awards where city=ji") == ["济宁 "])
        #expect(complete("awards where city=wf") == ["潍坊 "])
        #expect(complete("awards where city=Ji") == ["济宁 "])
        #expect(complete("awards where city=济") == ["济宁 "])
        #expect(complete("awards where district=ji") == ["金乡 ", "济宁高新区 "])
        #expect(complete("describe Wei").contains("潍坊 "))
        #expect(complete("describe 潍").contains("潍柴 "))
        #expect(complete("awards where city=济宁 ").contains("and "))
        #expect(complete("awards where honor.level=省").contains("省级 "))
        #expect(complete("path 歌尔 ") == ["to "])
    }
}
