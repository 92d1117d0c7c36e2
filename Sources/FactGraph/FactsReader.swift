/// Reads `.facts` files (docs/FORMAT.md) into a `GraphBuilder`, byte by byte.
///
/// Every malformed line is reported as `file:line:column: message` and reading goes on, so a
/// user sees all errors at once; a file with any error loads nothing.
public struct FactsReader {
    let b: GraphBuilder
    /// Where each entity was defined, for "already names X (line N)".
    var definedAt: [EntityID: Int] = [:]
    var file = ""
    /// Kinds this file declares further down, by name and plural: the index each will have
    /// and its role, so a column may name a kind declared below it (kinds that refer to each
    /// other can only be written that way).
    var laterKinds: [String: (index: Int, name: String, role: KindRole)] = [:]
    /// Forward references taken, to check once the file's declarations are all read.
    var forwardUses: [(index: Int, name: String)] = []
    /// A forward reference did not land on the kind it named (a declaration below failed):
    /// the builder's schema is not to be trusted, so the load stops with the reader's errors.
    public private(set) var schemaBroken = false

    public init(builder: GraphBuilder) { self.b = builder }

    /// Loads files into a new graph (or one extending `base`), all or nothing.
    public static func load(_ files: [(name: String, bytes: [UInt8])], extending base: FactGraph? = nil) throws(LoadFailure) -> FactGraph {
        let builder = base.map { GraphBuilder(extending: $0) } ?? GraphBuilder()
        var reader = FactsReader(builder: builder)
        for f in files { reader.read(f.bytes, file: f.name) }
        if reader.schemaBroken { throw LoadFailure(builder.errors) }
        // finish() also reports dangling references, so the user sees every error at once.
        guard let g = builder.finish() else { throw LoadFailure(builder.errors) }
        return g
    }

    enum TokenKind { case word, quoted, equals, provenance }

    struct Token {
        var kind: TokenKind
        var start: Int          // byte offset in the file
        var bytes: [UInt8]
        var text: String { String(decoding: bytes, as: UTF8.self) }
    }

    struct LineError: Error { var offset: Int; var problem: LoadProblem }

    /// Reads one file's bytes.
    public mutating func read(_ data: [UInt8], file: String) {
        self.file = file
        findLaterKinds(data)
        defer { checkForwardUses() }
        data.withUnsafeBufferPointer { buf in
            var lineNo = 0
            var i = 0
            let n = buf.count
            // Skip a UTF-8 byte order mark.
            if n >= 3 && buf[0] == 0xEF && buf[1] == 0xBB && buf[2] == 0xBF { i = 3 }
            while i < n {
                lineNo += 1
                var end = i
                while end < n && buf[end] != 0x0A { end += 1 }
                var lineEnd = end
                if lineEnd > i && buf[lineEnd - 1] == 0x0D { lineEnd -= 1 }
                do {
                    try readLine(buf, i, lineEnd, lineNo)
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

    static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 }

    func tokenize(_ buf: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int) throws -> [Token] {
        var toks: [Token] = []
        var i = s
        while i < e {
            let c = buf[i]
            if Self.isSpace(c) { i += 1; continue }
            if c == 0x23 { break }                      // '#': comment to end of line
            if c == 0x3D { toks.append(Token(kind: .equals, start: i, bytes: [c])); i += 1; continue }
            if c == 0x22 {                              // '"'
                var out: [UInt8] = []
                var j = i + 1
                var closed = false
                while j < e {
                    let d = buf[j]
                    if d == 0x22 { closed = true; break }
                    if d == 0x5C && j + 1 < e {
                        let x = buf[j + 1]
                        switch x {
                        case 0x6E: out.append(0x0A)
                        case 0x74: out.append(0x09)
                        case 0x22, 0x5C: out.append(x)
                        default: throw LineError(offset: j, problem: .unexpectedToken("\\" + String(decoding: [x], as: UTF8.self)))
                        }
                        j += 2
                        continue
                    }
                    out.append(d)
                    j += 1
                }
                if !closed { throw LineError(offset: i, problem: .unterminatedQuote) }
                toks.append(Token(kind: .quoted, start: i, bytes: out))
                i = j + 1
                continue
            }
            var j = i
            while j < e && !Self.isSpace(buf[j]) && buf[j] != 0x22 && buf[j] != 0x3D { j += 1 }
            let bytes = Array(buf[i..<j])
            toks.append(Token(kind: c == 0x40 ? .provenance : .word, start: i, bytes: bytes))
            i = j
        }
        return toks
    }

    /// The kinds `data` declares that the builder does not know yet, with the indexes they
    /// will get when declared in order.
    mutating func findLaterKinds(_ data: [UInt8]) {
        laterKinds = [:]
        forwardUses = []
        var next = b.kinds.count
        var lineStart = 0
        let n = data.count
        while lineStart < n {
            var end = lineStart
            while end < n && data[end] != 0x0A { end += 1 }
            // "kind NAME[/PLURAL] ROLE …" (other lines are skipped quickly).
            var i = lineStart
            while i < end && Self.isSpace(data[i]) { i += 1 }
            if end - i > 5 && data[i] == 0x6B && data[i + 1] == 0x69 && data[i + 2] == 0x6E && data[i + 3] == 0x64 && Self.isSpace(data[i + 4]) {
                let words = data[(i + 5)..<end].split(whereSeparator: { Self.isSpace($0) || $0 == 0x0D }).prefix(2)
                if words.count == 2, let spec = String(validating: words[0], as: UTF8.self),
                   let role = KindRole(rawValue: String(decoding: words[1], as: UTF8.self)) {
                    let names = spec.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
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

    /// After a file: every forward reference must have landed on the kind it named.
    mutating func checkForwardUses() {
        for use in forwardUses where !(use.index < b.kinds.count && b.kinds[use.index].name == use.name) {
            schemaBroken = true
        }
        if schemaBroken && !b.hasErrors {
            b.report(LoadError(SourcePosition(file: file, line: 1, column: 1), .badDeclaration("the kinds declared here do not match their references")))
        }
    }

    mutating func readLine(_ buf: UnsafeBufferPointer<UInt8>, _ s: Int, _ e: Int, _ lineNo: Int) throws {
        if let bad = Self.firstInvalidUTF8(buf, s, e) { throw LineError(offset: bad, problem: .invalidUTF8) }
        let toks = try tokenize(buf, s, e)
        guard let first = toks.first else { return }
        guard first.kind == .word else { throw LineError(offset: first.start, problem: .unexpectedToken(first.text)) }
        if first.text == "kind" {
            try readDeclaration(toks, lineNo)
        } else {
            try readFact(toks, buf, s, lineNo)
        }
    }

    mutating func readDeclaration(_ toks: [Token], _ lineNo: Int) throws {
        guard toks.count >= 3, toks[1].kind == .word, toks[2].kind == .word else {
            throw LineError(offset: toks.last!.start, problem: .badDeclaration("expected 'kind NAME[/PLURAL] entity|place|relation [COLUMN:TYPE …]'"))
        }
        let names = toks[1].text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard names.count <= 2, !names[0].isEmpty, names.count == 1 || !names[1].isEmpty else {
            throw LineError(offset: toks[1].start, problem: .badDeclaration("expected NAME or NAME/PLURAL, found '\(toks[1].text)'"))
        }
        let name = names[0], plural = names.count == 2 ? names[1] : names[0] + "s"
        guard let role = KindRole(rawValue: toks[2].text) else {
            throw LineError(offset: toks[2].start, problem: .badDeclaration("role must be entity, place or relation, found '\(toks[2].text)'"))
        }
        var columns: [Column] = []
        for t in toks.dropFirst(3) {
            guard t.kind == .word else { throw LineError(offset: t.start, problem: .unexpectedToken(t.text)) }
            var spec = t.text
            let isLoc = spec.hasSuffix("^")
            if isLoc { spec.removeLast() }
            let parts = spec.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw LineError(offset: t.start, problem: .badDeclaration("expected COLUMN:TYPE, found '\(t.text)'"))
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
                if parts[1] == name { type = .ref(.kind(b.kinds.count)) }
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

    mutating func readFact(_ toks: [Token], _ buf: UnsafeBufferPointer<UInt8>, _ lineStart: Int, _ lineNo: Int) throws {
        let first = toks[0]
        guard let k = b.kind(named: first.text) else {
            let names = b.kinds.flatMap { [$0.name, $0.plural] } + ["kind"]
            throw LineError(offset: first.start, problem: .unknownKind(first.text, suggestions: Suggest.nearest(to: first.text, among: names)))
        }
        // The kind's shape only: a copy of the whole `Kind` alive while rows are added would
        // make every added row copy the kind's columns (a load quadratic in the rows).
        let kind = KindShape(b.kinds[k])
        var i = 1
        let startsPair = { (j: Int) -> Bool in j + 1 < toks.count && toks[j + 1].kind == .equals }
        var row: Int
        var entity: EntityID? = nil
        if kind.role.isNamed {
            guard i < toks.count, toks[i].kind == .word || toks[i].kind == .quoted, !startsPair(i) else {
                throw LineError(offset: i < toks.count ? toks[i].start : first.start, problem: .missingName(kind: kind.name))
            }
            // Check the rest of the line before adding, so a bad line adds nothing.
            try checkPairs(toks, from: i + 1, kind: kind)
            let nameTok = toks[i]
            do {
                let (r, e) = try nameTok.bytes.withUnsafeBytes { try b.addEntity(kind: k, name: $0) }
                row = r
                entity = e
                definedAt[e] = lineNo
            } catch GraphBuilder.AddError.duplicate(let holder) {
                throw LineError(offset: nameTok.start, problem: .duplicateName(nameTok.text, existing: b.name(of: holder), line: definedAt[holder]))
            }
            i += 1
        } else {
            if i < toks.count && (toks[i].kind == .word || toks[i].kind == .quoted) && !startsPair(i) {
                throw LineError(offset: toks[i].start, problem: .unexpectedName(toks[i].text, kind: kind.name))
            }
            try checkPairs(toks, from: i, kind: kind)
            row = b.addRow(kind: k)
        }
        // Errors below this point leave a row behind, but the load fails anyway.
        while i < toks.count {
            let t = toks[i]
            if t.kind == .provenance {
                let body = t.text.dropFirst()
                guard let colon = body.lastIndex(of: ":"), let para = Int(body[body.index(after: colon)...]), para > 0 else {
                    throw LineError(offset: t.start, problem: .badProvenance(t.text))
                }
                let src = String(body[..<colon])
                guard let se = b.entity(named: src), b.kindOf(se) == b.sourceKind else {
                    throw LineError(offset: t.start, problem: .unknownSource(src))
                }
                b.addProvenance(kind: k, source: se, paragraph: para)
                i += 1
                continue
            }
            let key = t.text
            let valTok = toks[i + 2]
            if key == "aka" {
                guard let e = entity else { throw LineError(offset: t.start, problem: .unknownColumn(key, kind: kind.name, suggestions: [])) }
                do {
                    try valTok.bytes.withUnsafeBytes { try b.addAlias(e, $0) }
                } catch GraphBuilder.AddError.duplicate(let holder) {
                    throw LineError(offset: valTok.start, problem: .duplicateName(valTok.text, existing: b.name(of: holder), line: definedAt[holder]))
                }
                i += 3
                continue
            }
            let c = kind.columnIndex(named: key)!
            let col = kind.columns[c]
            let v = valTok.bytes
            switch col.type {
            case .text:
                b.setID(kind: k, column: c, row: row, v.withUnsafeBytes { b.intern($0) })
            case .int:
                b.setInt(kind: k, column: c, row: row, Int64(valTok.text)!)
            case .number:
                b.setNumber(kind: k, column: c, row: row, Double(valTok.text)!)
            case .date:
                b.setInt(kind: k, column: c, row: row, v.withUnsafeBytes { FactGraph.parseDate($0)! })
            case .ref:
                let id = v.withUnsafeBytes { b.intern($0) }
                b.setReference(kind: k, column: c, row: row, name: id,
                               at: position(buf, lineStart, valTok.start, lineNo))
            }
            i += 3
        }
    }

    /// Validates `COLUMN=VALUE` pairs and provenance tokens from `from` on, without changing
    /// anything.
    func checkPairs(_ toks: [Token], from: Int, kind: KindShape) throws {
        var i = from
        var seen = Set<String>()
        while i < toks.count {
            let t = toks[i]
            if t.kind == .provenance { i += 1; continue }
            guard t.kind == .word else { throw LineError(offset: t.start, problem: .unexpectedToken(t.text)) }
            guard i + 1 < toks.count, toks[i + 1].kind == .equals else {
                throw LineError(offset: t.start, problem: .unexpectedToken(t.text))
            }
            guard i + 2 < toks.count, toks[i + 2].kind == .word || toks[i + 2].kind == .quoted else {
                throw LineError(offset: toks[i + 1].start, problem: .missingValue(column: t.text))
            }
            let key = t.text, val = toks[i + 2]
            if key == "aka" {
                guard kind.role.isNamed else {
                    throw LineError(offset: t.start, problem: .unknownColumn(key, kind: kind.name, suggestions: []))
                }
                i += 3
                continue
            }
            guard let c = kind.columnIndex(named: key) else {
                let names = kind.columns.map(\.name) + (kind.role.isNamed ? ["aka"] : [])
                throw LineError(offset: t.start, problem: .unknownColumn(key, kind: kind.name, suggestions: Suggest.nearest(to: key, among: names)))
            }
            if seen.contains(key) { throw LineError(offset: t.start, problem: .duplicateColumn(key)) }
            seen.insert(key)
            let text = val.text
            switch kind.columns[c].type {
            case .int:
                if Int64(text) == nil { throw LineError(offset: val.start, problem: .badValue(column: key, expected: "an integer", found: text)) }
            case .number:
                if !Self.isDecimal(text) { throw LineError(offset: val.start, problem: .badValue(column: key, expected: "a number", found: text)) }
            case .date:
                if val.bytes.withUnsafeBytes({ FactGraph.parseDate($0) }) == nil {
                    throw LineError(offset: val.start, problem: .badValue(column: key, expected: "a date (YYYY, YYYY-MM or YYYY-MM-DD)", found: text))
                }
            case .text, .ref:
                if val.bytes.isEmpty && kind.columns[c].type.isRef {
                    throw LineError(offset: val.start, problem: .missingValue(column: key))
                }
            }
            i += 3
        }
    }

    /// What the reader needs of a kind: its name, role and columns.
    struct KindShape {
        let name: String
        let role: KindRole
        let columns: [Column]
        init(_ kind: Kind) {
            name = kind.name
            role = kind.role
            columns = kind.columns
        }
        func columnIndex(named n: String) -> Int? { columns.firstIndex { $0.name == n } }
    }

    static func isDecimal(_ s: String) -> Bool {
        var digits = 0, dots = 0
        for (i, c) in s.utf8.enumerated() {
            if c >= 0x30 && c <= 0x39 { digits += 1 }
            else if c == 0x2E { dots += 1 }
            else if c == 0x2D && i == 0 {}
            else { return false }
        }
        // A number with hundreds of digits parses to infinity, which no file can write back.
        return digits > 0 && dots <= 1 && (Double(s)?.isFinite ?? false)
    }
}
