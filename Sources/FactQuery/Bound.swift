import FactGraph

/// How to read one column of a row. Produced by the binder, read by the evaluator.
public indirect enum Accessor: Sendable, Hashable {
    /// A named row's name (shown as the entity; compared as text).
    case name
    /// A named row's aliases, joined with ", ".
    case aliases
    /// A declared column.
    case stored(Int)
    /// The place of kind P that the row lies in (following location links upward).
    case place(Int)
    /// Where the fact was reported: "document:paragraph; …".
    case source
    /// A named row's kind ("enterprise", "city" …).
    case kindName
    /// A column of the entity that `first` holds: `second` as written, and its accessor in each
    /// kind (nil where the kind has no such column), resolved once when the statement is bound.
    case hop(Accessor, String, [Accessor?])
    /// Column `i` of a summary's result row (for `having`).
    case result(Int)
}

/// The type of a bound column, which decides what its comparisons mean.
public enum ValueType: Sendable, Hashable {
    case text, int, number, date
    case entity(RefTarget)
    /// Only known per row (a hop through a column that may hold entities of several kinds whose
    /// columns of that name differ in type).
    case dynamic

    var isNumeric: Bool { self == .int || self == .number }

    /// How the type reads in a message.
    func describe(_ g: FactGraph) -> String {
        switch self {
        case .text: return "text"
        case .int: return "whole numbers"
        case .number: return "numbers"
        case .date: return "dates"
        case .entity(.anyEntity): return "entities"
        case .entity(.anyPlace): return "places"
        case .entity(.kind(let k)): return g.kinds[k].plural
        case .dynamic: return "values of several types"
        }
    }
}

/// Three-valued truth (SQL's): a comparison with a missing value is unknown, `not unknown` is
/// unknown, and only rows whose condition is true are selected.
enum Truth: UInt8 {
    case no = 0, yes = 1, unknown = 2

    @inline(__always) init(_ b: Bool) { self = b ? .yes : .no }

    @inline(__always) var negated: Truth {
        switch self {
        case .no: return .yes
        case .yes: return .no
        case .unknown: return .unknown
        }
    }
}

/// A literal pre-read in every way a per-row typed column may need it.
struct DynamicLiteral: Sendable {
    var text: [UInt8]
    var int: Int64?
    var number: Double?
    var date: (lo: Int64, hi: Int64)?
    var entity: EntityID?
}

/// `has REL.COL(C)`, bound: which relation and column, and the condition on its rows.
struct HasSpec: Sendable {
    var relation: Int
    var column: Int
    var condition: Predicate?
    /// Filled by the planner: the entities that qualifying rows refer to (nil when every row
    /// qualifies, so the column's index answers).
    var referred: EntitySet?
    var innerPlan: QueryPlan?
}

/// A condition whose names are bound and whose values are converted. `all`/`any` hold lists.
indirect enum Predicate: Sendable {
    case all([Predicate])
    case any([Predicate])
    case not(Predicate)
    /// The cell is one of these entities (identity: `=`, `!=`, `in`, `not in`).
    case entityIs(Accessor, [EntityID], negated: Bool)
    /// The cell is one of these entities or lies within one of them.
    case within(Accessor, [EntityID], negated: Bool)
    /// The cell is an entity whose name or an alias contains the text (`~` on an entity column).
    case entityNamed(Accessor, EntitySet, text: String, negated: Bool)
    /// A provenance of the row names one of these source documents.
    case source([EntityID], negated: Bool)
    case text(Accessor, CompareOp, [UInt8])
    case textIn(Accessor, [[UInt8]], negated: Bool)
    case int(Accessor, CompareOp, Int64)
    case number(Accessor, CompareOp, Double)
    /// Date interval [lo, hi) of the literal (2024 → the whole year).
    case date(Accessor, CompareOp, lo: Int64, hi: Int64)
    case isNull(Accessor, negated: Bool)
    /// The row's entity is referred to by some qualifying row of another relation.
    case has(HasSpec, negated: Bool)
    case dynamic(Accessor, CompareOp, DynamicLiteral)
    case constant(Bool)
}

extension Predicate {
    /// The accessor a leaf condition reads (nil for `all`, `any`, `not`, `has`, `source` and
    /// constants).
    var leafAccessor: Accessor? {
        switch self {
        case .entityIs(let a, _, _), .within(let a, _, _), .entityNamed(let a, _, _, _), .text(let a, _, _),
             .textIn(let a, _, _), .int(let a, _, _), .number(let a, _, _), .date(let a, _, _, _), .isNull(let a, _),
             .dynamic(let a, _, _):
            return a
        case .all, .any, .not, .source, .has, .constant:
            return nil
        }
    }

    /// The same leaf condition reading `a` instead (self for other conditions).
    func withLeafAccessor(_ a: Accessor) -> Predicate {
        switch self {
        case .entityIs(_, let x, let n): return .entityIs(a, x, negated: n)
        case .within(_, let x, let n): return .within(a, x, negated: n)
        case .entityNamed(_, let x, let t, let n): return .entityNamed(a, x, text: t, negated: n)
        case .text(_, let op, let x): return .text(a, op, x)
        case .textIn(_, let x, let n): return .textIn(a, x, negated: n)
        case .int(_, let op, let x): return .int(a, op, x)
        case .number(_, let op, let x): return .number(a, op, x)
        case .date(_, let op, let lo, let hi): return .date(a, op, lo: lo, hi: hi)
        case .isNull(_, let n): return .isNull(a, negated: n)
        case .dynamic(_, let op, let x): return .dynamic(a, op, x)
        case .all, .any, .not, .source, .has, .constant: return self
        }
    }
}

/// An aggregate bound to a column.
struct BoundAggregate: Sendable {
    var aggregate: Aggregate
    var accessor: Accessor?
    var type: ValueType?
    /// The result's type.
    var resultType: ValueType
}

/// One key of an `order by`: a column of the relation (rows), or a result column (summaries).
struct BoundOrder: Sendable {
    var accessor: Accessor
    var type: ValueType
    var descending: Bool
    var collation: Collation
    var title: String
}

/// A statement bound to the graph: everything named is resolved.
struct BoundQuery: Sendable {
    var kind: Int
    var predicate: Predicate?
    /// Columns shown (rows) — name and accessor.
    var shown: [(String, Accessor)] = []
    /// Leave out shown columns that have no value in any result row (the default projection).
    var dropEmptyColumns = false
    var summary: BoundSummary?
    var order: [BoundOrder] = []
    var limit: Int?
    var offset: Int?
}

struct BoundSummary: Sendable {
    var keys: [(String, Accessor, ValueType)]
    var aggregates: [BoundAggregate]
    var having: Predicate?
    /// Result column names: the keys, then the aggregates.
    var titles: [String] { keys.map(\.0) + aggregates.map(\.aggregate.title) }
}
