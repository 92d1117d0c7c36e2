/// An entity's identity: a dense index into the graph's entity arrays.
public typealias EntityID = UInt32

/// A typed cell value, decoded from columnar storage for display or comparison.
public enum Value: Sendable, Hashable {
    case null
    case int(Int64)
    case number(Double)
    case text(UInt32)
    /// `yyyymmdd`, with `00` for an unknown month or day.
    case date(Int64)
    case entity(EntityID)
    /// A computed text (a count label, joined aliases …) that is not in the string pool.
    case string(String)
}

/// The in-memory fact graph: kinds with columnar rows, interned strings, a name/alias index,
/// an index per reference column, and the place hierarchy.
///
/// Built by `GraphBuilder`; immutable afterwards, so a query never sees a half-loaded graph.
public final class FactGraph: @unchecked Sendable {
    public internal(set) var strings = StringPool()
    /// Data the query layer derives from this graph once (collation ranks, pinyin index).
    public let derived = DerivedCache()
    public internal(set) var kinds: [Kind] = []
    /// Lookup by kind name or plural (lower-cased).
    var kindByName: [String: Int] = [:]

    // Entities (named rows of entity and place kinds).
    public internal(set) var entityKind: [UInt16] = []
    public internal(set) var entityRow: [UInt32] = []
    public internal(set) var entityName: [UInt32] = []
    /// Aliases per entity (not including the canonical name), as string ids: entity `e`'s are
    /// `aliasIDs[aliasStart[e] ..< aliasStart[e + 1]]`. `aliasStart` ends after the last entity
    /// that has any (the entities of a big kind without aliases cost nothing).
    var aliasStart: [UInt32] = [0]
    var aliasIDs: [UInt32] = []

    /// The positions of entity `e`'s aliases in `aliasIDs`.
    @inline(__always)
    func aliasRange(_ e: Int) -> Range<Int> {
        e + 1 < aliasStart.count ? Int(aliasStart[e])..<Int(aliasStart[e + 1]) : 0..<0
    }

    /// The name index. Its keys are names and aliases with ASCII letters lower-cased, held in
    /// `strings` like any text: a name without upper-case ASCII letters (every Chinese one) is its
    /// own key, so its bytes are stored once. `keyStrings` lists the keys' string ids in the order
    /// they were claimed; `entityOfString[s]` is the entity that string `s` names as a key, or
    /// `Null.id` (ids past its end name nothing).
    var keyStrings: [UInt32] = []
    var entityOfString: [EntityID] = []

    /// The entity each entity is located in (its location column's value), or `Null.id`.
    public internal(set) var parent: [EntityID] = []
    /// The entities located directly in each entity (CSR over `parent`); `childStart` ends after
    /// the last entity that has any.
    var childStart: [UInt32] = []
    var childList: [EntityID] = []

    /// Per kind, per column: for reference columns, the rows referring to each entity (CSR).
    var refIndex: [[RefIndex?]] = []

    /// `source` kind index (predeclared in every graph).
    public internal(set) var sourceKind: Int = 0

    init() {}

    public var entityCount: Int { entityKind.count }

    // MARK: kinds

    /// The kind with this singular or plural name, case-insensitively (the table's keys are
    /// lowercase, so a lowercase name is looked up as it is).
    public func kind(named name: String) -> Int? { kindByName[name] ?? kindByName[name.lowercased()] }

    // MARK: entities

    public func name(of e: EntityID) -> String { strings.string(entityName[Int(e)]) }

    public func kindOf(_ e: EntityID) -> Kind { kinds[Int(entityKind[Int(e)])] }

    /// The string ids of entity `e`'s aliases.
    public func aliasStrings(of e: EntityID) -> ArraySlice<UInt32> { aliasIDs[aliasRange(Int(e))] }

    /// Calls `body` with each alias's string id of `e`, in order (no slice of the aliases made:
    /// for loops over every entity).
    @inline(__always)
    public func forEachAlias(of e: EntityID, _ body: (UInt32) -> Void) {
        let r = aliasRange(Int(e))
        if r.isEmpty { return }
        aliasIDs.withUnsafeBufferPointer { p in for i in r { body(p[i]) } }
    }

    public func aliases(of e: EntityID) -> [String] {
        aliasRange(Int(e)).map { strings.string(aliasIDs[$0]) }
    }

    /// The entity that this name or alias names exactly (ASCII letters case-insensitively).
    /// - Complexity: O(length of `name`).
    public func entity(named name: String) -> EntityID? {
        var key = Array(name.utf8)
        Self.normalizeKey(&key)
        return key.withUnsafeBytes { entity(namedKey: $0) }
    }

    /// Entity lookup over raw bytes (no allocation for already-normal keys).
    public func entity(namedBytes p: UnsafeRawBufferPointer) -> EntityID? {
        if !CSVBytes.hasUpper(p) { return entity(namedKey: p) }
        var key = Array(p)
        Self.normalizeKey(&key)
        return key.withUnsafeBytes { entity(namedKey: $0) }
    }

    /// The entity whose key (normalized name or alias) is exactly these bytes.
    /// - Complexity: O(length of `p`) expected.
    func entity(namedKey p: UnsafeRawBufferPointer) -> EntityID? {
        guard let s = strings.lookup(p) else { return nil }
        return entity(ofKeyString: s)
    }

    /// The entity string `s` names as a key, if any.
    @inline(__always)
    func entity(ofKeyString s: UInt32) -> EntityID? {
        guard Int(s) < entityOfString.count else { return nil }
        let e = entityOfString[Int(s)]
        return e == Null.id ? nil : e
    }

    /// Makes string `k` a key naming `e` (the caller knows it names nothing yet).
    func setKey(_ k: UInt32, _ e: EntityID) {
        Self.setKey(k, e, &entityOfString, &keyStrings)
    }

    /// `setKey` on the arrays themselves (taken out of the graph while names are added in bulk).
    @inline(__always)
    static func setKey(_ k: UInt32, _ e: EntityID, _ entityOfString: inout [EntityID], _ keyStrings: inout [UInt32]) {
        let i = Int(k)
        if i >= entityOfString.count { entityOfString.append(contentsOf: repeatElement(Null.id, count: i + 1 - entityOfString.count)) }
        entityOfString[i] = e
        keyStrings.append(k)
    }

    /// Every (key, entity) pair of the name index, for suggestion and completion.
    public func allNames() -> [(name: String, entity: EntityID)] {
        var out: [(String, EntityID)] = []
        out.reserveCapacity(entityCount * 2)
        for e in 0..<entityCount {
            out.append((strings.string(entityName[e]), EntityID(e)))
            for a in aliasRange(e) { out.append((strings.string(aliasIDs[a]), EntityID(e))) }
        }
        return out
    }

    static func normalizeKey(_ b: inout [UInt8]) {
        for i in b.indices where b[i] >= 0x41 && b[i] <= 0x5A { b[i] |= 0x20 }
    }

    // MARK: places

    /// The location chain of an entity: itself, then each entity it is located in, upward.
    public func chain(of e: EntityID) -> [EntityID] {
        var out: [EntityID] = []
        var cur = e
        var guardCount = 0
        while cur != Null.id && guardCount < 64 {
            out.append(cur)
            cur = parent[Int(cur)]
            guardCount += 1
        }
        return out
    }

    /// Whether `ancestor` is `e` or on its location chain.
    @inline(__always)
    public func isWithin(_ e: EntityID, _ ancestor: EntityID) -> Bool {
        var cur = e
        var n = 0
        while cur != Null.id && n < 64 {
            if cur == ancestor { return true }
            cur = parent[Int(cur)]
            n += 1
        }
        return false
    }

    /// The first entity of kind `kind` on `e`'s location chain.
    public func ancestor(of e: EntityID, kind: Int) -> EntityID? {
        guard let k = UInt16(exactly: kind) else { return nil }
        let a = entityKind.withUnsafeBufferPointer { ek in parent.withUnsafeBufferPointer { up in Self.walkUp(e, k, ek, up) } }
        return a == Null.id ? nil : a
    }

    /// `ancestor(of:kind:)` of every entity, `Null.id` where there is none.
    public func ancestors(ofKind kind: Int) -> [EntityID] {
        guard let k = UInt16(exactly: kind) else { return [EntityID](repeating: Null.id, count: entityCount) }
        return entityKind.withUnsafeBufferPointer { ek in
            parent.withUnsafeBufferPointer { up in (0 ..< ek.count).map { Self.walkUp(EntityID($0), k, ek, up) } }
        }
    }

    /// Up the location chain from `e` (itself first, at most 64 entities) to the first of kind
    /// `k`; `Null.id` if none.
    @inline(__always)
    private static func walkUp(_ e: EntityID, _ k: UInt16, _ ek: UnsafeBufferPointer<UInt16>, _ up: UnsafeBufferPointer<EntityID>) -> EntityID {
        var cur = e
        var n = 0
        while cur != Null.id && n < 64 {
            if ek[Int(cur)] == k { return cur }
            cur = up[Int(cur)]
            n += 1
        }
        return Null.id
    }

    /// The entities located directly in `e`.
    public func children(of e: EntityID) -> ArraySlice<EntityID> {
        guard Int(e) + 1 < childStart.count else { return [] }
        return childList[Int(childStart[Int(e)])..<Int(childStart[Int(e) + 1])]
    }

    /// `e` and everything located in it, transitively (breadth-first).
    public func descendants(of e: EntityID) -> [EntityID] {
        var out: [EntityID] = [e]
        var i = 0
        while i < out.count {
            out.append(contentsOf: children(of: out[i]))
            i += 1
        }
        return out
    }

    // MARK: rows

    /// The location entity of a row: for a named row, the entity itself; for a relation row, the
    /// value of its location column.
    @inline(__always)
    public func location(kind k: Int, row: Int) -> EntityID {
        let kind = kinds[k]
        if kind.role.isNamed { return kind.entityOfRow[row] }
        guard let lc = kind.locationColumn else { return Null.id }
        return kind.id(lc, row)
    }

    /// The decoded value of a cell.
    public func value(kind k: Int, column c: Int, row: Int) -> Value {
        Self.value(of: kinds[k], column: c, row: row)
    }

    /// `value(kind:column:row:)` of a kind the caller holds: a loop over many cells reads the
    /// kind once, not once a cell.
    public static func value(of kind: borrowing Kind, column c: Int, row: Int) -> Value {
        switch kind.columns[c].type {
        case .text:
            let v = kind.id(c, row)
            return v == Null.id ? .null : .text(v)
        case .ref:
            let v = kind.id(c, row)
            return v == Null.id ? .null : .entity(v)
        case .int:
            let v = kind.int(c, row)
            return v == Null.int ? .null : .int(v)
        case .date:
            let v = kind.int(c, row)
            return v == Null.int ? .null : .date(v)
        case .number:
            let v = kind.number(c, row)
            return v.isNaN ? .null : .number(v)
        }
    }

    /// The rows of kind `k` whose reference column `c` holds entity `e`.
    /// - Complexity: O(1) to find, O(result) to read.
    public func rows(kind k: Int, column c: Int, referring e: EntityID) -> ArraySlice<UInt32>? {
        guard let idx = refIndex[k][c] else { return nil }
        return idx.rows(for: e)
    }

    /// The column by which the rows returned by `rows(kind:column:referring:)` are sorted
    /// (ascending, ties in row order), if any.
    public func indexSortColumn(kind k: Int, column c: Int) -> Int? { refIndex[k][c]?.sortedBy }

    /// Calls `body(start, rows)` with the index of column `c` of kind `k` (nil without one):
    /// the rows referring to entity `e` are `rows[start[e] ..< start[e + 1]]` when
    /// `e + 1 < start.count`, none otherwise. Rows with no value are in no bucket.
    public func withIndex<R, E: Error>(kind k: Int, column c: Int,
                                       _ body: (UnsafeBufferPointer<UInt32>, UnsafeBufferPointer<UInt32>) throws(E) -> R) throws(E) -> R? {
        guard let idx = refIndex[k][c] else { return nil }
        return try idx.start.withUnsafeBufferPointer { (s) throws(E) in
            try idx.rows.withUnsafeBufferPointer { (r) throws(E) in try body(s, r) }
        }
    }

    /// Whether column `c` of kind `k` has an index.
    public func hasIndex(kind k: Int, column c: Int) -> Bool { refIndex[k][c] != nil }

    /// Text for display.
    public func display(_ v: Value) -> String {
        switch v {
        case .null: return ""
        case .int(let i): return String(i)
        case .number(let d): return Self.displayNumber(d)
        case .text(let s): return strings.string(s)
        case .date(let d): return Self.formatDate(d)
        case .entity(let e): return name(of: e)
        case .string(let s): return s
        }
    }

    /// A number for the screen: at most 15 significant digits (as sqlite3 prints), so an average
    /// shows 85.02, not 85.02000000000001. Files keep every digit (`formatNumber`).
    public static func displayNumber(_ d: Double) -> String {
        let exact = formatNumber(d)
        guard d.isFinite, d != 0 else { return exact }
        var digits = 0
        for c in exact.utf8 {
            if c == UInt8(ascii: "e") || c == UInt8(ascii: "E") { return exact }
            if c >= 0x30 && c <= 0x39 && (digits > 0 || c != 0x30) { digits += 1 }
        }
        guard digits > 15 else { return exact }
        var magnitude = 0
        var a = abs(d)
        while a >= 10 { a /= 10; magnitude += 1 }
        while a < 1 { a *= 10; magnitude -= 1 }
        let shift = 14 - magnitude
        guard shift >= -300 && shift <= 300 else { return exact }
        var scale = 1.0
        for _ in 0..<abs(shift) { scale *= 10 }
        let r = shift >= 0 ? (d * scale).rounded() / scale : (d / scale).rounded() * scale
        return r.isFinite ? formatNumber(r) : exact
    }

    public static func formatNumber(_ d: Double) -> String {
        if d == d.rounded() && abs(d) < 1e15 { return String(Int64(d)) }
        return String(d)
    }

    public static func formatDate(_ d: Int64) -> String {
        let y = d / 10000, m = (d / 100) % 100, day = d % 100
        func two(_ x: Int64) -> String { x < 10 ? "0\(x)" : "\(x)" }
        if m == 0 { return String(y) }
        if day == 0 { return "\(y)-\(two(m))" }
        return "\(y)-\(two(m))-\(two(day))"
    }

    /// Parses `2024`, `2024-09` or `2024-09-10` into `yyyymmdd`.
    public static func parseDate(_ b: UnsafeRawBufferPointer) -> Int64? {
        func digits(_ r: Range<Int>) -> Int64? {
            var v: Int64 = 0
            for i in r {
                let c = b[i]
                guard c >= 0x30 && c <= 0x39 else { return nil }
                v = v * 10 + Int64(c - 0x30)
            }
            return v
        }
        let n = b.count
        guard n == 4 || n == 7 || n == 10, let y = digits(0..<4) else { return nil }
        var m: Int64 = 0, d: Int64 = 0
        if n >= 7 {
            guard b[4] == 0x2D, let mm = digits(5..<7), mm >= 1, mm <= 12 else { return nil }
            m = mm
        }
        if n == 10 {
            guard b[7] == 0x2D, let dd = digits(8..<10), dd >= 1, dd <= 31 else { return nil }
            d = dd
        }
        return y * 10000 + m * 100 + d
    }

    public static func parseDate(_ s: String) -> Int64? {
        var s = s
        return s.withUTF8 { parseDate(UnsafeRawBufferPointer($0)) }
    }
}

/// Rows referring to each entity, as compressed sparse rows.
/// A class, so that reading one out of the graph's table of indexes (once per entity in a
/// walk) retains one object, not each of its arrays.
final class RefIndex: Sendable {
    let start: [UInt32]
    let rows: [UInt32]
    /// The column (of the same kind) by which each bucket's rows are sorted ascending, if any;
    /// ties keep row order.
    let sortedBy: Int?

    init(start: [UInt32], rows: [UInt32], sortedBy: Int?) {
        self.start = start
        self.rows = rows
        self.sortedBy = sortedBy
    }

    @inline(__always)
    func rows(for e: EntityID) -> ArraySlice<UInt32> {
        if Int(e) + 1 >= start.count { return [] }
        return rows[Int(start[Int(e)])..<Int(start[Int(e) + 1])]
    }

    /// The index of one reference column: rows bucketed by the entity they refer to (a counting
    /// sort, rows in order), then, with `sortKeys`, each bucket sorted by its rows' keys
    /// (ascending, `Null.int` first, ties in row order) — the year of an award, so that "honor=X
    /// order by year desc limit 20" reads 20 rows. The offsets array is sized by the largest id
    /// the column holds, not by every entity (`rows(for:)` answers [] beyond it).
    ///
    /// Keys of a small range (years) go along with the rows as one-byte ranks while they are
    /// bucketed (in the top byte of the row numbers), so each bucket is sorted from its own
    /// values; other keys are gathered a block of buckets at a time. Either way no permutation of
    /// every row is held, and the keys are read in row order or a block at a time.
    ///
    /// With `threads` 2 the rows are split in two halves, counted and bucketed at the same time
    /// (the second half's rows go after the first half's in each bucket), and the buckets sorted
    /// in two ranges.
    /// - Complexity: O(n + largest id), plus each bucket's sort: O(m) with ranks or keys of a
    ///   small range, else O(m log m).
    static func build(column: [UInt32], sortKeys: IndexSortKeys? = nil, sortedBy: Int? = nil, threads: Int = 1) -> RefIndex {
        column.withUnsafeBufferPointer { col in
            let n = col.count
            let parts = threads > 1 && n >= 2 ? 2 : 1
            let cut = parts == 1 ? [0, n] : [0, n / 2, n]
            func inParallel(_ body: @escaping (Int) -> Void) {
                if parts == 1 { body(0) } else { CSVParallel.run([{ body(0) }, { body(1) }]) }
            }
            final class Shared: @unchecked Sendable {
                var maxID = [-1, -1]
                var counts: [[UInt32]] = [[], []]
            }
            let shared = Shared()
            inParallel { p in
                var m = -1
                for r in cut[p]..<cut[p + 1] { let v = col[r]; if v != Null.id && Int(v) > m { m = Int(v) } }
                shared.maxID[p] = m
            }
            let buckets = shared.maxID.max()! + 1
            // Each part's count per bucket, then (below) its cursor into the bucket.
            inParallel { p in
                var count = [UInt32](repeating: 0, count: buckets)
                count.withUnsafeMutableBufferPointer { c in
                    for r in cut[p]..<cut[p + 1] { let v = col[r]; if v != Null.id { c[Int(v)] &+= 1 } }
                }
                shared.counts[p] = count
            }
            var start = [UInt32](repeating: 0, count: buckets + 1)
            start.withUnsafeMutableBufferPointer { st in
                var cursors = shared.counts
                shared.counts = []
                var at: UInt32 = 0
                for b in 0..<buckets {
                    st[b] = at
                    for p in 0..<parts {
                        let c = cursors[p][b]
                        cursors[p][b] = at
                        at &+= c
                    }
                }
                st[buckets] = at
                shared.counts = cursors
            }
            let total = Int(start[buckets])
            // Small-range keys of a column of fewer than 2^24 rows ride in the top byte of the row
            // numbers while the rows are bucketed: sorting a bucket's packed values then sorts it
            // by (rank, row).
            var packed: (keys: IntColumn, lowest: Int64)? = nil
            if case .smallRange(let keys, let lowest) = sortKeys, n < 1 << 24 { packed = (keys, lowest) }
            var rows = [UInt32](unsafeUninitializedCapacity: total) { out, count in
                let out = out
                inParallel { p in
                    shared.counts[p].withUnsafeMutableBufferPointer { cursor in
                        if let (keys, lowest) = packed {
                            for r in cut[p]..<cut[p + 1] {
                                let v = col[r]
                                if v == Null.id { continue }
                                let i = Int(cursor[Int(v)])
                                let key = keys[r]
                                let rank = key == Null.int ? 0 : UInt32(truncatingIfNeeded: key &- lowest &+ 1)
                                out[i] = UInt32(truncatingIfNeeded: r) | rank << 24
                                cursor[Int(v)] = UInt32(truncatingIfNeeded: i + 1)
                            }
                        } else {
                            for r in cut[p]..<cut[p + 1] {
                                let v = col[r]
                                if v == Null.id { continue }
                                let i = Int(cursor[Int(v)])
                                out[i] = UInt32(truncatingIfNeeded: r)
                                cursor[Int(v)] = UInt32(truncatingIfNeeded: i + 1)
                            }
                        }
                    }
                }
                count = total
            }
            shared.counts = []
            guard let sortKeys else { return RefIndex(start: start, rows: rows, sortedBy: nil) }
            // The buckets in two ranges of about as many rows.
            var split = buckets
            if parts == 2 {
                var lo = 0, hi = buckets
                while lo < hi {
                    let mid = (lo + hi) / 2
                    if Int(start[mid]) < total / 2 { lo = mid + 1 } else { hi = mid }
                }
                split = lo
            }
            let ranges = parts == 1 ? [0..<buckets] : [0..<split, split..<buckets]
            start.withUnsafeBufferPointer { st in
                rows.withUnsafeMutableBufferPointer { rs in
                    let rs = rs
                    switch sortKeys {
                    case _ where packed != nil:
                        inParallel { p in
                            var sorter = BucketSorter()
                            for b in ranges[p] {
                                let s = Int(st[b]), e = Int(st[b + 1])
                                if e - s > 1 { sorter.sort(packed: UnsafeMutableBufferPointer(rebasing: rs[s..<e])) }
                            }
                            let all = ranges[p].isEmpty ? 0..<0 : Int(st[ranges[p].lowerBound])..<Int(st[ranges[p].upperBound])
                            for i in all { rs[i] &= 0xFF_FFFF }
                        }
                    case .smallRange(let values, _), .values(let values):
                        Self.sortByGathering(rs, st, ranges, Array(values), inParallel)
                    }
                }
            }
            return RefIndex(start: start, rows: rows, sortedBy: sortedBy)
        }
    }

    /// Sorts the buckets of `ranges` by `values`, gathered a block of buckets at a time
    /// (independent loads, which the CPU overlaps: the rows of one bucket lie anywhere).
    private static func sortByGathering(_ rs: UnsafeMutableBufferPointer<UInt32>, _ st: UnsafeBufferPointer<UInt32>,
                                        _ ranges: [Range<Int>], _ values: [Int64], _ inParallel: (@escaping (Int) -> Void) -> Void) {
        inParallel { p in
            values.withUnsafeBufferPointer { keys in
                var sorter = BucketSorter()
                var b = ranges[p].lowerBound
                let end = ranges[p].upperBound
                while b < end {
                    let s = Int(st[b])
                    var next = b + 1
                    while next < end && Int(st[next + 1]) - s <= BucketSorter.block { next += 1 }
                    let e = Int(st[next])
                    let gathered = sorter.gather(UnsafeBufferPointer(rebasing: rs[s..<e]), keys)
                    for x in b..<next {
                        let xs = Int(st[x]), xe = Int(st[x + 1])
                        if xe - xs > 1 {
                            sorter.sort(UnsafeMutableBufferPointer(rebasing: rs[xs..<xe]),
                                        UnsafeMutableBufferPointer(rebasing: gathered[(xs - s)..<(xe - s)]))
                        }
                    }
                    b = next
                }
                sorter.release()
            }
        }
    }
}

/// The keys an index's buckets are sorted by, with their smallest value when all of them but
/// nulls lie in a range of fewer than 255 (years): then each row's rank in that range fits in a
/// byte (0 for null), which `RefIndex.build` carries along with the row.
enum IndexSortKeys {
    case smallRange(IntColumn, lowest: Int64)
    case values(IntColumn)

    /// - Complexity: O(n).
    static func of(_ values: IntColumn) -> IndexSortKeys {
        var lo = Int64.max, hi = Int64.min
        for v in values where v != Null.int { lo = min(lo, v); hi = max(hi, v) }
        guard lo <= hi else { return .smallRange(values, lowest: 0) }
        let (span, overflow) = hi.subtractingReportingOverflow(lo)
        return !overflow && span < 255 ? .smallRange(values, lowest: lo) : .values(values)
    }
}

/// Sorts the rows of index buckets (each in ascending row order) by their keys, stably, with
/// `Null.int` first. Keeps its scratch space from bucket to bucket.
struct BucketSorter {
    /// Rows whose keys are gathered at a time (several small buckets, or one big one).
    static let block = 4096
    /// Buckets up to this size are sorted by insertion.
    static let small = 16

    private var gatheredKeys: UnsafeMutableBufferPointer<Int64> = .init(start: nil, count: 0)
    private var counts: [Int] = []
    private var rowsOut: [UInt32] = []
    private var pairs: [(key: Int64, row: UInt32)] = []

    /// The keys of `rows`, in a buffer valid until the next call.
    mutating func gather(_ rows: UnsafeBufferPointer<UInt32>, _ keys: UnsafeBufferPointer<Int64>) -> UnsafeMutableBufferPointer<Int64> {
        if gatheredKeys.count < rows.count {
            gatheredKeys.deallocate()
            gatheredKeys = .allocate(capacity: max(Self.block, rows.count))
        }
        for i in rows.indices { gatheredKeys[i] = keys[Int(rows[i])] }
        return UnsafeMutableBufferPointer(rebasing: gatheredKeys[0..<rows.count])
    }

    /// Sorts `rows` by `keys` (`keys[i]` is the key of `rows[i]`; both are reordered).
    mutating func sort(_ rows: UnsafeMutableBufferPointer<UInt32>, _ keys: UnsafeMutableBufferPointer<Int64>) {
        let m = rows.count
        var sorted = true
        var lo = Int64.max, hi = Int64.min
        var prev = Int64.min
        for k in keys {
            if k < prev { sorted = false }
            prev = k
            if k != Null.int { lo = min(lo, k); hi = max(hi, k) }
        }
        if sorted { return }   // a file sorted by the key, or a bucket of one year
        if m <= Self.small {
            for i in 1..<m {
                let k = keys[i], r = rows[i]
                var j = i
                while j > 0 && keys[j - 1] > k { keys[j] = keys[j - 1]; rows[j] = rows[j - 1]; j -= 1 }
                keys[j] = k
                rows[j] = r
            }
            return
        }
        // lo <= hi here: a bucket of nulls only is sorted.
        let (span, overflow) = hi.subtractingReportingOverflow(lo)
        if !overflow && span < Int64(max(256, 4 * m)) {
            // Counting sort over the key range, slot 0 for nulls.
            let range = Int(span) + 2
            counts.removeAll(keepingCapacity: true)
            counts.append(contentsOf: repeatElement(0, count: range + 1))
            rowsOut.removeAll(keepingCapacity: true)
            rowsOut.append(contentsOf: repeatElement(0, count: m))
            counts.withUnsafeMutableBufferPointer { count in
                rowsOut.withUnsafeMutableBufferPointer { out in
                    for k in keys { count[(k == Null.int ? 0 : Int(k &- lo) + 1) + 1] += 1 }
                    for i in 0..<range { count[i + 1] += count[i] }
                    for i in 0..<m {
                        let k = keys[i]
                        let slot = k == Null.int ? 0 : Int(k &- lo) + 1
                        out[count[slot]] = rows[i]
                        count[slot] += 1
                    }
                    for i in 0..<m { rows[i] = out[i] }
                }
            }
            return
        }
        pairs.removeAll(keepingCapacity: true)
        for i in 0..<m { pairs.append((keys[i], rows[i])) }
        pairs.sort { $0.key != $1.key ? $0.key < $1.key : $0.row < $1.row }
        for i in 0..<m { rows[i] = pairs[i].row }
    }

    /// Sorts row numbers that carry a one-byte rank in their top byte by that value (so by rank,
    /// then row).
    mutating func sort(packed rows: UnsafeMutableBufferPointer<UInt32>) {
        let m = rows.count
        var sorted = true
        var prev: UInt32 = 0
        for v in rows {
            if v < prev { sorted = false; break }
            prev = v
        }
        if sorted { return }
        if m <= Self.small {
            for i in 1..<m {
                let v = rows[i]
                var j = i
                while j > 0 && rows[j - 1] > v { rows[j] = rows[j - 1]; j -= 1 }
                rows[j] = v
            }
            return
        }
        // Counting sort by the rank byte: stable, and the rows are ascending within a rank.
        counts.removeAll(keepingCapacity: true)
        counts.append(contentsOf: repeatElement(0, count: 257))
        rowsOut.removeAll(keepingCapacity: true)
        rowsOut.append(contentsOf: repeatElement(0, count: m))
        counts.withUnsafeMutableBufferPointer { count in
            rowsOut.withUnsafeMutableBufferPointer { out in
                for v in rows { count[Int(v >> 24) + 1] += 1 }
                for i in 0..<256 { count[i + 1] += count[i] }
                for v in rows {
                    let k = Int(v >> 24)
                    out[count[k]] = v
                    count[k] += 1
                }
                for i in 0..<m { rows[i] = out[i] }
            }
        }
    }

    /// Frees the gathered keys' buffer.
    mutating func release() {
        gatheredKeys.deallocate()
        gatheredKeys = .init(start: nil, count: 0)
    }
}
