import FactGraph
import FactQuery

/// Box-drawn, aligned table for people at a terminal: the shell's default mode.
///
///     ┌────────┬──────┬──────────┐
///     │ city   │ year │ honor    │
///     ├────────┼──────┼──────────┤
///     │ 济宁市 │ 2024 │ 质量标杆 │
///     │ 潍坊市 │      │          │
///     └────────┴──────┴──────────┘
///     (2 rows)
///
/// Columns are sized by display width (a Chinese character counts 2, see `DisplayWidth`).
/// Numeric columns (`ResultTable.isNumeric`) and columns given a negative `.width` are
/// right-aligned, the rest left-aligned; headers follow their column. Nulls print empty; with
/// `color`, headers are bold and nulls show as a dim `null` so they can be told from empty
/// text (no escape code is ever written without `color`).
///
/// A column is capped by its `.width` (`RenderOptions.widths`) and, when `terminalWidth` is
/// set and the table would be wider, by shrinking the widest columns first, down to 4 columns
/// of text at the least (a table that still does not fit overflows). A column is never made
/// narrower than its widest grapheme cluster. Cells longer than their column wrap onto extra
/// lines (see `TextWrap`), newlines inside cells always do, and as soon as any row takes more
/// than one line, rows are separated by a rule so that they stay distinguishable. Control
/// characters are shown in caret notation (`^[`) so that a cell cannot drive the terminal.
///
/// After the box: the `.maxrows` line when rows were hidden, the `(N rows)` footer (N counts
/// every row of the result) unless `footer` is off, then `table.note`. An empty result prints
/// the header box and `(0 rows)`; with headers off it prints the footer alone.
public struct TableFormat: OutputFormat {
    public init() {}

    /// The minimum width `terminalWidth` may shrink a column to.
    public static let minimumFittedWidth = 4

    private struct Cell {
        var text: String
        var width: Int       // of the widest line
        var isNull = false
        init(_ text: String, isNull: Bool = false) {
            self.text = text
            self.width = TableFormat.textWidth(text)
            self.isNull = isNull
        }
    }

    /// A cell laid out in its column: its lines, and the width of the first when known.
    private struct Laid {
        var lines: [String]
        var singleWidth: Int?   // set when there is one line whose width is known
    }

    public func render(_ table: ResultTable, _ o: RenderOptions, to sink: any TextSink) throws(OutputStop) {
        let n = table.columns.count
        let total = table.rowCount
        let shown = o.visibleRowCount(total)
        var out = ""

        if n > 0 && (shown > 0 || o.headers) {
            var rightAligned = [Bool](repeating: false, count: n)
            for c in 0..<n {
                rightAligned[c] = table.isNumeric(c) || (c < o.widths.count && o.widths[c] < 0)
            }
            // Cells are made twice (measured, then drawn) rather than kept: a result of a
            // million rows streams in constant memory, and a cancelled one has nothing to free.
            func cell(_ r: Int, _ c: Int) -> Cell {
                if case .null = table.value(r, c) { return Cell(o.color ? "null" : "", isNull: true) }
                return Cell(CellText.printable(table.text(r, c)))
            }
            let header = table.columns.map { Cell(CellText.printable($0)) }

            // Measure: each column's widest cell (rows, and the header when shown) and whether
            // a row's cell holds a line break.
            var natural = [Int](repeating: 0, count: n)
            var rowsNatural = [Int](repeating: 0, count: n)
            var hasBreak = [Bool](repeating: false, count: n)
            for r in 0..<shown {
                if r % 4096 == 4095 { try sink.write("") }   // polls a cancellation
                for c in 0..<n {
                    let x = cell(r, c)
                    rowsNatural[c] = max(rowsNatural[c], x.width)
                    if !hasBreak[c] && CellText.hasNewline(x.text) { hasBreak[c] = true }
                }
            }
            for c in 0..<n { natural[c] = max(rowsNatural[c], o.headers ? header[c].width : 0) }
            let widths = Self.columnWidths(natural: natural, options: o)

            // A capped column wraps, and never narrower than a grapheme cluster: one wider than
            // the column widens it (a second measuring pass, over capped columns only).
            var final = widths
            let capped = (0..<n).filter { widths[$0] < natural[$0] }
            if !capped.isEmpty {
                var widest = [Int](repeating: 0, count: n)
                func measure(_ x: Cell, _ c: Int) {
                    if x.width > widths[c] || CellText.hasNewline(x.text) {
                        widest[c] = max(widest[c], TextWrap.wrapMeasuring(x.text, width: widths[c]).widest)
                    }
                }
                if o.headers { for c in capped { measure(header[c], c) } }
                for r in 0..<shown {
                    if r % 4096 == 4095 { try sink.write("") }
                    for c in capped { measure(cell(r, c), c) }
                }
                for c in capped where widest[c] > final[c] { final[c] = widest[c] }
            }
            // As soon as any row takes more than one line, rules separate the rows.
            let multiLine = (0..<n).contains { hasBreak[$0] || rowsNatural[$0] > final[$0] }

            func layOut(_ cell: Cell, _ c: Int) -> Laid {
                if cell.width <= final[c] && !CellText.hasNewline(cell.text) {
                    return Laid(lines: [cell.text], singleWidth: cell.width)
                }
                if widths[c] < natural[c] {
                    return Laid(lines: TextWrap.wrapMeasuring(cell.text, width: final[c]).lines)
                }
                return Laid(lines: CellText.lines(cell.text).map(String.init))
            }

            let rule = { (left: String, mid: String, right: String) -> String in
                left + final.map { String(repeating: "─", count: $0 + 2) }.joined(separator: mid) + right + "\n"
            }
            let middleRule = rule("├", "┼", "┤")
            let spaces = String(repeating: " ", count: (final.max() ?? 0) + 1)
            func emitRow(_ laid: [Laid], _ cells: [Cell], bold: Bool) {
                var height = 1
                for l in laid { height = max(height, l.lines.count) }
                for i in 0..<height {
                    out += "│"
                    for c in 0..<n {
                        let text = i < laid[c].lines.count ? laid[c].lines[i] : ""
                        let w = i == 0 ? laid[c].singleWidth ?? CellText.width(text) : CellText.width(text)
                        let pad = spaces.prefix(max(0, final[c] - w))
                        out += " "
                        if rightAligned[c] { out += pad }
                        if o.color && !text.isEmpty && (bold || cells[c].isNull) {
                            out += bold ? "\u{1B}[1m" : "\u{1B}[2m"
                            out += text
                            out += "\u{1B}[0m"
                        } else {
                            out += text
                        }
                        if !rightAligned[c] { out += pad }
                        out += " │"
                    }
                    out += "\n"
                }
            }

            out += rule("┌", "┬", "┐")
            if o.headers {
                emitRow((0..<n).map { layOut(header[$0], $0) }, header, bold: true)
                if shown > 0 { out += middleRule }
            }
            var row: [Cell] = []
            var laid: [Laid] = []
            row.reserveCapacity(n)
            laid.reserveCapacity(n)
            for r in 0..<shown {
                if r > 0 && multiLine { out += middleRule }
                row.removeAll(keepingCapacity: true)
                laid.removeAll(keepingCapacity: true)
                for c in 0..<n {
                    let x = cell(r, c)
                    row.append(x)
                    laid.append(layOut(x, c))
                }
                emitRow(laid, row, bold: false)
                if r % rowsPerWrite == rowsPerWrite - 1 { try sink.write(out); out = "" }
            }
            out += rule("└", "┴", "┘")
        }

        if let hidden = o.hiddenRowsLine(total: total) { out += hidden + "\n" }
        if o.footer { out += total == 1 ? "(1 row)\n" : "(\(total) rows)\n" }
        if let note = table.note { out += CellText.printable(note) + "\n" }
        try sink.write(out)
    }

    /// Display width of cell text: its widest line.
    static func textWidth(_ s: String) -> Int {
        if !CellText.hasNewline(s) { return CellText.width(s) }
        return CellText.lines(s).map { CellText.width(String($0)) }.max() ?? 0
    }

    /// Column widths after `.width` caps and fitting to the terminal.
    ///
    /// Fitting lowers a common ceiling over the widest columns (so the widest shrink first and
    /// the narrow ones keep their width), never below `minimumFittedWidth`; what is left of the
    /// budget goes one column each to the capped columns, left to right.
    /// - Complexity: O(n log w) for n columns and widest column w.
    static func columnWidths(natural: [Int], options o: RenderOptions) -> [Int] {
        let n = natural.count
        var w = natural
        for c in 0..<min(n, o.widths.count) where o.widths[c] != 0 {
            w[c] = min(w[c], max(2, abs(o.widths[c])))
        }
        guard let tw = o.terminalWidth else { return w }
        let budget = tw - (1 + 3 * n)
        let sum = w.reduce(0, +)
        guard sum > budget else { return w }
        func total(_ ceiling: Int) -> Int { w.reduce(0) { $0 + min($1, ceiling) } }
        var lo = minimumFittedWidth, hi = w.max() ?? 0
        if total(lo) >= budget {
            return w.map { min($0, minimumFittedWidth) }
        }
        while lo < hi {   // largest ceiling with total(ceiling) <= budget
            let mid = (lo + hi + 1) / 2
            if total(mid) <= budget { lo = mid } else { hi = mid - 1 }
        }
        var slack = budget - total(lo)
        var out = w.map { min($0, lo) }
        for c in 0..<n where slack > 0 && w[c] > lo {
            out[c] += 1
            slack -= 1
        }
        return out
    }
}
