import FactGraph
import FactQuery

/// A JSON array of objects, one object per line, for programs and `jq`.
///
///     [
///     {"city":"济宁市","year":2024,"honor":"质量标杆"},
///     {"city":"潍坊市","year":null,"honor":null}
///     ]
///
/// Keys are the column names in column order. Ints and decimals are JSON numbers (a decimal
/// that is not finite becomes `null`), nulls are `null`, everything else (text, dates,
/// entity names) is a string. Strings keep their UTF-8 as it is; `"` and `\` are escaped,
/// line feed, carriage return and tab as `\n` `\r` `\t`, and every other control character as
/// `\u00XX`. An empty result is `[]`. `headers` does not apply: keys are always there.
///
/// `.maxrows` truncates the rows and writes no note (the output stays valid JSON);
/// `table.note` is not written.
public struct JSONFormat: OutputFormat {
    public init() {}
    /// Results of at least this many rows read from stored columns are written in chunks
    /// (`DelimitedBytes.renderJSON`); tests set it to compare both paths.
    var chunkedFrom = DelimitedBytes.chunkRows

    public func render(_ table: ResultTable, _ o: RenderOptions, to sink: any TextSink) throws(OutputStop) {
        let shown = o.visibleRowCount(table.rowCount)
        if shown == 0 { try sink.write("[]\n"); return }
        // Big results of stored columns: bytes straight from the string pool, in chunks.
        if try DelimitedBytes.renderJSON(table, rows: shown, array: true, to: sink, chunkedFrom: chunkedFrom) { return }
        let keys = JSONText.keys(table)
        var out = "[\n"
        for r in 0..<shown {
            JSONText.object(table, r, keys, into: &out)
            out += r + 1 < shown ? ",\n" : "\n"
            if r % rowsPerWrite == rowsPerWrite - 1 { try sink.write(out); out = "" }
        }
        out += "]\n"
        try sink.write(out)
    }
}

/// JSON Lines: one JSON object per row, one row per line, for streaming tools.
///
///     {"city":"济宁市","year":2024,"honor":"质量标杆"}
///     {"city":"潍坊市","year":null,"honor":null}
///
/// Objects are written exactly as in `JSONFormat`. An empty result writes nothing.
/// `.maxrows` truncates without a note; `table.note` is not written.
public struct JSONLinesFormat: OutputFormat {
    public init() {}
    /// As `JSONFormat.chunkedFrom`.
    var chunkedFrom = DelimitedBytes.chunkRows

    public func render(_ table: ResultTable, _ o: RenderOptions, to sink: any TextSink) throws(OutputStop) {
        if try DelimitedBytes.renderJSON(table, rows: o.visibleRowCount(table.rowCount), array: false, to: sink,
                                         chunkedFrom: chunkedFrom) { return }
        let keys = JSONText.keys(table)
        var out = ""
        for r in 0..<o.visibleRowCount(table.rowCount) {
            JSONText.object(table, r, keys, into: &out)
            out += "\n"
            if r % rowsPerWrite == rowsPerWrite - 1 { try sink.write(out); out = "" }
        }
        try sink.write(out)
    }
}

/// JSON text for result rows, shared by `JSONFormat` and `JSONLinesFormat`.
enum JSONText {
    /// The quoted keys, once per table.
    static func keys(_ table: ResultTable) -> [String] {
        table.columns.map { name in
            var s = ""
            string(name, into: &s)
            return s
        }
    }

    static func object(_ table: ResultTable, _ r: Int, _ keys: [String], into out: inout String) {
        out += "{"
        for c in 0..<keys.count {
            if c > 0 { out += "," }
            out += keys[c]
            out += ":"
            switch table.value(r, c) {
            case .null: out += "null"
            case .int(let i): out += String(i)
            case .number(let d): out += d.isFinite ? FactGraph.formatNumber(d) : "null"
            default: string(table.text(r, c), into: &out)
            }
        }
        out += "}"
    }

    /// A JSON string literal.
    static func string(_ s: String, into out: inout String) {
        out += "\""
        var clean = true
        for b in s.utf8 where b < 0x20 || b == 0x22 || b == 0x5C {
            clean = false
            break
        }
        if clean {
            out += s
        } else {
            var esc = String.UnicodeScalarView()
            for u in s.unicodeScalars {
                switch u.value {
                case 0x22: esc.append("\\"); esc.append("\"")
                case 0x5C: esc.append("\\"); esc.append("\\")
                case 0x0A: esc.append("\\"); esc.append("n")
                case 0x0D: esc.append("\\"); esc.append("r")
                case 0x09: esc.append("\\"); esc.append("t")
                case 0..<0x20:
                    let hex = Array("0123456789abcdef".unicodeScalars)
                    esc.append(contentsOf: "\\u00".unicodeScalars)
                    esc.append(hex[Int(u.value >> 4)])
                    esc.append(hex[Int(u.value & 0xF)])
                default: esc.append(u)
                }
            }
            out += String(esc)
        }
        out += "\""
    }
}
