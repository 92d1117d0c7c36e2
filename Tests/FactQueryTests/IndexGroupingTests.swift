import Testing
import FactGraph
@testable import FactQuery

/// `count R by A, B` over every row, with A an indexed reference and B a small int column, reads
/// A's buckets in name order (`groupsFromIndex`) and orders the groups by counting
/// (`CountingOrder`). Its answers are checked against the test's own count and order, and
/// against the full grouping of the same rows (a condition every row meets turns it off); the
/// pieces are checked at sizes that take their two-core paths.
@Suite struct IndexGroupingTests {
    /// 20,000 firms (names in Chinese, Latin letters and digits, so the pinyin order is not the
    /// byte order), 40 honors, 150,000 awards: a year (2010–2024, one in twenty-five missing),
    /// an edition (1–9) and a score (a wide range, stored in 32 bits). `withoutFirm` leaves
    /// the firm out of some awards.
    static func graph(withoutFirm: Bool) -> (FactGraph, [(firm: String?, year: Int?)]) {
        var rng = SplitMix64(seed: withoutFirm ? 41 : 29)
        let b = GraphBuilder()
        let firm = try! b.declareKind(name: "firm", plural: "firms", role: .entity, columns: [])
        let honor = try! b.declareKind(name: "honor", plural: "honors", role: .entity, columns: [])
        let award = try! b.declareKind(name: "award", plural: "awards", role: .relation, columns: [
            Column(name: "firm", type: .ref(.kind(firm)), isLocation: true), Column(name: "honor", type: .ref(.kind(honor))),
            Column(name: "year", type: .int), Column(name: "edition", type: .int), Column(name: "score", type: .int)])
        let heads = ["济宁", "重庆", "长沙", "阿里", "Zeta", "alpha", "第十", "中国", "银行", "行者"]
        var names: [String] = []
        let firms = (0..<20_000).map { i -> UInt32 in
            let name = "\(heads[i % heads.count])\(i % 97)号\(i)"
            names.append(name)
            return try! b.addEntity(kind: firm, name: name).entity
        }
        let honors = (0..<40).map { try! b.addEntity(kind: honor, name: "奖\($0)").entity }
        var facts: [(firm: String?, year: Int?)] = []
        for _ in 0..<150_000 {
            let r = b.addRow(kind: award)
            // A few firms with many awards, most with a handful.
            let f = Int.random(in: 0..<10, using: &rng) == 0 ? Int.random(in: 0..<30, using: &rng) : Int.random(in: 0..<firms.count, using: &rng)
            let hasFirm = !(withoutFirm && Int.random(in: 0..<40, using: &rng) == 0)
            if hasFirm { b.setID(kind: award, column: 0, row: r, firms[f]) }
            b.setID(kind: award, column: 1, row: r, honors[Int.random(in: 0..<honors.count, using: &rng)])
            let year: Int? = Int.random(in: 0..<25, using: &rng) == 0 ? nil : 2010 + Int.random(in: 0..<15, using: &rng)
            if let year { b.setInt(kind: award, column: 2, row: r, Int64(year)) }
            b.setInt(kind: award, column: 3, row: r, Int64(Int.random(in: 1...9, using: &rng)))
            b.setInt(kind: award, column: 4, row: r, Int64(Int.random(in: 0..<5, using: &rng) * 100_000))
            facts.append((hasFirm ? names[f] : nil, year))
        }
        return (b.finish()!, facts)
    }

    static let full = graph(withoutFirm: false), holes = graph(withoutFirm: true)

    /// The rows of `count awards by firm, year` (or `by year, firm` when `yearFirst`) in the
    /// default order, computed here: counts largest first, then the keys, names in pinyin
    /// order, missing values last.
    static func expected(_ facts: [(firm: String?, year: Int?)], yearFirst: Bool) -> [[String]] {
        struct Key: Hashable { let firm: String?; let year: Int? }
        var counts: [Key: Int] = [:]
        for f in facts { counts[Key(firm: f.firm, year: f.year), default: 0] += 1 }
        // Each name's place in pinyin order.
        let names = Set(facts.compactMap(\.firm)).map { ($0, CollationKey.key($0)) }
            .sorted { $0.1.lexicographicallyPrecedes($1.1) }
        let place = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($0.element.0, $0.offset) })
        func firmLess(_ a: String?, _ b: String?) -> Bool? {
            if a == b { return nil }
            guard let a else { return false }
            guard let b else { return true }
            return place[a]! < place[b]!
        }
        func yearLess(_ a: Int?, _ b: Int?) -> Bool? {
            if a == b { return nil }
            guard let a else { return false }
            guard let b else { return true }
            return a < b
        }
        let sorted = counts.sorted { x, y in
            if x.value != y.value { return x.value > y.value }
            let keys = yearFirst ? [yearLess(x.key.year, y.key.year), firmLess(x.key.firm, y.key.firm)]
                                 : [firmLess(x.key.firm, y.key.firm), yearLess(x.key.year, y.key.year)]
            for k in keys { if let k { return k } }
            return false
        }
        return sorted.map { e in
            let firm = e.key.firm ?? "", year = e.key.year.map(String.init) ?? ""
            return (yearFirst ? [year, firm] : [firm, year]) + [String(e.value)]
        }
    }

    /// Where two answers part (their row counts, or the first row that differs); nil when equal.
    static func difference(_ a: [[String]], _ b: [[String]]) -> String? {
        if let i = (0..<min(a.count, b.count)).first(where: { a[$0] != b[$0] }) { return "row \(i): \(a[i]) against \(b[i])" }
        return a.count == b.count ? nil : "\(a.count) rows against \(b.count)"
    }

    @Test func countsAndOrderAsComputedHere() throws {
        let (g, facts) = Self.full
        for yearFirst in [false, true] {
            let q = yearFirst ? "count awards by year, firm" : "count awards by firm, year"
            let got = try TopByCountTests.rows(g, q)
            #expect(got.method.contains("in name order"), "\(q): \(got.method)")
            #expect(Self.difference(got.rows, Self.expected(facts, yearFirst: yearFirst)) == nil, "\(q)")
        }
    }

    /// Every order the counting sort takes (and those it leaves to comparisons), with `having`,
    /// `offset` and conditions, as the grouping of every row orders them.
    @Test(arguments: ["count awards by firm, year", "count awards by year, firm",
                      "count awards by firm, year order by firm, year", "count awards by firm, year order by year, firm",
                      "count awards by firm, year order by year desc, firm desc", "count awards by firm, year order by firm desc",
                      "count awards by firm, year order by count", "count awards by firm, year order by count desc, year desc",
                      "count awards by firm, year order by firm collate codepoint", "count awards by firm, year order by year desc",
                      "count awards by firm, edition", "count awards by edition, firm order by edition desc, count",
                      "count awards by honor, year", "count awards by year, honor order by honor desc",
                      "count awards by firm, year having count > 2", "count awards by year, firm having count >= 2 order by year",
                      "awards summarize count by firm, year", "count awards by firm, score",
                      "count awards where edition > 3 by firm, year", "count awards where year is null or edition = 2 by year, firm",
                      "count awards where honor = 奖3 or year > 2020 by honor, year order by year desc",
                      "count awards where firm~济宁 by firm, year limit 100000 offset 3"])
    func sameAsGroupingEveryRow(_ q: String) throws {
        for (g, _) in [Self.full, Self.holes] {
            let fast = try TopByCountTests.rows(g, q)
            let slow = try TopByCountTests.rows(g, q, buckets: false)
            #expect(!slow.method.contains("name order"))
            #expect(Self.difference(fast.rows, slow.rows) == nil, "\(q): \(fast.method)")
            #expect(!fast.rows.isEmpty)
        }
    }

    /// Which shapes read the buckets: not with a missing reference (its rows are in no bucket),
    /// a 32-bit column, another aggregate, or a limit before names are ranked.
    @Test func whereItApplies() throws {
        #expect(try TopByCountTests.rows(Self.full.0, "count awards by firm, year").method.contains("name order"))
        #expect(try TopByCountTests.rows(Self.full.0, "count awards by honor, edition").method.contains("name order"))
        #expect(try !TopByCountTests.rows(Self.holes.0, "count awards by firm, year").method.contains("name order"))
        #expect(try !TopByCountTests.rows(Self.full.0, "count awards by firm, score").method.contains("name order"))
        #expect(try !TopByCountTests.rows(Self.full.0, "count awards by firm, honor").method.contains("name order"))
        #expect(try !TopByCountTests.rows(Self.full.0, "awards summarize count, max(score) by firm, year").method.contains("name order"))
        #expect(try TopByCountTests.rows(Self.full.0, "count awards where edition > 3 by firm, year").method.contains("name order"))
        #expect(try !TopByCountTests.rows(Self.full.0, "count awards where firm = 济宁0号0 by firm, year").method.contains("name order"))
        let fresh = Self.graph(withoutFirm: false).0
        #expect(try !TopByCountTests.rows(fresh, "count awards by firm, year limit 100000").method.contains("name order"))
    }

    /// The buckets read on two cores (over a million rows) make the groups a plain count makes.
    @Test func walkOnTwoCoresAsOne() {
        var rng = SplitMix64(seed: 77)
        let entities = 300_000, n = (1 << 20) + 4_321
        // Rows spread over the entities (some with none, a few with thousands), in index order.
        var per = [Int](repeating: 0, count: entities)
        for _ in 0..<n {
            let e = Int.random(in: 0..<50, using: &rng) == 0 ? Int.random(in: 0..<5, using: &rng) : Int.random(in: 0..<entities, using: &rng)
            per[e] += 1
        }
        var start: [UInt32] = [0]
        for c in per { start.append(start.last! + UInt32(c)) }
        let rows: [UInt32] = (0..<n).map { UInt32($0) }.shuffled(using: &rng)
        let other: [Int16] = (0..<n).map { _ in Int.random(in: 0..<30, using: &rng) == 0 ? Int16.min : Int16(Int.random(in: 2000...2030, using: &rng)) }
        let ordered: [UInt32] = (0..<UInt32(entities)).shuffled(using: &rng)
        let (codeOf, values) = QueryEngine.valueOrderCodes(other)
        #expect(values.last == Null.int && values.dropLast() == values.dropLast().sorted())
        // Every row, then the rows of a condition (a bit each).
        var bits = [UInt64](repeating: 0, count: (n + 63) / 64)
        for r in 0..<n where Int.random(in: 0..<3, using: &rng) != 0 { bits[r / 64] |= 1 << UInt64(r % 64) }
        for kept in [nil, bits] {
            func make(_ ordered: [UInt32]) -> IndexGroups? {
                ordered.withUnsafeBufferPointer { ord in
                    start.withUnsafeBufferPointer { st in
                        rows.withUnsafeBufferPointer { rw in
                            other.withUnsafeBufferPointer { ov in
                                codeOf.withUnsafeBufferPointer { cd in
                                    IndexGroups.withBits(kept) { k in
                                        IndexGroups.make(ordered: ord, start: st, rows: rw, other: ov, codeOf: cd, kept: k,
                                                         valueCount: values.count)
                                    }
                                }
                            }
                        }
                    }
                }
            }
            guard let two = make(ordered) else { Issue.record("no groups"); return }
            // The same, computed plainly: per entity in the given order, its kept rows' codes
            // counted (an entity with rows keeps its code when none is kept).
            var want: [(Int32, Int32, Int)] = []
            var code: Int32 = 0
            for e in ordered where per[Int(e)] > 0 {
                var tally: [Int32: Int] = [:]
                for j in Int(start[Int(e)])..<Int(start[Int(e) + 1]) {
                    let r = Int(rows[j])
                    if let kept, kept[r / 64] & (1 << UInt64(r % 64)) == 0 { continue }
                    tally[codeOf[Int(UInt16(bitPattern: other[r]))], default: 0] += 1
                }
                for (c, k) in tally.sorted(by: { $0.key < $1.key }) { want.append((code, c, k)) }
                code += 1
            }
            #expect(two.entities == ordered.filter { per[Int($0)] > 0 })
            #expect(two.codes == want.map(\.0), "kept: \(kept != nil)")
            #expect(two.otherCodes == want.map(\.1), "kept: \(kept != nil)")
            #expect(two.counts == want.map(\.2), "kept: \(kept != nil)")
            // A reference to entities outside the list (rows in no walked bucket): nil.
            let missing = ordered.filter { $0 != ordered.first { per[Int($0)] > 0 }! }
            #expect(make(missing) == nil)
        }
    }

    /// The counting sort, on two cores from a million groups, is stable and orders by the
    /// combined digit (the first part the most significant), descending codes keeping missing last.
    @Test(arguments: [5_000, RadixSort.twoCoresFrom + 999])
    func stableSortByCombinedDigits(count m: Int) {
        var rng = SplitMix64(seed: UInt64(m))
        let counts = (0..<m).map { _ in Int.random(in: 1...40, using: &rng) }
        // 12 codes, the last standing for a missing value.
        let codes = (0..<m).map { _ in Int32(Int.random(in: 0..<12, using: &rng)) }
        let parts: [CountingOrder.Digit] = [.counts(counts, low: 1, high: 40, descending: true),
                                            .codes(codes, last: 10, descending: true, values: 12)]
        let seq: [Int32] = (0..<Int32(m)).filter { $0 % 3 != 1 }
        let sorted = CountingOrder.stableSort(seq, parts, values: 40 * 12)
        func yearKey(_ c: Int32) -> Int { c == 11 ? 11 : 10 - Int(c) }
        let want = seq.enumerated().sorted { a, b in
            let (x, y) = (Int(a.element), Int(b.element))
            if counts[x] != counts[y] { return counts[x] > counts[y] }
            if yearKey(codes[x]) != yearKey(codes[y]) { return yearKey(codes[x]) < yearKey(codes[y]) }
            return a.offset < b.offset
        }.map(\.element)
        #expect(sorted == want)
    }
}
