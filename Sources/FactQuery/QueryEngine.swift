import FactGraph

/// What the last statement cost, for tests and `.timer`/`.explain`-style reports.
public struct ExecutionStats: Sendable, Hashable {
    /// Rows whose conditions were evaluated.
    public var rowsExamined = 0
    /// How the rows were found: "scan" or "index …".
    public var plan = "scan"
}

/// Runs statements against a graph.
///
///     let engine = QueryEngine(graph: g)
///     let t = try engine.execute("awards where city=济宁 and year>=2024 show recipient, honor")
///
/// The planner uses the store's indexes: an equality on an entity-valued column reads that
/// entity's rows from its index (places roll up through the location hierarchy), and among
/// several indexable conditions joined by `and` the most selective is used.
public final class QueryEngine: @unchecked Sendable {
    public let graph: FactGraph
    public var parameters: [String: String] = [:]
    /// Polled during long loops; when it returns true the statement stops with `.cancelled`.
    public var isCancelled: () -> Bool = { false }
    public internal(set) var lastStats = ExecutionStats()

    public init(graph: FactGraph) { self.graph = graph }

    /// Parses, resolves and runs one statement.
    public func execute(_ text: String) throws(QueryError) -> ResultTable {
        let st = try Parser.parse(text)
        return try run(st)
    }

    public func run(_ st: Statement) throws(QueryError) -> ResultTable {
        lastStats = ExecutionStats()
        let r = Resolver(g: graph, parameters: parameters)
        switch st {
        case .query(let q): return try query(q, r)
        case .describe(let l): return try Explorer(engine: self, resolver: r).describe(try r.literal(l))
        case .neighbors(let l, let depth): return try Explorer(engine: self, resolver: r).neighbors(try r.literal(l), depth: depth)
        case .path(let a, let b): return try Explorer(engine: self, resolver: r).path(try r.literal(a), try r.literal(b))
        case .find(let l): return Explorer(engine: self, resolver: r).find(try r.literal(l))
        }
    }

    // MARK: reading cells

    /// The value of an accessor on a row.
    @inline(__always)
    func value(_ a: Accessor, _ k: Int, _ row: Int) -> Value {
        let kind = graph.kinds[k]
        switch a {
        case .stored(let c): return graph.value(kind: k, column: c, row: row)
        case .name: return .entity(kind.entityOfRow[row])
        case .place(let p):
            let loc = graph.location(kind: k, row: row)
            if loc == Null.id { return .null }
            return graph.ancestor(of: loc, kind: p).map { .entity($0) } ?? .null
        case .aliases:
            let a = graph.aliases(of: kind.entityOfRow[row])
            return a.isEmpty ? .null : .string(a.joined(separator: ", "))
        case .source:
            let p = kind.provenance(row)
            if p.isEmpty { return .null }
            return .string(p.map { "\(graph.name(of: $0.source)):\($0.paragraph)" }.joined(separator: "; "))
        case .kindName:
            return .string(kind.name)
        case .hop(let first, _, let inner):
            guard case .entity(let e) = value(first, k, row) else { return .null }
            let k2 = Int(graph.entityKind[Int(e)])
            guard let acc = inner[k2] else { return .null }
            return value(acc, k2, Int(graph.entityRow[Int(e)]))
        }
    }

    // MARK: conditions

    func matches(_ c: BoundCondition, _ k: Int, _ row: Int) -> Bool {
        switch c {
        case .and(let a, let b): return matches(a, k, row) && matches(b, k, row)
        case .or(let a, let b): return matches(a, k, row) || matches(b, k, row)
        case .not(let a): return !matches(a, k, row)
        case .entitySet(let acc, let set, let negated):
            guard case .entity(let e) = value(acc, k, row) else { return negated }
            return set.contains(e) != negated
        case .entityIn(.place, let targets, _, let negated):
            // A place column holds where the row lies: the condition is "lies within the place",
            // so city=兖州区 finds rows in 兖州区 even though their city is 济宁市.
            let loc = graph.location(kind: k, row: row)
            if loc == Null.id { return negated }
            return targets.contains { graph.isWithin(loc, $0) } != negated
        case .entityIn(let acc, let targets, let rollUp, let negated):
            guard case .entity(let e) = value(acc, k, row) else { return negated }
            var hit = false
            for t in targets where e == t || (rollUp && graph.kinds[Int(graph.entityKind[Int(t)])].role == .place && graph.isWithin(e, t)) {
                hit = true
                break
            }
            return hit != negated
        case .sourceIn(let ids, let negated):
            let hit = graph.kinds[k].provenance(row).contains { ids.contains($0.source) }
            return hit != negated
        case .text(let acc, let op, let lit):
            let v = value(acc, k, row)
            if case .entity(let e) = v, op == .match || op == .notMatch {
                // An entity matches by its name or any alias.
                let names = [graph.name(of: e)] + graph.aliases(of: e)
                let hit = names.contains { Self.contains(Array($0.utf8), lit) }
                return hit != (op == .notMatch)
            }
            if v == .null { return op == .ne || op == .notMatch }
            return Self.compareText(Array(graph.display(v).utf8), op, lit)
        case .int(let acc, let op, let lit):
            switch value(acc, k, row) {
            case .int(let v): return Self.compare(v, op, lit)
            case .null: return op == .ne
            default: return false
            }
        case .number(let acc, let op, let lit):
            switch value(acc, k, row) {
            case .number(let v): return Self.compare(v, op, lit)
            case .int(let v): return Self.compare(Double(v), op, lit)
            case .null: return op == .ne
            default: return false
            }
        case .date(let acc, let op, let lo, let hi):
            guard case .date(let v) = value(acc, k, row) else { return op == .ne }
            switch op {
            case .eq: return v >= lo && v < hi
            case .ne: return !(v >= lo && v < hi)
            case .lt: return v < lo
            case .le: return v < hi
            case .gt: return v >= hi
            case .ge: return v >= lo
            case .match, .notMatch: return false
            }
        case .dynamic(let acc, let op, let lit):
            let v = value(acc, k, row)
            switch v {
            case .null: return op == .ne || op == .notMatch
            case .int(let x):
                if let y = Int64(lit.text) { return Self.compare(x, op, y) }
            case .number(let x):
                if let y = Double(lit.text) { return Self.compare(x, op, y) }
            case .date(let x):
                if let d = FactGraph.parseDate(lit.text) { return Self.compare(x, op, d) }
            case .entity(let e):
                if op == .eq || op == .ne, let t = graph.entity(named: lit.text) {
                    let hit = e == t || (graph.kindOf(t).role == .place && graph.isWithin(e, t))
                    return hit != (op == .ne)
                }
                if op == .match || op == .notMatch {
                    let names = [graph.name(of: e)] + graph.aliases(of: e)
                    return names.contains { Self.contains(Array($0.utf8), Array(lit.text.utf8)) } != (op == .notMatch)
                }
            default: break
            }
            return Self.compareText(Array(graph.display(v).utf8), op, Array(lit.text.utf8))
        }
    }

    @inline(__always)
    static func compare<T: Comparable>(_ a: T, _ op: CompareOp, _ b: T) -> Bool {
        switch op {
        case .eq: return a == b
        case .ne: return a != b
        case .lt: return a < b
        case .le: return a <= b
        case .gt: return a > b
        case .ge: return a >= b
        case .match, .notMatch: return false
        }
    }

    static func compareText(_ a: [UInt8], _ op: CompareOp, _ b: [UInt8]) -> Bool {
        switch op {
        case .match: return contains(a, b)
        case .notMatch: return !contains(a, b)
        default: return compare(a.lexicographicallyPrecedes(b) ? -1 : (a == b ? 0 : 1), op, 0)
        }
    }

    /// Substring test, ASCII letters case-insensitively.
    static func contains(_ hay: [UInt8], _ needle: [UInt8]) -> Bool {
        if needle.isEmpty { return true }
        if needle.count > hay.count { return false }
        @inline(__always) func low(_ c: UInt8) -> UInt8 { c >= 0x41 && c <= 0x5A ? c | 0x20 : c }
        let first = low(needle[0])
        var i = 0
        let last = hay.count - needle.count
        while i <= last {
            if low(hay[i]) == first {
                var j = 1
                while j < needle.count && low(hay[i + j]) == low(needle[j]) { j += 1 }
                if j == needle.count { return true }
            }
            i += 1
        }
        return false
    }

    // MARK: planning

    /// Candidate rows from an index, in row order, or nil when the condition needs a scan.
    /// `sortedBy` tells whether the rows come straight from one index bucket sorted by a column.
    struct Candidates {
        /// The rows, in row order (or in `sortedBy` order when `bucket` is set).
        var rows: [UInt32] { bucketRows.map { Array($0) } ?? list }
        var list: [UInt32]
        /// One index bucket, read without copying (sorted by `sortedBy`, not by row).
        var bucketRows: ArraySlice<UInt32>?
        var plan: String
        var sortedBy: Int?
        /// The rows are exactly those that satisfy the condition: no need to test each.
        var exact: Bool
        var count: Int { bucketRows?.count ?? list.count }

        init(rows: [UInt32], plan: String, sortedBy: Int?, exact: Bool = true) {
            self.list = rows
            self.plan = plan
            self.sortedBy = sortedBy
            self.exact = exact
        }

        init(bucket: ArraySlice<UInt32>, plan: String, sortedBy: Int?) {
            self.list = []
            self.bucketRows = bucket
            self.plan = plan
            self.sortedBy = sortedBy
            self.exact = true
        }

        /// The rows in row order.
        var inRowOrder: [UInt32] {
            guard let b = bucketRows else { return list }
            return sortedBy == nil ? Array(b) : b.sorted()
        }
    }

    func candidates(_ c: BoundCondition, _ k: Int) -> Candidates? {
        let kind = graph.kinds[k]
        switch c {
        case .entityIn(let acc, let targets, let rollUp, let negated):
            if negated { return nil }
            var parts: [Candidates] = []
            for t in targets {
                guard let p = lookup(acc, t, rollUp: rollUp, kind) else { return nil }
                parts.append(p)
            }
            if parts.count == 1 { return parts[0] }
            return Candidates(rows: union(parts.map(\.inRowOrder)), plan: parts.map(\.plan).joined(separator: " ∪ "), sortedBy: nil)
        case .entitySet(let acc, let set, let negated):
            if negated { return nil }
            switch acc {
            case .name:
                var rows: [UInt32] = []
                set.forEach { e in if Int(graph.entityKind[Int(e)]) == k { rows.append(graph.entityRow[Int(e)]) } }
                rows.sort()
                return Candidates(rows: rows, plan: "name index scan (\(set.count) names match)", sortedBy: nil)
            case .stored(let c) where graph.hasIndex(kind: k, column: c) && set.count <= 10_000:
                var parts: [[UInt32]] = []
                set.forEach { e in
                    if let r = graph.rows(kind: k, column: c, referring: e), !r.isEmpty { parts.append(Array(r)) }
                }
                return Candidates(rows: union(parts), plan: "name index scan, then index \(kind.plural).\(kind.columns[c].name)", sortedBy: nil)
            default:
                return nil
            }
        case .and(let a, let b):
            let x = candidates(a, k), y = candidates(b, k)
            var pick: Candidates
            switch (x, y) {
            case (nil, nil): return nil
            case (let x?, nil): pick = x
            case (nil, let y?): pick = y
            case (let x?, let y?): pick = x.count <= y.count ? x : y
            }
            pick.exact = false   // the other side still has to be tested
            return pick
        case .or(let a, let b):
            guard let x = candidates(a, k), let y = candidates(b, k) else { return nil }
            var u = Candidates(rows: union([x.inRowOrder, y.inRowOrder]), plan: "\(x.plan) ∪ \(y.plan)", sortedBy: nil)
            u.exact = x.exact && y.exact
            return u
        default:
            return nil
        }
    }

    /// Rows of kind `kind` whose accessor `acc` holds `t` (or, for a place, anything within it).
    func lookup(_ acc: Accessor, _ t: EntityID, rollUp: Bool, _ kind: Kind) -> Candidates? {
        let k = kind.index
        let isPlace = graph.kindOf(t).role == .place
        switch acc {
        case .name:
            guard Int(graph.entityKind[Int(t)]) == k else {
                if rollUp && isPlace { return withinPlace(t, kind) }
                return Candidates(rows: [], plan: "name index", sortedBy: nil)
            }
            return Candidates(rows: [graph.entityRow[Int(t)]], plan: "name index", sortedBy: nil)
        case .stored(let c):
            guard graph.hasIndex(kind: k, column: c) else { return nil }
            if rollUp && isPlace {
                if kind.columns[c].isLocation { return withinPlace(t, kind) }
                var parts: [[UInt32]] = []
                for d in graph.descendants(of: t) {
                    if let r = graph.rows(kind: k, column: c, referring: d), !r.isEmpty { parts.append(Array(r)) }
                }
                return Candidates(rows: union(parts), plan: "index \(kind.plural).\(kind.columns[c].name) (rolled up)", sortedBy: nil)
            }
            let r = graph.rows(kind: k, column: c, referring: t) ?? []
            return Candidates(bucket: r, plan: "index \(kind.plural).\(kind.columns[c].name)", sortedBy: graph.indexSortColumn(kind: k, column: c))
        case .place:
            return withinPlace(t, kind)
        default:
            return nil
        }
    }

    /// Rows of `kind` located within place (or entity) `t`, through the location index.
    func withinPlace(_ t: EntityID, _ kind: Kind) -> Candidates? {
        let k = kind.index
        let ds = graph.descendants(of: t)
        if kind.role.isNamed {
            var rows: [UInt32] = []
            for d in ds where Int(graph.entityKind[Int(d)]) == k { rows.append(graph.entityRow[Int(d)]) }
            rows.sort()
            return Candidates(rows: rows, plan: "location index (\(ds.count) places and things within)", sortedBy: nil)
        }
        guard let lc = kind.locationColumn, graph.hasIndex(kind: k, column: lc) else { return nil }
        var parts: [[UInt32]] = []
        for d in ds {
            if let r = graph.rows(kind: k, column: lc, referring: d), !r.isEmpty { parts.append(Array(r)) }
        }
        return Candidates(rows: union(parts), plan: "location index (\(ds.count) places and things within)", sortedBy: nil)
    }

    /// Sorted union of row lists.
    func union(_ parts: [[UInt32]]) -> [UInt32] {
        if parts.count == 1 { return parts[0].sorted() }
        var all = parts.flatMap { $0 }
        all.sort()
        var out: [UInt32] = []
        out.reserveCapacity(all.count)
        for r in all where out.last != r { out.append(r) }
        return out
    }

    // MARK: queries

    func checkCancel() throws(QueryError) {
        if isCancelled() { throw QueryError(.cancelled, 0..<0) }
    }

    func query(_ q: Query, _ r: Resolver) throws(QueryError) -> ResultTable {
        let k = try r.relation(q.relation)
        let kind = graph.kinds[k]
        let cond = try q.condition.map { (c) throws(QueryError) in try r.condition(c, in: k) }

        if q.isCount { return try count(q, k, cond, r) }

        // Columns to show.
        var shown: [(String, Accessor)] = []
        var isDefault = false
        if let s = q.show {
            for p in s { shown.append((p.text, try r.path(p, in: k))) }
        } else {
            isDefault = !q.showAll
            if kind.role.isNamed { shown.append(("name", .name)) }
            for (c, col) in kind.columns.enumerated() {
                if col.isLocation, let p = r.placeKind(named: col.name) { shown.append((col.name, .place(p))) } else { shown.append((col.name, .stored(c))) }
            }
            if q.showAll && kind.role.isNamed { shown.append(("aliases", .aliases)) }
            shown.append(("source", .source))
        }
        let orderAcc: [(Accessor, Bool)] = try q.order.map { (o) throws(QueryError) in (try r.path(o.column, in: k), o.descending) }

        // Rows.
        var rows: [Int] = []
        let want = q.limit.map { $0 + (q.offset ?? 0) }
        let cand = cond.flatMap { candidates($0, k) }
        if let cand {
            lastStats.plan = cand.plan
            // Early stop: a bucket sorted by the single order column, read from the needed end.
            if let want, orderAcc.count == 1, case .stored(let oc) = orderAcc[0].0, cand.sortedBy == oc, let bucket = cand.bucketRows {
                rows = try topFromSorted(bucket, cond!, k, oc, descending: orderAcc[0].1, want: want)
                lastStats.plan += ", read in \(kind.columns[oc].name) order"
                return try table(kind, shown, isDefault, Array(rows.dropFirst(q.offset ?? 0)))
            }
            let list = cand.inRowOrder
            if cand.exact {
                // The index answered the whole condition: every candidate is a result.
                lastStats.rowsExamined += list.count
                rows = list.map { Int($0) }
            } else {
                for (i, row) in list.enumerated() {
                    if i & 0xFFFF == 0 { try checkCancel() }
                    lastStats.rowsExamined += 1
                    if matches(cond!, k, Int(row)) { rows.append(Int(row)) }
                }
            }
        } else {
            lastStats.plan = "scan"
            for row in 0..<kind.rowCount {
                if row & 0xFFFF == 0 { try checkCancel() }
                lastStats.rowsExamined += 1
                if cond.map({ matches($0, k, row) }) ?? true { rows.append(row) }
            }
        }
        if !orderAcc.isEmpty {
            rows = try sortRows(rows, k, orderAcc, limit: want)
        }
        if let off = q.offset { rows = Array(rows.dropFirst(off)) }
        if let lim = q.limit { rows = Array(rows.prefix(lim)) }
        return try table(kind, shown, isDefault, rows)
    }

    /// Reads a bucket sorted ascending by `oc` from the right end, group by group, keeping row
    /// order within equal values, until `want` rows match.
    func topFromSorted(_ bucket: ArraySlice<UInt32>, _ cond: BoundCondition, _ k: Int, _ oc: Int, descending: Bool, want: Int) throws(QueryError) -> [Int] {
        var out: [Int] = []
        let kind = graph.kinds[k]
        let col = kind.intColumn(oc)
        // Nulls sort last in both directions (they sit first in the bucket).
        // Nulls sit first in the bucket; find where they end by binary search.
        var lo = bucket.startIndex, hi = bucket.endIndex
        while lo < hi {
            let mid = (lo + hi) / 2
            if col[Int(bucket[mid])] == Null.int { lo = mid + 1 } else { hi = mid }
        }
        let nonNull = bucket[lo...]
        let nulls = bucket[..<lo]
        if descending {
            // Groups of equal values from the top, rows within a group in row order.
            var i = nonNull.endIndex
            while i > nonNull.startIndex {
                var j = i - 1
                let v = col[Int(nonNull[j])]
                while j > nonNull.startIndex && col[Int(nonNull[j - 1])] == v { j -= 1 }
                for r in nonNull[j..<i] {
                    lastStats.rowsExamined += 1
                    if matches(cond, k, Int(r)) { out.append(Int(r)); if out.count >= want { return out } }
                }
                i = j
            }
        } else {
            for r in nonNull {
                lastStats.rowsExamined += 1
                if matches(cond, k, Int(r)) { out.append(Int(r)); if out.count >= want { return out } }
            }
        }
        for r in nulls {
            lastStats.rowsExamined += 1
            if matches(cond, k, Int(r)) { out.append(Int(r)); if out.count >= want { return out } }
        }
        return out
    }

    /// Orders values: nulls last; numbers numerically; text and names in natural order (numbers
    /// inside text, Chinese numerals too, compare by value: 第二届 < 第十届).
    static func less(_ a: Value, _ b: Value, _ g: FactGraph) -> Bool? {
        switch (a, b) {
        case (.null, .null): return nil
        case (.null, _): return false
        case (_, .null): return true
        case (.int(let x), .int(let y)): return x == y ? nil : x < y
        case (.date(let x), .date(let y)): return x == y ? nil : x < y
        case (.number(let x), .number(let y)): return x == y ? nil : x < y
        case (.int(let x), .number(let y)): return Double(x) == y ? nil : Double(x) < y
        case (.number(let x), .int(let y)): return x == Double(y) ? nil : x < Double(y)
        case (.text(let x), .text(let y)) where x == y: return nil
        case (.entity(let x), .entity(let y)) where x == y: return nil
        default:
            return NaturalOrder.less(g.display(a), g.display(b))
        }
    }

    func sortRows(_ rows: [Int], _ k: Int, _ keys: [(Accessor, Bool)], limit: Int?) throws(QueryError) -> [Int] {
        try checkCancel()
        var vals: [[Value]] = []
        vals.reserveCapacity(rows.count)
        for (i, r) in rows.enumerated() {
            if i & 0xFFFF == 0 { try checkCancel() }
            vals.append(keys.map { value($0.0, k, r) })
        }
        var idx = Array(rows.indices)
        let g = graph
        // The comparator polls for cancellation now and then; once cancelled it stops comparing
        // (any order will do) and the statement ends with `.cancelled` below.
        var comparisons = 0
        var cancelled = false
        let isCancelled = self.isCancelled
        idx.sort { a, b in
            comparisons &+= 1
            if comparisons & 0x3FFF == 0 && !cancelled { cancelled = isCancelled() }
            if cancelled { return a < b }
            for (i, key) in keys.enumerated() {
                if let lt = Self.less(vals[a][i], vals[b][i], g) {
                    // nulls stay last in both directions
                    if vals[a][i] == .null || vals[b][i] == .null { return lt }
                    return key.1 ? !lt : lt
                }
            }
            return a < b
        }
        try checkCancel()
        return idx.map { rows[$0] }
    }

    /// The values of one column for the given rows, reading the column's storage once.
    func columnValues(_ acc: Accessor, _ k: Int, _ rows: [Int]) -> [Value] {
        let kind = graph.kinds[k]
        switch acc {
        case .stored(let c):
            switch kind.columns[c].type {
            case .text:
                let col = kind.idColumn(c)
                return rows.map { let v = col[$0]; return v == Null.id ? .null : .text(v) }
            case .ref:
                let col = kind.idColumn(c)
                return rows.map { let v = col[$0]; return v == Null.id ? .null : .entity(v) }
            case .int:
                let col = kind.intColumn(c)
                return rows.map { let v = col[$0]; return v == Null.int ? .null : .int(v) }
            case .date:
                let col = kind.intColumn(c)
                return rows.map { let v = col[$0]; return v == Null.int ? .null : .date(v) }
            case .number:
                let col = kind.numberColumn(c)
                return rows.map { let v = col[$0]; return v.isNaN ? .null : .number(v) }
            }
        case .name:
            let ents = kind.entityOfRow
            return rows.map { .entity(ents[$0]) }
        default:
            return rows.map { value(acc, k, $0) }
        }
    }

    func table(_ kind: Kind, _ shown: [(String, Accessor)], _ dropEmpty: Bool, _ rows: [Int]) throws(QueryError) -> ResultTable {
        var cols = shown
        // Column by column, so each column's storage is fetched once.
        var columns: [[Value]] = []
        for c in cols {
            try checkCancel()
            columns.append(columnValues(c.1, kind.index, rows))
        }
        var data: [[Value]] = []
        data.reserveCapacity(rows.count)
        for i in rows.indices {
            if i & 0xFFFF == 0 { try checkCancel() }
            data.append(columns.map { $0[i] })
        }
        if dropEmpty && !rows.isEmpty {
            // The default projection leaves out columns that have no value in any result row.
            let keep = cols.indices.filter { c in data.contains { $0[c] != .null } }
            if keep.count != cols.count {
                cols = keep.map { cols[$0] }
                data = data.map { row in keep.map { row[$0] } }
            }
        }
        return ResultTable(graph: graph, columns: cols.map(\.0), rows: data)
    }

    // MARK: count

    func count(_ q: Query, _ k: Int, _ cond: BoundCondition?, _ r: Resolver) throws(QueryError) -> ResultTable {
        let kind = graph.kinds[k]
        let keys: [(String, Accessor)] = try q.groupBy.map { (p) throws(QueryError) in (p.text, try r.path(p, in: k)) }
        // Rows to count.
        var rowList: [UInt32]? = nil
        if let cond {
            var out: [UInt32] = []
            if let cand = candidates(cond, k) {
                lastStats.plan = cand.plan
                let list = cand.inRowOrder
                if cand.exact {
                    lastStats.rowsExamined += list.count
                    out = list
                } else {
                    for (i, row) in list.enumerated() {
                        if i & 0xFFFF == 0 { try checkCancel() }
                        lastStats.rowsExamined += 1
                        if matches(cond, k, Int(row)) { out.append(row) }
                    }
                }
            } else {
                lastStats.plan = "scan"
                for row in 0..<kind.rowCount {
                    if row & 0xFFFF == 0 { try checkCancel() }
                    lastStats.rowsExamined += 1
                    if matches(cond, k, row) { out.append(UInt32(row)) }
                }
            }
            rowList = out
        } else {
            lastStats.plan = "scan"
            lastStats.rowsExamined = kind.rowCount
        }
        let n = rowList?.count ?? kind.rowCount

        var groups: [([Value], Int)]
        if keys.isEmpty {
            groups = [([], n)]
        } else if keys.count == 1, let fast = try countByEntity(keys[0].1, k, rowList) {
            groups = fast
        } else {
            var counts: [[Value]: Int] = [:]
            var order: [[Value]] = []
            func add(_ row: Int) {
                let key = keys.map { value($0.1, k, row) }
                if let c = counts[key] { counts[key] = c + 1 } else { counts[key] = 1; order.append(key) }
            }
            if let rowList {
                for (i, row) in rowList.enumerated() { if i & 0xFFFF == 0 { try checkCancel() }; add(Int(row)) }
            } else {
                for row in 0..<kind.rowCount { if row & 0xFFFF == 0 { try checkCancel() }; add(row) }
            }
            groups = order.map { ($0, counts[$0]!) }
        }

        // Sort: by count descending, then keys ascending; or as ordered.
        let g = graph
        if q.order.isEmpty {
            groups.sort { a, b in
                if a.1 != b.1 { return a.1 > b.1 }
                for i in a.0.indices { if let lt = Self.less(a.0[i], b.0[i], g) { return lt } }
                return false
            }
        } else {
            var keyIdx: [(Int, Bool)] = []
            for o in q.order {
                let name = o.column.text.lowercased()
                if name == "count" { keyIdx.append((-1, o.descending)); continue }
                guard let i = keys.firstIndex(where: { $0.0.lowercased() == name }) else {
                    throw QueryError(.notInCount(o.column.text), o.column.range)
                }
                keyIdx.append((i, o.descending))
            }
            groups.sort { a, b in
                for (i, desc) in keyIdx {
                    let x: Value = i < 0 ? .int(Int64(a.1)) : a.0[i]
                    let y: Value = i < 0 ? .int(Int64(b.1)) : b.0[i]
                    if let lt = Self.less(x, y, g) { return desc ? !lt : lt }
                }
                return false
            }
        }
        if let off = q.offset { groups = Array(groups.dropFirst(off)) }
        if let lim = q.limit { groups = Array(groups.prefix(lim)) }
        return ResultTable(graph: graph, columns: keys.map(\.0) + ["count"],
                           rows: groups.map { $0.0 + [.int(Int64($0.1))] })
    }

    /// Group-count by one entity-valued key with an array of counters instead of a hash table:
    /// the fast path of `count awards by city` (one pass over the location column, each
    /// location's place looked up once).
    func countByEntity(_ acc: Accessor, _ k: Int, _ rowList: [UInt32]?) throws(QueryError) -> [([Value], Int)]? {
        let kind = graph.kinds[k]
        let n = graph.entityCount
        var counts = [Int32](repeating: 0, count: n + 1)   // slot n: null
        switch acc {
        case .place(let p):
            guard kind.role == .relation, let lc = kind.locationColumn else { return nil }
            let loc = kind.idColumn(lc)
            var memo = [UInt32](repeating: UInt32.max - 1, count: n)   // unknown yet
            let nullSlot = UInt32(n)
            @inline(__always) func slot(_ e: UInt32) -> UInt32 {
                if e == Null.id { return nullSlot }
                var m = memo[Int(e)]
                if m == UInt32.max - 1 {
                    m = graph.ancestor(of: e, kind: p) ?? nullSlot
                    memo[Int(e)] = m
                }
                return m
            }
            if let rowList {
                for r in rowList { counts[Int(slot(loc[Int(r)]))] += 1 }
            } else {
                loc.withUnsafeBufferPointer { lp in
                    counts.withUnsafeMutableBufferPointer { cp in
                        for i in 0..<lp.count { cp[Int(slot(lp[i]))] &+= 1 }
                    }
                }
            }
        case .stored(let c):
            guard kind.columns[c].type.isRef else { return nil }
            let col = kind.idColumn(c)
            if let rowList {
                for r in rowList { let v = col[Int(r)]; counts[v == Null.id ? n : Int(v)] += 1 }
            } else {
                col.withUnsafeBufferPointer { cp in
                    counts.withUnsafeMutableBufferPointer { cnt in
                        for v in cp { cnt[v == Null.id ? n : Int(v)] &+= 1 }
                    }
                }
            }
        default:
            return nil
        }
        try checkCancel()
        var out: [([Value], Int)] = []
        for e in 0..<n where counts[e] > 0 { out.append(([.entity(EntityID(e))], Int(counts[e]))) }
        if counts[n] > 0 { out.append(([.null], Int(counts[n]))) }
        return out
    }
}
