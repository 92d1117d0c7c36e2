import FactGraph

/// What the last statement cost, for tests and reports.
public struct ExecutionStats: Sendable, Hashable {
    /// Rows whose conditions were evaluated (or that an index answered).
    public var rowsExamined = 0
    /// How the rows were found, in one line.
    public var plan = "scan"
}

/// Runs statements against a graph: parse, bind, plan, run.
///
///     let engine = QueryEngine(graph: g)
///     let t = try engine.execute("awards where city=济宁 and year>=2024 show recipient, honor")
///     engine.lastNotes   // e.g. a fragment taken as the one name that contains it
///     engine.lastPlan    // the plan, with estimated and examined rows
public final class QueryEngine: @unchecked Sendable {
    public let graph: FactGraph
    public var parameters: [String: String] = [:]
    /// Polled during long loops; when it returns true the statement stops with `.cancelled`.
    public var isCancelled: () -> Bool = { false }
    public internal(set) var lastStats: ExecutionStats {
        get {
            var s = stats
            if let p = statsPlan { s.plan = p.summary(graph) }
            return s
        }
        set {
            stats = newValue
            statsPlan = nil
        }
    }
    private var stats = ExecutionStats()
    /// The plan of the last query, put into words only when `lastStats` is read (most
    /// statements never are, and the words cost as much as a small indexed query).
    private var statsPlan: QueryPlan?
    /// Notes about the last statement's answer (printed as `note: …` by the shell).
    public internal(set) var lastNotes: [QueryNote] = []
    /// The last relation statement's plan.
    public internal(set) var lastPlan: QueryPlan?

    /// `count(distinct)` of an entity or text column keeps a bit per group and id up to this
    /// many bits (16 MB), else sorts (group, id) pairs.
    var distinctBitsLimit = 1 << 27

    /// A level of `neighbors` with this many links or more is expanded on two cores.
    var neighborsTwoCoresFrom = 1 << 20

    /// From how many selected rows a count by an indexed reference and a small int column reads
    /// the reference's buckets in name order (`groupsFromIndex`).
    var indexGroupsFrom = 1 << 16

    public init(graph: FactGraph) { self.graph = graph }

    var evaluator: Evaluator { Evaluator(g: graph) }
    var planner: Planner { Planner(g: graph) }

    /// Parses, binds and runs one statement.
    public func execute(_ text: String) throws(QueryError) -> ResultTable {
        let bytes = Array(text.utf8)
        return try execute(bytes: bytes, range: 0..<bytes.count)
    }

    /// Runs one statement that the splitter cut from a longer input (error ranges are offsets
    /// into the whole chunk).
    public func execute(_ piece: StatementSplitter.Piece) throws(QueryError) -> ResultTable {
        try execute(bytes: piece.chunk, range: piece.range)
    }

    public func execute(bytes: [UInt8], range: Range<Int>) throws(QueryError) -> ResultTable {
        lastNotes = []
        lastPlan = nil
        return try run(try parse(bytes: bytes, range: range))
    }

    /// Statements parsed before, by their text and where it starts in its chunk (error
    /// positions are offsets into the chunk, so the same text elsewhere is parsed anew). A
    /// statement that runs again (a script's loop, a line from history, a benchmark) skips the
    /// lexer and the parser; binding still happens every time, as parameters and the graph's
    /// names decide it. Short statements only, and a bounded number of them.
    private var parsed: [ParsedKey: Statement] = [:]
    private struct ParsedKey: Hashable {
        let offset: Int
        let text: [UInt8]

        /// The text's bytes in one call (an array of bytes hashes element by element).
        func hash(into h: inout Hasher) {
            h.combine(offset)
            text.withUnsafeBytes { h.combine(bytes: $0) }
        }
    }
    static let parsedLimit = 256, parsedTextLimit = 2048

    func parse(bytes: [UInt8], range: Range<Int>) throws(QueryError) -> Statement {
        guard range.count <= Self.parsedTextLimit else { return try Parser.parse(bytes: bytes, range: range) }
        let key = ParsedKey(offset: range.lowerBound, text: Array(bytes[range]))
        if let st = parsed[key] { return st }
        let st = try Parser.parse(bytes: bytes, range: range)
        if parsed.count >= Self.parsedLimit { parsed.removeAll(keepingCapacity: true) }
        parsed[key] = st
        return st
    }

    public func run(_ st: Statement) throws(QueryError) -> ResultTable {
        lastStats = ExecutionStats()
        let sink = NoteSink()
        defer { lastNotes = sink.notes }
        let b = Binder(g: graph, parameters: parameters, notes: sink)
        switch st {
        case .query(let q): return try query(q, b)
        case .describe(let l): return try Explorer(engine: self, binder: b).describe(try b.literal(l))
        case .neighbors(let l, let depth): return try Explorer(engine: self, binder: b).neighbors(try b.literal(l), depth: depth)
        case .path(let x, let y): return try Explorer(engine: self, binder: b).path(try b.literal(x), try b.literal(y))
        case .find(let l): return try Explorer(engine: self, binder: b).find(try b.literal(l))
        case .explain(let inner): return try explain(inner)
        }
    }

    func checkCancel() throws(QueryError) {
        if isCancelled() { throw QueryError(.cancelled, 0..<0) }
    }

    // MARK: explain

    /// Runs the statement and shows its plan: each step, with estimated and examined rows.
    func explain(_ st: Statement) throws(QueryError) -> ResultTable {
        let columns = ["step", "operation", "detail", "estimated", "rows"]
        let table = try run(st)
        var out: [[Value]] = []
        if case .query = st, let plan = lastPlan {
            PlanText(g: graph).rows(plan, into: &out)
        } else {
            out.append([.int(1), .string(lastStats.plan), .string(""), .null, .int(Int64(lastStats.rowsExamined))])
            out.append([.int(2), .string("result"), .string(table.columns.joined(separator: ", ")), .null, .int(Int64(table.rows.count))])
        }
        return ResultTable(graph: graph, columns: columns, rows: out)
    }

    // MARK: relation statements

    func query(_ q: Query, _ b: Binder) throws(QueryError) -> ResultTable {
        var bq = try b.query(q)
        let k = bq.kind
        var subplans: [QueryPlan] = []
        if let p = bq.predicate { bq.predicate = try prepare(p, k, &subplans) }
        let (path, estimate, residual) = planner.plan(kind: k, bq.predicate)
        var plan = QueryPlan(relation: graph.kinds[k].plural, kind: k, access: path, estimatedRows: estimate, residual: residual)
        plan.subplans = subplans
        let text = PlanText(g: graph)
        if let residual { plan.steps.append(.filter(text.predicate(residual, k))) }
        defer {
            lastPlan = plan
            lastStats = ExecutionStats(rowsExamined: plan.examinedRows)
            statsPlan = plan
        }
        if let s = bq.summary { return try summarize(bq, s, &plan) }
        return try rowsQuery(bq, &plan)
    }

    /// Runs the inner statements of `has` conditions, so each becomes a set of entities.
    func prepare(_ p: Predicate, _ k: Int, _ subplans: inout [QueryPlan]) throws(QueryError) -> Predicate {
        switch p {
        case .all(let ps):
            var out: [Predicate] = []
            out.reserveCapacity(ps.count)
            for x in ps { out.append(try prepare(x, k, &subplans)) }
            return .all(out)
        case .any(let ps):
            var out: [Predicate] = []
            out.reserveCapacity(ps.count)
            for x in ps { out.append(try prepare(x, k, &subplans)) }
            return .any(out)
        case .not(let x):
            return .not(try prepare(x, k, &subplans))
        case .has(var spec, let negated):
            guard let cond = spec.condition else { return p }
            var inner: [QueryPlan] = []
            let prepared = try prepare(cond, spec.relation, &inner)
            let (path, est, residual) = planner.plan(kind: spec.relation, prepared)
            var plan = QueryPlan(relation: graph.kinds[spec.relation].plural, kind: spec.relation, access: path, estimatedRows: est, residual: residual)
            plan.subplans = inner
            if let residual { plan.steps.append(.filter(PlanText(g: graph).predicate(residual, spec.relation))) }
            let rows = try matching(&plan)
            let col = graph.kinds[spec.relation].idColumn(spec.column)
            var set = EntitySet(capacity: graph.entityCount)
            try rows.forEach { (r) throws(QueryError) in
                let v = col[r]
                if v != Null.id { set.insert(v) }
            }
            spec.condition = prepared
            spec.referred = set
            plan.resultRows = set.count
            subplans.append(plan)
            return .has(spec, negated: negated)
        default:
            return p
        }
    }

    /// The rows that satisfy the plan's conditions, in row order.
    func matching(_ plan: inout QueryPlan) throws(QueryError) -> Planner.Rows {
        let k = plan.kind
        var rows = planner.rows(plan.access, k)
        if case .bucket(let b, _) = rows { rows = .list(Planner.sortedRows(b)) }
        plan.examinedRows = rows.count
        guard let residual = plan.residual else {
            plan.matchedRows = rows.count
            return rows
        }
        if case .all(let n) = rows, case .int(.stored(let c), let op, let v) = residual,
           graph.kinds[k].columns[c].type == .int, let out = Self.scanInts(graph.kinds[k].intColumn(c), n, op, v) {
            try checkCancel()
            plan.matchedRows = out.count
            return .list(out)
        }
        let out = try filtered(rows, residual, k)
        plan.matchedRows = out.count
        return .list(out)
    }

    /// The rows that satisfy `cond`, in order, tested a block at a time (`BatchFilter`); past a
    /// million rows (`parallelFrom`), the second half on another core with a filter of its own.
    func filtered(_ rows: Planner.Rows, _ cond: Predicate, _ k: Int, parallelFrom: Int = 1 << 20) throws(QueryError) -> [UInt32] {
        let n = rows.count
        /// The matches among `rows[lo ..< hi]`, or nil once `stop` says so (checked every
        /// 64 blocks).
        func part(_ filter: BatchFilter, _ lo: Int, _ hi: Int, _ stop: () -> Bool) -> [UInt32]? {
            let block = BatchFilter.blockRows
            let ids = UnsafeMutablePointer<UInt32>.allocate(capacity: block)
            let codes = UnsafeMutablePointer<UInt8>.allocate(capacity: block)
            defer { ids.deallocate(); codes.deallocate() }
            var out: [UInt32] = []
            func run(_ p: UnsafePointer<UInt32>, _ count: Int) {
                filter.block(p, count, codes)
                for j in 0..<count where codes[j] == TruthCode.yes { out.append(p[j]) }
            }
            var at = lo, blocks = 0
            while at < hi {
                let m = min(block, hi - at)
                switch rows {
                case .all:
                    for j in 0..<m { ids[j] = UInt32(truncatingIfNeeded: at + j) }
                    run(ids, m)
                case .list(let l):
                    l.withUnsafeBufferPointer { run($0.baseAddress! + at, m) }
                case .bucket(let b, _):
                    b.withUnsafeBufferPointer { run($0.baseAddress! + at, m) }
                }
                at += m
                blocks += 1
                if blocks & 63 == 0 && stop() { return nil }
            }
            return out
        }
        let cancelled = isCancelled
        guard n >= parallelFrom, BackgroundWork.cores > 1 else {
            guard let out = part(BatchFilter(cond, kind: k, graph: graph, rows: n), 0, n, cancelled) else {
                throw QueryError(.cancelled, 0..<0)
            }
            return out
        }
        // Each half its own filter (they keep scratch memory and caches); this thread asks
        // whether the statement is cancelled and tells the other to stop.
        final class Shared: @unchecked Sendable {
            var stop = false
            let second: BatchFilter
            let work: (BatchFilter, Int, Int, () -> Bool) -> [UInt32]?
            init(_ second: BatchFilter, _ work: @escaping (BatchFilter, Int, Int, () -> Bool) -> [UInt32]?) {
                self.second = second
                self.work = work
            }
        }
        let first = BatchFilter(cond, kind: k, graph: graph, rows: n)
        let shared = Shared(BatchFilter(cond, kind: k, graph: graph, rows: n), part)
        let mid = n / 2
        let (a, b) = BackgroundWork.pair({
            shared.work(first, 0, mid) {
                if cancelled() { shared.stop = true }
                return shared.stop
            }
        }, {
            shared.work(shared.second, mid, n) { shared.stop }
        })
        guard let a, let b else { throw QueryError(.cancelled, 0..<0) }
        return a + b
    }

    /// The rows `0 ..< n` whose int cell compares true with `v` (a missing value never does),
    /// in a loop over the column alone, the two halves on two cores past a million rows; nil
    /// for an operator that is no comparison.
    static func scanInts(_ col: IntColumn, _ n: Int, _ op: CompareOp, _ v: Int64) -> [UInt32]? {
        switch col.storage {
        case .i16(let a): return scanInts(a, .min, n, op, v)
        case .i32(let a): return scanInts(a, .min, n, op, v)
        case .i64(let a): return scanInts(a, Null.int, n, op, v)
        }
    }

    /// `scanInts` over the column as stored (`null` marks a missing value).
    static func scanInts<T: FixedWidthInteger & Sendable>(_ col: [T], _ null: T, _ n: Int, _ op: CompareOp, _ v: Int64) -> [UInt32]? {
        @Sendable @inline(__always) func run(_ lo: Int, _ hi: Int, _ test: (Int64) -> Bool) -> [UInt32] {
            var out: [UInt32] = []
            col.withUnsafeBufferPointer { c in
                for r in lo..<hi {
                    let x = c[r]
                    if x != null && test(Int64(x)) { out.append(UInt32(r)) }
                }
            }
            return out
        }
        @Sendable func part(_ lo: Int, _ hi: Int) -> [UInt32] {
            switch op {
            case .eq: return run(lo, hi) { $0 == v }
            case .ne: return run(lo, hi) { $0 != v }
            case .lt: return run(lo, hi) { $0 < v }
            case .le: return run(lo, hi) { $0 <= v }
            case .gt: return run(lo, hi) { $0 > v }
            case .ge: return run(lo, hi) { $0 >= v }
            case .match, .notMatch: return []
            }
        }
        switch op {
        case .match, .notMatch: return nil
        default: break
        }
        let m = min(n, col.count)
        guard m >= 1 << 20 else { return part(0, m) }
        let (first, second) = BackgroundWork.pair({ part(0, m / 2) }, { part(m / 2, m) })
        return first + second
    }

    func rowsQuery(_ bq: BoundQuery, _ plan: inout QueryPlan) throws(QueryError) -> ResultTable {
        let k = bq.kind
        let want = bq.limit.map { $0 + (bq.offset ?? 0) }
        let keyTitles = bq.order.map { $0.title + ($0.descending ? " desc" : "") + ($0.collation == .codepoint ? " collate codepoint" : "") }
        var rows: [UInt32] = []
        // All the rows in order, unordered: kept as a run, not listed.
        var run: Range<Int>? = nil
        // A bucket sorted by the one order column: read from the needed end and stop early.
        if let want, bq.order.count == 1, case .stored(let oc) = bq.order[0].accessor,
           case .bucket(let bucket, let sortedBy) = planner.rows(plan.access, k), sortedBy == oc {
            plan.steps.append(.readInOrder(column: graph.kinds[k].columns[oc].name, descending: bq.order[0].descending, stopAfter: want))
            rows = try topFromSorted(bucket, plan.residual, k, oc, descending: bq.order[0].descending, want: want, &plan)
        } else if let want, bq.order.count == 1, case .scan = plan.access,
                  let walked = try walkInOrder(bq.order[0], k, plan.residual, want, &plan) {
            rows = walked
        } else {
            let matched = try matching(&plan)
            switch matched {
            case .all(let n) where bq.order.isEmpty: run = 0..<n
            case .all(let n): rows = (0..<n).map { UInt32($0) }
            case .list(let l): rows = l
            case .bucket(let b, _): rows = Array(b)
            }
            if !bq.order.isEmpty {
                if let want, want < rows.count / 2 {
                    plan.steps.append(.topN(keys: keyTitles, n: want))
                } else {
                    plan.steps.append(.sort(keys: keyTitles))
                }
                rows = try RowSorter(engine: self, kind: k).sort(rows, bq.order, limit: want)
            }
        }
        if bq.offset != nil || bq.limit != nil {
            plan.steps.append(.offsetLimit(offset: bq.offset ?? 0, limit: bq.limit))
            if var r = run {
                if let off = bq.offset { r = min(r.lowerBound + off, r.upperBound)..<r.upperBound }
                if let lim = bq.limit { r = r.lowerBound..<min(r.lowerBound + lim, r.upperBound) }
                run = r
            } else {
                if let off = bq.offset { rows = Array(rows.dropFirst(off)) }
                if let lim = bq.limit { rows = Array(rows.prefix(lim)) }
            }
        }
        let shownRows = run.map { RowNumbers.range($0) } ?? RowNumbers(rows)
        let t = try table(k, bq.shown, bq.dropEmptyColumns, shownRows)
        plan.steps.append(.project(columns: t.columns))
        plan.resultRows = shownRows.count
        return t
    }

    /// `order by COLUMN limit N` without an index to drive it: the entities the column can name,
    /// walked in collation order, each with its rows from the column's index, until N rows match
    /// — instead of ranking every row. (`order by name` walks the relation's own entities.)
    /// Nil when the key is not an indexed entity column.
    func walkInOrder(_ key: BoundOrder, _ k: Int, _ cond: Predicate?, _ want: Int, _ plan: inout QueryPlan) throws(QueryError) -> [UInt32]? {
        let kind = graph.kinds[k]
        let column: Int?
        let target: Int
        switch key.accessor {
        case .name:
            column = nil
            target = k
        case .stored(let c):
            guard case .ref(.kind(let tk)) = kind.columns[c].type, graph.hasIndex(kind: k, column: c) else { return nil }
            column = c
            target = tk
        default:
            return nil
        }
        // Ascending, a big kind's first entities are found without ranking every string; the
        // whole order only if the walk gets past them.
        let orderedEntities = OrderedEntities.of(graph)
        let head = key.descending ? nil : orderedEntities.head(ofKind: target, key.collation, want: max(256, want * 4))
        var isHead = head != nil
        var ordered = head ?? orderedEntities.entities(ofKind: target, key.collation)
        let test = cond.map { CompiledFilter($0, kind: k, graph: graph).test }
        var out: [UInt32] = []
        var examined = 0
        plan.steps.append(.readInOrder(column: column.map { kind.columns[$0].name } ?? "name", descending: key.descending, stopAfter: want))
        defer {
            plan.examinedRows = examined
            plan.matchedRows = out.count
        }
        if want == 0 { return [] }
        // A bucket sorted by another column is read in row order.
        let bucketsSorted = column.map { graph.indexSortColumn(kind: k, column: $0) != nil } ?? false
        var i = 0
        // A bound on the key in the condition, on the side the walk starts from (`enterprise >
        // X order by enterprise`, `… < X order by … desc`): the entities before it cannot
        // match, and the walk starts after them instead of reading their rows.
        if key.collation == .pinyin, let cond, let (op, literal) = Self.textBound(cond, key.accessor),
           key.descending ? (op == .lt || op == .le) : (op == .gt || op == .ge) {
            let table = CollationRankTable.of(graph)
            let below = UInt32(table.pinyinPlace(ofText: literal).below)
            let ranks = table.pinyin, names = graph.entityName
            ordered = orderedEntities.entities(ofKind: target, key.collation)
            isHead = false
            // Ascending: the entities whose key is below the literal's (rank < below) fail
            // both > and >=. Descending: those whose rank is above `below` fail both < and <=.
            var lo = 0, hi = ordered.count
            while lo < hi {
                let mid = (lo + hi) / 2
                let r = ranks[Int(names[Int(ordered[mid])])]
                if key.descending ? r <= below : r < below { lo = mid + 1 } else { hi = mid }
            }
            i = key.descending ? ordered.count - lo : lo
        }
        while true {
            if i >= ordered.count {
                // Past the head: on with the whole order (whose start the head is).
                guard isHead else { break }
                ordered = orderedEntities.entities(ofKind: target, key.collation)
                isHead = false
                continue
            }
            let e = ordered[key.descending ? ordered.count - 1 - i : i]
            i += 1
            if i & 0x3FFF == 0 { try checkCancel() }
            let bucket: [UInt32]
            if let c = column {
                guard let b = graph.rows(kind: k, column: c, referring: e), !b.isEmpty else { continue }
                bucket = bucketsSorted ? b.sorted() : Array(b)
            } else {
                bucket = [graph.entityRow[Int(e)]]
            }
            for r in bucket {
                examined += 1
                if test == nil || test!(Int(r)) == .yes {
                    out.append(r)
                    if out.count >= want { return out }
                }
            }
        }
        // Rows with no value come last.
        if let c = column {
            let col = kind.idColumn(c)
            for r in 0..<kind.rowCount where col[r] == Null.id {
                examined += 1
                if test == nil || test!(r) == .yes {
                    out.append(UInt32(r))
                    if out.count >= want { return out }
                }
            }
        }
        return out
    }

    /// A text comparison (`<`, `<=`, `>`, `>=`) with a literal on `accessor`, that the whole
    /// condition requires (the condition itself, or one of the conditions it joins with `and`).
    static func textBound(_ p: Predicate, _ accessor: Accessor) -> (CompareOp, [UInt8])? {
        switch p {
        case .text(let a, let op, let literal) where a == accessor && [.lt, .le, .gt, .ge].contains(op):
            return (op, literal)
        case .all(let ps):
            for x in ps { if let b = textBound(x, accessor) { return b } }
            return nil
        default:
            return nil
        }
    }

    /// Reads a bucket sorted ascending by `oc` from the needed end, group of equal values by
    /// group (row order within a group), until `want` rows match. Nulls come last either way.
    func topFromSorted(_ bucket: ArraySlice<UInt32>, _ cond: Predicate?, _ k: Int, _ oc: Int, descending: Bool, want: Int,
                       _ plan: inout QueryPlan) throws(QueryError) -> [UInt32] {
        var out: [UInt32] = []
        let col = graph.kinds[k].intColumn(oc)
        let test = cond.map { CompiledFilter($0, kind: k, graph: graph).test }
        var examined = 0
        func take(_ r: UInt32) -> Bool {
            examined += 1
            if test == nil || test!(Int(r)) == .yes { out.append(r) }
            return out.count >= want
        }
        // Nulls sit first in the bucket; find where they end by binary search.
        var lo = bucket.startIndex, hi = bucket.endIndex
        while lo < hi {
            let mid = (lo + hi) / 2
            if col[Int(bucket[mid])] == Null.int { lo = mid + 1 } else { hi = mid }
        }
        let nonNull = bucket[lo...], nulls = bucket[..<lo]
        defer {
            plan.examinedRows = examined
            plan.matchedRows = out.count
        }
        if want == 0 { return [] }
        if descending {
            var i = nonNull.endIndex
            while i > nonNull.startIndex {
                // The group's start by binary search: a group can hold thousands of rows, each
                // read of its column a cache miss at a big graph.
                let v = col[Int(nonNull[i - 1])]
                var j = nonNull.startIndex, top = i - 1
                while j < top {
                    let mid = (j + top) / 2
                    if col[Int(nonNull[mid])] < v { j = mid + 1 } else { top = mid }
                }
                for r in nonNull[j..<i] where take(r) { return out }
                i = j
                try checkCancel()
            }
        } else {
            for r in nonNull where take(r) { return out }
        }
        for r in nulls where take(r) { return out }
        return out
    }

    /// The result table: the shown columns of the given rows, read from the graph when a
    /// renderer asks (nothing is copied per cell). The default projection leaves out columns
    /// that have no value in any result row.
    func table(_ k: Int, _ shown: [(String, Accessor)], _ dropEmpty: Bool, _ rows: RowNumbers) throws(QueryError) -> ResultTable {
        let b = Binder(g: graph, parameters: [:], notes: NoteSink())
        var cols = shown
        var rel = RelationRows(graph: graph, kind: k, rows: rows, accessors: cols.map(\.1), types: cols.map { b.type($0.1, in: k) })
        if dropEmpty && !rows.isEmpty {
            var keep: [Int] = []
            for c in cols.indices {
                try checkCancel()
                if rel.hasValue(c) { keep.append(c) }
            }
            if keep.count != cols.count {
                cols = keep.map { cols[$0] }
                rel = RelationRows(graph: graph, kind: k, rows: rows, accessors: cols.map(\.1), types: cols.map { b.type($0.1, in: k) })
            }
        }
        return ResultTable(graph: graph, columns: cols.map(\.0), relation: rel)
    }

    /// The values of one column for the given rows, reading the column's storage once.
    func columnValues(_ acc: Accessor, _ k: Int, _ rows: [UInt32]) throws(QueryError) -> [Value] {
        let kind = graph.kinds[k]
        switch acc {
        case .stored(let c):
            switch kind.columns[c].type {
            case .text:
                let col = kind.idColumn(c)
                return rows.map { let v = col[Int($0)]; return v == Null.id ? .null : .text(v) }
            case .ref:
                let col = kind.idColumn(c)
                return rows.map { let v = col[Int($0)]; return v == Null.id ? .null : .entity(v) }
            case .int:
                let col = kind.intColumn(c)
                return rows.map { let v = col[Int($0)]; return v == Null.int ? .null : .int(v) }
            case .date:
                let col = kind.intColumn(c)
                return rows.map { let v = col[Int($0)]; return v == Null.int ? .null : .date(v) }
            case .number:
                let col = kind.numberColumn(c)
                return rows.map { let v = col[Int($0)]; return v.isNaN ? .null : .number(v) }
            }
        case .name:
            let ents = kind.entityOfRow
            return rows.map { .entity(ents[Int($0)]) }
        default:
            let ev = evaluator
            var out: [Value] = []
            out.reserveCapacity(rows.count)
            for (i, r) in rows.enumerated() {
                if i & 0xFFFF == 0 { try checkCancel() }
                out.append(ev.value(acc, k, Int(r)))
            }
            return out
        }
    }
}

extension QueryEngine {
    /// Builds what big graphs need for text order, pinyin and graph walks (collation ranks,
    /// pinyin index, link table) on another thread, so the first `order by name`, `find jn` or
    /// `path` does not pay for it. Worth it above about 100,000 entities; a statement that needs
    /// one of them before it is ready waits for it.
    public static func warmUp(_ g: FactGraph) {
        BackgroundWork.start {
            _ = LinkTable.of(g)
            _ = CollationRankTable.of(g).pinyin
            _ = PinyinIndex.of(g)
            g.prepareNameSearch()
        }
    }
}
