/// The syntax tree of one statement, as the parser produces it: names are still text, each with
/// the byte range it came from, so the binder can point at them.
public struct Name: Sendable, Hashable {
    public var text: String
    public var range: Range<Int>
}

/// `city`, `recipient.city`, `recipient.city.province`: a column, or a chain of hops through
/// entity-valued columns.
public struct ColumnPath: Sendable, Hashable {
    public var parts: [Name]
    public var range: Range<Int> { parts.first!.range.lowerBound..<parts.last!.range.upperBound }
    public var text: String { parts.count == 1 ? parts[0].text : parts.map(\.text).joined(separator: ".") }
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

/// `count`, `count(col)`, `count(distinct col)`, `sum(col)`, `avg(col)`, `min(col)`, `max(col)`.
public struct Aggregate: Sendable, Hashable {
    public enum Function: String, Sendable, Hashable { case count, sum, avg, min, max }
    public var function: Function
    /// nil only for a plain `count` (rows).
    public var column: ColumnPath?
    public var distinct: Bool
    public var range: Range<Int>

    /// The result column's name, as written (normalized spacing and case): `count`,
    /// `count(distinct recipient)`, `sum(value)`.
    public var title: String {
        guard let c = column else { return function.rawValue }
        return "\(function.rawValue)(\(distinct ? "distinct " : "")\(c.text))"
    }
}

/// What a condition, a `having` or an `order by` key is about: a column, or (in summaries) an
/// aggregate written as in `summarize`.
public enum Operand: Sendable, Hashable {
    case column(ColumnPath)
    case aggregate(Aggregate)

    public var range: Range<Int> {
        switch self {
        case .column(let p): return p.range
        case .aggregate(let a): return a.range
        }
    }

    public var text: String {
        switch self {
        case .column(let p): return p.text
        case .aggregate(let a): return a.title
        }
    }
}

/// `has REL[.COL] [(C)]`: the rows that some row of REL refers to (through COL), optionally only
/// REL's rows that satisfy C.
public struct HasTest: Sendable, Hashable {
    public var relation: Name
    public var column: Name?
    public var condition: Condition?
    public var range: Range<Int>
}

/// A condition. `and`/`or` hold lists, so a chain of 30,000 terms is one node and no pass
/// recurses per term; only parentheses and `has(…)` nest, and the parser caps that.
public indirect enum Condition: Sendable, Hashable {
    case all([Condition])
    case any([Condition])
    case not(Condition)
    case compare(Operand, CompareOp, Literal)
    case inList(Operand, [Literal], negated: Bool)
    /// `col within PLACE`: the value is PLACE or lies in it.
    case within(ColumnPath, Literal, negated: Bool)
    case isNull(Operand, negated: Bool)
    case has(HasTest)
}

/// How text is ordered: by pinyin and number value (the default), or by code point.
public enum Collation: String, Sendable, Hashable { case pinyin, codepoint }

public struct OrderKey: Sendable, Hashable {
    public var operand: Operand
    public var descending: Bool
    public var collation: Collation = .pinyin
}

/// `RELATION [where C] [show …] [order by …] [limit N [offset M]]`,
/// `RELATION [where C] summarize AGG, … [by …] [having C] [order by …] [limit …]`, or
/// `count RELATION …` (a summary of `count`).
public struct Query: Sendable, Hashable {
    public var relation: Name
    public var condition: Condition?
    /// nil: the default columns; `show *` is `showAll`.
    public var show: [ColumnPath]?
    public var showAll = false
    /// nil for a row query; the aggregates of a summary.
    public var summary: [Aggregate]?
    /// Written as `count RELATION …`.
    public var isCountShorthand = false
    public var groupBy: [ColumnPath] = []
    public var having: Condition?
    public var order: [OrderKey] = []
    public var limit: Int?
    public var offset: Int?
    /// Where the statement starts in the source.
    public var range: Range<Int> = 0..<0
}

public indirect enum Statement: Sendable, Hashable {
    case query(Query)
    case describe(Literal)
    case neighbors(Literal, depth: Int)
    case path(Literal, Literal)
    case find(Literal)
    /// `explain STATEMENT`: the plan, with estimated and examined rows.
    case explain(Statement)
}
