/// The words of the language that have a meaning of their own. The lexer marks every word token
/// that spells one (ASCII case-insensitively); the parser, the completer and the splitter read
/// this one table instead of keeping lists of their own.
///
/// Keywords are contextual: outside the places the grammar expects them, a keyword is an
/// ordinary word (`edition=to` compares with the text "to").
public enum Keyword: String, CaseIterable, Sendable, Hashable {
    case `where`, show, summarize, by, having, order, asc, desc, collate, limit, offset
    case count, distinct, sum, avg, min, max
    case and, or, not, `in`, within, `is`, null, has
    case describe, neighbors, path, to, find, depth, explain

    /// Spellings that mean the same keyword.
    static let synonyms: [String: Keyword] = ["neighbours": .neighbors, "summarise": .summarize]

    /// All spellings, each packed as `packed` packs a word, sorted for a binary search.
    static let table: [(UInt128, Keyword)] = {
        var t = synonyms.map { (packed(Array($0.key.utf8)[...])!, $0.value) }
        for k in allCases { t.append((packed(Array(k.rawValue.utf8)[...])!, k)) }
        return t.sorted { $0.0 < $1.0 }
    }()

    /// A word of 2 to 10 ASCII bytes, lower-cased, as one number (no keyword has a 0 byte, so
    /// two spellings never pack alike); nil for any other word.
    @inline(__always)
    static func packed(_ bytes: ArraySlice<UInt8>) -> UInt128? {
        guard bytes.count >= 2, bytes.count <= 10 else { return nil }
        var v: UInt128 = 0
        var shift: UInt128 = 0
        for b in bytes {
            guard b < 0x80 else { return nil }
            v |= UInt128(b >= 0x41 && b <= 0x5A ? b | 0x20 : b) << shift
            shift += 8
        }
        return v
    }

    /// The keyword a word spells, if any. Only ASCII words of up to 10 bytes can be keywords,
    /// so a long word costs nothing.
    static func lookup(_ bytes: ArraySlice<UInt8>) -> Keyword? {
        guard let v = packed(bytes) else { return nil }
        var lo = 0, hi = table.count
        while lo < hi {
            let mid = (lo + hi) >> 1
            if table[mid].0 < v { lo = mid + 1 } else { hi = mid }
        }
        return lo < table.count && table[lo].0 == v ? table[lo].1 : nil
    }

    /// Words that start a statement.
    public static let statementStarts: [Keyword] = [.count, .describe, .neighbors, .path, .find, .explain]
    /// Aggregate functions, written `NAME(column)` (`count` also alone).
    public static let aggregates: [Keyword] = [.count, .sum, .avg, .min, .max]
}

/// One token of the query language: a kind and a byte range into the source text. `text`
/// is the token's meaning: a word's or number's characters (full-width digits made ASCII), a
/// string's contents without quotes and escapes, a parameter's name.
public struct Token: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        case word, string, int, number, date, param
        case eq, ne, match, notMatch, lt, le, gt, ge
        case lparen, rparen, comma, dot, semicolon, star
        case eof

        /// The printable name used in every message ("expected ')'", "found end of input").
        public var printable: String {
            switch self {
            case .word: return "a name"
            case .string: return "a quoted string"
            case .int: return "a whole number"
            case .number: return "a number"
            case .date: return "a date"
            case .param: return "a $parameter"
            case .eq: return "'='"
            case .ne: return "'!='"
            case .match: return "'~'"
            case .notMatch: return "'!~'"
            case .lt: return "'<'"
            case .le: return "'<='"
            case .gt: return "'>'"
            case .ge: return "'>='"
            case .lparen: return "'('"
            case .rparen: return "')'"
            case .comma: return "','"
            case .dot: return "'.'"
            case .semicolon: return "';'"
            case .star: return "'*'"
            case .eof: return "end of input"
            }
        }

        public var isComparison: Bool {
            switch self {
            case .eq, .ne, .match, .notMatch, .lt, .le, .gt, .ge: return true
            default: return false
            }
        }

        /// A token that can stand as a value (`city=济宁`, `year>2020`).
        public var isValue: Bool {
            switch self {
            case .word, .string, .int, .number, .date, .param: return true
            default: return false
            }
        }
    }

    public var kind: Kind
    /// Byte offsets into the source text.
    public var range: Range<Int>
    public var text: String
    /// The keyword this word spells (only for `.word` tokens).
    public var keyword: Keyword?

    public init(kind: Kind, range: Range<Int>, text: String, keyword: Keyword? = nil) {
        self.kind = kind
        self.range = range
        self.text = text
        self.keyword = keyword
    }

    /// How the token reads in a message: `'where'`, `'济宁'`, `end of input`.
    public var quoted: String {
        switch kind {
        case .eof: return "end of input"
        case .string: return "\"\(Token.clip(text))\""
        case .param: return "'$\(Token.clip(text))'"
        default: return "'\(Token.clip(text))'"
        }
    }

    /// Long texts are cut for messages, so a 1 MB word does not become a 1 MB error.
    static func clip(_ s: String, to n: Int = 40) -> String {
        var count = 0
        var end = s.unicodeScalars.startIndex
        for i in s.unicodeScalars.indices {
            if count == n { return String(s.unicodeScalars[s.unicodeScalars.startIndex..<end]) + "…" }
            count += 1
            end = s.unicodeScalars.index(after: i)
        }
        return s
    }

    /// Whether this is the keyword `k`.
    @inline(__always)
    public func `is`(_ k: Keyword) -> Bool { keyword == k }
}
