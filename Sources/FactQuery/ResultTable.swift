import FactGraph

/// The result of one statement, as the renderers see it: named columns and rows of typed
/// cells. Cells stay compact `Value`s (string ids, entity ids) and are turned into text only when
/// shown, through `text(_:_:)`.
///
/// A relation's rows are not copied into the table: it keeps the selected row numbers and reads
/// each cell from the graph's columns when a renderer asks (`value(_:_:)`), so five million rows
/// stream to a file holding twenty megabytes of row numbers, not gigabytes of cells.
public struct ResultTable: Sendable {
    /// What produced the table, so a renderer can choose a form (`dot` wants a graph).
    public enum Shape: Sendable, Hashable {
        /// Rows of a relation or a count.
        case rows
        /// An entity's card from `describe`: rows are (field, value) pairs.
        case card
        /// Links from `neighbors` or `path`: each row is one edge, with `edges` filled in.
        case graph
    }

    public struct Edge: Sendable, Hashable {
        public var from: String
        public var label: String
        public var to: String
        public init(from: String, label: String, to: String) {
            self.from = from
            self.label = label
            self.to = to
        }
    }

    /// Where the cells come from.
    enum Storage: Sendable {
        case materialized([[Value]])
        case relation(RelationRows)
        case groups(GroupRows)
        /// Rows made cell by cell when read (`describe`, `find`, `neighbors`).
        case computed(any ComputedRows)
    }

    public var columns: [String]
    var storage: Storage
    public var shape: Shape
    /// The edges of a `.graph` or `.card` table, for pictures: listed, or read from the rows
    /// when asked (`neighbors` of a big graph: half a million rows, whose edges would each be
    /// two names made at once).
    public var edges: [Edge] {
        if let makeEdges { return makeEdges() }
        guard let (f, l, t) = edgeColumns else { return listedEdges }
        return (0..<rowCount).map { Edge(from: text($0, f), label: text($0, l), to: text($0, t)) }
    }
    var listedEdges: [Edge]
    /// The columns of each row's edge: from, label, to.
    var edgeColumns: (Int, Int, Int)? = nil
    /// Makes the edges when a picture asks (a card's links, each entity once).
    var makeEdges: (@Sendable () -> [Edge])? = nil
    /// A line to show after the table, e.g. "path of 3 links" (renderers may ignore it).
    public var note: String?
    public let graph: FactGraph

    public init(graph: FactGraph, columns: [String], rows: [[Value]], shape: Shape = .rows, edges: [Edge] = [], note: String? = nil) {
        self.init(graph: graph, columns: columns, storage: .materialized(rows), shape: shape, edges: edges, note: note)
    }

    init(graph: FactGraph, columns: [String], relation: RelationRows) {
        self.init(graph: graph, columns: columns, storage: .relation(relation))
    }

    init(graph: FactGraph, columns: [String], groups: GroupRows) {
        self.init(graph: graph, columns: columns, storage: .groups(groups))
    }

    /// `edges`: makes the table's edges when a picture asks (a card's links).
    init(graph: FactGraph, columns: [String], computed: any ComputedRows, shape: Shape = .rows,
         edges: (@Sendable () -> [Edge])? = nil) {
        self.init(graph: graph, columns: columns, storage: .computed(computed), shape: shape)
        makeEdges = edges
    }

    private init(graph: FactGraph, columns: [String], storage: Storage, shape: Shape = .rows, edges: [Edge] = [], note: String? = nil) {
        self.graph = graph
        self.columns = columns
        self.storage = storage
        self.shape = shape
        self.listedEdges = edges
        self.note = note
    }

    /// The number of rows.
    public var rowCount: Int {
        switch storage {
        case .materialized(let r): return r.count
        case .relation(let r): return r.rows.count
        case .groups(let g): return g.groups.count
        case .computed(let c): return c.count
        }
    }

    /// The cell at row `r`, column `c`.
    @inline(__always)
    public func value(_ r: Int, _ c: Int) -> Value {
        switch storage {
        case .materialized(let rows): return rows[r][c]
        case .relation(let rel): return rel.value(r, c)
        case .groups(let g): return g.value(r, c)
        case .computed(let rows): return rows.value(r, c)
        }
    }

    /// A stored column's cells, for renderers that stream millions of rows.
    public enum StoredCells {
        case text([UInt32]), entity([UInt32]), int(IntColumn), date(IntColumn), number([Double])
    }

    /// For a relation's result: the row number of each result row, and column `c`'s storage
    /// when it is a stored column (nil otherwise: read it with `value(_:_:)`).
    public var relationRows: RowNumbers? {
        if case .relation(let rel) = storage { return rel.rows }
        return nil
    }

    public func storedCells(_ c: Int) -> StoredCells? {
        guard case .relation(let rel) = storage else { return nil }
        switch rel.fast[c] {
        case .text(let a)?: return .text(a)
        case .entity(let a)?: return .entity(a)
        case .name(let a)?: return .entity(a)
        case .int(let a)?: return .int(a)
        case .date(let a)?: return .date(a)
        case .number(let a)?: return .number(a)
        case nil: return nil
        }
    }

    /// A summary's cells as renderers that stream millions of groups read them: by group
    /// number, without a `Value` per cell. String ids are names' ids for entities; `Null.id`
    /// and `Null.int` stand for missing values.
    public enum GroupCells: Sendable {
        /// A key: each group's code, and the string id or the int of each code.
        case codedStrings(codes: [Int32], strings: [UInt32])
        case codedInts(codes: [Int32], ints: [Int64])
        /// An aggregate: a count, a string id or an int per group.
        case counts([Int])
        case strings([UInt32])
        case ints([Int64])
    }

    /// Whether the table is a summary's result (its cells by `groupCells`).
    public var isSummary: Bool {
        if case .groups = storage { return true }
        return false
    }

    /// For a summary's result: the group of each row, in order (read the cells with
    /// `groupCells`).
    public var groupNumbers: [UInt32]? {
        guard case .groups(let g) = storage else { return nil }
        return g.groups.map { UInt32(bitPattern: $0) }
    }

    /// Column `c` of a summary's result as `GroupCells`; nil for other results, and for a
    /// column whose values are not all names, texts or ints (or missing).
    public func groupCells(_ c: Int) -> GroupCells? {
        guard case .groups(let g) = storage else { return nil }
        let names = graph.entityName
        /// The values as string ids, or as ints, when they are all of one sort.
        func uniform<S: Sequence>(_ values: S) -> (strings: [UInt32]?, ints: [Int64]?)? where S.Element == Value {
            var strings: [UInt32] = [], ints: [Int64] = []
            var text = false, number = false
            for v in values {
                switch v {
                case .null: strings.append(Null.id); ints.append(Null.int)
                case .text(let id): text = true; strings.append(id); ints.append(Null.int)
                case .entity(let e): text = true; strings.append(names[Int(e)]); ints.append(Null.int)
                case .int(let x) where x != Null.int: number = true; strings.append(Null.id); ints.append(x)
                default: return nil
                }
                if text && number { return nil }
            }
            return number ? (nil, ints) : (strings, nil)
        }
        if c < g.keyValues.count {
            guard let u = uniform(g.keyValues[c]) else { return nil }
            if let s = u.strings { return .codedStrings(codes: g.keyCodes[c], strings: s) }
            return .codedInts(codes: g.keyCodes[c], ints: u.ints!)
        }
        switch g.aggregates[c - g.keyValues.count] {
        case .counts(let n): return .counts(n)
        case .values(let vs):
            guard let u = uniform(vs) else { return nil }
            if let s = u.strings { return .strings(s) }
            return .ints(u.ints!)
        }
    }

    /// Every row as values. Reads the whole result: renderers use `rowCount` and `value(_:_:)`.
    public var rows: [[Value]] {
        get {
            switch storage {
            case .materialized(let r): return r
            case .relation, .groups, .computed: return (0..<rowCount).map { r in columns.indices.map { value(r, $0) } }
            }
        }
        set { storage = .materialized(newValue) }
    }

    /// The display text of a cell ("" for null).
    public func text(_ row: Int, _ column: Int) -> String { graph.display(value(row, column)) }

    /// Whether a column holds only numbers (ints or decimals) or nulls: right-aligned in tables,
    /// unquoted in JSON. A relation's column answers from its type.
    public func isNumeric(_ column: Int) -> Bool {
        // Answered without making every row's cells.
        if case .computed(let rows) = storage { return rows.isNumeric(column) }
        if case .relation(let rel) = storage, let t = rel.types[column] {
            return t == .int || t == .number
        }
        if case .groups(let g) = storage {
            // Without reading every group (millions of them): a key's values are its codes'
            // few, an aggregate's come from its type. Then only whether a group shows a value.
            let numeric: Bool?
            if column < g.keyValues.count {
                var numbers = false, others = false
                for v in g.keyValues[column] {
                    switch v {
                    case .int, .number: numbers = true
                    case .null: continue
                    default: others = true
                    }
                }
                numeric = numbers && others ? nil : !others
            } else if case .counts = g.aggregates[column - g.keyValues.count] {
                return g.groups.count > 0
            } else {
                switch g.aggregateTypes[column - g.keyValues.count] {
                case .int, .number: numeric = true
                case .text, .date, .entity: numeric = false
                case .dynamic: numeric = nil
                }
            }
            if let numeric {
                for r in 0..<rowCount where value(r, column) != .null { return numeric }
                return false
            }
        }
        var any = false
        for r in 0..<rowCount {
            switch value(r, column) {
            case .int, .number: any = true
            case .null: continue
            default: return false
            }
        }
        return any
    }
}

/// The rows of a relation a result shows, in order: a run of consecutive rows (all of them,
/// or a slice by `offset`/`limit`), kept as its bounds, or a list. `awards` on five million
/// awards keeps two numbers, not 20 MB.
public struct RowNumbers: Sendable {
    enum Storage: Sendable { case range(Range<Int>), list([UInt32]) }
    let storage: Storage

    public static func range(_ r: Range<Int>) -> RowNumbers { RowNumbers(storage: .range(r)) }
    public init(_ list: [UInt32]) { storage = .list(list) }
    init(storage: Storage) { self.storage = storage }

    public var count: Int {
        switch storage {
        case .range(let r): return r.count
        case .list(let l): return l.count
        }
    }
    public var isEmpty: Bool { count == 0 }
    public var indices: Range<Int> { 0..<count }

    /// The row number of the `i`-th row shown.
    @inline(__always)
    public subscript(_ i: Int) -> UInt32 {
        switch storage {
        case .range(let r): return UInt32(truncatingIfNeeded: r.lowerBound + i)
        case .list(let l): return l[i]
        }
    }

    /// The first row of the run, or nil for a list.
    public var runStart: Int? {
        if case .range(let r) = storage { return r.lowerBound }
        return nil
    }

    /// The list, or nil for a run.
    public var list: [UInt32]? {
        if case .list(let l) = storage { return l }
        return nil
    }
}

/// A relation's selected rows and the accessors of the shown columns: cells are read on demand.
final class RelationRows: @unchecked Sendable {
    let kind: Int
    let rows: RowNumbers
    let accessors: [Accessor]
    /// The static type of each column, where one is known.
    let types: [ValueType?]
    let evaluator: Evaluator
    /// Typed column arrays for stored columns (read without a per-cell lookup).
    let fast: [FastColumn?]

    enum FastColumn {
        case text([UInt32]), entity([UInt32]), int(IntColumn), date(IntColumn), number([Double]), name([UInt32])
    }

    init(graph g: FactGraph, kind k: Int, rows: RowNumbers, accessors: [Accessor], types: [ValueType?]) {
        kind = k
        self.rows = rows
        self.accessors = accessors
        self.types = types
        evaluator = Evaluator(g: g)
        let kd = g.kinds[k]
        fast = accessors.map { a in
            switch a {
            case .stored(let c):
                switch kd.columns[c].type {
                case .text: return .text(kd.idColumn(c))
                case .ref: return .entity(kd.idColumn(c))
                case .int: return .int(kd.intColumn(c))
                case .date: return .date(kd.intColumn(c))
                case .number: return .number(kd.numberColumn(c))
                }
            case .name: return .name(kd.entityOfRow)
            default: return nil
            }
        }
        readers = fast.map { Reader($0) }
    }

    /// How a column's cells are read: a code for the element type and what it stands for, and
    /// the start of the stored array. The arrays are the graph's, held by `fast` and never
    /// changed, so their storage stays where it is; a cell is then read without taking the
    /// array out of an enum (a reference count up and down per cell).
    struct Reader {
        enum Code: UInt8 { case evaluator, text, entity, name, int16, int32, int64, date16, date32, date64, number }
        let code: Code
        let base: UnsafeRawPointer?

        init(_ f: FastColumn?) {
            func start<T>(_ a: [T]) -> UnsafeRawPointer? { a.withUnsafeBytes { $0.baseAddress } }
            func ints(_ col: IntColumn, _ codes: (Code, Code, Code)) -> (Code, UnsafeRawPointer?) {
                switch col.storage {
                case .i16(let a): return (codes.0, start(a))
                case .i32(let a): return (codes.1, start(a))
                case .i64(let a): return (codes.2, start(a))
                }
            }
            switch f {
            case .text(let a)?: (code, base) = (.text, start(a))
            case .entity(let a)?: (code, base) = (.entity, start(a))
            case .name(let a)?: (code, base) = (.name, start(a))
            case .int(let col)?: (code, base) = ints(col, (.int16, .int32, .int64))
            case .date(let col)?: (code, base) = ints(col, (.date16, .date32, .date64))
            case .number(let a)?: (code, base) = (.number, start(a))
            case nil: (code, base) = (.evaluator, nil)
            }
        }
    }
    private let readers: [Reader]

    @inline(__always)
    func value(_ r: Int, _ c: Int) -> Value {
        let row = Int(rows[r])
        let reader = readers[c]
        // An empty column has no storage: no row reaches it.
        guard let p = reader.base else { return evaluator.value(accessors[c], kind, row) }
        @inline(__always) func id() -> UInt32 { p.load(fromByteOffset: row &* 4, as: UInt32.self) }
        @inline(__always) func int() -> Int64? {
            switch reader.code {
            case .int16, .date16: let v = p.load(fromByteOffset: row &* 2, as: Int16.self); return v == .min ? nil : Int64(v)
            case .int32, .date32: let v = p.load(fromByteOffset: row &* 4, as: Int32.self); return v == .min ? nil : Int64(v)
            default: let v = p.load(fromByteOffset: row &* 8, as: Int64.self); return v == Null.int ? nil : v
            }
        }
        switch reader.code {
        case .evaluator: return evaluator.value(accessors[c], kind, row)
        case .text: let v = id(); return v == Null.id ? .null : .text(v)
        case .entity: let v = id(); return v == Null.id ? .null : .entity(v)
        case .name: return .entity(id())
        case .int16, .int32, .int64: return int().map { .int($0) } ?? .null
        case .date16, .date32, .date64: return int().map { .date($0) } ?? .null
        case .number: let v = p.load(fromByteOffset: row &* 8, as: Double.self); return v.isNaN ? .null : .number(v)
        }
    }

    /// Whether column `c` has a value in some row (stops at the first).
    func hasValue(_ c: Int) -> Bool {
        // A relation with no provenance at all has no `source` in any row: no need to look.
        if case .source = accessors[c], !evaluator.g.kinds[kind].hasProvenance { return false }
        for r in rows.indices where value(r, c) != .null { return true }
        return false
    }
}

/// A summary's groups, read a cell at a time: each key's value per code and code per group, and
/// each aggregate's column, for the groups kept (in order). Millions of groups cost a few
/// integers each, not a row of values each.
struct GroupRows: Sendable {
    /// The groups shown, in order.
    let groups: [Int32]
    /// Per key: the value of each code.
    let keyValues: [CodeValues]
    /// Per key: the code of each group.
    let keyCodes: [[Int32]]
    let aggregates: [AggColumn]
    /// Each aggregate's result type (`int` for counts).
    let aggregateTypes: [ValueType]

    @inline(__always)
    func value(_ r: Int, _ c: Int) -> Value {
        let g = Int(groups[r])
        if c < keyValues.count { return keyValues[c][Int(keyCodes[c][g])] }
        return aggregates[c - keyValues.count][g]
    }
}

/// Rows whose cells are made when a renderer reads them (a statement's result that is cheap to
/// find but costly to turn into text, and may be millions of rows of which a terminal shows a
/// few).
protocol ComputedRows: Sendable {
    var count: Int { get }
    func value(_ r: Int, _ c: Int) -> Value
    /// `ResultTable.isNumeric` of column `c`.
    func isNumeric(_ c: Int) -> Bool
}
