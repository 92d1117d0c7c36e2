import FactGraph

/// Groups and aggregates: `summarize count, count(col), count(distinct col), sum, avg, min, max
/// … by … having …`, and its shorthand `count RELATION … by …`.
///
/// How: each `by` key gives every row a small dense code (an entity's, a string's or a number's
/// place in the order first seen; a derived place column looks each location's place up once).
/// One key's code is the group; several keys' codes combine into a slot of a dense table when
/// their product is small, else into 64-bit keys that a radix sort brings together. Aggregates
/// then read the typed column arrays once. Only the groups a `limit` keeps are turned into
/// values, chosen by a bounded heap over integers (counts, collation ranks).
///
/// Aggregates follow SQL: `count` counts rows, `count(col)` rows where col has a value,
/// `sum`/`avg`/`min`/`max` skip missing values and are missing for a group with none.
extension QueryEngine {
    func summarize(_ bq: BoundQuery, _ s: BoundSummary, _ plan: inout QueryPlan) throws(QueryError) -> ResultTable {
        let k = bq.kind
        let selected = try matching(&plan)
        let rows = RowList(selected)
        let keys = s.keys.map { KeyCoder(engine: self, kind: k, accessor: $0.1) }
        var grouping = try Grouping.make(keys, rows, self)
        try checkCancel()
        plan.steps.append(.group(keys: s.keys.map(\.0), aggregates: s.aggregates.map(\.aggregate.title), method: grouping.method))

        // Aggregates, one typed pass each.
        var columns: [[Value]] = []
        for a in s.aggregates {
            try checkCancel()
            columns.append(try aggregate(a, k, rows, &grouping))
        }
        let groupCount = grouping.count
        func resultRow(_ g: Int) -> [Value] {
            var row: [Value] = keys.enumerated().map { $0.element.value(grouping.keyCode($0.offset, g)) }
            for c in columns { row.append(c[g]) }
            return row
        }

        // Having filters groups; then order and limit.
        var candidates = Array(0..<groupCount)
        if let h = s.having {
            plan.steps.append(.having(PlanText(g: graph).predicate(h, k, s.titles)))
            let ev = evaluator
            candidates = candidates.filter { ev.test(h, k, 0, resultRow($0)) == .yes }
        }
        var order: [(Int, Bool, Collation)] = bq.order.map {
            guard case .result(let i) = $0.accessor else { return (0, false, .pinyin) }
            return (i, $0.descending, $0.collation)
        }
        if order.isEmpty && !s.keys.isEmpty {
            if let ci = s.aggregates.firstIndex(where: { $0.aggregate.function == .count && $0.aggregate.column == nil }) {
                order.append((s.keys.count + ci, true, .pinyin))
            }
            order += s.keys.indices.map { ($0, false, .pinyin) }
        }
        let want = bq.limit.map { $0 + (bq.offset ?? 0) }
        if !order.isEmpty {
            plan.steps.append(want.map { .topN(keys: order.map { s.titles[$0.0] + ($0.1 ? " desc" : "") }, n: $0) }
                              ?? .sort(keys: order.map { s.titles[$0.0] + ($0.1 ? " desc" : "") }))
            let cmp = GroupOrder(engine: self, keys: keys, grouping: grouping, aggregates: columns, order: order)
            if let want, want < candidates.count / 2 {
                let top = RowSorter.top(candidates.count, want) { cmp.less(candidates[$0], candidates[$1]) }
                candidates = top.map { candidates[$0] }
            } else {
                try checkCancel()
                candidates.sort { cmp.less($0, $1) }
            }
        }
        if bq.offset != nil || bq.limit != nil {
            plan.steps.append(.offsetLimit(offset: bq.offset ?? 0, limit: bq.limit))
            if let off = bq.offset { candidates = Array(candidates.dropFirst(off)) }
            if let lim = bq.limit { candidates = Array(candidates.prefix(lim)) }
        }
        plan.resultRows = candidates.count
        return ResultTable(graph: graph, columns: s.titles, rows: candidates.map(resultRow))
    }

    /// One aggregate's value per group.
    func aggregate(_ a: BoundAggregate, _ k: Int, _ rows: RowList, _ grouping: inout Grouping) throws(QueryError) -> [Value] {
        let n = grouping.count
        let f = a.aggregate.function
        guard let acc = a.accessor else { return grouping.counts.map { .int(Int64($0)) } }   // plain count
        let kind = graph.kinds[k]
        if a.aggregate.distinct {
            // Distinct values per group: (group, value code) pairs, made unique.
            let coder = KeyCoder(engine: self, kind: k, accessor: acc)
            var pairs: [UInt64] = []
            pairs.reserveCapacity(rows.count)
            var i = 0
            try rows.forEach { (r) throws(QueryError) in
                let c = coder.code(r)
                if !coder.isNull(c) { pairs.append(UInt64(grouping.gid[i]) << 32 | UInt64(UInt32(c))) }
                i += 1
                if i & 0xFFFF == 0 { try checkCancel() }
            }
            Grouping.radixSort(&pairs, bits: 32 + 64 - UInt64(max(n, 1)).leadingZeroBitCount)
            var counts = [Int](repeating: 0, count: n)
            var sums = [Double](repeating: 0, count: n)
            var intSums = [Int64](repeating: 0, count: n)
            var exact = [Bool](repeating: true, count: n)
            var best = [Value](repeating: .null, count: n)
            let order = ValueOrder(g: graph)
            var prev = UInt64.max
            for p in pairs where p != prev {
                prev = p
                let g = Int(p >> 32)
                counts[g] += 1
                if f == .count { continue }
                let v = coder.value(Int32(truncatingIfNeeded: p & 0xFFFF_FFFF))
                accumulate(f, v, g, &sums, &intSums, &exact, &best, order)
            }
            return finish(f, a.resultType, counts, sums, intSums, exact, best)
        }
        var counts = [Int](repeating: 0, count: n)
        var sums = [Double](repeating: 0, count: n)
        var intSums = [Int64](repeating: 0, count: n)
        var exact = [Bool](repeating: true, count: n)
        var best = [Value](repeating: .null, count: n)
        let gid = grouping.gid
        var i = 0
        // Typed fast paths over the column's storage.
        if case .stored(let c) = acc {
            switch kind.columns[c].type {
            case .int, .date:
                let col = kind.intColumn(c)
                let isDate = kind.columns[c].type == .date
                if f == .count || f == .sum || f == .avg {
                    try rows.forEach { (r) throws(QueryError) in
                        let v = col[r]
                        let g = Int(gid[i])
                        i += 1
                        if v == Null.int { return }
                        counts[g] += 1
                        if f != .count {
                            let (s, o) = intSums[g].addingReportingOverflow(v)
                            intSums[g] = s
                            if o { exact[g] = false }
                            sums[g] += Double(v)
                        }
                    }
                    return finish(f, a.resultType, counts, sums, intSums, exact, best)
                }
                var lo = [Int64](repeating: .max, count: n), hi = [Int64](repeating: .min, count: n)
                try rows.forEach { (r) throws(QueryError) in
                    let v = col[r]
                    let g = Int(gid[i])
                    i += 1
                    if v == Null.int { return }
                    counts[g] += 1
                    if v < lo[g] { lo[g] = v }
                    if v > hi[g] { hi[g] = v }
                }
                return (0..<n).map { g in
                    counts[g] == 0 ? .null : (isDate ? .date(f == .min ? lo[g] : hi[g]) : .int(f == .min ? lo[g] : hi[g]))
                }
            case .number:
                let col = kind.numberColumn(c)
                var lo = [Double](repeating: .infinity, count: n), hi = [Double](repeating: -.infinity, count: n)
                try rows.forEach { (r) throws(QueryError) in
                    let v = col[r]
                    let g = Int(gid[i])
                    i += 1
                    if v.isNaN { return }
                    counts[g] += 1
                    sums[g] += v
                    if v < lo[g] { lo[g] = v }
                    if v > hi[g] { hi[g] = v }
                }
                if f == .min || f == .max { return (0..<n).map { counts[$0] == 0 ? .null : .number(f == .min ? lo[$0] : hi[$0]) } }
                for g in 0..<n { exact[g] = false }
                return finish(f, a.resultType, counts, sums, intSums, exact, best)
            case .text, .ref:
                if f == .count {
                    let col = kind.idColumn(c)
                    try rows.forEach { (r) throws(QueryError) in
                        if col[r] != Null.id { counts[Int(gid[i])] += 1 }
                        i += 1
                    }
                    return counts.map { .int(Int64($0)) }
                }
            }
        }
        // Any other column: read values.
        let ev = evaluator
        let order = ValueOrder(g: graph)
        try rows.forEach { (r) throws(QueryError) in
            let g = Int(gid[i])
            i += 1
            if i & 0xFFFF == 0 { try checkCancel() }
            let v = ev.value(acc, k, r)
            if v == .null { return }
            counts[g] += 1
            if f != .count { accumulate(f, v, g, &sums, &intSums, &exact, &best, order) }
        }
        return finish(f, a.resultType, counts, sums, intSums, exact, best)
    }

    func accumulate(_ f: Aggregate.Function, _ v: Value, _ g: Int, _ sums: inout [Double], _ intSums: inout [Int64],
                    _ exact: inout [Bool], _ best: inout [Value], _ order: ValueOrder) {
        switch f {
        case .count: break
        case .sum, .avg:
            switch v {
            case .int(let x):
                let (s, o) = intSums[g].addingReportingOverflow(x)
                intSums[g] = s
                if o { exact[g] = false }
                sums[g] += Double(x)
            case .number(let x): sums[g] += x; exact[g] = false
            default: break
            }
        case .min, .max:
            if best[g] == .null { best[g] = v; return }
            let c = order.compare(v, best[g], .pinyin)
            if (f == .min && c < 0) || (f == .max && c > 0) { best[g] = v }
        }
    }

    func finish(_ f: Aggregate.Function, _ type: ValueType, _ counts: [Int], _ sums: [Double], _ intSums: [Int64],
                _ exact: [Bool], _ best: [Value]) -> [Value] {
        counts.indices.map { g in
            switch f {
            case .count: return .int(Int64(counts[g]))
            case .sum:
                if counts[g] == 0 { return .null }
                return type == .int && exact[g] ? .int(intSums[g]) : .number(sums[g])
            case .avg: return counts[g] == 0 ? .null : .number(sums[g] / Double(counts[g]))
            case .min, .max: return best[g]
            }
        }
    }
}

/// The rows a summary reads, without copying an "all rows" range into an array.
struct RowList {
    let rows: Planner.Rows
    init(_ r: Planner.Rows) { rows = r }
    var count: Int { rows.count }

    @inline(__always)
    func forEach(_ body: (Int) throws(QueryError) -> Void) throws(QueryError) {
        switch rows {
        case .all(let n): for r in 0..<n { try body(r) }
        case .list(let l): try l.withUnsafeBufferPointer { (p) throws(QueryError) in for r in p { try body(Int(r)) } }
        case .bucket(let b, _): for r in b { try body(Int(r)) }
        }
    }
}

/// Which group each selected row is in.
struct Grouping {
    /// Group of each selected row, in the order of the row list.
    var gid: [Int32]
    /// Rows per group.
    var counts: [Int]
    /// Per group, each key's code.
    var codes: [[Int32]]
    var method: String

    var count: Int { counts.count }

    func keyCode(_ key: Int, _ g: Int) -> Int32 { codes[key][g] }

    static func make(_ keys: [KeyCoder], _ rows: RowList, _ engine: QueryEngine) throws(QueryError) -> Grouping {
        let n = rows.count
        if keys.isEmpty {
            return Grouping(gid: [Int32](repeating: 0, count: n), counts: [n], codes: [], method: "one group")
        }
        // Each key's code per row.
        var perKey: [[Int32]] = []
        for key in keys {
            var c = [Int32](repeating: 0, count: n)
            var i = 0
            try c.withUnsafeMutableBufferPointer { (out) throws(QueryError) in
                try rows.forEach { (r) throws(QueryError) in
                    out[i] = key.code(r)
                    i += 1
                    if i & 0x3FFFF == 0 { try engine.checkCancel() }
                }
            }
            perKey.append(c)
        }
        if keys.count == 1 {
            let card = keys[0].cardinality
            var counts = [Int](repeating: 0, count: card)
            for c in perKey[0] { counts[Int(c)] += 1 }
            return Grouping(gid: perKey[0], counts: counts, codes: [Array(0..<Int32(card))], method: "array by key")
        }
        let cards = keys.map(\.cardinality)
        var product = 1
        var fits = true
        for c in cards {
            let (p, o) = product.multipliedReportingOverflow(by: max(c, 1))
            if o || p > 8_000_000 { fits = false; break }
            product = p
        }
        var gid = [Int32](repeating: 0, count: n)
        var counts: [Int] = []
        var codes = [[Int32]](repeating: [], count: keys.count)
        if fits {
            // A dense table of the combinations.
            var slot = [Int32](repeating: -1, count: product)
            for i in 0..<n {
                var combined = 0
                for (k, c) in perKey.enumerated() { combined = combined * cards[k] + Int(c[i]) }
                var g = slot[combined]
                if g < 0 {
                    g = Int32(counts.count)
                    slot[combined] = g
                    counts.append(0)
                    for k in perKey.indices { codes[k].append(perKey[k][i]) }
                }
                gid[i] = g
                counts[Int(g)] += 1
            }
            return Grouping(gid: gid, counts: counts, codes: codes, method: "dense table of \(product) combinations")
        }
        // Too many combinations for a table: 64-bit keys with the row index, radix-sorted.
        let bits: [Int] = cards.map { 64 - UInt64(max($0 - 1, 1)).leadingZeroBitCount }
        let keyBits = bits.reduce(0, +)
        let indexBits = 64 - keyBits
        guard keyBits < 64 && (indexBits >= 63 || n < (1 << indexBits)) else {
            // Keys too wide even so: a hash table.
            var map: [[Int32]: Int32] = [:]
            for i in 0..<n {
                let key = perKey.map { $0[i] }
                if let g = map[key] { gid[i] = g; counts[Int(g)] += 1; continue }
                let g = Int32(counts.count)
                map[key] = g
                counts.append(1)
                for k in perKey.indices { codes[k].append(perKey[k][i]) }
                gid[i] = g
            }
            return Grouping(gid: gid, counts: counts, codes: codes, method: "hash")
        }
        var packed = [UInt64](repeating: 0, count: n)
        for i in 0..<n {
            var v: UInt64 = 0
            for (k, c) in perKey.enumerated() { v = v << UInt64(bits[k]) | UInt64(UInt32(c[i])) }
            packed[i] = v << UInt64(indexBits) | UInt64(i)
        }
        radixSort(&packed, bits: 64)
        try engine.checkCancel()
        let indexMask: UInt64 = indexBits >= 64 ? .max : (1 << UInt64(indexBits)) - 1
        var prevKey = UInt64.max
        var g = Int32(-1)
        for p in packed {
            let key = p >> UInt64(indexBits)
            let i = Int(p & indexMask)
            if key != prevKey {
                prevKey = key
                g += 1
                counts.append(0)
                for k in perKey.indices { codes[k].append(perKey[k][i]) }
            }
            gid[i] = g
            counts[Int(g)] += 1
        }
        return Grouping(gid: gid, counts: counts, codes: codes, method: "radix sort of \(keyBits)-bit keys")
    }

    /// LSD radix sort by 16-bit digits, over the low `bits` bits.
    static func radixSort(_ a: inout [UInt64], bits: Int) {
        let n = a.count
        if n < 2 { return }
        var buffer = [UInt64](repeating: 0, count: n)
        var shift = 0
        var inA = true
        while shift < max(bits, 1) {
            var count = [Int](repeating: 0, count: 65537)
            let src = inA ? a : buffer
            src.withUnsafeBufferPointer { s in
                for v in s { count[Int((v >> UInt64(shift)) & 0xFFFF) + 1] += 1 }
            }
            for d in 0..<65536 { count[d + 1] += count[d] }
            if inA {
                a.withUnsafeBufferPointer { s in buffer.withUnsafeMutableBufferPointer { d in
                    for v in s { let x = Int((v >> UInt64(shift)) & 0xFFFF); d[count[x]] = v; count[x] += 1 }
                } }
            } else {
                buffer.withUnsafeBufferPointer { s in a.withUnsafeMutableBufferPointer { d in
                    for v in s { let x = Int((v >> UInt64(shift)) & 0xFFFF); d[count[x]] = v; count[x] += 1 }
                } }
            }
            inA.toggle()
            shift += 16
        }
        if !inA { a = buffer }
    }
}

/// Orders groups by result columns: counts and numbers as numbers, names and text by their
/// collation ranks, other values as values.
struct GroupOrder {
    let engine: QueryEngine
    let keys: [KeyCoder]
    let grouping: Grouping
    let aggregates: [[Value]]
    let order: [(Int, Bool, Collation)]
    let valueOrder: ValueOrder

    init(engine: QueryEngine, keys: [KeyCoder], grouping: Grouping, aggregates: [[Value]], order: [(Int, Bool, Collation)]) {
        self.engine = engine
        self.keys = keys
        self.grouping = grouping
        self.aggregates = aggregates
        self.order = order
        valueOrder = ValueOrder(g: engine.graph)
    }

    func value(_ column: Int, _ g: Int) -> Value {
        column < keys.count ? keys[column].value(grouping.keyCode(column, g)) : aggregates[column - keys.count][g]
    }

    func less(_ a: Int, _ b: Int) -> Bool {
        for (column, desc, collation) in order {
            let c: Int
            if column < keys.count {
                c = keys[column].compare(grouping.keyCode(column, a), grouping.keyCode(column, b), collation)
            } else {
                let x = aggregates[column - keys.count][a], y = aggregates[column - keys.count][b]
                if x == .null || y == .null {
                    if (x == .null) != (y == .null) { return y == .null }
                    continue
                }
                c = valueOrder.compare(x, y, collation)
            }
            if c != 0 { return desc ? c > 0 : c < 0 }
        }
        return a < b
    }
}

/// One key column as a small dense code per row (the order first seen), with the value each code
/// stands for. Entity and string ids map through an array; a derived place column looks each
/// location's place up once; numbers and other values through a dictionary.
final class KeyCoder {
    let engine: QueryEngine
    let kind: Int
    let accessor: Accessor
    let ev: Evaluator

    enum Source {
        case ids([UInt32], isEntity: Bool)
        case place(location: [UInt32], level: Int)
        case ints([Int64], isDate: Bool)
        case values
    }
    var source: Source = .values
    /// Code per raw id (entity or string id; the last slot is null), -1 when not seen yet.
    var codeOfRaw: [Int32] = []
    var codeOfLocation: [Int32] = []
    var codeOfInt: [Int64: Int32] = [:]
    var codeOfValue: [Value: Int32] = [:]
    /// The value each code stands for.
    var values: [Value] = []

    var cardinality: Int { values.count }

    init(engine: QueryEngine, kind: Int, accessor: Accessor) {
        self.engine = engine
        self.kind = kind
        self.accessor = accessor
        ev = Evaluator(g: engine.graph)
        let g = engine.graph
        let kd = g.kinds[kind]
        switch accessor {
        case .stored(let c):
            switch kd.columns[c].type {
            case .ref:
                source = .ids(kd.idColumn(c), isEntity: true)
                codeOfRaw = [Int32](repeating: -1, count: g.entityCount + 1)
            case .text:
                source = .ids(kd.idColumn(c), isEntity: false)
                codeOfRaw = [Int32](repeating: -1, count: g.strings.count + 1)
            case .int, .date:
                source = .ints(kd.intColumn(c), isDate: kd.columns[c].type == .date)
            case .number:
                source = .values
            }
        case .place(let p) where kd.role == .relation && kd.locationColumn != nil:
            source = .place(location: kd.idColumn(kd.locationColumn!), level: p)
            codeOfLocation = [Int32](repeating: -2, count: g.entityCount + 1)
            codeOfRaw = [Int32](repeating: -1, count: g.entityCount + 1)
        case .name:
            source = .ids(kd.entityOfRow, isEntity: true)
            codeOfRaw = [Int32](repeating: -1, count: g.entityCount + 1)
        default:
            source = .values
        }
    }

    @inline(__always)
    func codeForRaw(_ raw: UInt32, _ v: @autoclosure () -> Value) -> Int32 {
        let slot = raw == Null.id ? codeOfRaw.count - 1 : Int(raw)
        var c = codeOfRaw[slot]
        if c < 0 {
            c = Int32(values.count)
            codeOfRaw[slot] = c
            values.append(raw == Null.id ? .null : v())
        }
        return c
    }

    /// The code of row `row`'s key.
    @inline(__always)
    func code(_ row: Int) -> Int32 {
        switch source {
        case .ids(let col, let isEntity):
            let raw = col[row]
            return codeForRaw(raw, isEntity ? .entity(raw) : .text(raw))
        case .place(let loc, let level):
            let l = loc[row]
            let slot = l == Null.id ? codeOfLocation.count - 1 : Int(l)
            var c = codeOfLocation[slot]
            if c == -2 {
                let a = l == Null.id ? Null.id : (engine.graph.ancestor(of: l, kind: level) ?? Null.id)
                c = codeForRaw(a, .entity(a))
                codeOfLocation[slot] = c
            }
            return c
        case .ints(let col, let isDate):
            let v = col[row]
            if let c = codeOfInt[v] { return c }
            let c = Int32(values.count)
            codeOfInt[v] = c
            values.append(v == Null.int ? .null : (isDate ? .date(v) : .int(v)))
            return c
        case .values:
            let v = ev.value(accessor, kind, row)
            if let c = codeOfValue[v] { return c }
            let c = Int32(values.count)
            codeOfValue[v] = c
            values.append(v)
            return c
        }
    }

    func value(_ code: Int32) -> Value { values[Int(code)] }
    func isNull(_ code: Int32) -> Bool { values[Int(code)] == .null }

    /// Orders two codes by their values: nulls last, names and text by collation rank.
    func compare(_ a: Int32, _ b: Int32, _ collation: Collation) -> Int {
        if a == b { return 0 }
        let x = values[Int(a)], y = values[Int(b)]
        switch (x, y) {
        case (.null, _): return 1
        case (_, .null): return -1
        case (.entity(let e), .entity(let f)):
            let ranks = CollationRankTable.of(engine.graph)
            let g = engine.graph
            let r1 = ranks.rank(g.entityName[Int(e)], collation), r2 = ranks.rank(g.entityName[Int(f)], collation)
            return r1 < r2 ? -1 : (r1 == r2 ? 0 : 1)
        case (.text(let s), .text(let t)):
            let ranks = CollationRankTable.of(engine.graph)
            let r1 = ranks.rank(s, collation), r2 = ranks.rank(t, collation)
            return r1 < r2 ? -1 : (r1 == r2 ? 0 : 1)
        default:
            return ValueOrder(g: engine.graph).compare(x, y, collation)
        }
    }
}
