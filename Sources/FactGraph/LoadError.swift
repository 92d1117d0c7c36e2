/// A place in an input file: 1-based line and column (column in Unicode characters).
public struct SourcePosition: Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// `file:line:column`, or `file:line` when the column is unknown (0).
    public var description: String { line <= 0 ? file : (column > 0 ? "\(file):\(line):\(column)" : "\(file):\(line)") }
}

/// Everything that can be wrong with a graph file or CSV folder. The wording lives in `message`.
public enum LoadProblem: Sendable, Hashable {
    case invalidUTF8
    case unterminatedQuote
    case unknownKind(String, suggestions: [String])
    case unknownColumn(String, kind: String, suggestions: [String])
    case unknownType(String)
    case badDeclaration(String)
    case kindRedeclared(String)
    case missingName(kind: String)
    case unexpectedName(String, kind: String)
    case missingValue(column: String)
    case badValue(column: String, expected: String, found: String)
    case duplicateName(String, existing: String, line: Int?)
    /// The same entity defined again (in another file) with another value for a column.
    case conflictingValue(name: String, column: String, was: String, now: String)
    /// A name defined again in another file as a thing of another kind.
    case definedAsOtherKind(String, was: String, now: String)
    case duplicateColumn(String)
    case danglingReference(String, column: String, suggestions: [String])
    case wrongKindReference(String, column: String, expected: String, found: String)
    case badProvenance(String)
    case unknownSource(String)
    case unexpectedToken(String)
    case raggedRow(expected: Int, found: Int)
    case badQuoting
    case missingHeader(String)
    case io(String)
    case tooManyErrors

    public var message: String {
        func dym(_ s: [String]) -> String {
            s.isEmpty ? "" : " (did you mean " + s.map { "'\($0)'" }.joined(separator: " or ") + "?)"
        }
        switch self {
        case .invalidUTF8: return "invalid UTF-8"
        case .unterminatedQuote: return "unterminated quoted string"
        case .unknownKind(let k, let s): return "unknown kind '\(k)'" + dym(s)
        case .unknownColumn(let c, let k, let s): return "kind '\(k)' has no column '\(c)'" + dym(s)
        case .unknownType(let t): return "unknown column type '\(t)' (expected text, int, number, date, entity, place or a kind name)"
        case .badDeclaration(let why): return "bad kind declaration: \(why)"
        case .kindRedeclared(let k): return "kind '\(k)' is declared again with different columns"
        case .missingName(let k): return "missing name: a '\(k)' fact starts with its name, then COLUMN=VALUE pairs"
        case .unexpectedName(let n, let k): return "'\(k)' rows have no name, found '\(n)' (write COLUMN=VALUE)"
        case .missingValue(let c): return "missing value after '\(c)='"
        case .badValue(let c, let e, let f): return "'\(c)' expects \(e), found '\(f)'"
        case .duplicateName(let n, let ex, let line):
            return "duplicate name '\(n)': already names \(ex)" + (line.map { " (line \($0))" } ?? "")
        case .conflictingValue(let n, let c, let was, let now):
            return "'\(n)' is defined again with \(c)=\(now), but an earlier file gives \(c)=\(was)"
        case .definedAsOtherKind(let n, let was, let now): return "'\(n)' is defined again as a \(now), but an earlier file defines it as a \(was)"
        case .duplicateColumn(let c): return "column '\(c)' given twice"
        case .danglingReference(let n, let c, let s): return "no entity named '\(n)' (for column '\(c)')" + dym(s)
        case .wrongKindReference(let n, let c, let e, let f): return "'\(n)' is of kind '\(f)', but '\(c)' must name a '\(e)'"
        case .badProvenance(let t): return "bad provenance '\(t)' (expected @SOURCE:PARAGRAPH)"
        case .unknownSource(let s): return "no source named '\(s)'"
        case .unexpectedToken(let t): return "unexpected '\(t)'"
        case .raggedRow(let e, let f): return "row has \(f) fields, the header has \(e)"
        case .badQuoting: return "bad quoting (a quote inside an unquoted field, or text after a closing quote)"
        case .missingHeader(let h): return "missing header: \(h)"
        case .io(let m): return m
        case .tooManyErrors: return "too many errors; stopping"
        }
    }
}

/// One load error: where, and what.
public struct LoadError: Error, Sendable, Hashable, CustomStringConvertible {
    public var position: SourcePosition
    public var problem: LoadProblem

    public init(_ position: SourcePosition, _ problem: LoadProblem) {
        self.position = position
        self.problem = problem
    }

    /// `file:line:column: message`
    public var description: String { "\(position): \(problem.message)" }
}

/// All errors of a failed load (a failed load loads nothing).
public struct LoadFailure: Error, Sendable, CustomStringConvertible {
    public var errors: [LoadError]
    public init(_ errors: [LoadError]) { self.errors = errors }
    public var description: String { errors.map(\.description).joined(separator: "\n") }
}
