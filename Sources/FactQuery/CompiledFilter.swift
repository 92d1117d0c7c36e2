import FactGraph

/// A bound condition compiled for one relation: each leaf becomes a closure over the typed
/// column array it reads (no `Value` per cell, no lookups per row), so a scan of millions of
/// rows costs a few nanoseconds a row. Leaves that need more than one array (hops, provenance,
/// computed text) use the general `Evaluator`.
///
/// Three-valued like the evaluator: `.unknown` for a comparison with a missing value.
struct CompiledFilter {
    typealias Test = (Int) -> Truth
    let test: Test

    init(_ p: Predicate, kind k: Int, graph g: FactGraph) {
        test = Self.compile(p, k, g)
    }

    static func compile(_ p: Predicate, _ k: Int, _ g: FactGraph) -> Test {
        let kind = g.kinds[k]
        let ev = Evaluator(g: g)
        let general: Test = { ev.test(p, k, $0) }
        switch p {
        case .all(let ps):
            let ts = ps.map { compile($0, k, g) }
            if ts.count == 2 {
                let a = ts[0], b = ts[1]
                return { r in
                    let x = a(r)
                    if x == .no { return .no }
                    let y = b(r)
                    if y == .no { return .no }
                    return x == .yes && y == .yes ? .yes : .unknown
                }
            }
            return allOf(ts)
        case .any(let ps):
            return anyOf(ps.map { compile($0, k, g) })
        case .not(let x):
            let t = compile(x, k, g)
            return { t($0).negated }
        case .constant(let b):
            return { _ in Truth(b) }
        case .int(.stored(let c), let op, let v) where kind.columns[c].type == .int:
            let col = kind.intColumn(c)
            return intTest(col, op, v)
        case .number(.stored(let c), let op, let v) where kind.columns[c].type == .int:
            let col = kind.intColumn(c)
            return { r in
                let x = col[r]
                return x == Null.int ? .unknown : Truth(Evaluator.compare(Double(x), op, v))
            }
        case .number(.stored(let c), let op, let v) where kind.columns[c].type == .number:
            let col = kind.numberColumn(c)
            return { r in
                let x = col[r]
                return x.isNaN ? .unknown : Truth(Evaluator.compare(x, op, v))
            }
        case .date(.stored(let c), let op, let lo, let hi) where kind.columns[c].type == .date:
            let col = kind.intColumn(c)
            return { r in
                let x = col[r]
                return x == Null.int ? .unknown : Truth(Evaluator.inInterval(x, op, lo, hi))
            }
        case .entityIs(.stored(let c), let es, let negated) where kind.columns[c].type.isRef:
            let col = kind.idColumn(c)
            if es.count == 1 {
                let e = es[0]
                return { r in
                    let x = col[r]
                    return x == Null.id ? .unknown : Truth((x == e) != negated)
                }
            }
            var set = EntitySet(capacity: g.entityCount)
            for e in es { set.insert(e) }
            return { r in
                let x = col[r]
                return x == Null.id ? .unknown : Truth(set.contains(x) != negated)
            }
        case .entityNamed(.stored(let c), let set, _, let negated) where kind.columns[c].type.isRef:
            let col = kind.idColumn(c)
            return { r in
                let x = col[r]
                return x == Null.id ? .unknown : Truth(set.contains(x) != negated)
            }
        case .within(.stored(let c), let places, let negated) where kind.columns[c].type.isRef:
            // Everything within the places, found once.
            let set = descendants(places, g)
            let col = kind.idColumn(c)
            return { r in
                let x = col[r]
                return x == Null.id ? .unknown : Truth(set.contains(x) != negated)
            }
        case .within(.place(let level), let places, let negated):
            // The place of a level a row lies in, looked up once per location, within the places.
            let set = descendants(places, g)
            let location = PlaceOfLocation(g, k, level)
            return { r in
                let a = location.place(r)
                return a == Null.id ? .unknown : Truth(set.contains(a) != negated)
            }
        case .entityIs(.place(let level), let es, let negated):
            // The place of a level a row lies in, looked up once per location.
            let location = PlaceOfLocation(g, k, level)
            return { r in
                let a = location.place(r)
                return a == Null.id ? .unknown : Truth(es.contains(a) != negated)
            }
        case .text(.stored(let c), let op, let lit) where kind.columns[c].type == .text && (op == .eq || op == .ne):
            // Equal text is the same interned string.
            let col = kind.idColumn(c)
            let id = lit.withUnsafeBytes { g.strings.lookup($0) }
            return { r in
                let x = col[r]
                if x == Null.id { return .unknown }
                return Truth((x == id) == (op == .eq))
            }
        case .textIn(.stored(let c), let lits, let negated) where kind.columns[c].type == .text:
            // Equal text is the same interned string: the literals' ids, once.
            let col = kind.idColumn(c), ids = textIDs(lits, g)
            return { r in
                let x = col[r]
                return x == Null.id ? .unknown : Truth(ids.contains(x) != negated)
            }
        case .text(.stored(let c), let op, let lit)
            where (kind.columns[c].type == .text || kind.columns[c].type.isRef) && [.lt, .le, .gt, .ge].contains(op):
            // Text order by collation rank: the literal's place among the pool's strings is
            // found once, then each cell compares its string's rank with it.
            let table = CollationRankTable.of(g)
            let ranks = table.pinyin, names = g.entityName
            let (below, equal) = table.pinyinPlace(ofText: lit)
            let col = kind.idColumn(c), isRef = kind.columns[c].type.isRef
            if case .ref(.kind(let target)) = kind.columns[c].type {
                // Entities of one kind: by their place among its names (one lookup a row). The
                // literal's place is the first entity's whose name is not below it.
                let ordered = OrderedEntities.of(g).entities(ofKind: target, .pinyin)
                let places = OrderedEntities.of(g).places(ofKind: target, .pinyin)
                var lo = 0, hi = ordered.count
                while lo < hi {
                    let mid = (lo + hi) / 2
                    if ranks[Int(names[Int(ordered[mid])])] < UInt32(below) { lo = mid + 1 } else { hi = mid }
                }
                let at = lo < ordered.count ? places.place(ordered[lo]) : UInt32.max
                let same = equal && lo < ordered.count && ranks[Int(names[Int(ordered[lo])])] == UInt32(below)
                return { r in
                    let x = col[r]
                    if x == Null.id { return .unknown }
                    let place = places.place(x)
                    let order = place < at ? -1 : (place == at && same ? 0 : 1)
                    return Truth(Evaluator.compare(order, op, 0))
                }
            }
            let at = UInt32(below)
            return { r in
                let x = col[r]
                if x == Null.id { return .unknown }
                let rank = ranks[Int(isRef ? names[Int(x)] : x)]
                let order = rank < at ? -1 : (rank == at && equal ? 0 : 1)
                return Truth(Evaluator.compare(order, op, 0))
            }
        case .text(.stored(let c), let op, let lit)
            where (kind.columns[c].type == .text || kind.columns[c].type.isRef) && (op == .match || op == .notMatch):
            // A substring of a text or of an entity's name depends on the string or entity
            // alone: found once for each, and kept in a table (300 honors over five million
            // awards: 300 searches).
            let col = kind.idColumn(c)
            let truths = SubstringTruths(g, isRef: kind.columns[c].type.isRef, lit, op)
            return { r in
                let x = col[r]
                return x == Null.id ? .unknown : truths.truth(x)
            }
        case .text(.name, let op, let lit) where kind.role.isNamed && (op == .match || op == .notMatch):
            let ents = kind.entityOfRow, names = g.entityName, pool = g.strings
            return { r in Truth(pool.withBytes(names[Int(ents[r])]) { Evaluator.contains($0, lit) } == (op == .match)) }
        case .text(.name, let op, let lit) where kind.role.isNamed && (op == .eq || op == .ne):
            // A name is an interned string: equal text is the same id.
            let ents = kind.entityOfRow, names = g.entityName
            let id = lit.withUnsafeBytes { g.strings.lookup($0) }
            return { r in Truth((names[Int(ents[r])] == id) == (op == .eq)) }
        case .text(.name, let op, let lit) where kind.role.isNamed && [.lt, .le, .gt, .ge].contains(op):
            // Names in text order by collation rank, as a stored text column above.
            let table = CollationRankTable.of(g)
            let ranks = table.pinyin, ents = kind.entityOfRow, names = g.entityName
            let (below, equal) = table.pinyinPlace(ofText: lit)
            let at = UInt32(below)
            return { r in
                let rank = ranks[Int(names[Int(ents[r])])]
                let order = rank < at ? -1 : (rank == at && equal ? 0 : 1)
                return Truth(Evaluator.compare(order, op, 0))
            }
        case .isNull(.stored(let c), let negated):
            switch kind.columns[c].type {
            case .text, .ref:
                let col = kind.idColumn(c)
                return { Truth((col[$0] == Null.id) != negated) }
            case .int, .date:
                let col = kind.intColumn(c)
                return { Truth((col[$0] == Null.int) != negated) }
            case .number:
                let col = kind.numberColumn(c)
                return { Truth(col[$0].isNaN != negated) }
            }
        case .has(let spec, let negated) where kind.role.isNamed:
            let ents = kind.entityOfRow
            if let set = spec.referred { return { Truth(set.contains(ents[$0]) != negated) } }
            return { r in
                let hit = !(g.rows(kind: spec.relation, column: spec.column, referring: ents[r])?.isEmpty ?? true)
                return Truth(hit != negated)
            }
        default:
            if let (col, set, wanted) = hopNameMatch(p, k, g) {
                return { r in
                    let x = col[r]
                    return x == Null.id ? .unknown : Truth(set.contains(x) == wanted)
                }
            }
            return hopOnce(p, k, g, general) ?? general
        }
    }

    /// `ref.name ~ text` (or `!~`) on a reference to one kind: the entities whose name holds
    /// the text, found at once in the string pool's bytes (`entitiesWhoseName`), and whether a
    /// row wants its entity among them.
    static func hopNameMatch(_ p: Predicate, _ k: Int, _ g: FactGraph) -> (column: [UInt32], set: EntitySet, wanted: Bool)? {
        guard case .text(.hop(.stored(let c), _, let inner), let op, let lit) = p, op == .match || op == .notMatch,
              case .ref(.kind(let target)) = g.kinds[k].columns[c].type,
              g.kinds[target].role.isNamed, target < inner.count, inner[target] == .name else { return nil }
        var set = EntitySet(capacity: g.entityCount)
        g.entitiesWhoseName(contains: String(decoding: lit, as: UTF8.self)).forEach { e in
            if Int(g.entityKind[Int(e)]) == target { set.insert(e) }
        }
        return (g.kinds[k].idColumn(c), set, op == .match)
    }

    /// A condition on a column of the entity that a stored reference names
    /// (`enterprise.industry=化工`, `honor.level=国家级`) depends on that entity alone: it is
    /// tested at the first row that names the entity — as the same condition on the entity's own
    /// row, compiled for its kind — and read from a table of one byte per entity at every later
    /// one. Rows whose reference is missing are tested each.
    static func hopOnce(_ p: Predicate, _ k: Int, _ g: FactGraph, _ general: @escaping Test) -> Test? {
        hopOnceParts(p, k, g, general)?.test
    }

    /// `hopOnce`'s test, with the table of truths per entity it fills, the reference column it
    /// reads or the level of the place up the location chain, and the rest of the chain per
    /// kind, for `BatchFilter` to read (or fill, `fillInBlocks`) the table first. `general`
    /// defaults to the evaluator's test.
    static func hopOnceParts(_ p: Predicate, _ k: Int, _ g: FactGraph, _ general: Test? = nil)
        -> (test: Test, known: TruthTable, column: Int?, placeLevel: Int?, inner: [Accessor?])? {
        let kind = g.kinds[k]
        let general: Test = general ?? { [ev = Evaluator(g: g)] in ev.test(p, k, $0) }
        guard let acc = p.leafAccessor else { return nil }
        // The entity each row names: in a reference column, or a place up its location chain
        // (`city.province` on firms whose `city` is their location).
        guard let (root, inner) = chainRoot(acc) else { return nil }
        let next: (Int) -> UInt32
        var column: Int? = nil, placeLevel: Int? = nil
        switch root {
        case .column(let c):
            guard kind.columns[c].type.isRef else { return nil }
            let col = kind.idColumn(c)
            next = { col[$0] }
            column = c
        case .place(let level):
            let place = PlaceOfLocation(g, k, level)
            next = { place.place($0) }
            placeLevel = level
        }
        let known = TruthTable(count: g.entityCount)
        // Per kind of entity: the condition on its own rows (nil where it has no such column:
        // then the general test, which reads the missing value).
        let own: [Test?] = inner.indices.map { k2 in inner[k2].map { compile(p.withLeafAccessor($0), k2, g) } }
        let entityKind = g.entityKind, entityRow = g.entityRow
        // After many entities tested one by one (a sixteenth of them, at most 65,536: a scan of a
        // big relation, whose rows name them in no order), the rest are tested at once in the
        // order of their own rows, a block at a time (`fillInBlocks`): reading their column in
        // order, not one cache miss each.
        var misses = 0
        let fillAfter = max(16, min(1 << 16, g.entityCount / 16))
        func fillAll() { fillInBlocks(p, inner, known, g) }
        let test: Test = { r in
            let e = next(r)
            if e == Null.id { return general(r) }
            let cell = known.cell(Int(e))
            if cell != 0 { return Truth(rawValue: cell &- 1)! }
            misses += 1
            if misses == fillAfter { fillAll() }
            let k2 = Int(entityKind[Int(e)])
            let t = k2 < own.count ? (own[k2]?(Int(entityRow[Int(e)])) ?? general(r)) : general(r)
            known.set(Int(e), t)
            return t
        }
        return (test, known, column, placeLevel, inner)
    }

    /// Fills `known` with the truth of `p`'s condition on every entity of the kinds `inner`
    /// names (a kind's own rows, a block at a time, `BatchFilter`'s loops): before a scan of
    /// many rows, so that the scan reads the table and never calls the row test.
    static func fillInBlocks(_ p: Predicate, _ inner: [Accessor?], _ known: TruthTable, _ g: FactGraph) {
        for (k2, a) in inner.enumerated() {
            guard let a, k2 < g.kinds.count, g.kinds[k2].role.isNamed else { continue }
            let kind = g.kinds[k2]
            let n = min(kind.entityOfRow.count, kind.rowCount)
            guard n > 0 else { continue }
            let filter = BatchFilter(p.withLeafAccessor(a), kind: k2, graph: g, rows: n)
            var rows = [UInt32](repeating: 0, count: BatchFilter.blockRows)
            var codes = [UInt8](repeating: 0, count: BatchFilter.blockRows)
            kind.entityOfRow.withUnsafeBufferPointer { ents in
                rows.withUnsafeMutableBufferPointer { r in
                    codes.withUnsafeMutableBufferPointer { c in
                        var at = 0
                        while at < n {
                            let m = min(BatchFilter.blockRows, n - at)
                            for i in 0..<m { r[i] = UInt32(at + i) }
                            filter.block(r.baseAddress!, m, c.baseAddress!)
                            for i in 0..<m { known.set(Int(ents[at + i]), TruthCode.truth(c[i])) }
                            at += m
                        }
                    }
                }
            }
        }
    }

    /// Where a hop chain starts: a stored column of the row, or a place up its location chain.
    enum ChainRoot { case column(Int), place(level: Int) }

    /// A hop chain (`enterprise.industry`, `enterprise.city.province`, `city.province` where
    /// `city` is the location): where it starts, and per kind of the entity found there the
    /// rest of the chain read from that entity's own row (nil where its kind has no such column).
    static func chainRoot(_ a: Accessor) -> (root: ChainRoot, perKind: [Accessor?])? {
        guard case .hop(let first, let name, let inner) = a else { return nil }
        switch first {
        case .stored(let c): return (.column(c), inner)
        case .place(let level): return (.place(level: level), inner)
        default:
            guard let (root, base) = chainRoot(first) else { return nil }
            return (root, base.map { $0.map { .hop($0, name, inner) } })
        }
    }

    /// `chainRoot` when the chain starts at a stored reference column of `kind`.
    static func rooted(_ a: Accessor, _ kind: Kind) -> (column: Int, perKind: [Accessor?])? {
        guard let (root, inner) = chainRoot(a), case .column(let c) = root, kind.columns[c].type.isRef else { return nil }
        return (c, inner)
    }

    /// The places and everything within them (the entities `within` accepts), once.
    static func descendants(_ places: [EntityID], _ g: FactGraph) -> EntitySet {
        var set = EntitySet(capacity: g.entityCount)
        for p in places { for d in g.descendants(of: p) { set.insert(d) } }
        return set
    }

    /// The string ids of the texts that are in the graph's pool (a text that is not names no
    /// cell).
    static func textIDs(_ texts: [[UInt8]], _ g: FactGraph) -> Set<UInt32> {
        Set(texts.compactMap { t in t.withUnsafeBytes { g.strings.lookup($0) } })
    }

    /// `and` of tests, three-valued: no if one is no, else unknown if one is unknown.
    static func allOf(_ ts: [Test]) -> Test {
        return { r in
            var out = Truth.yes
            for t in ts {
                switch t(r) {
                case .no: return .no
                case .unknown: out = .unknown
                case .yes: break
                }
            }
            return out
        }
    }

    /// `or` of tests, three-valued: yes if one is yes, else unknown if one is unknown.
    static func anyOf(_ ts: [Test]) -> Test {
        return { r in
            var out = Truth.no
            for t in ts {
                switch t(r) {
                case .yes: return .yes
                case .unknown: out = .unknown
                case .no: break
                }
            }
            return out
        }
    }

    static func intTest(_ col: IntColumn, _ op: CompareOp, _ v: Int64) -> Test {
        switch op {
        case .eq: return { let x = col[$0]; return x == Null.int ? .unknown : (x == v ? .yes : .no) }
        case .ne: return { let x = col[$0]; return x == Null.int ? .unknown : (x != v ? .yes : .no) }
        case .lt: return { let x = col[$0]; return x == Null.int ? .unknown : (x < v ? .yes : .no) }
        case .le: return { let x = col[$0]; return x == Null.int ? .unknown : (x <= v ? .yes : .no) }
        case .gt: return { let x = col[$0]; return x == Null.int ? .unknown : (x > v ? .yes : .no) }
        case .ge: return { let x = col[$0]; return x == Null.int ? .unknown : (x >= v ? .yes : .no) }
        case .match, .notMatch: return { _ in .no }
        }
    }
}

extension Kind {
    /// Where each row's places up the location chain are found from: a named row's own entity,
    /// a relation's location column; nil for a relation without one (its rows lie in no place).
    var placeAnchors: [UInt32]? {
        if role.isNamed { return entityOfRow.count >= rowCount ? entityOfRow : nil }
        return locationColumn.map { idColumn($0) }
    }
}

/// The place of one level each row of a relation lies in, looked up once per location.
final class PlaceOfLocation {
    let g: FactGraph
    let level: Int
    let location: [UInt32]
    var memo: [UInt32]

    init(_ g: FactGraph, _ k: Int, _ level: Int) {
        self.g = g
        self.level = level
        let kind = g.kinds[k]
        location = kind.placeAnchors ?? [UInt32](repeating: Null.id, count: kind.rowCount)
        memo = [UInt32](repeating: UInt32.max - 1, count: g.entityCount)
    }

    @inline(__always)
    func place(_ row: Int) -> UInt32 {
        let l = location[row]
        if l == Null.id { return Null.id }
        var m = memo[Int(l)]
        if m == UInt32.max - 1 {
            m = g.ancestor(of: l, kind: level) ?? Null.id
            memo[Int(l)] = m
        }
        return m
    }
}

/// A truth value per entity, or none yet.
final class TruthTable {
    private let cells: UnsafeMutablePointer<UInt8>
    let count: Int

    init(count: Int) {
        self.count = count
        cells = .allocate(capacity: max(count, 1))
        cells.initialize(repeating: 0, count: max(count, 1))
    }

    deinit { cells.deallocate() }

    /// 0 when not known, else the truth's raw value + 1.
    @inline(__always) func cell(_ e: Int) -> UInt8 { e < count ? cells[e] : 0 }

    @inline(__always) func set(_ e: Int, _ t: Truth) { if e < count { cells[e] = t.rawValue + 1 } }
}
