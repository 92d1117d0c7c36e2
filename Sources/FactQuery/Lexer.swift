/// Turns statement text into tokens by scanning UTF-8 bytes with a 256-entry class table.
///
/// Chinese input methods produce full-width punctuation; outside strings these are read as their
/// ASCII meanings: `＝ ＜ ＞ ！ ～ ， （ ） ： ； ＄ ．` and full-width digits, and Chinese quotes
/// `“ ” ‘ ’ 「 」` open and close strings. `:` is another way to write `=`. `#` and `--` start a
/// comment that runs to the end of the line.
public struct Lexer {
    /// Byte classes.
    enum Class: UInt8 { case word, space, punct, quote, lead3, invalid }

    static let classes: [Class] = {
        var t = [Class](repeating: .word, count: 256)
        for c in [0x20, 0x09, 0x0A, 0x0D, 0x0B, 0x0C] { t[c] = .space }
        for c in "=!<>~(),;:$.*".utf8 { t[Int(c)] = .punct }
        t[Int(UInt8(ascii: "\""))] = .quote
        t[Int(UInt8(ascii: "'"))] = .quote
        for c in 0..<0x20 where t[c] != .space { t[c] = .invalid }
        t[0x7F] = .invalid
        // Lead bytes of 3-byte sequences that may be full-width punctuation or Chinese quotes:
        // U+2018–U+201D (E2 80 …), U+3000–U+300D (E3 80 …), U+FF01–U+FF5E (EF BC/BD …).
        t[0xE2] = .lead3
        t[0xE3] = .lead3
        t[0xEF] = .lead3
        return t
    }()

    /// Full-width and Chinese punctuation mapped to the ASCII byte it stands for.
    static func fullWidth(_ s: UInt32) -> UInt8? {
        switch s {
        case 0xFF1D: return UInt8(ascii: "=")
        case 0xFF1C: return UInt8(ascii: "<")
        case 0xFF1E: return UInt8(ascii: ">")
        case 0xFF01: return UInt8(ascii: "!")
        case 0xFF5E: return UInt8(ascii: "~")
        case 0xFF0C: return UInt8(ascii: ",")
        case 0xFF08: return UInt8(ascii: "(")
        case 0xFF09: return UInt8(ascii: ")")
        case 0xFF1A: return UInt8(ascii: ":")
        case 0xFF1B: return UInt8(ascii: ";")
        case 0xFF04: return UInt8(ascii: "$")
        case 0xFF0E: return UInt8(ascii: ".")
        case 0xFF0A: return UInt8(ascii: "*")
        case 0x3000: return UInt8(ascii: " ")
        default: return nil
        }
    }

    /// Opening quote scalars and the family of closers each accepts.
    static func quoteFamily(_ s: UInt32) -> Int? {
        switch s {
        case 0x22, 0x201C, 0x201D: return 0   // " “ ”
        case 0x27, 0x2018, 0x2019: return 1   // ' ‘ ’
        case 0x300C: return 2                 // 「
        case 0x300D: return 3                 // 」 (closes family 2)
        default: return nil
        }
    }

    let bytes: [UInt8]
    var pos = 0
    /// Where the text to scan ends (tokens have offsets into all of `bytes`).
    let end: Int

    public init(_ text: String) {
        bytes = Array(text.utf8)
        end = bytes.count
    }

    /// Scans `range` of `bytes`; token ranges are offsets into the whole of `bytes`, so one
    /// statement of a longer input reports positions in that input.
    public init(bytes: [UInt8], range: Range<Int>) {
        self.bytes = bytes
        pos = range.lowerBound
        end = range.upperBound
    }

    /// Decodes the scalar at `i` if it is a 3-byte sequence; returns it and its length.
    @inline(__always)
    func scalar3(_ i: Int) -> UInt32? {
        guard i + 2 < end else { return nil }
        let a = bytes[i], b = bytes[i + 1], c = bytes[i + 2]
        guard a & 0xF0 == 0xE0, b & 0xC0 == 0x80, c & 0xC0 == 0x80 else { return nil }
        return (UInt32(a & 0x0F) << 12) | (UInt32(b & 0x3F) << 6) | UInt32(c & 0x3F)
    }

    /// The punctuation meaning of the character at `i`, with its byte length: ASCII punctuation,
    /// a full-width form, or nil for a word character.
    @inline(__always)
    func punct(at i: Int) -> (UInt8, Int)? {
        let c = bytes[i]
        switch Self.classes[Int(c)] {
        case .punct, .space: return (c, 1)
        case .lead3:
            if let s = scalar3(i), let m = Self.fullWidth(s) { return (m, 3) }
            return nil
        default: return nil
        }
    }

    @inline(__always)
    func quoteAt(_ i: Int) -> (family: Int, length: Int)? {
        let c = bytes[i]
        if c == 0x22 || c == 0x27 { return (Self.quoteFamily(UInt32(c))!, 1) }
        if Self.classes[Int(c)] == .lead3, let s = scalar3(i), let f = Self.quoteFamily(s) { return (f, 3) }
        return nil
    }

    /// Full-width digit (U+FF10–U+FF19) at `i` as an ASCII digit.
    @inline(__always)
    func fullWidthDigit(_ i: Int) -> UInt8? {
        guard bytes[i] == 0xEF, let s = scalar3(i), s >= 0xFF10 && s <= 0xFF19 else { return nil }
        return UInt8(0x30 + s - 0xFF10)
    }

    /// All tokens, ending with `.eof`.
    public static func tokenize(_ text: String) throws(QueryError) -> [Token] {
        var lx = Lexer(text)
        return try lx.all()
    }

    /// The rest of the tokens, ending with `.eof`.
    public mutating func all() throws(QueryError) -> [Token] {
        var out: [Token] = []
        while true {
            let t = try next()
            out.append(t)
            if t.kind == .eof { return out }
        }
    }

    /// The next token.
    public mutating func next() throws(QueryError) -> Token {
        skipSpaceAndComments()
        let n = end
        guard pos < n else { return Token(kind: .eof, range: n..<n, text: "") }
        let start = pos
        if let q = quoteAt(pos) {
            if q.family == 3 { pos += q.length; throw QueryError(.unexpectedCharacter("」", hint: "a string opens with 「"), start..<pos) }
            return try string(family: q.family, openLength: q.length)
        }
        if let (p, len) = punct(at: pos) {
            pos += len
            func two(_ second: UInt8, _ k: Token.Kind, _ one: Token.Kind, _ t1: String, _ t2: String) -> Token {
                if pos < n, let (p2, l2) = punct(at: pos), p2 == second {
                    pos += l2
                    return Token(kind: k, range: start..<pos, text: t2)
                }
                return Token(kind: one, range: start..<pos, text: t1)
            }
            switch p {
            case UInt8(ascii: "="):
                // Accept '==' as '='.
                return two(UInt8(ascii: "="), .eq, .eq, "=", "==")
            case UInt8(ascii: ":"): return Token(kind: .eq, range: start..<pos, text: ":")
            case UInt8(ascii: "<"): return two(UInt8(ascii: "="), .le, .lt, "<", "<=")
            case UInt8(ascii: ">"): return two(UInt8(ascii: "="), .ge, .gt, ">", ">=")
            case UInt8(ascii: "~"): return Token(kind: .match, range: start..<pos, text: "~")
            case UInt8(ascii: "("): return Token(kind: .lparen, range: start..<pos, text: "(")
            case UInt8(ascii: ")"): return Token(kind: .rparen, range: start..<pos, text: ")")
            case UInt8(ascii: ","): return Token(kind: .comma, range: start..<pos, text: ",")
            case UInt8(ascii: ";"): return Token(kind: .semicolon, range: start..<pos, text: ";")
            case UInt8(ascii: "*"): return Token(kind: .star, range: start..<pos, text: "*")
            case UInt8(ascii: "."): return Token(kind: .dot, range: start..<pos, text: ".")
            case UInt8(ascii: "!"):
                if pos < n, let (p2, l2) = punct(at: pos) {
                    if p2 == UInt8(ascii: "=") { pos += l2; return Token(kind: .ne, range: start..<pos, text: "!=") }
                    if p2 == UInt8(ascii: "~") { pos += l2; return Token(kind: .notMatch, range: start..<pos, text: "!~") }
                }
                throw QueryError(.unexpectedCharacter("!", hint: "write '!=' or '!~'"), start..<pos)
            case UInt8(ascii: "$"):
                let nameStart = pos
                scanWord()
                if pos == nameStart { throw QueryError(.unexpectedCharacter("$", hint: "write $NAME"), start..<pos) }
                let name = String(decoding: bytes[nameStart..<pos], as: UTF8.self)
                return Token(kind: .param, range: start..<pos, text: name)
            default:
                break
            }
        }
        let c = bytes[pos]
        if Self.classes[Int(c)] == .invalid {
            pos += 1
            throw QueryError(.unexpectedCharacter("\\x" + String(c, radix: 16, uppercase: true), hint: "control character"), start..<pos)
        }
        if let bad = invalidUTF8(at: pos) {
            pos += bad
            throw QueryError(.invalidUTF8, start..<pos)
        }
        scanWord()
        return classify(start..<pos)
    }

    /// Length of an invalid UTF-8 sequence at `i`, or nil if valid.
    func invalidUTF8(at i: Int) -> Int? {
        let c = bytes[i]
        if c < 0x80 { return nil }
        let need: Int
        if c & 0xE0 == 0xC0 && c >= 0xC2 { need = 1 }
        else if c & 0xF0 == 0xE0 { need = 2 }
        else if c & 0xF8 == 0xF0 && c <= 0xF4 { need = 3 }
        else { return 1 }
        if i + need >= end { return 1 }
        for k in 1...need where bytes[i + k] & 0xC0 != 0x80 { return k }
        if need == 2 {
            let v = (UInt32(c & 0x0F) << 12) | (UInt32(bytes[i + 1] & 0x3F) << 6)
            if v < 0x800 || (v >= 0xD800 && v <= 0xDFFF) { return 1 }
        }
        return nil
    }

    mutating func skipSpaceAndComments() {
        let n = end
        while pos < n {
            let c = bytes[pos]
            if Self.classes[Int(c)] == .space { pos += 1; continue }
            // The ideographic space, and a byte-order mark (a script saved by Windows Notepad).
            if c == 0xE3, let s = scalar3(pos), s == 0x3000 { pos += 3; continue }
            if c == 0xEF, let s = scalar3(pos), s == 0xFEFF { pos += 3; continue }
            if c == UInt8(ascii: "#") || (c == UInt8(ascii: "-") && pos + 1 < n && bytes[pos + 1] == UInt8(ascii: "-")) {
                while pos < n && bytes[pos] != 0x0A { pos += 1 }
                continue
            }
            break
        }
    }

    /// Advances over word characters. A '.' belongs to the word only between digits (98.5).
    mutating func scanWord() {
        let n = end
        while pos < n {
            let c = bytes[pos]
            let cls = Self.classes[Int(c)]
            if cls == .space || cls == .quote || cls == .invalid { break }
            if cls == .punct {
                if c == UInt8(ascii: "."), pos > 0, isDigit(pos - 1), pos + 1 < n, isDigit(pos + 1) { pos += 1; continue }
                // A sign after an exponent: 1e-5, 2.5E+3.
                if (c == UInt8(ascii: "-") || c == UInt8(ascii: "+")), pos >= 2, bytes[pos - 1] | 0x20 == UInt8(ascii: "e"),
                   isDigit(pos - 2), pos + 1 < n, isDigit(pos + 1) { pos += 1; continue }
                break
            }
            if cls == .lead3, let s = scalar3(pos) {
                if Self.fullWidth(s) != nil || Self.quoteFamily(s) != nil || s == 0xFEFF { break }
                pos += 3
                continue
            }
            if c >= 0x80, let bad = invalidUTF8(at: pos) { _ = bad; break }
            pos += c < 0x80 ? 1 : (c & 0xE0 == 0xC0 ? 2 : (c & 0xF0 == 0xE0 ? 3 : 4))
        }
        if pos > n { pos = n }
    }

    func isDigit(_ i: Int) -> Bool {
        let c = bytes[i]
        if c >= 0x30 && c <= 0x39 { return true }
        // last byte of a full-width digit: EF BC 90–99
        if i >= 2 && bytes[i - 2] == 0xEF && bytes[i - 1] == 0xBC && c >= 0x90 && c <= 0x99 { return true }
        if bytes[i] == 0xEF, i + 2 < end, fullWidthDigit(i) != nil { return true }
        return false
    }

    /// Numbers, dates and plain words. Whole numbers of up to 18 digits are `.int`; longer digit
    /// runs, decimals and exponents (`1e-5`) are `.number`, so no literal overflows a whole
    /// number. `nan` and `inf` are words.
    func classify(_ r: Range<Int>) -> Token {
        // Full-width digits (EF BC 90–99) are made ASCII for the numeric checks; a word without
        // them (nearly every word) is read where it is.
        var i = r.lowerBound
        while i < r.upperBound && bytes[i] != 0xEF { i += 1 }
        if i == r.upperBound { return classify(bytes[r], r) }
        var norm: [UInt8] = []
        norm.reserveCapacity(r.count)
        i = r.lowerBound
        while i < r.upperBound {
            if let d = fullWidthDigit(i) { norm.append(d); i += 3 } else { norm.append(bytes[i]); i += 1 }
        }
        return classify(norm[...], r)
    }

    /// `classify` of the word `norm` (full-width digits already ASCII) at `r`.
    func classify(_ norm: ArraySlice<UInt8>, _ r: Range<Int>) -> Token {
        let text = String(decoding: norm, as: UTF8.self)
        switch NumberSyntax.classify(norm) {
        case .int: return Token(kind: .int, range: r, text: text)
        case .number: return Token(kind: .number, range: r, text: text)
        case nil: break
        }
        let first = norm.startIndex
        if norm.count == 10 || norm.count == 7, norm[first + 4] == UInt8(ascii: "-"),
           norm.withUnsafeBytes({ FactGraphDate.parse($0) }) != nil {
            return Token(kind: .date, range: r, text: text)
        }
        return Token(kind: .word, range: r, text: text, keyword: Keyword.lookup(norm))
    }

    mutating func string(family: Int, openLength: Int) throws(QueryError) -> Token {
        let start = pos
        pos += openLength
        var out: [UInt8] = []
        let n = end
        while pos < n {
            let c = bytes[pos]
            if c == UInt8(ascii: "\\") && family <= 1 && pos + 1 < n {
                let x = bytes[pos + 1]
                switch x {
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "t"): out.append(0x09)
                default: out.append(x)
                }
                pos += 2
                continue
            }
            if let q = quoteAt(pos) {
                let closes = (family == 2 && q.family == 3) || (family != 2 && q.family == family)
                if closes {
                    pos += q.length
                    return Token(kind: .string, range: start..<pos, text: String(decoding: out, as: UTF8.self))
                }
            }
            out.append(c)
            pos += 1
        }
        throw QueryError(.unterminatedString, start..<n)
    }
}

import FactGraph

/// Date parsing shared with the store.
enum FactGraphDate {
    static func parse(_ p: UnsafeRawBufferPointer) -> Int64? { FactGraph.parseDate(p) }
}
