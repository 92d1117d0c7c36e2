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
/// With `terminalWidth`, a value longer than the room beside the names wraps (`TextWrap`), its
/// further lines indented under its first.
///
/// With `maxRows`, the first and the last rows are shown with a `…` line between them and
/// `(N rows, M shown)` after. After the rows, each after a blank line: that line when rows were
/// left out, then `table.note`.
public struct LineFormat: OutputFormat {
    public init() {}

    public func render(_ table: ResultTable, _ o: RenderOptions, to sink: any TextSink) throws(OutputStop) {
        let n = table.columns.count
        // On a screen: a blank line and a line per column for each row; the `…`, the footer, the prompt.
        let window = o.window(n > 0 ? table.rowCount : 0, linesPerRow: n + 1, overhead: 5)
        let names = table.columns.map(CellText.printable)
        let nameWidth = names.map(CellText.width).max() ?? 0
        let labels = names.map { CellText.pad($0, nameWidth, right: true) + " = " }
        let indent = String(repeating: " ", count: nameWidth + 3)
        // The room for values beside the names, when the terminal is known (at least 10).
        let room = o.terminalWidth.map { max(10, $0 - nameWidth - 3) }
        var out = ""
        var shownSoFar = 0
        for range in window.rows {
            if shownSoFar > 0 { out += "\n…\n" }
            for r in range {
                if shownSoFar > 0 { out += "\n" }
                for c in 0..<n {
                    let value = CellText.printable(o.text(table, r, c))
                    out += labels[c]
                    if let room, CellText.width(value) > room || CellText.hasNewline(value) {
                        out += TextWrap.wrap(value, width: room).joined(separator: "\n" + indent)
                    } else if CellText.hasNewline(value) {
                        out += CellText.lines(value).joined(separator: "\n" + indent)
                    } else {
                        out += value
                    }
                    out += "\n"
                }
                shownSoFar += 1
                if shownSoFar % rowsPerWrite == 0 { try sink.write(out); out = "" }
            }
        }
        var trailer: [String] = []
        if window.isTrimmed { trailer.append(window.footer) }
        if let note = table.note { trailer.append(CellText.printable(note)) }
        for t in trailer {
            if !out.isEmpty { out += "\n" }
            out += t + "\n"
        }
        try sink.write(out)
    }
}
