import FactGraph
import FactQuery

/// Graphviz DOT, for drawing graph results: `factsh -c 'neighbors 济宁' --format dot | dot -Tsvg`.
///
///     digraph factsh {
///       rankdir=LR;
///       node [shape=box, fontname="sans-serif"];
///       edge [fontname="sans-serif"];
///       "兖州区" -> "济宁市" [label="located in"];
///     }
///
/// A graph result (`neighbors`, `path`, and `describe` when its card carries edges) draws every
/// `table.edges` entry as one edge, labelled with the relation it comes from (`award.honor`,
/// `enterprise.city`). A `describe` card without edges draws the entity linked to each entity
/// its card names (its city, its department …), labelled with the field. Names are quoted,
/// with `"` and `\` escaped and line breaks as `\n`.
/// `fontname` is a fontconfig family, so Chinese names draw with whatever CJK font the
/// machine has.
///
/// Any other result is drawn without records: each row's entity-valued cells are linked in
/// column order, the edge labelled with the column it leads to (an award row
/// `recipient, honor, year, recommender` gives `recipient -> honor [label="honor"]` and
/// `honor -> recommender [label="recommender"]`); every entity met is declared as a node, so
/// rows with a single entity (a `describe` card, a list of cities) come out as lone nodes, and
/// repeated edges are drawn once. Rows with no entity add nothing.
///
/// `.maxrows` limits the rows (edges, for a graph) drawn; the `.maxrows` line and
/// `table.note` become `//` comments at the end, which Graphviz ignores.
public struct DotFormat: OutputFormat {
    public init() {}

    public func render(_ table: ResultTable, _ o: RenderOptions, to sink: any TextSink) throws(OutputStop) {
        var out = "digraph factsh {\n  rankdir=LR;\n"
        out += "  node [shape=box, fontname=\"sans-serif\"];\n  edge [fontname=\"sans-serif\"];\n"
        var hidden: String?
        let tableEdges = table.edges   // made once (a graph table may make them from its rows)
        if table.shape == .card && tableEdges.isEmpty {
            // The card's own entity is its "name" row; each other entity cell is a link.
            let fieldColumn = table.columns.firstIndex(of: "field") ?? 0
            let valueColumn = table.columns.firstIndex(of: "value") ?? min(1, table.columns.count - 1)
            var subject: String?
            var edges: [String] = []
            var seen: Set<String> = []
            for r in 0..<table.rowCount where table.columns.count > valueColumn {
                guard case .entity = table.value(r, valueColumn) else { continue }
                let node = Self.id(table.text(r, valueColumn))
                let field = table.text(r, fieldColumn)
                if subject == nil && field == "name" {
                    subject = node
                    out += "  " + node + ";\n"
                } else if let s = subject {
                    let edge = s + " -> " + node + " [label=" + Self.id(field) + "]"
                    if seen.insert(edge).inserted { edges.append(edge) }
                }
            }
            for edge in edges { out += "  " + edge + ";\n" }
        } else if table.shape == .graph || !tableEdges.isEmpty {
            let shown = o.visibleRowCount(tableEdges.count)
            for e in tableEdges.prefix(shown) {
                out += "  " + Self.id(e.from) + " -> " + Self.id(e.to)
                if !e.label.isEmpty { out += " [label=" + Self.id(e.label) + "]" }
                out += ";\n"
            }
            hidden = o.hiddenRowsLine(total: tableEdges.count, noun: "edge")
        } else {
            var nodes: [String] = []
            var seenNodes: Set<String> = []
            var edges: [String] = []
            var seenEdges: Set<String> = []
            for r in 0..<o.visibleRowCount(table.rowCount) {
                if r % 4096 == 4095 { try sink.write("") }   // polls a cancellation
                var previous: String?
                for c in 0..<table.columns.count {
                    guard case .entity = table.value(r, c) else { continue }
                    let node = Self.id(table.text(r, c))
                    if seenNodes.insert(node).inserted { nodes.append(node) }
                    if let p = previous {
                        let edge = p + " -> " + node + " [label=" + Self.id(table.columns[c]) + "]"
                        if seenEdges.insert(edge).inserted { edges.append(edge) }
                    }
                    previous = node
                }
            }
            for node in nodes { out += "  " + node + ";\n" }
            for edge in edges { out += "  " + edge + ";\n" }
            hidden = o.hiddenRowsLine(total: table.rowCount)
        }
        if let h = hidden { out += "  // " + h + "\n" }
        if let note = table.note {
            for line in CellText.lines(note) { out += "  // " + line + "\n" }
        }
        out += "}\n"
        try sink.write(out)
    }

    /// A quoted DOT identifier.
    static func id(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": continue
            default: out.unicodeScalars.append(u)
            }
        }
        return out + "\""
    }
}
