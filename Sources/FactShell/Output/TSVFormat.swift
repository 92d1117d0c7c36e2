import FactGraph
import FactQuery

/// Tab-separated values, one row per line, for `cut`, `awk` and friends.
///
///     city	year	honor
///     济宁市	2024	质量标杆\n第三批
///
/// Inside a cell, a backslash becomes `\\`, a tab `\t`, a line feed `\n` and a carriage
/// return `\r` (the escapes of PostgreSQL's text COPY format), so that every row is exactly
/// one line and every tab separates columns. Null prints as an empty field. The header row
/// follows `headers`.
///
/// `.maxrows` truncates the rows and writes no note; `table.note` is not written.
public struct TSVFormat: OutputFormat {
    public init() {}

    public func render(_ table: ResultTable, _ o: RenderOptions, to sink: any TextSink) throws(OutputStop) {
        try DelimitedBytes(quoting: .tsv, separator: 0x09).render(table, o, to: sink)
    }

    /// One field, escaped.
    static func field(_ s: String) -> String {
        var needs = false
        for b in s.utf8 where b == 0x5C || b == 0x09 || b == 0x0A || b == 0x0D {
            needs = true
            break
        }
        if !needs { return s }
        var out = String.UnicodeScalarView()
        for u in s.unicodeScalars {
            switch u {
            case "\\": out.append("\\"); out.append("\\")
            case "\t": out.append("\\"); out.append("t")
            case "\n": out.append("\\"); out.append("n")
            case "\r": out.append("\\"); out.append("r")
            default: out.append(u)
            }
        }
        return String(out)
    }
}
