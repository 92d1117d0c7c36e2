import Testing
@testable import FactQuery

/// A compact, printable form of a parsed statement for table-driven tests.
func show(_ c: Condition) -> String {
    func lit(_ l: Literal) -> String { l.form == .string ? "\"\(l.text)\"" : l.text }
    switch c {
    case .compare(let p, let op, let l): return "\(p.text)\(op.rawValue)\(lit(l))"
    case .inList(let p, let ls, let neg): return "\(p.text) \(neg ? "not in" : "in") [\(ls.map(\.text).joined(separator: ","))]"
    case .within(let p, let l, let neg): return "\(p.text) \(neg ? "not within" : "within") \(lit(l))"
    case .isNull(let p, let neg): return "\(p.text) is \(neg ? "not " : "")null"
    case .has(let h):
        return "has \(h.relation.text)" + (h.column.map { ".\($0.text)" } ?? "") + (h.condition.map { "(\(show($0)))" } ?? "")
    case .all(let cs): return "(" + cs.map(show).joined(separator: " and ") + ")"
    case .any(let cs): return "(" + cs.map(show).joined(separator: " or ") + ")"
    case .not(let a): return "not \(show(a))"
    }
}

func showQuery(_ q: Query) -> String {
    var out = (q.isCountShorthand ? "count " : "") + q.relation.text
    if let c = q.condition { out += " where " + show(c) }
    if let sh = q.show { out += " show " + sh.map(\.text).joined(separator: ",") }
    if q.showAll { out += " show *" }
    if let s = q.summary, !q.isCountShorthand { out += " summarize " + s.map(\.title).joined(separator: ",") }
    if !q.groupBy.isEmpty { out += " by " + q.groupBy.map(\.text).joined(separator: ",") }
    if let h = q.having { out += " having " + show(h) }
    if !q.order.isEmpty {
        out += " order " + q.order.map { $0.operand.text + ($0.collation == .codepoint ? " codepoint" : "") + ($0.descending ? " desc" : "") }.joined(separator: ",")
    }
    if let l = q.limit { out += " limit \(l)" }
    if let o = q.offset { out += " offset \(o)" }
    return out
}

func showStatement(_ s: Statement) -> String {
    switch s {
    case .query(let q): return showQuery(q)
    case .describe(let l): return "describe \(l.text)"
    case .neighbors(let l, let d): return "neighbors \(l.text) depth \(d)"
    case .path(let a, let b): return "path \(a.text) -> \(b.text)"
    case .find(let l): return "find \(l.text)"
    case .explain(let s): return "explain " + showStatement(s)
    }
}

func parse(_ s: String) -> String {
    do { return showStatement(try Parser.parse(s)) } catch { return "error: \(error.problem.message) @\(error.range)" }
}

@Suite struct ParserTests {
    static let cases: [(String, String)] = [
        ("awards", "awards"),
        ("awards;", "awards"),
        ("AWARDS WHERE city=济宁", "AWARDS where city=济宁"),
        ("awards where city=济宁 and year>=2024", "awards where (city=济宁 and year>=2024)"),
        ("awards where a=1 or b=2 and c=3", "awards where (a=1 or (b=2 and c=3))"),
        ("awards where (a=1 or b=2) and c=3", "awards where ((a=1 or b=2) and c=3)"),
        ("awards where a=1 and b=2 and c=3 and d=4", "awards where (a=1 and b=2 and c=3 and d=4)"),
        ("awards where not a=1 and b=2", "awards where (not a=1 and b=2)"),
        ("awards where not not a=1", "awards where a=1"),
        ("awards where not not not a=1", "awards where not a=1"),
        ("awards where honor in (a, \"b c\")", "awards where honor in [a,b c]"),
        ("awards where honor not in (a)", "awards where honor not in [a]"),
        ("awards where recipient within 济宁", "awards where recipient within 济宁"),
        ("awards where recipient not within 济宁", "awards where recipient not within 济宁"),
        ("awards where year is null", "awards where year is null"),
        ("awards where year IS NOT NULL", "awards where year is not null"),
        ("enterprises where has awards", "enterprises where has awards"),
        ("enterprises where not has awards(year<2020)", "enterprises where not has awards(year<2020)"),
        ("honors where has awards.honor(city=济宁 and year=2024)", "honors where has awards.honor((city=济宁 and year=2024))"),
        ("awards where recipient.city.province=山东", "awards where recipient.city.province=山东"),
        ("awards where city=\"济宁\"", "awards where city=\"济宁\""),
        ("awards where city=$c", "awards where city=c"),
        ("awards where edition=to", "awards where edition=to"),
        ("awards show recipient, honor.level order by year desc, recipient limit 10 offset 5", "awards show recipient,honor.level order year desc,recipient limit 10 offset 5"),
        ("awards order by recipient collate codepoint desc", "awards order recipient codepoint desc"),
        ("awards show *", "awards show *"),
        ("count awards", "count awards"),
        ("count awards where honor~质量标杆 by year", "count awards where honor~质量标杆 by year"),
        ("count awards by city having count > 3", "count awards by city having count>3"),
        ("count awards by city order by count desc limit 3", "count awards by city order count desc limit 3"),
        ("stats where city=济宁 summarize count, sum(value) by unit", "stats where city=济宁 summarize count,sum(value) by unit"),
        ("awards summarize count(distinct recipient), min(year), MAX(year)", "awards summarize count(distinct recipient),min(year),max(year)"),
        ("stats summarize sum(value) by unit having sum(value) > 100 order by sum(value) desc", "stats summarize sum(value) by unit having sum(value)>100 order sum(value) desc"),
        ("explain awards where city=济宁", "explain awards where city=济宁"),
        ("describe 潍柴动力", "describe 潍柴动力"),
        ("neighbors 济宁 depth 2", "neighbors 济宁 depth 2"),
        ("neighbours 济宁", "neighbors 济宁 depth 1"),
        ("path 歌尔股份 to 山东天意机械", "path 歌尔股份 -> 山东天意机械"),
        ("find jn", "find jn"),
        // errors, as values: message and byte range
        ("", "error: expected a relation (e.g. awards) or a command (count, describe, neighbors, path, find, explain), found end of input @0..<0"),
        ("awards where", "error: expected a condition (e.g. city=济宁), found end of input @12..<12"),
        ("awards where city", "error: expected an operator (= != ~ !~ < <= > >= in within is) after 'city', found end of input @17..<17"),
        ("awards where city=", "error: expected a value after '=', found end of input @18..<18"),
        ("awards where (city=a", "error: expected ')' to close the '(' at column 14, found end of input @20..<20"),
        ("awards where year is", "error: expected 'null' after 'is', found end of input @20..<20"),
        ("awards where has awards(", "error: expected a condition (e.g. city=济宁), found end of input @24..<24"),
        ("awards limit x", "error: 'limit' needs a whole number, found 'x' @13..<14"),
        ("awards limit 99999999999999999999", "error: 'limit' needs a whole number, found '99999999999999999999' @13..<33"),
        ("awards wher city=a", "error: expected where, show, summarize, by, having, order by, limit or end of statement, found 'wher' (did you mean 'where'?) @7..<11"),
        ("awards order year", "error: expected 'by', found 'year' @13..<17"),
        ("awards order by year show recipient", "awards show recipient order year"),
        ("awards limit 1 where a=1", "awards where a=1 limit 1"),
        ("awards where a=1 where b=2", "error: a second 'where' clause; each clause comes at most once @17..<22"),
        ("path a b", "error: expected 'to', found 'b' @7..<8"),
        ("and year>1", "error: a statement cannot start with 'and'; to go on on the next line, end the line before with 'and', 'or' or an open parenthesis @0..<3"),
        ("awards where a=1 )", "error: unexpected ')' after the end of the statement @17..<18"),
        ("count by city", "error: expected where, show, summarize, by, having, order by, limit or end of statement, found 'city' @9..<13"),
        ("count awards show recipient", "error: 'show' does not go with 'count' @13..<17"),
        ("awards summarize sum", "error: expected '(' after 'sum', found end of input @20..<20"),
        ("awards summarize total", "error: expected an aggregate (count, count(COLUMN), count(distinct COLUMN), sum, avg, min or max of a column), found 'total' @17..<22"),
        ("awards order by year collate klingon", "error: expected a collation (pinyin or codepoint), found 'klingon' @29..<36"),
        ("select * from awards", "error: factsh is not SQL: try `awards where city=济宁 show recipient, honor` (.help for the language) @0..<6"),
        ("explain explain awards", "error: expected a statement to explain, found 'explain' @8..<15"),
    ]

    @Test(arguments: cases)
    func statements(_ c: (String, String)) {
        #expect(parse(c.0) == c.1, "\(c.0)")
    }

    @Test func nestingIsCappedOnceAtSixtyFourLevels() {
        func nested(_ n: Int) -> String { "awards where " + String(repeating: "(", count: n) + "a=1" + String(repeating: ")", count: n) }
        #expect(parse(nested(64)) == "awards where a=1")
        #expect(parse(nested(65)).hasPrefix("error: conditions nested too deeply (more than 64 levels of parentheses)"))
        #expect(parse(nested(10_000)).hasPrefix("error: conditions nested too deeply"))
        // A run of `not`s folds instead of nesting.
        #expect(parse("awards where " + String(repeating: "not ", count: 5_001) + "a=1") == "awards where not a=1")
    }

    @Test func longChainsAreOneNode() throws {
        let chain = "awards where " + (0..<30_000).map { "a=\($0)" }.joined(separator: " and ")
        guard case .query(let q) = try Parser.parse(chain), case .all(let terms)? = q.condition else { Issue.record("no and-list"); return }
        #expect(terms.count == 30_000)
        let list = "awards where a in (" + (0..<15_000).map(String.init).joined(separator: ",") + ")"
        guard case .query(let q2) = try Parser.parse(list), case .inList(_, let vals, _)? = q2.condition else { Issue.record("no list"); return }
        #expect(vals.count == 15_000)
    }

    @Test func fullWidthFormsParseLikeASCII() {
        #expect(parse("awards where city＝济宁 and year＞＝２０２４") == parse("awards where city=济宁 and year>=2024"))
        #expect(parse("awards where honor in （“全国质量标杆”，「全省质量标杆」）") == "awards where honor in [全国质量标杆,全省质量标杆]")
    }

    @Test func neverCrashesOnArbitraryInput() {
        // A deterministic sweep (seeded); the fuzz target (Fuzz/) runs the same check coverage-guided.
        var rng = SplitMix64(seed: 20_241_129)
        let alphabet = Array("awards where city=济宁 and or not ( ) , . ~ ! < > = \"'「」“”$;#-\n0123 count by show order limit describe path to find within is null has summarize having sum( e9")
        for _ in 0..<3000 {
            let n = Int.random(in: 0..<40, using: &rng)
            let s = String((0..<n).map { _ in alphabet.randomElement(using: &rng)! })
            _ = parse(s)
            _ = StatementSplitter.isComplete(s)
            _ = StatementSplitter.split(s)
        }
    }
}

/// A small seeded generator, so a "random" sweep is the same on every run.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
