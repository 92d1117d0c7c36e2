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
        case .any(let ps):
            let ts = ps.map { compile($0, k, g) }
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
            var set = EntitySet(capacity: g.entityCount)
            for p in places { for d in g.descendants(of: p) { set.insert(d) } }
            let col = kind.idColumn(c)
            return { r in
                let x = col[r]
                return x == Null.id ? .unknown : Truth(set.contains(x) != negated)
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
            var bytes = lit
            let id = bytes.withUnsafeBytes { g.strings.lookup($0) }
            return { r in
                let x = col[r]
                if x == Null.id { return .unknown }
                return Truth((x == id) == (op == .eq))
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
            return general
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

/// The place of one level each row of a relation lies in, looked up once per location.
final class PlaceOfLocation {
    let g: FactGraph
    let level: Int
    let location: [UInt32]
    var memo: [UInt32]
    let named: [UInt32]?

    init(_ g: FactGraph, _ k: Int, _ level: Int) {
        self.g = g
        self.level = level
        let kind = g.kinds[k]
        if kind.role.isNamed {
            named = kind.entityOfRow
            location = []
        } else {
            named = nil
            location = kind.locationColumn.map { kind.idColumn($0) } ?? [UInt32](repeating: Null.id, count: kind.rowCount)
        }
        memo = [UInt32](repeating: UInt32.max - 1, count: g.entityCount)
    }

    @inline(__always)
    func place(_ row: Int) -> UInt32 {
        let l = named?[row] ?? location[row]
        if l == Null.id { return Null.id }
        var m = memo[Int(l)]
        if m == UInt32.max - 1 {
            m = g.ancestor(of: l, kind: level) ?? Null.id
            memo[Int(l)] = m
        }
        return m
    }
}
