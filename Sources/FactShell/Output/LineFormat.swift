import FactGraph
import FactQuery

/// One field per line, as sqlite3's line mode: for wide rows and long texts.
///
///     city = 济宁市
///     year = 2024
///    honor = 质量标杆
///
///     city = 潍坊市
///     year = 
///    honor = 
///
/// Each line is `column = value`, the names right-aligned to the widest name (by display
/// width); a blank line separates rows. Nulls are empty. A value's further lines (newlines in
/// the cell) are indented under the value's first. Control characters are shown in caret
/// notation. Names are always shown, so `headers` does not apply.
///
/// After the rows, each after a blank line: the `.maxrows` line when rows were hidden, then
/// `table.note`.
public struct LineFormat: OutputFormat {
    public init() {}

    public func render(_ table: ResultTable, _ o: RenderOptions, to sink: any TextSink) throws(OutputStop) {
        let n = table.columns.count
        let total = table.rowCount
        let shown = n > 0 ? o.visibleRowCount(total) : 0
        let names = table.columns.map(CellText.printable)
        let nameWidth = names.map(CellText.width).max() ?? 0
        let labels = names.map { CellText.pad($0, nameWidth, right: true) + " = " }
        let indent = String(repeating: " ", count: nameWidth + 3)
        var out = ""
        for r in 0..<shown {
            if r > 0 { out += "\n" }
            for c in 0..<n {
                let value = CellText.printable(table.text(r, c))
                out += labels[c]
                if CellText.hasNewline(value) {
                    out += CellText.lines(value).joined(separator: "\n" + indent)
                } else {
                    out += value
                }
                out += "\n"
            }
            if r % rowsPerWrite == rowsPerWrite - 1 { try sink.write(out); out = "" }
        }
        var trailer: [String] = []
        if let hidden = o.hiddenRowsLine(total: total) { trailer.append(hidden) }
        if let note = table.note { trailer.append(CellText.printable(note)) }
        for t in trailer {
            if !out.isEmpty { out += "\n" }
            out += t + "\n"
        }
        try sink.write(out)
    }
}
