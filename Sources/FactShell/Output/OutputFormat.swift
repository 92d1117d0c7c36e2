import FactGraph
import FactQuery

/// The shell's output modes, as named by `.mode` and `--format`.
///
///     OutputMode(rawValue: "markdown")   // .markdown
///     Renderers.format(for: .csv).render(table, RenderOptions())
///
/// Each mode has one `OutputFormat` type; `Renderers.format(for:)` maps one to the other.
public enum OutputMode: String, CaseIterable, Sendable {
    case table, csv, tsv, json, jsonl, markdown, line, dot, svg, png

    /// The mode a user's word names: the exact name, or the one mode it is a prefix of
    /// (`.mode mark`, `--format js` is ambiguous). The failure is the message to show.
    ///
    ///     OutputMode.named("j")   // .failure("ambiguous: json, jsonl")
    public static func named(_ typed: String) -> Result<OutputMode, NameProblem> {
        let t = typed.lowercased()
        if let m = OutputMode(rawValue: t) { return .success(m) }
        let matches = allCases.filter { !t.isEmpty && $0.rawValue.hasPrefix(t) }
        if matches.count == 1 { return .success(matches[0]) }
        if matches.count > 1 { return .failure(.ambiguous(typed, matches.map(\.rawValue))) }
        return .failure(.unknown(typed, Suggest.nearest(to: typed, among: allCases.map(\.rawValue))))
    }

    /// Why a word names no mode.
    public enum NameProblem: Error, Sendable, Equatable, CustomStringConvertible {
        case unknown(String, [String])
        case ambiguous(String, [String])

        public var description: String {
            let all = OutputMode.allCases.map(\.rawValue).joined(separator: ", ")
            switch self {
            case .ambiguous(let t, let m): return "'\(t)' is ambiguous: \(m.joined(separator: ", "))"
            case .unknown(let t, let s):
                return "unknown mode '\(t)'" + (s.isEmpty ? "" : " — did you mean " + s.map { "'\($0)'" }.joined(separator: ", ") + "?")
                    + " (modes: \(all))"
            }
        }
    }
}

/// Settings a renderer honours; the shell owns them (`.headers`, `.maxrows`, `.width`,
/// `.nullvalue`) and passes them to every render. The shell sets `maxRows`, `terminalWidth` and
/// `switchToLines` only for results shown on a terminal: results written to a file or a pipe
/// are never cut.
///
///     var o = RenderOptions()
///     o.maxRows = 10; o.terminalWidth = 80
///
/// Not every mode uses every setting: `widths`, `terminalWidth`, `switchToLines` and `footer`
/// are for `table` (and `terminalWidth` for `line`); `headers` is ignored by `json`, `jsonl`,
/// `line` and `dot` (their keys are the names); `color` is used by `table` only; `nullText` by
/// every mode that prints text (`json` writes `null`). `maxRows` applies to every mode: the
/// human modes (table, line, markdown) show the first and the last rows with a `…` between and
/// the total, the data modes the first rows.
public struct RenderOptions: Sendable {
    /// Whether to print a header row (table, csv, tsv, markdown).
    public var headers = true
    /// Show at most N rows: in the human modes the first ⌈N/2⌉ and the last ⌊N/2⌋ (DuckDB's
    /// way), with a `…` row between and `(500000 rows, 40 shown)` after; in the data modes the
    /// first N. nil, zero or a negative number: no limit.
    public var maxRows: Int? = nil
    /// `.width`: per-column maximum display width in table mode; 0 = automatic. A negative
    /// width caps at its magnitude and right-aligns the column, as sqlite3's `.width` does.
    /// A cap below 2 counts as 2, so that a Chinese character fits.
    public var widths: [Int] = []
    /// Table mode wraps long cells so that the table fits this many columns, line mode wraps
    /// long values; nil = no limit.
    public var terminalWidth: Int? = nil
    /// Table mode: when the table cannot fit `terminalWidth` without squeezing a column below
    /// `TableFormat.comfortableWidth`, print the rows in `line` layout instead (psql's `\x auto`).
    public var switchToLines = false
    /// ANSI colour (bold headers, dim nulls) in table mode; the shell passes true only on a
    /// terminal without `NO_COLOR` and whose `TERM` is not `dumb`.
    public var color = false
    /// Table mode: the `(N rows)` footer.
    public var footer = true
    /// How a missing value prints (`.nullvalue`); nil: empty (a dim `null` with `color`).
    public var nullText: String? = nil
    /// The height of the screen the result is shown on, when a human mode should show only as
    /// many rows as fit (the first and the last ones, then the count); nil: no such limit.
    /// Set by the shell for an interactive screen only.
    public var screenLines: Int? = nil
    public init() {}
}

/// Where a renderer writes: a piece of text at a time, whole lines (or whole rows) each.
/// Throwing stops the renderer: the shell's `OutputSink` throws `.cancelled` on Ctrl-C and
/// `.failed` when its file cannot be written.
public protocol TextSink: AnyObject {
    func write(_ text: String) throws(OutputStop)
    /// UTF-8 bytes, whole lines (renderers that build bytes skip making a `String`).
    func write(bytes: UnsafeRawBufferPointer) throws(OutputStop)
}

extension TextSink {
    public func write(bytes: UnsafeRawBufferPointer) throws(OutputStop) {
        try write(String(decoding: bytes, as: UTF8.self))
    }
}

/// One output format (sqlite3's `.mode`): turns a result table into text.
///
///     try TableFormat().render(table, RenderOptions(), to: sink)   // streamed, cancellable
///     let text = TableFormat().render(table, RenderOptions())      // all at once
///
/// The text is complete: every line, the last included, ends with `"\n"`; no text means
/// nothing to print. A renderer hands its text to the sink every few hundred rows (and polls
/// it with an empty write in long passes that write nothing), so a large result streams and a
/// cancellation stops it at once, on a line boundary. Renderers never look at the terminal
/// themselves.
public protocol OutputFormat {
    func render(_ table: ResultTable, _ options: RenderOptions, to sink: any TextSink) throws(OutputStop)
}

extension OutputFormat {
    /// The whole text at once.
    public func render(_ table: ResultTable, _ options: RenderOptions) -> String {
        let sink = StringSink()
        do { try render(table, options, to: sink) } catch { return sink.text }
        return sink.text
    }
}

/// Rows gathered between two writes to a sink.
let rowsPerWrite = 256

/// The registry of output formats, one per `OutputMode`.
///
///     Renderers.format(for: .json).render(table, options)
public enum Renderers {
    public static func format(for mode: OutputMode) -> any OutputFormat {
        switch mode {
        case .table: return TableFormat()
        case .csv: return CSVFormat()
        case .tsv: return TSVFormat()
        case .json: return JSONFormat()
        case .jsonl: return JSONLinesFormat()
        case .markdown: return MarkdownFormat()
        case .line: return LineFormat()
        case .dot: return DotFormat()
        case .svg: return SVGFormat()
        case .png: return PNGFormat()
        }
    }
}

// MARK: - Shared by the formats

extension RenderOptions {
    /// How many of `total` rows to show.
    func visibleRowCount(_ total: Int) -> Int {
        guard let m = maxRows, m > 0 else { return total }
        return min(m, total)
    }

    /// The rows a human mode shows of `total`: at most `maxRows`, and with `screenLines` at
    /// most as many as fit the screen, each row taking `linesPerRow` lines besides `overhead`
    /// lines of frame, footer and prompt.
    func window(_ total: Int, linesPerRow: Int = 1, overhead: Int = 0) -> RowWindow {
        var shown = visibleRowCount(total)
        if let lines = screenLines {
            shown = min(shown, max(2, (lines - overhead) / max(1, linesPerRow)))
        }
        guard shown < total else { return RowWindow(total: total, head: total, tail: 0) }
        let head = max(1, (shown + 1) / 2)
        return RowWindow(total: total, head: head, tail: shown - head)
    }

    /// The closing line of a mode that shows the first rows when `.maxrows` hid some (the dot
    /// format's comment), or nil.
    func hiddenRowsLine(total: Int, noun: String = "row") -> String? {
        let shown = visibleRowCount(total)
        guard shown < total, let m = maxRows else { return nil }
        let hidden = total - shown
        return "… \(hidden) more \(noun)\(hidden == 1 ? "" : "s") not shown (.maxrows \(m))"
    }

    /// The text of a cell: its display text, or `nullText` for a missing value.
    @inline(__always)
    func text(_ table: ResultTable, _ r: Int, _ c: Int) -> String {
        let v = table.value(r, c)
        if case .null = v { return nullText ?? "" }
        return table.graph.display(v)
    }
}

/// The rows a human mode shows: the first `head` and the last `tail` of `total` (all of them
/// when `head == total`), as DuckDB shows a long result.
struct RowWindow: Sendable, Equatable {
    let total: Int
    let head: Int
    let tail: Int

    var isTrimmed: Bool { head + tail < total }
    var shown: Int { head + tail }

    /// The row numbers shown, in order.
    var rows: [Range<Int>] { isTrimmed ? [0..<head, (total - tail)..<total] : [0..<total] }

    /// The i-th row shown.
    @inline(__always)
    func row(_ i: Int) -> Int { i < head ? i : total - tail + (i - head) }

    /// `(500000 rows, 40 shown)` when rows were left out, else `(N rows)`.
    var footer: String {
        if isTrimmed { return "(\(total) rows, \(shown) shown)" }
        return total == 1 ? "(1 row)" : "(\(total) rows)"
    }
}

/// Text helpers shared by the human-readable formats (table, markdown, line).
enum CellText {
    /// Display width, measured the same way everywhere in the renderers: the sum of the
    /// `DisplayWidth` of each scalar, as `DisplayWidth.of(String)` does (with a fast path for
    /// ASCII).
    @inline(__always)
    static func width(_ s: String) -> Int {
        var w = 0
        for b in s.utf8 {
            if b >= 0x80 { return DisplayWidth.of(s) }
            if b >= 0x20 && b != 0x7F { w += 1 }
        }
        return w
    }

    /// Display width of a substring, as `width(_: String)`.
    static func width(_ s: Substring) -> Int {
        var w = 0
        for u in s.unicodeScalars { w += DisplayWidth.of(u) }
        return w
    }

    /// Whether `s` holds a line break (`Character.isNewline`: LF, VT, FF, CR, NEL, U+2028,
    /// U+2029), by a scan of its UTF-8.
    static func hasNewline(_ s: String) -> Bool {
        var prev: UInt8 = 0, prev2: UInt8 = 0
        for b in s.utf8 {
            if b >= 0x0A && b <= 0x0D { return true }
            if prev == 0xC2 && b == 0x85 { return true }
            if prev2 == 0xE2 && prev == 0x80 && (b == 0xA8 || b == 0xA9) { return true }
            prev2 = prev
            prev = b
        }
        return false
    }

    /// The width of one grapheme cluster, consistent with `width(_:)` on strings.
    @inline(__always)
    static func width(_ c: Character) -> Int {
        var w = 0
        for u in c.unicodeScalars { w += DisplayWidth.of(u) }
        return w
    }

    /// Makes text safe to print on a terminal: a tab becomes a space; other control
    /// characters (C0 but newlines, DEL, C1) become caret notation (`^[`) or U+FFFD, so a cell
    /// can neither move the cursor nor inject escape sequences. Newlines are kept (callers
    /// split lines on them).
    static func printable(_ s: String) -> String {
        var needs = false
        var prev: UInt8 = 0
        for b in s.utf8 {
            // C0 but LF and CR, DEL, and C1 (U+0080–U+009F is C2 80 – C2 9F in UTF-8).
            if (b < 0x20 && b != 0x0A && b != 0x0D) || b == 0x7F || (prev == 0xC2 && b >= 0x80 && b < 0xA0) {
                needs = true
                break
            }
            prev = b
        }
        if !needs { return s }
        var out = String.UnicodeScalarView()
        for u in s.unicodeScalars {
            if !isUnsafeControl(u) { out.append(u); continue }
            switch u.value {
            case 0x09: out.append(" ")
            case 0x7F: out.append("^"); out.append("?")
            case 0..<0x20:
                out.append("^")
                out.append(Unicode.Scalar(UInt8(u.value + 0x40)))
            default: out.append("\u{FFFD}")
            }
        }
        return String(out)
    }

    @inline(__always)
    static func isUnsafeControl(_ u: Unicode.Scalar) -> Bool {
        let v = u.value
        if v == 0x0A || v == 0x0D { return false }
        return v < 0x20 || (v >= 0x7F && v < 0xA0)
    }

    /// Splits on line breaks (`\n`, `\r\n`, `\r`, U+2028 …), keeping empty lines.
    static func lines(_ s: String) -> [Substring] {
        s.split(omittingEmptySubsequences: false, whereSeparator: { $0.isNewline })
    }

    /// `s` padded with spaces to display width `w` (left- or right-aligned).
    static func pad(_ s: String, _ w: Int, right: Bool = false) -> String {
        let n = w - width(s)
        if n <= 0 { return s }
        let spaces = String(repeating: " ", count: n)
        return right ? spaces + s : s + spaces
    }
}

extension OutputFormat {
    /// Rows of fields joined by `separator`, one row a line, the header row when `headers` is
    /// on, `.maxrows` applied without a note (the shape of the CSV and TSV formats).
    func renderDelimited(_ table: ResultTable, _ o: RenderOptions, to sink: any TextSink, separator: String,
                         field: (String) -> String) throws(OutputStop) {
        let n = table.columns.count
        guard n > 0 else { return }
        var out = ""
        if o.headers {
            out += table.columns.map(field).joined(separator: separator) + "\n"
        }
        for r in 0..<o.visibleRowCount(table.rowCount) {
            for c in 0..<n {
                if c > 0 { out += separator }
                out += field(o.text(table, r, c))
            }
            out += "\n"
            if r % rowsPerWrite == rowsPerWrite - 1 { try sink.write(out); out = "" }
        }
        try sink.write(out)
    }
}
