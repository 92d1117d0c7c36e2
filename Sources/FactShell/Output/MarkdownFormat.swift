import FactGraph
import FactQuery

/// A GitHub-flavoured Markdown table, for pasting into issues, reports and notes.
///
///     | city   | year | honor    |
///     |--------|-----:|----------|
///     | 济宁市 | 2024 | 质量标杆 |
///     | 潍坊市 |      |          |
///
/// Columns are padded by display width so the source reads as a table too. Numeric columns
/// are marked right-aligned (`---:`). In cells, `|` is escaped as `\|`, line breaks become
/// `<br>`, and control characters are shown in caret notation. Nulls are empty (or `nullText`).
/// A GFM table needs a header row, so with headers off the header row is left blank. With
/// `maxRows`, the first and the last rows are shown with a `| … |` row between them.
///
/// After the table, separated by a blank line (a plain line right below would be read as a
/// table row): `(N rows, M shown)` when rows were left out, then `table.note`.
public struct MarkdownFormat: OutputFormat {
    public init() {}

    public func render(_ table: ResultTable, _ o: RenderOptions, to sink: any TextSink) throws(OutputStop) {
        let n = table.columns.count
        let total = table.rowCount
        let window = o.window(total, overhead: 7)
        var out = ""
        if n > 0 {
            let numeric = (0..<n).map { table.isNumeric($0) }
            let header = table.columns.map { o.headers ? Self.cell($0) : "" }
            // Cells are made twice (measured, then written) rather than kept, as `table` does:
            // a result of millions of rows streams in constant memory.
            var widths = header.map { max(3, CellText.width($0)) }
            var made = 0
            for range in window.rows {
                for r in range {
                    for c in 0..<n { widths[c] = max(widths[c], CellText.width(Self.cell(o.text(table, r, c)))) }
                    made += 1
                    if made % 4096 == 0 { try sink.write("") }   // polls a cancellation
                }
            }

            func line(_ row: [String]) -> String {
                var s = "|"
                for c in 0..<n { s += " " + CellText.pad(row[c], widths[c], right: numeric[c]) + " |" }
                return s + "\n"
            }
            out += line(header)
            out += "|" + (0..<n).map { c in
                numeric[c] ? String(repeating: "-", count: widths[c] + 1) + ":" : String(repeating: "-", count: widths[c] + 2)
            }.joined(separator: "|") + "|\n"
            var written = 0
            for (i, range) in window.rows.enumerated() {
                if i > 0 && written > 0 { out += line([String](repeating: "…", count: n)) }
                for r in range {
                    out += line((0..<n).map { Self.cell(o.text(table, r, $0)) })
                    written += 1
                    if written % rowsPerWrite == 0 { try sink.write(out); out = "" }
                }
            }
        }
        var trailer: [String] = []
        if window.isTrimmed { trailer.append(window.footer) }
        if let note = table.note { trailer.append(CellText.printable(note)) }
        if !trailer.isEmpty {
            if !out.isEmpty { out += "\n" }
            out += trailer.joined(separator: "\n") + "\n"
        }
        try sink.write(out)
    }

    /// Cell text made safe inside a table row.
    static func cell(_ s: String) -> String {
        var t = CellText.printable(s)
        if t.contains("|") { t = t.replacing("|", with: "\\|") }
        if CellText.hasNewline(t) {
            t = CellText.lines(t).joined(separator: "<br>")
        }
        return t
    }
}
