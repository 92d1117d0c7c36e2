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
        /// Codes read from a stored column when needed, not kept (`StoredKey`).
        case stored(StoredKey, descending: Bool)

        /// `.stored` as `.codes` (for the comparison sort and the heap); others as they are.
        var materialized: KeyColumn {
            guard case .stored(let key, let desc) = self else { return self }
            var codes = [UInt64](repeating: 0, count: key.rows.count)
            var nulls = [Bool](repeating: false, count: key.rows.count)
            key.forEachCode { i, code, isNull in
                if isNull { nulls[i] = true } else { codes[i] = code }
            }
            return .codes(codes, nulls: nulls, descending: desc)
        }
    }

    /// One stored column's (or the rows' names') order codes, as `encode` makes them, read
    /// from the column in a loop per storage: ints and dates by value, text and names by
    /// collation rank.
    struct StoredKey {
        enum Source {
            case ints(IntColumn)
            /// String ids (`names` nil) or entity ids (their names' string ids in `names`).
            case ids([UInt32], names: [UInt32]?, ranks: [UInt32])
            /// Entity ids of one kind (a reference column's, or the rows' own with `rowsOwn`)
            /// by their place among that kind's names (`OrderedEntities.places`).
            case placed(ids: [UInt32], places: OrderedEntities.Places, rowsOwn: Bool)
            /// A place up the location chain: each row's location (or own entity), its place of
            /// the level in `through` (`AncestorTables`), and that place's place among the
            /// level's names.
            case placedThrough(ids: [UInt32], through: [UInt32], places: OrderedEntities.Places)
            /// A chain from a reference column (`enterprise.industry`): the column, each
            /// entity's value of the rest of the chain (`KeyCoder.hopTable`: entity or string
            /// ids), and the values' ranks (through their names when they are entities).
            case hopped(column: [UInt32], through: [UInt32], names: [UInt32]?, ranks: [UInt32])
        }
        let source: Source
        let rows: [UInt32]

        /// The codes' range when it is known without reading them (places: 0 ..< count), and
        /// whether a row may have none.
        var knownRange: (low: UInt64, high: UInt64, mayBeMissing: Bool)? {
            switch source {
            case .placed(_, let p, let rowsOwn): return (0, UInt64(max(p.count, 1) - 1), !rowsOwn)
            case .placedThrough(_, _, let p): return (0, UInt64(max(p.count, 1) - 1), true)
            default: return nil
            }
        }

        /// `body(position, code, isMissing)` for each row in turn.
        @inline(__always)
        func forEachCode(_ body: (Int, UInt64, Bool) -> Void) {
            rows.withUnsafeBufferPointer { rows in
                switch source {
                case .ints(let col):
                    func run<T: FixedWidthInteger>(_ a: [T], _ null: T) {
                        a.withUnsafeBufferPointer { c in
                            for i in 0..<rows.count {
                                let x = c[Int(rows[i])]
                                body(i, UInt64(bitPattern: Int64(x)) ^ (1 << 63), x == null)
                            }
                        }
                    }
                    switch col.storage {
                    case .i16(let a): run(a, .min)
                    case .i32(let a): run(a, .min)
                    case .i64(let a): run(a, Null.int)
                    }
                case .ids(let col, let names, let ranks):
                    col.withUnsafeBufferPointer { c in
                        ranks.withUnsafeBufferPointer { rk in
                            if let names {
                                names.withUnsafeBufferPointer { nm in
                                    for i in 0..<rows.count {
                                        let v = c[Int(rows[i])]
                                        if v == Null.id { body(i, 0, true) } else { body(i, UInt64(rk[Int(nm[Int(v)])]), false) }
                                    }
                                }
                            } else {
                                for i in 0..<rows.count {
                                    let v = c[Int(rows[i])]
                                    if v == Null.id { body(i, 0, true) } else { body(i, UInt64(rk[Int(v)]), false) }
                                }
                            }
                        }
                    }
                case .hopped(let col, let through, let names, let ranks):
                    col.withUnsafeBufferPointer { c in
                        through.withUnsafeBufferPointer { t in
                            ranks.withUnsafeBufferPointer { rk in
                                for i in 0..<rows.count {
                                    let v = c[Int(rows[i])]
                                    let raw = v == Null.id ? Null.id : t[Int(v)]
                                    if raw == Null.id { body(i, 0, true); continue }
                                    body(i, UInt64(rk[Int(names.map { $0[Int(raw)] } ?? raw)]), false)
                                }
                            }
                        }
                    }
                case .placedThrough(let ids, let through, let places):
                    ids.withUnsafeBufferPointer { c in
                        through.withUnsafeBufferPointer { t in
                            places.places.withUnsafeBufferPointer { pl in
                                let base = places.base
                                for i in 0..<rows.count {
                                    let v = c[Int(rows[i])]
                                    let p = v == Null.id ? Null.id : t[Int(v)]
                                    if p == Null.id { body(i, 0, true) } else { body(i, UInt64(pl[Int(p) &- base]), false) }
                                }
                            }
                        }
                    }
                case .placed(let ids, let places, let rowsOwn):
                    ids.withUnsafeBufferPointer { c in
                        places.places.withUnsafeBufferPointer { pl in
                            let base = places.base
                            if rowsOwn {
                                for i in 0..<rows.count { body(i, UInt64(pl[Int(c[Int(rows[i])]) &- base]), false) }
                            } else {
                                for i in 0..<rows.count {
                                    let v = c[Int(rows[i])]
                                    if v == Null.id { body(i, 0, true) } else { body(i, UInt64(pl[Int(v) &- base]), false) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    func sort(_ rows: [UInt32], _ keys: [BoundOrder], limit: Int?) throws(QueryError) -> [UInt32] {
        let g = engine.graph
        var cols: [KeyColumn] = []
        for key in keys {
            try engine.checkCancel()
            if let direct = storedCodes(key, rows, g) {
                cols.append(direct)
                continue
            }
            let vals = try engine.columnValues(key.accessor, kind, rows)
            cols.append(encode(vals, key, g))
        }
        try engine.checkCancel()
        let topN = limit.map { $0 < rows.count / 2 } ?? false
        if !topN, let sorted = Self.packedOrder(rows, cols) {
            try engine.checkCancel()
            return sorted
        }
        cols = cols.map(\.materialized)
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
                case .stored:
                    continue    // materialized above
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
            let ranks = CollationRankTable.of(g).table(key.collation)
            for i in ids.indices where !nulls[i] { codes[i] = UInt64(ranks[Int(ids[i])]) }
        case .dynamic:
            return .values(vals, descending: key.descending, collation: key.collation)
        }
        return .codes(codes, nulls: nulls, descending: key.descending)
    }

    /// A stored column's or the rows' names' codes as `encode` makes them, read from the
    /// column when needed (no `Value` per row, no array of codes kept); nil for other keys.
    func storedCodes(_ key: BoundOrder, _ rows: [UInt32], _ g: FactGraph) -> KeyColumn? {
        let kind = g.kinds[self.kind]
        let source: StoredKey.Source
        switch key.accessor {
        case .stored(let c):
            switch kind.columns[c].type {
            case .int, .date:
                guard key.type == .int || key.type == .date else { return nil }
                source = .ints(kind.intColumn(c))
            case .ref(.kind(let target)) where Self.isTextual(key.type):
                source = .placed(ids: kind.idColumn(c), places: OrderedEntities.of(g).places(ofKind: target, key.collation), rowsOwn: false)
            case .ref, .text:
                guard Self.isTextual(key.type) else { return nil }
                let ranks = CollationRankTable.of(g).table(key.collation)
                source = .ids(kind.idColumn(c), names: kind.columns[c].type.isRef ? g.entityName : nil, ranks: ranks)
            case .number:
                return nil
            }
        case .hop:
            guard Self.isTextual(key.type), let (c, inner) = CompiledFilter.rooted(key.accessor, kind),
                  let (through, isEntity) = KeyCoder.hopTable(g, inner) else { return nil }
            source = .hopped(column: kind.idColumn(c), through: through, names: isEntity ? g.entityName : nil,
                             ranks: CollationRankTable.of(g).table(key.collation))
        case .place(let level):
            guard Self.isTextual(key.type) else { return nil }
            guard let ids = kind.placeAnchors else { return nil }
            source = .placedThrough(ids: ids, through: AncestorTables.of(g).table(level),
                                    places: OrderedEntities.of(g).places(ofKind: level, key.collation))
        case .name:
            guard Self.isTextual(key.type) else { return nil }
            source = .placed(ids: kind.entityOfRow, places: OrderedEntities.of(g).places(ofKind: self.kind, key.collation), rowsOwn: true)
        default:
            return nil
        }
        return .stored(StoredKey(source: source, rows: rows), descending: key.descending)
    }

    static func isTextual(_ t: ValueType) -> Bool {
        switch t {
        case .text, .entity: return true
        default: return false
        }
    }

    /// The rows in order by a radix sort, when every key is coded as integers and the keys, each
    /// narrowed to the range of its codes (and a place for missing values, last either way),
    /// fit in 64 bits beside the row number: one integer per row. Rows given in increasing order
    /// (a scan) put the row number on top and sort by the key bits alone (stably: equal keys keep
    /// the rows' order); other rows put it below the keys and sort by all the bits. Nil when a
    /// key is no code or they do not fit.
    static func packedOrder(_ rows: [UInt32], _ cols: [KeyColumn], denseIfWide: Bool = true) -> [UInt32]? {
        let n = rows.count
        if n < 2 { return rows }
        var maxRow: UInt32 = 0, ascending = true
        for i in 0..<n {
            maxRow = max(maxRow, rows[i])
            if i > 0 && rows[i] <= rows[i - 1] { ascending = false }
        }
        let rowBits = 64 - UInt64(maxRow).leadingZeroBitCount
        struct Narrow { var low: UInt64, high: UInt64, nullCode: UInt64, bits: Int }
        var narrow: [Narrow] = []
        var total = 0
        for c in cols {
            var low = UInt64.max, high: UInt64 = 0, anyNull = false
            switch c {
            case .codes(let codes, let nulls, _):
                for i in 0..<n {
                    if nulls[i] { anyNull = true; continue }
                    low = min(low, codes[i])
                    high = max(high, codes[i])
                }
            case .stored(let key, _):
                if let known = key.knownRange {
                    (low, high, anyNull) = known
                    break
                }
                key.forEachCode { _, code, isNull in
                    if isNull { anyNull = true; return }
                    low = min(low, code)
                    high = max(high, code)
                }
            case .values:
                return nil
            }
            if low > high { low = 0; high = 0 }
            let span = high &- low
            let top = span &+ (anyNull ? 1 : 0)
            let bits = span >= 1 << 48 ? 64 : 64 - top.leadingZeroBitCount
            narrow.append(Narrow(low: low, high: high, nullCode: span &+ 1, bits: bits))
            total += bits
        }
        guard total + rowBits <= 64 else {
            // Too wide (names ranked among a million strings each take 20 bits): each key's
            // values numbered densely in order, so that a key takes the bits its distinct values
            // need (a few hundred honors: 9).
            guard denseIfWide else { return layeredOrder(rows, ascending: ascending, cols, narrow.map { ($0.low, $0.high, $0.nullCode, $0.bits) }) }
            let dense = zip(cols, narrow).map { Self.dense($0.0, low: $0.1.low, span: $0.1.high &- $0.1.low) }
            return packedOrder(rows, dense, denseIfWide: false)
        }
        if total == 0 && ascending { return rows }
        var keys = [UInt64](repeating: 0, count: n)
        keys.withUnsafeMutableBufferPointer { k in
            for (c, w) in zip(cols, narrow) where w.bits > 0 {
                let shift = UInt64(w.bits)
                switch c {
                case .codes(let codes, let nulls, let desc):
                    codes.withUnsafeBufferPointer { codes in
                        nulls.withUnsafeBufferPointer { nulls in
                            for i in 0..<n {
                                let t = nulls[i] ? w.nullCode : (desc ? w.high - codes[i] : codes[i] - w.low)
                                k[i] = k[i] << shift | t
                            }
                        }
                    }
                case .stored(let key, let desc):
                    key.forEachCode { i, code, isNull in
                        let t = isNull ? w.nullCode : (desc ? w.high - code : code - w.low)
                        k[i] = k[i] << shift | t
                    }
                case .values:
                    continue
                }
            }
            if ascending {
                let shift = UInt64(total)
                for i in 0..<n { k[i] |= UInt64(rows[i]) << shift }
            } else {
                let shift = UInt64(rowBits)
                for i in 0..<n { k[i] = k[i] << shift | UInt64(rows[i]) }
            }
        }
        if ascending {
            RadixSort.sort(&keys, bits: total)
            let shift = UInt64(total)
            return keys.map { UInt32(truncatingIfNeeded: $0 >> shift) }
        }
        RadixSort.sort(&keys, bits: total + rowBits)
        let mask = rowBits == 64 ? UInt64.max : (1 << UInt64(rowBits)) - 1
        return keys.map { UInt32(truncatingIfNeeded: $0 & mask) }
    }

    /// Keys that do not fit in one integer together, sorted one at a time, the last first: each
    /// a stable radix sort of the order so far by that key alone (least significant key first),
    /// starting from the rows in increasing order (the last tie-break). Nil when a key alone
    /// does not fit beside the positions.
    static func layeredOrder(_ rows: [UInt32], ascending: Bool, _ cols: [KeyColumn],
                             _ narrow: [(low: UInt64, high: UInt64, nullCode: UInt64, bits: Int)]) -> [UInt32]? {
        let n = rows.count
        let positionBits = 64 - UInt64(max(n - 1, 1)).leadingZeroBitCount
        guard narrow.allSatisfy({ $0.bits + positionBits <= 64 }) else { return nil }
        // Positions in the order of their rows.
        var order: [UInt32] = (0..<n).map { UInt32($0) }
        if !ascending { order.sort { rows[Int($0)] < rows[Int($1)] } }
        for (c, w) in zip(cols, narrow).reversed() where w.bits > 0 {
            guard case .codes(let codes, let nulls, let desc) = c.materialized else { return nil }
            let shift = UInt64(w.bits)
            var keys = [UInt64](repeating: 0, count: n)
            for i in 0..<n {
                let p = Int(order[i])
                let t = nulls[p] ? w.nullCode : (desc ? w.high - codes[p] : codes[p] - w.low)
                keys[i] = UInt64(p) << shift | t
            }
            RadixSort.sort(&keys, bits: w.bits)
            for i in 0..<n { order[i] = UInt32(truncatingIfNeeded: keys[i] >> shift) }
        }
        return order.map { rows[Int($0)] }
    }

    /// A key's codes renumbered 0, 1, 2 … in their order (missing values stay missing), when
    /// their range (`low`, `span`) is small enough for a bitset of the values present; the key as
    /// it is otherwise.
    static func dense(_ c: KeyColumn, low: UInt64, span: UInt64) -> KeyColumn {
        guard span < 1 << 27, case .codes(let codes, let nulls, let desc) = c.materialized else { return c }
        let words = Int(span >> 6) + 1
        var marks = [UInt64](repeating: 0, count: words)
        for i in codes.indices where !nulls[i] {
            let v = Int(codes[i] - low)
            marks[v >> 6] |= 1 << UInt64(v & 63)
        }
        var below = [UInt64](repeating: 0, count: words)
        var total: UInt64 = 0
        for w in 0..<words { below[w] = total; total += UInt64(marks[w].nonzeroBitCount) }
        var out = [UInt64](repeating: 0, count: codes.count)
        for i in codes.indices where !nulls[i] {
            let v = Int(codes[i] - low), w = v >> 6
            out[i] = below[w] + UInt64((marks[w] & ((1 << UInt64(v & 63)) &- 1)).nonzeroBitCount)
        }
        return .codes(out, nulls: nulls, descending: desc)
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
