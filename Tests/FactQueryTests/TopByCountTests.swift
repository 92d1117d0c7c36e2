import Foundation
import Testing
import FactGraph
@testable import FactQuery

/// `count … by A, B limit N` over every row reads only the index buckets of the values of A with
/// the most rows (`topByCount`); its answers equal the full grouping's, ties included.
@Suite struct TopByCountTests {
    /// 10,000 firms, 200 honors, 120,000 awards: most awards spread evenly over the firms, one
    /// in ten goes to firms whose counts fall off steeply (the first has about a thousand), and
    /// honors are skewed, so many groups tie on their count. Every award has a firm and an honor
    /// unless `withoutHonor`, which leaves some honors out.
    static func graph(withoutHonor: Bool) -> FactGraph {
        var rng = SplitMix64(seed: withoutHonor ? 5 : 3)
        let b = GraphBuilder()
        let firm = try! b.declareKind(name: "firm", plural: "firms", role: .entity, columns: [])
        let honor = try! b.declareKind(name: "honor", plural: "honors", role: .entity, columns: [])
        let award = try! b.declareKind(name: "award", plural: "awards", role: .relation, columns: [
            Column(name: "firm", type: .ref(.kind(firm)), isLocation: true), Column(name: "honor", type: .ref(.kind(honor))),
            Column(name: "edition", type: .text)])
        let firms = (0..<10_000).map { try! b.addEntity(kind: firm, name: "企业\($0 % 7)号\($0)").entity }
        let honors = (0..<200).map { try! b.addEntity(kind: honor, name: "奖\($0)").entity }
        for _ in 0..<120_000 {
            // One award in ten: firm i with weight about 1/(i+1) among the first 3,000; else any
            // firm. Honors skewed.
            let u = Double(Int.random(in: 1...1_000_000, using: &rng)) / 1_000_000
            let f = Int.random(in: 0..<10, using: &rng) == 0 ? min(2_999, Int(pow(3_000, u)) - 1) : Int.random(in: 0..<firms.count, using: &rng)
            let h = min(honors.count - 1, Int(Double(honors.count) * u * u * Double(Int.random(in: 1...100, using: &rng)) / 100))
            let r = b.addRow(kind: award)
            b.setID(kind: award, column: 0, row: r, firms[f])
            if !(withoutHonor && Int.random(in: 0..<50, using: &rng) == 0) { b.setID(kind: award, column: 1, row: r, honors[h]) }
            b.setID(kind: award, column: 2, row: r, b.intern("第\(Int.random(in: 1...9, using: &rng))届"))
        }
        return b.finish()!
    }

    static let full = graph(withoutHonor: false), holes = graph(withoutHonor: true)

    /// The rows of `q` and the grouping's method; `buckets: false` turns `groupsFromIndex` off.
    static func rows(_ g: FactGraph, _ q: String, buckets: Bool = true) throws -> (rows: [[String]], method: String) {
        let e = QueryEngine(graph: g)
        if !buckets { e.indexGroupsFrom = .max }
        let t = try e.execute(q)
        var method = ""
        for step in e.lastPlan?.steps ?? [] { if case .group(_, _, let m) = step { method = m } }
        return (t.rows.indices.map { r in t.columns.indices.map { t.text(r, $0) } }, method)
    }

    @Test(arguments: ["count awards by firm, honor limit 20", "count awards by honor, firm limit 20",
                      "count awards by firm, honor limit 1", "count awards by firm, honor limit 300",
                      "count awards by firm, honor limit 7 offset 5",
                      "count awards by firm, honor order by count desc, honor desc, firm limit 40",
                      "count awards by firm, honor order by count desc, honor desc limit 40",
                      "count awards by firm, edition limit 25", "count awards by edition, firm limit 25"])
    func sameAsGroupingEveryRow(_ q: String) throws {
        for g in [Self.full, Self.holes] {
            let fast = try Self.rows(g, q)
            // A condition every row meets makes the rows a list: the full grouping.
            let by = q.range(of: " by ")!
            let slow = try Self.rows(g, q.replacingCharacters(in: by, with: " where edition~届 or edition is null by "))
            #expect(!slow.method.contains("buckets"))
            #expect(fast.rows == slow.rows, "\(q): \(fast.method)")
            #expect(!fast.rows.isEmpty)
        }
    }

    /// The shapes that read the buckets here (the others above group every row: over a quarter
    /// of the rows would be read).
    @Test(arguments: ["count awards by firm, honor limit 20", "count awards by honor, firm limit 20",
                      "count awards by firm, honor limit 7 offset 5", "count awards by firm, edition limit 25",
                      "count awards by firm, honor order by count desc, honor desc, firm limit 40",
                      "count awards by firm, honor order by count desc, honor desc limit 40"])
    func readsTheBuckets(_ q: String) throws {
        for g in [Self.full, Self.holes] { #expect(try Self.rows(g, q).method.contains("buckets")) }
    }

    @Test(arguments: ["count awards by firm, honor", "count awards by firm, honor order by count limit 5",
                      "count awards by firm, honor order by firm limit 5", "count awards by firm limit 5",
                      "awards by firm, honor summarize count, count(edition) limit 5"])
    func otherShapesGroupEveryRow(_ q: String) throws {
        #expect(try !Self.rows(Self.full, q).method.contains("buckets"))
    }
}

/// Groups that `order by` leaves tied come in the order of the `by` columns, whichever way the
/// groups were made (dense table, radix sort, index buckets): `order by count desc` alone gives
/// the default order.
@Suite struct TiedGroupOrderTests {
    @Test(arguments: ["count awards by firm, honor", "count awards by honor, firm limit 30", "count awards by edition, firm limit 50",
                      "count awards by firm", "count awards by honor, edition"])
    func orderByCountAloneIsTheDefault(_ q: String) throws {
        let explicit = q.contains(" limit") ? q.replacingOccurrences(of: " limit", with: " order by count desc limit") : q + " order by count desc"
        for g in [TopByCountTests.full, TopByCountTests.holes, SummaryPathsTests.graph] {
            #expect(try TopByCountTests.rows(g, explicit).rows == TopByCountTests.rows(g, q).rows, "\(q)")
        }
    }

    @Test func placeKeys() throws {
        let g = SummaryPathsTests.graph
        for q in ["count awards by city", "count awards by city, year", "count firms by city"] {
            #expect(try TopByCountTests.rows(g, q + " order by count desc").rows == TopByCountTests.rows(g, q).rows, "\(q)")
        }
    }
}
