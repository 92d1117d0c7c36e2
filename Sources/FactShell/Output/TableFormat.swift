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
/// A column is capped by its `.width` (`RenderOptions.widths`). When `terminalWidth` is set and
/// the table would be wider, columns give up width in two steps (`columnWidths`): first the
/// columns whose text wraps between words (a `source` list, a note with spaces) shrink toward
/// their widest word, keeping long names whole; then the widest columns shrink first, down to
/// 4 columns of text at the least (a table that still does not fit overflows). A column is
/// never made narrower than its widest grapheme cluster. Cells longer than their column wrap
/// onto extra lines (see `TextWrap`: between words, else after `-`, else anywhere), newlines
/// inside cells always do, and a rule separates a row that takes more than one line from its
/// neighbours (only there, so one long cell does not rule the whole table). Control characters
/// are shown in caret notation (`^[`) so that a cell cannot drive the terminal.
///
/// With `switchToLines`, a table that cannot fit without squeezing a column below
/// `comfortableWidth` is printed in `line` layout instead (psql's `\x auto`).
///
/// With `maxRows`, the first and the last rows are shown with a `…` row between them. After
/// the box: the `(N rows)` footer (`(N rows, M shown)` when rows were left out; N counts every
/// row of the result) unless `footer` is off, then `table.note`. An empty result prints the
/// header box and `(0 rows)`; with headers off it prints the footer alone.
public struct TableFormat: OutputFormat {
    public init() {}

    /// The minimum width `terminalWidth` may shrink a column to.
    public static let minimumFittedWidth = 4
    /// With `switchToLines`: a table whose columns would be squeezed below this (or below their
    /// natural width, when narrower) is shown in line layout instead.
    public static let comfortableWidth = 10
    /// Columns that wrap between words shrink first, but not below this (nor their widest word).
    public static let wordWrapFloor = 12

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
        // On a screen: the box (3 rules and the header), the `…` row, the footer, the prompt.
        var window = o.window(total, overhead: 8)
        var out = ""

        if n > 0 && (window.shown > 0 || o.headers) {
            var rightAligned = [Bool](repeating: false, count: n)
            for c in 0..<n {
                rightAligned[c] = table.isNumeric(c) || (c < o.widths.count && o.widths[c] < 0)
            }
            // Cells are made twice (measured, then drawn) rather than kept: a result of a
            // million rows streams in constant memory, and a cancelled one has nothing to free.
            func cell(_ r: Int, _ c: Int) -> Cell {
                let v = table.value(r, c)
                if case .null = v { return Cell(CellText.printable(o.nullText ?? (o.color ? "null" : "")), isNull: true) }
                return Cell(CellText.printable(table.graph.display(v)))
            }
            let header = table.columns.map { Cell(CellText.printable($0)) }
            let marker = Cell("…")

            // Measure: each column's widest cell (rows, and the header when shown).
            var natural = [Int](repeating: 0, count: n)
            var rowsNatural = [Int](repeating: 0, count: n)
            var i = 0
            for range in window.rows {
                for r in range {
                    if i % 4096 == 4095 { try sink.write("") }   // polls a cancellation
                    i += 1
                    for c in 0..<n { rowsNatural[c] = max(rowsNatural[c], cell(r, c).width) }
                }
            }
            for c in 0..<n {
                natural[c] = max(rowsNatural[c], o.headers ? header[c].width : 0, window.isTrimmed ? 1 : 0)
            }
            // When the table is too wide, each column's widest word (a pass over the rows shown,
            // only then): the columns that wrap between words give up width first.
            var words = natural
            if let tw = o.terminalWidth, natural.reduce(0, +) > tw - (1 + 3 * n) {
                words = o.headers ? header.map { TextWrap.widestWord($0.text) } : [Int](repeating: 1, count: n)
                var i = 0
                for range in window.rows {
                    for r in range {
                        if i % 4096 == 4095 { try sink.write("") }
                        i += 1
                        for c in 0..<n {
                            let v = table.value(r, c)
                            let w: Int
                            switch v {
                            case .null: w = 0
                            case .int, .number, .date: w = CellText.width(table.graph.display(v))
                            default: w = TextWrap.widestWord(CellText.printable(table.graph.display(v)))
                            }
                            if w > words[c] { words[c] = w }
                        }
                    }
                }
            }
            let widths = Self.columnWidths(natural: natural, words: words, options: o)

            if o.switchToLines && (0..<n).contains(where: { widths[$0] < min(natural[$0], Self.comfortableWidth) }) {
                var lines = o
                lines.switchToLines = false
                try LineFormat().render(table, lines, to: sink)
                return
            }

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
                var i = 0
                for range in window.rows {
                    for r in range {
                        if i % 4096 == 4095 { try sink.write("") }
                        i += 1
                        for c in capped { measure(cell(r, c), c) }
                    }
                }
                for c in capped where widest[c] > final[c] { final[c] = widest[c] }
            }

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
            /// Appends a row's lines; returns how many it took.
            @discardableResult
            func emitRow(_ laid: [Laid], _ cells: [Cell], bold: Bool) -> Int {
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
                return height
            }

            // On a screen, rows that wrap take several lines: show fewer rows so that the whole
            // table (box, `…` row, footer, prompt) fits the screen.
            if let lines = o.screenLines, window.shown > 2 {
                var heights: [Int] = []
                var i = 0
                for range in window.rows {
                    for r in range {
                        var h = 1
                        for c in 0..<n { h = max(h, layOut(cell(r, c), c).lines.count) }
                        heights.append(h)
                        i += 1
                    }
                }
                let headerHeight = o.headers ? (0..<n).map { layOut(header[$0], $0).lines.count }.max() ?? 1 : 0
                // A row of h lines takes a rule as well when h > 1. Keep the most rows, half from
                // the start and half from the end, that fit.
                func cost(_ h: Int) -> Int { h + (h > 1 ? 1 : 0) }
                let fixed = headerHeight + 3 + 1 + 1   // rules, footer, prompt
                let shown = heights.count
                if heights.reduce(0, { $0 + cost($1) }) + fixed > lines {
                    var keep = shown - 1
                    while keep > 2 {
                        let head = (keep + 1) / 2, tail = keep - head
                        let used = heights[0..<head].reduce(0) { $0 + cost($1) } + heights[(shown - tail)...].reduce(0) { $0 + cost($1) }
                        if used + fixed + 2 <= lines { break }   // 2: the `…` row and its rule
                        keep -= 1
                    }
                    let head = (keep + 1) / 2
                    window = RowWindow(total: total, head: head, tail: keep - head)
                }
            }

            out += rule("┌", "┬", "┐")
            if o.headers {
                emitRow((0..<n).map { layOut(header[$0], $0) }, header, bold: true)
                if window.shown > 0 { out += middleRule }
            }
            var row: [Cell] = []
            var laid: [Laid] = []
            row.reserveCapacity(n)
            laid.reserveCapacity(n)
            // A rule goes between two rows when either takes more than one line.
            var previousHeight = 0
            func put(_ cells: [Cell]) {
                laid.removeAll(keepingCapacity: true)
                for c in 0..<n { laid.append(layOut(cells[c], c)) }
                var height = 1
                for l in laid { height = max(height, l.lines.count) }
                if previousHeight > 0 && (previousHeight > 1 || height > 1) { out += middleRule }
                previousHeight = emitRow(laid, cells, bold: false)
            }
            var shownSoFar = 0
            for range in window.rows {
                if shownSoFar > 0 {
                    put([Cell](repeating: marker, count: n))
                }
                for r in range {
                    row.removeAll(keepingCapacity: true)
                    for c in 0..<n { row.append(cell(r, c)) }
                    put(row)
                    shownSoFar += 1
                    if shownSoFar % rowsPerWrite == 0 { try sink.write(out); out = "" }
                }
            }
            out += rule("└", "┴", "┘")
        }

        if o.footer { out += window.footer + "\n" }
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
    /// Fitting happens in two steps, each lowering a common ceiling (so the widest columns
    /// shrink first and the narrow ones keep their width):
    /// 1. over the columns that wrap between words (`words[c] < natural[c]`: a `source` list,
    ///    a note with spaces), each kept at least as wide as its widest word and as
    ///    `wordWrapFloor` — long names, which have no place to break, keep their width;
    /// 2. if that is not enough, over every column, never below `minimumFittedWidth`.
    /// What is left of the budget goes one column each to the shrunk columns, left to right.
    /// - Parameters:
    ///   - natural: each column's widest cell (header included).
    ///   - words: each column's widest word (`TextWrap.widestWord`); `natural` when not known.
    /// - Complexity: O(n log w) for n columns and widest column w.
    static func columnWidths(natural: [Int], words: [Int]? = nil, options o: RenderOptions) -> [Int] {
        let n = natural.count
        var w = natural
        for c in 0..<min(n, o.widths.count) where o.widths[c] != 0 {
            w[c] = min(w[c], max(2, abs(o.widths[c])))
        }
        guard let tw = o.terminalWidth else { return w }
        let budget = tw - (1 + 3 * n)
        guard w.reduce(0, +) > budget else { return w }

        /// The widths under `ceiling`, each column kept at least at its floor (and at most at
        /// its width).
        func lowered(_ ceiling: Int, floors: [Int]) -> [Int] {
            (0..<n).map { c in min(w[c], max(floors[c], ceiling)) }
        }
        /// The largest ceiling whose widths fit the budget, or nil when even the floors do not.
        func fit(floors: [Int]) -> [Int]? {
            if lowered(0, floors: floors).reduce(0, +) > budget { return nil }
            var lo = 0, hi = w.max() ?? 0
            while lo < hi {
                let mid = (lo + hi + 1) / 2
                if lowered(mid, floors: floors).reduce(0, +) <= budget { lo = mid } else { hi = mid - 1 }
            }
            var out = lowered(lo, floors: floors)
            var slack = budget - out.reduce(0, +)
            for c in 0..<n where slack > 0 && out[c] < w[c] {
                out[c] += 1
                slack -= 1
            }
            return out
        }

        // 1. Columns that wrap between words give up width first; the others keep theirs.
        let words = words ?? natural
        let floors1 = (0..<n).map { c in
            words[c] < w[c] ? min(w[c], max(words[c], wordWrapFloor, minimumFittedWidth)) : w[c]
        }
        if let fitted = fit(floors: floors1) { return fitted }
        // 2. Every column, the widest first, starting from step 1's widths.
        w = floors1
        let floors2 = w.map { min($0, minimumFittedWidth) }
        return fit(floors: floors2) ?? floors2
    }
}
