import Testing
import FactGraph
@testable import FactQuery

/// `min` and `max` of an entity or text column per group come from one pass that keeps each
/// group's lowest and highest (collation rank, id), on two cores from a million rows: checked
/// against the texts compared one by one, and the two-core pass against a plain loop.
@Suite struct RankBoundsTests {
    /// What `min(col)` and `max(col)` answer, found by comparing the texts in pinyin order.
    static func expected(_ g: FactGraph, key: String, column: String) throws -> [String: (String, String)] {
        let t = try QueryEngine(graph: g).execute("awards show \(key), \(column)")
        var out: [String: (String, String)] = [:]
        for r in 0..<t.rowCount {
            let k = t.text(r, 0), v = t.text(r, 1)
            if case .null = t.value(r, 1) { if out[k] == nil { out[k] = ("", "") }; continue }
            guard let (lo, hi) = out[k], !lo.isEmpty else { out[k] = (v, v); continue }
            out[k] = (CollationKey.less(v, lo) ? v : lo, CollationKey.less(hi, v) ? v : hi)
        }
        return out
    }

    @Test(arguments: [("year", "firm"), ("edition", "firm"), ("firm", "edition"), ("year", "edition")])
    func minAndMaxByRank(_ key: String, _ column: String) throws {
        let g = PackedOrderTests.graph
        let want = try Self.expected(g, key: key, column: column)
        let e = QueryEngine(graph: g)
        for q in ["awards summarize min(\(column)), max(\(column)) by \(key)", "awards summarize max(\(column)), min(\(column)) by \(key)"] {
            let t = try e.execute(q)
            #expect(t.rowCount == want.count)
            let minFirst = q.contains("min(\(column)), max")
            for r in 0..<t.rowCount {
                let (lo, hi) = try #require(want[t.text(r, 0)])
                #expect((minFirst ? t.text(r, 1) : t.text(r, 2)) == lo, "\(q) \(t.text(r, 0))")
                #expect((minFirst ? t.text(r, 2) : t.text(r, 1)) == hi, "\(q) \(t.text(r, 0))")
            }
        }
    }

    /// The two-core pass (from a million rows) finds the bounds a plain loop finds, over all
    /// rows and over a list of rows.
    @Test(arguments: [false, true])
    func twoCoresAsOne(_ list: Bool) {
        var rng = SplitMix64(seed: 5)
        let n = 1_800_000, ids = 5_000, groups = 9
        let col = (0..<n).map { _ in Int.random(in: 0..<12, using: &rng) == 0 ? Null.id : UInt32.random(in: 0..<UInt32(ids), using: &rng) }
        let ranks = (0..<UInt32(ids)).shuffled(using: &rng)
        let picked: [UInt32] = list ? (0..<UInt32(n)).filter { $0 % 3 != 1 } : []
        let rows = RowList(list ? .list(picked) : .all(n))
        let gid = (0..<rows.count).map { _ in Int32.random(in: 0..<Int32(groups), using: &rng) }
        #expect(rows.count >= RadixSort.twoCoresFrom)
        let got = QueryEngine.rankBounds(col, isRef: false, ranks: ranks, names: [], gid: gid, rows: rows, groups: groups)
        var want = [UInt64](repeating: 0, count: 2 * groups)
        for g in 0..<groups { want[2 * g] = .max }
        for i in 0..<rows.count {
            let v = col[list ? Int(picked[i]) : i]
            if v == Null.id { continue }
            let key = UInt64(ranks[Int(v)]) << 32 | UInt64(v)
            let g = 2 * Int(gid[i])
            want[g] = min(want[g], key)
            want[g + 1] = max(want[g + 1], key)
        }
        #expect(got == want)
    }
}
