/// Reads `.facts` files (docs/FORMAT.md) into a `GraphBuilder`, byte by byte.
///
/// Every malformed line is reported as `file:line:column: message` and reading goes on, so a
/// user sees all errors at once; a file with any error loads nothing.
///
/// Several files merge: a kind declared again the same way is the same kind; an entity defined
/// again in a later file (same kind, same name or alias) is the same entity — its aliases,
/// provenance and the columns the earlier file left empty are added, and a different value for
/// a column is an error; a relation row identical to one from another file is the same fact.
///
/// Tokens are byte ranges of the file (only a quoted string with escapes is copied), the kind
/// of the previous line is remembered, and columns are found by comparing bytes, so a file reads
/// at tens of megabytes a second.
public struct FactsReader {
    let b: GraphBuilder
    /// Where each entity was defined (file number, line), for "already names X (line N)" and to
    /// tell a definition repeated in another file (merged) from one repeated in the same file.
    var definedAt: [EntityID: (file: Int, line: Int)] = [:]
    var file = ""
    var fileNumber = 0
    /// Kinds this file declares further down, by name and plural: the index each will have
    /// and its role, so a column may name a kind declared below it (kinds that refer to each
    /// other can only be written that way).
    var laterKinds: [String: (index: Int, name: String, role: KindRole)] = [:]
    /// Forward references taken, to check once the file's declarations are all read.
    var forwardUses: [(index: Int, name: String)] = []
    /// A forward reference did not land on the kind it named (a declaration below failed):
    /// the builder's schema is not to be trusted, so the load stops with the reader's errors.
    public private(set) var schemaBroken = false
    /// The kind of the last fact line, and its name's bytes (most lines repeat it).
    var lastKind: (bytes: [UInt8], index: Int, shape: KindShape)? = nil
    var lastSource: (bytes: [UInt8], entity: EntityID)? = nil
    var shapes: [Int: KindShape] = [:]

    public init(builder: GraphBuilder) { self.b = builder }

    /// Loads files into a new graph (or one extending `base`), all or nothing.
    public static func load(_ files: [(name: String, bytes: [UInt8])], extending base: FactGraph? = nil) throws(LoadFailure) -> FactGraph {
        // A big load (`.load` during a session included) sets the allocator for loading, then
        // for answering statements, as a CSV load does (see CMemory); a small one (the built-in
        // graph at start-up) leaves it as it is.
        let big = files.reduce(0) { $0 + $1.bytes.count } >= 16 << 20
        if big { factsh_malloc_for_loading() }
        defer { if big { factsh_malloc_for_queries() } }
        let builder = base.map { GraphBuilder(extending: $0) } ?? GraphBuilder()
        var reader = FactsReader(builder: builder)
        // The graph being extended counts as the first file, so facts it already has merge.
        if base != nil { builder.beginFile(); reader.fileNumber = 1 }
        for f in files { reader.read(f.bytes, file: f.name) }
        if reader.schemaBroken { throw LoadFailure(builder.errors) }
        // finish() also reports dangling references, so the user sees every error at once.
        guard let g = builder.finish() else { throw LoadFailure(builder.errors) }
        return g
    }

    enum TokenKind { case word, quoted, equals, provenance }

    /// A token: a byte range of the file, or (a quoted string with escapes) its own bytes.
    struct Token {
        var kind: TokenKind
        var start: Int
        var end: Int
        var unescaped: [UInt8]?

        @inline(__always)
        func withBytes<R>(_ buf: UnsafeBufferPointer<UInt8>, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
            if let u = unescaped { return try u.withUnsafeBytes(body) }
            return try body(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(buf)[start..<end]))
        }

        func text(_ buf: UnsafeBufferPointer<UInt8>) -> String { withBytes(buf) { String(decoding: $0, as: UTF8.self) } }

        func equals(_ buf: UnsafeBufferPointer<UInt8>, _ s: StaticString) -> Bool {
            withBytes(buf) { p in
                p.count == s.utf8CodeUnitCount && memcmp(p.baseAddress!, s.utf8Start, p.count) == 0
            }
        }
    }

    struct LineError: Error { var offset: Int; var problem: LoadProblem }

    /// Reads one file's bytes.
    public mutating func read(_ data: [UInt8], file: String) {
        self.file = file
        fileNumber += 1
        b.beginFile()
        lastKind = nil
        shapes = [:]
        findLaterKinds(data)
        defer { checkForwardUses() }
        var toks: [Token] = []
        toks.reserveCapacity(32)
        data.withUnsafeBufferPointer { buf in
            var lineNo = 0
            var i = 0
            let n = buf.count
            // Skip a UTF-8 byte order mark.
            if n >= 3 && buf[0] == 0xEF && buf[1] == 0xBB && buf[2] == 0xBF { i = 3 }
            while i < n {
                lineNo += 1
                var end = i
                if let nl = memchr(buf.baseAddress! + i, 0x0A, n - i) {
                    end = i + UnsafeRawPointer(buf.baseAddress! + i).distance(to: UnsafeRawPointer(nl))
                } else {
                    end = n
                }
                var lineEnd = end
                if lineEnd > i && buf[lineEnd - 1] == 0x0D { lineEnd -= 1 }
                do {
                    try readLine(buf, i, lineEnd, lineNo, &toks)
                } catch let e as LineError {
                    if !b.report(LoadError(position(buf, i, e.offset, lineNo), e.problem)) { return }
                } catch {}
                i = end + 1
            }
        }
    }

    /// 1-based character column of byte `offset` in the line starting at `lineStart`.
    func position(_ buf: UnsafeBufferPointer<UInt8>, _ lineStart: Int, _ offset: Int, _ line: Int) -> SourcePosition {
        var col = 1
        var j = lineStart
        while j < offset && j < buf.count {
            if buf[j] & 0xC0 != 0x80 { col += 1 }
            j += 1
        }
        // Past an invalid byte the count is approximate, but still points at the line.
        return SourcePosition(file: file, line: line, column: col)
    }

    /// The offset of the first byte that is not valid UTF-8 in `s..<e`, if any.
    static func firstInvalidUTF8(_ buf: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int) -> Int? {
        var i = s
        while i < e {
            let c = buf[i]
            if c < 0x80 { i += 1; continue }
            var need = 0
            var min: UInt32 = 0
            var v: UInt32
            if c & 0xE0 == 0xC0 { need = 1; v = UInt32(c & 0x1F); min = 0x80 }
            else if c & 0xF0 == 0xE0 { need = 2; v = UInt32(c & 0x0F); min = 0x800 }
            else if c & 0xF8 == 0xF0 { need = 3; v = UInt32(c & 0x07); min = 0x10000 }
            else { return i }
            if i + need >= e { return i }
            for k in 1...need {
                let d = buf[i + k]
                if d & 0xC0 != 0x80 { return i }
                v = (v << 6) | UInt32(d & 0x3F)
            }
            if v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF) { return i }
            i += need + 1
        }
        return nil
    }

    @inline(__always)
    static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 }

    func tokenize(_ buf: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int, into toks: inout [Token]) throws {
        toks.removeAll(keepingCapacity: true)
        var i = s
        while i < e {
            let c = buf[i]
            if Self.isSpace(c) { i += 1; continue }
            if c == 0x23 { break }                      // '#': comment to end of line
            if c == 0x3D { toks.append(Token(kind: .equals, start: i, end: i + 1)); i += 1; continue }
            if c == 0x22 {                              // '"'
                var j = i + 1
                var closed = false
                var out: [UInt8]? = nil
                while j < e {
                    let d = buf[j]
                    if d == 0x22 { closed = true; break }
                    if d == 0x5C && j + 1 < e {
                        if out == nil { out = Array(buf[(i + 1)..<j]) }
                        let x = buf[j + 1]
                        switch x {
                        case 0x6E: out!.append(0x0A)
                        case 0x74: out!.append(0x09)
                        case 0x22, 0x5C: out!.append(x)
                        default: throw LineError(offset: j, problem: .unexpectedToken("\\" + String(decoding: [x], as: UTF8.self)))
                        }
                        j += 2
                        continue
                    }
                    out?.append(d)
                    j += 1
                }
                if !closed { throw LineError(offset: i, problem: .unterminatedQuote) }
                toks.append(Token(kind: .quoted, start: i + 1, end: j, unescaped: out))
                i = j + 1
                continue
            }
            var j = i
            while j < e && !Self.isSpace(buf[j]) && buf[j] != 0x22 && buf[j] != 0x3D { j += 1 }
            toks.append(Token(kind: c == 0x40 ? .provenance : .word, start: i, end: j))
            i = j
        }
    }

    /// The kinds `data` declares that the builder does not know yet, with the indexes they
    /// will get when declared in order.
    mutating func findLaterKinds(_ data: [UInt8]) {
        laterKinds = [:]
        forwardUses = []
        var next = b.kinds.count
        data.withUnsafeBufferPointer { buf in
            let n = buf.count
            var lineStart = 0
            while lineStart < n {
                let end: Int
                if let nl = memchr(buf.baseAddress! + lineStart, 0x0A, n - lineStart) {
                    end = lineStart + UnsafeRawPointer(buf.baseAddress! + lineStart).distance(to: UnsafeRawPointer(nl))
                } else {
                    end = n
                }
                // "kind NAME[/PLURAL] ROLE …" (other lines are skipped at their first byte).
                var i = lineStart
                while i < end && Self.isSpace(buf[i]) { i += 1 }
                if end - i > 5 && buf[i] == 0x6B && buf[i + 1] == 0x69 && buf[i + 2] == 0x6E && buf[i + 3] == 0x64 && Self.isSpace(buf[i + 4]) {
                    let words = buf[(i + 5)..<end].split(whereSeparator: { Self.isSpace($0) || $0 == 0x0D }).prefix(2)
                    if words.count == 2, let spec = String(validating: words[0], as: UTF8.self),
                       let role = KindRole(rawValue: String(decoding: words[1], as: UTF8.self)) {
                        let names = Self.split(spec, at: UInt8(ascii: "/"))
                        if names.count <= 2, let name = names.first, !name.isEmpty, b.kind(named: name) == nil, laterKinds[name.lowercased()] == nil {
                            let plural = names.count == 2 ? names[1] : name + "s"
                            laterKinds[name.lowercased()] = (next, name, role)
                            if laterKinds[plural.lowercased()] == nil { laterKinds[plural.lowercased()] = (next, name, role) }
                            next += 1
                        }
                    }
                }
                lineStart = end + 1
            }
        }
    }

    /// After a file: every forward reference must have landed on the kind it named.
    mutating func checkForwardUses() {
        for use in forwardUses where !(use.index < b.kinds.count && b.kinds[use.index].name == use.name) {
            schemaBroken = true
        }
        if schemaBroken && !b.hasErrors {
            b.report(LoadError(SourcePosition(file: file, line: 1, column: 1), .badDeclaration("the kinds declared here do not match their references")))
        }
    }

    mutating func readLine(_ buf: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int, _ lineNo: Int, _ toks: inout [Token]) throws {
        if let bad = Self.firstInvalidUTF8(buf, s, e) { throw LineError(offset: bad, problem: .invalidUTF8) }
        try tokenize(buf, s, e, into: &toks)
        guard let first = toks.first else { return }
        guard first.kind == .word else { throw LineError(offset: first.start, problem: .unexpectedToken(first.text(buf))) }
        if first.equals(buf, "kind") {
            lastKind = nil
            shapes = [:]
            try readDeclaration(toks, buf, lineNo)
        } else {
            try readFact(toks, buf, s, lineNo)
        }
    }

    mutating func readDeclaration(_ toks: [Token], _ buf: UnsafeBufferPointer<UInt8>, _ lineNo: Int) throws {
        guard toks.count >= 3, toks[1].kind == .word, toks[2].kind == .word else {
            throw LineError(offset: toks.last!.start, problem: .badDeclaration("expected 'kind NAME[/PLURAL] entity|place|relation [COLUMN:TYPE …]'"))
        }
        let spec = toks[1].text(buf)
        let names = Self.split(spec, at: UInt8(ascii: "/"))
        guard names.count <= 2, !names[0].isEmpty, names.count == 1 || !names[1].isEmpty else {
            throw LineError(offset: toks[1].start, problem: .badDeclaration("expected NAME or NAME/PLURAL, found '\(spec)'"))
        }
        let name = names[0], plural = names.count == 2 ? names[1] : names[0] + "s"
        let roleText = toks[2].text(buf)
        guard let role = KindRole(rawValue: roleText) else {
            throw LineError(offset: toks[2].start, problem: .badDeclaration("role must be entity, place or relation, found '\(roleText)'"))
        }
        // A kind declared again (another file of the same schema) refers to itself as it is.
        let selfIndex = b.kind(named: name) ?? b.kinds.count
        var columns: [Column] = []
        for t in toks.dropFirst(3) {
            guard t.kind == .word else { throw LineError(offset: t.start, problem: .unexpectedToken(t.text(buf))) }
            var spec = t.text(buf)
            let isLoc = spec.utf8.last == UInt8(ascii: "^")
            if isLoc { spec = String(decoding: spec.utf8.dropLast(), as: UTF8.self) }
            let parts = Self.split(spec, at: UInt8(ascii: ":"))
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw LineError(offset: t.start, problem: .badDeclaration("expected COLUMN:TYPE, found '\(t.text(buf))'"))
            }
            let type: ColumnType
            switch parts[1] {
            case "text": type = .text
            case "int": type = .int
            case "number": type = .number
            case "date": type = .date
            case "entity": type = .ref(.anyEntity)
            case "place": type = .ref(.anyPlace)
            default:
                if parts[1] == name { type = .ref(.kind(selfIndex)) }
                else if let k = b.kind(named: parts[1]), b.kinds[k].role.isNamed { type = .ref(.kind(k)) }
                else if let later = laterKinds[parts[1].lowercased()], later.role.isNamed, later.index > b.kinds.count {
                    // A kind declared further down this file.
                    type = .ref(.kind(later.index))
                    forwardUses.append((later.index, later.name))
                }
                else { throw LineError(offset: t.start, problem: .unknownType(parts[1])) }
            }
            if isLoc && !type.isRef {
                throw LineError(offset: t.start, problem: .badDeclaration("only a reference column can be the location link (^)"))
            }
            columns.append(Column(name: parts[0], type: type, isLocation: isLoc))
        }
        do {
            try b.declareKind(name: name, plural: plural, role: role, columns: columns)
        } catch GraphBuilder.DeclareError.redeclared {
            throw LineError(offset: toks[1].start, problem: .kindRedeclared(name))
        } catch GraphBuilder.DeclareError.duplicateColumn(let c) {
            throw LineError(offset: toks[1].start, problem: .badDeclaration("column '\(c)' is given twice or is reserved"))
        } catch {
            throw LineError(offset: toks[1].start, problem: .badDeclaration("at most one column may carry ^"))
        }
    }

    /// The kind a fact line starts with (the previous line's, most of the time).
    mutating func kindOf(_ t: Token, _ buf: UnsafeBufferPointer<UInt8>) throws -> (Int, KindShape) {
        if let last = lastKind, t.unescaped == nil, t.end - t.start == last.bytes.count,
           last.bytes.withUnsafeBytes({ memcmp($0.baseAddress!, buf.baseAddress! + t.start, last.bytes.count) == 0 }) {
            return (last.index, last.shape)
        }
        let text = t.text(buf)
        guard let k = b.kind(named: text) else {
            let names = b.kinds.flatMap { [$0.name, $0.plural] } + ["kind"]
            throw LineError(offset: t.start, problem: .unknownKind(text, suggestions: Suggest.nearest(to: text, among: names)))
        }
        // The kind's shape only: a copy of the whole `Kind` alive while rows are added would
        // make every added row copy the kind's columns (a load quadratic in the rows).
        let shape = shapes[k] ?? KindShape(b.kinds[k])
        shapes[k] = shape
        lastKind = (Array(text.utf8), k, shape)
        return (k, shape)
    }

    mutating func readFact(_ toks: [Token], _ buf: UnsafeBufferPointer<UInt8>, _ lineStart: Int, _ lineNo: Int) throws {
        let first = toks[0]
        let (k, kind) = try kindOf(first, buf)
        var i = 1
        let startsPair = { (j: Int) -> Bool in j + 1 < toks.count && toks[j + 1].kind == .equals }
        var row: Int
        var entity: EntityID? = nil
        var merging = false
        if kind.role.isNamed {
            guard i < toks.count, toks[i].kind == .word || toks[i].kind == .quoted, !startsPair(i) else {
                throw LineError(offset: i < toks.count ? toks[i].start : first.start, problem: .missingName(kind: kind.name))
            }
            // Check the rest of the line before adding, so a bad line adds nothing.
            let columns = try checkPairs(toks, buf, from: i + 1, kind: kind)
            let nameTok = toks[i]
            do {
                let (r, e) = try nameTok.withBytes(buf) { try b.addEntity(kind: k, name: $0) }
                row = r
                entity = e
                definedAt[e] = (fileNumber, lineNo)
            } catch GraphBuilder.AddError.duplicate(let holder) {
                // Defined again: in another file (or the graph being extended) it is the same
                // entity, merged; in the same file it is a mistake.
                let at = definedAt[holder]
                guard at == nil || at!.file != fileNumber else {
                    throw LineError(offset: nameTok.start, problem: .duplicateName(nameTok.text(buf), existing: b.name(of: holder), line: at?.line))
                }
                guard b.kindOf(holder) == k else {
                    throw LineError(offset: nameTok.start, problem: .definedAsOtherKind(nameTok.text(buf), was: b.kinds[b.kindOf(holder)].name, now: kind.name))
                }
                try checkMerge(holder, k, kind, toks, buf, columns)
                row = b.row(of: holder)
                entity = holder
                merging = true
            }
            i += 1
        } else {
            if i < toks.count && (toks[i].kind == .word || toks[i].kind == .quoted) && !startsPair(i) {
                throw LineError(offset: toks[i].start, problem: .unexpectedName(toks[i].text(buf), kind: kind.name))
            }
            _ = try checkPairs(toks, buf, from: i, kind: kind)
            row = b.addRow(kind: k)
        }
        // Errors below this point leave a row behind, but the load fails anyway.
        while i < toks.count {
            let t = toks[i]
            if t.kind == .provenance {
                let (src, para) = try provenance(t, buf)
                if merging { b.addProvenance(kind: k, row: row, source: src, paragraph: para) }
                else { b.addProvenance(kind: k, source: src, paragraph: para) }
                i += 1
                continue
            }
            let valTok = toks[i + 2]
            if t.equals(buf, "aka") {
                guard let e = entity else { throw LineError(offset: t.start, problem: .unknownColumn("aka", kind: kind.name, suggestions: [])) }
                do {
                    try valTok.withBytes(buf) { try b.addAlias(e, $0) }
                } catch GraphBuilder.AddError.duplicate(let holder) {
                    throw LineError(offset: valTok.start, problem: .duplicateName(valTok.text(buf), existing: b.name(of: holder), line: definedAt[holder]?.line))
                }
                i += 3
                continue
            }
            let c = t.withBytes(buf) { kind.columnIndex($0) }!
            switch kind.columns[c].type {
            case .text:
                b.setID(kind: k, column: c, row: row, valTok.withBytes(buf) { b.intern($0) })
            case .int:
                b.setInt(kind: k, column: c, row: row, valTok.withBytes(buf) { Self.integer($0) }!)
            case .number:
                b.setNumber(kind: k, column: c, row: row, Double(valTok.text(buf))!)
            case .date:
                b.setInt(kind: k, column: c, row: row, valTok.withBytes(buf) { FactGraph.parseDate($0) }!)
            case .ref:
                let id = valTok.withBytes(buf) { b.intern($0) }
                b.setReference(kind: k, column: c, row: row, name: id,
                               at: position(buf, lineStart, valTok.start, lineNo), merging: merging)
            }
            i += 3
        }
    }

    /// `@SOURCE:PARAGRAPH`, read from the bytes; the last source named is remembered (a file
    /// cites a handful of sources thousands of times).
    mutating func provenance(_ t: Token, _ buf: UnsafeBufferPointer<UInt8>) throws -> (EntityID, Int) {
        try t.withBytes(buf) { (p: UnsafeRawBufferPointer) throws -> (EntityID, Int) in
            var colon = p.count - 1
            while colon > 0 && p[colon] != 0x3A { colon -= 1 }
            var para = 0
            var ok = colon > 1 && colon + 1 < p.count && p.count - colon <= 10
            if ok {
                for i in (colon + 1)..<p.count {
                    let d = p[i] &- 0x30
                    if d > 9 { ok = false; break }
                    para = para * 10 + Int(d)
                }
            }
            guard ok, para > 0 else { throw LineError(offset: t.start, problem: .badProvenance(t.text(buf))) }
            let name = UnsafeRawBufferPointer(rebasing: p[1..<colon])
            if let last = lastSource, last.bytes.count == name.count,
               last.bytes.withUnsafeBytes({ memcmp($0.baseAddress!, name.baseAddress!, name.count) == 0 }) {
                return (last.entity, para)
            }
            guard let se = b.entity(named: name), b.kindOf(se) == b.sourceKind else {
                throw LineError(offset: t.start, problem: .unknownSource(String(decoding: name, as: UTF8.self)))
            }
            lastSource = (Array(name), se)
            return (se, para)
        }
    }

    /// A definition repeated in another file may add what the first left out, but not change it.
    func checkMerge(_ holder: EntityID, _ k: Int, _ kind: KindShape, _ toks: [Token], _ buf: UnsafeBufferPointer<UInt8>,
                    _ columns: [(Int, Int)]) throws {
        let row = b.row(of: holder)
        for (c, ti) in columns {
            let v = toks[ti]
            func conflict(_ was: String) -> LineError {
                LineError(offset: v.start, problem: .conflictingValue(name: b.name(of: holder), column: kind.columns[c].name, was: was, now: v.text(buf)))
            }
            switch kind.columns[c].type {
            case .text:
                let old = b.cellID(kind: k, column: c, row: row)
                if old != Null.id && old != v.withBytes(buf, { b.intern($0) }) { throw conflict(b.string(old)) }
            case .int, .date:
                let old = b.cellInt(kind: k, column: c, row: row)
                let new = kind.columns[c].type == .int ? v.withBytes(buf) { Self.integer($0) } : v.withBytes(buf) { FactGraph.parseDate($0) }
                if old != Null.int && old != new {
                    throw conflict(kind.columns[c].type == .int ? String(old) : FactGraph.formatDate(old))
                }
            case .number:
                let old = b.cellNumber(kind: k, column: c, row: row)
                if !old.isNaN && old != Double(v.text(buf)) { throw conflict(FactGraph.formatNumber(old)) }
            case .ref:
                break   // checked when references are resolved
            }
        }
    }

    /// Validates `COLUMN=VALUE` pairs and provenance tokens from `from` on, without changing
    /// anything; returns each column given with the index of its value token.
    func checkPairs(_ toks: [Token], _ buf: UnsafeBufferPointer<UInt8>, from: Int, kind: KindShape) throws -> [(Int, Int)] {
        var i = from
        var seen: [(Int, Int)] = []
        while i < toks.count {
            let t = toks[i]
            if t.kind == .provenance { i += 1; continue }
            guard t.kind == .word else { throw LineError(offset: t.start, problem: .unexpectedToken(t.text(buf))) }
            guard i + 1 < toks.count, toks[i + 1].kind == .equals else {
                throw LineError(offset: t.start, problem: .unexpectedToken(t.text(buf)))
            }
            guard i + 2 < toks.count, toks[i + 2].kind == .word || toks[i + 2].kind == .quoted else {
                throw LineError(offset: toks[i + 1].start, problem: .missingValue(column: t.text(buf)))
            }
            let val = toks[i + 2]
            if t.equals(buf, "aka") {
                guard kind.role.isNamed else {
                    throw LineError(offset: t.start, problem: .unknownColumn("aka", kind: kind.name, suggestions: []))
                }
                i += 3
                continue
            }
            guard let c = t.withBytes(buf, { kind.columnIndex($0) }) else {
                let key = t.text(buf)
                let names = kind.columns.map(\.name) + (kind.role.isNamed ? ["aka"] : [])
                throw LineError(offset: t.start, problem: .unknownColumn(key, kind: kind.name, suggestions: Suggest.nearest(to: key, among: names)))
            }
            if seen.contains(where: { $0.0 == c }) { throw LineError(offset: t.start, problem: .duplicateColumn(kind.columns[c].name)) }
            seen.append((c, i + 2))
            switch kind.columns[c].type {
            case .int:
                if val.withBytes(buf, { Self.integer($0) }) == nil {
                    throw LineError(offset: val.start, problem: .badValue(column: kind.columns[c].name, expected: "an integer", found: val.text(buf)))
                }
            case .number:
                if !val.withBytes(buf, { Self.isDecimal($0) }) {
                    throw LineError(offset: val.start, problem: .badValue(column: kind.columns[c].name, expected: "a number", found: val.text(buf)))
                }
            case .date:
                if val.withBytes(buf, { FactGraph.parseDate($0) }) == nil {
                    throw LineError(offset: val.start, problem: .badValue(column: kind.columns[c].name, expected: "a date (YYYY, YYYY-MM or YYYY-MM-DD)", found: val.text(buf)))
                }
            case .text, .ref:
                if kind.columns[c].type.isRef && val.withBytes(buf, { $0.isEmpty }) {
                    throw LineError(offset: val.start, problem: .missingValue(column: kind.columns[c].name))
                }
            }
            i += 3
        }
        return seen
    }

    /// What the reader needs of a kind: its name, role and columns (with each name's bytes).
    struct KindShape {
        let name: String
        let role: KindRole
        let columns: [Column]
        let columnBytes: [[UInt8]]
        init(_ kind: Kind) {
            name = kind.name
            role = kind.role
            columns = kind.columns
            columnBytes = kind.columns.map { Array($0.name.utf8) }
        }

        func columnIndex(_ p: UnsafeRawBufferPointer) -> Int? {
            for (i, n) in columnBytes.enumerated() where n.count == p.count {
                if n.withUnsafeBytes({ memcmp($0.baseAddress!, p.baseAddress!, p.count) == 0 }) { return i }
            }
            return nil
        }
    }

    /// `s` split at every byte `separator` (ASCII), as bytes: a split by `Character` misses a
    /// separator that a prepended mark before it (U+0600–U+0605 …) joins into one grapheme.
    static func split(_ s: String, at separator: UInt8) -> [String] {
        s.utf8.split(separator: separator, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
    }

    /// An integer as the format writes one: optional `-`, digits, in Int64's range.
    static func integer(_ p: UnsafeRawBufferPointer) -> Int64? {
        var i = 0
        let n = p.count
        var neg = false
        if i < n && (p[i] == 0x2D || p[i] == 0x2B) { neg = p[i] == 0x2D; i += 1 }
        guard i < n else { return nil }
        var v: Int64 = 0
        while i < n {
            let d = p[i] &- 0x30
            guard d <= 9 else { return nil }
            let (m, o1) = v.multipliedReportingOverflow(by: 10)
            let (a, o2) = neg ? m.subtractingReportingOverflow(Int64(d)) : m.addingReportingOverflow(Int64(d))
            if o1 || o2 { return nil }
            v = a
            i += 1
        }
        return v
    }

    static func isDecimal(_ s: String) -> Bool {
        var s = s
        return s.withUTF8 { isDecimal(UnsafeRawBufferPointer($0)) }
    }

    static func isDecimal(_ p: UnsafeRawBufferPointer) -> Bool {
        var digits = 0, dots = 0
        for (i, c) in p.enumerated() {
            if c >= 0x30 && c <= 0x39 { digits += 1 }
            else if c == 0x2E { dots += 1 }
            else if c == 0x2D && i == 0 {}
            else { return false }
        }
        // A number with hundreds of digits parses to infinity, which no file can write back.
        return digits > 0 && dots <= 1 && (Double(String(decoding: p, as: UTF8.self))?.isFinite ?? false)
    }
}

import CMemory
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
