import FactGraph
#if canImport(Glibc)
import Glibc
#endif

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
    func label(_ k: Int, _ c: Int) -> String { Self.label(g.kinds[k], c) }

    static func label(_ kind: borrowing Kind, _ c: Int) -> String { "\(kind.name).\(kind.columns[c].name)" }

    /// One line describing a relation row (or a named row) without the given entity.
    func summary(_ k: Int, _ row: Int, without e: EntityID) -> String {
        Self.summary(g, g.kinds[k], row, without: e)
    }

    /// `summary` of a row of a kind the caller holds (a card of thousands of rows reads the
    /// kind once).
    static func summary(_ g: FactGraph, _ kind: borrowing Kind, _ row: Int, without e: EntityID) -> String {
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
        Self.provenance(g, g.kinds[k], row)
    }

    static func provenance(_ g: FactGraph, _ kind: borrowing Kind, _ row: Int) -> Value {
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
        // Everything that refers to it, grouped by kind and column, in row order: each row's
        // line is made when a renderer reads it (a hub's card has hundreds of thousands, and a
        // terminal shows the first and last few).
        var sections: [CardRows.Section] = []
        var end = rows.count
        for (k2, kind2) in g.kinds.enumerated() {
            for (c, col) in kind2.columns.enumerated() where col.type.isRef {
                guard let refs = g.rows(kind: k2, column: c, referring: e), !refs.isEmpty else { continue }
                try engine.checkCancel()
                let field = Value.string(kind2.role.isNamed ? "\(kind2.name) (\(col.name))" : "\(kind2.name) (as \(col.name))")
                // Index buckets are in row order unless sorted by another column.
                let ordered = g.indexSortColumn(kind: k2, column: c) == nil ? Array(refs) : Planner.sortedRows(refs)
                end += ordered.count
                engine.lastStats.rowsExamined += ordered.count
                sections.append(CardRows.Section(field: field, kind: kind2, rows: ordered, end: end))
            }
        }
        let card = CardRows(graph: g, entity: e, head: rows, sections: sections)
        // The card's links as edges, for pictures (`.mode dot`, `svg`): each linked entity once,
        // made when a picture asks.
        let graph = g
        let edges: @Sendable () -> [ResultTable.Edge] = {
            var edges: [ResultTable.Edge] = []
            var seen = EntitySet(capacity: graph.entityCount)
            let from = graph.name(of: e)
            LinkTable.of(graph).forEachLink(graph, e) { o, k, _, c in
                if seen.contains(o) { return }
                seen.insert(o)
                edges.append(.init(from: from, label: Explorer.label(graph.kinds[k], c), to: graph.name(of: o)))
            }
            return edges
        }
        return ResultTable(graph: g, columns: ["field", "value", "source"], computed: card, shape: .card, edges: edges)
    }

    // MARK: neighbors

    func neighbors(_ l: Literal, depth: Int) throws(QueryError) -> ResultTable {
        let start = try entity(l)
        let maxDepth = max(1, min(depth, 6))
        var seen = EntitySet(capacity: g.entityCount)
        seen.insert(start)
        var frontier = [start]
        let kindNames = kindNameValues
        var rows = NeighborRows(graph: g, kindNames: kindNames)
        let links = LinkTable.of(g)
        let cancelled = engine.isCancelled
        for d in 1...maxDepth {
            let level = NeighborLevel(graph: g, links: links, kindNames: kindNames, depth: d, seenBefore: seen)
            if let split = level.split(frontier, twoCoresFrom: engine.neighborsTwoCoresFrom) {
                // The level's links in two parts on two cores, each part's entities with their
                // first link in it; the second part's are kept unless the first reached them
                // too (its links come first). This thread asks whether the statement is
                // cancelled and tells the other to stop.
                // Once its own part is done it goes on asking until the other's is (the other
                // part can take longer: the split is an estimate).
                final class Stop: @unchecked Sendable { var now = false; var secondDone = false }
                let stop = Stop()
                let (first, second) = BackgroundWork.pair({
                    let part = level.run(frontier[..<split]) {
                        if cancelled() { stop.now = true }
                        return stop.now
                    }
                    while !stop.secondDone && !stop.now {
                        if cancelled() { stop.now = true } else { usleep(1000) }
                    }
                    return part
                }, { [frontier] in
                    let part = level.run(frontier[split...]) { stop.now }
                    stop.secondDone = true
                    return part
                })
                guard let first, let second else { throw QueryError(.cancelled, 0..<0) }
                rows.append(first.rows)
                rows.append(second.rows, unless: first.seen)
                frontier = first.next + second.next.filter { !first.seen.contains($0) }
                seen = first.seen
                seen.formUnion(second.seen)
            } else {
                guard let one = level.run(frontier[...], cancelled) else { throw QueryError(.cancelled, 0..<0) }
                rows.append(one.rows)
                frontier = one.next
                seen = one.seen
            }
            if frontier.isEmpty { break }
        }
        engine.lastStats.plan = "breadth-first over reference indexes"
        var table = ResultTable(graph: g, columns: ["depth", "from", "link", "to", "kind", "source"], computed: rows, shape: .graph)
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
        var hits = FindHits(entityCount: g.entityCount)
        var examined = 0
        if !qb.isEmpty {
            examined += hits.offerNames(of: g.entitiesWithName(containing: q), g, query: ql)
        }
        let asciiQuery = !qb.isEmpty && qb.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) }
        if asciiQuery {
            let index = PinyinIndex.of(g)
            index.searchFull(qb) { e, prefix in examined += 1; hits.offer(e, prefix ? 3 : 5, FindHits.reading) }
            index.searchInitials(qb) { e, _ in examined += 1; hits.offer(e, 4, FindHits.reading) }
        }
        try engine.checkCancel()
        engine.lastStats.rowsExamined = examined
        engine.lastStats.plan = asciiQuery ? "name index and pinyin index" : "name index"
        let order = hits.ordered(g)
        try engine.checkCancel()
        return ResultTable(graph: g, columns: ["name", "kind", "matched"],
                           computed: FindRows(graph: g, entities: order, hits: hits, query: ql, kindNames: kindNameValues))
    }

    /// Each kind's name as a cell, by kind index (made once per statement, not once per row).
    var kindNameValues: [Value] { g.kinds.map { .string($0.name) } }

    /// Calls `body` with the string ids of entity `e`'s name, then its aliases.
    @inline(__always)
    static func forEachName(_ g: FactGraph, _ e: EntityID, _ body: (UInt32) -> Void) {
        body(g.entityName[Int(e)])
        g.forEachAlias(of: e, body)
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
        // A query without ASCII letters matches the bytes as they are (folding changes only
        // letters): glibc's memmem.
        if m > 0 && !q.contains(where: { $0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x7A }) {
            return .some(q.withUnsafeBytes { c_memmem(b.baseAddress!, n, $0.baseAddress!, m) } != nil ? 2 : nil)
        }
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

/// A `describe` card's rows: its fields, then a section per reference column that points at
/// the entity, whose rows become lines (`Explorer.summary`) and sources only when read.
struct CardRows: ComputedRows {
    struct Section: Sendable {
        let field: Value
        let kind: Kind
        /// The referring rows, ascending.
        let rows: [UInt32]
        /// The card row after this section's last.
        let end: Int
    }
    let graph: FactGraph
    let entity: EntityID
    /// The fields before the sections, as rows of three cells.
    let head: [[Value]]
    let sections: [Section]

    var count: Int { sections.last?.end ?? head.count }

    /// The first row is the kind (text), lines and sources are text: no column holds only
    /// numbers.
    func isNumeric(_ c: Int) -> Bool { false }

    func value(_ r: Int, _ c: Int) -> Value {
        if r < head.count { return head[r][c] }
        // The section holding row r (a card has a few sections).
        var i = 0
        while sections[i].end <= r { i += 1 }
        let s = sections[i]
        if c == 0 { return s.field }
        let row = Int(s.rows[r - (s.end - s.rows.count)])
        return c == 1 ? .string(Explorer.summary(graph, s.kind, row, without: entity)) : Explorer.provenance(graph, s.kind, row)
    }
}

/// What `find` found: each entity's best score (0 the whole name … 5 a pinyin substring) and
/// the string that matched (a name or an alias; `reading` for a pinyin reading), in arrays by
/// entity (a search that matches every firm of a million offers a million times).
struct FindHits: Sendable {
    static let none: UInt8 = 0xFF
    /// `via` of a match by a pinyin reading (made for display when the row is shown).
    static let reading = UInt32.max
    private(set) var score: [UInt8]
    private(set) var via: [UInt32]
    /// The entities found, in the order first found.
    private(set) var found: [EntityID] = []

    init(entityCount: Int) {
        score = [UInt8](repeating: Self.none, count: entityCount)
        via = [UInt32](repeating: 0, count: entityCount)
    }

    /// Offers each entity of `set` whose name or an alias holds `query` (lower-cased) with its
    /// best match among them (see `Explorer.matchScore`); returns how many were examined. A big
    /// set is matched in two halves on two cores (each writes its own entities' scores; the
    /// halves' finds are joined in order).
    mutating func offerNames(of set: EntitySet, _ g: FactGraph, query: String) -> Int {
        guard set.count > 0 else { return 0 }
        let qb = Array(query.utf8)
        let words = set.wordCount
        let half = set.count >= Self.twoCoresFrom ? words / 2 : words
        let (first, second): ([EntityID], [EntityID]) = score.withUnsafeMutableBufferPointer { sc in
            via.withUnsafeMutableBufferPointer { vi in
                let m = NameMatch(graph: g, set: set, query: query, queryBytes: qb, simpleQuery: Explorer.isSimple(qb),
                                  score: sc.baseAddress!, via: vi.baseAddress!)
                if half == words { return (m.run(0..<words), []) }
                return BackgroundWork.pair({ m.run(0..<half) }, { m.run(half..<words) })
            }
        }
        found += first
        found += second
        return set.count
    }

    /// From how many entities `offerNames` splits over two cores.
    static let twoCoresFrom = 1 << 16

    /// The matching of `offerNames` over some words of the set, writing scores and what matched
    /// through pointers (each part its own entities).
    struct NameMatch: @unchecked Sendable {
        let graph: FactGraph
        let set: EntitySet
        let query: String
        let queryBytes: [UInt8]
        let simpleQuery: Bool
        let score: UnsafeMutablePointer<UInt8>
        let via: UnsafeMutablePointer<UInt32>

        /// The entities found in `words`, in increasing order.
        func run(_ words: Range<Int>) -> [EntityID] {
            var found: [EntityID] = []
            let pool = graph.strings, qb = queryBytes, ql = query
            set.forEach(inWords: words) { e in
                Explorer.forEachName(graph, e) { s in
                    let match = pool.withBytes(s) { b in Explorer.matchScore(b, qb, simpleQuery: simpleQuery) } ?? {
                        let nl = pool.string(s).lowercased()
                        if nl == ql { return 0 }
                        if nl.hasPrefix(ql) { return 1 }
                        return Evaluator.contains(Array(nl.utf8), qb) ? 2 : nil
                    }()
                    guard let match else { return }
                    if FindHits.take(e, match, s, score, via) { found.append(e) }
                }
            }
            return found
        }
    }

    /// Keeps score `s` and what matched (`v`) for `e` when it is better than the one kept;
    /// true when `e` had none (it is found now).
    @inline(__always)
    static func take(_ e: EntityID, _ s: Int, _ v: UInt32, _ score: UnsafeMutablePointer<UInt8>, _ via: UnsafeMutablePointer<UInt32>) -> Bool {
        let i = Int(e)
        let old = score[i]
        if old != none && Int(old) <= s { return false }
        score[i] = UInt8(s)
        via[i] = v
        return old == none
    }

    mutating func offer(_ e: EntityID, _ s: Int, _ v: UInt32) {
        let first = score.withUnsafeMutableBufferPointer { sc in
            via.withUnsafeMutableBufferPointer { vi in Self.take(e, s, v, sc.baseAddress!, vi.baseAddress!) }
        }
        if first { found.append(e) }
    }

    /// The entities found, best first; then shorter names; then names in collation order: by
    /// the graph's ranks and a radix sort when they are built or when so many are found that
    /// ranking every string costs less than sorting by keys (an eighth of the strings: the
    /// ranks of a million names take about 150 ms, their keys' sort ten times that); else by
    /// their names' keys. `byRanks` decides instead (for tests: both ways give one order).
    func ordered(_ g: FactGraph, byRanks: Bool? = nil) -> [EntityID] {
        let names = g.entityName, pool = g.strings
        let many = found.count > max(20_000, pool.count / 8)
        let useRanks = byRanks ?? (many || CollationRankTable.isBuilt(g, .pinyin))
        let ranks: [UInt32]? = useRanks ? CollationRankTable.of(g).pinyin : nil
        func scalars(_ s: UInt32) -> Int { pool.withBytes(s) { Self.scalarCount($0) } }
        if let ranks {
            // Score, length in characters and rank as three integer keys (made in two halves on
            // two cores when there are many), sorted by a radix sort over their narrowed bits.
            let (byScore, byLength, byRank) = Self.keys(found, self, names, ranks, pool)
            let noNulls = [Bool](repeating: false, count: found.count)
            let columns: [RowSorter.KeyColumn] = [.codes(byScore, nulls: noNulls, descending: false),
                                                  .codes(byLength, nulls: noNulls, descending: false),
                                                  .codes(byRank, nulls: noNulls, descending: false)]
            return RowSorter.packedOrder(found, columns)
                ?? found.indices.sorted { (byScore[$0], byLength[$0], byRank[$0]) < (byScore[$1], byLength[$1], byRank[$1]) }.map { found[$0] }
        }
        let keyed = found.map { e -> (EntityID, UInt8, Int, [UInt8]) in
            let s = names[Int(e)]
            var key: [UInt8] = []
            pool.withBytes(s) { b in key.reserveCapacity(b.count * 3 + 2); CollationKey.append(b, to: &key) }
            return (e, score[Int(e)], scalars(s), key)
        }
        return keyed.sorted { x, y in
            if x.1 != y.1 { return x.1 < y.1 }
            if x.2 != y.2 { return x.2 < y.2 }
            return x.3.withUnsafeBytes { p in y.3.withUnsafeBytes { q in CollationKey.compare(p, q) < 0 } }
        }.map(\.0)
    }
}

extension FindHits {
    /// The characters (Unicode scalars) of UTF-8 text: its bytes less its continuation bytes
    /// (`10xxxxxx`), counted eight at a time.
    @inline(__always)
    static func scalarCount(_ b: UnsafeRawBufferPointer) -> Int {
        let n = b.count
        var continuation = 0, i = 0
        let high: UInt64 = 0x8080_8080_8080_8080
        while i + 8 <= n {
            let w = b.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            // Bit 7 set and bit 6 clear: w's bit 7 and the complement of bit 6 moved up.
            continuation += (w & ~(w << 1) & high).nonzeroBitCount
            i += 8
        }
        while i < n { if b[i] & 0xC0 == 0x80 { continuation += 1 }; i += 1 }
        return n - continuation
    }

    /// `ordered`'s keys per found entity: score, length in characters, the name's rank.
    static func keys(_ found: [EntityID], _ hits: FindHits, _ names: [UInt32], _ ranks: [UInt32],
                     _ pool: StringPool) -> (score: [UInt64], length: [UInt64], rank: [UInt64]) {
        let n = found.count
        var score = [UInt64](repeating: 0, count: n), length = score, rank = score
        score.withUnsafeMutableBufferPointer { s in
            length.withUnsafeMutableBufferPointer { l in
                rank.withUnsafeMutableBufferPointer { r in
                    let job = KeyJob(found: found, score: hits.score, names: names, ranks: ranks, pool: pool,
                                     outScore: s.baseAddress!, outLength: l.baseAddress!, outRank: r.baseAddress!)
                    if n >= 1 << 16 {
                        _ = BackgroundWork.pair({ job.run(0..<n / 2) }, { job.run(n / 2..<n) })
                    } else {
                        job.run(0..<n)
                    }
                }
            }
        }
        return (score, length, rank)
    }

    struct KeyJob: @unchecked Sendable {
        let found: [EntityID]
        let score: [UInt8]
        let names: [UInt32]
        let ranks: [UInt32]
        let pool: StringPool
        let outScore: UnsafeMutablePointer<UInt64>, outLength: UnsafeMutablePointer<UInt64>, outRank: UnsafeMutablePointer<UInt64>

        func run(_ range: Range<Int>) {
            for i in range {
                let e = Int(found[i])
                let s = names[e]
                outScore[i] = UInt64(score[e])
                outLength[i] = UInt64(pool.withBytes(s) { FindHits.scalarCount($0) })
                outRank[i] = UInt64(ranks[Int(s)])
            }
        }
    }
}

/// `neighbors`' rows (depth, from, link, to, kind, source) as a few integers each; labels,
/// kind names and sources are made when a row is read (a firm two links away reaches half a
/// million others).
struct NeighborRows: ComputedRows {
    let graph: FactGraph
    let kindNames: [Value]
    private var depth: [UInt8] = []
    private var from: [EntityID] = []
    private var to: [EntityID] = []
    /// Index into `links` of the fact behind each row's link, and the row it is in.
    private var link: [UInt16] = []
    private var row: [UInt32] = []
    /// Each (kind, column) that links, with its label and whether its rows name sources.
    private var links: [(kind: Int, column: Int, label: Value, sourced: Bool)] = []
    private var linkIndex: [Int: UInt16] = [:]

    init(graph: FactGraph, kindNames: [Value]) {
        self.graph = graph
        self.kindNames = kindNames
    }

    mutating func append(depth d: Int, from e: EntityID, kind k: Int, column c: Int, to o: EntityID, row r: Int) {
        depth.append(UInt8(d))
        from.append(e)
        to.append(o)
        link.append(linkNumber(k, c))
        row.append(UInt32(r))
    }

    private mutating func linkNumber(_ k: Int, _ c: Int) -> UInt16 {
        let key = k << 16 | c
        if let known = linkIndex[key] { return known }
        let l = UInt16(links.count)
        links.append((k, c, .string(Explorer.label(graph.kinds[k], c)), graph.kinds[k].hasProvenance))
        linkIndex[key] = l
        return l
    }

    /// Appends `other`'s rows, but those that reach a member of `unless`.
    mutating func append(_ other: NeighborRows, unless: EntitySet? = nil) {
        let numbers = other.links.map { linkNumber($0.kind, $0.column) }
        if unless == nil && depth.isEmpty && numbers.elementsEqual(0..<UInt16(numbers.count)) {
            (depth, from, to, link, row) = (other.depth, other.from, other.to, other.link, other.row)
            return
        }
        for i in 0..<other.count where !(unless?.contains(other.to[i]) ?? false) {
            depth.append(other.depth[i])
            from.append(other.from[i])
            to.append(other.to[i])
            link.append(numbers[Int(other.link[i])])
            row.append(other.row[i])
        }
    }

    var count: Int { depth.count }

    func value(_ r: Int, _ c: Int) -> Value {
        switch c {
        case 0: return .int(Int64(depth[r]))
        case 1: return .entity(from[r])
        case 2: return links[Int(link[r])].label
        case 3: return .entity(to[r])
        case 4: return kindNames[Int(graph.entityKind[Int(to[r])])]
        default:
            let l = links[Int(link[r])]
            return l.sourced ? Explorer.provenance(graph, graph.kinds[l.kind], Int(row[r])) : .null
        }
    }

    /// The depth is a number; the rest are names, labels and sources.
    func isNumeric(_ c: Int) -> Bool { c == 0 && count > 0 }
}

/// One level of `neighbors` over a part of its frontier: the entities its links reach that
/// were not seen before the level, each once, by its first link in the part's order.
struct NeighborLevel: @unchecked Sendable {
    let graph: FactGraph
    let links: LinkTable
    let kindNames: [Value]
    let depth: Int
    let seenBefore: EntitySet

    /// Where to split `frontier` so that each part has about half the level's links; nil when
    /// the level has fewer than `twoCoresFrom` links or a part would be empty. A big frontier's
    /// links are estimated from every `stride`-th entity's (about 4,096 of them): counting each
    /// entity's links took longer than expanding them on two cores saves, and could not be
    /// cancelled (810,000 firms at 1M: about half a second). The rows are the same wherever the
    /// split falls.
    func split(_ frontier: [EntityID], twoCoresFrom: Int) -> Int? {
        guard frontier.count >= 2, BackgroundWork.cores > 1 else { return nil }
        let stride = max(1, frontier.count / 4096)
        let degrees = Swift.stride(from: 0, to: frontier.count, by: stride).map { links.degree(graph, frontier[$0]) }
        let total = degrees.reduce(0, +)
        guard total * stride >= twoCoresFrom else { return nil }
        var sum = 0, i = 0
        while i < degrees.count - 1 && sum + degrees[i] <= total / 2 { sum += degrees[i]; i += 1 }
        return min(max(1, i * stride), frontier.count - 1)
    }

    /// The part's rows, the entities seen after it (those seen before included) and those it
    /// reached, in order; nil when `stop` says so (asked once per frontier entity).
    func run(_ part: ArraySlice<EntityID>, _ stop: () -> Bool) -> (rows: NeighborRows, seen: EntitySet, next: [EntityID])? {
        var seen = seenBefore
        var next: [EntityID] = []
        var rows = NeighborRows(graph: graph, kindNames: kindNames)
        let d = depth
        for e in part {
            if stop() { return nil }
            links.forEachLink(graph, e) { o, k, r, c in
                // Within one level, each new entity is reported once, by its first link.
                if seen.contains(o) { return }
                seen.insert(o)
                next.append(o)
                rows.append(depth: d, from: e, kind: k, column: c, to: o, row: r)
            }
        }
        return (rows, seen, next)
    }
}

/// `find`'s rows (name, kind, what matched), each made when a renderer reads it.
struct FindRows: ComputedRows {
    let graph: FactGraph
    let entities: [EntityID]
    let hits: FindHits
    /// The lower-cased query.
    let query: String
    let kindNames: [Value]

    var count: Int { entities.count }

    /// Names, kinds and matched texts: no column holds numbers.
    func isNumeric(_ c: Int) -> Bool { false }

    func value(_ r: Int, _ c: Int) -> Value {
        let e = entities[r]
        switch c {
        case 0: return .entity(e)
        case 1: return kindNames[Int(graph.entityKind[Int(e)])]
        default:
            let via = hits.via[Int(e)]
            if via != FindHits.reading {
                // A name matched: shown only when it is an alias.
                return via == graph.entityName[Int(e)] ? .null : .string(graph.strings.string(via))
            }
            // The reading that matched, for the names found by pinyin.
            let score = hits.score[Int(e)]
            let n = graph.name(of: e)
            let all = [n] + graph.aliases(of: e)
            let readings = all.filter { !Pinyin.isASCII($0) }.map { score == 4 ? Pinyin.initials($0) : Pinyin.full($0) }
            let match = readings.first { score == 5 ? $0.contains(query) : $0.hasPrefix(query) } ?? readings.first
            return match == n ? .null : match.map { .string($0) } ?? .null
        }
    }
}
