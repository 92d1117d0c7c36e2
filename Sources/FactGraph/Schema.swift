/// What a kind's rows are.
public enum KindRole: String, Sendable, Hashable {
    /// Named things: enterprises, departments, people, honors …
    case entity
    /// Named things that nest: provinces, cities, districts.
    case place
    /// Unnamed rows that link entities: awards, statistics …
    case relation

    public var isNamed: Bool { self != .relation }
}

/// What a reference column may point at.
public enum RefTarget: Sendable, Hashable {
    /// Any named entity.
    case anyEntity
    /// Any entity of a place kind.
    case anyPlace
    /// An entity of this kind (index into `FactGraph.kinds`).
    case kind(Int)
}

/// The type of a column.
public enum ColumnType: Sendable, Hashable {
    case text
    case int
    case number
    /// A date stored as `yyyymmdd`, with `00` for an unknown month or day.
    case date
    case ref(RefTarget)

    public var isRef: Bool { if case .ref = self { return true } else { return false } }
}

/// One declared column of a kind.
public struct Column: Sendable, Hashable {
    public var name: String
    public var type: ColumnType
    /// The location link: the column that says where a row's thing is.
    public var isLocation: Bool
    /// Where the values live: index into the kind's `ints`, `numbers` or `ids` arrays.
    var slot: Int

    public init(name: String, type: ColumnType, isLocation: Bool = false) {
        self.name = name
        self.type = type
        self.isLocation = isLocation
        self.slot = -1
    }
}

/// Null markers in columnar storage.
public enum Null {
    public static let id: UInt32 = .max
    public static let int: Int64 = .min
}

/// A kind of fact and its rows, stored column by column.
///
/// Rows are numbered densely from 0. Text and reference cells are `UInt32` ids (strings in the
/// graph's pool, or entity ids); `int` and `date` cells are `Int64`s, stored as narrow as the
/// column's values allow (`IntColumn`); `number` cells are `Double`.
public struct Kind: Sendable {
    public let index: Int
    public let name: String
    public let plural: String
    public let role: KindRole
    public private(set) var columns: [Column] = []
    /// Index of the location column, if any.
    public private(set) var locationColumn: Int?

    /// For named kinds: the entity id of each row.
    public internal(set) var entityOfRow: [UInt32] = []
    var ids: [[UInt32]] = []
    var ints: [IntColumn] = []
    var numbers: [[Double]] = []
    /// Provenance, `provStart[r] ..< provStart[r+1]` into `provSource`/`provPara`;
    /// empty while no row of this kind has any.
    var provStart: [UInt32] = []
    var provSource: [UInt32] = []
    var provPara: [UInt32] = []

    public internal(set) var rowCount: Int = 0

    init(index: Int, name: String, plural: String, role: KindRole) {
        self.index = index
        self.name = name
        self.plural = plural
        self.role = role
    }

    /// Adds a column; returns its index.
    @discardableResult
    mutating func addColumn(_ c: Column) -> Int {
        var c = c
        switch c.type {
        case .text, .ref:
            c.slot = ids.count
            ids.append([UInt32](repeating: Null.id, count: rowCount))
        case .int, .date:
            c.slot = ints.count
            ints.append(IntColumn(nulls: rowCount))
        case .number:
            c.slot = numbers.count
            numbers.append([Double](repeating: .nan, count: rowCount))
        }
        if c.isLocation { locationColumn = columns.count }
        columns.append(c)
        return columns.count - 1
    }

    public func columnIndex(named n: String) -> Int? { columns.firstIndex { $0.name == n } }

    /// Appends an all-null row; returns its index.
    mutating func appendRow() -> Int {
        for i in ids.indices { ids[i].append(Null.id) }
        for i in ints.indices { ints[i].append(Null.int) }
        for i in numbers.indices { numbers[i].append(.nan) }
        if !provStart.isEmpty { provStart.append(provStart.last!) }
        rowCount += 1
        return rowCount - 1
    }

    mutating func reserve(_ n: Int) {
        for i in ids.indices { ids[i].reserveCapacity(rowCount + n) }
        for i in ints.indices { ints[i].reserveCapacity(rowCount + n) }
        for i in numbers.indices { numbers[i].reserveCapacity(rowCount + n) }
        if role.isNamed { entityOfRow.reserveCapacity(rowCount + n) }
    }

    /// Replaces the provenance of every row.
    mutating func setProvenance(_ all: [[(UInt32, UInt32)]]) {
        var start: [UInt32] = [0]
        var src: [UInt32] = [], para: [UInt32] = []
        for row in all {
            for (s, p) in row { src.append(s); para.append(p) }
            start.append(UInt32(src.count))
        }
        provStart = start
        provSource = src
        provPara = para
    }

    /// Keeps only the given rows (of a relation kind), in order, with the given provenance per
    /// old row.
    mutating func keepRows(_ keep: [Int], provenance: [[(UInt32, UInt32)]]) {
        for i in ids.indices { let old = ids[i]; ids[i] = keep.map { old[$0] } }
        for i in ints.indices { ints[i] = ints[i].select(keep) }
        for i in numbers.indices { let old = numbers[i]; numbers[i] = keep.map { old[$0] } }
        rowCount = keep.count
        setProvenance(keep.map { provenance[$0] })
    }

    /// Records a provenance for the last row.
    mutating func addProvenanceToLastRow(source: UInt32, paragraph: UInt32) {
        if provStart.isEmpty { provStart = [UInt32](repeating: 0, count: rowCount + 1) }
        provSource.append(source)
        provPara.append(paragraph)
        provStart[rowCount] += 1
    }

    // MARK: typed cell access

    @inline(__always) public func id(_ col: Int, _ row: Int) -> UInt32 { ids[columns[col].slot][row] }
    @inline(__always) public func int(_ col: Int, _ row: Int) -> Int64 { ints[columns[col].slot][row] }
    @inline(__always) public func number(_ col: Int, _ row: Int) -> Double { numbers[columns[col].slot][row] }

    @inline(__always) mutating func setID(_ col: Int, _ row: Int, _ v: UInt32) { ids[columns[col].slot][row] = v }
    @inline(__always) mutating func setInt(_ col: Int, _ row: Int, _ v: Int64) { ints[columns[col].slot].set(row, v) }
    @inline(__always) mutating func setNumber(_ col: Int, _ row: Int, _ v: Double) { numbers[columns[col].slot][row] = v }

    /// The whole id column (text ids or entity ids), for scans.
    public func idColumn(_ col: Int) -> [UInt32] { ids[columns[col].slot] }
    public func intColumn(_ col: Int) -> IntColumn { ints[columns[col].slot] }
    public func numberColumn(_ col: Int) -> [Double] { numbers[columns[col].slot] }

    /// The provenance of a row as (source entity, paragraph) pairs.
    /// Whether any row names a source (a CSV graph's rows name none).
    public var hasProvenance: Bool { !provSource.isEmpty }

    public func provenance(_ row: Int) -> [(source: UInt32, paragraph: Int)] {
        guard !provStart.isEmpty else { return [] }
        return (Int(provStart[row])..<Int(provStart[row + 1])).map { (provSource[$0], Int(provPara[$0])) }
    }
}
