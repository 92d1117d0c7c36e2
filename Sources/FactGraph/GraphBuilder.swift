/// Builds a `FactGraph`: declare kinds, add entities and rows, then `finish()` resolves pending
/// references, builds every index and hands over an immutable graph.
///
/// A builder may start from an existing graph (`init(extending:)`) so that loading one more file
/// into a running shell is all-or-nothing: on failure the old graph is untouched.
public final class GraphBuilder {
    let g: FactGraph
    /// Aliases gathered per entity before the CSR is built.
    var pendingAliases: [(EntityID, UInt32)] = []
    var pendingAliasSet = Set<UInt64>()
    /// Provenance for rows other than the last one added (facts merged into an earlier row).
    var extraProvenance: [(kind: Int, row: Int, source: UInt32, paragraph: UInt32)] = []
    /// The file each relation row came from (`beginFile`), so identical facts from different
    /// files become one row at `finish()`.
    var relationRowFile: [Int: [UInt16]] = [:]
    var currentFile: UInt16 = 0
    var filesBegun = 0
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
        /// Set only if the cell is still empty, and an error if it names another entity (a
        /// definition repeated in another file).
        var merging = false
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
        g.keyStrings = graph.keyStrings
        g.entityOfString = graph.entityOfString
        g.sourceKind = graph.sourceKind
        g.refIndex = graph.refIndex.map { $0.map { _ in nil } }
        for e in 0..<graph.entityCount {
            for a in graph.aliasRange(e) {
                pendingAliases.append((EntityID(e), graph.aliasIDs[a]))
                pendingAliasSet.insert(UInt64(e) << 32 | UInt64(graph.aliasIDs[a]))
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
        let hasUpper = CSVBytes.hasUpper(p)
        let k: UInt32
        if hasUpper {
            var b = Array(p)
            FactGraph.normalizeKey(&b)
            k = b.withUnsafeBytes { g.strings.intern($0) }
        } else {
            k = g.strings.intern(p)
        }
        if let holder = g.entity(ofKeyString: k) { return (holder == e ? nil : holder, false) }
        g.setKey(k, e)
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
        if id != g.entityName[Int(e)] && pendingAliasSet.insert(UInt64(e) << 32 | UInt64(id)).inserted {
            pendingAliases.append((e, id))
        }
    }

    public func addAlias(_ e: EntityID, _ s: String) throws {
        var s = s
        try s.withUTF8 { b in try addAlias(e, UnsafeRawBufferPointer(b)) }
    }

    /// Adds an unnamed relation row.
    @discardableResult
    public func addRow(kind k: Int) -> Int {
        let r = g.kinds[k].appendRow()
        if filesBegun > 1 || relationRowFile[k] != nil {
            var files = relationRowFile[k] ?? [UInt16](repeating: 0, count: r)
            files.append(currentFile)
            relationRowFile[k] = files
        }
        return r
    }

    /// Starts the facts of another file: identical relation rows from different files are one
    /// fact (their provenance merged) once `finish()` runs.
    public func beginFile() {
        filesBegun += 1
        currentFile = UInt16(clamping: filesBegun - 1)
    }

    // MARK: reading cells (for merging a repeated definition)

    public func cellID(kind k: Int, column c: Int, row: Int) -> UInt32 { g.kinds[k].id(c, row) }
    public func cellInt(kind k: Int, column c: Int, row: Int) -> Int64 { g.kinds[k].int(c, row) }
    public func cellNumber(kind k: Int, column c: Int, row: Int) -> Double { g.kinds[k].number(c, row) }
    public func row(of e: EntityID) -> Int { Int(g.entityRow[Int(e)]) }

    /// Whether a reference cell already has a value waiting to be resolved or set.
    public func hasPendingReference(kind k: Int, column c: Int, row: Int) -> Bool {
        pendingRefs.contains { $0.kind == k && $0.column == c && $0.row == row }
    }

    @inline(__always) public func setID(kind k: Int, column c: Int, row: Int, _ v: UInt32) { g.kinds[k].setID(c, row, v) }
    @inline(__always) public func setInt(kind k: Int, column c: Int, row: Int, _ v: Int64) { g.kinds[k].setInt(c, row, v) }
    @inline(__always) public func setNumber(kind k: Int, column c: Int, row: Int, _ v: Double) { g.kinds[k].setNumber(c, row, v) }

    /// Sets a reference cell by name, resolved at `finish()`.
    public func setReference(kind k: Int, column c: Int, row: Int, name: UInt32, at pos: SourcePosition, merging: Bool = false) {
        pendingRefs.append(PendingRef(kind: k, column: c, row: row, name: name, position: pos, merging: merging))
    }

    public func addProvenance(kind k: Int, source: EntityID, paragraph: Int) {
        g.kinds[k].addProvenanceToLastRow(source: source, paragraph: UInt32(clamping: paragraph))
    }

    /// Provenance for any row (a definition repeated in another file adds its own).
    public func addProvenance(kind k: Int, row: Int, source: EntityID, paragraph: Int) {
        if row == g.kinds[k].rowCount - 1 && extraProvenance.isEmpty {
            addProvenance(kind: k, source: source, paragraph: paragraph)
        } else {
            extraProvenance.append((k, row, source, UInt32(clamping: paragraph)))
        }
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
            if p.merging {
                let old = g.kinds[p.kind].id(p.column, p.row)
                if old != Null.id && old != e {
                    let owner = g.kinds[p.kind].entityOfRow[p.row]
                    report(LoadError(p.position, .conflictingValue(name: g.name(of: owner), column: colName,
                                                                   was: g.name(of: old), now: g.name(of: e))))
                    continue
                }
            }
            g.kinds[p.kind].setID(p.column, p.row, e)
        }
        pendingRefs = []
        if !errors.isEmpty { return nil }
        mergeExtraProvenance()
        mergeIdenticalRelationRows()
        buildIndexes()
        return g
    }

    /// Folds provenance added to earlier rows into each kind's provenance table.
    func mergeExtraProvenance() {
        guard !extraProvenance.isEmpty else { return }
        var byKind: [Int: [(row: Int, source: UInt32, paragraph: UInt32)]] = [:]
        for x in extraProvenance { byKind[x.kind, default: []].append((x.row, x.source, x.paragraph)) }
        for (k, extra) in byKind {
            var all: [[(UInt32, UInt32)]] = (0..<g.kinds[k].rowCount).map { r in g.kinds[k].provenance(r).map { ($0.source, UInt32($0.paragraph)) } }
            for x in extra where !all[x.row].contains(where: { $0 == (x.source, x.paragraph) }) { all[x.row].append((x.source, x.paragraph)) }
            g.kinds[k].setProvenance(all)
        }
        extraProvenance = []
    }

    /// Relation rows with the same cells that came from different files are one fact: the later
    /// rows go, their provenance joins the first.
    func mergeIdenticalRelationRows() {
        for (k, files) in relationRowFile where Set(files).count > 1 {
            let kind = g.kinds[k]
            let n = kind.rowCount
            var firstOf: [[UInt64]: Int] = [:]
            var drop = [Bool](repeating: false, count: n)
            var prov: [[(UInt32, UInt32)]]? = nil
            for r in 0..<n {
                var key: [UInt64] = []
                for c in kind.columns.indices {
                    switch kind.columns[c].type {
                    case .text, .ref: key.append(UInt64(kind.id(c, r)))
                    case .int, .date: key.append(UInt64(bitPattern: kind.int(c, r)))
                    case .number: key.append(kind.number(c, r).bitPattern)
                    }
                }
                if let first = firstOf[key] {
                    let f = r < files.count ? files[r] : 0, f0 = first < files.count ? files[first] : 0
                    guard f != f0 else { continue }   // the same file may state a fact twice
                    if prov == nil { prov = (0..<n).map { row in kind.provenance(row).map { ($0.source, UInt32($0.paragraph)) } } }
                    for p in prov![r] where !prov![first].contains(where: { $0 == p }) { prov![first].append(p) }
                    drop[r] = true
                } else {
                    firstOf[key] = r
                }
            }
            guard let prov else { continue }
            g.kinds[k].keepRows(drop.indices.filter { !drop[$0] }, provenance: prov)
        }
        relationRowFile = [:]
    }

    /// Names close to `n`, for "did you mean".
    public func suggestNames(_ n: String) -> [String] {
        if g.entityCount > 200_000 { return [] }
        return Suggest.nearest(to: n, among: g.allNamesForSuggestion(pendingAliases))
    }

    func buildIndexes() {
        let n = g.entityCount
        // Aliases CSR, up to the last entity with aliases.
        let aliased = (pendingAliases.map { Int($0.0) }.max() ?? -1) + 1
        var astart = [UInt32](repeating: 0, count: aliased + 1)
        for (e, _) in pendingAliases { astart[Int(e) + 1] += 1 }
        for i in 0..<aliased { astart[i + 1] += astart[i] }
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
        let ci = RefIndex.build(column: parent)
        g.childStart = ci.start
        g.childList = ci.rows

        // One index per reference column. Buckets of a relation's indexes are sorted by its first
        // int/date column (the year of an award), so "honor=X order by year desc limit 20" reads
        // 20 rows, not the whole bucket.
        final class Task: @unchecked Sendable {
            let kind: Int, column: Int
            let values: [UInt32]
            let keys: IndexSortKeys?, sortedBy: Int?
            var index: RefIndex? = nil
            init(kind: Int, column: Int, values: [UInt32], keys: IndexSortKeys?, sortedBy: Int?) {
                self.kind = kind; self.column = column; self.values = values; self.keys = keys; self.sortedBy = sortedBy
            }
            func run(threads: Int) { index = RefIndex.build(column: values, sortKeys: keys, sortedBy: sortedBy, threads: threads) }
        }
        var tasks: [Task] = []
        for kind in g.kinds {
            var keys: IndexSortKeys? = nil
            var sortCol: Int? = nil
            if kind.role == .relation, kind.columns.contains(where: { $0.type.isRef }),
               let yc = kind.columns.firstIndex(where: { $0.type == .int || $0.type == .date }) {
                keys = IndexSortKeys.of(kind.intColumn(yc))
                sortCol = yc
            }
            for (c, col) in kind.columns.enumerated() where col.type.isRef {
                tasks.append(Task(kind: kind.index, column: c, values: kind.idColumn(c), keys: keys, sortedBy: sortCol))
            }
        }
        // Big indexes one after the other, each on two threads; then the small ones.
        for t in tasks where t.values.count >= Self.parallelIndexRows { t.run(threads: 2) }
        for t in tasks where t.values.count < Self.parallelIndexRows { t.run(threads: 1) }
        g.refIndex = g.kinds.map { [RefIndex?](repeating: nil, count: $0.columns.count) }
        for t in tasks { g.refIndex[t.kind][t.column] = t.index }
    }

    /// Rows of a reference column from which its index is built on two threads.
    static let parallelIndexRows = 200_000
}

extension FactGraph {
    /// Names and aliases, including aliases not yet indexed (during a build).
    func allNamesForSuggestion(_ pending: [(EntityID, UInt32)]) -> [String] {
        var out = entityName.map { strings.string($0) }
        out.append(contentsOf: pending.map { strings.string($0.1) })
        return out
    }
}
