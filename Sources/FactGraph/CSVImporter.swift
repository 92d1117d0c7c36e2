#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ChineseText
import CMemory

/// Loads a folder of CSV files (docs/CSV.md) as a graph, all or nothing.
///
///     let g = try CSVImporter.load(directory: "data")        // cities.csv, awards.csv …
///
/// Each `NAME.csv` is a kind: an entity (or place) kind if its header has a `name` column, else a
/// relation. A column named after another file's kind (singular: `city` for `cities.csv`) refers
/// to it by name or alias; `aliases` adds `|`-separated aliases; a column whose values are all
/// canonical integers is an int column; any other column is text, or a reference if every value
/// names an entity of one kind (so `issuer` and `recommended_by` become department references).
///
/// How: every named file is scanned first (referenced kinds first) and its names and aliases are
/// claimed; then a hash index over all names resolves references straight from the scan buffers.
/// Big files are split on record boundaries and scanned on all cores. Errors are
/// `file:line: message` and fail the whole load.
///
/// - Complexity: O(bytes of CSV) time; memory O(cells) plus two 1 MB buffers per core.
public enum CSVImporter {
    /// Loads every `*.csv` file of `directory` into a new graph, or into a copy of `base`.
    public static func load(directory: String, extending base: FactGraph? = nil) throws(LoadFailure) -> FactGraph {
        do {
            return try loadOnce(directory: directory, extending: base, decoded: [:])
        } catch {
            // Files saved by a Chinese-locale spreadsheet are GB18030 without a byte-order mark:
            // those that are not UTF-8 are decoded (into temporary UTF-8 copies) and the folder is
            // read again. Neither UTF-8 nor GB18030 is an error that names the file.
            let files = Set(error.errors.filter { $0.problem == .invalidUTF8 }.map(\.position.file))
            guard !files.isEmpty else { throw error }
            var decoded: [String: String] = [:]
            var problems: [LoadError] = []
            defer { for t in decoded.values { unlink(t) } }
            for f in files.sorted() {
                switch decodeGB18030(f) {
                case .success(let tmp): decoded[f] = tmp
                case .failure(let e):
                    // The file is neither: say so, then where its UTF-8 goes wrong.
                    problems.append(e)
                    problems += error.errors.filter { $0.position.file == f && $0.problem == .invalidUTF8 }
                }
            }
            if !problems.isEmpty { throw LoadFailure(problems) }
            return try loadOnce(directory: directory, extending: base, decoded: decoded)
        }
    }

    /// A UTF-8 copy of a GB18030 file in a temporary file, or the error naming the file.
    static func decodeGB18030(_ path: String) -> Result<String, LoadError> {
        func fail(_ what: String) -> Result<String, LoadError> {
            .failure(LoadError(SourcePosition(file: path, line: 0, column: 0), .io(what)))
        }
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return fail("cannot open: \(String(cString: strerror(errno)))") }
        var st = stat()
        fstat(fd, &st)
        var bytes = [UInt8](repeating: 0, count: Int(st.st_size))
        var got = 0
        while got < bytes.count {
            let n = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + got, $0.count - got, off_t(got)) }
            if n <= 0 { break }
            got += n
        }
        close(fd)
        guard case .success(let text) = GB18030.decode(Array(bytes[0..<got])) else {
            return fail("neither UTF-8 nor GB18030 text")
        }
        var template = Array("/tmp/factsh-csv-XXXXXX".utf8CString)
        let out = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard out >= 0 else { return fail("cannot make a temporary copy: \(String(cString: strerror(errno)))") }
        let tmp = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        var utf8 = Array(text.utf8)
        var off = 0
        while off < utf8.count {
            let n = utf8.withUnsafeMutableBytes { write(out, $0.baseAddress! + off, $0.count - off) }
            if n <= 0 { close(out); unlink(tmp); return fail("cannot write a temporary copy") }
            off += n
        }
        close(out)
        utf8 = []
        return .success(tmp)
    }

    static func loadOnce(directory: String, extending base: FactGraph?, decoded: [String: String]) throws(LoadFailure) -> FactGraph {
        // The allocator set for a load (big dropped buffers go back to the system), then for
        // answering statements (big temporary arrays are reused): see CMemory.
        factsh_malloc_for_loading()
        defer { factsh_malloc_for_queries() }
        var importer = Importer(directory: directory, base: base)
        importer.decoded = decoded
        return try importer.run()
    }

    /// The singular of a file stem: `cities` → `city`, `people` → `person`, `classes` → `class`,
    /// `boxes` → `box`, `statuses` → `status`, `enterprises` → `enterprise`, `awards` → `award`.
    public static func singular(_ plural: String) -> String {
        let irregular = ["people": "person", "children": "child", "men": "man", "women": "woman", "data": "datum",
                         "houses": "house", "indices": "index", "analyses": "analysis", "theses": "thesis"]
        if let s = irregular[plural.lowercased()] { return s }
        let lower = plural.lowercased()
        func drop(_ n: Int) -> String { String(plural.dropLast(n)) }
        if lower.hasSuffix("ies") && plural.count > 3 { return drop(3) + "y" }
        for suffix in ["sses", "xes", "ches", "shes", "uses", "zzes"] where lower.hasSuffix(suffix) && plural.count > suffix.count { return drop(2) }
        if lower.hasSuffix("s") && !lower.hasSuffix("ss") && plural.count > 1 { return drop(1) }
        return plural
    }

    /// Why `name` cannot name a kind or a column (it must be one word the `.facts` format can
    /// write back), or nil when it can.
    static func unwritableName(_ name: String) -> String? {
        for u in name.unicodeScalars {
            if u.value < 0x20 || u.value == 0x7F { return "it holds a control character" }
            if u == " " || u == "\u{3000}" { return "it holds a space (write it as one word, e.g. with _)" }
            if "\"=:/^#@\\".unicodeScalars.contains(u) { return "it holds '\(u)' (names are words without \" = : / ^ # @ \\)" }
        }
        return nil
    }

    /// File stems whose named rows are places (they nest: district → city → province).
    public static let placeKinds: Set<String> = ["provinces", "cities", "districts", "counties", "regions", "towns"]
}

/// One file's header and what its columns become.
struct CSVFilePlan {
    /// The file as the user named it (in messages).
    var path: String
    /// The file to read: `path`, or a decoded UTF-8 copy of it.
    var dataPath: String
    var stem: String
    var singular: String
    var role: KindRole
    var columnNames: [String]
    var ops: [CSVCellOp]
    /// For `.text` columns of named files that are declared references: the target kind.
    var declaredTarget: [Int?]
    /// Columns named after the file's own kind: references only if every value names a row of
    /// this file (a parent company), else plain columns (`price` in `prices.csv`).
    var selfNamed: [Bool] = []
    var dataStart: Int
    var dataLine: Int
    var fileSize: Int
    var kindIndex = -1
}

/// A finished column, ready to install into a kind.
enum CSVFinalColumn {
    case ids([UInt32], ColumnType)
    case ints(IntColumn)
    case numbers([Double])
    /// A text column whose cells are ids into the scan parts' pools, numbered one pool after the
    /// other. They are interned into the graph's string pool only after every reference is
    /// resolved: until then the name index reads the names' bytes in that pool, which must not move.
    case localText([UInt32], pools: [StringPool])
}

struct Importer {
    let directory: String
    let builder: GraphBuilder
    var errors: [LoadError] = []
    var plans: [CSVFilePlan] = []
    var kindNames: [String] = []
    var kindRoles: [KindRole] = []
    var tooMany = false
    /// Files read from decoded UTF-8 copies (GB18030 originals).
    var decoded: [String: String] = [:]
    /// The sum of the values read only to bring them into cache (kept, so that the reads are).
    var touched: UInt32 = 0
    /// Installed text columns still holding ids into their parts' pools (`CSVFinalColumn.localText`).
    var localTexts: [(kind: Int, column: Int, pools: [StringPool])] = []

    init(directory: String, base: FactGraph?) {
        self.directory = directory
        builder = base.map { GraphBuilder(extending: $0) } ?? GraphBuilder()
        kindNames = builder.kinds.map(\.name)
        kindRoles = builder.kinds.map(\.role)
    }

    mutating func report(_ file: String, _ line: Int, _ p: LoadProblem) {
        if errors.count >= GraphBuilder.maxErrors { tooMany = true; return }
        errors.append(LoadError(SourcePosition(file: file, line: line, column: 0), p))
    }

    var failed: LoadFailure {
        var all = errors
        let order = Dictionary(plans.enumerated().map { ($1.path, $0) }, uniquingKeysWith: { a, _ in a })
        all.sort { a, b in
            let fa = order[a.position.file] ?? -1, fb = order[b.position.file] ?? -1
            if fa != fb { return fa < fb }
            if a.position.file != b.position.file { return a.position.file < b.position.file }
            return a.position.line < b.position.line
        }
        if tooMany, let last = all.last { all.append(LoadError(last.position, .tooManyErrors)) }
        return LoadFailure(all)
    }

    // MARK: run

    mutating func run() throws(LoadFailure) -> FactGraph {
        let files = listCSVFiles()
        if !errors.isEmpty { throw failed }
        for f in files { readHeader(f) }
        planKinds()
        if !errors.isEmpty { throw failed }
        var clock = CSVClock()

        do {
            // 1. Named files, referenced kinds first: scan, then add the entities with their names
            //    and aliases.
            var named: [Int: (jobs: [CSVTableJob], first: EntityID, lines: [UInt32])] = [:]
            for i in plans.indices where plans[i].role.isNamed {
                var jobs = scanParts(plans[i], lookup: nil)
                let lines = jobs.flatMap(\.rowLine)
                let first = addEntities(plans[i], &jobs, lines)
                named[i] = (jobs, first, lines)
            }
            clock.lap("named files")
            // 2. Every name is known: index them all, then resolve and type the named files' columns.
            let index = CSVNameIndex(graph: builder.g)
            clock.lap("name index")
            for i in plans.indices where plans[i].role.isNamed {
                guard var n = named.removeValue(forKey: i) else { continue }
                let rows = n.jobs.reduce(0) { $0 + $1.rows }
                let cols = index.withLookup(builder.g) { mergeColumns(plans[i], &n.jobs, $0, lines: n.lines) }
                install(plans[i], cols, rows: rows, entityOfRow: (0..<rows).map { n.first + EntityID($0) })
            }
            clock.lap("named columns")
            // 3. Relation files, in parts on all cores, references resolved while scanning.
            for i in plans.indices where !plans[i].role.isNamed {
                let (cols, rows) = index.withLookup(builder.g) { lookup in
                    var jobs = scanParts(plans[i], lookup: lookup)
                    let rows = jobs.reduce(0) { $0 + $1.rows }
                    return (mergeColumns(plans[i], &jobs, lookup, lines: []), rows)
                }
                install(plans[i], cols, rows: rows, entityOfRow: [])
            }
            clock.lap("relations")
        }   // the name index is freed here, before the graph's indexes are built
        if !errors.isEmpty { throw failed }
        internTexts()
        clock.lap("text columns")
        guard let g = builder.finish() else { throw LoadFailure(builder.errors) }
        clock.lap("finish (indexes)")
        return g
    }

    // MARK: files and headers

    func filePath(_ name: String) -> String {
        directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }

    mutating func listCSVFiles() -> [String] {
        guard let dir = opendir(directory) else {
            report(directory, 0, .io("cannot read directory '\(directory)': \(String(cString: strerror(errno)))"))
            return []
        }
        defer { closedir(dir) }
        var names: [String] = []
        while let ent = readdir(dir) {
            let name = withUnsafePointer(to: &ent.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name.hasPrefix(".") { continue }
            if name.lowercased().hasSuffix(".csv") && name.count > 4 { names.append(name) }
        }
        names.sort()
        if names.isEmpty { report(directory, 0, .io("no .csv files in '\(directory)'")) }
        return names
    }

    /// Captures the header record.
    struct HeaderSink: CSVRecordSink {
        var names: [String]? = nil
        var invalid = false
        var problem: LoadProblem? = nil
        mutating func record(_ f: UnsafeMutableBufferPointer<CSVField>, count: Int, line: Int) -> Bool {
            var out: [String] = []
            for i in 0..<min(count, f.count) {
                var p = f[i].raw
                if !CSVBytes.isValidUTF8(p) { invalid = true }
                if i == 0 && p.count >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF { p = UnsafeRawBufferPointer(rebasing: p[3...]) }
                var s = String(decoding: p, as: UTF8.self)
                while s.first == " " || s.first == "\t" { s.removeFirst() }
                while s.last == " " || s.last == "\t" { s.removeLast() }
                out.append(s)
            }
            if count > f.count { problem = .badDeclaration("more than \(f.count) columns") }
            names = out
            return false
        }
        mutating func malformed(_ p: LoadProblem, line: Int) -> Bool { problem = p; return false }
    }

    mutating func readHeader(_ name: String) {
        let path = filePath(name)
        let dataPath = decoded[path] ?? path
        let fd = open(dataPath, O_RDONLY)
        guard fd >= 0 else { report(path, 0, .io("cannot open: \(String(cString: strerror(errno)))")); return }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { report(path, 0, .io("cannot stat: \(String(cString: strerror(errno)))")); return }
        let size = Int(st.st_size)
        var scanner = CSVScanner(fd: fd, fileSize: size, maxFields: 4096, chunk: 1 << 16)
        defer { scanner.release() }
        var sink = HeaderSink()
        let (end, line, _) = scanner.scan(from: 0, stopAt: size, line: 1, into: &sink)
        if let p = sink.problem { report(path, 1, p); return }
        if sink.invalid { report(path, 1, .invalidUTF8); return }
        guard let header = sink.names, !(header.count == 1 && header[0].isEmpty) else {
            report(path, 1, .missingHeader("the first line must name the columns")); return
        }
        for (i, h) in header.enumerated() where h.isEmpty {
            report(path, 1, .missingHeader("column \(i + 1) has no name")); return
        }
        var seen = Set<String>()
        for h in header {
            if !seen.insert(h.lowercased()).inserted { report(path, 1, .duplicateColumn(h)); return }
        }
        let stem = String(name.dropLast(4))
        // Kind and column names must be words the .facts format (and the query language) can
        // write, or `.export` would write a graph that does not load back.
        if let bad = CSVImporter.unwritableName(stem) {
            report(path, 1, .badDeclaration("the file name '\(stem)' cannot name a kind: \(bad)")); return
        }
        for h in header {
            if let bad = CSVImporter.unwritableName(h) {
                report(path, 1, .badDeclaration("the column name '\(h)' cannot be used: \(bad)")); return
            }
        }
        let lower = header.map { $0.lowercased() }
        let role: KindRole = lower.contains("name") ? (CSVImporter.placeKinds.contains(stem.lowercased()) ? .place : .entity) : .relation
        if lower.contains("source") {
            report(path, 1, .badDeclaration("the column name 'source' is reserved for provenance")); return
        }
        if role == .relation && (lower.contains("aliases") || lower.contains("aka")) {
            report(path, 1, .missingHeader("'aliases' needs a 'name' column")); return
        }
        plans.append(CSVFilePlan(path: path, dataPath: dataPath, stem: stem, singular: CSVImporter.singular(stem), role: role,
                                 columnNames: header, ops: [], declaredTarget: [], dataStart: end, dataLine: line,
                                 fileSize: size))
    }

    // MARK: kinds

    /// Numbers the kinds (named files in dependency order, then relations), and decides what each
    /// column is.
    mutating func planKinds() {
        // Kind names must be new and distinct.
        var byName: [String: Int] = [:]
        var keep: [CSVFilePlan] = []
        for p in plans {
            let a = p.singular.lowercased(), b = p.stem.lowercased()
            if builder.kind(named: a) != nil || builder.kind(named: b) != nil || byName[a] != nil || byName[b] != nil {
                report(p.path, 1, .kindRedeclared(p.singular))
                continue
            }
            byName[a] = keep.count
            byName[b] = keep.count
            keep.append(p)
        }
        plans = keep
        // Targets: this import's named kinds by singular, then the base graph's named kinds.
        var namedBySingular: [String: Int] = [:]     // → plan index
        registerTargets(&namedBySingular)
        func baseTarget(_ col: String) -> Int? {
            guard let k = builder.kind(named: col), builder.kinds[k].role.isNamed, builder.kinds[k].name.lowercased() == col else { return nil }
            return k
        }
        // Dependency order of named files (cycles keep the order below).
        var order: [Int] = []
        var state = [Int](repeating: 0, count: plans.count)   // 0 new, 1 visiting, 2 done
        func visit(_ i: Int) {
            if state[i] != 0 { return }
            state[i] = 1
            for c in plans[i].columnNames {
                if let t = namedBySingular[c.lowercased()], t != i, state[t] == 0 { visit(t) }
            }
            state[i] = 2
            order.append(i)
        }
        // Smaller files first where the dependencies allow: the kinds with few rows get the small
        // entity ids, which keeps the reverse indexes of references to them small.
        for i in plans.indices.sorted(by: { plans[$0].fileSize < plans[$1].fileSize }) where plans[i].role.isNamed { visit(i) }
        for i in plans.indices where !plans[i].role.isNamed { order.append(i) }
        plans = order.map { plans[$0] }
        namedBySingular = [:]
        registerTargets(&namedBySingular)

        let firstKind = builder.kinds.count
        for i in plans.indices {
            plans[i].kindIndex = firstKind + i
            kindNames.append(plans[i].singular)
            kindRoles.append(plans[i].role)
        }
        for i in plans.indices {
            var ops: [CSVCellOp] = []
            var targets: [Int?] = []
            var selfNamed: [Bool] = []
            let named = plans[i].role.isNamed
            for c in plans[i].columnNames {
                let lc = c.lowercased()
                var target: Int? = namedBySingular[lc].map { plans[$0].kindIndex }
                if target == nil { target = baseTarget(lc) }
                selfNamed.append(target == plans[i].kindIndex)
                if named && lc == "name" { ops.append(.name); targets.append(nil) }
                else if named && (lc == "aliases" || lc == "aka") { ops.append(.aliases); targets.append(nil) }
                else if target == plans[i].kindIndex { ops.append(.value); targets.append(nil) }
                else if let t = target { ops.append(named ? .text : .ref(t)); targets.append(t) }
                else { ops.append(.value); targets.append(nil) }
            }
            plans[i].ops = ops
            plans[i].declaredTarget = targets
            plans[i].selfNamed = selfNamed
        }
    }

    /// Column names that refer to each named file: its singular, and its stem less `s` or `es`
    /// (so a column `enterprise` finds `enterprises.csv` whatever the singular rule says).
    func registerTargets(_ map: inout [String: Int]) {
        map = [:]
        for (i, p) in plans.enumerated() where p.role.isNamed { map[p.singular.lowercased()] = i }
        for (i, p) in plans.enumerated() where p.role.isNamed {
            let stem = p.stem.lowercased()
            for n in [1, 2] where stem.count > n {
                let s = String(stem.dropLast(n))
                if stem.hasSuffix(n == 1 ? "s" : "es") && map[s] == nil { map[s] = i }
            }
        }
    }

    // MARK: scanning

    func openFile(_ plan: CSVFilePlan) -> Int32 { open(plan.dataPath, O_RDONLY) }

    /// Rows to reserve for `bytes` of a file whose first rows average `avg` bytes.
    func estimateRows(_ plan: CSVFilePlan, bytes: Int) -> Int {
        let fd = openFile(plan)
        guard fd >= 0 else { return 0 }
        defer { close(fd) }
        let sample = min(1 << 16, plan.fileSize - plan.dataStart)
        if sample <= 0 { return 0 }
        var buf = [UInt8](repeating: 0, count: sample)
        let n = buf.withUnsafeMutableBytes { pread(fd, $0.baseAddress, sample, off_t(plan.dataStart)) }
        guard n > 0 else { return 0 }
        var lines = 0
        for i in 0..<n where buf[i] == 0x0A { lines += 1 }
        let avg = max(1, n / max(1, lines))
        return bytes / avg + 16
    }

    /// Files of this size or more are scanned in parts, one per core.
    static let splitThreshold = 2 << 20

    /// Scans a file, in parts on all cores when it is big. The parts' errors are reported with
    /// absolute lines, and their row lines made absolute.
    mutating func scanParts(_ plan: CSVFilePlan, lookup: CSVNameIndex.Lookup?) -> [CSVTableJob] {
        let fd = openFile(plan)
        guard fd >= 0 else { report(plan.path, 0, .io("cannot open: \(String(cString: strerror(errno)))")); return [] }
        defer { close(fd) }
        let dataBytes = plan.fileSize - plan.dataStart
        let parts = dataBytes >= Importer.splitThreshold
            ? (getenv("FACTSH_CSV_PARTS").flatMap { Int(String(cString: $0)) } ?? min(CSVParallel.cores, 8)) : 1
        // Split points: just after a line feed near each 1/parts mark.
        var starts = [plan.dataStart]
        for p in 1..<max(1, parts) {
            let mark = plan.dataStart + dataBytes * p / parts
            var b = [UInt8](repeating: 0, count: 1 << 16)
            let n = b.withUnsafeMutableBytes { pread(fd, $0.baseAddress, 1 << 16, off_t(mark)) }
            if n <= 0 { break }
            guard let nl = b[0..<n].firstIndex(of: 0x0A) else { break }
            let s = mark + nl + 1
            if s > starts.last! && s < plan.fileSize { starts.append(s) }
        }
        let estimate = estimateRows(plan, bytes: dataBytes)
        let kindNames = self.kindNames
        let kindSizes = builder.kinds.map(\.rowCount)
        final class Box: @unchecked Sendable { var job: CSVTableJob?; init() {} }
        func runPart(_ box: Box, from: Int, stopAt: Int, line: Int, reserve: Int) {
            var job = CSVTableJob(file: plan.path, ops: plan.ops, columnNames: plan.columnNames, kindNames: kindNames,
                                  kindSizes: kindSizes, lookup: lookup, reserve: reserve, bytes: stopAt - from)
            var scanner = CSVScanner(fd: fd, fileSize: plan.fileSize, maxFields: plan.ops.count + 1)
            let r = scanner.scan(from: from, stopAt: stopAt, line: line, into: &job)
            scanner.release()
            job.end = r.end
            job.endLine = r.line
            job.stoppedEarly = r.stopped
            box.job = job
        }
        var clock = CSVClock()
        let boxes = starts.indices.map { _ in Box() }
        let perPart = estimate / starts.count + 1024
        CSVParallel.run(starts.indices.map { i in
            { runPart(boxes[i], from: starts[i], stopAt: i + 1 < starts.count ? starts[i + 1] : plan.fileSize,
                      line: i == 0 ? plan.dataLine : 0,
                      // The first part's columns get room for the whole file: the merge appends the
                      // other parts to them in place.
                      reserve: (i == 0 ? estimate : perPart) * 21 / 20) }
        })
        clock.lap("  scan of \(plan.stem) in \(starts.count) parts")
        // Keep parts while each ended exactly where the next began; rescan the rest otherwise
        // (a split point fell inside a quoted line break).
        var jobs: [CSVTableJob] = []
        var lineBase = 0
        for i in starts.indices {
            var job = boxes[i].job!
            boxes[i].job = nil
            let base = i == 0 ? 0 : lineBase
            for e in job.errors { report(plan.path, base + e.line, withSuggestions(e.problem)) }
            job.errors = []
            if base != 0 { for r in job.rowLine.indices { job.rowLine[r] &+= UInt32(truncatingIfNeeded: base) } }
            lineBase = base + job.endLine
            let stopped = job.stoppedEarly, end = job.end
            jobs.append(job)
            if stopped { tooMany = true; break }   // it stopped at its hundredth error
            if i + 1 < starts.count && end != starts[i + 1] {
                let rest = Box()
                runPart(rest, from: end, stopAt: plan.fileSize, line: lineBase, reserve: 1024)
                for e in rest.job!.errors { report(plan.path, e.line, withSuggestions(e.problem)) }
                rest.job!.errors = []
                if rest.job!.stoppedEarly { tooMany = true }
                jobs.append(rest.job!)
                break
            }
        }
        return jobs
    }

    /// Adds one entity per row of a named file's parts: each name is interned in the string pool
    /// and claimed as a key (a name without upper-case ASCII letters is its own key), then aliases
    /// are added. Returns the first row's entity.
    mutating func addEntities(_ plan: CSVFilePlan, _ jobs: inout [CSVTableJob], _ lines: [UInt32]) -> EntityID {
        let g = builder.g
        let first = EntityID(g.entityCount)
        guard !jobs.isEmpty else { return first }   // the file could not be read; that is reported
        let total = jobs.reduce(0) { $0 + $1.rows }
        let nameBytes = jobs.reduce(0) { $0 + $1.names.count }
        var clock = CSVClock()
        // The pool, its keys and the names taken out of the graph for the loop below (no access
        // to the graph's properties per name).
        var strings = StringPool(), entityOfString: [EntityID] = [], keyStrings: [UInt32] = [], entityName: [UInt32] = []
        swap(&strings, &g.strings); swap(&entityOfString, &g.entityOfString)
        swap(&keyStrings, &g.keyStrings); swap(&entityName, &g.entityName)
        // Room for every name, so that no table grows, faulted in on the other core meanwhile.
        strings.reserve(strings: total, bytes: nameBytes)
        entityOfString.reserveCapacity(strings.count + total)
        keyStrings.reserveCapacity(keyStrings.count + total)
        let prefault = CSVPrefault.start(strings.reservedRegions() + [CSVPrefault.region(&entityOfString), CSVPrefault.region(&keyStrings)])
        defer { prefault?.wait() }
        let nameBase = entityName.count
        entityName.append(contentsOf: repeatElement(0, count: total))
        var duplicates: [(row: Int, holder: EntityID)] = []
        var key: [UInt8] = []
        var row = 0
        // Names in file order (the first of two equal keys claims it), a batch at a time: the
        // batch's hashes and home slots first (independent loads the CPU overlaps: the pool's table
        // of a million names is in no cache), then the inserts.
        let batch = 64
        var hashes = [UInt32](repeating: 0, count: batch)
        var touched: UInt32 = 0
        for j in jobs.indices {
            var names: [UInt8] = [], ends: [UInt32] = []
            swap(&names, &jobs[j].names)
            swap(&ends, &jobs[j].nameEnds)
            names.withUnsafeBytes { nb in
                ends.withUnsafeBufferPointer { ends in
                    entityName.withUnsafeMutableBufferPointer { en in
                        func name(_ i: Int) -> UnsafeRawBufferPointer {
                            UnsafeRawBufferPointer(rebasing: nb[(i == 0 ? 0 : Int(ends[i - 1]))..<Int(ends[i])])
                        }
                        var from = 0
                        while from < ends.count {
                            let to = min(ends.count, from + batch)
                            for i in from..<to {
                                let h = StringPool.hash(name(i))
                                hashes[i - from] = h
                                touched &+= strings.touch(hash: h)
                            }
                            for i in from..<to {
                                let n = name(i)
                                let s = strings.intern(n, hash: hashes[i - from])
                                var k = s
                                if CSVBytes.hasUpper(n) {
                                    key.removeAll(keepingCapacity: true)
                                    key.append(contentsOf: n)
                                    FactGraph.normalizeKey(&key)
                                    k = key.withUnsafeBytes { strings.intern($0) }
                                }
                                en[nameBase + row] = s
                                if Int(k) < entityOfString.count && entityOfString[Int(k)] != Null.id {
                                    duplicates.append((row, entityOfString[Int(k)]))
                                } else {
                                    FactGraph.setKey(k, first + EntityID(row), &entityOfString, &keyStrings)
                                }
                                row += 1
                            }
                            from = to
                        }
                    }
                }
            }
        }
        self.touched &+= touched
        swap(&strings, &g.strings); swap(&entityOfString, &g.entityOfString)
        swap(&keyStrings, &g.keyStrings); swap(&entityName, &g.entityName)
        clock.lap("  names of \(plan.stem)")
        g.entityKind.append(contentsOf: repeatElement(UInt16(plan.kindIndex), count: total))
        g.entityRow.append(contentsOf: (0..<total).lazy.map { UInt32($0) })

        func duplicate(_ name: String, _ holder: EntityID) -> LoadProblem {
            let holderName = g.name(of: holder)
            if holder >= first && Int(holder - first) < lines.count {
                return .duplicateName(name, existing: holderName, line: Int(lines[Int(holder - first)]))
            }
            return .duplicateName(name, existing: "\(kindNames[Int(g.entityKind[Int(holder)])]) \(holderName)", line: nil)
        }
        for (row, holder) in duplicates {
            report(plan.path, Int(lines[row]), duplicate(g.name(of: first + EntityID(row)), holder))
        }
        // Aliases, `|`-separated.
        row = 0
        for job in jobs where !job.aliasEnds.isEmpty {
            job.aliases.withUnsafeBytes { ab in
                var s = 0
                for r in 0..<job.aliasEnds.count {
                    let t = Int(job.aliasEnds[r])
                    var a = s
                    while a < t {
                        var z = a
                        while z < t && ab[z] != 0x7C { z += 1 }       // '|'
                        var x = a, y = z
                        while x < y && (ab[x] == 0x20 || ab[x] == 0x09) { x += 1 }
                        while y > x && (ab[y - 1] == 0x20 || ab[y - 1] == 0x09) { y -= 1 }
                        if y > x {
                            let alias = UnsafeRawBufferPointer(rebasing: ab[x..<y])
                            if let holder = builder.csvAddAlias(first + EntityID(row + r), alias) {
                                report(plan.path, Int(lines[row + r]), duplicate(String(decoding: alias, as: UTF8.self), holder))
                            }
                        }
                        a = z + 1
                    }
                    s = t
                }
            }
            row += job.rows
        }
        clock.lap("  aliases of \(plan.stem)")
        for j in jobs.indices {
            jobs[j].names = []; jobs[j].nameEnds = []; jobs[j].aliases = []; jobs[j].aliasEnds = []
        }
        return first
    }

    // MARK: columns

    /// Merges the parts of a file column by column, deciding each column's type: references
    /// named after a kind are resolved (every value must name an entity of it), int columns stay
    /// int if every part's did, and text columns whose every value names an entity of one kind
    /// become references to it. `lines` (named files) gives each row's line for errors.
    mutating func mergeColumns(_ plan: CSVFilePlan, _ jobs: inout [CSVTableJob], _ lookup: CSVNameIndex.Lookup,
                               lines: [UInt32]) -> [CSVFinalColumn] {
        var out: [CSVFinalColumn] = []
        guard !jobs.isEmpty else { return [] }   // the file could not be read; that is reported
        let total = jobs.reduce(0) { $0 + $1.rows }
        var resolvers = jobs.map { Resolver(count: $0.pool.count) }
        // Columns that only need their parts appended (references resolved while scanning, int
        // columns) are joined on another thread while this one decides and maps the others.
        // Appending the later parts to the first part's array copies only them.
        // Int columns become their narrow `IntColumn` from the parts (no joined 8-byte copy).
        final class Join: @unchecked Sendable {
            var ids: [[UInt32]] = [], ints: [[Int64]] = []
            var column: IntColumn? = nil
            func run(_ total: Int) {
                if !ids.isEmpty {
                    for j in ids.indices.dropFirst() { ids[0].reserveCapacity(total); ids[0].append(contentsOf: ids[j]); ids[j] = [] }
                } else if !ints.isEmpty {
                    column = IntColumn(parts: &ints)
                }
            }
        }
        var joins: [Int: Join] = [:]
        for c in plan.ops.indices {
            switch plan.ops[c] {
            case .ref:
                let join = Join()
                join.ids = Self.takeIDs(&jobs, c)
                joins[c] = join
            case .text, .value:
                guard jobs.allSatisfy({ $0.columns[c].isInt }) else { continue }
                let join = Join()
                join.ints = jobs.indices.map { j in
                    var ints: [Int64] = []
                    swap(&ints, &jobs[j].columns[c].ints)
                    return ints
                }
                joins[c] = join
            default: break
            }
        }
        let joining = Array(joins.values)
        let background: CSVParallel.Background? = jobs.count > 1 && !joining.isEmpty
            ? CSVParallel.start { for join in joining { join.run(total) } } : nil
        for c in plan.ops.indices {
            switch plan.ops[c] {
            case .name, .aliases: continue
            case .ref(let target):
                out.append(.ids([], .ref(.kind(target))))   // filled in from `joins` below
            case .text, .value:
                if joins[c] != nil {
                    out.append(.ints(IntColumn(nulls: 0)))   // filled in from `joins` below
                    continue
                }
                // Parts that stayed int become text like the rest.
                for j in jobs.indices where jobs[j].columns[c].isInt {
                    jobs[j].demote(c)
                    resolvers[j] = Resolver(count: jobs[j].pool.count)
                }
                if let target = plan.declaredTarget[c] {
                    // Each distinct value is resolved once; a value that names nothing (or a thing
                    // of another kind) is reported on every row that holds it.
                    var maps: [[UInt32]] = []
                    var bad = false
                    for j in jobs.indices {
                        let pool = jobs[j].pool
                        var map = [UInt32](repeating: Resolver.unknown, count: pool.count)
                        for v in jobs[j].columns[c].ids where v != Null.id && map[Int(v)] == Resolver.unknown {
                            let e = resolvers[j].resolve(v, pool, lookup)
                            map[Int(v)] = e != Null.id && lookup.kind(e) == target ? e : Null.id
                            if map[Int(v)] == Null.id { bad = true }
                        }
                        maps.append(map)
                    }
                    if bad {
                        var row = 0
                        for j in jobs.indices {
                            for v in jobs[j].columns[c].ids {
                                defer { row += 1 }
                                guard v != Null.id && maps[j][Int(v)] == Null.id else { continue }
                                let name = jobs[j].pool.string(v)
                                let e = resolvers[j].cache[Int(v)]
                                let line = row < lines.count ? Int(lines[row]) : 0
                                if e == Null.id {
                                    report(plan.path, line, .danglingReference(name, column: plan.columnNames[c], suggestions: suggest(name)))
                                } else {
                                    report(plan.path, line, .wrongKindReference(name, column: plan.columnNames[c], expected: kindNames[target],
                                                                                 found: kindNames[lookup.kind(e)]))
                                }
                            }
                        }
                    }
                    var parts = Self.takeIDs(&jobs, c)
                    out.append(.ids(Self.mapIDs(&parts, total: total, maps: maps), .ref(.kind(target))))
                } else if !plan.selfNamed[c], let numbers = numberColumn(jobs, c) {
                    // Every value is a number (decimals and negatives included).
                    for j in jobs.indices { jobs[j].columns[c].ids = [] }
                    out.append(.numbers(numbers))
                } else if let target = inferTarget(jobs.map { ($0.columns[c].ids, $0.pool) }, &resolvers, lookup),
                          !plan.selfNamed[c] || target == plan.kindIndex {
                    // Every value was resolved by inferTarget: the caches are complete.
                    var parts = Self.takeIDs(&jobs, c)
                    out.append(.ids(Self.mapIDs(&parts, total: total, maps: resolvers.map(\.cache)), .ref(.kind(target))))
                } else if plan.selfNamed[c], let numbers = numberColumn(jobs, c) {
                    for j in jobs.indices { jobs[j].columns[c].ids = [] }
                    out.append(.numbers(numbers))
                } else {
                    // Text: ids into the parts' pools, numbered one pool after the other, interned
                    // into the graph's pool once the name index is gone (`internTexts`).
                    var offset: UInt32 = 0
                    var maps: [[UInt32]] = []
                    for j in jobs.indices {
                        let base = offset
                        maps.append((0..<UInt32(jobs[j].pool.count)).map { $0 + base })
                        offset += UInt32(jobs[j].pool.count)
                    }
                    var parts = Self.takeIDs(&jobs, c)
                    out.append(.localText(Self.mapIDs(&parts, total: total, maps: maps), pools: jobs.map(\.pool)))
                }
            }
        }
        background?.wait()
        // One part (nothing ran in the background): its columns are made here.
        if background == nil { for join in joining { join.run(total) } }
        var i = 0
        for c in plan.ops.indices {
            switch plan.ops[c] {
            case .name, .aliases: continue
            default: break
            }
            if let join = joins[c] {
                if case .ids(_, let type) = out[i] {
                    var ids: [UInt32] = []
                    if !join.ids.isEmpty { swap(&ids, &join.ids[0]) }
                    out[i] = .ids(ids, type)
                } else {
                    out[i] = .ints(join.column ?? IntColumn(nulls: total))
                }
            }
            i += 1
        }
        return out
    }

    /// Moves column `c`'s ids out of every part.
    static func takeIDs(_ jobs: inout [CSVTableJob], _ c: Int) -> [[UInt32]] {
        jobs.indices.map { j in
            var ids: [UInt32] = []
            swap(&ids, &jobs[j].columns[c].ids)
            return ids
        }
    }

    /// The parts of a column as one array, each value `v` of part `j` replaced by `maps[j][v]`
    /// (nulls stay null): the first part's array is changed in place (it has room for the whole
    /// file) and the others' values appended to it, so no second copy of the column is ever held.
    /// `parts` is emptied.
    /// - Complexity: O(rows).
    static func mapIDs(_ parts: inout [[UInt32]], total: Int, maps: [[UInt32]]) -> [UInt32] {
        guard !parts.isEmpty else { return [] }
        func map(_ a: UnsafeMutableBufferPointer<UInt32>, _ m: UnsafeBufferPointer<UInt32>) {
            for i in a.indices {
                let v = a[i]
                a[i] = v == Null.id ? Null.id : m[Int(v)]
            }
        }
        var ids: [UInt32] = []
        swap(&ids, &parts[0])
        maps[0].withUnsafeBufferPointer { m in ids.withUnsafeMutableBufferPointer { map($0, m) } }
        ids.reserveCapacity(total)
        for j in parts.indices.dropFirst() {
            let at = ids.count
            ids.append(contentsOf: parts[j])
            parts[j] = []
            maps[j].withUnsafeBufferPointer { m in
                ids.withUnsafeMutableBufferPointer { map(UnsafeMutableBufferPointer(rebasing: $0[at...]), m) }
            }
        }
        return ids
    }

    /// The column's values as numbers, if every non-empty value is a decimal number: optional
    /// `-`, digits without leading zeros (so codes like `0531` stay text), optional fraction and
    /// exponent.
    func numberColumn(_ jobs: [CSVTableJob], _ c: Int) -> [Double]? {
        var parsed: [[Double]] = []
        for job in jobs {
            var cache = [Double](repeating: -.infinity, count: job.pool.count)   // -inf: not parsed yet
            var any = false
            for v in job.columns[c].ids where v != Null.id {
                if cache[Int(v)] == -.infinity {
                    guard let d = job.pool.withBytes(v, { CSVBytes.decimal($0) }) else { return nil }
                    cache[Int(v)] = d
                }
                any = true
            }
            _ = any
            parsed.append(cache)
        }
        var out: [Double] = []
        out.reserveCapacity(jobs.reduce(0) { $0 + $1.columns[c].ids.count })
        for (j, job) in jobs.enumerated() {
            for v in job.columns[c].ids { out.append(v == Null.id ? .nan : parsed[j][Int(v)]) }
        }
        return out
    }

    /// The kind every non-null value of a text column names, if there is one.
    func inferTarget(_ sources: [([UInt32], StringPool)], _ resolvers: inout [Resolver], _ lookup: CSVNameIndex.Lookup) -> Int? {
        var kind = -1
        for (j, (ids, pool)) in sources.enumerated() {
            var resolver = resolvers[j]
            resolvers[j] = Resolver(count: 0)
            defer { resolvers[j] = resolver }
            let failed: Bool = ids.withUnsafeBufferPointer { col in
                for v in col where v != Null.id {
                    var e = resolver.cache[Int(v)]
                    if e == Resolver.unknown { e = resolver.resolve(v, pool, lookup) }
                    if e == Null.id { return true }
                    let k = lookup.kind(e)
                    if kind < 0 { kind = k } else if kind != k { return true }
                }
                return false
            }
            if failed { return nil }
        }
        return kind < 0 ? nil : kind
    }

    /// Interns the text columns' strings into the graph's pool and points their cells at them.
    mutating func internTexts() {
        for (k, c, pools) in localTexts {
            var map: [UInt32] = []
            for pool in pools { map += internAll(pool) }
            builder.g.kinds[k].csvMapIDs(column: c, map)
        }
        localTexts = []
    }

    /// Interns every string of a job's pool into the graph's pool; returns the id map.
    func internAll(_ pool: StringPool) -> [UInt32] {
        var map = [UInt32](repeating: 0, count: pool.count)
        for i in 0..<pool.count {
            map[i] = pool.withBytes(UInt32(i)) { builder.intern($0) }
        }
        return map
    }

    /// A dangling reference found while scanning, with "did you mean" added.
    func withSuggestions(_ p: LoadProblem) -> LoadProblem {
        guard case .danglingReference(let name, let column, let s) = p, s.isEmpty else { return p }
        return .danglingReference(name, column: column, suggestions: suggest(name))
    }

    func suggest(_ name: String) -> [String] {
        errors.count < 10 ? builder.suggestNames(name) : []
    }

    // MARK: install

    mutating func install(_ plan: CSVFilePlan, _ finals: [CSVFinalColumn], rows: Int, entityOfRow: [EntityID]) {
        var columns: [Column] = []
        var fi = 0
        var values: [CSVFinalColumn] = []
        for c in plan.ops.indices {
            switch plan.ops[c] {
            case .name, .aliases: continue
            default: break
            }
            guard fi < finals.count else { return }   // the scan failed; errors are reported
            let f = finals[fi]
            fi += 1
            switch f {
            case .ids(_, let t): columns.append(Column(name: plan.columnNames[c], type: t))
            case .localText(_, let pools):
                columns.append(Column(name: plan.columnNames[c], type: .text))
                localTexts.append((plan.kindIndex, columns.count - 1, pools))
            case .ints: columns.append(Column(name: plan.columnNames[c], type: .int))
            case .numbers: columns.append(Column(name: plan.columnNames[c], type: .number))
            }
            values.append(f)
        }
        // The location link: the first reference to a place kind, else the first reference.
        var location: Int? = nil
        for (i, col) in columns.enumerated() {
            if case .ref(.kind(let k)) = col.type, kindRoles[k] == .place { location = i; break }
        }
        if location == nil { location = columns.firstIndex { $0.type.isRef } }
        if let l = location { columns[l].isLocation = true }
        let k: Int
        do {
            k = try builder.declareKind(name: plan.singular, plural: plan.stem, role: plan.role, columns: columns)
        } catch {
            report(plan.path, 1, .kindRedeclared(plan.singular))
            return
        }
        guard k == plan.kindIndex else { return }   // an earlier kind failed; errors are reported
        builder.g.kinds[k].csvInstall(values, rows: rows, entityOfRow: entityOfRow)
    }
}

/// Resolves a job's pooled strings to entities, each distinct string once.
struct Resolver {
    static let unknown: UInt32 = .max - 1
    var cache: [UInt32]
    init(count: Int) { cache = [UInt32](repeating: Resolver.unknown, count: count) }

    /// The entity string `v` names, or `Null.id`.
    @inline(__always)
    mutating func resolve(_ v: UInt32, _ pool: StringPool, _ lookup: CSVNameIndex.Lookup) -> UInt32 {
        let c = cache[Int(v)]
        if c != Resolver.unknown { return c }
        let e = pool.withBytes(v) { lookup.entity($0) } ?? Null.id
        cache[Int(v)] = e
        return e
    }
}

extension Kind {
    /// Replaces every non-null id of column `c` by `map[id]`.
    mutating func csvMapIDs(column c: Int, _ map: [UInt32]) {
        map.withUnsafeBufferPointer { m in
            ids[columns[c].slot].withUnsafeMutableBufferPointer { a in
                for i in a.indices where a[i] != Null.id { a[i] = m[Int(a[i])] }
            }
        }
    }

    /// Installs a CSV file's columns (in declaration order) into this freshly declared kind.
    mutating func csvInstall(_ values: [CSVFinalColumn], rows: Int, entityOfRow: [EntityID]) {
        for (i, v) in values.enumerated() {
            let slot = columns[i].slot
            switch v {
            case .ids(let a, _), .localText(let a, _): ids[slot] = a
            case .ints(let a): ints[slot] = a
            case .numbers(let a): numbers[slot] = a
            }
        }
        self.entityOfRow = entityOfRow
        rowCount = rows
    }
}

/// Phase times on standard error when `FACTSH_CSV_TIMING` is set (for profiling the importer).
struct CSVClock {
    let enabled = getenv("FACTSH_CSV_TIMING") != nil
    var last = CSVClock.now()
    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
    mutating func lap(_ what: String) {
        guard enabled else { return }
        let t = CSVClock.now()
        let (rss, peak) = CSVClock.memory()
        var line = "csv: \(what) \(Int((t - last) * 1000)) ms, rss \(rss) MB, peak \(peak) MB\n"
        line.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
        last = t
    }

    /// Resident and peak resident memory in MB (`VmRSS`, `VmHWM` of /proc/self/status).
    static func memory() -> (rss: Int, peak: Int) {
        let fd = open("/proc/self/status", O_RDONLY)
        guard fd >= 0 else { return (0, 0) }
        defer { close(fd) }
        var buf = [UInt8](repeating: 0, count: 4096)
        let n = read(fd, &buf, buf.count)
        guard n > 0 else { return (0, 0) }
        var rss = 0, peak = 0
        for line in buf[0..<n].split(separator: 0x0A) {
            let text = String(decoding: line, as: UTF8.self)
            let fields = text.split(whereSeparator: { $0 == " " || $0 == "\t" })
            let kb = fields.count > 1 ? Int(fields[1]) ?? 0 : 0
            if text.hasPrefix("VmRSS:") { rss = kb >> 10 }
            if text.hasPrefix("VmHWM:") { peak = kb >> 10 }
        }
        return (rss, peak)
    }
}

