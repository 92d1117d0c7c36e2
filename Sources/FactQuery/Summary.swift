import FactGraph
#if canImport(Glibc)
import Glibc
#endif

/// Groups and aggregates: `summarize count, count(col), count(distinct col), sum, avg, min, max
/// … by … having …`, and its shorthand `count RELATION … by …`.
///
/// How: each `by` key gives every row a small dense code (an entity's or a string's place among
/// the ids the rows hold, a number's place in the order first seen; a derived place column looks
/// each location's place up once). One key's code is the group; several keys' codes combine
/// into a slot of a dense table when their product is small, else into keys that a radix sort
/// brings together (the 32-bit combined codes alone for plain counts, on two cores). Aggregates
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
        // Plain counts need only each group's size, not each row's group.
        let rowGroups = s.aggregates.contains { $0.accessor != nil }
        var grouping: Grouping
        if let top = try topByCount(bq, s, selected, keys) {
            grouping = top
        } else if let fromIndex = try groupsFromIndex(bq, s, selected, keys, rowGroups: rowGroups) {
            grouping = fromIndex
        } else {
            grouping = try Grouping.make(keys, rows, self, rowGroups: rowGroups)
        }
        try checkCancel()
        plan.steps.append(.group(keys: s.keys.map(\.0), aggregates: s.aggregates.map(\.aggregate.title), method: grouping.method))

        // Aggregates, one typed pass each.
        var columns: [AggColumn] = []
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
        // The groups kept, in order; every group until `having` or a sort says otherwise (a top
        // N of all groups needs no list of them: the heap reads group numbers).
        var everyGroup = true
        // The groups in order when counted into place (`CountingOrder`).
        var ordered: [Int32]? = nil
        var candidates: [Int] = []
        if let h = s.having {
            candidates = Array(0..<groupCount)
            everyGroup = false
            plan.steps.append(.having(PlanText(g: graph).predicate(h, k, s.titles)))
            if let test = Self.countTest(h, keys.count, columns) {
                candidates = candidates.filter { test($0) == .yes }
            } else {
                let ev = evaluator
                candidates = candidates.filter { ev.test(h, k, 0, resultRow($0)) == .yes }
            }
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
        } else if !order.isEmpty {
            // Groups the given keys leave tied come in the order of the `by` columns, as without
            // `order by`: the same order whichever way the groups were made.
            for i in s.keys.indices where !order.contains(where: { $0.0 == i }) { order.append((i, false, .pinyin)) }
        }
        let want = bq.limit.map { $0 + (bq.offset ?? 0) }
        if !order.isEmpty {
            plan.steps.append(want.map { .topN(keys: order.map { s.titles[$0.0] + ($0.1 ? " desc" : "") }, n: $0) }
                              ?? .sort(keys: order.map { s.titles[$0.0] + ($0.1 ? " desc" : "") }))
            let count = everyGroup ? groupCount : candidates.count
            let heap = want.map { $0 < count / 2 } ?? false
            if !heap, grouping.codeOrder != nil,
               let counted = CountingOrder.order(everyGroup ? nil : candidates.map { Int32($0) }, groupCount: groupCount,
                                                 grouping, keys, columns, order) {
                ordered = counted
            } else {
                let cmp = GroupOrder(engine: self, keys: keys, grouping: grouping, aggregates: columns, order: order, topN: heap)
                if let want, heap {
                    if everyGroup {
                        if let few = cmp.countCandidates(groupCount, want) {
                            candidates = RowSorter.top(few.count, want) { cmp.less(few[$0], few[$1]) }.map { few[$0] }
                        } else {
                            candidates = RowSorter.top(groupCount, want) { cmp.less($0, $1) }
                        }
                        everyGroup = false
                    } else {
                        let top = RowSorter.top(candidates.count, want) { cmp.less(candidates[$0], candidates[$1]) }
                        candidates = top.map { candidates[$0] }
                    }
                } else {
                    try checkCancel()
                    if everyGroup { candidates = Array(0..<groupCount); everyGroup = false }
                    if let sorted = cmp.packedOrder(candidates) {
                        candidates = sorted
                    } else {
                        candidates.sort { cmp.less($0, $1) }
                    }
                }
            }
        }
        var kept = ordered ?? (everyGroup ? [Int32](unsafeUninitializedCapacity: groupCount) { b, count in
            for g in 0..<groupCount { b[g] = Int32(g) }
            count = groupCount
        } : candidates.map { Int32($0) })
        if bq.offset != nil || bq.limit != nil {
            plan.steps.append(.offsetLimit(offset: bq.offset ?? 0, limit: bq.limit))
            if let off = bq.offset { kept = Array(kept.dropFirst(off)) }
            if let lim = bq.limit { kept = Array(kept.prefix(lim)) }
        }
        plan.resultRows = kept.count
        return ResultTable(graph: graph, columns: s.titles,
                           groups: GroupRows(groups: kept, keyValues: keys.map(\.values),
                                             keyCodes: grouping.codes, aggregates: columns,
                                             aggregateTypes: s.aggregates.map(\.resultType)))
    }

    /// The groups a top N by count needs, for `count R by A, B limit N` over every row, ordered
    /// by the count first, when A (or B) is an indexed reference column and the other key an
    /// entity or text column: a group's count is at most the number of rows holding its value of
    /// A, so the top N groups come from the values of A with the most rows. With T the N-th
    /// largest number of rows of one value, the values with at least T rows are grouped; if
    /// their N-th largest group count G is T or more, no other value can reach the top N; else
    /// the values with at least G rows are grouped, and then no other group can either (its
    /// count is below G, which is at most the N-th largest count among them). Each value's rows
    /// are a bucket of the index: its other keys are sorted on their own and counted by runs.
    /// The result is the same as grouping every row, ties included (the order is total). Nil
    /// when this does not apply or would read over a quarter of the rows.
    func topByCount(_ bq: BoundQuery, _ s: BoundSummary, _ selected: Planner.Rows, _ keys: [KeyCoder]) throws(QueryError) -> Grouping? {
        guard case .all(let n) = selected, n >= Self.topByCountFrom, s.having == nil, let limit = bq.limit,
              s.keys.count == 2, s.aggregates.count == 1, s.aggregates[0].aggregate.function == .count,
              s.aggregates[0].aggregate.column == nil
        else { return nil }
        let want = limit + (bq.offset ?? 0)
        guard want > 0, want <= 1000 else { return nil }
        // The count first, descending. (The order is total: ties are broken by the keys, and
        // names are unique.)
        if let first = bq.order.first {
            guard case .result(let i) = first.accessor, i == s.keys.count, first.descending else { return nil }
        }
        let k = bq.kind
        // The indexed reference key with the most values; the other key's ids.
        var best: (position: Int, column: Int, values: Int)? = nil
        for (p, key) in s.keys.enumerated() {
            guard case .stored(let c) = key.1, case .ref = graph.kinds[k].columns[c].type,
                  let values = graph.withIndex(kind: k, column: c, { start, _ in
                      (0 ..< max(start.count - 1, 0)).reduce(0) { $0 + (start[$1 + 1] > start[$1] ? 1 : 0) }
                  }) else { continue }
            if best == nil || values > best!.values { best = (p, c, values) }
        }
        guard let (p, column, _) = best, keys[p].values.isEmpty, keys[1 - p].values.isEmpty,
              case .ids(let other, let otherIsEntity) = keys[1 - p].source else { return nil }
        let otherSlots = keys[1 - p].rawSlots
        let name = graph.kinds[k].columns[column].name
        let made: (BucketCounts, Int)?? = graph.withIndex(kind: k, column: column) { start, rows -> (BucketCounts, Int)? in
            // Rows with no value of the key are in no bucket, and would be a group of their own.
            guard rows.count == n, start.count >= 2 else { return nil }
            let buckets = start.count - 1
            @inline(__always) func size(_ e: Int) -> Int { Int(start[e + 1] &- start[e]) }
            // The `want`-th largest bucket, from a histogram of sizes (sizes past its end share
            // its last slot, which can only lower the bound).
            let cap = 1 << 16
            var histogram = [Int](repeating: 0, count: cap + 1)
            for e in 0..<buckets { histogram[min(size(e), cap)] += 1 }
            var bound = 0, seen = 0
            for sz in stride(from: cap, through: 1, by: -1) {
                seen += histogram[sz]
                if seen >= want { bound = sz; break }
            }
            guard bound > 0 else { return nil }
            // The groups of the values with at least `t` rows, or nil when they hold too many.
            func groups(atLeast t: Int) -> BucketCounts? {
                var values: [UInt32] = []
                var total = 0
                for e in 0..<buckets where size(e) >= t { values.append(UInt32(e)); total += size(e) }
                guard total <= n / 4 else { return nil }
                return other.withUnsafeBufferPointer { col in
                    BucketCounts.groups(values, start: start, rows: rows, other: col, otherSlots: otherSlots)
                }
            }
            guard let first = groups(atLeast: bound), first.counts.count >= want else { return nil }
            let nth = first.counts.sorted(by: >)[want - 1]
            if nth >= bound { return (first, bound) }
            return groups(atLeast: nth).map { ($0, nth) }
        }
        guard let (found, at) = made ?? nil else { return nil }
        try checkCancel()
        // The keys' codes in the statement's order, and the values they stand for.
        keys[p].values = CodeValues(raws: found.values, isEntity: true)
        keys[1 - p].values = CodeValues(raws: found.otherValues, isEntity: otherIsEntity)
        return Grouping(gid: [], counts: found.counts, codes: p == 0 ? [found.codes, found.otherCodes] : [found.otherCodes, found.codes],
                        method: "counts in the \(name) index's buckets of at least \(at) rows (no other can reach the top \(want))")
    }

    /// From how many rows `topByCount` is tried.
    static let topByCountFrom = 1 << 16

    /// A `having` condition that compares only counts (`having count > 10`, `count(x) >= 2 and
    /// count < 100`) as a test per group number reading the counts where they are, without a
    /// result row per group; nil for any other condition.
    static func countTest(_ p: Predicate, _ keyCount: Int, _ columns: [AggColumn]) -> ((Int) -> Truth)? {
        func counts(_ a: Accessor) -> [Int]? {
            guard case .result(let i) = a, i >= keyCount, case .counts(let c) = columns[i - keyCount] else { return nil }
            return c
        }
        switch p {
        case .all(let ps):
            let ts = ps.compactMap { countTest($0, keyCount, columns) }
            return ts.count == ps.count ? CompiledFilter.allOf(ts) : nil
        case .any(let ps):
            let ts = ps.compactMap { countTest($0, keyCount, columns) }
            return ts.count == ps.count ? CompiledFilter.anyOf(ts) : nil
        case .not(let x):
            guard let t = countTest(x, keyCount, columns) else { return nil }
            return { t($0).negated }
        case .int(let a, let op, let v):
            guard let c = counts(a), op != .match, op != .notMatch else { return nil }
            return { Truth(Evaluator.compare(Int64(c[$0]), op, v)) }
        case .number(let a, let op, let v):
            guard let c = counts(a), op != .match, op != .notMatch else { return nil }
            return { Truth(Evaluator.compare(Double(c[$0]), op, v)) }
        default:
            return nil
        }
    }

    /// One aggregate's value per group.
    func aggregate(_ a: BoundAggregate, _ k: Int, _ rows: RowList, _ grouping: inout Grouping) throws(QueryError) -> AggColumn {
        let n = grouping.count
        let f = a.aggregate.function
        guard let acc = a.accessor else { return .counts(grouping.counts) }   // plain count
        let kind = graph.kinds[k]
        if a.aggregate.distinct, f == .count, case .stored(let c) = acc,
           kind.columns[c].type.isRef || kind.columns[c].type == .text {
            // Counting distinct entities or strings needs their equality alone: the ids, not
            // their order (no collation ranks). A bit per group and id when those fit in
            // `distinctBitsLimit` (one group: a bit per id; 27 years × a million firms: 3.4 MB),
            // else (group, id) pairs made unique.
            let col = kind.idColumn(c)
            let size = kind.columns[c].type == .text ? graph.strings.count : graph.entityCount
            var counts = [Int](repeating: 0, count: n)
            let gid = grouping.gid
            var i = 0
            if n <= distinctBitsLimit / max(size, 1) {
                var bits = [UInt64](repeating: 0, count: (n * size) / 64 + 1)
                let one = n == 1   // (one group: its numbers need not be read)
                try bits.withUnsafeMutableBufferPointer { (b) throws(QueryError) in
                    try col.withUnsafeBufferPointer { (col) throws(QueryError) in
                        try rows.forEach { (r) throws(QueryError) in
                            let v = col[r]
                            let g = one ? 0 : Int(gid[i])
                            i &+= 1
                            if i & 0xFFFF == 0 { try checkCancel() }
                            if v == Null.id { return }
                            let at = g * size + Int(v)
                            let w = at >> 6, m: UInt64 = 1 << UInt64(at & 63)
                            if b[w] & m == 0 { b[w] |= m; counts[g] += 1 }
                        }
                    }
                }
                return .counts(counts)
            }
            let shift = UInt64(64 - UInt64(max(size, 1)).leadingZeroBitCount)
            let groupBits = 64 - UInt64(max(n, 1)).leadingZeroBitCount
            var pairs: [UInt64] = []
            pairs.reserveCapacity(rows.count)
            try rows.forEach { (r) throws(QueryError) in
                let v = col[r]
                let g = UInt64(UInt32(bitPattern: gid[i]))
                i &+= 1
                if i & 0xFFFF == 0 { try checkCancel() }
                if v != Null.id { pairs.append(g << shift | UInt64(v)) }
            }
            RadixSort.sort(&pairs, bits: Int(shift) + groupBits)
            var prev = UInt64.max
            for p in pairs where p != prev {
                prev = p
                counts[Int(p >> shift)] += 1
            }
            return .counts(counts)
        }
        if a.aggregate.distinct {
            // Distinct values per group: (group, value code) pairs, made unique.
            // The values' codes in one pass (`codes`: by rank for ids, on two cores), then pairs
            // of just as many bits as the codes and group numbers need, so that the radix sort
            // makes as few passes as it can (a million names and 340 groups: 29 bits, 2 passes).
            let coder = KeyCoder(engine: self, kind: k, accessor: acc)
            let codes = coder.codes(rows)
            try checkCancel()
            let nullCode = Int32(coder.values.firstIndex(where: { $0 == .null }) ?? -1)
            let codeBits = 64 - UInt64(max(coder.cardinality, 1)).leadingZeroBitCount
            let groupBits = 64 - UInt64(max(n, 1)).leadingZeroBitCount
            let shift = UInt64(codeBits), codeMask: UInt64 = (1 << shift) - 1
            var pairs: [UInt64] = []
            pairs.reserveCapacity(codes.count)
            grouping.gid.withUnsafeBufferPointer { gid in
                codes.withUnsafeBufferPointer { codes in
                    for i in 0..<codes.count where codes[i] != nullCode {
                        pairs.append(UInt64(UInt32(bitPattern: gid[i])) << shift | UInt64(UInt32(bitPattern: codes[i])))
                    }
                }
            }
            try checkCancel()
            RadixSort.sort(&pairs, bits: codeBits + groupBits)
            var counts = [Int](repeating: 0, count: n)
            var sums = [Double](repeating: 0, count: n)
            var intSums = [Int64](repeating: 0, count: n)
            var exact = [Bool](repeating: true, count: n)
            var best = [Value](repeating: .null, count: n)
            let order = ValueOrder(g: graph)
            var prev = UInt64.max
            for p in pairs where p != prev {
                prev = p
                let g = Int(p >> shift)
                counts[g] += 1
                if f == .count { continue }
                let v = coder.value(Int32(truncatingIfNeeded: p & codeMask))
                accumulate(f, v, g, &sums, &intSums, &exact, &best, order)
            }
            return f == .count ? .counts(counts) : .values(finish(f, a.resultType, counts, sums, intSums, exact, best))
        }
        // Each path makes the per-group arrays it uses (a million groups' worth is 50 MB to
        // clear), as plain local arrays: a `lazy var` would be copied at every write in a loop.
        func zeros<T>(_ v: T) -> [T] { [T](repeating: v, count: n) }
        let gid = grouping.gid
        var i = 0
        // Typed fast paths over the column's storage.
        if case .stored(let c) = acc {
            switch kind.columns[c].type {
            case .int, .date:
                let col = kind.intColumn(c)
                let isDate = kind.columns[c].type == .date
                if f == .count || f == .sum || f == .avg {
                    var counts = zeros(0), intSums = f == .count ? [] : zeros(Int64(0))
                    var sums = f == .count ? [] : zeros(0.0), exact = f == .count ? [] : zeros(true)
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
                    return f == .count ? .counts(counts) : .values(finish(f, a.resultType, counts, sums, intSums, exact, []))
                }
                // Each group's lowest and highest value side by side (one cache line a row, where
                // separate arrays and a count took three: the groups of a million names do not
                // fit in any cache); a group without values keeps lo > hi. The column is read as
                // stored, through pointers.
                if let bounds = grouping.intBounds[c] {
                    return .values((0..<n).map { g in
                        let lo = bounds[2 * g], hi = bounds[2 * g + 1]
                        if lo > hi { return .null }
                        return isDate ? .date(f == .min ? lo : hi) : .int(f == .min ? lo : hi)
                    })
                }
                try checkCancel()
                let bounds: [Int64]
                switch col.storage {
                case .i16(let a): bounds = IntBounds.of(a, null: .min, gid: gid, rows: rows, groups: n)
                case .i32(let a): bounds = IntBounds.of(a, null: .min, gid: gid, rows: rows, groups: n)
                case .i64(let a): bounds = IntBounds.of(a, null: Null.int, gid: gid, rows: rows, groups: n)
                }
                try checkCancel()
                grouping.intBounds[c] = bounds
                return .values((0..<n).map { g in
                    let lo = bounds[2 * g], hi = bounds[2 * g + 1]
                    if lo > hi { return .null }
                    return isDate ? .date(f == .min ? lo : hi) : .int(f == .min ? lo : hi)
                })
            case .number:
                let col = kind.numberColumn(c)
                var lo = [Double](repeating: .infinity, count: n), hi = [Double](repeating: -.infinity, count: n)
                var counts = zeros(0), sums = zeros(0.0)
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
                if f == .min || f == .max { return .values((0..<n).map { counts[$0] == 0 ? .null : .number(f == .min ? lo[$0] : hi[$0]) }) }
                if f == .count { return .counts(counts) }
                return .values(finish(f, a.resultType, counts, sums, zeros(Int64(0)), zeros(false), []))
            case .text, .ref:
                let col = kind.idColumn(c)
                if f == .count {
                    var counts = zeros(0)
                    try rows.forEach { (r) throws(QueryError) in
                        if col[r] != Null.id { counts[Int(gid[i])] += 1 }
                        i += 1
                    }
                    return .counts(counts)
                }
                if f == .min || f == .max {
                    // By collation rank (pinyin, as `accumulate` compares): different texts
                    // never tie, so the rank decides as the comparison of the texts would. Both
                    // bounds in one pass, kept for the other of `min` and `max`.
                    let isRef = kind.columns[c].type.isRef
                    let bounds: [UInt64]
                    if let known = grouping.rankBounds[c] {
                        bounds = known
                    } else {
                        try checkCancel()
                        bounds = Self.rankBounds(col, isRef: isRef, ranks: CollationRankTable.of(graph).pinyin, names: graph.entityName,
                                                 gid: gid, rows: rows, groups: n)
                        try checkCancel()
                        grouping.rankBounds[c] = bounds
                    }
                    let isMin = f == .min
                    return .values((0..<n).map { g in
                        if bounds[2 * g] == .max { return .null }
                        let id = UInt32(truncatingIfNeeded: bounds[2 * g + (isMin ? 0 : 1)])
                        return isRef ? .entity(id) : .text(id)
                    })
                }
            }
        }
        // Any other column: read values.
        let ev = evaluator
        let order = ValueOrder(g: graph)
        var counts = zeros(0), sums = zeros(0.0), intSums = zeros(Int64(0)), exact = zeros(true), best = zeros(Value.null)
        try rows.forEach { (r) throws(QueryError) in
            let g = Int(gid[i])
            i += 1
            if i & 0xFFFF == 0 { try checkCancel() }
            let v = ev.value(acc, k, r)
            if v == .null { return }
            counts[g] += 1
            if f != .count { accumulate(f, v, g, &sums, &intSums, &exact, &best, order) }
        }
        return f == .count ? .counts(counts) : .values(finish(f, a.resultType, counts, sums, intSums, exact, best))
    }

    /// Each group's lowest and highest (rank, id) of an entity or text column, as `rank << 32 |
    /// id` at `2 g` and `2 g + 1` (`UInt64.max` and 0 for a group without values): one pass, the
    /// rows' halves on two cores from a million rows (each its own bounds, then joined).
    static func rankBounds(_ col: [UInt32], isRef: Bool, ranks: [UInt32], names: [UInt32], gid: [Int32], rows: RowList,
                           groups n: Int) -> [UInt64] {
        struct Part: @unchecked Sendable {
            let col: UnsafePointer<UInt32>, ranks: UnsafePointer<UInt32>, names: UnsafePointer<UInt32>
            let gid: UnsafePointer<Int32>, rows: UnsafePointer<UInt32>?
            let isRef: Bool, groups: Int

            func run(_ from: Int, _ to: Int) -> [UInt64] {
                var b = [UInt64](repeating: 0, count: 2 * groups)
                b.withUnsafeMutableBufferPointer { b in
                    for g in 0..<groups { b[2 * g] = .max }
                    for i in from..<to {
                        let v = col[rows.map { Int($0[i]) } ?? i]
                        if v == Null.id { continue }
                        let key = UInt64(ranks[Int(isRef ? names[Int(v)] : v)]) << 32 | UInt64(v)
                        let g = 2 * Int(gid[i])
                        if key < b[g] { b[g] = key }
                        if key > b[g + 1] { b[g + 1] = key }
                    }
                }
                return b
            }
        }
        let count = rows.count
        return col.withUnsafeBufferPointer { col in
            ranks.withUnsafeBufferPointer { ranks in
                names.withUnsafeBufferPointer { names in
                    gid.withUnsafeBufferPointer { gid in
                        KeyCoder.withRowIndexes(rows) { idx in
                            let part = Part(col: col.baseAddress!, ranks: ranks.baseAddress!, names: names.baseAddress ?? UnsafePointer(bitPattern: 8)!,
                                            gid: gid.baseAddress!, rows: idx, isRef: isRef, groups: n)
                            return Self.boundsInHalves(count, groups: n) { part.run($0, $1) }
                        }
                    }
                }
            }
        }
    }

    /// Each group's lowest (at `2 g`) and highest (`2 g + 1`) from `run` over the rows `from ..<
    /// to`: over all of them, or from a million rows each half on its own core, then joined.
    static func boundsInHalves<T: Comparable & Sendable>(_ count: Int, groups n: Int, _ run: @escaping @Sendable (Int, Int) -> [T]) -> [T] {
        guard count >= RadixSort.twoCoresFrom else { return run(0, count) }
        var (a, b) = BackgroundWork.pair({ run(0, count / 2) }, { run(count / 2, count) })
        for g in 0..<n {
            a[2 * g] = min(a[2 * g], b[2 * g])
            a[2 * g + 1] = max(a[2 * g + 1], b[2 * g + 1])
        }
        return a
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

/// Each group's lowest and highest value of an int or date column, at `2 g` and `2 g + 1`
/// (`Int64.max` and `Int64.min` for a group without values): one pass, the rows' halves on two
/// cores from a million rows (each its own bounds, then joined).
struct IntBounds<T: FixedWidthInteger & Sendable>: @unchecked Sendable {
    let col: UnsafePointer<T>
    let null: T
    let gid: UnsafePointer<Int32>
    /// Row of each position (nil: position `i` is row `i`).
    let rows: UnsafePointer<UInt32>?
    let groups: Int

    func run(_ from: Int, _ to: Int) -> [Int64] {
        var b = [Int64](repeating: 0, count: 2 * groups)
        b.withUnsafeMutableBufferPointer { b in
            for g in 0..<groups { b[2 * g] = .max; b[2 * g + 1] = .min }
            for i in from..<to {
                let x = col[rows.map { Int($0[i]) } ?? i]
                if x == null { continue }
                let v = Int64(x), g = 2 * Int(gid[i])
                if v < b[g] { b[g] = v }
                if v > b[g + 1] { b[g + 1] = v }
            }
        }
        return b
    }

    static func of(_ col: [T], null: T, gid: [Int32], rows: RowList, groups n: Int) -> [Int64] {
        let count = rows.count
        return col.withUnsafeBufferPointer { col in
            gid.withUnsafeBufferPointer { gid in
                KeyCoder.withRowIndexes(rows) { idx in
                    let part = IntBounds(col: col.baseAddress!, null: null, gid: gid.baseAddress!, rows: idx, groups: n)
                    return QueryEngine.boundsInHalves(count, groups: n) { part.run($0, $1) }
                }
            }
        }
    }
}

/// One aggregate's result per group: counts as integers (never missing), anything else as values.
enum AggColumn: Sendable {
    case counts([Int])
    case values([Value])

    subscript(_ g: Int) -> Value {
        switch self {
        case .counts(let c): return .int(Int64(c[g]))
        case .values(let v): return v[g]
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
    /// Group of each selected row, in the order of the row list (empty when `make` was told
    /// no aggregate needs it).
    var gid: [Int32]
    /// Rows per group.
    var counts: [Int]
    /// Per group, each key's code.
    var codes: [[Int32]]
    var method: String
    /// Each group's lowest and highest value of an int or date column (by column), kept from
    /// `min(c)` for `max(c)` and the other way round: one pass over the rows for both.
    var intBounds: [Int: [Int64]] = [:]
    /// Each group's lowest and highest (rank, id) of an entity or text column (by column), kept
    /// from `min(c)` for `max(c)` and the other way round (`QueryEngine.rankBounds`).
    var rankBounds: [Int: [UInt64]] = [:]
    /// Set when every key's codes ascend with its values (names in `collation`, numbers;
    /// missing last) and the groups ascend by the keys in `natural` order: `CountingOrder`
    /// orders them without comparing.
    var codeOrder: CodeOrder? = nil

    struct CodeOrder {
        let natural: [Int]
        let collation: Collation
    }

    var count: Int { counts.count }

    func keyCode(_ key: Int, _ g: Int) -> Int32 { codes[key][g] }

    static func make(_ keys: [KeyCoder], _ rows: RowList, _ engine: QueryEngine, rowGroups: Bool = true) throws(QueryError) -> Grouping {
        let n = rows.count
        if keys.isEmpty {
            return Grouping(gid: [Int32](repeating: 0, count: n), counts: [n], codes: [], method: "one group")
        }
        // Each key's code per row.
        var perKey: [[Int32]] = []
        for key in keys {
            perKey.append(key.codes(rows))
            try engine.checkCancel()
        }
        if keys.count == 1 {
            let card = keys[0].cardinality
            var counts = [Int](repeating: 0, count: card)
            counts.withUnsafeMutableBufferPointer { cnt in for c in perKey[0] { cnt[Int(c)] += 1 } }
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
        var counts: [Int] = []
        var codes = [[Int32]](repeating: [], count: keys.count)
        if fits {
            // A dense table of the combinations. The combined code is built in the first key's
            // array and then replaced by the group number, row by row: no array beside it.
            var slot = [Int32](repeating: -1, count: product)
            var gid = perKey[0]
            perKey[0] = []
            for k in 1..<perKey.count {
                let card = Int32(cards[k])
                perKey[k].withUnsafeBufferPointer { c in
                    gid.withUnsafeMutableBufferPointer { m in
                        for i in 0..<n { m[i] = m[i] * card + c[i] }
                    }
                }
                perKey[k] = []
            }
            // Counted in a buffer with room for every group there can be.
            var groupCounts = [Int](repeating: 0, count: min(product, n))
            var groups = 0
            gid.withUnsafeMutableBufferPointer { gd in
                slot.withUnsafeMutableBufferPointer { sl in
                    groupCounts.withUnsafeMutableBufferPointer { gc in
                        for i in 0..<n {
                            let combined = Int(gd[i])
                            var g = sl[combined]
                            if g < 0 {
                                g = Int32(groups)
                                groups += 1
                                sl[combined] = g
                                // The keys' codes back from the combination.
                                var rest = combined
                                for k in stride(from: cards.count - 1, through: 0, by: -1) {
                                    codes[k].append(Int32(rest % max(cards[k], 1)))
                                    rest /= max(cards[k], 1)
                                }
                            }
                            gd[i] = g
                            gc[Int(g)] += 1
                        }
                    }
                }
            }
            groupCounts.removeLast(groupCounts.count - groups)
            counts = groupCounts
            return Grouping(gid: gid, counts: counts, codes: codes, method: "dense table of \(product) combinations")
        }
        // Too many combinations for a table: 64-bit keys with the row index, radix-sorted.
        let bits: [Int] = cards.map { 64 - UInt64(max($0 - 1, 1)).leadingZeroBitCount }
        let keyBits = bits.reduce(0, +)
        let indexBits = 64 - keyBits
        guard keyBits < 64 && (indexBits >= 63 || n < (1 << indexBits)) else {
            // Keys too wide even so: a hash table.
            var gid = [Int32](repeating: 0, count: n)
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
        if !rowGroups && keyBits <= 32 {
            return try keysOnly(&perKey, bits: bits, rows: n, engine)
        }
        // The row's position in the high bits, the key in the low ones: the sort reads only the
        // key. The keys' codes are read back from the key bits, so the per-key arrays go first.
        var packed = [UInt64](repeating: 0, count: n)
        var shifts: [UInt64] = []
        packed.withUnsafeMutableBufferPointer { out in
            for i in 0..<n { out[i] = UInt64(i) << UInt64(keyBits) }
            var shift = UInt64(keyBits)
            for (k, c) in perKey.enumerated() {
                shift -= UInt64(bits[k])
                shifts.append(shift)
                c.withUnsafeBufferPointer { codes in
                    for i in 0..<n { out[i] |= UInt64(UInt32(codes[i])) << shift }
                }
            }
        }
        perKey = []
        RadixSort.sort(&packed, bits: keyBits)
        try engine.checkCancel()
        let keyMask: UInt64 = (1 << UInt64(keyBits)) - 1
        // Groups are runs of equal keys: count them first, then fill.
        var groups = 0
        var prevKey = UInt64.max
        for p in packed where p & keyMask != prevKey { prevKey = p & keyMask; groups += 1 }
        counts = [Int](repeating: 0, count: groups)
        // Each group's count and key codes in one pass over the sorted keys; each row's group
        // (a scattered write per row) only when an aggregate needs it.
        var g = -1
        prevKey = UInt64.max
        var starts = [Int32](repeating: 0, count: groups + 1)
        counts.withUnsafeMutableBufferPointer { cnt in
            starts.withUnsafeMutableBufferPointer { st in
                for (j, p) in packed.enumerated() {
                    let key = p & keyMask
                    if key != prevKey { prevKey = key; g += 1; st[g] = Int32(j) }
                    cnt[g] += 1
                }
                st[groups] = Int32(n)
            }
        }
        for (k, shift) in shifts.enumerated() {
            let mask: UInt64 = (1 << UInt64(bits[k])) - 1
            var c = [Int32](repeating: 0, count: groups)
            c.withUnsafeMutableBufferPointer { c in
                for x in 0..<groups { c[x] = Int32(truncatingIfNeeded: (packed[Int(starts[x])] >> shift) & mask) }
            }
            codes[k] = c
        }
        var gid: [Int32] = []
        if rowGroups {
            gid = [Int32](repeating: 0, count: n)
            gid.withUnsafeMutableBufferPointer { gd in
                packed.withUnsafeBufferPointer { pk in
                    starts.withUnsafeBufferPointer { st in
                        for x in 0..<groups {
                            for j in Int(st[x])..<Int(st[x + 1]) { gd[Int(pk[j] >> UInt64(keyBits))] = Int32(x) }
                        }
                    }
                }
            }
        }
        return Grouping(gid: gid, counts: counts, codes: codes, method: "radix sort of \(keyBits)-bit keys")
    }

    /// Groups and their sizes when no row needs its group (plain counts) and the keys' codes fit
    /// in 32 bits together: the combined codes alone are sorted (on two cores when there are
    /// many), and each run of equal ones is a group, in the order of the codes.
    static func keysOnly(_ perKey: inout [[Int32]], bits: [Int], rows n: Int, _ engine: QueryEngine) throws(QueryError) -> Grouping {
        let keyBits = bits.reduce(0, +)
        var shifts: [UInt32] = []
        var shift = UInt32(keyBits)
        for b in bits { shift -= UInt32(b); shifts.append(shift) }
        // The combined codes are built in the first key's array, each other key's freed once added.
        var keys: [Int32] = []
        swap(&keys, &perKey[0])
        do {
            let s0 = shifts[0]
            keys.withUnsafeMutableBufferPointer { o in
                for i in 0..<n { o[i] = Int32(bitPattern: UInt32(bitPattern: o[i]) << s0) }
                for k in 1..<perKey.count {
                    let s = shifts[k]
                    perKey[k].withUnsafeBufferPointer { c in
                        for i in 0..<n { o[i] = Int32(bitPattern: UInt32(bitPattern: o[i]) | UInt32(bitPattern: c[i]) << s) }
                    }
                    perKey[k] = []
                }
            }
        }
        let keyCount = perKey.count
        perKey = []
        RadixSort.sort(&keys, bits: keyBits)
        try engine.checkCancel()
        // Runs of equal codes are the groups. A pass without a branch on where a run starts
        // (most runs are short) writes each run's key codes and size at its group number; with
        // many keys, each half's runs are counted first and the halves written on two cores.
        // The arrays get room for a group per row; what is not written is never touched.
        let masks = bits.map { UInt32((UInt64(1) << UInt64($0)) - 1) }
        var counts: [Int] = []
        let (codes, _) = withRoom(keyCount, n) { codeOut in
            var groups = 0
            counts = [Int](unsafeUninitializedCapacity: n) { cnt, count in
                keys.withUnsafeBufferPointer { kp in
                    let runs = Runs(keys: kp.baseAddress!, codes: codeOut, counts: cnt.baseAddress!, shifts: shifts, masks: masks)
                    if n >= RadixSort.twoCoresFrom {
                        // A split between two runs.
                        var mid = n / 2
                        while mid < n && kp[mid] == kp[mid - 1] { mid += 1 }
                        let split = mid
                        let before = runs.count(0, split)
                        let (_, after) = BackgroundWork.pair({ runs.write(0, split, firstGroup: 0) }, { runs.write(split, n, firstGroup: before) })
                        groups = before + after
                    } else {
                        groups = runs.write(0, n, firstGroup: 0)
                    }
                }
                count = groups
            }
            return groups
        }
        return Grouping(gid: [], counts: counts, codes: codes, method: "radix sort of \(keyBits)-bit keys on their own")
    }

    /// Runs of equal combined codes in sorted keys: the groups of `keysOnly`.
    struct Runs: @unchecked Sendable {
        let keys: UnsafePointer<Int32>
        let codes: [UnsafeMutablePointer<Int32>]
        let counts: UnsafeMutablePointer<Int>
        let shifts: [UInt32]
        let masks: [UInt32]

        /// The runs among `keys[from ..< to]`.
        func count(_ from: Int, _ to: Int) -> Int {
            var runs = 0
            var prev = UInt64.max
            for i in from..<to {
                let v = UInt64(UInt32(bitPattern: keys[i]))
                runs &+= v != prev ? 1 : 0
                prev = v
            }
            return runs
        }

        /// Writes the runs of `keys[from ..< to]` as groups `firstGroup...`; returns how many.
        func write(_ from: Int, _ to: Int, firstGroup: Int) -> Int {
            var g = firstGroup - 1, start = from
            var prev = UInt64.max
            for i in from..<to {
                let v = UInt32(bitPattern: keys[i])
                let isNew = UInt64(v) != prev
                prev = UInt64(v)
                g &+= isNew ? 1 : 0
                start = isNew ? i : start
                for k in 0..<codes.count { codes[k][g] = Int32(bitPattern: (v >> shifts[k]) & masks[k]) }
                counts[g] = i &- start &+ 1
            }
            return g + 1 - firstGroup
        }
    }

    /// `arrays` arrays of room for `capacity` codes each, handed to `fill` uninitialized; each
    /// keeps as many as `fill` says it wrote.
    static func withRoom(_ arrays: Int, _ capacity: Int, _ fill: ([UnsafeMutablePointer<Int32>]) -> Int,
                         _ made: [UnsafeMutablePointer<Int32>] = []) -> ([[Int32]], Int) {
        if made.count == arrays { return ([], fill(made)) }
        var rest: [[Int32]] = [], written = 0
        let first = [Int32](unsafeUninitializedCapacity: capacity) { b, count in
            (rest, written) = withRoom(arrays, capacity, fill, made + [b.baseAddress!])
            count = written
        }
        return ([first] + rest, written)
    }

}

/// The value each key code stands for: a list of values, or, for entity and text keys coded by
/// rank, the raw ids (4 bytes a code instead of a value's 24; a million enterprises' codes keep
/// 4 MB, not 24).
struct CodeValues: RandomAccessCollection, Sendable {
    private var list: [Value] = []
    /// Raw ids by code (`Null.id` for null), when `byRaw`.
    private var raws: [UInt32] = []
    private var byRaw = false
    private var isEntity = false

    init() {}

    init(raws: [UInt32], isEntity: Bool) {
        self.raws = raws
        self.isEntity = isEntity
        byRaw = true
    }

    var startIndex: Int { 0 }
    var endIndex: Int { byRaw ? raws.count : list.count }

    subscript(_ code: Int) -> Value {
        guard byRaw else { return list[code] }
        let r = raws[code]
        return r == Null.id ? .null : (isEntity ? .entity(r) : .text(r))
    }

    mutating func reserveCapacity(_ n: Int) {
        if byRaw { raws.reserveCapacity(n) } else { list.reserveCapacity(n) }
    }

    mutating func append(_ v: Value) {
        if byRaw {
            switch v {
            case .null: raws.append(Null.id); return
            case .entity(let r) where isEntity: raws.append(r); return
            case .text(let r) where !isEntity: raws.append(r); return
            default:
                // Another kind of value: a plain list from here on.
                list = Array(self)
                raws = []
                byRaw = false
            }
        }
        list.append(v)
    }
}

/// Orders groups by result columns. Each order column becomes one integer per group where it
/// can (a count; a key's collation rank or number), so the heap that keeps the first N of
/// millions of groups compares integers; other values compare as values.
struct GroupOrder {
    enum Column {
        /// An integer per key code (nil: missing, sorts last), and each group's code.
        case coded([Int32], perCode: [Int64?])
        /// A count per group (never missing), read where it is.
        case counts([Int])
        case values((Int) -> Value)
    }
    let columns: [(Column, Bool, Collation)]
    let valueOrder: ValueOrder

    /// `topN`: the first few groups are kept by a heap. Then a key that only breaks ties (not
    /// the first order column) and has many values is compared value by value when two groups
    /// tie, instead of ranking all its values first (which, for names, means ranking every
    /// string of the graph).
    init(engine: QueryEngine, keys: [KeyCoder], grouping: Grouping, aggregates: [AggColumn], order: [(Int, Bool, Collation)],
         topN: Bool = false) {
        valueOrder = ValueOrder(g: engine.graph)
        let g = engine.graph
        var cols: [(Column, Bool, Collation)] = []
        for (position, (column, desc, collation)) in order.enumerated() {
            if column < keys.count {
                let key = keys[column]
                let codes = grouping.codes[column]
                if topN && position > 0 && key.cardinality > 20_000 && !CollationRankTable.isBuilt(g, collation) {
                    cols.append((.values({ key.value(codes[$0]) }), desc, collation))
                } else if let perCode = key.integerOrder(collation, g) {
                    cols.append((.coded(codes, perCode: perCode), desc, collation))
                } else {
                    cols.append((.values({ key.value(codes[$0]) }), desc, collation))
                }
            } else {
                switch aggregates[column - keys.count] {
                case .counts(let c): cols.append((.counts(c), desc, collation))
                case .values(let v): cols.append((.values({ v[$0] }), desc, collation))
                }
            }
        }
        columns = cols
    }

    /// When the groups are ordered by a count, largest first: the groups that can be among
    /// the first `want` (every group whose count reaches the `want`-th largest), found without
    /// the full comparison. Nil for other orders.
    func countCandidates(_ groupCount: Int, _ want: Int) -> [Int]? {
        guard want > 0, let (first, desc, _) = columns.first, desc, case .counts(let c) = first else { return nil }
        if groupCount >= RadixSort.twoCoresFrom {
            let half = groupCount / 2
            let (a, b) = BackgroundWork.pair({ Self.reaching(c, 0, half, want) }, { Self.reaching(c, half, groupCount, want) })
            return a + b
        }
        return Self.reaching(c, 0, groupCount, want)
    }

    /// The groups of `from ..< to` whose count is at least the `want`-th largest among them,
    /// in order, by a bar that rises as counts are seen (and a few below it).
    static func reaching(_ counts: [Int], _ from: Int, _ to: Int, _ want: Int) -> [Int] {
        var kept: [Int] = []
        var bar = Int.min
        var check = 4 * want + 64
        counts.withUnsafeBufferPointer { c in
            for g in from..<to where c[g] >= bar {
                kept.append(g)
                if kept.count >= check {
                    var seen = kept.map { c[$0] }
                    seen.sort(by: >)
                    bar = seen[want - 1]
                    kept.removeAll { c[$0] < bar }
                    // Many ties at the bar: check less often, so the work stays linear.
                    check = max(check, 2 * kept.count)
                }
            }
        }
        return kept
    }

    /// The groups in order by a radix sort (`RowSorter.packedOrder`) when every order column is
    /// an integer per group (counts, keys coded by rank or number); nil otherwise. `groups` are
    /// ascending, so ties keep group order, as in `less`.
    func packedOrder(_ groups: [Int]) -> [Int]? {
        guard groups.count > 1 else { return groups }
        if let direct = packedDirectly(groups) { return direct }
        var keys: [RowSorter.KeyColumn] = []
        for (column, desc, _) in columns {
            var codes = [UInt64](repeating: 0, count: groups.count)
            var nulls = [Bool](repeating: false, count: groups.count)
            switch column {
            case .coded(let groupCodes, let perCode):
                // Per code first: nil (missing) or the integer's order bits.
                let table = perCode.map { $0.map { UInt64(bitPattern: $0) ^ (1 << 63) } }
                for (i, g) in groups.enumerated() {
                    if let v = table[Int(groupCodes[g])] { codes[i] = v } else { nulls[i] = true }
                }
            case .counts(let c):
                for (i, g) in groups.enumerated() { codes[i] = UInt64(bitPattern: Int64(c[g])) ^ (1 << 63) }
            case .values:
                return nil
            }
            keys.append(.codes(codes, nulls: nulls, descending: desc))
        }
        return RowSorter.packedOrder(groups.map { UInt32($0) }, keys)?.map { Int($0) }
    }

    /// `packedOrder` without a code array per column: each column's integers narrowed to their
    /// range (a coded key's over its codes' table, a count's over the groups), with a place for
    /// missing values last either way, packed under the group number into one integer per group
    /// and sorted by a radix sort. Nil when the groups are not ascending or the columns do not
    /// fit in 64 bits beside the group numbers.
    func packedDirectly(_ groups: [Int]) -> [Int]? {
        let n = groups.count
        for i in 1..<n where groups[i] <= groups[i - 1] { return nil }
        let groupBits = 64 - UInt64(groups[n - 1]).leadingZeroBitCount
        enum Part {
            /// Narrowed integer per code.
            case table([Int32], [UInt64])
            case counts([Int], low: Int, high: Int, desc: Bool)
        }
        var parts: [(Part, Int)] = []
        var total = 0
        for (column, desc, _) in columns {
            switch column {
            case .coded(let groupCodes, let perCode):
                var low = Int64.max, high = Int64.min, anyNull = false
                for v in perCode {
                    if let v { low = min(low, v); high = max(high, v) } else { anyNull = true }
                }
                if low > high { low = 0; high = 0 }
                let span = UInt64(bitPattern: high &- low)
                guard span < 1 << 40 else { return nil }
                let bits = 64 - (span &+ (anyNull ? 1 : 0)).leadingZeroBitCount
                let table = perCode.map { v -> UInt64 in
                    guard let v else { return span &+ 1 }
                    return desc ? UInt64(bitPattern: high &- v) : UInt64(bitPattern: v &- low)
                }
                parts.append((.table(groupCodes, table), bits))
                total += bits
            case .counts(let c):
                var low = Int.max, high = Int.min
                for g in groups { low = min(low, c[g]); high = max(high, c[g]) }
                let bits = 64 - UInt64(high - low).leadingZeroBitCount
                parts.append((.counts(c, low: low, high: high, desc: desc), bits))
                total += bits
            case .values:
                return nil
            }
        }
        guard total + groupBits <= 64 else { return nil }
        var keys = [UInt64](repeating: 0, count: n)
        keys.withUnsafeMutableBufferPointer { k in
            groups.withUnsafeBufferPointer { gs in
                for (part, bits) in parts where bits > 0 {
                    let shift = UInt64(bits)
                    switch part {
                    case .table(let codes, let table):
                        codes.withUnsafeBufferPointer { cd in
                            table.withUnsafeBufferPointer { t in
                                for i in 0..<n { k[i] = k[i] << shift | t[Int(cd[gs[i]])] }
                            }
                        }
                    case .counts(let c, let low, let high, let desc):
                        c.withUnsafeBufferPointer { c in
                            for i in 0..<n {
                                let v = c[gs[i]]
                                k[i] = k[i] << shift | UInt64(desc ? high - v : v - low)
                            }
                        }
                    }
                }
                let top = UInt64(total)
                for i in 0..<n { k[i] |= UInt64(gs[i]) << top }
            }
        }
        RadixSort.sort(&keys, bits: total)
        let top = UInt64(total)
        return keys.map { Int($0 >> top) }
    }

    func less(_ a: Int, _ b: Int) -> Bool {
        for (column, desc, collation) in columns {
            let c: Int
            switch column {
            case .coded(let codes, let perCode):
                guard let x = perCode[Int(codes[a])], let y = perCode[Int(codes[b])] else {
                    let (xNull, yNull) = (perCode[Int(codes[a])] == nil, perCode[Int(codes[b])] == nil)
                    if xNull != yNull { return yNull }
                    continue
                }
                c = x < y ? -1 : (x == y ? 0 : 1)
            case .counts(let v):
                let x = v[a], y = v[b]
                c = x < y ? -1 : (x == y ? 0 : 1)
            case .values(let value):
                let x = value(a), y = value(b)
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

extension UnsafeMutableBufferPointer where Element: Comparable {
    /// Sorts the first `m` elements (by insertion when there are few: an index bucket mostly
    /// holds a few rows) and calls `body(value, count)` for each run of equal ones, in order.
    @inline(__always)
    func sortedRuns(_ m: Int, _ body: (Element, Int) -> Void) {
        if m <= 24 {
            for j in 1 ..< Swift.max(m, 1) {
                let x = self[j]
                var t = j
                while t > 0 && self[t - 1] > x { self[t] = self[t - 1]; t -= 1 }
                self[t] = x
            }
        } else {
            self[0..<m].sort()
        }
        var j = 0
        while j < m {
            let v = self[j]
            var r = j + 1
            while r < m && self[r] == v { r += 1 }
            body(v, r - j)
            j = r
        }
    }
}

/// Groups by (a value of an indexed reference column, another id column) read from the index's
/// buckets: each bucket's other ids gathered, sorted on their own and counted by runs, the
/// buckets split over two cores by rows. For `topByCount`.
struct BucketCounts {
    /// Per group: the position of its value in `values`, the other key's code, the count.
    var codes: [Int32] = []
    var otherCodes: [Int32] = []
    var counts: [Int] = []
    /// The values (entity ids, ascending) and the other key's ids by code (`Null.id` last).
    var values: [UInt32] = []
    var otherValues: [UInt32] = []

    struct Walk: @unchecked Sendable {
        let values: [UInt32]
        let start: UnsafePointer<UInt32>
        let rows: UnsafePointer<UInt32>
        let other: UnsafePointer<UInt32>

        /// The groups of values `i0 ..< i1`, with the other key's raw ids.
        func run(_ i0: Int, _ i1: Int) -> (codes: [Int32], raws: [UInt32], counts: [Int]) {
            var codes: [Int32] = [], raws: [UInt32] = [], counts: [Int] = []
            var buffer = [UInt32](repeating: 0, count: 64)
            for i in i0..<i1 {
                let e = Int(values[i])
                let s = Int(start[e]), m = Int(start[e + 1]) - s
                if buffer.count < m { buffer = [UInt32](repeating: 0, count: m) }
                buffer.withUnsafeMutableBufferPointer { b in
                    for j in 0..<m { b[j] = other[Int(rows[s + j])] }
                    b.sortedRuns(m) { raw, k in codes.append(Int32(i)); raws.append(raw); counts.append(k) }
                }
            }
            return (codes, raws, counts)
        }
    }

    static func groups(_ values: [UInt32], start: UnsafeBufferPointer<UInt32>, rows: UnsafeBufferPointer<UInt32>,
                       other: UnsafeBufferPointer<UInt32>, otherSlots: Int) -> BucketCounts {
        let walk = Walk(values: values, start: start.baseAddress!, rows: rows.baseAddress!, other: other.baseAddress!)
        // Halves by rows.
        var total = 0
        for e in values { total += Int(start[Int(e) + 1] &- start[Int(e)]) }
        var mid = 0, before = 0
        while mid < values.count && before < total / 2 { before += Int(start[Int(values[mid]) + 1] &- start[Int(values[mid])]); mid += 1 }
        let split = mid, count = values.count
        let (a, b) = BackgroundWork.pair({ walk.run(0, split) }, { walk.run(split, count) })
        var out = BucketCounts()
        out.values = values
        out.codes = a.codes + b.codes
        out.counts = a.counts + b.counts
        // The other key's codes: ranks among the ids present (null last), as a key coder's.
        let raws = a.raws + b.raws
        (out.otherCodes, out.otherValues) = raws.withUnsafeBufferPointer {
            KeyCoder.ranks($0.baseAddress!, rows: nil, through: nil, count: raws.count, slots: otherSlots)
        }
        return out
    }
}

/// One key column as a small dense code per row (the order first seen), with the value each code
/// stands for. Entity and string ids map through an array; a derived place column reads each
/// location's place from a table kept with the graph; numbers and other values through a
/// dictionary.
final class KeyCoder {
    let engine: QueryEngine
    let kind: Int
    let accessor: Accessor
    let ev: Evaluator

    enum Source {
        case ids([UInt32], isEntity: Bool)
        case place(location: [UInt32], level: Int)
        /// A column of the entity a stored reference names (`enterprise.industry`): the
        /// reference column, and the value's raw id for each entity (`Null.id` for none).
        case hop(column: [UInt32], through: [UInt32], isEntity: Bool)
        case ints(IntColumn, isDate: Bool)
        case values
    }
    var source: Source = .values
    /// Code per raw id (entity or string id; the last slot is null), -1 when not seen yet; made
    /// on first use (`rawTable()`), as codes by rank need none.
    var codeOfRaw: [Int32] = []
    /// Slots of `codeOfRaw`: the raw ids and null.
    var rawSlots = 0
    /// For a place key: each entity's place of the key's level (`AncestorTables`), fetched on
    /// first use.
    private var placeOf: [UInt32] = []
    var codeOfInt: [Int64: Int32] = [:]
    var codeOfValue: [Value: Int32] = [:]
    /// The value each code stands for.
    var values = CodeValues()

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
                rawSlots = g.entityCount + 1
            case .text:
                source = .ids(kd.idColumn(c), isEntity: false)
                rawSlots = g.strings.count + 1
            case .int, .date:
                source = .ints(kd.intColumn(c), isDate: kd.columns[c].type == .date)
            case .number:
                source = .values
            }
        case .place(let p) where kd.placeAnchors != nil:
            // Each row's location (a named row: its own entity), through the ancestors' table.
            source = .place(location: kd.placeAnchors!, level: p)
            rawSlots = g.entityCount + 1
        case .name:
            source = .ids(kd.entityOfRow, isEntity: true)
            rawSlots = g.entityCount + 1
        case .hop:
            // A chain from a stored reference (`enterprise.industry`, `enterprise.city.province`):
            // each entity's value of the rest of the chain, in a table.
            if let (c, inner) = CompiledFilter.rooted(accessor, kd), let (through, isEntity) = Self.hopTable(g, inner) {
                source = .hop(column: kd.idColumn(c), through: through, isEntity: isEntity)
                rawSlots = isEntity ? g.entityCount + 1 : g.strings.count + 1
            }
        default:
            source = .values
        }
    }

    /// For a hop whose column is, in every kind that has it, a stored reference (or in every
    /// such kind stored text): each entity's value as a raw id (`Null.id` where its kind has no
    /// such column or the cell is empty), and whether the ids are entities. Nil otherwise.
    static func hopTable(_ g: FactGraph, _ inner: [Accessor?]) -> (through: [UInt32], isEntity: Bool)? {
        var isEntity: Bool? = nil
        var readers: [(Int, (Int) -> UInt32)] = []
        for (k2, a) in inner.enumerated() {
            guard let a else { continue }
            guard g.kinds[k2].role.isNamed, let (read, entity) = entityValues(a, k2, g) else { return nil }
            if let e = isEntity, e != entity { return nil }
            isEntity = entity
            readers.append((k2, read))
        }
        guard let isEntity else { return nil }
        var through = [UInt32](repeating: Null.id, count: g.entityCount)
        through.withUnsafeMutableBufferPointer { t in
            for (k2, read) in readers {
                let ents = g.kinds[k2].entityOfRow
                for r in 0..<min(g.kinds[k2].rowCount, ents.count) { t[Int(ents[r])] = read(r) }
            }
        }
        return (through, isEntity)
    }

    /// How the rows of named kind `k` read `a` as a raw id (entity or string; `Null.id` for
    /// none), and whether the ids are entities: a stored reference or text column, a place up
    /// the location chain, or a chain through them (`city.province`, each step's table made
    /// once). Nil for anything else.
    static func entityValues(_ a: Accessor, _ k: Int, _ g: FactGraph) -> (read: (Int) -> UInt32, isEntity: Bool)? {
        let kind = g.kinds[k]
        switch a {
        case .stored(let c):
            let col = kind.idColumn(c)
            switch kind.columns[c].type {
            case .ref: return ({ col[$0] }, true)
            case .text: return ({ col[$0] }, false)
            default: return nil
            }
        case .place(let level):
            // A named entity's place of a level: its own entry in the ancestors' table (itself
            // when it is such a place).
            let table = AncestorTables.of(g).table(level), ents = kind.entityOfRow
            return ({ table[Int(ents[$0])] }, true)
        case .hop(let first, _, let rest):
            guard let (read, isEntity) = entityValues(first, k, g), isEntity,
                  let (table, restIsEntity) = hopTable(g, rest) else { return nil }
            return ({ r in
                let e = read(r)
                return e == Null.id ? Null.id : table[Int(e)]
            }, restIsEntity)
        default:
            return nil
        }
    }

    /// Each entity's place of `level` (`Null.id` for none), kept with the graph.
    func places(_ level: Int) -> [UInt32] {
        if placeOf.isEmpty { placeOf = AncestorTables.of(engine.graph).table(level) }
        return placeOf
    }

    /// Makes `codeOfRaw`, with the codes given so far.
    func rawTable() {
        guard codeOfRaw.isEmpty && rawSlots > 0 else { return }
        var t = [Int32](repeating: -1, count: rawSlots)
        for (code, v) in values.enumerated() {
            switch v {
            case .null: t[rawSlots - 1] = Int32(code)
            case .entity(let r), .text(let r): t[Int(r)] = Int32(code)
            default: break
            }
        }
        codeOfRaw = t
    }

    @inline(__always)
    func codeForRaw(_ raw: UInt32, _ v: @autoclosure () -> Value) -> Int32 {
        if codeOfRaw.isEmpty { rawTable() }
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
            let a = l == Null.id ? Null.id : places(level)[Int(l)]
            return codeForRaw(a, .entity(a))
        case .hop(let col, let through, let isEntity):
            let e = col[row]
            let a = e == Null.id ? Null.id : through[Int(e)]
            return codeForRaw(a, isEntity ? .entity(a) : .text(a))
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

    /// Every row's code, in one tight loop per kind of source. (The loops capture only
    /// pointers; a new code, which is rare, goes through `codeForRaw`.)
    func codes(_ rows: RowList) -> [Int32] {
        if case .ids(let col, let isEntity) = source, values.isEmpty {
            return codesByRank(col, isEntity: isEntity, rows)
        }
        if case .place(let loc, let level) = source, values.isEmpty {
            // Each location's place of the level, from a table kept with the graph: codes by
            // rank of those places, like an id column's.
            return places(level).withUnsafeBufferPointer { codesByRank(loc, through: $0.baseAddress!, isEntity: true, rows) }
        }
        if case .hop(let col, let through, let isEntity) = source, values.isEmpty {
            return through.withUnsafeBufferPointer { codesByRank(col, through: $0.baseAddress!, isEntity: isEntity, rows) }
        }
        rawTable()
        var out = [Int32](repeating: 0, count: rows.count)
        switch source {
        case .ids(let col, let isEntity):
            var table = codeOfRaw
            codeOfRaw = []
            let nullSlot = table.count - 1
            let base = Int32(values.count)
            var fresh: [UInt32] = []
            table.withUnsafeMutableBufferPointer { t in
                col.withUnsafeBufferPointer { c in
                    out.withUnsafeMutableBufferPointer { o in
                        @inline(__always) func one(_ r: Int, _ i: Int) {
                            let raw = c[r]
                            let slot = raw == Null.id ? nullSlot : Int(raw)
                            var code = t[slot]
                            if code < 0 {
                                code = base + Int32(fresh.count)
                                t[slot] = code
                                fresh.append(raw)
                            }
                            o[i] = code
                        }
                        Self.loop(rows, one)
                    }
                }
            }
            for raw in fresh { values.append(raw == Null.id ? .null : (isEntity ? .entity(raw) : .text(raw))) }
            codeOfRaw = table
        case .place(let loc, let level):
            // Codes given before (`values` not empty): each row's place through the raw codes.
            let through = places(level)
            Self.loop(rows) { r, i in
                let l = loc[r]
                let a = l == Null.id ? Null.id : through[Int(l)]
                out[i] = codeForRaw(a, .entity(a))
            }
        case .hop(let col, let through, let isEntity):
            Self.loop(rows) { r, i in
                let e = col[r]
                let a = e == Null.id ? Null.id : through[Int(e)]
                out[i] = codeForRaw(a, isEntity ? .entity(a) : .text(a))
            }
        case .ints(let col, let isDate):
            // A small range of values: a table indexed by value, else the dictionary.
            // Each pass reads the column as stored (2, 4 or 8 bytes a row; a narrow column's
            // smallest value is its missing one), through a pointer.
            func range<T: FixedWidthInteger>(_ a: [T], _ null: T) -> (Int64, Int64) {
                var lo = Int64.max, hi = Int64.min
                a.withUnsafeBufferPointer { p in
                    Self.loop(rows) { r, _ in
                        let x = p[r]
                        if x != null { let v = Int64(x); if v < lo { lo = v }; if v > hi { hi = v } }
                    }
                }
                return (lo, hi)
            }
            let (lo, hi): (Int64, Int64)
            switch col.storage {
            case .i16(let a): (lo, hi) = range(a, .min)
            case .i32(let a): (lo, hi) = range(a, .min)
            case .i64(let a): (lo, hi) = range(a, Null.int)
            }
            let span: (partialValue: Int64, overflow: Bool) = lo <= hi ? hi.subtractingReportingOverflow(lo) : (0, false)
            if lo <= hi && !span.overflow && span.partialValue < 4_000_000 {
                var table = [Int32](repeating: -1, count: Int(span.partialValue) + 2)
                let nullSlot = table.count - 1
                var vals = values
                func fill<T: FixedWidthInteger>(_ a: [T], _ null: T) {
                    table.withUnsafeMutableBufferPointer { t in
                        a.withUnsafeBufferPointer { p in
                            out.withUnsafeMutableBufferPointer { o in
                                Self.loop(rows) { r, i in
                                    let x = p[r]
                                    let slot = x == null ? nullSlot : Int(Int64(x) - lo)
                                    var c = t[slot]
                                    if c < 0 {
                                        c = Int32(vals.count)
                                        t[slot] = c
                                        let v = Int64(x)
                                        vals.append(x == null ? .null : (isDate ? .date(v) : .int(v)))
                                    }
                                    o[i] = c
                                }
                            }
                        }
                    }
                }
                switch col.storage {
                case .i16(let a): fill(a, .min)
                case .i32(let a): fill(a, .min)
                case .i64(let a): fill(a, Null.int)
                }
                values = vals
                // Keep `code(_:)` consistent with the codes handed out here.
                for (c, v) in vals.enumerated() {
                    switch v {
                    case .int(let x), .date(let x): codeOfInt[x] = Int32(c)
                    case .null: codeOfInt[Null.int] = Int32(c)
                    default: break
                    }
                }
                return out
            }
            var i = 0
            try? rows.forEach { r in
                out[i] = code(r)
                i += 1
            }
        case .values:
            var i = 0
            try? rows.forEach { r in
                out[i] = code(r)
                i += 1
            }
        }
        return out
    }

    /// From how many rows the passes of `codesByRank` split over two cores (each reads the rows
    /// once, so a second thread pays for itself sooner than in a sort).
    static let rankTwoCoresFrom = 1 << 18

    /// The codes of a coder that has none yet, in the order of the raw ids (null last): the ids
    /// the rows hold are marked in a bitset, and a row's code is the number of marked ids below
    /// its own. The bitset and its per-word counts fit in the second-level cache where a table of
    /// codes per id would not, and the passes over the rows split over two cores. With
    /// `through`, each raw id is `through[col[row]]` (`through[Null.id]` is not read: a missing
    /// id stays missing).
    private func codesByRank(_ col: [UInt32], through: UnsafePointer<UInt32>? = nil, isEntity: Bool, _ rows: RowList) -> [Int32] {
        let (codes, ids) = col.withUnsafeBufferPointer { c in
            Self.withRowIndexes(rows) { idx in Self.ranks(c.baseAddress!, rows: idx, through: through, count: rows.count, slots: rawSlots) }
        }
        // The values in code order: the raw ids themselves (`codeOfRaw` is made from them if
        // `code(_:)` is ever asked).
        values = CodeValues(raws: ids, isEntity: isEntity)
        return codes
    }

    /// `codesByRank`'s work on `n` positions of a column of ids below `slots - 1` (the last
    /// slot is null's): each position's code, and the ids by code.
    static func ranks(_ col: UnsafePointer<UInt32>, rows: UnsafePointer<UInt32>?, through: UnsafePointer<UInt32>?, count n: Int,
                      slots: Int) -> (codes: [Int32], ids: [UInt32]) {
        let words = (slots + 63) >> 6
        var marks = [UInt64](repeating: 0, count: words)
        var below = [Int32](repeating: 0, count: words)
        var out: [Int32] = []
        marks.withUnsafeMutableBufferPointer { m in
            below.withUnsafeMutableBufferPointer { b in
                let pass = RankPass(col: col, rows: rows, through: through, nullSlot: slots - 1, marks: m.baseAddress!,
                                    below: b.baseAddress!, words: words)
                if n >= Self.rankTwoCoresFrom {
                    let (_, other) = BackgroundWork.pair({ pass.mark(0, n / 2, into: pass.marks) }, { () -> [UInt64] in
                        var own = [UInt64](repeating: 0, count: words)
                        own.withUnsafeMutableBufferPointer { pass.mark(n / 2, n, into: $0.baseAddress!) }
                        return own
                    })
                    for w in 0..<words { m[w] |= other[w] }
                } else {
                    pass.mark(0, n, into: pass.marks)
                }
                var total: Int32 = 0
                for w in 0..<words { b[w] = total; total += Int32(m[w].nonzeroBitCount) }
                out = [Int32](unsafeUninitializedCapacity: n) { o, count in
                    let target = Target(p: o.baseAddress!)
                    if n >= Self.rankTwoCoresFrom {
                        _ = BackgroundWork.pair({ pass.code(0, n / 2, into: target.p) }, { pass.code(n / 2, n, into: target.p) })
                    } else {
                        pass.code(0, n, into: target.p)
                    }
                    count = n
                }
            }
        }
        return (out, markedIDs(marks, nullSlot: slots - 1, count: Int(below[words - 1]) + marks[words - 1].nonzeroBitCount))
    }

    /// The ids whose bits are set, in order (`count` of them), the null slot's as `Null.id`:
    /// the values of codes by rank.
    static func markedIDs(_ marks: [UInt64], nullSlot: Int, count: Int) -> [UInt32] {
        var ids: [UInt32] = []
        ids.reserveCapacity(count)
        for w in marks.indices {
            var bits = marks[w]
            while bits != 0 {
                let slot = w << 6 | bits.trailingZeroBitCount
                bits &= bits &- 1
                ids.append(slot == nullSlot ? Null.id : UInt32(truncatingIfNeeded: slot))
            }
        }
        return ids
    }

    /// Where the other core writes codes.
    struct Target: @unchecked Sendable { let p: UnsafeMutablePointer<Int32> }

    /// The two passes of `codesByRank` over some of the rows.
    struct RankPass: @unchecked Sendable {
        let col: UnsafePointer<UInt32>
        /// Row of each position (nil: position `i` is row `i`).
        let rows: UnsafePointer<UInt32>?
        /// The raw id of each id of the column (nil: the id itself).
        var through: UnsafePointer<UInt32>? = nil
        let nullSlot: Int
        let marks: UnsafeMutablePointer<UInt64>
        let below: UnsafeMutablePointer<Int32>
        let words: Int

        @inline(__always) func slot(_ i: Int) -> Int {
            var raw = col[rows.map { Int($0[i]) } ?? i]
            if let through, raw != Null.id { raw = through[Int(raw)] }
            return raw == Null.id ? nullSlot : Int(raw)
        }

        func mark(_ from: Int, _ to: Int, into m: UnsafeMutablePointer<UInt64>) {
            for i in from..<to { let s = slot(i); m[s >> 6] |= 1 << UInt64(s & 63) }
        }

        func code(_ from: Int, _ to: Int, into o: UnsafeMutablePointer<Int32>) {
            for i in from..<to {
                let s = slot(i)
                let w = s >> 6
                o[i] = below[w] &+ Int32((marks[w] & ((1 << UInt64(s & 63)) &- 1)).nonzeroBitCount)
            }
        }
    }

    /// The rows as a pointer to their numbers (nil when they are all the rows, in order).
    static func withRowIndexes<R>(_ rows: RowList, _ body: (UnsafePointer<UInt32>?) -> R) -> R {
        switch rows.rows {
        case .all: return body(nil)
        case .list(let l): return l.withUnsafeBufferPointer { body($0.baseAddress) }
        case .bucket(let b, _): return b.withUnsafeBufferPointer { body($0.baseAddress) }
        }
    }

    /// Calls `body(row, position)` for each row of the list.
    @inline(__always)
    static func loop(_ rows: RowList, _ body: (Int, Int) -> Void) {
        switch rows.rows {
        case .all(let n): for r in 0..<n { body(r, r) }
        case .list(let l): l.withUnsafeBufferPointer { p in for i in 0..<p.count { body(Int(p[i]), i) } }
        case .bucket(let b, _): var i = 0; for r in b { body(Int(r), i); i += 1 }
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
            let g = engine.graph
            let rank = ranks.table(collation)
            let r1 = rank[Int(g.entityName[Int(e)])], r2 = rank[Int(g.entityName[Int(f)])]
            return r1 < r2 ? -1 : (r1 == r2 ? 0 : 1)
        case (.text(let s), .text(let t)):
            let rank = ranks.table(collation)
            let r1 = rank[Int(s)], r2 = rank[Int(t)]
            return r1 < r2 ? -1 : (r1 == r2 ? 0 : 1)
        default:
            return valueOrder.compare(x, y, collation)
        }
    }

    /// Each code's place in the order as an integer (nil for a missing value), when the key's
    /// values are all names, texts or numbers; nil otherwise.
    func integerOrder(_ collation: Collation, _ g: FactGraph) -> [Int64?]? {
        var out: [Int64?] = []
        out.reserveCapacity(values.count)
        var scale = 0   // 1: names and texts (ranks), 2: numbers, 3: dates
        // A few thousand names are ranked among themselves; the graph's rank table (built once,
        // seconds at a million names) only for more, or when it is there already.
        if values.count <= 20_000 && !CollationRankTable.isBuilt(g, collation) {
            var texts: [(Int, UInt32)] = []
            for (i, v) in values.enumerated() {
                switch v {
                case .entity(let e): texts.append((i, g.entityName[Int(e)]))
                case .text(let t): texts.append((i, t))
                default: break
                }
            }
            if !texts.isEmpty {
                guard texts.count == values.count - values.filter({ $0 == .null }).count else { return nil }
                let keyed = texts.map { t -> (Int, [UInt8]) in
                    var key: [UInt8] = []
                    g.strings.withBytes(t.1) { p in
                        if collation == .pinyin { CollationKey.append(p, to: &key) } else { key.append(contentsOf: p) }
                    }
                    return (t.0, key)
                }.sorted { x, y in x.1.withUnsafeBytes { p in y.1.withUnsafeBytes { q in CollationKey.compare(p, q) < 0 } } }
                out = [Int64?](repeating: nil, count: values.count)
                for (rank, (i, _)) in keyed.enumerated() { out[i] = Int64(rank) }
                return out
            }
        }
        // The graph's rank table only when a name or text is among the values (numbers and
        // dates order by themselves).
        var rankTable: [UInt32]? = nil
        func rank(_ s: UInt32) -> Int64 {
            if rankTable == nil { rankTable = ranks.table(collation) }
            return Int64(rankTable![Int(s)])
        }
        func same(_ s: Int) -> Bool {
            if scale == 0 { scale = s }
            return scale == s
        }
        for v in values {
            switch v {
            case .null: out.append(nil)
            case .entity(let e): guard same(1) else { return nil }; out.append(rank(g.entityName[Int(e)]))
            case .text(let t): guard same(1) else { return nil }; out.append(rank(t))
            case .int(let x): guard same(2) else { return nil }; out.append(x)
            case .date(let x): guard same(3) else { return nil }; out.append(x)
            default: return nil
            }
        }
        return out
    }

    lazy var ranks = CollationRankTable.of(engine.graph)
    lazy var valueOrder = ValueOrder(g: engine.graph)
}

/// Each entity's place of a given place kind up its location chain (itself if it is one;
/// `Null.id` if there is none), one table per kind, made on first use and kept with the graph:
/// the place keys of big groupings (`count awards by city`) read it instead of walking chains.
final class AncestorTables: @unchecked Sendable {
    let g: FactGraph
    private var tables: [Int: [UInt32]] = [:]
    private var mutex = pthread_mutex_t()

    init(_ g: FactGraph) {
        self.g = g
        pthread_mutex_init(&mutex, nil)
    }

    static func of(_ g: FactGraph) -> AncestorTables { g.derived.value(AncestorTables.self) { AncestorTables(g) } }

    func table(_ level: Int) -> [UInt32] {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        if let t = tables[level] { return t }
        let t = g.ancestors(ofKind: level)
        tables[level] = t
        return t
    }
}
