/// Builds a `FactGraph`: declare kinds, add entities and rows, then `finish()` resolves pending
/// references, builds every index and hands over an immutable graph.
///
/// A builder may start from an existing graph (`init(extending:)`) so that loading one more file
/// into a running shell is all-or-nothing: on failure the old graph is untouched.
public final class GraphBuilder {
    let g: FactGraph
    /// Aliases gathered per entity before the CSR is built.
    var pendingAliases: [(EntityID, UInt32)] = []
    /// References waiting for every entity to be known.
    var pendingRefs: [PendingRef] = []
    public private(set) var errors: [LoadError] = []
    public static let maxErrors = 100

    struct PendingRef {
        var kind: Int
        var column: Int
        var row: Int
        var name: UInt32
        var position: SourcePosition
    }

    /// The columns of the predeclared `source` kind.
    public static let sourceColumns: [Column] = [
        Column(name: "date", type: .date), Column(name: "publisher", type: .text),
        Column(name: "author", type: .text), Column(name: "file", type: .text),
    ]

    public init() {
        g = FactGraph()
        g.refIndex = []
        _ = try? declareKind(name: "source", plural: "sources", role: .entity, columns: Self.sourceColumns)
        g.sourceKind = 0
        g.aliasStart = []
    }

    /// Starts from a copy of `graph` (copy-on-write: arrays are shared until changed).
    public init(extending graph: FactGraph) {
        g = FactGraph()
        g.strings = graph.strings
        g.kinds = graph.kinds
        g.kindByName = graph.kindByName
        g.entityKind = graph.entityKind
        g.entityRow = graph.entityRow
        g.entityName = graph.entityName
        g.keys = graph.keys
        g.keyEntity = graph.keyEntity
        g.sourceKind = graph.sourceKind
        g.refIndex = graph.refIndex.map { $0.map { _ in nil } }
        for e in 0..<graph.entityCount {
            for a in Int(graph.aliasStart[e])..<Int(graph.aliasStart[e + 1]) {
                pendingAliases.append((EntityID(e), graph.aliasIDs[a]))
            }
        }
        g.aliasStart = []
    }

    public var hasErrors: Bool { !errors.isEmpty }

    /// Records an error; returns false once there are too many to go on.
    @discardableResult
    public func report(_ e: LoadError) -> Bool {
        if errors.count < Self.maxErrors { errors.append(e) }
        return errors.count < Self.maxErrors
    }

    // MARK: schema

    public var kinds: [Kind] { g.kinds }
    public func kind(named n: String) -> Int? { g.kind(named: n) }

    public enum DeclareError: Error { case redeclared, duplicateColumn(String), twoLocations }

    /// Declares a kind, or accepts an identical redeclaration (files that share a schema merge).
    @discardableResult
    public func declareKind(name: String, plural: String, role: KindRole, columns: [Column]) throws -> Int {
        if let k = g.kind(named: name) ?? g.kind(named: plural) {
            let old = g.kinds[k]
            let same = old.name == name && old.role == role &&
                old.columns.map { "\($0.name):\($0.type):\($0.isLocation)" } ==
                columns.map { "\($0.name):\($0.type):\($0.isLocation)" }
            if same { return k }
            throw DeclareError.redeclared
        }
        var seen = Set<String>()
        for c in columns {
            if seen.contains(c.name) || c.name == "name" || c.name == "aliases" || c.name == "aka" || c.name == "source" {
                throw DeclareError.duplicateColumn(c.name)
            }
            seen.insert(c.name)
        }
        if columns.filter(\.isLocation).count > 1 { throw DeclareError.twoLocations }
        let k = g.kinds.count
        var kind = Kind(index: k, name: name, plural: plural, role: role)
        for c in columns { kind.addColumn(c) }
        g.kinds.append(kind)
        g.refIndex.append([RefIndex?](repeating: nil, count: columns.count))
        g.kindByName[name.lowercased()] = k
        g.kindByName[plural.lowercased()] = k
        return k
    }

    // MARK: strings

    @inline(__always)
    public func intern(_ p: UnsafeRawBufferPointer) -> UInt32 { g.strings.intern(p) }
    public func intern(_ s: String) -> UInt32 { g.strings.intern(s) }
    public func string(_ id: UInt32) -> String { g.strings.string(id) }
    public func reserveStrings(_ n: Int, bytesEach: Int) { g.strings.reserve(strings: n, bytesEach: bytesEach) }
    public func reserveRows(kind k: Int, _ n: Int) { g.kinds[k].reserve(n) }

    // MARK: entities and rows

    /// The entity a name or alias already names.
    public func entity(named p: UnsafeRawBufferPointer) -> EntityID? { g.entity(namedBytes: p) }
    public func entity(named s: String) -> EntityID? { g.entity(named: s) }
    public func name(of e: EntityID) -> String { g.name(of: e) }
    public func kindOf(_ e: EntityID) -> Int { Int(g.entityKind[Int(e)]) }
    public var entityCount: Int { g.entityCount }
    public var sourceKind: Int { g.sourceKind }

    /// Claims a normalized name key for `e`. Returns the entity that already holds it, if
    /// another does, and whether the key is new.
    @inline(__always)
    func claimKey(_ p: UnsafeRawBufferPointer, for e: EntityID) -> (holder: EntityID?, isNew: Bool) {
        let hasUpper = p.contains { $0 >= 0x41 && $0 <= 0x5A }
        let k: UInt32
        if hasUpper {
            var b = Array(p)
            FactGraph.normalizeKey(&b)
            k = b.withUnsafeBytes { g.keys.intern($0) }
        } else {
            k = g.keys.intern(p)
        }
        if Int(k) < g.keyEntity.count {
            let holder = g.keyEntity[Int(k)]
            return (holder == e ? nil : holder, false)
        }
        g.keyEntity.append(e)
        return (nil, true)
    }

    public enum AddError: Error { case duplicate(EntityID) }

    /// Adds a named row (entity or place). Throws with the holder if the name is taken.
    @discardableResult
    public func addEntity(kind k: Int, name p: UnsafeRawBufferPointer) throws -> (row: Int, entity: EntityID) {
        let e = EntityID(g.entityCount)
        if let holder = claimKey(p, for: e).holder { throw AddError.duplicate(holder) }
        let row = g.kinds[k].appendRow()
        g.kinds[k].entityOfRow.append(e)
        g.entityKind.append(UInt16(k))
        g.entityRow.append(UInt32(row))
        g.entityName.append(g.strings.intern(p))
        return (row, e)
    }

    public func addEntity(kind k: Int, name: String) throws -> (row: Int, entity: EntityID) {
        var s = name
        return try s.withUTF8 { b in try addEntity(kind: k, name: UnsafeRawBufferPointer(b)) }
    }

    /// Adds an alias. Throws with the holder if another entity has that name or alias.
    public func addAlias(_ e: EntityID, _ p: UnsafeRawBufferPointer) throws {
        if let holder = claimKey(p, for: e).holder { throw AddError.duplicate(holder) }
        let id = g.strings.intern(p)
        if id != g.entityName[Int(e)] && !pendingAliases.contains(where: { $0.0 == e && $0.1 == id }) {
            pendingAliases.append((e, id))
        }
    }

    public func addAlias(_ e: EntityID, _ s: String) throws {
        var s = s
        try s.withUTF8 { b in try addAlias(e, UnsafeRawBufferPointer(b)) }
    }

    /// Adds an unnamed relation row.
    @discardableResult
    public func addRow(kind k: Int) -> Int { g.kinds[k].appendRow() }

    @inline(__always) public func setID(kind k: Int, column c: Int, row: Int, _ v: UInt32) { g.kinds[k].setID(c, row, v) }
    @inline(__always) public func setInt(kind k: Int, column c: Int, row: Int, _ v: Int64) { g.kinds[k].setInt(c, row, v) }
    @inline(__always) public func setNumber(kind k: Int, column c: Int, row: Int, _ v: Double) { g.kinds[k].setNumber(c, row, v) }

    /// Sets a reference cell by name, resolved at `finish()`.
    public func setReference(kind k: Int, column c: Int, row: Int, name: UInt32, at pos: SourcePosition) {
        pendingRefs.append(PendingRef(kind: k, column: c, row: row, name: name, position: pos))
    }

    public func addProvenance(kind k: Int, source: EntityID, paragraph: Int) {
        g.kinds[k].addProvenanceToLastRow(source: source, paragraph: UInt32(clamping: paragraph))
    }

    // MARK: finishing

    /// Whether entity `e` may stand in a column that refers to `target`.
    public func accepts(_ target: RefTarget, _ e: EntityID) -> Bool {
        switch target {
        case .anyEntity: return true
        case .anyPlace: return g.kinds[Int(g.entityKind[Int(e)])].role == .place
        case .kind(let k): return Int(g.entityKind[Int(e)]) == k
        }
    }

    public func describe(_ target: RefTarget) -> String {
        switch target {
        case .anyEntity: return "named entity"
        case .anyPlace: return "place"
        case .kind(let k): return g.kinds[k].name
        }
    }

    /// Resolves references and builds the indexes. Returns nil (and keeps `errors`) on failure.
    public func finish() -> FactGraph? {
        for p in pendingRefs {
            let found: EntityID? = g.strings.withBytes(p.name) { g.entity(namedBytes: $0) }
            let colName = g.kinds[p.kind].columns[p.column].name
            guard case .ref(let target) = g.kinds[p.kind].columns[p.column].type else { continue }
            guard let e = found else {
                let n = g.strings.string(p.name)
                report(LoadError(p.position, .danglingReference(n, column: colName, suggestions: suggestNames(n))))
                continue
            }
            if !accepts(target, e) {
                report(LoadError(p.position, .wrongKindReference(g.strings.string(p.name), column: colName,
                                                                expected: describe(target), found: g.kindOf(e).name)))
                continue
            }
            g.kinds[p.kind].setID(p.column, p.row, e)
        }
        pendingRefs = []
        if !errors.isEmpty { return nil }
        buildIndexes()
        return g
    }

    /// Names close to `n`, for "did you mean".
    public func suggestNames(_ n: String) -> [String] {
        if g.entityCount > 200_000 { return [] }
        return Suggest.nearest(to: n, among: g.allNamesForSuggestion(pendingAliases))
    }

    func buildIndexes() {
        let n = g.entityCount
        // Aliases CSR.
        var astart = [UInt32](repeating: 0, count: n + 1)
        for (e, _) in pendingAliases { astart[Int(e) + 1] += 1 }
        for i in 0..<n { astart[i + 1] += astart[i] }
        var afill = astart
        var aids = [UInt32](repeating: 0, count: pendingAliases.count)
        for (e, a) in pendingAliases {
            aids[Int(afill[Int(e)])] = a
            afill[Int(e)] += 1
        }
        g.aliasStart = astart
        g.aliasIDs = aids
        pendingAliases = []

        // Location parents.
        var parent = [EntityID](repeating: Null.id, count: n)
        for kind in g.kinds where kind.role.isNamed {
            guard let lc = kind.locationColumn else { continue }
            let col = kind.idColumn(lc)
            for r in 0..<kind.rowCount {
                let p = col[r]
                let e = kind.entityOfRow[r]
                if p != e { parent[Int(e)] = p }
            }
        }
        // Break any cycle so that chains always end.
        for e in 0..<n {
            var cur = parent[e]
            var steps = 0
            while cur != Null.id && steps < 64 {
                if Int(cur) == e { parent[e] = Null.id; break }
                cur = parent[Int(cur)]
                steps += 1
            }
        }
        g.parent = parent
        let ci = RefIndex.build(column: parent, entityCount: n)
        g.childStart = ci.start
        g.childList = ci.rows

        // One index per reference column.
        // Buckets of a relation's indexes are sorted by its first int/date column (the year of an
        // award), so "honor=X order by year desc limit 20" reads 20 rows, not the whole bucket.
        g.refIndex = g.kinds.map { kind in
            let refCols = kind.columns.indices.filter { kind.columns[$0].type.isRef }
            if refCols.isEmpty { return [RefIndex?](repeating: nil, count: kind.columns.count) }
            var order: [UInt32]? = nil
            var sortCol: Int? = nil
            if kind.role == .relation,
               let yc = kind.columns.firstIndex(where: { $0.type == .int || $0.type == .date }) {
                order = RefIndex.order(by: kind.intColumn(yc))
                sortCol = yc
            }
            return kind.columns.enumerated().map { (c, col) in
                col.type.isRef ? RefIndex.build(column: kind.idColumn(c), entityCount: n, order: order, sortedBy: sortCol) : nil
            }
        }
    }
}

extension FactGraph {
    /// Names and aliases, including aliases not yet indexed (during a build).
    func allNamesForSuggestion(_ pending: [(EntityID, UInt32)]) -> [String] {
        var out = entityName.map { strings.string($0) }
        out.append(contentsOf: pending.map { strings.string($0.1) })
        return out
    }
}
