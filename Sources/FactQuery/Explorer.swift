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

    /// Calls `body(other, kind, row, column)` for every link of `e` (see `LinkTable`).
    @inline(__always)
    func forEachLink(_ e: EntityID, _ body: (EntityID, Int, Int, Int) -> Void) {
        LinkTable.of(g).forEachLink(g, e, body)
    }

    /// A short label for the fact behind a link.
    func label(_ k: Int, _ c: Int) -> String {
        let kind = g.kinds[k]
        return "\(kind.name).\(kind.columns[c].name)"
    }

    /// One line describing a relation row (or a named row) without the given entity.
    func summary(_ k: Int, _ row: Int, without e: EntityID) -> String {
        summary(g.kinds[k], row, without: e)
    }

    /// `summary` of a row of a kind the caller holds (a card of thousands of rows reads the
    /// kind once).
    func summary(_ kind: borrowing Kind, _ row: Int, without e: EntityID) -> String {
        // A named row is shown by its name; a relation row by its other cells.
        if kind.role.isNamed { return g.name(of: kind.entityOfRow[row]) }
        // Made as bytes, names and texts copied from the pool: one string per line, not one per
        // cell (a card has thousands of lines).
        var text: [UInt8] = []
        text.reserveCapacity(96)
        for c in kind.columns.indices {
            let v = FactGraph.value(of: kind, column: c, row: row)
            if v == .null || v == .entity(e) { continue }
            if !text.isEmpty { text.append(contentsOf: [0x20, 0xC2, 0xB7, 0x20]) }   // " · "
            switch v {
            case .text(let id): g.strings.withBytes(id) { text.append(contentsOf: $0) }
            case .entity(let x): g.strings.withBytes(g.entityName[Int(x)]) { text.append(contentsOf: $0) }
            default: text.append(contentsOf: g.display(v).utf8)
            }
        }
        return String(decoding: text, as: UTF8.self)
    }

    func provenance(_ k: Int, _ row: Int) -> Value {
        provenance(g.kinds[k], row)
    }

    func provenance(_ kind: borrowing Kind, _ row: Int) -> Value {
        guard kind.hasProvenance else { return .null }
        let p = kind.provenance(row)
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
                let field = Value.string(kind2.role.isNamed ? "\(kind2.name) (\(col.name))" : "\(kind2.name) (as \(col.name))")
                rows.reserveCapacity(rows.count + refs.count)
                for r in refs.sorted() {
                    engine.lastStats.rowsExamined += 1
                    rows.append([field, .string(summary(kind2, Int(r), without: e)), provenance(kind2, Int(r))])
                }
            }
        }
        // The card's links as edges, for pictures (`.mode dot`, `svg`): each linked entity once.
        var edges: [ResultTable.Edge] = []
        var seen = Set<EntityID>()
        forEachLink(e) { o, k, _, c in
            if seen.insert(o).inserted { edges.append(.init(from: g.name(of: e), label: label(k, c), to: g.name(of: o))) }
        }
        return ResultTable(graph: g, columns: ["field", "value", "source"], rows: rows, shape: .card, edges: edges)
    }

    // MARK: neighbors

    func neighbors(_ l: Literal, depth: Int) throws(QueryError) -> ResultTable {
        let start = try entity(l)
        let maxDepth = max(1, min(depth, 6))
        var seen = EntitySet(capacity: g.entityCount)
        seen.insert(start)
        var frontier = [start]
        var rows: [[Value]] = []
        // Labels and kind names made once each, not once per row.
        var labels: [Int: Value] = [:]
        let kindNames = kindNameValues
        var local: [(EntityID, Int, Int, Int)] = []
        for d in 1...maxDepth {
            var next: [EntityID] = []
            for e in frontier {
                try engine.checkCancel()
                local.removeAll(keepingCapacity: true)
                forEachLink(e) { o, k, r, c in local.append((o, k, r, c)) }
                for (o, k, r, c) in local {
                    // Within one level, each new entity is reported once, by its first link.
                    if seen.contains(o) { continue }
                    seen.insert(o)
                    next.append(o)
                    let key = k << 16 | c
                    let lab = labels[key] ?? {
                        let v = Value.string(label(k, c))
                        labels[key] = v
                        return v
                    }()
                    rows.append([.int(Int64(d)), .entity(e), lab, .entity(o), kindNames[Int(g.entityKind[Int(o)])], provenance(k, r)])
                }
            }
            frontier = next
            if frontier.isEmpty { break }
        }
        engine.lastStats.plan = "breadth-first over reference indexes"
        var table = ResultTable(graph: g, columns: ["depth", "from", "link", "to", "kind", "source"], rows: rows, shape: .graph)
        table.edgeColumns = (1, 2, 3)
        return table
    }

    // MARK: path

    /// Shortest chain of facts between two entities, by bidirectional breadth-first search that
    /// always expands the smaller frontier. Marks are stamps in arrays kept with the graph, so a
    /// search touches only what it reaches.
    func path(_ la: Literal, _ lb: Literal) throws(QueryError) -> ResultTable {
        let a = try entity(la), b = try entity(lb)
        engine.lastStats.plan = "bidirectional breadth-first search"
        let cols = ["step", "from", "link", "to", "source"]
        if a == b {
            return ResultTable(graph: g, columns: cols, rows: [], shape: .graph, note: "\(g.name(of: a)) is itself (0 links)")
        }
        let links = LinkTable.of(g)
        let marks = SearchMarks.of(g)
        var chain: [EntityID] = []
        var examined = 0
        var failure: QueryError? = nil
        marks.withFreshMarks { gen, w in
            w[4 * Int(a)] = gen
            w[4 * Int(b) + 1] = gen
            var frontiers: [[EntityID]] = [[a], [b]]
            var levels = [0, 0]
            var meet: EntityID? = nil
            var costs = [links.cost(g, [a]), links.cost(g, [b])]
            var others: [EntityID] = []
            var touched: UInt32 = 0
            search: while !frontiers[0].isEmpty && !frontiers[1].isEmpty {
                // Expand the side whose next level costs fewer links.
                let side = costs[0] <= costs[1] ? 0 : 1
                if levels[side] == Int(UInt8.max) { break }
                var next: [EntityID] = []
                for (i, e) in frontiers[side].enumerated() {
                    if i & 0xFF == 0 && engine.isCancelled() { failure = QueryError(.cancelled, 0..<0); return }
                    others.removeAll(keepingCapacity: true)
                    links.appendOthers(g, e, to: &others)
                    examined += others.count
                    // Read every other end's marks once before deciding anything, so that their
                    // cache misses overlap instead of waiting one behind the other.
                    for o in others { touched ^= w[4 * Int(o) + side] }
                    for o in others {
                        let at = 4 * Int(o)
                        if w[at + side] == gen { continue }
                        w[at + side] = gen
                        w[at + 2 + side] = e
                        next.append(o)
                        // Every node the other side reached before its last level was expanded, so
                        // a meeting found now is through the other side's last level: all
                        // meetings of this level are equally short, and the first one will do.
                        if w[at + 1 - side] == gen { meet = o; break search }
                    }
                }
                frontiers[side] = next
                levels[side] += 1
                costs[side] = links.cost(g, next)
            }
            marks.sink = touched
            guard let m = meet else { return }
            var left: [EntityID] = [m]
            var cur = m
            while cur != a { cur = w[4 * Int(cur) + 2]; left.append(cur) }
            left.reverse()
            cur = m
            while cur != b { cur = w[4 * Int(cur) + 3]; left.append(cur) }
            chain = left
        }
        if let failure { throw failure }
        // The fact behind each hop, found again among the links of its first entity.
        var hops: [(EntityID, EntityID, UInt64)] = []
        for i in 0..<max(0, chain.count - 1) {
            let l = links.firstLink(g, from: chain[i], to: chain[i + 1])
            let via = l.map { UInt64($0.kind) << 48 | UInt64($0.column) << 32 | UInt64($0.row) } ?? 0
            hops.append((chain[i], chain[i + 1], via))
        }
        let found = !chain.isEmpty
        engine.lastStats.rowsExamined = examined
        guard found else {
            return ResultTable(graph: g, columns: cols, rows: [], shape: .graph,
                               note: "no path between \(g.name(of: a)) and \(g.name(of: b))")
        }
        var rows: [[Value]] = []
        var edges: [ResultTable.Edge] = []
        for (i, hop) in hops.enumerated() {
            let k = Int(hop.2 >> 48), c = Int((hop.2 >> 32) & 0xFFFF), r = Int(hop.2 & 0xFFFF_FFFF)
            let lab = label(k, c)
            rows.append([.int(Int64(i + 1)), .entity(hop.0), .string(lab), .entity(hop.1), provenance(k, r)])
            edges.append(.init(from: g.name(of: hop.0), label: lab, to: g.name(of: hop.1)))
        }
        return ResultTable(graph: g, columns: cols, rows: rows, shape: .graph, edges: edges,
                           note: "\(rows.count) link\(rows.count == 1 ? "" : "s") from \(g.name(of: a)) to \(g.name(of: b))")
    }

    // MARK: find

    /// Names and aliases containing the text (exact first, then prefix, then anywhere), then, for
    /// ASCII text, Chinese names whose pinyin starts with it, whose initials start with it, or
    /// whose pinyin contains it. Both searches scan indexes with `memmem` (the name index, and
    /// the pinyin index built once per graph), so `find` takes milliseconds at a million names.
    func find(_ l: Literal) throws(QueryError) -> ResultTable {
        let q = NameText.normalize(l.text)
        let ql = q.lowercased()
        let qb = Array(ql.utf8)
        // entity → (score, the string that matched: a name or an alias; nil for the pinyin
        // reading, made for display)
        var best: [EntityID: (score: Int, via: UInt32?)] = [:]
        func offer(_ e: EntityID, _ score: Int, _ via: UInt32?) {
            if let b = best[e], b.score <= score { return }
            best[e] = (score, via)
        }
        var examined = 0
        if !qb.isEmpty {
            let pool = g.strings
            let simpleQuery = Self.isSimple(qb)
            g.entitiesWithName(containing: q).forEach { e in
                examined += 1
                Self.forEachName(g, e) { s in
                    let score = pool.withBytes(s) { b in Self.matchScore(b, qb, simpleQuery: simpleQuery) } ?? {
                        let nl = pool.string(s).lowercased()
                        if nl == ql { return 0 }
                        if nl.hasPrefix(ql) { return 1 }
                        return Evaluator.contains(Array(nl.utf8), qb) ? 2 : nil
                    }()
                    if let score { offer(e, score, s) }
                }
            }
        }
        let asciiQuery = !qb.isEmpty && qb.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) }
        if asciiQuery {
            let index = PinyinIndex.of(g)
            index.searchFull(qb) { e, prefix in examined += 1; offer(e, prefix ? 3 : 5, nil) }
            index.searchInitials(qb) { e, _ in examined += 1; offer(e, 4, nil) }
        }
        try engine.checkCancel()
        engine.lastStats.rowsExamined = examined
        engine.lastStats.plan = asciiQuery ? "name index and pinyin index" : "name index"
        // Best first; then shorter names; then in collation order (by the graph's ranks when
        // they are built, else by each name's key).
        let names = g.entityName, pool = g.strings
        let ranks: [UInt32]? = CollationRankTable.isBuilt(g, .pinyin) ? CollationRankTable.of(g).pinyin : nil
        let keyed = best.map { (e, m) -> (EntityID, Int, Int, UInt32, [UInt8]) in
            let s = names[Int(e)]
            return pool.withBytes(s) { b in
                var scalars = 0
                for x in b where x & 0xC0 != 0x80 { scalars += 1 }
                var key: [UInt8] = []
                if ranks == nil { key.reserveCapacity(b.count * 3 + 2); CollationKey.append(b, to: &key) }
                return (e, m.score, scalars, ranks?[Int(s)] ?? 0, key)
            }
        }.sorted { x, y in
            if x.1 != y.1 { return x.1 < y.1 }
            if x.2 != y.2 { return x.2 < y.2 }
            if ranks != nil { return x.3 < y.3 }
            return x.4.withUnsafeBytes { p in y.4.withUnsafeBytes { q in CollationKey.compare(p, q) < 0 } }
        }
        let kindNames = kindNameValues
        let rows: [[Value]] = keyed.map { (e, score, _, _, _) in
            let kind = kindNames[Int(g.entityKind[Int(e)])]
            if let via = best[e]!.via {
                // A name matched: shown only when it is an alias.
                return [.entity(e), kind, via == names[Int(e)] ? .null : .string(pool.string(via))]
            }
            // The reading that matched, for the names found by pinyin.
            let n = g.name(of: e)
            let all = [n] + g.aliases(of: e)
            let readings = all.filter { !Pinyin.isASCII($0) }.map { score == 4 ? Pinyin.initials($0) : Pinyin.full($0) }
            let via = readings.first { score == 5 ? $0.contains(ql) : $0.hasPrefix(ql) } ?? readings.first
            return [.entity(e), kind, via == n ? .null : via.map { .string($0) } ?? .null]
        }
        return ResultTable(graph: g, columns: ["name", "kind", "matched"], rows: rows)
    }

    /// Each kind's name as a cell, by kind index (made once per statement, not once per row).
    var kindNameValues: [Value] { g.kinds.map { .string($0.name) } }

    /// Calls `body` with the string ids of entity `e`'s name, then its aliases.
    @inline(__always)
    static func forEachName(_ g: FactGraph, _ e: EntityID, _ body: (UInt32) -> Void) {
        body(g.entityName[Int(e)])
        for s in g.aliasStrings(of: e) { body(s) }
    }

    /// How text `b` matches the lower-cased query `q`: 0 the whole text, 1 its beginning, 2
    /// somewhere, nil not at all, with ASCII letters folded to lower case. `.none` when the
    /// bytes cannot decide what `String`'s `lowercased()`, `==` and `hasPrefix` would (see
    /// `isSimple`): the caller then compares the `String`s.
    static func matchScore(_ b: UnsafeRawBufferPointer, _ q: [UInt8], simpleQuery: Bool) -> Int?? {
        guard simpleQuery, isSimple(b) else { return .none }
        @inline(__always) func low(_ c: UInt8) -> UInt8 { c >= 0x41 && c <= 0x5A ? c | 0x20 : c }
        let n = b.count, m = q.count
        if m > n { return .some(nil) }
        var prefix = true
        for j in 0..<m where low(b[j]) != q[j] { prefix = false; break }
        if prefix { return .some(m == n ? 0 : 1) }
        return .some(Evaluator.contains(b, q) ? 2 : nil)
    }

    /// Whether UTF-8 text holds only characters whose bytes say all that case folding,
    /// equality and prefixes of `String`s say: ASCII but CR (CR LF is one character), and
    /// U+3000–U+9FFF (CJK punctuation, kana, Han, none with a case) but its combining marks
    /// (U+302A–U+302F, U+3099–U+309A, which join the character before them).
    static func isSimple<B: RandomAccessCollection>(_ b: B) -> Bool where B.Element == UInt8, B.Index == Int {
        var i = b.startIndex
        while i < b.endIndex {
            let x = b[i]
            if x < 0x80 {
                if x == 0x0D { return false }
                i += 1
            } else if x >= 0xE3 && x <= 0xE9 && i + 2 < b.endIndex {
                if x == 0xE3 {
                    let y = b[i + 1], z = b[i + 2]
                    if y == 0x80 && z >= 0xAA && z <= 0xAF { return false }
                    if y == 0x82 && (z == 0x99 || z == 0x9A) { return false }
                }
                i += 3
            } else {
                return false
            }
        }
        return true
    }
}
