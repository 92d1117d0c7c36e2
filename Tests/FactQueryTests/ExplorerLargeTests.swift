import Foundation
import Testing
import FactGraph
@testable import FactQuery

/// `find` and `describe` on a graph big enough for their large-result paths: `find` matches in
/// two halves on two cores (70,000 firms), orders by the rank table when it finds many, and
/// makes its rows when they are read; a card's lines are made when read. Each is checked
/// against an answer the test computes itself from the names it wrote.
@Suite struct ExplorerLargeTests {
    struct Data {
        let graph: FactGraph
        /// Per named entity (the firms in file order, then the two honors): its name and aliases.
        let names: [String]
        let aliases: [[String]]
        /// A firm with an award.
        let awarded: String
    }

    static let firms = 70_000

    static let data: Data = {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("factsh-explorer-\(getpid())")
        try? FileManager.default.removeItem(at: dir)
        try! FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let heads = ["阿里", "山东", "三一", "济宁", "潍柴", "金乡", "重庆", "长沙", "第十", "中国"]
        let tails = ["机械有限公司", "化工股份有限公司", "科技公司", "纺织厂", "食品有限公司"]
        var x: UInt64 = 20_261_130
        var names: [String] = [], aliases: [[String]] = []
        var csv = "name,aliases,score\n"
        for i in 0..<firms {
            x = x &* 6364136223846793005 &+ 1442695040888963407
            let name = "\(heads[Int(x >> 33) % heads.count])\(Int(x >> 40) % 500)\(tails[Int(x >> 50) % tails.count])\(i)号"
            let al = i % 7 == 0 ? ["别名\(i)", "公司\(i)简称"] : []
            names.append(name)
            aliases.append(al)
            csv += "\(name),\(al.joined(separator: "|")),\(i % 10)\n"
        }
        // Honors with many awards each (a card of thousands of lines, its index sorted by year).
        var honors = "name\n中国质量奖\n省长质量奖\n"
        names += ["中国质量奖", "省长质量奖"]
        aliases += [[], []]
        var awards = "enterprise,honor,year\n"
        var awarded = ""
        for i in 0..<20_000 {
            x = x &* 6364136223846793005 &+ 1442695040888963407
            if i == 0 { awarded = names[Int(x >> 33) % firms] }
            awards += "\(names[Int(x >> 33) % firms]),\(i % 3 == 0 ? "省长质量奖" : "中国质量奖"),\(2010 + Int(x >> 45) % 15)\n"
        }
        try! csv.write(to: dir.appendingPathComponent("enterprises.csv"), atomically: true, encoding: .utf8)
        try! honors.write(to: dir.appendingPathComponent("honors.csv"), atomically: true, encoding: .utf8)
        try! awards.write(to: dir.appendingPathComponent("awards.csv"), atomically: true, encoding: .utf8)
        return Data(graph: try! CSVImporter.load(directory: dir.path), names: names, aliases: aliases, awarded: awarded)
    }()

    /// What `find` answers, as the test reads its specification: each firm's best match over
    /// its name and aliases (0 whole, 1 start, 2 inside; pinyin: 3 start of the reading, 4
    /// start of the initials, 5 inside the reading), best first, then shorter names, then the
    /// names in collation order.
    static func expected(_ query: String) -> [(name: String, matched: String)] {
        let q = query.lowercased()
        let ascii = q.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) }
        var found: [(name: String, score: Int, matched: String)] = []
        for (i, name) in data.names.enumerated() {
            var best: (Int, String)? = nil
            for (j, s) in ([name] + data.aliases[i]).enumerated() {
                if let sc = FindMatchTests.reference(s, q), best == nil || sc < best!.0 { best = (sc, j == 0 ? "" : s) }
            }
            if ascii {
                for s in [name] + data.aliases[i] {
                    let full = Pinyin.full(s), initials = Pinyin.initials(s)
                    let sc = full.hasPrefix(q) ? 3 : initials.hasPrefix(q) ? 4 : full.contains(q) ? 5 : nil
                    if let sc, best == nil || sc < best!.0 { best = (sc, sc == 4 ? initials : full) }
                }
            }
            if let best { found.append((name, best.0, best.1)) }
        }
        let keyed = found.map { ($0, $0.name.unicodeScalars.count, CollationKey.key($0.name)) }
        return keyed.sorted { a, b in
            if a.0.score != b.0.score { return a.0.score < b.0.score }
            if a.1 != b.1 { return a.1 < b.1 }
            return a.2.withUnsafeBytes { p in b.2.withUnsafeBytes { q in CollationKey.compare(p, q) < 0 } }
        }.map { ($0.0.name, $0.0.matched) }
    }

    /// Queries that find every firm (two cores, rank order), many, a few, aliases, and pinyin.
    @Test(arguments: ["公司", "有限公司", "号", "济宁", "别名7", "简称", "zhongguo", "jn", "sd1", "jixie"])
    func findAnswersAsSpecified(_ query: String) throws {
        let t = try QueryEngine(graph: Self.data.graph).execute("find \(query)")
        let got = (0..<t.rowCount).map { (t.text($0, 0), t.text($0, 2)) }
        let want = Self.expected(query)
        #expect(got.count == want.count, "\(query)")
        #expect(got.map(\.0) == want.map(\.name), "\(query)")
        // The reading or alias that matched, when it is not the name itself.
        let firstDiff = zip(got, want).enumerated().first { $0.element.0.1 != $0.element.1.matched }?.offset
        #expect(firstDiff == nil, "\(query): row \(firstDiff ?? -1)")
        #expect(got.count > 0)
    }

    /// The rank table's order and the names' keys agree on every find, whichever is used.
    @Test(arguments: ["公司", "号1", "山东", "a"])
    func ranksAndKeysOrderAlike(_ query: String) {
        let g = Self.data.graph
        var hits = FindHits(entityCount: g.entityCount)
        _ = hits.offerNames(of: g.entitiesWithName(containing: query), g, query: query.lowercased())
        #expect(hits.ordered(g, byRanks: true) == hits.ordered(g, byRanks: false))
    }

    /// Matching in two halves finds what one pass over the entities finds, in the same order.
    @Test func halvesMatchAsOnePass() {
        let g = Self.data.graph
        let set = g.entitiesWithName(containing: "号")
        #expect(set.count >= FindHits.twoCoresFrom)
        var split = FindHits(entityCount: g.entityCount)
        _ = split.offerNames(of: set, g, query: "号")
        var one = FindHits(entityCount: g.entityCount)
        let q = Array("号".utf8)
        set.forEach { e in
            Explorer.forEachName(g, e) { s in
                let score = g.strings.withBytes(s) { Explorer.matchScore($0, q, simpleQuery: true) }
                if let score = score ?? nil { one.offer(e, score, s) }
            }
        }
        #expect(split.found == one.found)
        #expect(split.score == one.score)
        #expect(split.via == one.via)
    }

    /// Characters counted eight bytes at a time, as one by one.
    @Test func scalarCounts() {
        var rng = SplitMix64(seed: 7)
        let alphabet = ["a", "Z", "济", "宁", "が", "😀", "é", "\r\n", "Ⅰ", " "]
        for n in 0..<200 {
            let s = (0..<n % 40).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &rng)] }.joined()
            let count = Array(s.utf8).withUnsafeBytes { FindHits.scalarCount($0) }
            #expect(count == s.unicodeScalars.count, "\(s)")
        }
    }

    /// A card's lines, made when read, are those of the rows that refer to the entity, in row
    /// order (the index of awards by honor is sorted by year, so the card sorts its rows back).
    @Test(arguments: ["中国质量奖", "省长质量奖"])
    func cardOfAHub(_ honor: String) throws {
        let g = Self.data.graph
        let t = try QueryEngine(graph: g).execute("describe \(honor)")
        let a = try #require(g.kinds.firstIndex { $0.plural == "awards" })
        let k = g.kinds[a]
        let e = try #require(g.entity(named: honor))
        let firm = try #require(k.columns.firstIndex { $0.name == "enterprise" })
        let hon = try #require(k.columns.firstIndex { $0.name == "honor" })
        let year = try #require(k.columns.firstIndex { $0.name == "year" })
        #expect(firm < year)
        let want = (0..<k.rowCount).filter { FactGraph.value(of: k, column: hon, row: $0) == .entity(e) }.map { r in
            "\(g.display(FactGraph.value(of: k, column: firm, row: r))) · \(g.display(FactGraph.value(of: k, column: year, row: r)))"
        }
        let lines = (0..<t.rowCount).filter { t.text($0, 0) == "award (as honor)" }.map { t.text($0, 1) }
        #expect(want.count > 5_000)
        #expect(lines == want)
        #expect(t.text(0, 0) == "kind" && t.text(0, 1) == "honor")
        #expect(t.rows.count == t.rowCount)
        // Its edges, for pictures: each firm once.
        #expect(t.edges.count == Set(lines.map { $0.components(separatedBy: " · ")[0] }).count)
        #expect(!t.isNumeric(1) && !t.isNumeric(2))
    }

    /// `neighbors` with each level split over two cores answers row for row what one pass
    /// answers (the second part's entities reached by the first part are the first part's).
    @Test(arguments: ["中国质量奖 depth 2", "省长质量奖 depth 3", "firm depth 2", "firm depth 4"])
    func neighborsOnTwoCoresAsOnOne(_ what: String) throws {
        let g = Self.data.graph
        let statement = "neighbors " + what.replacingOccurrences(of: "firm", with: Self.data.awarded)
        let split = QueryEngine(graph: g)
        split.neighborsTwoCoresFrom = 0
        let one = QueryEngine(graph: g)
        one.neighborsTwoCoresFrom = .max
        let a = try split.execute(statement), b = try one.execute(statement)
        func cells(_ t: ResultTable) -> [[String]] { (0..<t.rowCount).map { r in t.columns.indices.map { t.text(r, $0) } } }
        #expect(a.rowCount > 100)
        #expect(cells(a) == cells(b))
        #expect(a.edges == b.edges)
        // Each entity once, the start never.
        #expect(Set((0..<a.rowCount).map { a.text($0, 3) }).count == a.rowCount)
    }
}
