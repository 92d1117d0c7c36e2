import FactGraph

/// Chooses how to find a statement's rows: an equality on a reference column reads that
/// column's index; `within` and the derived place columns read the location hierarchy; `~` on
/// an entity column and `has` find a set of entities once. Among conditions joined by `and` the
/// one with the fewest candidate rows drives and the rest filter; `or` unions its branches when
/// each has an index. Everything else scans.
struct Planner {
    let g: FactGraph

    struct Choice {
        var path: AccessPath
        var estimate: Int
        /// The candidates are exactly the rows where the condition is true.
        var exact: Bool
    }

    /// The access path, its estimated rows, and the conditions left to test on each candidate.
    func plan(kind k: Int, _ p: Predicate?) -> (AccessPath, Int, Predicate?) {
        let n = g.kinds[k].rowCount
        guard let p else { return (.scan, n, nil) }
        if case .all(let ps) = p {
            var best: (Int, Choice)? = nil
            for (i, x) in ps.enumerated() {
                if let c = choose(x, k), best == nil || c.estimate < best!.1.estimate { best = (i, c) }
            }
            guard let (i, c) = best, !Self.scanIsCheaper(c.estimate, n) else { return (.scan, n, p) }
            if !c.exact { return (c.path, c.estimate, p) }
            var rest = ps
            rest.remove(at: i)
            return (c.path, c.estimate, rest.isEmpty ? nil : (rest.count == 1 ? rest[0] : .all(rest)))
        }
        guard let c = choose(p, k), !Self.scanIsCheaper(c.estimate, n) else { return (.scan, n, p) }
        return (c.path, c.estimate, c.exact ? nil : p)
    }

    /// Whether reading every row of a big relation (the condition compiled, a few nanoseconds a
    /// row) beats an index that yields a quarter of them or more: its buckets' rows would be
    /// merged into row order (`honor~质量` at a million: 182 honors' buckets, 2.9 million rows,
    /// 139 ms; read in a scan, 30 ms). Small relations keep the index, whose plan reads better.
    static func scanIsCheaper(_ estimate: Int, _ rows: Int) -> Bool {
        rows >= 1 << 16 && estimate > rows / 4
    }

    func choose(_ p: Predicate, _ k: Int) -> Choice? {
        let kind = g.kinds[k]
        switch p {
        case .entityIs(let acc, let es, let negated):
            guard !negated else { return nil }
            switch acc {
            case .stored(let c) where g.hasIndex(kind: k, column: c):
                return Choice(path: .index(column: c, entities: es), estimate: es.reduce(0) { $0 + bucket(k, c, $1) }, exact: true)
            case .place:
                // The place of a level a row lies in is one of these only if the row lies within
                // it; the level is checked on each candidate.
                return withinChoice(kind.role.isNamed ? nil : kind.locationColumn, es, k, exact: false)
            default: return nil
            }
        case .within(let acc, let es, let negated):
            guard !negated else { return nil }
            switch acc {
            case .stored(let c) where g.hasIndex(kind: k, column: c):
                return withinChoice(c, es, k, exact: true)
            case .place:
                return withinChoice(kind.role.isNamed ? nil : kind.locationColumn, es, k, exact: false)
            default: return nil
            }
        case .entityNamed(let acc, let set, let text, let negated):
            guard !negated, case .stored(let c) = acc, g.hasIndex(kind: k, column: c) else { return nil }
            var est = 0
            set.forEach { est += bucket(k, c, $0) }
            return Choice(path: .entitySet(column: c, entities: set, label: "named ~ \(text)"), estimate: est, exact: true)
        case .text(.name, let op, let lit) where op == .match || op == .eq:
            // `=`: the name index holds names and aliases, so its match is checked by name.
            // `~`: the entities whose very name holds the text (aliases checked against the
            // name), so nothing is checked again.
            let text = String(decoding: lit, as: UTF8.self)
            var set = EntitySet(capacity: g.entityCount)
            if op == .eq {
                if let e = g.entity(named: text), Int(g.entityKind[Int(e)]) == k { set.insert(e) }
            } else {
                g.entitiesWhoseName(contains: text).forEach { e in if Int(g.entityKind[Int(e)]) == k { set.insert(e) } }
            }
            return Choice(path: .entitySet(column: nil, entities: set, label: "named \(op.rawValue) \(text)"), estimate: set.count, exact: op == .match)
        case .has(let spec, let negated):
            guard !negated, let set = spec.referred else { return nil }
            var own = EntitySet(capacity: g.entityCount)
            set.forEach { e in if Int(g.entityKind[Int(e)]) == k { own.insert(e) } }
            return Choice(path: .entitySet(column: nil, entities: own, label: "referred to by \(g.kinds[spec.relation].plural).\(g.kinds[spec.relation].columns[spec.column].name)"), estimate: own.count, exact: true)
        case .all(let ps):
            var best: Choice? = nil
            for x in ps {
                if let c = choose(x, k), best == nil || c.estimate < best!.estimate { best = c }
            }
            guard var b = best else { return nil }
            if ps.count > 1 { b.exact = false }
            return b
        case .any(let ps):
            var paths: [AccessPath] = []
            var est = 0
            var exact = true
            for x in ps {
                guard let c = choose(x, k) else { return nil }
                paths.append(c.path)
                est += c.estimate
                exact = exact && c.exact
            }
            return Choice(path: .union(paths), estimate: est, exact: exact)
        default:
            return nil
        }
    }

    func bucket(_ k: Int, _ c: Int, _ e: EntityID) -> Int { g.rows(kind: k, column: c, referring: e)?.count ?? 0 }

    func withinChoice(_ column: Int?, _ places: [EntityID], _ k: Int, exact: Bool) -> Choice? {
        if let c = column, !g.hasIndex(kind: k, column: c) { return nil }
        if column == nil && !g.kinds[k].role.isNamed { return nil }
        var est = 0
        for p in places {
            for d in g.descendants(of: p) {
                if let c = column { est += bucket(k, c, d) } else if Int(g.entityKind[Int(d)]) == k { est += 1 }
            }
        }
        return Choice(path: .within(column: column, places: places), estimate: est, exact: exact)
    }

    // MARK: rows of an access path

    /// Candidate rows, in row order (or, for one index bucket, in the bucket's order).
    enum Rows {
        case all(Int)
        case list([UInt32])
        case bucket(ArraySlice<UInt32>, sortedBy: Int?)

        var count: Int {
            switch self {
            case .all(let n): return n
            case .list(let l): return l.count
            case .bucket(let b, _): return b.count
            }
        }

        func forEach(_ body: (Int) throws(QueryError) -> Void) throws(QueryError) {
            switch self {
            case .all(let n): for r in 0..<n { try body(r) }
            case .list(let l): for r in l { try body(Int(r)) }
            case .bucket(let b, _): for r in b { try body(Int(r)) }
            }
        }
    }

    func rows(_ a: AccessPath, _ k: Int) -> Rows {
        switch a {
        case .scan: return .all(g.kinds[k].rowCount)
        case .index(let c, let es):
            if es.count == 1 {
                let b = g.rows(kind: k, column: c, referring: es[0]) ?? []
                let sortedBy = g.indexSortColumn(kind: k, column: c)
                return sortedBy == nil ? .list(Array(b)) : .bucket(b, sortedBy: sortedBy)
            }
            return .list(union(es.map { Array(g.rows(kind: k, column: c, referring: $0) ?? []) }))
        case .within(let c, let places):
            var parts: [[UInt32]] = []
            for p in places {
                let ds = g.descendants(of: p)
                if let c {
                    for d in ds { if let r = g.rows(kind: k, column: c, referring: d), !r.isEmpty { parts.append(Array(r)) } }
                } else {
                    parts.append(ds.compactMap { Int(g.entityKind[Int($0)]) == k ? g.entityRow[Int($0)] : nil })
                }
            }
            return .list(union(parts))
        case .entitySet(let c, let set, _):
            var parts: [[UInt32]] = []
            if let c {
                set.forEach { e in if let r = g.rows(kind: k, column: c, referring: e), !r.isEmpty { parts.append(Array(r)) } }
            } else {
                var own: [UInt32] = []
                set.forEach { e in if Int(g.entityKind[Int(e)]) == k { own.append(g.entityRow[Int(e)]) } }
                parts.append(own)
            }
            return .list(union(parts))
        case .union(let ps):
            return .list(union(ps.map { p in
                switch rows(p, k) {
                case .all(let n): return (0..<n).map { UInt32($0) }
                case .list(let l): return l
                case .bucket(let b, _): return Array(b)
                }
            }))
        }
    }

    /// Sorted union of row lists.
    func union(_ parts: [[UInt32]]) -> [UInt32] {
        if parts.isEmpty { return [] }
        if parts.count == 1 { return Self.sortedRows(parts[0]) }
        let all = Self.sortedRows(parts.flatMap { $0 })
        var out: [UInt32] = []
        out.reserveCapacity(all.count)
        for r in all where out.last != r { out.append(r) }
        return out
    }

    /// Row numbers in increasing order, by a radix sort on as many bits as the largest needs
    /// (a city's 430,000 awards: three passes, where a comparison sort took 20 ms).
    static func sortedRows<C: Collection>(_ rows: C) -> [UInt32] where C.Element == UInt32 {
        var a = Array(rows)
        var top: UInt32 = 0
        for r in a { top = max(top, r) }
        RadixSort.sort(&a, bits: UInt32.bitWidth - top.leadingZeroBitCount)
        return a
    }
}
