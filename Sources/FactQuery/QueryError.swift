import FactGraph

/// Everything that can be wrong with a statement. Cases carry values, not prose; the wording
/// lives in `message`, in one place; tests compare problems as values.
public enum QueryProblem: Sendable, Hashable {
    // Lexing
    case unterminatedString
    case unexpectedCharacter(String, hint: String?)
    case invalidUTF8
    // Parsing
    case expected(String, found: String)
    case tooDeep(limit: Int)
    case trailing(String)
    case statementStartsWithClause(String)
    case repeatedClause(String)
    case clauseConflict(String, with: String)
    case unknownCollation(String)
    case withinOnAggregate
    case habit(Habit)
    // Names
    case unknownRelation(String, suggestions: [String])
    case unknownColumn(String, relation: String, suggestions: [String])
    case notAReference(String, relation: String)
    case unknownEntity(String, kind: String?, suggestions: [String])
    case wrongKind(String, isA: String, expected: String)
    /// A place of another level for a derived place column (`province=潍坊`).
    case wrongLevel(String, name: String, isA: String, column: String)
    case ambiguousEntity(String, kind: String?, candidates: [String], more: Int)
    case unknownParameter(String)
    // Values and operators
    case badValue(String, column: String, expected: String)
    case badOperator(String, column: String, type: String)
    case withinNeedsEntity(String, type: String)
    case badNumber(String, what: String)
    // Summaries
    case aggregateOutsideSummary(String)
    case notAResultColumn(String, available: [String])
    case byWithoutSummary
    case havingWithoutSummary
    case badAggregate(String, column: String, type: String)
    case showInSummary
    // Reverse links
    case hasOnUnnamed(String)
    case hasNoLink(relation: String, kind: String)
    case hasAmbiguous(relation: String, kind: String, columns: [String])
    case hasWrongColumn(relation: String, column: String, kind: String)
    case cancelled

    public var message: String {
        func dym(_ s: [String]) -> String {
            s.isEmpty ? "" : " — did you mean " + s.map { "'\($0)'" }.joined(separator: ", ") + "?"
        }
        func list(_ xs: [String]) -> String { xs.joined(separator: ", ") }
        switch self {
        case .unterminatedString: return "unterminated string: the closing quote is missing"
        case .unexpectedCharacter(let c, let hint): return "unexpected character '\(c)'" + (hint.map { " (\($0))" } ?? "")
        case .invalidUTF8: return "invalid UTF-8 in the statement"
        case .expected(let what, let found): return "expected \(what), found \(found)"
        case .tooDeep(let limit): return "conditions nested too deeply (more than \(limit) levels of parentheses)"
        case .trailing(let t): return "unexpected \(t) after the end of the statement"
        case .statementStartsWithClause(let w):
            return "a statement cannot start with '\(w)'; to go on on the next line, end the line before with 'and', 'or' or an open parenthesis"
        case .repeatedClause(let w): return "a second '\(w)' clause; each clause comes at most once"
        case .clauseConflict(let a, let b): return "'\(a)' does not go with '\(b)'"
        case .unknownCollation(let found): return "expected a collation (pinyin or codepoint), found \(found)"
        case .withinOnAggregate: return "'within' applies to a column that names a place or an entity"
        case .habit(let h):
            switch h {
            case .sql: return "factsh is not SQL: try `awards where city=济宁 show recipient, honor` (.help for the language)"
            case .help: return "type .help for the dot-commands, or .help where (summarize, count, path …) for the language"
            case .quit: return "type .quit (or press Ctrl-D) to leave"
            case .psqlDescribe: return "type .tables for the relations, .schema RELATION for their columns"
            }
        case .unknownRelation(let r, let s): return "unknown relation '\(Token.clip(r))'" + dym(s)
        case .unknownColumn(let c, let r, let s): return "unknown column '\(Token.clip(c))' in \(r)" + dym(s)
        case .notAReference(let c, let r): return "column '\(c)' of \(r) does not name an entity, so it has no '.' path"
        case .unknownEntity(let v, let kind, let s): return "no \(kind ?? "entity") named '\(Token.clip(v))'" + dym(s)
        case .wrongKind(let v, let isA, let expected): return "'\(v)' is \(article(isA)) \(isA), not \(article(expected)) \(expected)"
        case .wrongLevel(let v, let name, let isA, let column):
            let what = v == name ? "'\(v)'" : "'\(v)' (\(name))"
            return "\(what) is \(article(isA)) \(isA), but '\(column)' holds \(column == "city" ? "cities" : column + "s"): write \(isA)=\(v), or \(column) within \(v)"
        case .ambiguousEntity(let v, let kind, let c, let more):
            return "'\(Token.clip(v))' could name \(c.count + more) \(kind.map { $0 + "s" } ?? "entities"): " + list(c) + (more > 0 ? " and \(more) more" : "") + "; write more of the name"
        case .unknownParameter(let p): return "no parameter $\(p) (set it with .param set \(p) VALUE or --param \(p)=VALUE)"
        case .badValue(let v, let c, let e): return "'\(c)' holds \(e); '\(Token.clip(v))' is not one"
        case .badOperator(let op, let c, let t): return "'\(op)' does not apply to \(c) (\(t))"
        case .withinNeedsEntity(let c, let t): return "'within' needs a column that names an entity; '\(c)' holds \(t)"
        case .badNumber(let v, let what): return "\(what) needs a whole number, found '\(Token.clip(v))'"
        case .aggregateOutsideSummary(let a): return "'\(a)' is an aggregate: use it in summarize, having or the order by of a summary"
        case .notAResultColumn(let c, let avail):
            return "'\(c)' is not a column of this summary (its columns: \(list(avail)))"
        case .byWithoutSummary: return "'by' groups a summary: write `count RELATION by …` or `… summarize AGGREGATES by …`"
        case .havingWithoutSummary: return "'having' filters the groups of a summary; use 'where' for rows"
        case .badAggregate(let f, let c, let t): return "\(f)(\(c)) needs numbers; '\(c)' holds \(t)"
        case .showInSummary: return "a summary shows its 'by' columns and aggregates; 'show' does not go with 'summarize'"
        case .hasOnUnnamed(let k): return "'has' finds the things that rows refer to, but \(k) rows have no names and nothing refers to them"
        case .hasNoLink(let r, let k): return "no column of \(r) refers to \(k)s"
        case .hasAmbiguous(let r, let k, let cols):
            return "several columns of \(r) can refer to \(k)s (\(list(cols))): write has \(r).COLUMN, e.g. has \(r).\(cols[0])"
        case .hasWrongColumn(let r, let c, let k): return "column '\(c)' of \(r) does not refer to \(k)s"
        case .cancelled: return "cancelled"
        }
    }
}

/// "a city", "an enterprise".
func article(_ noun: String) -> String {
    guard let f = noun.unicodeScalars.first else { return "a" }
    return "aeiouAEIOU".unicodeScalars.contains(f) ? "an" : "a"
}

/// A statement error: what, and the byte range of the source text it is about.
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
        case .unknownCollation(let found): return found == "end of input"
        default: return false
        }
    }
}

/// Something the user should know about an answer that is not an error, printed on standard
/// error as `note: …` (a fragment taken as the one entity that contains it).
public enum QueryNote: Sendable, Hashable {
    case fragmentTaken(String, name: String)
    case convertedTraditional(String, name: String)

    public var message: String {
        switch self {
        case .fragmentTaken(let t, let n): return "'\(t)' taken as \(n), the only name that contains it"
        case .convertedTraditional(let t, let n): return "'\(t)' read as \(n)"
        }
    }
}

/// Formats a statement error as the source line with a caret under the exact span:
///
///     1:14: error: unknown column 'cty' in awards — did you mean 'city'?
///       awards where cty=济宁
///                    ^~~
///
/// Columns and the caret are measured in display width, so they line up under Chinese text. A
/// very long line is shown as a window around the span.
public enum Diagnostics {
    /// Display columns of source shown around the error.
    static let window = 100

    /// - Parameters:
    ///   - text: the whole input the range refers to.
    ///   - file: a file name to put before the position, if any.
    ///   - firstLine: the line number of `text`'s first line.
    public static func render(_ error: QueryError, in text: String, file: String? = nil, firstLine: Int = 1) -> String {
        render(error, bytes: Array(text.utf8), file: file, firstLine: firstLine)
    }

    public static func render(_ error: QueryError, bytes: [UInt8], file: String? = nil, firstLine: Int = 1) -> String {
        let lo = min(max(0, error.range.lowerBound), bytes.count)
        let hi = min(max(lo, error.range.upperBound), bytes.count)
        var lineStart = lo
        while lineStart > 0 && bytes[lineStart - 1] != 0x0A { lineStart -= 1 }
        var lineEnd = lo
        while lineEnd < bytes.count && bytes[lineEnd] != 0x0A { lineEnd += 1 }
        let lineNo = firstLine + bytes[0..<lineStart].reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
        let column = bytes[lineStart..<lo].reduce(1) { $0 + ($1 & 0xC0 != 0x80 ? 1 : 0) }
        // A window of the line around the span, so a 1 MB line prints a screenful.
        var from = lineStart, to = lineEnd
        var prefix = "", suffix = ""
        if lo - lineStart > window * 2 {
            from = lo - window
            while from < lo && bytes[from] & 0xC0 == 0x80 { from += 1 }
            prefix = "…"
        }
        if lineEnd - max(hi, from) > window * 2 {
            to = min(lineEnd, max(hi, lo + 1) + window)
            while to < lineEnd && bytes[to] & 0xC0 == 0x80 { to += 1 }
            suffix = "…"
        }
        let before = prefix + String(decoding: bytes[from..<lo], as: UTF8.self)
        let span = String(decoding: bytes[lo..<min(hi, to)], as: UTF8.self)
        let line = prefix + String(decoding: bytes[from..<to], as: UTF8.self) + suffix
        let pad = DisplayWidth.of(before.replacingTabs())
        let width = max(1, min(DisplayWidth.of(span.replacingTabs()), window * 2))
        let caret = String(repeating: " ", count: pad) + "^" + String(repeating: "~", count: width - 1)
        let where_ = (file.map { "\($0):" } ?? "") + "\(lineNo):\(column)"
        return "\(where_): error: \(error.problem.message)\n  \(line.replacingTabs().escapingControls())\n  \(caret)"
    }
}

extension String {
    func replacingTabs() -> String { String(unicodeScalars.map { $0 == "\t" ? " " : Character($0) }) }

    /// Control characters shown as `^X` so a message cannot drive the terminal.
    func escapingControls() -> String {
        guard unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else { return self }
        var out = ""
        for u in unicodeScalars {
            if u.value < 0x20 { out += "^" + String(Character(Unicode.Scalar(UInt8(u.value + 0x40)))) }
            else if u.value == 0x7F { out += "^?" }
            else { out.unicodeScalars.append(u) }
        }
        return out
    }
}
