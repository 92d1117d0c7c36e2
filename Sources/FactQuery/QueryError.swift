import FactGraph

/// Everything that can be wrong with a statement. The wording lives in `message`, in one place;
/// tests compare problems as values.
public enum QueryProblem: Sendable, Hashable {
    // Lexing
    case unterminatedString
    case unexpectedCharacter(String, hint: String?)
    case invalidUTF8
    // Parsing
    case expected(String, found: String)
    case unknownStatement(String, suggestions: [String])
    case tooDeep(limit: Int)
    case trailing(String)
    // Names
    case unknownRelation(String, suggestions: [String])
    case unknownColumn(String, relation: String, suggestions: [String])
    case notAReference(String, relation: String)
    case unknownEntity(String, kind: String?, suggestions: [String])
    case wrongKind(String, isA: String, expected: String)
    case ambiguousEntity(String, candidates: [String], more: Int)
    case unknownParameter(String)
    case badValue(String, column: String, expected: String)
    case badOperator(String, column: String, type: String)
    case notInCount(String)
    case badNumber(String, what: String)
    case cancelled

    public var message: String {
        func dym(_ s: [String]) -> String {
            s.isEmpty ? "" : " — did you mean " + s.map { "'\($0)'" }.joined(separator: ", ") + "?"
        }
        switch self {
        case .unterminatedString: return "unterminated string: the closing quote is missing"
        case .unexpectedCharacter(let c, let hint): return "unexpected character '\(c)'" + (hint.map { " (\($0))" } ?? "")
        case .invalidUTF8: return "invalid UTF-8 in the statement"
        case .expected(let what, let found): return "expected \(what), found \(found)"
        case .unknownStatement(let w, let s):
            return "unknown relation or command '\(w)'" + dym(s)
        case .tooDeep(let limit): return "conditions nested too deeply (more than \(limit) levels)"
        case .trailing(let t): return "unexpected \(t) after the end of the statement"
        case .unknownRelation(let r, let s): return "unknown relation '\(r)'" + dym(s)
        case .unknownColumn(let c, let r, let s): return "unknown column '\(c)' in \(r)" + dym(s)
        case .notAReference(let c, let r): return "column '\(c)' of \(r) does not name an entity, so it has no '.' path"
        case .unknownEntity(let v, let kind, let s):
            return "no \(kind ?? "entity") named '\(v)'" + dym(s)
        case .wrongKind(let v, let isA, let expected): return "'\(v)' is of kind \(isA), not \(expected)"
        case .ambiguousEntity(let v, let c, let more):
            return "'\(v)' could name " + c.map { "'\($0)'" }.joined(separator: ", ") + (more > 0 ? " and \(more) more" : "") + "; write more of the name"
        case .unknownParameter(let p): return "no parameter $\(p) (set it with .param set \(p) VALUE or --param \(p)=VALUE)"
        case .badValue(let v, let c, let e): return "'\(c)' holds \(e); '\(v)' is not one"
        case .badOperator(let op, let c, let t): return "'\(op)' does not apply to \(c) (\(t))"
        case .notInCount(let c): return "'\(c)' is not a column of this count (order by a 'by' column or count)"
        case .badNumber(let v, let what): return "\(what) needs a whole number, found '\(v)'"
        case .cancelled: return "cancelled"
        }
    }
}

/// A statement error: what, and the byte range of the statement text it is about.
public struct QueryError: Error, Sendable, Hashable, CustomStringConvertible {
    public var problem: QueryProblem
    public var range: Range<Int>

    public init(_ problem: QueryProblem, _ range: Range<Int>) {
        self.problem = problem
        self.range = range
    }

    public var description: String { problem.message }

    /// Whether more input could make this statement valid (the shell then asks for a
    /// continuation line instead of reporting the error).
    public var wantsMoreInput: Bool {
        switch problem {
        case .unterminatedString: return true
        case .expected(_, let found): return found == "end of input"
        default: return false
        }
    }
}

/// Formats a statement error as the source line with a caret under the exact span:
///
///     1:20: unknown column 'cty' in awards — did you mean 'city'?
///       awards where cty=济宁
///                    ^~~
///
/// Columns and the caret are measured in display width, so they line up under Chinese text.
public enum Diagnostics {
    /// - Parameters:
    ///   - text: the whole input the range refers to.
    ///   - origin: where `text` starts (a script's line number), 1-based.
    ///   - file: a file name to put before the position, if any.
    public static func render(_ error: QueryError, in text: String, file: String? = nil, firstLine: Int = 1) -> String {
        let bytes = Array(text.utf8)
        let lo = min(max(0, error.range.lowerBound), bytes.count)
        let hi = min(max(lo, error.range.upperBound), bytes.count)
        var lineStart = lo
        while lineStart > 0 && bytes[lineStart - 1] != 0x0A { lineStart -= 1 }
        var lineEnd = lo
        while lineEnd < bytes.count && bytes[lineEnd] != 0x0A { lineEnd += 1 }
        let lineNo = firstLine + bytes[0..<lineStart].reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
        let before = String(decoding: bytes[lineStart..<lo], as: UTF8.self)
        let span = String(decoding: bytes[lo..<min(hi, lineEnd)], as: UTF8.self)
        let line = String(decoding: bytes[lineStart..<lineEnd], as: UTF8.self)
        let column = before.unicodeScalars.count + 1
        let pad = DisplayWidth.of(before.replacingTabs())
        let width = max(1, DisplayWidth.of(span.replacingTabs()))
        let caret = String(repeating: " ", count: pad) + "^" + String(repeating: "~", count: width - 1)
        let where_ = (file.map { "\($0):" } ?? "") + "\(lineNo):\(column)"
        return "\(where_): error: \(error.problem.message)\n  \(line.replacingTabs())\n  \(caret)"
    }
}

extension String {
    func replacingTabs() -> String { String(unicodeScalars.map { $0 == "\t" ? " " : Character($0) }) }
}
