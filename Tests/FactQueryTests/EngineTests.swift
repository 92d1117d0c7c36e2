import Foundation
import Testing
import BuiltinGraph
import FactGraph
@testable import FactQuery

let builtin: FactGraph = try! BuiltinGraph.load()

func rows(_ q: String, _ engine: QueryEngine = QueryEngine(graph: builtin)) throws -> [[String]] {
    let t = try engine.execute(q)
    return t.rows.indices.map { r in t.columns.indices.map { t.text(r, $0) } }
}

func count(_ q: String) throws -> Int { Int(try rows(q)[0][0])! }

func problem(_ q: String, params: [String: String] = [:]) -> QueryError? {
    let e = QueryEngine(graph: builtin)
    e.parameters = params
    do { _ = try e.execute(q); return nil } catch { return error }
}

@Suite struct IdentityAndRollUpTests {
    @Test func equalsIsIdentityWithinRollsUp() throws {
        #expect(try count("count awards where recipient=济宁") == 1)
        #expect(try count("count awards where recipient within 济宁") == 16)
        #expect(try count("count awards where city=济宁") == 16)
        #expect(try count("count awards where recipient.name=\"济宁市\"") == 1)
        #expect(try count("count awards where recipient=兖州区") == 3)
        #expect(try count("count awards where recipient not within 济宁") == 5)
        #expect(try count("count awards where recipient in (济宁, 兖州区)") == 4)
    }

    @Test func cityAliasesGiveTheSameRows() throws {
        let a = try rows("awards where city=济宁")
        #expect(a.count == 16)
        for alias in ["Jining", "jining", "济宁市", "\"济宁\"", "ＪＩＮＩＮＧ"] {
            #expect(try rows("awards where city=\(alias)") == a, "\(alias)")
        }
        let jn = Set(try rows("awards where city=济宁 show recipient").map { $0[0] })
        #expect(!jn.contains("歌尔股份有限公司") && jn.contains("兖州区") && jn.contains("济宁市"))
    }

    @Test func derivedPlaceColumnsTakeTheirOwnLevel() throws {
        #expect(try count("count awards where district=兖州区") == 3)
        #expect(try count("count awards where province=山东") == 21)
        #expect(try count("count people where city=济宁") == 6)
        #expect(problem("awards where province=潍坊")?.problem == .wrongLevel("潍坊", name: "潍坊市", isA: "city", column: "province"))
        #expect(problem("awards where city=兖州区")?.problem == .wrongLevel("兖州区", name: "兖州区", isA: "district", column: "city"))
        // The place of a level is what the row lies in: city within 山东 keeps rows whose city is in 山东.
        #expect(try count("count awards where city within 山东") == 21)
        #expect(try count("count awards where recipient.city=济宁") == 16)
    }

    @Test func textColumnsCompareAsText() throws {
        #expect(try rows("enterprises where name~机械 show name") == [["山东天意机械股份有限公司"]])
        #expect(try rows("enterprises where name=歌尔股份有限公司 show name") == [["歌尔股份有限公司"]])
        // name is the name, not an alias.
        #expect(try rows("enterprises where name=歌尔 show name").isEmpty)
        #expect(try rows("enterprises where name!~股份 and city=潍坊 show name") == [["潍坊银行"]])
    }
}

@Suite struct NameMatchingTests {
    @Test func aFragmentOfOneNameIsTakenWithANote() throws {
        let e = QueryEngine(graph: builtin)
        _ = try e.execute("describe 天意")
        #expect(e.lastNotes == [.fragmentTaken("天意", name: "山东天意机械股份有限公司")])
        _ = try e.execute("awards where recipient=山东天意机械")
        #expect(e.lastNotes.count == 1)
        _ = try e.execute("awards where recipient=济宁")
        #expect(e.lastNotes.isEmpty, "an alias is exact: no note")
    }

    @Test func severalCandidatesAreAnErrorListingThem() {
        guard case .ambiguousEntity(_, let kind, let c, let more)? = problem("awards where honor=标杆")?.problem else {
            Issue.record("expected ambiguity"); return
        }
        #expect(kind == "honor")
        #expect(c.contains("全国质量标杆") && c.contains("全省质量标杆"))
        #expect(more == 0)
        guard case .ambiguousEntity(_, _, let d, let dmore)? = problem("describe 质量")?.problem else { Issue.record("expected ambiguity"); return }
        #expect(d.count == 8 && dmore > 0, "the first 8 and how many more")
    }

    @Test func unknownNamesSuggestTheNearest() {
        #expect(problem("awards where city=济南") == QueryError(.unknownEntity("济南", kind: "city", suggestions: ["济宁"]), 18..<24))
        #expect(problem("awards where city=歌尔") == QueryError(.wrongKind("歌尔", isA: "enterprise", expected: "city"), 18..<24))
        guard case .unknownEntity(_, _, let s)? = problem("awards where city=jinan")?.problem else { Issue.record("no error"); return }
        #expect(!s.isEmpty && s.allSatisfy { builtin.entity(named: $0) == builtin.entity(named: "济宁") }, "\(s)")
    }

    /// The same on a graph of over 50,000 entities, where candidates come from the name and
    /// pinyin indexes (150,000 firms 企业0 … 企业149999).
    @Test(arguments: [("describe qiye1234", "企业1234"), ("describe QiYe98765", "企业98765"), ("describe qy4321", "企业4321")])
    func lettersSpellingANameSuggestItOnABigGraph(_ q: String, _ first: String) throws {
        let g = AggregateScaleTests.graph
        do {
            _ = try QueryEngine(graph: g).execute(q)
            Issue.record("\(q) answered")
        } catch {
            guard case .unknownEntity(_, _, let s) = error.problem else { Issue.record("\(error)"); return }
            #expect(s.first == first, "\(s)")
        }
    }

    /// Letters that spell a name's pinyin (its start, or its initials) suggest that name first,
    /// before names a few edits away; an entity is suggested once, whichever of its names is near.
    @Test(arguments: [("describe jiningshishichangjianduguanliju", "济宁市市场监督管理局"), ("describe jnsscjdglj", "济宁市市场监督管理局"),
                      ("describe JiningShiShichang", "济宁市市场监督管理局"), ("describe shandongsheng", "山东省")])
    func lettersSpellingANameSuggestItFirst(_ q: String, _ first: String) {
        guard case .unknownEntity(_, _, let s)? = problem(q)?.problem else { Issue.record("no error"); return }
        #expect(s.first.flatMap { builtin.entity(named: $0) } == builtin.entity(named: first), "\(s)")
        let entities = s.compactMap { builtin.entity(named: $0) }
        #expect(Set(entities).count == entities.count, "one name per entity: \(s)")
    }
}

@Suite struct NullTests {
    @Test func missingValuesAreNeverEqualOrUnequal() throws {
        let all = try count("count awards")
        let null = try count("count awards where year is null")
        let notNull = try count("count awards where year is not null")
        #expect(null + notNull == all)
        #expect(null == 13)
        #expect(try count("count awards where year=2024") + (try count("count awards where year!=2024")) == notNull)
        #expect(try count("count awards where not year=2024") == (try count("count awards where year!=2024")))
        #expect(try count("count awards where year not in (2024)") == (try count("count awards where year!=2024")))
        #expect(try count("count awards where year=2024 or year!=2024") == notNull)
        #expect(try count("count awards where batch is not null or batch is null") == all)
    }
}

@Suite struct SummaryTests {
    @Test func countsAreSortedByCount() throws {
        #expect(try rows("count awards by city") == [["济宁市", "16"], ["潍坊市", "5"]])
        #expect(try rows("count awards") == [["21"]])
        #expect(try rows("count awards where city=潍坊 by recipient") == [["潍柴动力股份有限公司", "3"], ["歌尔股份有限公司", "1"], ["潍坊市", "1"]])
        #expect(try rows("count awards by city having count > 5") == [["济宁市", "16"]])
    }

    @Test func aggregates() throws {
        #expect(try rows("awards where year=2024 summarize count(distinct recipient)") == [["4"]])
        #expect(try rows("awards summarize count, count(year), count(distinct year), min(year), max(year)") == [["21", "8", "3", "2021", "2024"]])
        let byUnit = try rows("stats where city=济宁 and unit=家 summarize count, sum(value), avg(value) by unit")
        #expect(byUnit.count == 1 && byUnit[0][0] == "家")
        #expect(try rows("awards where year is null summarize sum(year), avg(year), min(year)") == [["", "", ""]])
        #expect(try rows("count awards by city order by city") == [["济宁市", "16"], ["潍坊市", "5"]])
        #expect(try rows("count awards by city order by count limit 1") == [["潍坊市", "5"]])
        #expect(try rows("stats summarize sum(value) by unit having sum(value) > 5000 order by sum(value) desc").map { $0[0] } == ["个", "名"])
    }

    @Test func summaryErrorsAreValues() {
        #expect(problem("count awards by city order by year")?.problem == .notAResultColumn("year", available: ["city", "count"]))
        #expect(problem("awards where count > 3")?.problem == .aggregateOutsideSummary("count"))
        #expect(problem("awards by city")?.problem == .byWithoutSummary)
        #expect(problem("awards having count > 1")?.problem == .havingWithoutSummary)
        #expect(problem("awards summarize sum(recipient)")?.problem == .badAggregate("sum", column: "recipient", type: "entities"))
    }
}

@Suite struct ReverseLinkTests {
    @Test func hasFindsWhatRowsReferTo() throws {
        #expect(try rows("enterprises where has awards(honor=全国质量标杆) show name") == [["新风光电子"], ["经典重工"]])
        #expect(try rows("enterprises where not has awards show name").count == 4)
        #expect(try rows("enterprises where has awards(honor~质量标杆) and has awards(honor~质量奖) show name") == [["山东天意机械股份有限公司"]])
        #expect(try count("count honors where has awards(city=济宁)") == 12)
        #expect(try count("count enterprises where has awards") + (try count("count enterprises where not has awards")) == (try count("count enterprises")))
    }

    @Test func hasErrorsAreValues() {
        #expect(problem("awards where has stats")?.problem == .hasOnUnnamed("awards"))
        #expect(problem("honors where has speakers")?.problem == .hasNoLink(relation: "speakers", kind: "honor"))
        #expect(problem("enterprises where has awards.honor")?.problem == .hasWrongColumn(relation: "awards", column: "honor", kind: "enterprise"))
    }
}

@Suite struct PlanTests {
    @Test func indexedEqualityDoesNotScanTheRelation() throws {
        let e = QueryEngine(graph: builtin)
        _ = try e.execute("awards where honor=全国质量标杆")
        #expect(e.lastStats.rowsExamined == 2)
        guard case .index? = e.lastPlan?.access else { Issue.record("\(String(describing: e.lastPlan?.access))"); return }
        _ = try e.execute("awards where city=潍坊")
        #expect(e.lastStats.rowsExamined == 5)
        guard case .within? = e.lastPlan?.access else { Issue.record("no location index"); return }
        _ = try e.execute("awards where year=2024 and honor=全国质量标杆")
        #expect(e.lastStats.rowsExamined == 2, "the indexed conjunct drives")
        _ = try e.execute("awards where edition=第九届")
        guard case .scan? = e.lastPlan?.access else { Issue.record("expected a scan"); return }
        #expect(e.lastStats.rowsExamined == builtin.kinds[builtin.kind(named: "awards")!].rowCount)
    }

    @Test func topNReadsAnIndexBucketInOrder() throws {
        let e = QueryEngine(graph: builtin)
        let r = try rows("awards where honor=全国质量标杆 and year>=2020 order by year desc limit 1 show recipient, year", e)
        #expect(r == [["经典重工", "2024"]])
        #expect(e.lastPlan?.steps.contains(.readInOrder(column: "year", descending: true, stopAfter: 1)) == true)
        #expect(e.lastStats.rowsExamined == 1)
    }

    @Test func explainShowsThePlanAsData() throws {
        let t = try rows("explain awards where city=济宁 and year>=2024")
        #expect(t.map { $0[1] } == ["location index", "filter", "project"])
        #expect(t[0][3] == "16" && t[0][4] == "16")
        #expect(t[1][4] == "4")
        let h = try rows("explain enterprises where has awards(honor=全国质量标杆)")
        #expect(h.map { $0[1] } == ["reverse link", "  index lookup", "project"])
    }
}

@Suite struct CollationTests {
    @Test func textOrdersByPinyinAndNumbersByValue() throws {
        let names = ["三一重工", "二六三", "阿里", "Zebra", "apple", "济宁", "金乡", "第十届", "第九届", "第二届", "item 10", "item 9"]
        let sorted = Collation.sorted(names)
        #expect(sorted == ["阿里", "apple", "第二届", "第九届", "第十届", "二六三", "item 9", "item 10", "济宁", "金乡", "三一重工", "Zebra"])
        #expect(Collation.sorted(["b", "a", "B"], .codepoint) == ["B", "a", "b"])
    }

    @Test func orderByUsesTheCollation() throws {
        let all = try rows("awards where honor~中国质量奖 order by edition show edition")
        #expect(all.map { $0[0] } == ["第一届", "第二届", "第三届", "第四届"])
        #expect(try rows("awards where honor~中国质量奖 order by edition desc limit 2 offset 1 show edition").map { $0[0] } == ["第三届", "第二届"])
        let py = try rows("enterprises where city=济宁 order by name show name").map { $0[0] }
        #expect(py == Collation.sorted(py))
        let cp = try rows("enterprises where city=济宁 order by name collate codepoint show name").map { $0[0] }
        #expect(cp == cp.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })
    }
}

@Suite struct ValueTests {
    @Test func comparisonsAndOperators() throws {
        #expect(try rows("awards where year>2023 show recipient").count == 4)
        #expect(try rows("awards where date>=2023-10 show recipient") == [["济宁市"]])
        #expect(try rows("awards where date=2023 show recipient") == [["济宁市"]])
        #expect(try rows("awards where honor in (全国质量标杆, 全省质量标杆) show recipient").count == 4)
        #expect(try rows("awards where honor not in (全国质量标杆, 全省质量标杆) and city=济宁 show recipient").count == 12)
        #expect(try rows("stats where value>=4000 and city=济宁 show value").map { $0[0] }.sorted() == ["4034", "4949"])
        #expect(try rows("awards where recipient.kind=enterprise and city=潍坊 show recipient").count == 4)
        #expect(try rows("people where department.place=济宁 show name").count == 6)
    }

    @Test func numbersAtTheEdgesNeverTrap() throws {
        #expect(problem("awards where year = nan")?.problem == .badValue("nan", column: "year", expected: "whole numbers"))
        #expect(problem("awards where year = inf")?.problem == .badValue("inf", column: "year", expected: "whole numbers"))
        #expect(problem("stats where value = nan")?.problem == .badValue("nan", column: "value", expected: "numbers"))
        #expect(try count("count awards where year < 1e300") == 8)
        #expect(try count("count awards where year > -99999999999999999999") == 8)
        #expect(try count("count awards where year = 2024.0") == 4)
        #expect(try count("count stats where value > 1e-5") > 0)
        #expect(problem("awards limit 99999999999999999999")?.problem == .badNumber("99999999999999999999", what: "'limit'"))
    }

    @Test func hugeInputsAreAnsweredQuickly() throws {
        let list = "count awards where honor in (" + Array(repeating: "全国质量标杆", count: 15_000).joined(separator: ",") + ")"
        #expect(try count(list) == 2)
        let chain = "count awards where " + Array(repeating: "year>2000", count: 30_000).joined(separator: " and ")
        #expect(try count(chain) == 8)
        let ors = "count awards where " + Array(repeating: "year=2024", count: 30_000).joined(separator: " or ")
        #expect(try count(ors) == 4)
        let big = String(repeating: "济", count: 350_000)   // a 1 MB line
        let clock = ContinuousClock()
        let t = clock.measure { _ = problem("awards where recipient=\(big)") }
        #expect(t < .seconds(1), "\(t)")
        #expect(problem("awards where recipient=\(big)").map { if case .unknownEntity = $0.problem { true } else { false } } == true)
    }

    @Test func parametersBindAsTypedValues() throws {
        let e = QueryEngine(graph: builtin)
        e.parameters = ["city": "济宁", "y": "2024"]
        #expect(try rows("awards where city=$city and year=$y", e).count == 4)
        #expect(problem("awards where city=$town")?.problem == .unknownParameter("town"))
    }

    @Test func resolutionErrorsAreValues() {
        #expect(problem("awrds") == QueryError(.unknownRelation("awrds", suggestions: ["awards"]), 0..<5))
        #expect(problem("awards where cty=济宁") == QueryError(.unknownColumn("cty", relation: "awards", suggestions: ["city"]), 13..<16))
        #expect(problem("awards where year=abc") == QueryError(.badValue("abc", column: "year", expected: "whole numbers"), 18..<21))
        #expect(problem("awards where honor.lvl=省级")?.problem == .unknownColumn("lvl", relation: "honors", suggestions: ["level"]))
        #expect(problem("awards where year.x=1")?.problem == .notAReference("year", relation: "awards"))
        #expect(problem("awards where year within 济宁")?.problem == .withinNeedsEntity("year", type: "whole numbers"))
    }
}

@Suite struct ExplorationTests {
    @Test func exploration() throws {
        let d = try rows("describe 潍柴")
        #expect(d.contains(["city", "潍坊市", ""]))
        #expect(d.filter { $0[0] == "award (as recipient)" }.count == 3)
        let p = try rows("path 歌尔股份 to 山东天意机械")
        #expect(p.count == 3)
        #expect(p.first?[1] == "歌尔股份有限公司" && p.last?[3] == "山东天意机械股份有限公司")
        #expect(try rows("find jn").map { $0[0] }.contains("济宁市"))
        #expect(try rows("find jining").first?[0] == "济宁市")
        #expect(try rows("neighbors 兖州区").count == 4)
        #expect(try rows("neighbors 兖州区 depth 2").count > 4)
    }

    @Test func ambiguousNamesListCandidates() {
        guard case .ambiguousEntity(_, _, let c, _)? = problem("describe 济宁市人")?.problem else { Issue.record("expected ambiguity"); return }
        #expect(c.contains("济宁市人民政府"))
    }
}

@Suite struct SplitterTests {
    static let complete: [(String, Bool)] = [
        ("", true), ("awards", true), ("awards where city=济宁", true),
        ("awards where", false), ("awards where city=济宁 and", false), ("awards where city=济宁 or", false),
        ("awards where (city=济宁", false), ("awards where city=\"济", false), ("awards where city=", false),
        ("awards where city=济宁 and;", true), (".mode csv", true), ("count", false), ("describe", false),
        ("awards where honor in (a,", false), ("awards show recipient,", false), ("awards -- comment", true),
        ("awards where city=「济宁", false), ("count awards where edition=to", true), ("awards where year is", false),
        ("awards where city", false), ("awards wher", true), ("count awards; count honors", true), ("count awards; awards where", false),
        ("awards order by year collate", false),
    ]

    @Test(arguments: complete)
    func isComplete(_ c: (String, Bool)) { #expect(StatementSplitter.isComplete(c.0) == c.1, "\(c.0)") }

    @Test func scriptsSplitIntoStatementsWithLineNumbers() {
        let s = StatementSplitter.split("\u{FEFF}# title\r\nawards where\r\n  city=济宁\n\n.mode csv\ncount awards; count honors\ncount awards where edition=to\nawards\n-- end\n")
        #expect(s.map(\.text) == ["awards where\n  city=济宁", ".mode csv", "count awards", " count honors", "count awards where edition=to", "awards"])
        #expect(s.map(\.line) == [2, 5, 6, 6, 7, 8])
        #expect(s.map(\.isDotCommand) == [false, true, false, false, false, false])
    }

    @Test func errorsAfterASemicolonPointIntoTheWholeLine() throws {
        let pieces = StatementSplitter.split("count awards; count honrs")
        let e = QueryEngine(graph: builtin)
        do { _ = try e.execute(pieces[1]); Issue.record("expected an error") } catch {
            let text = Diagnostics.render(error, bytes: pieces[1].chunk, file: "-c", firstLine: pieces[1].firstLine)
            #expect(text.hasPrefix("-c:1:21: error: unknown relation 'honrs'"), "\(text)")
            #expect(text.contains("\n  count awards; count honrs\n                      ^~~~~"), "\(text)")
        }
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

@Suite struct PathCompletionTests {
    let c = Completer(graph: builtin)
    func complete(_ line: String) -> [String] { c.complete(line: line, cursor: line.count).candidates }

    @Test func hopsCompleteTheColumnsOfTheNamedKind() {
        #expect(complete("awards where honor.le") == ["level"])
        #expect(complete("awards where recipient.city.pro").contains("province"))
        #expect(complete("people show department.pl") == ["place"])
    }
}

/// Every example statement in docs/LANGUAGE.md runs on the built-in graph without an error.
@Suite struct LanguageDocExamplesTests {
    static let doc: String = {
        var url = #filePath
        for _ in 0..<3 { url = String(url[..<url.lastIndex(of: "/")!]) }
        return (try? String(contentsOfFile: url + "/docs/LANGUAGE.md", encoding: .utf8)) ?? ""
    }()

    static var examples: [String] {
        var out: [String] = []
        var inCode = false
        for line in doc.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("```") { inCode.toggle(); continue }
            guard inCode else { continue }
            let t = line.trimmingCharacters(in: .whitespaces)
            // Grammar lines use capitals for what the user writes.
            if t.isEmpty || t.range(of: "[A-Z]{3,}", options: .regularExpression) != nil { continue }
            out.append(String(t))
        }
        return out
    }

    @Test func thereAreExamples() { #expect(Self.examples.count > 30) }

    @Test(arguments: examples)
    func example(_ statement: String) throws {
        _ = try QueryEngine(graph: builtin).execute(statement)
    }
}

@Suite struct CompletionContextTests {
    let c = Completer(graph: builtin)
    func complete(_ line: String) -> [String] { c.complete(line: line, cursor: line.count).candidates }

    @Test func operatorsAfterAColumn() {
        #expect(complete("awards where year ") == ["= ", "!= ", "< ", "<= ", "> ", ">= ", "in ", "is "])
        #expect(complete("awards where recipient ").contains("within "))
        #expect(complete("awards where honor.level ").contains("~ "))
        #expect(complete("awards where year is ") == ["null ", "not null "])
    }

    @Test func clausesAreOfferedOnce() {
        let after = complete("awards where city=济宁 ")
        #expect(after.contains("and ") && after.contains("show ") && !after.contains("where "))
        let shown = complete("awards where city=济宁 show recipient ")
        #expect(!shown.contains("show ") && !shown.contains("where ") && shown.contains("order by "))
        #expect(complete("count awards by city ").contains("having "))
        #expect(!complete("count awards ").contains("show "))
        #expect(complete("awards order by year ").contains("desc "))
    }

    @Test func statementWords() {
        #expect(complete("neighbors 济宁 ") == ["depth "])
        #expect(complete("path 歌尔 ") == ["to "])
        #expect(complete("ex") == ["explain "])
        #expect(complete("enterprises where has ").contains("awards "))
        #expect(complete("awards summarize ").contains("count(distinct "))
        #expect(complete("count awards; aw") == ["awards "])
        #expect(complete("awards where city within 济").contains("济宁 "))
        #expect(complete("awards where city=濟").contains("济宁 "), "traditional input")
    }
}

/// A statement run again reuses its parse, and an error in the same text at another place in
/// its chunk still points at that place.
@Suite struct ParsedStatementReuseTests {
    @Test func sameAnswerAndOwnErrorPositions() throws {
        let e = QueryEngine(graph: builtin)
        let first = try e.execute("count awards where city=济宁")
        let again = try e.execute("count awards where city=济宁")
        #expect(first.text(0, 0) == again.text(0, 0))
        #expect(first.text(0, 0) == "16")

        let bad = "awards where nosuchcolumn=1"
        func errorRange(_ chunk: String, _ at: Int) -> Range<Int>? {
            let bytes = Array(chunk.utf8)
            do {
                _ = try e.execute(bytes: bytes, range: at..<bytes.count)
                return nil
            } catch {
                return error.range
            }
        }
        let alone = try #require(errorRange(bad, 0))
        let prefix = "count awards; "
        let later = try #require(errorRange(prefix + bad, prefix.utf8.count))
        #expect(later == (alone.lowerBound + prefix.utf8.count)..<(alone.upperBound + prefix.utf8.count))
        // And the first again, after the other.
        #expect(errorRange(bad, 0) == alone)

        // Parameters are bound on every run, not kept with the parse.
        e.parameters["c"] = "济宁"
        let p1 = try e.execute("count awards where city=$c")
        e.parameters["c"] = "潍坊"
        let p2 = try e.execute("count awards where city=$c")
        #expect(p1.text(0, 0) == "16")
        #expect(p2.text(0, 0) != "16")
    }
}
