import FactGraph

/// A bound condition compiled for one relation, tested a block of rows at a time: each leaf is
/// a loop over its column for the block (no closure call per row), and `and`, `or`, `not`
/// combine the blocks' truths. A scan of five million awards under `year=2020 or year=2021`
/// takes a few milliseconds, where a call per row and per leaf (`CompiledFilter`) takes over a
/// hundred.
///
/// Three-valued like `CompiledFilter`, whose row tests are the leaves this file has no loop for
/// (hops through places, text order, provenance, computed values). `and` and `or` test their
/// later conditions only on the rows the earlier ones leave undecided, as the row tests do, so a
/// costly condition after a cheap one runs on few rows.
///
/// Not for sharing between threads: a compiled filter keeps scratch memory and caches (the
/// truths of a hop per entity). Compile one per thread.
struct BatchFilter {
    /// Writes the truth codes of `rows[0 ..< n]` to `out[0 ..< n]`; `n` is at most `blockRows`.
    typealias Block = (_ rows: UnsafePointer<UInt32>, _ n: Int, _ out: UnsafeMutablePointer<UInt8>) -> Void

    /// Rows in a block.
    static let blockRows = 1024

    let block: Block

    /// `rows`: how many rows the filter is about to test (a condition on places reads a
    /// table of every entity's place when they are many).
    init(_ p: Predicate, kind k: Int, graph g: FactGraph, rows: Int = 0) {
        block = Self.compile(p, k, g, rows)
    }

    static func compile(_ p: Predicate, _ k: Int, _ g: FactGraph, _ rowsToTest: Int) -> Block {
        let kind = g.kinds[k]
        let rowCount = kind.rowCount
        /// A stored column's array, when it has a cell for every row (always, in a built graph;
        /// checked once, so that the loops may read without bounds checks).
        func ids(_ c: Int) -> [UInt32]? {
            let a = kind.idColumn(c)
            return a.count >= rowCount ? a : nil
        }
        switch p {
        case .all(let ps):
            return combine(ps.map { compile($0, k, g, rowsToTest) }, and: true)
        case .any(let ps):
            return combine(ps.map { compile($0, k, g, rowsToTest) }, and: false)
        case .not(let x):
            let b = compile(x, k, g, rowsToTest)
            return { rows, n, out in
                b(rows, n, out)
                for i in 0..<n { out[i] = TruthCode.yes &- out[i] }
            }
        case .constant(let v):
            let code = v ? TruthCode.yes : TruthCode.no
            return { _, n, out in out.update(repeating: code, count: n) }
        case .int(.stored(let c), let op, let v) where kind.columns[c].type == .int:
            let col = kind.intColumn(c)
            guard col.count >= rowCount else { break }
            switch col.storage {
            case .i16(let a): return compare(a, null: .min, op) { $0 == v ? 0 : ($0 < v ? -1 : 1) }
            case .i32(let a): return compare(a, null: .min, op) { $0 == v ? 0 : ($0 < v ? -1 : 1) }
            case .i64(let a): return compare(a, null: Null.int, op) { $0 == v ? 0 : ($0 < v ? -1 : 1) }
            }
        case .date(.stored(let c), let op, let lo, let hi) where kind.columns[c].type == .date:
            let col = kind.intColumn(c)
            guard col.count >= rowCount else { break }
            // An interval [lo, hi): below it, in it, above it.
            switch col.storage {
            case .i16(let a): return compare(a, null: .min, op) { $0 < lo ? -1 : ($0 < hi ? 0 : 1) }
            case .i32(let a): return compare(a, null: .min, op) { $0 < lo ? -1 : ($0 < hi ? 0 : 1) }
            case .i64(let a): return compare(a, null: Null.int, op) { $0 < lo ? -1 : ($0 < hi ? 0 : 1) }
            }
        case .entityIs(.stored(let c), let es, let negated) where kind.columns[c].type.isRef:
            guard let col = ids(c) else { break }
            if es.count == 1 {
                let e = es[0]
                return idLeaf(col) { ($0 == e) != negated }
            }
            var set = EntitySet(capacity: g.entityCount)
            for e in es { set.insert(e) }
            return idLeaf(col) { [set] in set.contains($0) != negated }
        case .entityNamed(.stored(let c), let set, _, let negated) where kind.columns[c].type.isRef:
            guard let col = ids(c) else { break }
            return idLeaf(col) { set.contains($0) != negated }
        case .within(.stored(let c), let places, let negated) where kind.columns[c].type.isRef:
            guard let col = ids(c) else { break }
            let set = CompiledFilter.descendants(places, g)
            return idLeaf(col) { set.contains($0) != negated }
        case .entityIs(.place(let level), let es, let negated):
            guard let places = placeTable(k, level, g, rows: rowsToTest) else { break }
            var set = EntitySet(capacity: g.entityCount)
            for e in es { set.insert(e) }
            return placeLeaf(places) { [set] in set.contains($0) != negated }
        case .within(.place(let level), let within, let negated):
            guard let places = placeTable(k, level, g, rows: rowsToTest) else { break }
            let set = CompiledFilter.descendants(within, g)
            return placeLeaf(places) { set.contains($0) != negated }
        case .text(.stored(let c), let op, let lit) where kind.columns[c].type == .text && (op == .eq || op == .ne):
            guard let col = ids(c) else { break }
            let id = lit.withUnsafeBytes { g.strings.lookup($0) }
            return idLeaf(col) { ($0 == id) == (op == .eq) }
        case .textIn(.stored(let c), let lits, let negated) where kind.columns[c].type == .text:
            guard let col = ids(c) else { break }
            let set = CompiledFilter.textIDs(lits, g)
            return idLeaf(col) { set.contains($0) != negated }
        case .text(.stored(let c), let op, let lit)
            where (kind.columns[c].type == .text || kind.columns[c].type.isRef) && (op == .match || op == .notMatch):
            guard let col = ids(c) else { break }
            let truths = SubstringTruths(g, isRef: kind.columns[c].type.isRef, lit, op)
            return { rows, n, out in
                col.withUnsafeBufferPointer { c in
                    for i in 0..<n {
                        let x = c[Int(rows[i])]
                        out[i] = x == Null.id ? TruthCode.unknown : TruthCode.of(truths.truth(x))
                    }
                }
            }
        case .isNull(.stored(let c), let negated):
            switch kind.columns[c].type {
            case .text, .ref:
                guard let col = ids(c) else { break }
                return { rows, n, out in
                    col.withUnsafeBufferPointer { c in
                        for i in 0..<n { out[i] = TruthCode.of((c[Int(rows[i])] == Null.id) != negated) }
                    }
                }
            case .int, .date:
                let col = kind.intColumn(c)
                guard col.count >= rowCount else { break }
                switch col.storage {
                case .i16(let a): return nullLeaf(a, null: .min, negated)
                case .i32(let a): return nullLeaf(a, null: .min, negated)
                case .i64(let a): return nullLeaf(a, null: Null.int, negated)
                }
            case .number:
                break
            }
        case .has(let spec, let negated) where kind.role.isNamed:
            guard let set = spec.referred, kind.entityOfRow.count >= rowCount else { break }
            let ents = kind.entityOfRow
            return { rows, n, out in
                ents.withUnsafeBufferPointer { e in
                    for i in 0..<n { out[i] = TruthCode.of(set.contains(e[Int(rows[i])]) != negated) }
                }
            }
        case .text(.name, let op, let lit) where kind.role.isNamed && (op == .eq || op == .ne):
            guard kind.entityOfRow.count >= rowCount else { break }
            let ents = kind.entityOfRow, names = g.entityName
            let id = lit.withUnsafeBytes { g.strings.lookup($0) }
            return { rows, n, out in
                for i in 0..<n { out[i] = TruthCode.of((names[Int(ents[Int(rows[i])])] == id) == (op == .eq)) }
            }
        default:
            if let (col, set, wanted) = CompiledFilter.hopNameMatch(p, k, g), col.count >= rowCount {
                return idLeaf(col) { set.contains($0) == wanted }
            }
            // A condition on the entity a reference names: its truth per entity, from the
            // table the row test fills.
            if let hop = CompiledFilter.hopOnceParts(p, k, g) {
                let known = hop.known, test = hop.test
                // A scan of many rows: every entity's truth first, a block of its kind's rows
                // at a time (the row test would take a call per entity, and then per row for
                // the entities it has not met).
                if rowsToTest >= max(65_536, g.entityCount / 8) { CompiledFilter.fillInBlocks(p, hop.inner, known, g) }
                // Each row's entity: in the reference column, or its place up the location chain
                // from the graph's table of places; else only the row test knows it.
                let entity: (location: [UInt32], through: [UInt32]?)
                if let c = hop.column, let col = ids(c) {
                    entity = (col, nil)
                } else if let level = hop.placeLevel, let t = placeTable(k, level, g, rows: rowsToTest) {
                    entity = (t.location, t.place)
                } else {
                    return { rows, n, out in
                        for i in 0..<n { out[i] = TruthCode.of(test(Int(rows[i]))) }
                    }
                }
                return { rows, n, out in
                    entity.location.withUnsafeBufferPointer { l in
                        (entity.through ?? []).withUnsafeBufferPointer { t in
                            let through = entity.through != nil
                            for i in 0..<n {
                                let r = Int(rows[i])
                                var e = l[r]
                                if through && e != Null.id { e = Int(e) < t.count ? t[Int(e)] : Null.id }
                                let cell = e == Null.id ? 0 : known.cell(Int(e))
                                out[i] = cell != 0 ? TruthCode.of(Truth(rawValue: cell &- 1)!) : TruthCode.of(test(r))
                            }
                        }
                    }
                }
            }
        }
        // Everything else: the row test, once per row.
        let test = CompiledFilter.compile(p, k, g)
        return { rows, n, out in
            for i in 0..<n { out[i] = TruthCode.of(test(Int(rows[i]))) }
        }
    }

    /// `and` (each code the least) or `or` (the greatest) of blocks. Each later block runs only
    /// on the rows still undecided: not yet no (`and`), not yet yes (`or`).
    static func combine(_ parts: [Block], and: Bool) -> Block {
        guard let first = parts.first else {
            let code = and ? TruthCode.yes : TruthCode.no
            return { _, n, out in out.update(repeating: code, count: n) }
        }
        if parts.count == 1 { return first }
        let rest = Array(parts.dropFirst())
        let scratch = Scratch()
        let decided = and ? TruthCode.no : TruthCode.yes
        return { rows, n, out in
            first(rows, n, out)
            let sel = scratch.rows, at = scratch.at, more = scratch.codes
            for b in rest {
                var m = 0
                for i in 0..<n where out[i] != decided {
                    sel[m] = rows[i]
                    at[m] = UInt16(truncatingIfNeeded: i)
                    m += 1
                }
                if m == 0 { return }
                if m == n {
                    b(rows, n, more)
                    if and {
                        for i in 0..<n { out[i] = min(out[i], more[i]) }
                    } else {
                        for i in 0..<n { out[i] = max(out[i], more[i]) }
                    }
                } else {
                    b(sel, m, more)
                    if and {
                        for j in 0..<m { let i = Int(at[j]); out[i] = min(out[i], more[j]) }
                    } else {
                        for j in 0..<m { let i = Int(at[j]); out[i] = max(out[i], more[j]) }
                    }
                }
            }
        }
    }

    /// The memory a combination gathers its undecided rows into.
    final class Scratch {
        let rows = UnsafeMutablePointer<UInt32>.allocate(capacity: BatchFilter.blockRows)
        let at = UnsafeMutablePointer<UInt16>.allocate(capacity: BatchFilter.blockRows)
        let codes = UnsafeMutablePointer<UInt8>.allocate(capacity: BatchFilter.blockRows)
        deinit {
            rows.deallocate()
            at.deallocate()
            codes.deallocate()
        }
    }

    /// A comparison of an int column's cells: `order(x)` says whether the value `x` is below
    /// (-1), at (0) or above (1) the literal; a missing cell (`null`) is unknown.
    @inline(__always)
    static func compare<T: FixedWidthInteger>(_ col: [T], null: T, _ op: CompareOp,
                                              _ order: @escaping (Int64) -> Int) -> Block {
        @inline(__always) func loop(_ hit: @escaping (Int) -> Bool) -> Block {
            return { rows, n, out in
                col.withUnsafeBufferPointer { c in
                    for i in 0..<n {
                        let x = c[Int(rows[i])]
                        out[i] = x == null ? TruthCode.unknown : (hit(order(Int64(x))) ? TruthCode.yes : TruthCode.no)
                    }
                }
            }
        }
        switch op {
        case .eq: return loop { $0 == 0 }
        case .ne: return loop { $0 != 0 }
        case .lt: return loop { $0 < 0 }
        case .le: return loop { $0 <= 0 }
        case .gt: return loop { $0 > 0 }
        case .ge: return loop { $0 >= 0 }
        case .match, .notMatch: return { _, n, out in out.update(repeating: TruthCode.no, count: n) }
        }
    }

    /// Each row's location and every entity's place of `level` (the ancestors' table kept
    /// with the graph), when `rows` are many: the table costs a walk up from every entity, once
    /// per graph, where the row test walks up from the locations it meets. Nil for few rows, or
    /// for a relation without a location column.
    static func placeTable(_ k: Int, _ level: Int, _ g: FactGraph, rows: Int) -> (location: [UInt32], place: [UInt32])? {
        let kind = g.kinds[k]
        guard rows >= max(65_536, g.entityCount / 8), let location = kind.placeAnchors, location.count >= kind.rowCount else { return nil }
        return (location, AncestorTables.of(g).table(level))
    }

    /// A test of each row's place (its location's entry in the table): a missing one is unknown.
    static func placeLeaf(_ t: (location: [UInt32], place: [UInt32]), _ hit: @escaping (UInt32) -> Bool) -> Block {
        let location = t.location, place = t.place
        return { rows, n, out in
            location.withUnsafeBufferPointer { l in
                place.withUnsafeBufferPointer { p in
                    for i in 0..<n {
                        let x = l[Int(rows[i])]
                        let a = x == Null.id || Int(x) >= p.count ? Null.id : p[Int(x)]
                        out[i] = a == Null.id ? TruthCode.unknown : TruthCode.of(hit(a))
                    }
                }
            }
        }
    }

    /// A test of a reference or text column's ids: a missing cell is unknown.
    @inline(__always)
    static func idLeaf(_ col: [UInt32], _ hit: @escaping (UInt32) -> Bool) -> Block {
        return { rows, n, out in
            col.withUnsafeBufferPointer { c in
                for i in 0..<n {
                    let x = c[Int(rows[i])]
                    out[i] = x == Null.id ? TruthCode.unknown : TruthCode.of(hit(x))
                }
            }
        }
    }

    @inline(__always)
    static func nullLeaf<T: FixedWidthInteger>(_ col: [T], null: T, _ negated: Bool) -> Block {
        return { rows, n, out in
            col.withUnsafeBufferPointer { c in
                for i in 0..<n { out[i] = TruthCode.of((c[Int(rows[i])] == null) != negated) }
            }
        }
    }
}

/// Truths as ordered codes, so that `and` is the least of its parts, `or` the greatest, and
/// `not` is `yes − code`.
enum TruthCode {
    static let no: UInt8 = 0, unknown: UInt8 = 1, yes: UInt8 = 2

    @inline(__always) static func of(_ b: Bool) -> UInt8 { b ? yes : no }

    /// The truth a code stands for.
    @inline(__always) static func truth(_ c: UInt8) -> Truth { c == no ? .no : (c == yes ? .yes : .unknown) }

    /// no 0 → 0, yes 1 → 2, unknown 2 → 1.
    @inline(__always) static func of(_ t: Truth) -> UInt8 {
        UInt8(truncatingIfNeeded: UInt32(0x01_02_00) >> (UInt32(t.rawValue) << 3))
    }
}

/// Whether each string (or entity's name) holds a substring, found once per string or entity.
final class SubstringTruths {
    let known: TruthTable
    let isRef: Bool
    let names: [UInt32]
    let pool: StringPool
    let literal: [UInt8]
    let wanted: Bool

    init(_ g: FactGraph, isRef: Bool, _ literal: [UInt8], _ op: CompareOp) {
        self.isRef = isRef
        names = g.entityName
        pool = g.strings
        known = TruthTable(count: isRef ? g.entityCount : g.strings.count)
        self.literal = literal
        wanted = op == .match
    }

    /// The truth for the string or entity `x` (not missing).
    @inline(__always)
    func truth(_ x: UInt32) -> Truth {
        let cell = known.cell(Int(x))
        if cell != 0 { return Truth(rawValue: cell &- 1)! }
        let hit = pool.withBytes(isRef ? names[Int(x)] : x) { Evaluator.contains($0, literal) }
        let t = Truth(hit == wanted)
        known.set(Int(x), t)
        return t
    }
}
