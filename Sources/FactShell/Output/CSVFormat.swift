import FactGraph
import FactQuery

/// Comma-separated values (RFC 4180), for spreadsheets and other programs.
///
///     city,year,honor
///     济宁市,2024,"质量标杆, 第三批"
///     潍坊市,,
///
/// A field is quoted when it holds a comma, a double quote, CR or LF; a double quote inside
/// is doubled. Null and empty text both print as an empty field. The header row follows
/// `headers`.
///
/// Lines end with LF (`\n`), not RFC 4180's CRLF: factsh output goes to Unix pipes and files,
/// and every CSV reader (Python's `csv`, SQLite's `.import`, spreadsheets, our own importer)
/// accepts LF. (sqlite3's csv mode writes CRLF; `tr`/`unix2dos` convert if a reader insists.)
/// Line breaks inside a quoted field are written as they are.
///
/// `.maxrows` truncates the rows and writes no note: machine formats carry data only, and
/// so `table.note` is not written either.
public struct CSVFormat: OutputFormat {
    public init() {}

    public func render(_ table: ResultTable, _ o: RenderOptions, to sink: any TextSink) throws(OutputStop) {
        try DelimitedBytes(quoting: .csv, separator: 0x2C).render(table, o, to: sink)
    }

    /// One field, quoted when needed.
    static func field(_ s: String) -> String {
        var needsQuotes = false
        for b in s.utf8 where b == 0x2C || b == 0x22 || b == 0x0A || b == 0x0D {
            needsQuotes = true
            break
        }
        if !needsQuotes { return s }
        return "\"" + s.replacing("\"", with: "\"\"") + "\""
    }
}
