/// What one CSV column becomes while it is scanned.
enum CSVCellOp: Equatable {
    /// The `name` column of a named kind.
    case name
    /// The `aliases` (or `aka`) column: `|`-separated extra names.
    case aliases
    /// A reference resolved on the spot through the name index (relation files, whose targets are
    /// all loaded by then). The payload is the target kind.
    case ref(Int)
    /// Text interned into the job's own pool (references of named files, resolved once every name
    /// is known, and columns that may turn out to be references).
    case text
    /// An int while every value is a canonical integer; text from the first value that is not.
    case value
}

/// One column's values as scanned by one job.
struct CSVColumnValues {
    /// True while every non-empty value was a canonical integer (only for `.value` columns).
    var isInt: Bool
    var ints: [Int64] = []
    /// Entity ids (`.ref`) or ids in the job's pool (`.text`, demoted `.value`).
    var ids: [UInt32] = []
}

/// Scans one file, or one part of a big file, into columns.
///
/// Big files are split into parts scanned on separate cores; each part has its own job, string
/// pool and errors (with lines relative to the part's start), merged afterwards. A named file's
/// job keeps each row's name and aliases as bytes; the entities are added after the scan, names
/// in one pass over all parts (so duplicates are found in file order).
struct CSVTableJob: CSVRecordSink {
    let file: String
    let ops: [CSVCellOp]
    let columnNames: [String]
    /// Names of all kinds by index, including those this import has numbered but not declared.
    let kindNames: [String]
    let expected: Int
    var columns: [CSVColumnValues]
    var pool = StringPool()
    var rows = 0
    /// Problems with their line (absolute for the first part, relative for later ones).
    var errors: [(problem: LoadProblem, line: Int)] = []
    var stoppedEarly = false
    var end = 0
    var endLine = 0

    /// Resolves `.ref` cells (relation files).
    let lookup: CSVNameIndex.Lookup?

    // Named files.
    let nameColumn: Int?
    let aliasColumn: Int?
    /// Row `r`'s name is `names[nameEnds[r-1] ..< nameEnds[r]]`; its aliases field likewise.
    var names: [UInt8] = []
    var nameEnds: [UInt32] = []
    var aliases: [UInt8] = []
    var aliasEnds: [UInt32] = []
    /// The line of each row (named files only: for "already names X (line N)" and for errors
    /// found when references are resolved after the scan).
    var rowLine: [UInt32] = []

    static let maxErrors = 100

    init(file: String, ops: [CSVCellOp], columnNames: [String], kindNames: [String], lookup: CSVNameIndex.Lookup?, reserve: Int) {
        self.file = file
        self.ops = ops
        self.columnNames = columnNames
        self.kindNames = kindNames
        self.expected = ops.count
        self.lookup = lookup
        nameColumn = ops.firstIndex(of: .name)
        aliasColumn = ops.firstIndex(of: .aliases)
        columns = ops.map { CSVColumnValues(isInt: $0 == .value) }
        for c in columns.indices {
            switch ops[c] {
            case .ref, .text: columns[c].ids.reserveCapacity(reserve)
            case .value: columns[c].ints.reserveCapacity(reserve)
            case .name, .aliases: break
            }
        }
        pending.reserveCapacity(Self.batch)
        homes.reserveCapacity(Self.batch)
        if nameColumn != nil {
            nameEnds.reserveCapacity(reserve)
            rowLine.reserveCapacity(reserve)
            if aliasColumn != nil { aliasEnds.reserveCapacity(reserve) }
        }
    }

    /// A reference cell waiting for its batch.
    struct PendingRef {
        var hash: UInt32
        var column: Int32
        var target: Int32
        var row: Int32
        var line: Int32
        var base: UnsafePointer<UInt8>
        var count: Int
    }
    var pending: [PendingRef] = []
    var touched: UInt32 = 0
    var homes: [CSVNameIndex.Slot] = []
    static let batch = 64

    mutating func bufferWillChange() { _ = resolvePending() }

    /// Resolves the waiting reference cells: first every cell's hash slot, key bytes and kind are
    /// read in one sweep (independent loads the CPU overlaps), then each is looked up for real,
    /// from cache. A lookup per cell would wait for memory two or three times in a row, and the
    /// name index of a million enterprises does not fit in any cache.
    mutating func resolvePending() -> Bool {
        guard let lookup, !pending.isEmpty else { return true }
        var ok = true
        // Two sweeps of independent loads: the home slots, then what they point at.
        var t: UInt32 = 0
        homes.removeAll(keepingCapacity: true)
        for p in pending { homes.append(lookup.home(p.hash)) }
        for s in homes { t = t &+ lookup.touch(s) }
        touched = touched &+ t
        for p in pending {
            let raw = UnsafeRawBufferPointer(start: p.base, count: p.count)
            var e = lookup.exact(raw, hash: p.hash)
            if e == nil && CSVBytes.hasUpper(raw) { e = lookup.entity(raw) }
            if let e, lookup.kind(e) == Int(p.target) {
                columns[Int(p.column)].ids[Int(p.row)] = e
            } else {
                ok = referenceError(CSVField(base: p.base, count: p.count), target: Int(p.target), column: Int(p.column), line: Int(p.line)) && ok
            }
        }
        pending.removeAll(keepingCapacity: true)
        return ok
    }

    @inline(__always)
    mutating func fail(_ p: LoadProblem, _ line: Int) -> Bool {
        errors.append((p, line))
        return errors.count < Self.maxErrors
    }

    mutating func malformed(_ problem: LoadProblem, line: Int) -> Bool { fail(problem, line) }

    mutating func record(_ f: UnsafeMutableBufferPointer<CSVField>, count: Int, line: Int) -> Bool {
        if count != expected { return fail(.raggedRow(expected: expected, found: count), line) }
        if let nc = nameColumn {
            guard takeName(f[nc], aliasColumn.map { f[$0] }, line) else { return errors.count < Self.maxErrors }
        }
        var ok = true
        for c in 0..<expected {
            let field = f[c]
            switch ops[c] {
            case .name, .aliases:
                break
            case .ref(let target):
                if field.isEmpty { columns[c].ids.append(Null.id); continue }
                if !field.inScratch {
                    // Resolved in batches (see `resolvePending`).
                    pending.append(PendingRef(hash: StringPool.hash(field.raw), column: Int32(c), target: Int32(target),
                                              row: Int32(truncatingIfNeeded: columns[c].ids.count), line: Int32(truncatingIfNeeded: line),
                                              base: field.base, count: field.count))
                    columns[c].ids.append(Null.id)
                    if pending.count == Self.batch { ok = resolvePending() && ok }
                    continue
                }
                if let e = lookup!.entity(field.raw), lookup!.kind(e) == target {
                    columns[c].ids.append(e)
                } else {
                    columns[c].ids.append(Null.id)
                    ok = referenceError(field, target: target, column: c, line: line) && ok
                }
            case .value where columns[c].isInt:
                if field.isEmpty { columns[c].ints.append(Null.int); continue }
                if let v = CSVBytes.canonicalInt(field.base, field.count) {
                    columns[c].ints.append(v)
                } else {
                    demote(c)
                    ok = appendText(c, field, line) && ok
                }
            case .value, .text:
                ok = appendText(c, field, line) && ok
            }
        }
        if nameColumn != nil { rowLine.append(UInt32(truncatingIfNeeded: line)) }
        rows += 1
        return ok
    }

    /// Interns a text cell into the job's pool, checking UTF-8 the first time a string is seen.
    @inline(__always)
    mutating func appendText(_ c: Int, _ field: CSVField, _ line: Int) -> Bool {
        if field.isEmpty { columns[c].ids.append(Null.id); return true }
        let before = pool.count
        let id = pool.intern(field.raw)
        columns[c].ids.append(id)
        if pool.count != before && !CSVBytes.isValidUTF8(field.raw) { return fail(.invalidUTF8, line) }
        return true
    }

    /// An int column meets its first non-integer: its earlier values become their own text.
    mutating func demote(_ c: Int) {
        var ids: [UInt32] = []
        ids.reserveCapacity(columns[c].ints.capacity)
        for v in columns[c].ints {
            if v == Null.int { ids.append(Null.id); continue }
            var s = String(v)
            ids.append(s.withUTF8 { pool.intern(UnsafeRawBufferPointer($0)) })
        }
        columns[c].ids = ids
        columns[c].ints = []
        columns[c].isInt = false
    }

    mutating func referenceError(_ field: CSVField, target: Int, column c: Int, line: Int) -> Bool {
        if !CSVBytes.isValidUTF8(field.raw) { return fail(.invalidUTF8, line) }
        if let e = lookup!.entity(field.raw) {
            return fail(.wrongKindReference(field.text, column: columnNames[c], expected: kindNames[target],
                                            found: kindNames[lookup!.kind(e)]), line)
        }
        return fail(.danglingReference(field.text, column: columnNames[c], suggestions: []), line)
    }

    /// Keeps the row's name and aliases; false if the row is rejected.
    mutating func takeName(_ name: CSVField, _ alias: CSVField?, _ line: Int) -> Bool {
        guard !name.isEmpty else {
            _ = fail(.badValue(column: "name", expected: "a name", found: ""), line)
            return false
        }
        guard CSVBytes.isValidUTF8(name.raw) else { _ = fail(.invalidUTF8, line); return false }
        names.append(contentsOf: name.raw)
        nameEnds.append(UInt32(names.count))
        if let al = alias {
            if !al.isEmpty && !CSVBytes.isValidUTF8(al.raw) { _ = fail(.invalidUTF8, line) } else { aliases.append(contentsOf: al.raw) }
            aliasEnds.append(UInt32(aliases.count))
        }
        return true
    }
}

extension GraphBuilder {
    /// Adds an alias of `e`; returns the entity that already has this name, if another does.
    func csvAddAlias(_ e: EntityID, _ p: UnsafeRawBufferPointer) -> EntityID? {
        let (holder, isNew) = claimKey(p, for: e)
        if let h = holder { return h }
        if isNew { pendingAliases.append((e, g.strings.intern(p))) }
        return nil
    }

}

