import FactGraph
import CMemory
import FactQuery

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// CSV and TSV rows written as bytes: names and text are copied straight from the graph's string
/// pool into one buffer, numbers are formatted into it, and the buffer goes to the sink every
/// 64 KB — no `String` per cell, so millions of rows stream at a hundred megabytes a second.
struct DelimitedBytes {
    enum Quoting { case csv, tsv }
    let quoting: Quoting
    let separator: UInt8
    /// Results of at least this many rows whose columns are all stored go through
    /// `StoredRows` (tests set it to compare both paths).
    var chunkedFrom = DelimitedBytes.chunkRows

    /// Backslash escapes by byte, the letter after the backslash (0: none; `u`: `\u00XX`):
    /// TSV's (backslash, tab, LF, CR) and a JSON string's (quote, backslash, control characters).
    static let tsvEscapes: [UInt8] = (0..<256).map {
        switch $0 { case 0x5C: return 0x5C; case 0x09: return 0x74; case 0x0A: return 0x6E; case 0x0D: return 0x72; default: return 0 }
    }
    static let jsonEscapes: [UInt8] = (0..<256).map {
        switch $0 {
        case 0x22: return 0x22
        case 0x5C: return 0x5C
        case 0x09: return 0x74
        case 0x0A: return 0x6E
        case 0x0D: return 0x72
        case 0..<0x20: return 0x75
        default: return 0
        }
    }

    /// Which bytes make a field need quoting (CSV) or escaping (TSV).
    static let csvSpecial: [Bool] = (0..<256).map { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }
    static let tsvSpecial: [Bool] = (0..<256).map { $0 == 0x5C || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }

    /// A growable byte buffer written with `memcpy`.
    final class Buffer: @unchecked Sendable {
        var base: UnsafeMutableRawPointer
        var count = 0
        var capacity: Int

        init(_ capacity: Int) {
            self.capacity = capacity
            base = malloc(capacity)!
        }
        deinit { free(base) }

        @inline(__always)
        func reserve(_ n: Int) {
            if count + n > capacity {
                capacity = max(capacity * 2, count + n)
                base = realloc(base, capacity)!
            }
        }
        @inline(__always)
        func append(_ b: UInt8) {
            reserve(1)
            base.storeBytes(of: b, toByteOffset: count, as: UInt8.self)
            count += 1
        }
        @inline(__always)
        func append(_ p: UnsafeRawBufferPointer) {
            guard p.count > 0 else { return }
            reserve(p.count)
            memcpy(base + count, p.baseAddress!, p.count)
            count += p.count
        }
        var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }
    }

    func render(_ table: ResultTable, _ o: RenderOptions, to sink: any TextSink) throws(OutputStop) {
        let n = table.columns.count
        guard n > 0 else { return }
        let g = table.graph
        let out = Buffer(1 << 17)
        let special = quoting == .csv ? Self.csvSpecial : Self.tsvSpecial
        let quoting = self.quoting
        @inline(__always) func field(_ p: UnsafeRawBufferPointer) {
            Self.field(p, out, special, quoting)
        }
        if o.headers {
            for (c, name) in table.columns.enumerated() {
                if c > 0 { out.append(separator) }
                var s = name
                s.withUTF8 { field(UnsafeRawBufferPointer($0)) }
            }
            out.append(0x0A)
        }
        let rows = o.visibleRowCount(table.rowCount)
        // `.nullvalue`: what a missing value prints as (nothing by default).
        let nullBytes = Array((o.nullText ?? "").utf8)
        @inline(__always) func null() { if !nullBytes.isEmpty { nullBytes.withUnsafeBytes { field($0) } } }
        // The pool and names once: reading them through the graph for every cell would copy
        // the pool's storage references each time.
        let pool = g.strings
        let names = g.entityName
        // How each column is read: a relation's stored column by row number, anything else
        // through `value(_:_:)`.
        enum Reader { case text([UInt32]), entity([UInt32]), int(IntColumn), value }
        let rowNumbers = table.relationRows ?? RowNumbers([])
        let readers: [Reader] = (0..<n).map { c in
            guard !rowNumbers.isEmpty, let cells = table.storedCells(c) else { return .value }
            switch cells {
            case .text(let a): return .text(a)
            case .entity(let a): return .entity(a)
            case .int(let a): return .int(a)
            default: return .value
            }
        }
        if rows >= chunkedFrom, let (cols, numbers) = Self.chunkColumns(table) {
            let job = StoredRows(columns: cols, rowNumbers: numbers, pool: pool,
                                 special: SpecialStrings.of(g).bits(quoting), names: names,
                                 style: .delimited(separator: separator, quoting), nullBytes: nullBytes)
            try sink.write(bytes: out.bytes)
            out.count = 0
            try job.render(rows: rows, to: sink)
            return
        }
        // A CSV row of one empty field is written `""`: an empty line is no record to CSV
        // readers (ours, Python's, pandas'), so the row would be lost.
        let loneField = quoting == .csv && n == 1
        for r in 0..<rows {
            let rowStart = out.count
            for c in 0..<n {
                if c > 0 { out.append(separator) }
                switch readers[c] {
                case .text(let col):
                    let id = col[Int(rowNumbers[r])]
                    if id != Null.id { pool.withBytes(id) { field($0) } } else { null() }
                case .entity(let col):
                    let e = col[Int(rowNumbers[r])]
                    if e != Null.id { pool.withBytes(names[Int(e)]) { field($0) } } else { null() }
                case .int(let col):
                    let v = col[Int(rowNumbers[r])]
                    if v != Null.int { Self.appendInt(v, out) } else { null() }
                case .value:
                    switch table.value(r, c) {
                    case .null: null()
                    case .text(let id): pool.withBytes(id) { field($0) }
                    case .entity(let e): pool.withBytes(names[Int(e)]) { field($0) }
                    case .int(let v): Self.appendInt(v, out)
                    case let v:
                        var s = g.display(v)
                        s.withUTF8 { field(UnsafeRawBufferPointer($0)) }
                    }
                }
            }
            if loneField && out.count == rowStart { out.append(0x22); out.append(0x22) }
            out.append(0x0A)
            if out.count >= 1 << 16 {
                try sink.write(bytes: out.bytes)
                out.count = 0
            }
        }
        try sink.write(bytes: out.bytes)
    }

    /// Rows per chunk of the stored-columns path.
    static let chunkRows = 8192

    /// The columns `StoredRows` can render in chunks, and the rows to read them by: a
    /// summary's groups when every column is names, texts or ints (each read by group
    /// number), or a relation's rows when every column is a stored text, entity or int column;
    /// nil for anything else (numbers, dates, computed columns), which is read cell by cell.
    static func chunkColumns(_ table: ResultTable) -> ([StoredRows.Column], RowNumbers)? {
        let n = table.columns.count
        guard n > 0 else { return nil }
        if table.isSummary {
            var cols: [StoredRows.Column] = []
            for c in 0..<n {
                guard let cells = table.groupCells(c) else { return nil }
                switch cells {
                case .codedStrings(let codes, let strings): cols.append(.codedStrings(codes, strings))
                case .codedInts(let codes, let ints): cols.append(.codedInts(codes, ints))
                case .counts(let counts): cols.append(.counts(counts))
                case .strings(let strings): cols.append(.text(strings))
                case .ints(let ints): cols.append(.ints(ints))
                }
            }
            guard let groups = table.groupNumbers else { return nil }
            return (cols, RowNumbers(groups))
        }
        guard let rowNumbers = table.relationRows, !rowNumbers.isEmpty else { return nil }
        var cols: [StoredRows.Column] = []
        for c in 0..<n {
            switch table.storedCells(c) {
            case .text(let a)?: cols.append(.text(a))
            case .entity(let a)?: cols.append(.entity(a))
            case .int(let a)?: cols.append(.int(a))
            default: return nil
            }
        }
        return (cols, rowNumbers)
    }

    /// JSON objects (`json`, `jsonl`) in chunks by `StoredRows`, when `chunkColumns` can read
    /// the table and it has at least `chunkRows` rows to show; false (nothing written) when not.
    static func renderJSON(_ table: ResultTable, rows: Int, array: Bool, to sink: any TextSink,
                           chunkedFrom: Int = chunkRows) throws(OutputStop) -> Bool {
        guard rows >= chunkedFrom, rows > 0, let (cols, numbers) = chunkColumns(table) else { return false }
        let g = table.graph
        let keys: [[UInt8]] = JSONText.keys(table).enumerated().map { c, k in Array(((c == 0 ? "{" : ",") + k + ":").utf8) }
        let job = StoredRows(columns: cols, rowNumbers: numbers, pool: g.strings, special: SpecialStrings.of(g).json,
                             names: g.entityName, style: .json(.init(keys: keys, array: array, total: rows)),
                             nullBytes: Array("null".utf8))
        if array { try sink.write("[\n") }
        try job.render(rows: rows, to: sink)
        if array { try sink.write("]\n") }
        return true
    }

    /// Rows whose every column is a stored column (a relation's text, entity and int cells by
    /// row number), rendered a chunk at a time in three tight passes, so the random reads of a
    /// big graph (an entity's name id, the name's place in the pool, its bytes) overlap instead
    /// of waiting one by one: gather the string ids, find their byte ranges and touch the first
    /// byte of each, then copy. Past two chunks the second core renders every other chunk;
    /// chunks are written in order.
    struct StoredRows: @unchecked Sendable {
        enum Column {
            case text([UInt32]), entity([UInt32]), int(IntColumn)
            /// A summary's key by group number: the group's code, then the code's string id
            /// or int; an aggregate's count or int per group (`text` for string ids).
            case codedStrings([Int32], [UInt32]), codedInts([Int32], [Int64]), counts([Int]), ints([Int64])

            var isInt: Bool {
                switch self {
                case .int, .codedInts, .counts, .ints: return true
                case .text, .entity, .codedStrings: return false
                }
            }
        }
        let columns: [Column]
        let rowNumbers: RowNumbers
        let pool: StringPool
        /// One bit per string of the pool: set when a field holding it must be quoted (CSV) or
        /// escaped (TSV). Fields whose bit is clear are copied without looking at their bytes.
        let special: [UInt64]
        let names: [UInt32]
        let style: Style
        let nullBytes: [UInt8]

        /// What a row is written as.
        enum Style {
            /// Fields between separators, quoted (CSV) or escaped (TSV) when `special` says so.
            case delimited(separator: UInt8, Quoting)
            /// A JSON object: each field after its key, strings quoted and escaped (`special`
            /// then marks the strings JSON escapes), missing values `null` (`nullBytes`), and
            /// in an array a comma after every object but the last.
            case json(JSONStyle)
        }

        struct JSONStyle {
            /// Per column: `{"key":` for the first, `,"key":` for the others.
            let keys: [[UInt8]]
            let array: Bool
            /// The rows rendered in all (the last object takes no comma).
            let total: Int
        }

        /// One core's working memory, kept from chunk to chunk (a streamed result never holds
        /// more than two chunks).
        final class Scratch: @unchecked Sendable {
            let ids, from, to: UnsafeMutableBufferPointer<UInt32>
            let ints: UnsafeMutableBufferPointer<Int64>
            /// The chunk's row numbers when the result is a run of rows (no list to point into).
            let rows: UnsafeMutableBufferPointer<UInt32>
            let out: Buffer
            init(cells: Int, rows chunk: Int) {
                rows = .allocate(capacity: chunk)
                ids = .allocate(capacity: cells)
                from = .allocate(capacity: cells)
                to = .allocate(capacity: cells)
                ints = .allocate(capacity: cells)
                out = Buffer(cells * 24 + 64)
            }
            deinit { rows.deallocate(); ids.deallocate(); from.deallocate(); to.deallocate(); ints.deallocate() }
        }

        func render(rows: Int, to sink: any TextSink) throws(OutputStop) {
            let chunk = DelimitedBytes.chunkRows
            let cells = chunk * columns.count
            let mine = Scratch(cells: cells, rows: chunk), other = Scratch(cells: cells, rows: chunk)
            var lo = 0
            while lo < rows {
                let aEnd = min(lo + chunk, rows)
                let bEnd = min(aEnd + chunk, rows)
                if aEnd < bEnd {
                    let me = self, from = lo, to = aEnd
                    _ = BackgroundWork.pair({ me.chunk(from, to, mine) }, { me.chunk(to, bEnd, other) })
                } else {
                    self.chunk(lo, aEnd, mine)
                }
                try sink.write(bytes: mine.out.bytes)
                if aEnd < bEnd { try sink.write(bytes: other.out.bytes) }
                lo = bEnd
            }
        }

        /// Calls `body` with the row numbers of rows `lo ..< hi`: in the list, or written out
        /// for a run.
        func withRows<R>(_ lo: Int, _ hi: Int, _ scratch: Scratch, _ body: (UnsafePointer<UInt32>) -> R) -> R {
            if let list = rowNumbers.list {
                return list.withUnsafeBufferPointer { p in p.baseAddress.map { body($0 + lo) } ?? body(UnsafePointer(scratch.rows.baseAddress!)) }
            }
            let start = rowNumbers.runStart ?? 0
            for i in 0..<(hi - lo) { scratch.rows[i] = UInt32(truncatingIfNeeded: start + lo + i) }
            return body(UnsafePointer(scratch.rows.baseAddress!))
        }

        /// Rows `lo ..< hi` as bytes, into `scratch.out`.
        func chunk(_ lo: Int, _ hi: Int, _ scratch: Scratch) {
            let n = columns.count
            let count = hi - lo
            let out = scratch.out
            out.count = 0
            let ids = scratch.ids, ints = scratch.ints, from = scratch.from, to = scratch.to
            let json: JSONStyle?, separator: UInt8, csv: Bool
            switch style {
            case .delimited(let s, let q): (json, separator, csv) = (nil, s, q == .csv)
            case .json(let j): (json, separator, csv) = (j, 0, false)
            }
            let special = csv ? DelimitedBytes.csvSpecial : DelimitedBytes.tsvSpecial
            // Pass 1: each cell's string id (names through the entity's name), or the int.
            withRows(lo, hi, scratch) { rn in
                names.withUnsafeBufferPointer { nm in
                    for c in 0..<n {
                        switch columns[c] {
                        case .text(let col):
                            col.withUnsafeBufferPointer { col in
                                for i in 0..<count { ids[i * n + c] = col[Int(rn[i])] }
                            }
                        case .entity(let col):
                            col.withUnsafeBufferPointer { col in
                                for i in 0..<count {
                                    let e = col[Int(rn[i])]
                                    ids[i * n + c] = e == Null.id ? Null.id : nm[Int(e)]
                                }
                            }
                        case .int(let col):
                            // The column as stored, widened here; a narrow column's smallest
                            // value is its missing one.
                            func gather<T: FixedWidthInteger>(_ a: [T], _ null: T) {
                                a.withUnsafeBufferPointer { col in
                                    for i in 0..<count {
                                        let x = col[Int(rn[i])]
                                        ints[i * n + c] = x == null ? Null.int : Int64(x)
                                        ids[i * n + c] = Null.id
                                    }
                                }
                            }
                            switch col.storage {
                            case .i16(let a): gather(a, .min)
                            case .i32(let a): gather(a, .min)
                            case .i64(let a): gather(a, Null.int)
                            }
                        case .codedStrings(let codes, let strings):
                            codes.withUnsafeBufferPointer { cd in
                                strings.withUnsafeBufferPointer { st in
                                    for i in 0..<count { ids[i * n + c] = st[Int(cd[Int(rn[i])])] }
                                }
                            }
                        case .codedInts(let codes, let values):
                            codes.withUnsafeBufferPointer { cd in
                                values.withUnsafeBufferPointer { v in
                                    for i in 0..<count { ints[i * n + c] = v[Int(cd[Int(rn[i])])]; ids[i * n + c] = Null.id }
                                }
                            }
                        case .counts(let counts):
                            counts.withUnsafeBufferPointer { v in
                                for i in 0..<count { ints[i * n + c] = Int64(v[Int(rn[i])]); ids[i * n + c] = Null.id }
                            }
                        case .ints(let values):
                            values.withUnsafeBufferPointer { v in
                                for i in 0..<count { ints[i * n + c] = v[Int(rn[i])]; ids[i * n + c] = Null.id }
                            }
                        }
                    }
                }
            }
            let isInt = columns.map(\.isInt)
            pool.withStorage { bytes, starts in
                // Pass 2: byte ranges. The offsets of the strings some cells ahead are asked of
                // the memory early (a name column's strings are all over the pool).
                let cells = count * n
                let ahead = 16 * n
                for k in 0..<cells {
                    if k + ahead < cells && ids[k + ahead] != Null.id { factsh_prefetch(starts.baseAddress! + Int(ids[k + ahead])) }
                    guard ids[k] != Null.id else { continue }
                    let id = Int(ids[k])
                    from[k] = starts[id]; to[k] = starts[id + 1]
                }
                // Pass 3: the bytes, into room reserved once for the chunk's worst case (every
                // field quoted with every byte doubled), through a pointer and a local position.
                var need = count + 64
                // JSON: a string may grow sixfold (`\u00XX`), each row takes its keys and braces.
                let grow = json == nil ? 2 : 6
                for k in 0..<(count * n) { need += ids[k] != Null.id ? grow * Int(to[k] &- from[k]) + 3 : 2 * nullBytes.count + 24 }
                let keys = json?.keys ?? []
                if json != nil { need += count * (keys.reduce(0) { $0 + $1.count } + 4) }
                let lastRow = json.map { $0.array ? $0.total - 1 - lo : Int.max } ?? Int.max
                out.reserve(need)
                var pos = out.count
                let dst = out.base
                let base = bytes.baseAddress ?? UnsafeRawPointer(dst)
                let poolBytes = bytes.count
                special.withUnsafeBufferPointer { sp in
                  self.special.withUnsafeBufferPointer { sb in
                    nullBytes.withUnsafeBytes { nb in
                        /// Bytes with backslash escapes (TSV fields, JSON strings): `escapes[b]`
                        /// is the letter after the backslash, `u` for `\u00XX`, 0 for none.
                        @inline(__always) func putBackslashed(_ src: UnsafeRawPointer, _ len: Int, _ escapes: [UInt8]) {
                            for j in 0..<len {
                                let b = src.load(fromByteOffset: j, as: UInt8.self)
                                let e = escapes[Int(b)]
                                if e == 0 {
                                    dst.storeBytes(of: b, toByteOffset: pos, as: UInt8.self)
                                    pos += 1
                                } else if e == 0x75 {
                                    let hex: StaticString = "0123456789abcdef"
                                    for (i, x) in [0x5C, 0x75, 0x30, 0x30].enumerated() { dst.storeBytes(of: UInt8(x), toByteOffset: pos + i, as: UInt8.self) }
                                    dst.storeBytes(of: hex.utf8Start[Int(b >> 4)], toByteOffset: pos + 4, as: UInt8.self)
                                    dst.storeBytes(of: hex.utf8Start[Int(b & 0xF)], toByteOffset: pos + 5, as: UInt8.self)
                                    pos += 6
                                } else {
                                    dst.storeBytes(of: 0x5C, toByteOffset: pos, as: UInt8.self)
                                    dst.storeBytes(of: e, toByteOffset: pos + 1, as: UInt8.self)
                                    pos += 2
                                }
                            }
                        }
                        @inline(__always) func putRaw(_ p: UnsafeRawBufferPointer) {
                            if p.count > 0 { (dst + pos).copyMemory(from: p.baseAddress!, byteCount: p.count) }
                            pos += p.count
                        }
                        @inline(__always) func put(_ src: UnsafeRawPointer, _ len: Int) {
                            var needs = false
                            var j = 0
                            while j < len {
                                if sp[Int(src.load(fromByteOffset: j, as: UInt8.self))] { needs = true; break }
                                j += 1
                            }
                            if !needs {
                                if len > 0 { (dst + pos).copyMemory(from: src, byteCount: len) }
                                pos += len
                                return
                            }
                            if csv {
                                dst.storeBytes(of: 0x22, toByteOffset: pos, as: UInt8.self)
                                pos += 1
                                for j in 0..<len {
                                    let b = src.load(fromByteOffset: j, as: UInt8.self)
                                    if b == 0x22 { dst.storeBytes(of: 0x22, toByteOffset: pos, as: UInt8.self); pos += 1 }
                                    dst.storeBytes(of: b, toByteOffset: pos, as: UInt8.self)
                                    pos += 1
                                }
                                dst.storeBytes(of: 0x22, toByteOffset: pos, as: UInt8.self)
                                pos += 1
                            } else {
                                putBackslashed(src, len, DelimitedBytes.tsvEscapes)
                            }
                        }
                        @inline(__always) func putInt(_ v: Int64) {
                            if v == 0 { dst.storeBytes(of: 0x30, toByteOffset: pos, as: UInt8.self); pos += 1; return }
                            var x = v.magnitude
                            if v < 0 { dst.storeBytes(of: 0x2D, toByteOffset: pos, as: UInt8.self); pos += 1 }
                            var digits = 0
                            var y = x
                            while y > 0 { digits += 1; y /= 10 }
                            var at = pos + digits - 1
                            while x > 0 {
                                dst.storeBytes(of: UInt8(x % 10) + 0x30, toByteOffset: at, as: UInt8.self)
                                x /= 10
                                at -= 1
                            }
                            pos += digits
                        }
                        // A CSV row of one empty field is written `""` (see `render`).
                        let loneField = csv && n == 1
                        for i in 0..<count {
                            let rowStart = pos
                            // The bytes of the strings some rows ahead, asked of the memory early.
                            if i + 12 < count {
                                for c in 0..<n where !isInt[c] {
                                    let k = (i + 12) * n + c
                                    if ids[k] != Null.id && to[k] > from[k] {
                                        factsh_prefetch(base + Int(from[k]))
                                        factsh_prefetch(base + Int(to[k] - 1))
                                    }
                                }
                            }
                            for c in 0..<n {
                                if json != nil {
                                    keys[c].withUnsafeBytes { putRaw($0) }
                                } else if c > 0 {
                                    dst.storeBytes(of: separator, toByteOffset: pos, as: UInt8.self); pos += 1
                                }
                                let k = i * n + c
                                if isInt[c] {
                                    let v = ints[k]
                                    if v != Null.int { putInt(v) } else if json != nil { putRaw(nb) } else if nb.count > 0 { put(nb.baseAddress!, nb.count) }
                                } else if ids[k] != Null.id {
                                    let id = Int(ids[k]), len = Int(to[k] &- from[k])
                                    let plain = sb[id >> 6] & (1 << UInt64(id & 63)) == 0
                                    if json != nil {
                                        // Quoted; escaped only when the string needs it.
                                        dst.storeBytes(of: 0x22, toByteOffset: pos, as: UInt8.self)
                                        pos += 1
                                        if plain {
                                            if len > 0 { (dst + pos).copyMemory(from: base + Int(from[k]), byteCount: len) }
                                            pos += len
                                        } else {
                                            putBackslashed(base + Int(from[k]), len, DelimitedBytes.jsonEscapes)
                                        }
                                        dst.storeBytes(of: 0x22, toByteOffset: pos, as: UInt8.self)
                                        pos += 1
                                    } else if plain {
                                        let at = Int(from[k])
                                        if len <= 64 && at + 64 <= poolBytes {
                                            // Short fields (most are) in 16-byte pieces, not a
                                            // call each: the piece may read past the field
                                            // inside the pool and write past it into the room
                                            // reserved (at least 64 bytes beyond the last).
                                            var j = 0
                                            while j < len {
                                                let v = base.loadUnaligned(fromByteOffset: at + j, as: SIMD16<UInt8>.self)
                                                dst.storeBytes(of: v, toByteOffset: pos + j, as: SIMD16<UInt8>.self)
                                                j += 16
                                            }
                                        } else if len > 0 {
                                            (dst + pos).copyMemory(from: base + at, byteCount: len)
                                        }
                                        pos += len
                                    } else {
                                        put(base + Int(from[k]), len)
                                    }
                                } else if json != nil {
                                    putRaw(nb)
                                } else if nb.count > 0 {
                                    put(nb.baseAddress!, nb.count)
                                }
                            }
                            if let json {
                                dst.storeBytes(of: 0x7D, toByteOffset: pos, as: UInt8.self)
                                pos += 1
                                if json.array && i != lastRow {
                                    dst.storeBytes(of: 0x2C, toByteOffset: pos, as: UInt8.self)
                                    pos += 1
                                }
                            }
                            if loneField && pos == rowStart {
                                dst.storeBytes(of: 0x22, toByteOffset: pos, as: UInt8.self)
                                dst.storeBytes(of: 0x22, toByteOffset: pos + 1, as: UInt8.self)
                                pos += 2
                            }
                            dst.storeBytes(of: 0x0A, toByteOffset: pos, as: UInt8.self)
                            pos += 1
                        }
                    }
                  }
                }
                out.count = pos
            }
        }
    }

    /// One field: CSV quotes it when it holds a comma, quote, CR or LF (doubling quotes); TSV
    /// escapes backslash, tab, LF and CR.
    @inline(__always)
    static func field(_ p: UnsafeRawBufferPointer, _ out: Buffer, _ special: [Bool], _ quoting: Quoting) {
        var needs = false
        special.withUnsafeBufferPointer { sp in
            for b in p where sp[Int(b)] { needs = true; break }
        }
        if !needs { out.append(p); return }
        switch quoting {
        case .csv:
            out.append(0x22)
            for b in p {
                if b == 0x22 { out.append(0x22) }
                out.append(b)
            }
            out.append(0x22)
        case .tsv:
            for b in p {
                switch b {
                case 0x5C: out.append(0x5C); out.append(0x5C)
                case 0x09: out.append(0x5C); out.append(0x74)
                case 0x0A: out.append(0x5C); out.append(0x6E)
                case 0x0D: out.append(0x5C); out.append(0x72)
                default: out.append(b)
                }
            }
        }
    }

    /// Decimal digits of an integer.
    @inline(__always)
    static func appendInt(_ v: Int64, _ out: Buffer) {
        if v == 0 { out.append(0x30); return }
        var x = v.magnitude
        if v < 0 { out.append(0x2D) }
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
        var n = 0
        withUnsafeMutableBytes(of: &digits) { d in
            while x > 0 { d[n] = UInt8(x % 10) + 0x30; x /= 10; n += 1 }
            out.reserve(n)
            for i in stride(from: n - 1, through: 0, by: -1) { out.append(d[i]) }
        }
    }
}

/// Which strings of a graph's pool a CSV field must quote (a comma, quote, CR or LF in it) and
/// which a TSV field must escape (a backslash, tab, LF or CR): one bit per string each, found
/// once per graph by reading the pool's bytes (on two cores when big). Streaming millions of
/// rows then tests a bit per field instead of every byte of it.
final class SpecialStrings: @unchecked Sendable {
    let csv: [UInt64]
    let tsv: [UInt64]
    /// Strings a JSON string literal must escape: a quote, backslash or control character.
    let json: [UInt64]

    static func of(_ g: FactGraph) -> SpecialStrings { g.derived.value(SpecialStrings.self) { SpecialStrings(g.strings) } }

    func bits(_ quoting: DelimitedBytes.Quoting) -> [UInt64] { quoting == .csv ? csv : tsv }

    /// Per byte: 1 if CSV quotes it, 2 if TSV escapes it, 4 if JSON does.
    static let flags: [UInt8] = (0..<256).map {
        (DelimitedBytes.csvSpecial[$0] ? 1 : 0) | (DelimitedBytes.tsvSpecial[$0] ? 2 : 0) | ($0 < 0x20 || $0 == 0x22 || $0 == 0x5C ? 4 : 0)
    }

    init(_ pool: StringPool) {
        let n = pool.count
        let words = n / 64 + 1
        // Two halves of the strings, split at a word of bits, each with its own bits.
        @Sendable func part(_ lo: Int, _ hi: Int) -> ([UInt64], [UInt64], [UInt64]) {
            var csv = [UInt64](repeating: 0, count: words), tsv = [UInt64](repeating: 0, count: words)
            var json = [UInt64](repeating: 0, count: words)
            pool.withStorage { bytes, starts in
                Self.flags.withUnsafeBufferPointer { fl in
                    for s in lo..<hi {
                        var f: UInt8 = 0
                        for i in Int(starts[s])..<Int(starts[s + 1]) { f |= fl[Int(bytes[i])] }
                        if f & 1 != 0 { csv[s >> 6] |= 1 << UInt64(s & 63) }
                        if f & 2 != 0 { tsv[s >> 6] |= 1 << UInt64(s & 63) }
                        if f & 4 != 0 { json[s >> 6] |= 1 << UInt64(s & 63) }
                    }
                }
            }
            return (csv, tsv, json)
        }
        if pool.byteCount < 1 << 22 {
            (csv, tsv, json) = part(0, n)
        } else {
            let mid = min(n, (n / 2) & ~63)
            let (a, b) = BackgroundWork.pair({ part(0, mid) }, { part(mid, n) })
            csv = zip(a.0, b.0).map { $0 | $1 }
            tsv = zip(a.1, b.1).map { $0 | $1 }
            json = zip(a.2, b.2).map { $0 | $1 }
        }
    }
}
