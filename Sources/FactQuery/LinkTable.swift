import CMemory
import FactGraph

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Every way facts link entities, with the column arrays each link reads, gathered once per
/// graph so that walking the graph (`neighbors`, `path`) reads arrays instead of looking kinds
/// and columns up for every entity.
///
/// Links come from the facts themselves: a named row's reference columns (an enterprise's city),
/// and each relation row, which links its anchor (the location column, e.g. an award's recipient)
/// with each of its other references (the honor, the recommending department).
final class LinkTable: @unchecked Sendable {
    /// A named kind's reference column, read forward (an enterprise → its city).
    struct Forward { let kind: Int; let column: Int; let ids: [UInt32] }
    /// A reference column read backward (a city ← the enterprises in it).
    struct Backward {
        let kind: Int
        let column: Int
        /// For a named kind: the entity of each row.
        let entityOfRow: [UInt32]?
        /// For a relation: the columns the link leads to from this one (the others when this is
        /// the anchor; the anchor otherwise), with their arrays.
        let targets: [(column: Int, ids: [UInt32])]
        /// Whether this column is the relation's anchor (the link is labelled by the other
        /// column either way, so an edge reads the same from both ends).
        let isAnchor: Bool
    }
    let forward: [[Forward]]      // per kind
    let backward: [Backward]

    static func of(_ g: FactGraph) -> LinkTable { g.derived.value(LinkTable.self) { LinkTable(g) } }

    /// The anchor column of a relation kind: its location column, else its first reference.
    static func anchor(_ kind: Kind) -> Int? {
        kind.locationColumn ?? kind.columns.firstIndex { $0.type.isRef }
    }

    init(_ g: FactGraph) {
        var fw: [[Forward]] = []
        var bw: [Backward] = []
        for (k, kind) in g.kinds.enumerated() {
            var f: [Forward] = []
            let anchor = kind.role.isNamed ? nil : Self.anchor(kind)
            for (c, col) in kind.columns.enumerated() where col.type.isRef {
                if kind.role.isNamed { f.append(Forward(kind: k, column: c, ids: kind.idColumn(c))) }
                guard g.hasIndex(kind: k, column: c) else { continue }
                if kind.role.isNamed {
                    bw.append(Backward(kind: k, column: c, entityOfRow: kind.entityOfRow, targets: [], isAnchor: false))
                } else if c == anchor {
                    let others = kind.columns.indices.filter { $0 != c && kind.columns[$0].type.isRef }
                    bw.append(Backward(kind: k, column: c, entityOfRow: nil, targets: others.map { ($0, kind.idColumn($0)) }, isAnchor: true))
                } else if let a = anchor {
                    bw.append(Backward(kind: k, column: c, entityOfRow: nil, targets: [(a, kind.idColumn(a))], isAnchor: false))
                }
            }
            fw.append(f)
        }
        forward = fw
        backward = bw
    }

    /// How many links `e` has (what expanding it costs).
    func degree(_ g: FactGraph, _ e: EntityID) -> Int {
        let k = Int(g.entityKind[Int(e)])
        var d = forward[k].count
        for b in backward {
            let n = g.rows(kind: b.kind, column: b.column, referring: e)?.count ?? 0
            d += n * max(1, b.targets.count)
        }
        return d
    }

    /// What expanding a frontier costs, estimated from up to 256 of its entities.
    func cost(_ g: FactGraph, _ frontier: [EntityID]) -> Int {
        let sample = frontier.count <= 256 ? frontier[...] : frontier.prefix(256)
        let sum = sample.reduce(0) { $0 + degree(g, $1) }
        return frontier.count <= 256 ? sum : sum * frontier.count / 256
    }

    /// Calls `body(other, kind, row, column)` for every link of `e`: `column` is the column that
    /// holds `other` (for a relation row) or the referring column (for a named row).
    @inline(__always)
    func forEachLink(_ g: FactGraph, _ e: EntityID, _ body: (EntityID, Int, Int, Int) -> Void) {
        _ = visitLinks(g, e) { o, k, r, c in body(o, k, r, c); return true }
    }

    /// The first link of `e` (in `forEachLink`'s order) whose other end is `o`, as
    /// `(kind, row, column)`; it stops there.
    func firstLink(_ g: FactGraph, from e: EntityID, to o: EntityID) -> (kind: Int, row: Int, column: Int)? {
        var found: (kind: Int, row: Int, column: Int)? = nil
        _ = visitLinks(g, e) { other, k, r, c in
            if other == o { found = (k, r, c) }
            return found == nil
        }
        return found
    }

    /// `forEachLink`, stopping when `body` returns false; false if it stopped.
    @inline(__always)
    private func visitLinks(_ g: FactGraph, _ e: EntityID, _ body: (EntityID, Int, Int, Int) -> Bool) -> Bool {
        let k = Int(g.entityKind[Int(e)])
        let row = Int(g.entityRow[Int(e)])
        for f in forward[k] {
            let v = f.ids[row]
            if v != Null.id && v != e && !body(v, k, row, f.column) { return false }
        }
        for b in backward {
            guard let rows = g.rows(kind: b.kind, column: b.column, referring: e), !rows.isEmpty else { continue }
            if let ents = b.entityOfRow {
                if !Self.visit(rows, ents, except: e, { body($0, b.kind, $1, b.column) }) { return false }
            } else {
                for t in b.targets {
                    if !Self.visit(rows, t.ids, except: e, { body($0, b.kind, $1, b.isAnchor ? t.column : b.column) }) { return false }
                }
            }
        }
        return true
    }

    /// Calls `body(id, row)` for each row's id in `ids` (not missing, not `e`), until it returns
    /// false; false if it stopped. A bucket's rows lie anywhere in the column (a relation's are
    /// in year order): the id sixteen rows ahead is fetched early.
    @inline(__always)
    private static func visit(_ rows: ArraySlice<UInt32>, _ ids: [UInt32], except e: EntityID,
                              _ body: (EntityID, Int) -> Bool) -> Bool {
        ids.withUnsafeBufferPointer { p in
            rows.withUnsafeBufferPointer { rs in
                let m = rs.count
                for j in 0..<m {
                    if j &+ 16 < m { factsh_prefetch(p.baseAddress! + Int(rs[j &+ 16])) }
                    let r = Int(rs[j])
                    let v = p[r]
                    if v != Null.id && v != e && !body(v, r) { return false }
                }
                return true
            }
        }
    }

    /// Appends the other end of every link of `e` to `out`, in `forEachLink`'s order: a tight
    /// loop over each index's rows, so that the reads of the rows' columns overlap.
    func appendOthers(_ g: FactGraph, _ e: EntityID, to out: inout [EntityID]) {
        let k = Int(g.entityKind[Int(e)])
        let row = Int(g.entityRow[Int(e)])
        for f in forward[k] {
            let v = f.ids[row]
            if v != Null.id && v != e { out.append(v) }
        }
        for b in backward {
            guard let rows = g.rows(kind: b.kind, column: b.column, referring: e), !rows.isEmpty else { continue }
            if let ents = b.entityOfRow {
                Self.gather(rows, ents, except: e, to: &out)
            } else {
                for t in b.targets { Self.gather(rows, t.ids, except: e, to: &out) }
            }
        }
    }

    private static func gather(_ rows: ArraySlice<UInt32>, _ ids: [UInt32], except e: EntityID, to out: inout [EntityID]) {
        out.reserveCapacity(out.count + rows.count)
        _ = visit(rows, ids, except: e) { v, _ in out.append(v); return true }
    }
}

/// Reusable marks for breadth-first searches over a graph's entities, so that a search clears
/// nothing as large as the graph. Each entity has four words side by side, in one cache line:
/// its stamp on side 0 and on side 1, then its predecessor on each side. One search at a time.
final class SearchMarks: @unchecked Sendable {
    let n: Int
    var words: [UInt32]
    var generation: UInt32 = 0
    /// Where the search leaves the words it read only to bring them into the cache, so that the
    /// reads are kept.
    var sink: UInt32 = 0
    private var mutex = pthread_mutex_t()

    static func of(_ g: FactGraph) -> SearchMarks { g.derived.value(SearchMarks.self) { SearchMarks(g.entityCount) } }

    init(_ n: Int) {
        self.n = n
        words = [UInt32](repeating: 0, count: 4 * n)
        pthread_mutex_init(&mutex, nil)
    }

    /// Runs a search with fresh marks: `body(generation, words)`, where entity `e`'s stamp on
    /// side `s` is `words[4 * e + s]` and its predecessor there `words[4 * e + 2 + s]`.
    func withFreshMarks<R>(_ body: (UInt32, UnsafeMutableBufferPointer<UInt32>) throws -> R) rethrows -> R {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        generation &+= 1
        if generation == 0 {
            for i in words.indices where i & 3 < 2 { words[i] = 0 }
            generation = 1
        }
        let gen = generation
        return try words.withUnsafeMutableBufferPointer { w in try body(gen, w) }
    }
}
