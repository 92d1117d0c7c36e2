import FactGraph

/// Groups and aggregates: `summarize count, count(col), count(distinct col), sum, avg, min, max
/// … by … having …`, and its shorthand `count RELATION … by …`.
///
/// Each `by` key becomes one 64-bit code per row (an entity or string id, a number's bits), so
/// grouping hashes integers; a single entity-valued key counts into an array indexed by entity.
/// Aggregates follow SQL: `count` counts rows, `count(col)` rows where col has a value,
/// `sum`/`avg`/`min`/`max` skip missing values and are missing for a group with none.
extension QueryEngine {
    /// Per-group state of one aggregate.
    final class Accumulator {
        let bound: BoundAggregate
        var counts: [Int] = []
        var intSums: [Int64] = []
        var overflow: [Bool] = []
        var sums: [Double] = []
        var distinct: [Set<Value>] = []
        var best: [Value] = []
        let order: ValueOrder

        init(_ b: BoundAggregate, _ order: ValueOrder) {
            bound = b
            self.order = order
        }

        func addGroup() {
            counts.append(0)
            intSums.append(0)
            overflow.append(false)
            sums.append(0)
            if bound.aggregate.distinct { distinct.append([]) }
            if bound.aggregate.function == .min || bound.aggregate.function == .max { best.append(.null) }
        }

        func add(_ g: Int, _ v: Value?) {
            guard let v else { counts[g] += 1; return }        // plain count
            if v == .null { return }
            if bound.aggregate.distinct {
                if !distinct[g].insert(v).inserted { return }
            }
            counts[g] += 1
            switch bound.aggregate.function {
            case .count: break
            case .sum, .avg:
                switch v {
                case .int(let x):
                    let (s, o) = intSums[g].addingReportingOverflow(x)
                    intSums[g] = s
                    if o { overflow[g] = true }
                    sums[g] += Double(x)
                case .number(let x): sums[g] += x; overflow[g] = true
                default: counts[g] -= 1
                }
            case .min, .max:
                if best[g] == .null { best[g] = v; return }
                let c = order.compare(v, best[g], .pinyin)
                if (bound.aggregate.function == .min && c < 0) || (bound.aggregate.function == .max && c > 0) { best[g] = v }
            }
        }

        func result(_ g: Int) -> Value {
            switch bound.aggregate.function {
            case .count: return .int(Int64(counts[g]))
            case .sum:
                if counts[g] == 0 { return .null }
                return bound.resultType == .int && !overflow[g] ? .int(intSums[g]) : .number(sums[g])
            case .avg:
                return counts[g] == 0 ? .null : .number(sums[g] / Double(counts[g]))
            case .min, .max:
                return best[g]
            }
        }
    }

    func summarize(_ bq: BoundQuery, _ s: BoundSummary, _ plan: inout QueryPlan) throws(QueryError) -> ResultTable {
        let k = bq.kind
        let rows = try matching(&plan)
        let order = ValueOrder(g: graph)
        let accs = s.aggregates.map { Accumulator($0, order) }
        let ev = evaluator
        var groupRow: [Int] = []           // a representative row per group
        var method = "hash"

        func newGroup(_ row: Int) -> Int {
            groupRow.append(row)
            for a in accs { a.addGroup() }
            return groupRow.count - 1
        }
        func feed(_ g: Int, _ row: Int) {
            for a in accs { a.add(g, a.bound.accessor.map { ev.value($0, k, row) }) }
        }

        var i = 0
        if s.keys.isEmpty {
            method = "one group"
            let g = newGroup(-1)
            if accs.count == 1 && accs[0].bound.accessor == nil {
                accs[0].counts[g] = rows.count          // plain count: no need to visit the rows
            } else {
                try rows.forEach { (r) throws(QueryError) in
                    i &+= 1
                    if i & 0xFFF == 0 { try checkCancel() }
                    feed(g, r)
                }
            }
        } else if s.keys.count == 1, case .entity = s.keys[0].2 {
            method = "array by entity"
            let coder = KeyCoder(engine: self, kind: k, accessor: s.keys[0].1)
            var slot = [Int32](repeating: -1, count: graph.entityCount + 1)
            try rows.forEach { (r) throws(QueryError) in
                i &+= 1
                if i & 0xFFF == 0 { try checkCancel() }
                let e = coder.entity(r)
                let si = e == Null.id ? graph.entityCount : Int(e)
                var g = Int(slot[si])
                if g < 0 { g = newGroup(r); slot[si] = Int32(g) }
                feed(g, r)
            }
        } else if s.keys.contains(where: { $0.2 == .dynamic }) {
            // Keys whose type is known only per row: group by the values themselves.
            var map: [[Value]: Int] = [:]
            try rows.forEach { (r) throws(QueryError) in
                i &+= 1
                if i & 0xFFF == 0 { try checkCancel() }
                let key = s.keys.map { ev.value($0.1, k, r) }
                let g: Int
                if let x = map[key] { g = x } else { g = newGroup(r); map[key] = g }
                feed(g, r)
            }
        } else {
            let coders = s.keys.map { KeyCoder(engine: self, kind: k, accessor: $0.1) }
            if coders.count == 1 {
                var map: [UInt64: Int] = [:]
                try rows.forEach { (r) throws(QueryError) in
                    i &+= 1
                    if i & 0xFFF == 0 { try checkCancel() }
                    let code = coders[0].code(r)
                    let g: Int
                    if let x = map[code] { g = x } else { g = newGroup(r); map[code] = g }
                    feed(g, r)
                }
            } else {
                var map: [[UInt64]: Int] = [:]
                var key = [UInt64](repeating: 0, count: coders.count)
                try rows.forEach { (r) throws(QueryError) in
                    i &+= 1
                    if i & 0xFFF == 0 { try checkCancel() }
                    for (j, c) in coders.enumerated() { key[j] = c.code(r) }
                    let g: Int
                    if let x = map[key] { g = x } else { g = newGroup(r); map[key] = g }
                    feed(g, r)
                }
            }
        }
        try checkCancel()
        plan.steps.append(.group(keys: s.keys.map(\.0), aggregates: s.aggregates.map(\.aggregate.title), method: method))

        // Result rows: the keys (read from a representative row), then the aggregates.
        var out: [[Value]] = []
        out.reserveCapacity(groupRow.count)
        for g in groupRow.indices {
            var row: [Value] = s.keys.map { ev.value($0.1, k, groupRow[g]) }
            for a in accs { row.append(a.result(g)) }
            out.append(row)
        }
        if let h = s.having {
            plan.steps.append(.having(PlanText(g: graph).predicate(h, k, s.titles)))
            out = out.filter { ev.test(h, k, 0, $0) == .yes }
        }

        // Order: as asked; else by count (largest first) when counting groups, then by the keys.
        var keys: [(Int, Bool, Collation)] = bq.order.map {
            guard case .result(let i) = $0.accessor else { return (0, false, .pinyin) }
            return (i, $0.descending, $0.collation)
        }
        if keys.isEmpty && !s.keys.isEmpty {
            if let ci = s.aggregates.firstIndex(where: { $0.aggregate.function == .count && $0.aggregate.column == nil }) {
                keys.append((s.keys.count + ci, true, .pinyin))
            }
            keys += s.keys.indices.map { ($0, false, .pinyin) }
        }
        if !keys.isEmpty {
            plan.steps.append(.sort(keys: keys.map { s.titles[$0.0] + ($0.1 ? " desc" : "") }))
            try checkCancel()
            out.sort { a, b in
                for (i, desc, coll) in keys {
                    let x = a[i], y = b[i]
                    if x == .null || y == .null {
                        if (x == .null) != (y == .null) { return y == .null }
                        continue
                    }
                    let c = order.compare(x, y, coll)
                    if c != 0 { return desc ? c > 0 : c < 0 }
                }
                return false
            }
        }
        if bq.offset != nil || bq.limit != nil {
            plan.steps.append(.offsetLimit(offset: bq.offset ?? 0, limit: bq.limit))
            if let off = bq.offset { out = Array(out.dropFirst(off)) }
            if let lim = bq.limit { out = Array(out.prefix(lim)) }
        }
        plan.resultRows = out.count
        return ResultTable(graph: graph, columns: s.titles, rows: out)
    }
}

/// One `by` key as a 64-bit code per row. A derived place column (`by city`) looks each
/// location's place up once.
final class KeyCoder {
    let engine: QueryEngine
    let kind: Int
    let accessor: Accessor
    let ev: Evaluator
    /// Ancestor per location, for `.place` keys on relations (UInt32.max - 1: not looked up yet).
    var memo: [UInt32] = []
    var placeLevel: Int? = nil
    var locationColumn: [UInt32] = []
    var strings: [String: UInt64] = [:]

    static let nullCode: UInt64 = .max

    init(engine: QueryEngine, kind: Int, accessor: Accessor) {
        self.engine = engine
        self.kind = kind
        self.accessor = accessor
        ev = Evaluator(g: engine.graph)
        let g = engine.graph
        if case .place(let p) = accessor, g.kinds[kind].role == .relation, let lc = g.kinds[kind].locationColumn {
            placeLevel = p
            locationColumn = g.kinds[kind].idColumn(lc)
            memo = [UInt32](repeating: UInt32.max - 1, count: g.entityCount)
        }
    }

    /// The entity a row's key names (`Null.id` for none).
    func entity(_ row: Int) -> UInt32 {
        if let p = placeLevel {
            let loc = locationColumn[row]
            if loc == Null.id { return Null.id }
            var m = memo[Int(loc)]
            if m == UInt32.max - 1 {
                m = engine.graph.ancestor(of: loc, kind: p) ?? Null.id
                memo[Int(loc)] = m
            }
            return m
        }
        if case .stored(let c) = accessor { return engine.graph.kinds[kind].id(c, row) }
        if case .entity(let e) = ev.value(accessor, kind, row) { return e }
        return Null.id
    }

    func code(_ row: Int) -> UInt64 {
        switch ev.value(accessor, kind, row) {
        case .null: return Self.nullCode
        case .entity(let e): return UInt64(e)
        case .text(let s): return UInt64(s) | (1 << 40)
        case .int(let x), .date(let x): return UInt64(bitPattern: x) &+ 0x1234_5678_9ABC_DEF0
        case .number(let d): return d.bitPattern ^ 0x5555_5555_5555_5555
        case .string(let s):
            if let c = strings[s] { return c }
            let c = UInt64(strings.count) | (1 << 41)
            strings[s] = c
            return c
        }
    }
}
