import FactGraph

/// Compares values for `order by` and summaries: numbers numerically, dates by date, text and
/// names in collation order (pinyin by default); numbers before dates before text. Missing
/// values are the caller's business (they sort last in both directions).
final class ValueOrder {
    let g: FactGraph
    private var keys: [String: [UInt8]] = [:]

    init(g: FactGraph) { self.g = g }

    func key(_ s: String) -> [UInt8] {
        if let k = keys[s] { return k }
        let k = CollationKey.key(s)
        keys[s] = k
        return k
    }

    func rank(_ v: Value) -> Int {
        switch v {
        case .null: return 3
        case .int, .number: return 0
        case .date: return 1
        default: return 2
        }
    }

    /// -1, 0 or 1.
    func compare(_ a: Value, _ b: Value, _ c: Collation) -> Int {
        switch (a, b) {
        case (.int(let x), .int(let y)): return x < y ? -1 : (x == y ? 0 : 1)
        case (.date(let x), .date(let y)): return x < y ? -1 : (x == y ? 0 : 1)
        case (.number(let x), .number(let y)): return x < y ? -1 : (x == y ? 0 : 1)
        case (.int(let x), .number(let y)): return Double(x) < y ? -1 : (Double(x) == y ? 0 : 1)
        case (.number(let x), .int(let y)): return x < Double(y) ? -1 : (x == Double(y) ? 0 : 1)
        case (.entity(let x), .entity(let y)) where x == y: return 0
        case (.text(let x), .text(let y)) where x == y: return 0
        default:
            let ra = rank(a), rb = rank(b)
            if ra != rb { return ra < rb ? -1 : 1 }
            let sa = g.display(a), sb = g.display(b)
            if sa == sb { return 0 }
            switch c {
            case .codepoint: return sa.utf8.lexicographicallyPrecedes(sb.utf8) ? -1 : 1
            case .pinyin:
                let x = key(sa), y = key(sb)
                return x.withUnsafeBytes { p in y.withUnsafeBytes { q in CollationKey.compare(p, q) } } < 0 ? -1 : 1
            }
        }
    }
}

/// Sorts a relation's rows by `order by` keys: each key becomes one integer per row (a number's
/// bits, or a text's rank in collation order, found once per distinct text), so the sort
/// compares integers. A limit keeps only the first N with a bounded heap.
struct RowSorter {
    let engine: QueryEngine
    let kind: Int

    enum KeyColumn {
        case codes([UInt64], nulls: [Bool], descending: Bool)
        case values([Value], descending: Bool, collation: Collation)
    }

    func sort(_ rows: [UInt32], _ keys: [BoundOrder], limit: Int?) throws(QueryError) -> [UInt32] {
        let g = engine.graph
        var cols: [KeyColumn] = []
        for key in keys {
            try engine.checkCancel()
            let vals = try engine.columnValues(key.accessor, kind, rows)
            cols.append(encode(vals, key, g))
        }
        try engine.checkCancel()
        let order = ValueOrder(g: g)
        let less: (Int, Int) -> Bool = { i, j in
            for c in cols {
                switch c {
                case .codes(let codes, let nulls, let desc):
                    let ni = nulls[i], nj = nulls[j]
                    if ni != nj { return nj }
                    if ni { continue }
                    let x = codes[i], y = codes[j]
                    if x != y { return desc ? x > y : x < y }
                case .values(let vs, let desc, let coll):
                    let a = vs[i], b = vs[j]
                    if a == .null || b == .null {
                        if (a == .null) != (b == .null) { return b == .null }
                        continue
                    }
                    let r = order.compare(a, b, coll)
                    if r != 0 { return desc ? r > 0 : r < 0 }
                }
            }
            return rows[i] < rows[j]
        }
        var idx: [Int]
        if let limit, limit < rows.count / 2 {
            idx = Self.top(rows.count, limit, less)
        } else {
            idx = Array(rows.indices)
            idx.sort(by: less)
        }
        try engine.checkCancel()
        return idx.map { rows[$0] }
    }

    /// One key's values as order-preserving integers where the type allows.
    func encode(_ vals: [Value], _ key: BoundOrder, _ g: FactGraph) -> KeyColumn {
        var nulls = [Bool](repeating: false, count: vals.count)
        var codes = [UInt64](repeating: 0, count: vals.count)
        switch key.type {
        case .int, .date:
            for (i, v) in vals.enumerated() {
                switch v {
                case .int(let x), .date(let x): codes[i] = UInt64(bitPattern: x) ^ (1 << 63)
                case .null: nulls[i] = true
                default: return .values(vals, descending: key.descending, collation: key.collation)
                }
            }
        case .number:
            for (i, v) in vals.enumerated() {
                switch v {
                case .number(let x): codes[i] = Self.orderBits(x)
                case .int(let x): codes[i] = Self.orderBits(Double(x))
                case .null: nulls[i] = true
                default: return .values(vals, descending: key.descending, collation: key.collation)
                }
            }
        case .text, .entity:
            var ids = [UInt32](repeating: 0, count: vals.count)
            for (i, v) in vals.enumerated() {
                switch v {
                case .text(let s): ids[i] = s
                case .entity(let e): ids[i] = g.entityName[Int(e)]
                case .null: nulls[i] = true
                default: return .values(vals, descending: key.descending, collation: key.collation)
                }
            }
            let ranks = CollationRankTable.of(g)
            for i in ids.indices where !nulls[i] { codes[i] = UInt64(ranks.rank(ids[i], key.collation)) }
        case .dynamic:
            return .values(vals, descending: key.descending, collation: key.collation)
        }
        return .codes(codes, nulls: nulls, descending: key.descending)
    }

    /// A double's bits, ordered as the doubles are.
    static func orderBits(_ d: Double) -> UInt64 {
        let b = d.bitPattern
        return b & (1 << 63) != 0 ? ~b : b | (1 << 63)
    }

    /// The indices of the first `n` of `count` items under `less`, in order (a bounded max-heap).
    static func top(_ count: Int, _ n: Int, _ less: (Int, Int) -> Bool) -> [Int] {
        if n == 0 { return [] }
        var heap: [Int] = []
        heap.reserveCapacity(n)
        func siftUp(_ i: Int) {
            var c = i
            while c > 0 {
                let p = (c - 1) / 2
                if less(heap[p], heap[c]) { heap.swapAt(p, c); c = p } else { break }
            }
        }
        func siftDown(_ i: Int) {
            var p = i
            while true {
                let l = 2 * p + 1, r = l + 1
                var m = p
                if l < heap.count && less(heap[m], heap[l]) { m = l }
                if r < heap.count && less(heap[m], heap[r]) { m = r }
                if m == p { return }
                heap.swapAt(p, m)
                p = m
            }
        }
        for i in 0..<count {
            if heap.count < n {
                heap.append(i)
                siftUp(heap.count - 1)
            } else if less(i, heap[0]) {
                heap[0] = i
                siftDown(0)
            }
        }
        return heap.sorted(by: less)
    }
}
