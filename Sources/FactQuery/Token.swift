/// One token of the query language: a kind and a byte range into the statement text. `text`
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
    }

    public var kind: Kind
    /// Byte offsets into the statement's UTF-8 text.
    public var range: Range<Int>
    public var text: String

    /// How the token reads in a message: `'where'`, `'济宁'`, `end of input`.
    public var quoted: String {
        switch kind {
        case .eof: return "end of input"
        case .string: return "\"\(text)\""
        case .param: return "'$\(text)'"
        default: return "'\(text)'"
        }
    }

    /// Whether this is the word `w` (ASCII case-insensitive).
    public func isWord(_ w: String) -> Bool { kind == .word && text.lowercased() == w }
}
