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

/// Cells of the last few rows of a job, in memory of its own: the scan writes each cell through
/// a plain pointer (no copy-on-write check per cell, as `columns[c].ids.append` would make), and
/// the rows go to the job's columns a block at a time.
final class CSVStagedRows {
    /// Rows held before they are appended to the columns.
    static let rows = 128
    /// Column `c`'s ids (`.ref`, `.text`, demoted `.value`) are `ids[c * rows ..< c * rows + staged]`.
    let ids: UnsafeMutablePointer<UInt32>
    /// Column `c`'s ints (`.value` while it is an int column), likewise.
    let ints: UnsafeMutablePointer<Int64>
    /// Per column, the op as a small code (`CSVTableJob.Code`) and, for `.ref`, the target kind.
    let codes: UnsafeMutablePointer<UInt8>
    let targets: UnsafeMutablePointer<Int32>
    /// The reference cells waiting for their batch, and their candidate slots
    /// (`CSVTableJob.resolvePending`).
    let pending: UnsafeMutablePointer<CSVTableJob.PendingRef>
    let candidates: UnsafeMutablePointer<Int>

    /// `smallTarget(k)`: whether kind `k` has so few entities that their keys stay in cache
    /// (references to it are resolved on the spot rather than in batches).
    init(ops: [CSVCellOp], smallTarget: (Int) -> Bool) {
        let n = max(1, ops.count)
        pending = .allocate(capacity: CSVTableJob.batch)
        candidates = .allocate(capacity: CSVTableJob.batch)
        ids = .allocate(capacity: n * Self.rows)
        ints = .allocate(capacity: n * Self.rows)
        codes = .allocate(capacity: n)
        targets = .allocate(capacity: n)
        for (c, op) in ops.enumerated() {
            switch op {
            case .name, .aliases: codes[c] = CSVTableJob.Code.skip; targets[c] = -1
            case .ref(let t): codes[c] = smallTarget(t) ? CSVTableJob.Code.refNow : CSVTableJob.Code.ref; targets[c] = Int32(t)
            case .text: codes[c] = CSVTableJob.Code.text; targets[c] = -1
            case .value: codes[c] = CSVTableJob.Code.int; targets[c] = -1
            }
        }
    }

    deinit {
        ids.deallocate()
        ints.deallocate()
        codes.deallocate()
        targets.deallocate()
        pending.deallocate()
        candidates.deallocate()
    }
}

/// Scans one file, or one part of a big file, into columns.
///
/// Big files are split into parts scanned on separate cores; each part has its own job, string
/// pool and errors (with lines relative to the part's start), merged afterwards. A named file's
/// job keeps each row's name and aliases as bytes; the entities are added after the scan, names
/// in one pass over all parts (so duplicates are found in file order).
///
/// Cells are written to `CSVStagedRows` and appended to `columns` every 128 rows and whenever the
/// scanner's buffer changes; reference cells wait in batches of 256 (`resolvePending`), which always
/// run before the rows they belong to are appended.
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

    /// The rows not yet appended to `columns` (`stage` owns the memory; the pointers are copied
    /// here so that the scan loop does not retain it).
    let stage: CSVStagedRows
    let stageIDs: UnsafeMutablePointer<UInt32>
    let stageInts: UnsafeMutablePointer<Int64>
    let codes: UnsafeMutablePointer<UInt8>
    let targets: UnsafeMutablePointer<Int32>
    var staged = 0

    static let maxErrors = 100

    /// Cell op codes in `CSVStagedRows.codes`. `int` is a `.value` column still read as integers;
    /// it becomes `text` at its first other value. `refNow` is a reference to a kind with few
    /// entities, resolved on the spot (`ref` waits for a batch).
    enum Code {
        static let skip: UInt8 = 0, ref: UInt8 = 1, text: UInt8 = 2, int: UInt8 = 3, refNow: UInt8 = 4
    }

    /// Kinds with at most this many entities are `smallTarget`s.
    static let smallTargetEntities = 16_384

    /// `reserve` rows; `bytes`, the size of the part (room for its names and aliases: memory
    /// reserved, not touched, so that those arrays are never copied to grow).
    init(file: String, ops: [CSVCellOp], columnNames: [String], kindNames: [String], kindSizes: [Int] = [],
         lookup: CSVNameIndex.Lookup?, reserve: Int, bytes: Int = 0) {
        self.file = file
        self.ops = ops
        self.columnNames = columnNames
        self.kindNames = kindNames
        self.expected = ops.count
        self.lookup = lookup
        nameColumn = ops.firstIndex(of: .name)
        aliasColumn = ops.firstIndex(of: .aliases)
        stage = CSVStagedRows(ops: ops) { $0 < kindSizes.count && kindSizes[$0] <= Self.smallTargetEntities }
        pending = stage.pending
        stageIDs = stage.ids
        stageInts = stage.ints
        codes = stage.codes
        targets = stage.targets
        columns = ops.map { CSVColumnValues(isInt: $0 == .value) }
        for c in columns.indices {
            switch ops[c] {
            case .ref, .text: columns[c].ids.reserveCapacity(reserve)
            case .value: columns[c].ints.reserveCapacity(reserve)
            case .name, .aliases: break
            }
        }
        if nameColumn != nil {
            names.reserveCapacity(bytes)
            if aliasColumn != nil { aliases.reserveCapacity(bytes) }
            nameEnds.reserveCapacity(reserve)
            rowLine.reserveCapacity(reserve)
            if aliasColumn != nil { aliasEnds.reserveCapacity(reserve) }
        }
    }

    /// A reference cell waiting for its batch.
    struct PendingRef {
        var hash: UInt32
        var target: Int32
        /// Where the entity goes in `stage.ids`.
        var cell: Int32
        var column: Int32
        var line: Int32
        var base: UnsafePointer<UInt8>
        var count: Int
    }
    let pending: UnsafeMutablePointer<PendingRef>
    var pendingCount = 0
    var touched: UInt32 = 0
    static let batch = 256

    mutating func bufferWillChange() { _ = flush() }

    /// Resolves the waiting reference cells, then appends the staged rows to the columns.
    /// Returns false once there are too many errors.
    mutating func flush() -> Bool {
        let ok = resolvePending()
        let n = staged
        guard n > 0 else { return ok }
        let rowsPerColumn = CSVStagedRows.rows
        for c in 0..<expected {
            switch codes[c] {
            case Code.skip: continue
            case Code.int: columns[c].ints.append(contentsOf: UnsafeBufferPointer(start: stageInts + c * rowsPerColumn, count: n))
            default: columns[c].ids.append(contentsOf: UnsafeBufferPointer(start: stageIDs + c * rowsPerColumn, count: n))
            }
        }
        staged = 0
        return ok
    }

    /// Resolves the waiting reference cells: first every cell's hash slot, key bytes and kind are
    /// read in one sweep (independent loads the CPU overlaps), then each is looked up for real,
    /// from cache. A lookup per cell would wait for memory two or three times in a row, and the
    /// name index of a million enterprises does not fit in any cache.
    mutating func resolvePending() -> Bool {
        guard let lookup, pendingCount > 0 else { return true }
        var ok = true
        let ids = stageIDs
        let candidates = stage.candidates
        let batch = UnsafeBufferPointer(start: pending, count: pendingCount)
        // Three sweeps of independent loads (see `CSVNameIndex.Lookup`).
        var t: UInt32 = 0
        for p in batch { t = t &+ lookup.touchHome(p.hash) }
        for i in batch.indices { candidates[i] = lookup.candidate(batch[i].hash) }
        for i in batch.indices { t = t &+ lookup.touchKey(candidates[i]) }
        touched = touched &+ t
        for (i, p) in batch.enumerated() {
            let raw = UnsafeRawBufferPointer(start: p.base, count: p.count)
            let slot = lookup.find(raw, hash: p.hash, from: candidates[i])
            if slot >= 0 && lookup.slots[slot].kind == Int(p.target) {
                ids[Int(p.cell)] = lookup.slots[slot].entity - 1
                continue
            }
            var e: EntityID? = slot >= 0 ? lookup.slots[slot].entity - 1 : nil
            if e == nil && (CSVBytes.hasUpper(raw) || p.count >= CSVNameIndex.maxLength) { e = lookup.entity(raw) }
            if let e, lookup.kind(e) == Int(p.target) {
                ids[Int(p.cell)] = e
            } else {
                ids[Int(p.cell)] = Null.id
                ok = referenceError(CSVField(base: p.base, count: p.count), target: Int(p.target), column: Int(p.column), line: Int(p.line)) && ok
            }
        }
        pendingCount = 0
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
        let ids = stageIDs, ints = stageInts
        let r = staged
        let rowsPerColumn = CSVStagedRows.rows
        for c in 0..<expected {
            let field = f[c]
            let cell = c * rowsPerColumn + r
            switch codes[c] {
            case Code.skip:
                break
            case Code.ref:
                if field.isEmpty { ids[cell] = Null.id; continue }
                let target = Int(targets[c])
                if !field.inScratch {
                    // Resolved in batches (see `resolvePending`).
                    pending[pendingCount] = PendingRef(hash: StringPool.hash(field.raw), target: Int32(target), cell: Int32(cell),
                                                       column: Int32(c), line: Int32(truncatingIfNeeded: line),
                                                       base: field.base, count: field.count)
                    pendingCount += 1
                    if pendingCount == Self.batch { ok = resolvePending() && ok }
                    continue
                }
                if let e = lookup!.entity(field.raw), lookup!.kind(e) == target {
                    ids[cell] = e
                } else {
                    ids[cell] = Null.id
                    ok = referenceError(field, target: target, column: c, line: line) && ok
                }
            case Code.refNow:
                if field.isEmpty { ids[cell] = Null.id; continue }
                let target = Int(targets[c])
                let raw = field.raw
                let l = lookup!
                let slot = l.find(raw, hash: StringPool.hash(raw))
                if slot >= 0 && l.slots[slot].kind == target {
                    ids[cell] = l.slots[slot].entity - 1
                } else if let e = l.entity(raw), l.kind(e) == target {
                    ids[cell] = e
                } else {
                    ids[cell] = Null.id
                    ok = referenceError(field, target: target, column: c, line: line) && ok
                }
            case Code.int:
                if field.isEmpty { ints[cell] = Null.int; continue }
                if let v = CSVBytes.canonicalInt(field.base, field.count) {
                    ints[cell] = v
                } else {
                    demote(c)
                    ok = appendText(cell, field, line) && ok
                }
            default:
                ok = appendText(cell, field, line) && ok
            }
        }
        if nameColumn != nil { rowLine.append(UInt32(truncatingIfNeeded: line)) }
        rows += 1
        staged = r + 1
        if staged == CSVStagedRows.rows { ok = flush() && ok }
        return ok
    }

    /// Interns a text cell into the job's pool, checking UTF-8 the first time a string is seen.
    @inline(__always)
    mutating func appendText(_ cell: Int, _ field: CSVField, _ line: Int) -> Bool {
        if field.isEmpty { stageIDs[cell] = Null.id; return true }
        let before = pool.count
        stageIDs[cell] = pool.intern(field.raw)
        if pool.count != before && !CSVBytes.isValidUTF8(field.raw) { return fail(.invalidUTF8, line) }
        return true
    }

    /// An int column meets its first non-integer: its earlier values (appended and staged) become
    /// their own text.
    mutating func demote(_ c: Int) {
        func text(_ v: Int64) -> UInt32 {
            if v == Null.int { return Null.id }
            var s = String(v)
            return s.withUTF8 { pool.intern(UnsafeRawBufferPointer($0)) }
        }
        var ids: [UInt32] = []
        ids.reserveCapacity(columns[c].ints.capacity)
        for v in columns[c].ints { ids.append(text(v)) }
        columns[c].ids = ids
        columns[c].ints = []
        columns[c].isInt = false
        if codes[c] == Code.int {
            let base = c * CSVStagedRows.rows
            for i in 0..<staged { stageIDs[base + i] = text(stageInts[base + i]) }
            codes[c] = Code.text
        }
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

