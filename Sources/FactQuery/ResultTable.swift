import FactGraph

/// The result of one statement, as the renderers see it: named columns and rows of typed
/// cells. Cells stay compact `Value`s (string ids, entity ids) and are turned into text only when
/// shown, through `text(_:_:)`.
public struct ResultTable: Sendable {
    /// What produced the table, so a renderer can choose a form (`dot` wants a graph).
    public enum Shape: Sendable, Hashable {
        /// Rows of a relation or a count.
        case rows
        /// An entity's card from `describe`: rows are (field, value) pairs.
        case card
        /// Links from `neighbors` or `path`: each row is one edge, with `edges` filled in.
        case graph
    }

    public struct Edge: Sendable, Hashable {
        public var from: String
        public var label: String
        public var to: String
        public init(from: String, label: String, to: String) {
            self.from = from
            self.label = label
            self.to = to
        }
    }

    public var columns: [String]
    public var rows: [[Value]]
    public var shape: Shape
    public var edges: [Edge]
    /// A line to show after the table, e.g. "path of 3 links" (renderers may ignore it).
    public var note: String?
    public let graph: FactGraph

    public init(graph: FactGraph, columns: [String], rows: [[Value]], shape: Shape = .rows, edges: [Edge] = [], note: String? = nil) {
        self.graph = graph
        self.columns = columns
        self.rows = rows
        self.shape = shape
        self.edges = edges
        self.note = note
    }

    /// The display text of a cell ("" for null).
    public func text(_ row: Int, _ column: Int) -> String { graph.display(rows[row][column]) }

    /// Whether a column holds only numbers (ints or decimals) or nulls: right-aligned in tables,
    /// unquoted in JSON.
    public func isNumeric(_ column: Int) -> Bool {
        var any = false
        for r in rows {
            switch r[column] {
            case .int, .number: any = true
            case .null: continue
            default: return false
            }
        }
        return any
    }
}
