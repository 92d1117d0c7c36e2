import CMemory
import FactGraph
import Glibc

/// Groups in key order, and orders by counting: `count awards by enterprise, year` over every row
/// reads the enterprise index's buckets in the order of the enterprises' names, so its groups
/// come out already ordered by (enterprise, year); the usual order (count first, largest first,
/// then the keys) is then one stable counting sort by count, with no sort of the keys.
extension QueryEngine {
    /// The groups of a plain count by two keys over every row (or the rows a condition kept)
    /// when one key is an indexed reference to a kind whose names are unique and the other an
    /// int or date column stored in 16 bits (years, editions): each entity's bucket, in name
    /// order, has its other codes sorted on their own and counted by runs, half the rows on each
    /// core. Every key's codes ascend with its values (names in pinyin order, numbers, missing
    /// last), and the groups ascend by (reference, other) key (`Grouping.codeOrder`). Nil when
    /// this does not apply.
    func groupsFromIndex(_ bq: BoundQuery, _ s: BoundSummary, _ selected: Planner.Rows, _ keys: [KeyCoder],
                         rowGroups: Bool) throws(QueryError) -> Grouping? {
        guard !rowGroups, s.keys.count == 2, selected.count >= indexGroupsFrom else { return nil }
        if case .bucket = selected { return nil }
        let n = graph.kinds[bq.kind].rowCount
        // A limit keeps the first groups by a heap, which needs no name order: ranking every
        // name first is only worth it when the ranks are there already.
        guard bq.limit == nil || CollationRankTable.isBuilt(graph, .pinyin) else { return nil }
        let k = bq.kind
        for p in 0..<2 {
            guard case .stored(let c) = s.keys[p].1, case .ref(.kind(let target)) = graph.kinds[k].columns[c].type,
                  case .ids(_, true) = keys[p].source, keys[p].values.isEmpty,
                  case .ints(let other, let isDate) = keys[1 - p].source, keys[1 - p].values.isEmpty,
                  case .i16(let otherValues) = other.storage, graph.hasIndex(kind: k, column: c)
            else { continue }
            let entities = OrderedEntities.of(graph)
            let ordered = entities.entities(ofKind: target, .pinyin)
            // Two entities of one name would tie where the other key must decide.
            guard entities.places(ofKind: target, .pinyin).count == ordered.count else { return nil }
            try checkCancel()
            // Rows a condition kept: a bit each, read as the index is.
            var kept: [UInt64]? = nil
            if case .list(let l) = selected {
                var bits = [UInt64](repeating: 0, count: (n + 63) >> 6)
                bits.withUnsafeMutableBufferPointer { b in for r in l { b[Int(r >> 6)] |= 1 << UInt64(r & 63) } }
                kept = bits
            }
            let (codeOf, values) = Self.valueOrderCodes(otherValues)
            guard values.count < Int(IndexGroups.leftOut) else { return nil }
            let made = graph.withIndex(kind: k, column: c) { start, rows -> IndexGroups? in
                guard rows.count == n, otherValues.count == n else { return nil }
                return ordered.withUnsafeBufferPointer { ord in
                    otherValues.withUnsafeBufferPointer { ov in
                        codeOf.withUnsafeBufferPointer { cd in
                            IndexGroups.withBits(kept) { bits in
                                IndexGroups.make(ordered: ord, start: start, rows: rows, other: ov, codeOf: cd, kept: bits,
                                                 valueCount: values.count)
                            }
                        }
                    }
                }
            }
            guard let found = made ?? nil else { return nil }
            try checkCancel()
            keys[p].values = CodeValues(raws: found.entities, isEntity: true)
            var coded = CodeValues()
            for v in values { coded.append(v == Null.int ? .null : (isDate ? .date(v) : .int(v))) }
            keys[1 - p].values = coded
            for (code, v) in values.enumerated() { keys[1 - p].codeOfInt[v] = Int32(code) }
            let name = graph.kinds[k].columns[c].name
            return Grouping(gid: [], counts: found.counts, codes: p == 0 ? [found.codes, found.otherCodes] : [found.otherCodes, found.codes],
                            method: "counts in the \(name) index's buckets, in name order",
                            codeOrder: Grouping.CodeOrder(natural: [p, 1 - p], collation: .pinyin))
        }
        return nil
    }

    /// For a 16-bit column: each stored value's code (indexed by its bit pattern; -1 where the
    /// column never holds it), codes in value order with the missing value last, and the values
    /// by code (`Null.int` for missing).
    static func valueOrderCodes(_ col: [Int16]) -> (codeOf: [Int32], values: [Int64]) {
        @Sendable func marks(_ p: UnsafeBufferPointer<Int16>) -> [UInt8] {
            var m = [UInt8](repeating: 0, count: 1 << 16)
            m.withUnsafeMutableBufferPointer { m in for x in p { m[Int(UInt16(bitPattern: x))] = 1 } }
            return m
        }
        var seen: [UInt8] = []
        col.withUnsafeBufferPointer { p in
            let n = p.count
            if n >= 1 << 20 {
                let half = UnsafeBufferPointer(rebasing: p[n / 2 ..< n])
                let other = SendableInt16s(p: half)
                let (a, b) = BackgroundWork.pair({ marks(UnsafeBufferPointer(rebasing: p[0 ..< n / 2])) }, { marks(other.p) })
                seen = zip(a, b).map { $0 | $1 }
            } else {
                seen = marks(p)
            }
        }
        var codeOf = [Int32](repeating: -1, count: 1 << 16)
        var values: [Int64] = []
        // Int16.min is the missing value: the others in signed order, then it.
        for v in Int(Int16.min) + 1 ... Int(Int16.max) where seen[Int(UInt16(bitPattern: Int16(v)))] != 0 {
            codeOf[Int(UInt16(bitPattern: Int16(v)))] = Int32(values.count)
            values.append(Int64(v))
        }
        if seen[Int(UInt16(bitPattern: Int16.min))] != 0 {
            codeOf[Int(UInt16(bitPattern: Int16.min))] = Int32(values.count)
            values.append(Null.int)
        }
        return (codeOf, values)
    }

    struct SendableInt16s: @unchecked Sendable { let p: UnsafeBufferPointer<Int16> }
}

/// The groups `groupsFromIndex` reads from an index: per group, the reference's code (its
/// place among `entities`), the other key's code and the count, in key order.
struct IndexGroups {
    var codes: [Int32]
    var otherCodes: [Int32]
    var counts: [Int]
    /// The entities that have rows, in name order: the reference key's values by code.
    var entities: [UInt32]

    /// The code of a row that a condition left out.
    static let leftOut = UInt16.max

    static func withBits<R>(_ bits: [UInt64]?, _ body: (UnsafePointer<UInt64>?) -> R) -> R {
        guard let bits else { return body(nil) }
        return bits.withUnsafeBufferPointer { body($0.baseAddress!) }
    }

    /// Where each half writes.
    struct Out: @unchecked Sendable {
        let codes: UnsafeMutablePointer<Int32>
        let otherCodes: UnsafeMutablePointer<Int32>
        let counts: UnsafeMutablePointer<Int>
        let entities: UnsafeMutablePointer<UInt32>
    }

    struct Walk: @unchecked Sendable {
        let ordered: UnsafePointer<UInt32>
        let start: UnsafePointer<UInt32>
        /// Entities from this one on have no bucket.
        let buckets: Int
        /// The other key's code at each position of the index (`Gather`).
        let codes: UnsafePointer<UInt16>
        /// How many codes there are.
        let valueCount: Int

        /// The groups of the entities `ordered[i0 ..< i1]`, written from group `firstGroup` and
        /// entity code `firstCode` on; returns how many groups.
        func run(_ i0: Int, _ i1: Int, firstGroup: Int, firstCode: Int, into out: Out) -> Int {
            var g = firstGroup, code = Int32(firstCode)
            var buffer = [UInt16](repeating: 0, count: 64)
            var tally = [Int](repeating: 0, count: valueCount)
            for i in i0..<i1 {
                // Entities come in name order, their buckets anywhere: fetch a later entity's
                // bucket bounds, and a nearer one's codes, ahead of use.
                if i &+ 16 < i1 { factsh_prefetch(start + Int(ordered[i &+ 16])) }
                if i &+ 8 < i1 {
                    let ahead = Int(ordered[i &+ 8])
                    if ahead < buckets { factsh_prefetch(codes + Int(start[ahead])) }
                }
                let e = Int(ordered[i])
                guard e < buckets else { continue }
                let s = Int(start[e]), bucket = Int(start[e + 1]) &- s
                if bucket == 0 { continue }
                out.entities[Int(code)] = UInt32(e)
                if bucket > 64 && bucket >= valueCount {
                    // A big bucket (an honor's thousands of awards): a tally per code.
                    tally.withUnsafeMutableBufferPointer { t in
                        for j in 0..<bucket {
                            let c = codes[s + j]
                            if c != IndexGroups.leftOut { t[Int(c)] += 1 }
                        }
                        for v in 0..<valueCount where t[v] > 0 {
                            out.codes[g] = code
                            out.otherCodes[g] = Int32(v)
                            out.counts[g] = t[v]
                            t[v] = 0
                            g += 1
                        }
                    }
                    code += 1
                    continue
                }
                if buffer.count < bucket { buffer = [UInt16](repeating: 0, count: bucket) }
                buffer.withUnsafeMutableBufferPointer { b in
                    var m = 0
                    for j in 0..<bucket {
                        let c = codes[s + j]
                        b[m] = c
                        m &+= c != IndexGroups.leftOut ? 1 : 0
                    }
                    b.sortedRuns(m) { v, k in
                        out.codes[g] = code
                        out.otherCodes[g] = Int32(v)
                        out.counts[g] = k
                        g += 1
                    }
                }
                code += 1
            }
            return g - firstGroup
        }
    }

    /// Reads the other key's code for index positions `from ..< to` (rows in index order: the
    /// column is read where it lies, the codes written in a row).
    struct Gather: @unchecked Sendable {
        let rows: UnsafePointer<UInt32>
        let other: UnsafePointer<Int16>
        let codeOf: UnsafePointer<Int32>
        /// A bit per row kept by a condition (nil: every row).
        let kept: UnsafePointer<UInt64>?
        let out: UnsafeMutablePointer<UInt16>

        func run(_ from: Int, _ to: Int) {
            if let kept {
                for j in from..<to {
                    let r = Int(rows[j])
                    let code = UInt16(truncatingIfNeeded: codeOf[Int(UInt16(bitPattern: other[r]))])
                    out[j] = kept[r >> 6] & (1 << UInt64(r & 63)) != 0 ? code : IndexGroups.leftOut
                }
            } else {
                for j in from..<to { out[j] = UInt16(truncatingIfNeeded: codeOf[Int(UInt16(bitPattern: other[Int(rows[j])]))]) }
            }
        }
    }

    /// Nil when the buckets of `ordered` do not hold every row (a reference to another kind).
    static func make(ordered: UnsafeBufferPointer<UInt32>, start: UnsafeBufferPointer<UInt32>, rows: UnsafeBufferPointer<UInt32>,
                     other: UnsafeBufferPointer<Int16>, codeOf: UnsafeBufferPointer<Int32>, kept: UnsafePointer<UInt64>?,
                     valueCount: Int) -> IndexGroups? {
        let n = rows.count, count = ordered.count
        // Halves by rows: the split, the rows and the entities with rows before it.
        var total = 0, present = 0
        var split = count, rowsBefore = 0, presentBefore = 0
        for i in 0..<count {
            if i &+ 16 < count { factsh_prefetch(start.baseAddress! + Int(ordered[i &+ 16])) }
            let e = Int(ordered[i])
            if split == count && total >= n / 2 { split = i; rowsBefore = total; presentBefore = present }
            // The index's buckets end at the highest entity referenced.
            let m = e + 1 < start.count ? Int(start[e + 1] &- start[e]) : 0
            total += m
            present += m > 0 ? 1 : 0
        }
        guard total == n else { return nil }
        if split == count { rowsBefore = total; presentBefore = present }
        let (half, secondGroup, secondCode) = (split, rowsBefore, presentBefore)
        let twoCores = n >= 1 << 20 && split > 0 && split < count
        var otherCodes16 = [UInt16](unsafeUninitializedCapacity: n) { b, c in
            let gather = Gather(rows: rows.baseAddress!, other: other.baseAddress!, codeOf: codeOf.baseAddress!, kept: kept,
                                out: b.baseAddress!)
            if twoCores {
                _ = BackgroundWork.pair({ gather.run(0, n / 2) }, { gather.run(n / 2, n) })
            } else {
                gather.run(0, n)
            }
            c = n
        }
        // Room for a group per row. The second half writes from the first half's number of
        // rows on (the first cannot make more groups than it has rows), then moves down.
        var groups = 0
        var entities: [UInt32] = []
        var codes: [Int32] = [], otherCodes: [Int32] = []
        var counts: [Int] = []
        otherCodes16.withUnsafeMutableBufferPointer { oc16 in
            let walk = Walk(ordered: ordered.baseAddress!, start: start.baseAddress!, buckets: start.count - 1, codes: oc16.baseAddress!,
                            valueCount: valueCount)
            entities = [UInt32](unsafeUninitializedCapacity: present) { ents, entCount in
                codes = [Int32](unsafeUninitializedCapacity: max(n, 1)) { cd, cdCount in
                    otherCodes = [Int32](unsafeUninitializedCapacity: max(n, 1)) { oc, ocCount in
                        counts = [Int](unsafeUninitializedCapacity: max(n, 1)) { ct, ctCount in
                            let out = Out(codes: cd.baseAddress!, otherCodes: oc.baseAddress!, counts: ct.baseAddress!,
                                          entities: ents.baseAddress!)
                            if twoCores {
                                let (a, b) = BackgroundWork.pair({ walk.run(0, half, firstGroup: 0, firstCode: 0, into: out) },
                                                                 { walk.run(half, count, firstGroup: secondGroup, firstCode: secondCode, into: out) })
                                if a < rowsBefore {
                                    memmove(out.codes + a, out.codes + rowsBefore, b * MemoryLayout<Int32>.stride)
                                    memmove(out.otherCodes + a, out.otherCodes + rowsBefore, b * MemoryLayout<Int32>.stride)
                                    memmove(out.counts + a, out.counts + rowsBefore, b * MemoryLayout<Int>.stride)
                                }
                                groups = a + b
                            } else {
                                groups = walk.run(0, count, firstGroup: 0, firstCode: 0, into: out)
                            }
                            ctCount = groups
                        }
                        ocCount = groups
                    }
                    cdCount = groups
                }
                entCount = present
            }
        }
        return IndexGroups(codes: codes, otherCodes: otherCodes, counts: counts, entities: entities)
    }
}

/// Orders groups whose key codes ascend with their values (`Grouping.CodeOrder`) by stable
/// counting sorts, from the last order column to the first. Columns at the end that the groups'
/// own order gives already need no pass, and neighbouring columns of few values share one.
enum CountingOrder {
    /// One order column as a small integer per group.
    enum Digit {
        /// A key's code; descending: `last - code`, with codes past `last` (missing) kept last.
        case codes([Int32], last: Int, descending: Bool, values: Int)
        /// A count less `low`, or `high` less it when descending.
        case counts([Int], low: Int, high: Int, descending: Bool)

        var values: Int {
            switch self {
            case .codes(_, _, _, let v): return v
            case .counts(_, let low, let high, _): return high - low + 1
            }
        }

        /// `out[i] = out[i] * values + digit(seq[i])` for `i` in `from ..< to`.
        func add(_ seq: UnsafePointer<Int32>, _ from: Int, _ to: Int, into out: UnsafeMutablePointer<UInt32>) {
            let scale = UInt32(values)
            switch self {
            case .codes(let codes, let last, let desc, _):
                codes.withUnsafeBufferPointer { c in
                    if desc {
                        for i in from..<to {
                            let x = Int(c[Int(seq[i])])
                            out[i] = out[i] &* scale &+ UInt32(truncatingIfNeeded: x > last ? x : last - x)
                        }
                    } else {
                        for i in from..<to { out[i] = out[i] &* scale &+ UInt32(bitPattern: c[Int(seq[i])]) }
                    }
                }
            case .counts(let counts, let low, let high, let desc):
                counts.withUnsafeBufferPointer { c in
                    if desc {
                        for i in from..<to { out[i] = out[i] &* scale &+ UInt32(truncatingIfNeeded: high &- c[Int(seq[i])]) }
                    } else {
                        for i in from..<to { out[i] = out[i] &* scale &+ UInt32(truncatingIfNeeded: c[Int(seq[i])] &- low) }
                    }
                }
            }
        }
    }

    /// The groups (ascending numbers; nil for all `groupCount`) in the statement's order, or
    /// nil when a column is not a key coded in order or a count, or has too many values.
    static func order(_ groups: [Int32]?, groupCount: Int, _ grouping: Grouping, _ keys: [KeyCoder], _ aggregates: [AggColumn],
                      _ order: [(Int, Bool, Collation)]) -> [Int32]? {
        guard let codeOrder = grouping.codeOrder else { return nil }
        // Trailing columns that are the start of the groups' own order, ascending, need no pass:
        // the longest such tail.
        var passes = order.count
        for j in 0..<order.count {
            let tail = order[j...]
            if tail.count <= codeOrder.natural.count, Array(codeOrder.natural.prefix(tail.count)) == tail.map(\.0),
               tail.allSatisfy({ !$0.1 && ($0.2 == codeOrder.collation || !isText(keys, $0.0)) }) {
                passes = j
                break
            }
        }
        // The passes' digits, before any is read.
        var digits: [Digit] = []
        for (column, desc, collation) in order.prefix(passes) {
            if column < keys.count {
                guard collation == codeOrder.collation || !isText(keys, column) else { return nil }
                let card = keys[column].cardinality
                guard card <= 1 << 22 else { return nil }
                let hasNull = card > 0 && keys[column].isNull(Int32(card - 1))
                digits.append(.codes(grouping.codes[column], last: hasNull ? card - 2 : card - 1, descending: desc, values: max(card, 1)))
            } else {
                guard case .counts(let c) = aggregates[column - keys.count] else { return nil }
                var low = Int.max, high = Int.min
                if let groups {
                    for g in groups { low = min(low, c[Int(g)]); high = max(high, c[Int(g)]) }
                } else {
                    c.withUnsafeBufferPointer { c in for x in c { low = min(low, x); high = max(high, x) } }
                }
                if low > high { low = 0; high = 0 }
                guard high - low < 1 << 22 else { return nil }
                digits.append(.counts(c, low: low, high: high, descending: desc))
            }
        }
        var seq = groups ?? [Int32](unsafeUninitializedCapacity: groupCount) { b, count in
            for i in 0..<groupCount { b[i] = Int32(i) }
            count = groupCount
        }
        // From the last column: neighbours whose values multiply to a small table go together.
        var i = digits.count
        while i > 0 {
            var j = i - 1
            var product = digits[j].values
            while j > 0 && product * digits[j - 1].values <= 1 << 16 { j -= 1; product *= digits[j].values }
            seq = stableSort(seq, Array(digits[j..<i]), values: product)
            i = j
        }
        return seq
    }

    static func isText(_ keys: [KeyCoder], _ k: Int) -> Bool {
        guard let v = keys[k].values.first(where: { $0 != .null }) else { return false }
        switch v {
        case .entity, .text: return true
        default: return false
        }
    }

    struct Shared: @unchecked Sendable {
        let digits: UnsafeMutablePointer<UInt32>
        let seq: UnsafePointer<Int32>
        let out: UnsafeMutablePointer<Int32>
        let parts: [Digit]
        let values: Int

        func fill(_ from: Int, _ to: Int) {
            for i in from..<to { digits[i] = 0 }
            for d in parts { d.add(seq, from, to, into: digits) }
        }

        func histogram(_ from: Int, _ to: Int) -> [Int] {
            var h = [Int](repeating: 0, count: values)
            h.withUnsafeMutableBufferPointer { h in for i in from..<to { h[Int(digits[i])] += 1 } }
            return h
        }

        func scatter(_ from: Int, _ to: Int, _ place: [Int]) {
            var place = place
            place.withUnsafeMutableBufferPointer { p in
                for i in from..<to {
                    let x = Int(digits[i])
                    out[p[x]] = seq[i]
                    p[x] += 1
                }
            }
        }
    }

    /// A stable counting sort of `seq` by the combined digit of `parts` (the first the most
    /// significant; `values` in all), on two cores from a million groups.
    static func stableSort(_ seq: [Int32], _ parts: [Digit], values: Int) -> [Int32] {
        let m = seq.count
        var digits = [UInt32](unsafeUninitializedCapacity: m) { $1 = m }
        return [Int32](unsafeUninitializedCapacity: m) { out, outCount in
            seq.withUnsafeBufferPointer { s in
                digits.withUnsafeMutableBufferPointer { dg in
                    let shared = Shared(digits: dg.baseAddress!, seq: s.baseAddress!, out: out.baseAddress!, parts: parts, values: values)
                    if m >= RadixSort.twoCoresFrom {
                        let half = m / 2
                        let (a, b) = BackgroundWork.pair({ shared.fill(0, half); return shared.histogram(0, half) },
                                                         { shared.fill(half, m); return shared.histogram(half, m) })
                        var first = [Int](repeating: 0, count: values), second = first
                        var total = 0
                        for x in 0..<values { first[x] = total; second[x] = total + a[x]; total += a[x] + b[x] }
                        let secondPlaces = second
                        _ = BackgroundWork.pair({ shared.scatter(0, half, first) }, { shared.scatter(half, m, secondPlaces) })
                    } else {
                        shared.fill(0, m)
                        let h = shared.histogram(0, m)
                        var place = [Int](repeating: 0, count: values)
                        var total = 0
                        for x in 0..<values { place[x] = total; total += h[x] }
                        shared.scatter(0, m, place)
                    }
                }
            }
            outCount = m
        }
    }
}
