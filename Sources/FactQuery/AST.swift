/// The syntax tree of one statement, as the parser produces it: names are still text, each with
/// the byte range it came from, so the resolver can point at them.
public struct Name: Sendable, Hashable {
    public var text: String
    public var range: Range<Int>
}

/// `city`, `recipient.city`: one column, or one hop through an entity-valued column.
public struct ColumnPath: Sendable, Hashable {
    public var parts: [Name]
    public var range: Range<Int> { parts.first!.range.lowerBound..<parts.last!.range.upperBound }
    public var text: String { parts.map(\.text).joined(separator: ".") }
}

/// A value as written: a bare word, a quoted string, a number, a date or a parameter.
public struct Literal: Sendable, Hashable {
    public enum Form: Sendable, Hashable { case word, string, int, number, date, param }
    public var form: Form
    public var text: String
    public var range: Range<Int>
}

public enum CompareOp: String, Sendable, Hashable {
    case eq = "=", ne = "!=", match = "~", notMatch = "!~", lt = "<", le = "<=", gt = ">", ge = ">="
}

public indirect enum Condition: Sendable, Hashable {
    case compare(ColumnPath, CompareOp, Literal)
    case inList(ColumnPath, [Literal], negated: Bool)
    case and(Condition, Condition)
    case or(Condition, Condition)
    case not(Condition)
}

public struct OrderKey: Sendable, Hashable {
    public var column: ColumnPath
    public var descending: Bool
}

/// `RELATION [where C] [show …] [order by …] [limit N [offset M]]` or
/// `count RELATION [where C] [by …] [order by …] [limit N [offset M]]`.
public struct Query: Sendable, Hashable {
    public var relation: Name
    public var condition: Condition?
    /// nil: the default columns; `[]` never occurs; `show *` is `star`.
    public var show: [ColumnPath]?
    public var showAll = false
    public var isCount = false
    public var groupBy: [ColumnPath] = []
    public var order: [OrderKey] = []
    public var limit: Int?
    public var offset: Int?
}

public enum Statement: Sendable, Hashable {
    case query(Query)
    case describe(Literal)
    case neighbors(Literal, depth: Int)
    case path(Literal, Literal)
    case find(Literal)
}
