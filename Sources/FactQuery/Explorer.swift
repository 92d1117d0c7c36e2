import FactGraph

/// Graph exploration statements: `describe`, `neighbors`, `path`, `find`.
///
/// Links between entities come from the facts themselves: a named row's reference columns
/// (an enterprise's city), and each relation row, which links its anchor (the location column,
/// e.g. an award's recipient) with each of its other references (the honor, the recommending
/// department).
struct Explorer {
    let engine: QueryEngine
    let binder: Binder
    var g: FactGraph { engine.graph }

    /// The entity a value names, by the same rule as `where` (exact, alias, then the one name
    /// that contains it).
    func entity(_ l: Literal) throws(QueryError) -> EntityID {
        try binder.entity(l, .any, column: "name")
    }

    /// The anchor column of a relation kind: its location column, else its first reference.
    static func anchor(_ kind: Kind) -> Int? {
        kind.locationColumn ?? kind.columns.firstIndex { $0.type.isRef }
    }

    /// Calls `body(other, kind, row, column)` for every link of `e`: `column` is the column that
    /// holds `other` (for a relation row) or the referring column (for a named row).
    @inline(__always)
    func forEachLink(_ e: EntityID, _ body: (EntityID, Int, Int, Int) -> Void) {
        let k = Int(g.entityKind[Int(e)])
        let kind = g.kinds[k]
        let row = Int(g.entityRow[Int(e)])
        for (c, col) in kind.columns.enumerated() where col.type.isRef {
            let v = kind.id(c, row)
            if v != Null.id && v != e { body(v, k, row, c) }
        }
        for (k2, kind2) in g.kinds.enumerated() {
            let anchor = kind2.role.isNamed ? nil : Self.anchor(kind2)
            for (c, col) in kind2.columns.enumerated() where col.type.isRef {
                guard let rows = g.rows(kind: k2, column: c, referring: e), !rows.isEmpty else { continue }
                if kind2.role.isNamed {
                    for r in rows {
                        let other = kind2.entityOfRow[Int(r)]
                        if other != e { body(other, k2, Int(r), c) }
                    }
                } else if c == anchor {
                    for (c2, col2) in kind2.columns.enumerated() where col2.type.isRef && c2 != c {
                        let ids = kind2.idColumn(c2)
                        for r in rows {
                            let v = ids[Int(r)]
                            if v != Null.id && v != e { body(v, k2, Int(r), c2) }
                        }
                    }
                } else if let a = anchor {
                    let ids = kind2.idColumn(a)
                    for r in rows {
                        let v = ids[Int(r)]
                        if v != Null.id && v != e { body(v, k2, Int(r), c) }
                    }
                }
            }
        }
    }

    /// A short label for the fact behind a link.
    func label(_ k: Int, _ c: Int) -> String {
        let kind = g.kinds[k]
        return "\(kind.name).\(kind.columns[c].name)"
    }

    /// One line describing a relation row (or a named row) without the given entity.
    func summary(_ k: Int, _ row: Int, without e: EntityID) -> String {
        let kind = g.kinds[k]
        var parts: [String] = []
        if kind.role.isNamed { parts.append(g.name(of: kind.entityOfRow[row])) }
        // A named row is shown by its name; a relation row by its other cells.
        if !kind.role.isNamed {
            for c in kind.columns.indices {
                let v = g.value(kind: k, column: c, row: row)
                if v == .null || v == .entity(e) { continue }
                parts.append(g.display(v))
            }
        }
        return parts.joined(separator: " · ")
    }

    func provenance(_ k: Int, _ row: Int) -> Value {
        let p = g.kinds[k].provenance(row)
        if p.isEmpty { return .null }
        return .string(p.map { "\(g.name(of: $0.source)):\($0.paragraph)" }.joined(separator: "; "))
    }

    // MARK: describe

    func describe(_ l: Literal) throws(QueryError) -> ResultTable {
        let e = try entity(l)
        let k = Int(g.entityKind[Int(e)])
        let kind = g.kinds[k]
        let row = Int(g.entityRow[Int(e)])
        var rows: [[Value]] = []
        func add(_ f: String, _ v: Value, _ src: Value = .null) { rows.append([.string(f), v, src]) }
        add("kind", .string(kind.name))
        add("name", .entity(e), provenance(k, row))
        let al = g.aliases(of: e)
        if !al.isEmpty { add("aliases", .string(al.joined(separator: ", "))) }
        for (c, col) in kind.columns.enumerated() {
            let v = g.value(kind: k, column: c, row: row)
            if v != .null { add(col.name, v) }
        }
        let chain = g.chain(of: e).dropFirst()
        if !chain.isEmpty { add("located in", .string(chain.map { g.name(of: $0) }.joined(separator: " → "))) }
        engine.lastStats.plan = "name index, then reference indexes"
        // Everything that refers to it, grouped by kind and column, in row order.
        for (k2, kind2) in g.kinds.enumerated() {
            for (c, col) in kind2.columns.enumerated() where col.type.isRef {
                guard let refs = g.rows(kind: k2, column: c, referring: e), !refs.isEmpty else { continue }
                for r in refs.sorted() {
                    engine.lastStats.rowsExamined += 1
                    let field = kind2.role.isNamed ? "\(kind2.name) (\(col.name))" : "\(kind2.name) (as \(col.name))"
                    add(field, .string(summary(k2, Int(r), without: e)), provenance(k2, Int(r)))
                }
            }
        }
        return ResultTable(graph: g, columns: ["field", "value", "source"], rows: rows, shape: .card)
    }

    // MARK: neighbors

    func neighbors(_ l: Literal, depth: Int) throws(QueryError) -> ResultTable {
        let start = try entity(l)
        let maxDepth = max(1, min(depth, 6))
        var seen: Set<EntityID> = [start]
        var frontier = [start]
        var rows: [[Value]] = []
        var edges: [ResultTable.Edge] = []
        for d in 1...maxDepth {
            var next: [EntityID] = []
            for e in frontier {
                try engine.checkCancel()
                var local: [(EntityID, Int, Int, Int)] = []
                forEachLink(e) { o, k, r, c in local.append((o, k, r, c)) }
                for (o, k, r, c) in local {
                    // Within one level, each new entity is reported once, by its first link.
                    if seen.contains(o) { continue }
                    seen.insert(o)
                    next.append(o)
                    let lab = label(k, c)
                    rows.append([.int(Int64(d)), .entity(e), .string(lab), .entity(o), .string(g.kindOf(o).name), provenance(k, r)])
                    edges.append(.init(from: g.name(of: e), label: lab, to: g.name(of: o)))
                }
            }
            frontier = next
            if frontier.isEmpty { break }
        }
        engine.lastStats.plan = "breadth-first over reference indexes"
        return ResultTable(graph: g, columns: ["depth", "from", "link", "to", "kind", "source"], rows: rows, shape: .graph, edges: edges)
    }

    // MARK: path

    /// Shortest chain of facts between two entities, by bidirectional breadth-first search that
    /// always expands the smaller frontier.
    func path(_ la: Literal, _ lb: Literal) throws(QueryError) -> ResultTable {
        let a = try entity(la), b = try entity(lb)
        engine.lastStats.plan = "bidirectional breadth-first search"
        let cols = ["step", "from", "link", "to", "source"]
        if a == b {
            return ResultTable(graph: g, columns: cols, rows: [], shape: .graph, note: "\(g.name(of: a)) is itself (0 links)")
        }
        let n = g.entityCount
        // parent[side][e] = (previous entity, fact kind, fact row, column); dist 0 = unseen.
        var dist: [[Int32]] = [[Int32](repeating: 0, count: n), [Int32](repeating: 0, count: n)]
        var prev: [[EntityID]] = [[EntityID](repeating: Null.id, count: n), [EntityID](repeating: Null.id, count: n)]
        var via: [[UInt64]] = [[UInt64](repeating: 0, count: n), [UInt64](repeating: 0, count: n)]
        dist[0][Int(a)] = 1
        dist[1][Int(b)] = 1
        var frontiers: [[EntityID]] = [[a], [b]]
        var meet: EntityID? = nil
        var examined = 0
        search: while !frontiers[0].isEmpty && !frontiers[1].isEmpty {
            let side = frontiers[0].count <= frontiers[1].count ? 0 : 1
            let other = 1 - side
            var next: [EntityID] = []
            var best: (EntityID, Int32)? = nil
            for e in frontiers[side] {
                try engine.checkCancel()
                let de = dist[side][Int(e)]
                forEachLink(e) { o, k, r, c in
                    examined += 1
                    if dist[side][Int(o)] != 0 { return }
                    dist[side][Int(o)] = de + 1
                    prev[side][Int(o)] = e
                    via[side][Int(o)] = UInt64(k) << 48 | UInt64(c) << 32 | UInt64(r)
                    next.append(o)
                    let dOther = dist[other][Int(o)]
                    if dOther != 0 && (best == nil || dOther < best!.1) { best = (o, dOther) }
                }
            }
            // The whole level is expanded before choosing, so the meeting point with the
            // shortest distance to the other side wins.
            if let best { meet = best.0; break search }
            frontiers[side] = next
        }
        engine.lastStats.rowsExamined = examined
        guard let m = meet else {
            return ResultTable(graph: g, columns: cols, rows: [], shape: .graph,
                               note: "no path between \(g.name(of: a)) and \(g.name(of: b))")
        }
        // Walk back to a, then forward to b.
        var left: [(EntityID, EntityID, UInt64)] = []   // (from, to, via) toward m
        var cur = m
        while cur != a {
            let p = prev[0][Int(cur)]
            left.append((p, cur, via[0][Int(cur)]))
            cur = p
        }
        left.reverse()
        var right: [(EntityID, EntityID, UInt64)] = []
        cur = m
        while cur != b {
            let p = prev[1][Int(cur)]
            right.append((cur, p, via[1][Int(cur)]))
            cur = p
        }
        var rows: [[Value]] = []
        var edges: [ResultTable.Edge] = []
        for (i, hop) in (left + right).enumerated() {
            let k = Int(hop.2 >> 48), c = Int((hop.2 >> 32) & 0xFFFF), r = Int(hop.2 & 0xFFFF_FFFF)
            let lab = label(k, c)
            rows.append([.int(Int64(i + 1)), .entity(hop.0), .string(lab), .entity(hop.1), provenance(k, r)])
            edges.append(.init(from: g.name(of: hop.0), label: lab, to: g.name(of: hop.1)))
        }
        return ResultTable(graph: g, columns: cols, rows: rows, shape: .graph, edges: edges,
                           note: "\(rows.count) link\(rows.count == 1 ? "" : "s") from \(g.name(of: a)) to \(g.name(of: b))")
    }

    // MARK: find

    /// Names and aliases containing the text, then pinyin matches (full reading or initials).
    func find(_ l: Literal) throws(QueryError) -> ResultTable {
        let q = NameText.normalize(l.text)
        let ql = q.lowercased()
        let qb = Array(ql.utf8)
        var best: [EntityID: (Int, String)] = [:]
        func offer(_ e: EntityID, _ score: Int, _ via: String) {
            if let b = best[e], b.0 <= score { return }
            best[e] = (score, via)
        }
        let names = g.allNames()
        for (name, e) in names {
            let nl = name.lowercased()
            if nl == ql { offer(e, 0, name) }
            else if nl.hasPrefix(ql) { offer(e, 1, name) }
            else if Evaluator.contains(Array(nl.utf8), qb) { offer(e, 2, name) }
        }
        let asciiQuery = qb.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) }
        if asciiQuery && g.entityCount <= 50_000 {
            for (name, e) in names where !Pinyin.isASCII(name) {
                let full = Pinyin.full(name)
                if full.hasPrefix(ql) { offer(e, 3, full) }
                else if Pinyin.initials(name).hasPrefix(ql) { offer(e, 4, Pinyin.initials(name)) }
                else if full.contains(ql) { offer(e, 5, full) }
            }
        }
        engine.lastStats.rowsExamined = names.count
        engine.lastStats.plan = "scan of names and aliases"
        let sorted = best.sorted { x, y in
            if x.value.0 != y.value.0 { return x.value.0 < y.value.0 }
            let nx = g.name(of: x.key), ny = g.name(of: y.key)
            return nx.count != ny.count ? nx.count < ny.count : CollationKey.less(nx, ny)
        }
        let rows: [[Value]] = sorted.map { (e, m) in
            let n = g.name(of: e)
            return [.entity(e), .string(g.kindOf(e).name), m.1 == n ? .null : .string(m.1)]
        }
        return ResultTable(graph: g, columns: ["name", "kind", "matched"], rows: rows)
    }
}
