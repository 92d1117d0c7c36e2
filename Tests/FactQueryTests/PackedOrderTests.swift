import Testing
import FactGraph
@testable import FactQuery

/// `order by` over many rows sorts one packed integer per row by radix (`RowSorter.packedOrder`);
/// its order must be the comparison order exactly: keys in turn, descending where asked, missing
/// values last either way, ties by row number.
@Suite struct PackedOrderTests {
    /// The comparison order of `RowSorter` over code columns, as a plain sort.
    static func reference(_ rows: [UInt32], _ cols: [(codes: [UInt64], nulls: [Bool], desc: Bool)]) -> [UInt32] {
        let order = rows.indices.sorted { i, j in
            for c in cols {
                if c.nulls[i] != c.nulls[j] { return c.nulls[j] }
                if c.nulls[i] { continue }
                if c.codes[i] != c.codes[j] { return c.desc ? c.codes[i] > c.codes[j] : c.codes[i] < c.codes[j] }
            }
            return rows[i] < rows[j]
        }
        return order.map { rows[$0] }
    }

    @Test(arguments: 0..<40)
    func sameAsComparing(_ seed: Int) throws {
        var rng = SplitMix64(seed: UInt64(seed) &* 7919 &+ 11)
        let n = [0, 1, 2, 17, 1000, 5000][seed % 6]
        // Rows in increasing order (a scan) or shuffled (an index's bucket).
        var rows = (0..<n).map { UInt32($0 * 3 + Int.random(in: 0..<3, using: &rng)) }
        if seed % 2 == 1 { rows.shuffle(using: &rng) }
        let keyCount = 1 + seed % 3
        var cols: [(codes: [UInt64], nulls: [Bool], desc: Bool)] = []
        for k in 0..<keyCount {
            // Few distinct values (ties), a wide range, sign-flipped 64-bit ints, or all missing.
            let shape = (seed / 3 + k) % 4
            let codes: [UInt64] = (0..<n).map { _ in
                switch shape {
                case 0: return UInt64(Int.random(in: 0..<4, using: &rng))
                case 1: return UInt64(Int.random(in: 0..<1_000_000_000, using: &rng))
                case 2: return UInt64(bitPattern: Int64.random(in: -5000...5000, using: &rng)) ^ (1 << 63)
                default: return 42
                }
            }
            let nullShare = [0, 10, 2, 100][(seed + k) % 4]
            let nulls = (0..<n).map { _ in nullShare > 0 && Int.random(in: 0..<nullShare, using: &rng) == 0 }
            cols.append((codes, nulls, Bool.random(using: &rng)))
        }
        let keyed = cols.map { RowSorter.KeyColumn.codes($0.codes, nulls: $0.nulls, descending: $0.desc) }
        let packed = try #require(RowSorter.packedOrder(rows, keyed))
        #expect(packed == Self.reference(rows, cols))
    }

    @Test func keysTooWide() {
        let rows: [UInt32] = [0, 1, 2]
        // A range too wide to number densely: left to the comparison sort.
        let wide = RowSorter.KeyColumn.codes([0, 1 << 50, 5], nulls: [false, false, false], descending: false)
        #expect(RowSorter.packedOrder(rows, [wide]) == nil)
        // 27 + 27 bits of keys and 2 of row numbers fit; with a third such key the values are
        // numbered densely (3 values: 2 bits each) and still sorted by radix.
        let narrow = RowSorter.KeyColumn.codes([0, 1 << 26, 5], nulls: [false, false, false], descending: false)
        #expect(RowSorter.packedOrder(rows, [narrow, narrow]) == [0, 2, 1])
        #expect(RowSorter.packedOrder(rows, [narrow, narrow, narrow]) == [0, 2, 1])
        // Three keys of 31 bits: too wide together, and each too wide to number densely: sorted
        // one key at a time.
        let broad = RowSorter.KeyColumn.codes([0, 1 << 30, 5], nulls: [false, false, false], descending: false)
        #expect(RowSorter.packedOrder(rows, [broad, broad, broad]) == [0, 2, 1])
    }

    /// Keys whose ranges together do not fit: three of 22 bits and the row numbers (numbered
    /// densely), or four of 22 bits with 40 distinct values… and one of 30 with 3000 (too many
    /// bits even densely: sorted one key at a time), against the comparison order.
    @Test(arguments: 0..<12)
    func denseKeysSameAsComparing(_ seed: Int) throws {
        var rng = SplitMix64(seed: UInt64(seed) &+ 500)
        let n = 3000
        var rows = (0..<n).map { UInt32($0 * 2) }
        if seed % 2 == 1 { rows.shuffle(using: &rng) }
        var cols: [(codes: [UInt64], nulls: [Bool], desc: Bool)] = []
        let layered = seed >= 6
        for k in 0..<(layered ? 5 : 3) {
            // Few distinct values spread over a 2^22 range (one key of many over 2^30 when layered).
            let wide = layered && k == 2
            let values = (0..<(wide ? 3000 : 40)).map { _ in UInt64(Int.random(in: 0..<(1 << (wide ? 30 : 22)), using: &rng)) }
            let codes = (0..<n).map { _ in values[Int.random(in: 0..<values.count, using: &rng)] }
            let nulls = (0..<n).map { _ in Int.random(in: 0..<9, using: &rng) == 0 }
            cols.append((codes, nulls, Bool.random(using: &rng)))
        }
        let keyed = cols.map { RowSorter.KeyColumn.codes($0.codes, nulls: $0.nulls, descending: $0.desc) }
        let packed = try #require(RowSorter.packedOrder(rows, keyed))
        #expect(packed == Self.reference(rows, cols))
    }

    /// Through the engine: a whole sorted result (radix) begins with the rows that `limit`
    /// (a bounded heap comparing keys) picks, for keys of every stored type.
    static let graph: FactGraph = {
        var rng = SplitMix64(seed: 99)
        let b = GraphBuilder()
        let firm = try! b.declareKind(name: "firm", plural: "firms", role: .entity, columns: [])
        let award = try! b.declareKind(name: "award", plural: "awards", role: .relation, columns: [
            Column(name: "firm", type: .ref(.kind(firm)), isLocation: true), Column(name: "year", type: .int),
            Column(name: "edition", type: .text), Column(name: "day", type: .date), Column(name: "score", type: .int)])
        let names = ["济宁", "金乡", "apple", "Jinan", "潍坊", "item 9", "item 10", "第二届", "第十届", "三一"]
        let firms = (0..<600).map { try! b.addEntity(kind: firm, name: "\(names[$0 % names.count])\($0 / 7)号").entity }
        for _ in 0..<6_000 {
            let r = b.addRow(kind: award)
            if Int.random(in: 0..<20, using: &rng) > 0 { b.setID(kind: award, column: 0, row: r, firms[Int.random(in: 0..<firms.count, using: &rng)]) }
            if Int.random(in: 0..<10, using: &rng) > 0 { b.setInt(kind: award, column: 1, row: r, Int64.random(in: 2001...2024, using: &rng)) }
            if Int.random(in: 0..<5, using: &rng) > 0 {
                b.setID(kind: award, column: 2, row: r, b.intern("第\(["一", "二", "九", "十", "十一"][Int.random(in: 0..<5, using: &rng)])届"))
            }
            b.setInt(kind: award, column: 3, row: r, Int64(2020_01_01 + Int.random(in: 0..<12, using: &rng) * 100 + Int.random(in: 0..<28, using: &rng)))
            b.setInt(kind: award, column: 4, row: r, Int64.random(in: -3_000_000_000...3_000_000_000, using: &rng))
        }
        return b.finish()!
    }()

    @Test(arguments: ["year", "year desc", "firm", "firm desc", "firm, year desc", "edition, firm", "edition desc, day",
                      "day desc, score", "score", "score desc, firm desc", "firm collate codepoint, year",
                      "year, edition desc, firm", "name"])
    func wholeSortBeginsWithTheTopRows(_ keys: String) throws {
        let e = QueryEngine(graph: Self.graph)
        let what = keys == "name" ? "firms" : "awards"
        func texts(_ q: String) throws -> [[String]] {
            let t = try e.execute(q)
            return t.rows.indices.map { r in t.columns.indices.map { t.text(r, $0) } }
        }
        let all = try texts("\(what) order by \(keys)")
        let top = try texts("\(what) order by \(keys) limit 57")
        #expect(all.count == (what == "firms" ? 600 : 6_000))
        #expect(Array(all.prefix(57)) == top)
        // The rows that the heap leaves after 57 come in the same order too.
        #expect(Array(all.dropFirst(57).prefix(40)) == (try texts("\(what) order by \(keys) limit 40 offset 57")))
    }

    /// Groups too: a whole ordered summary (radix over counts and key ranks) begins with the
    /// groups that `limit` (a bounded heap comparing them) picks.
    @Test(arguments: ["count awards by firm, year", "count awards by year, firm", "count awards by edition, day",
                      "count awards by firm order by firm desc", "count awards by year, edition order by count",
                      "awards summarize count, min(year), max(score) by firm order by max(score) desc",
                      "awards summarize count(distinct firm) by edition, year order by edition desc",
                      "count awards by firm, edition having count > 1 order by count desc, edition",
                      "awards summarize min(year), max(year) by firm order by max(year) desc, min(year)",
                      "awards summarize max(day), count, min(day) by edition, year order by min(day) desc",
                      "count awards by firm, year order by count desc, firm desc"])
    func wholeGroupOrderBeginsWithTheTopGroups(_ q: String) throws {
        let e = QueryEngine(graph: Self.graph)
        func texts(_ q: String) throws -> [[String]] {
            let t = try e.execute(q)
            return t.rows.indices.map { r in t.columns.indices.map { t.text(r, $0) } }
        }
        let all = try texts(q)
        #expect(all.count > 120)
        #expect(Array(all.prefix(50)) == (try texts(q + " limit 50")))
        #expect(Array(all.dropFirst(50).prefix(20)) == (try texts(q + " limit 20 offset 50")))
    }

    /// `order by name-column limit N` walks the names in order; a bound on the same column in
    /// the condition starts the walk at the bound. Its rows must be the first N of the whole
    /// sorted, filtered result.
    @Test(arguments: ["firm > 济宁3号", "firm >= 济宁3号", "firm > 金", "firm > apple9号 and year >= 2010",
                      "firm < 潍坊2号", "firm <= 潍坊2号", "firm < 第", "firm > zzz", "firm < a"])
    func aBoundStartsTheWalk(_ condition: String) throws {
        let e = QueryEngine(graph: Self.graph)
        func texts(_ q: String) throws -> [[String]] {
            let t = try e.execute(q)
            return t.rows.indices.map { r in t.columns.indices.map { t.text(r, $0) } }
        }
        for direction in ["", " desc"] {
            let q = "awards where \(condition) order by firm\(direction)"
            let all = try texts(q)
            #expect(Array(all.prefix(9)) == (try texts(q + " limit 9")), "\(q)")
            #expect(Array(all.dropFirst(9).prefix(4)) == (try texts(q + " limit 4 offset 9")), "\(q)")
        }
    }

    /// Text comparisons of names and of an entity column (compiled: by the names' places in
    /// collation order) select what comparing the texts' keys one by one selects.
    @Test(arguments: ["济宁3号", "金", "apple9号", "第十届", "item 10", "zzz", "a", ""])
    func nameComparisonsFollowTheCollation(_ literal: String) throws {
        let e = QueryEngine(graph: Self.graph)
        let g = Self.graph
        let firm = try #require(g.kinds.firstIndex { $0.plural == "firms" })
        let names = g.kinds[firm].entityOfRow.map { g.name(of: $0) }
        let key = CollationKey.key(literal)
        func cmp(_ s: String) -> Int {
            let k = CollationKey.key(s)
            return k.withUnsafeBytes { a in key.withUnsafeBytes { b in CollationKey.compare(a, b) } }
        }
        let shown = try e.execute("awards show firm")
        let awardFirms = shown.rows.indices.map { shown.text($0, 0) }
        for (op, test) in [("<", { (c: Int) in c < 0 }), ("<=", { $0 <= 0 }), (">", { $0 > 0 }), (">=", { $0 >= 0 }),
                           ("=", { $0 == 0 }), ("!=", { $0 != 0 })] as [(String, (Int) -> Bool)] {
            let want = names.filter { test(cmp($0)) }.count
            let got = try e.execute("count firms where name \(op) \"\(literal)\"").text(0, 0)
            #expect(got == String(want), "name \(op) \(literal)")
            if op != "=" && op != "!=" {
                let wantAwards = awardFirms.filter { !$0.isEmpty && test(cmp($0)) }.count
                let gotAwards = try e.execute("count awards where firm \(op) \"\(literal)\"").text(0, 0)
                #expect(gotAwards == String(wantAwards), "firm \(op) \(literal)")
            }
        }
    }

    /// A summary's column is numeric (right-aligned in tables) exactly when its shown cells are
    /// numbers or missing with at least one number: found from the key's values and the
    /// aggregate's type, without reading every group, as reading every cell finds it.
    @Test(arguments: ["count awards by year, firm", "count awards by firm, edition", "awards summarize min(year), max(firm), avg(score) by edition",
                      "awards summarize sum(score), min(day), count(distinct firm) by year", "count awards by year having count > 100000",
                      "awards where year = 2001 summarize max(year) by firm", "awards summarize min(edition), max(score) by firm limit 5"])
    func summaryColumnsAreNumericAsTheirCells(_ q: String) throws {
        let t = try QueryEngine(graph: Self.graph).execute(q)
        for c in t.columns.indices {
            var any = false, other = false
            for r in 0..<t.rowCount {
                switch t.value(r, c) {
                case .int, .number: any = true
                case .null: break
                default: other = true
                }
            }
            #expect(t.isNumeric(c) == (any && !other), "\(q): \(t.columns[c])")
        }
    }

    /// Rows from an index come in the index's order, not by row number.
    @Test(arguments: ["edition", "edition desc, day", "day", "year desc"])
    func rowsFromAnIndex(_ keys: String) throws {
        let e = QueryEngine(graph: Self.graph)
        func texts(_ q: String) throws -> [[String]] {
            let t = try e.execute(q)
            return t.rows.indices.map { r in t.columns.indices.map { t.text(r, $0) } }
        }
        let q = "awards where firm in (济宁0号, 金乡0号, apple0号, 潍坊3号) order by \(keys)"
        let all = try texts(q)
        #expect(all.count > 20)
        #expect(Array(all.prefix(9)) == (try texts(q + " limit 9")))
        #expect(Array(all.dropFirst(9).prefix(5)) == (try texts(q + " limit 5 offset 9")))
    }
}
