/// Writes a graph in the canonical `.facts` form (docs/FORMAT.md): every declaration first, in
/// the graph's order (a column may name a kind declared below it), then
/// facts kind by kind, columns in declared order, values quoted only when they must be, and
/// numbers as plain decimals (`0.00001`, not `1e-05`) that read back to the same `Double`.
public enum FactsWriter {
    public static func write(_ g: FactGraph) -> String {
        var out = "# factsh graph (canonical form)\n"
        let declared = declarationOrder(g)
        for k in declared {
            let kind = g.kinds[k]
            out += "kind \(kind.name)/\(kind.plural) \(kind.role.rawValue)"
            for c in kind.columns { out += " \(c.name):\(typeName(c.type, g))\(c.isLocation ? "^" : "")" }
            out += "\n"
        }
        // Facts in the order of the declarations, so that writing the graph read back from this
        // text gives this text again.
        for k in [g.sourceKind] + declared {
            let kind = g.kinds[k]
            if kind.rowCount == 0 { continue }
            out += "\n"
            for r in 0..<kind.rowCount {
                var line = kind.name
                if kind.role.isNamed {
                    let e = kind.entityOfRow[r]
                    line += " " + quote(g.name(of: e))
                    for a in g.aliases(of: e) { line += " aka=" + quote(a) }
                }
                for (c, col) in kind.columns.enumerated() {
                    let v = g.value(kind: k, column: c, row: r)
                    if v == .null { continue }
                    if case .date(let d) = v {
                        line += " \(col.name)=" + date(d)
                        continue
                    }
                    if case .number(let d) = v {
                        guard let text = decimal(d) else { continue }   // not finite: no form to write
                        line += " \(col.name)=" + text
                        continue
                    }
                    line += " \(col.name)=" + quote(g.display(v))
                }
                for p in kind.provenance(r) { line += " @\(g.name(of: p.source)):\(p.paragraph)" }
                out += line + "\n"
            }
        }
        return out
    }

    /// The kinds to declare: all but `source` (every graph has it), in the graph's own order, so
    /// the graph read back lists them as this one does. A column may name a kind declared
    /// further down (the reader looks ahead in the file), which kinds that refer to each other
    /// need, and which a graph imported from CSV has (gen.py's `honors.csv` names departments).
    static func declarationOrder(_ g: FactGraph) -> [Int] {
        g.kinds.indices.filter { $0 != g.sourceKind }
    }

    /// `d` as a plain decimal (digits, at most one point, an optional leading minus: the form
    /// the reader takes) that parses back to exactly `d`; nil for infinities and NaN.
    ///
    ///     decimal(0.00001)   // "0.00001"
    ///     decimal(1.5e20)    // "150000000000000000000"
    ///     decimal(2.0)       // "2"
    ///     decimal(-0.0)      // "-0"
    public static func decimal(_ d: Double) -> String? {
        guard d.isFinite else { return nil }
        // Swift's description is the shortest digit string that reads back to `d`; move its
        // exponent into the digits.
        let text = d.description
        var mantissa = Substring(text)
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = text[..<e]
            exponent = Int(text[text.index(after: e)...]) ?? 0
        }
        var negative = false
        if mantissa.hasPrefix("-") { negative = true; mantissa = mantissa.dropFirst() }
        var digits = ""
        var point = mantissa.count
        if let dot = mantissa.firstIndex(of: ".") {
            point = mantissa.distance(from: mantissa.startIndex, to: dot)
            digits = String(mantissa[..<dot]) + String(mantissa[mantissa.index(after: dot)...])
        } else {
            digits = String(mantissa)
        }
        point += exponent
        var whole: String, fraction: String
        if point <= 0 {
            whole = "0"
            fraction = String(repeating: "0", count: -point) + digits
        } else if point >= digits.count {
            whole = digits + String(repeating: "0", count: point - digits.count)
            fraction = ""
        } else {
            whole = String(digits.prefix(point))
            fraction = String(digits.dropFirst(point))
        }
        while whole.count > 1 && whole.hasPrefix("0") { whole.removeFirst() }
        while fraction.hasSuffix("0") { fraction.removeLast() }
        if whole.isEmpty { whole = "0" }
        let body = fraction.isEmpty ? whole : whole + "." + fraction
        return negative ? "-" + body : body   // "-0" too: -0.0 reads back as -0.0
    }

    /// A date as the reader takes it: a four-digit year (0024, not 24), then -MM and -DD when
    /// known.
    static func date(_ d: Int64) -> String {
        let y = d / 10000, m = (d / 100) % 100, day = d % 100
        func pad(_ x: Int64, _ width: Int) -> String {
            let s = String(x)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        if m == 0 { return pad(y, 4) }
        if day == 0 { return pad(y, 4) + "-" + pad(m, 2) }
        return pad(y, 4) + "-" + pad(m, 2) + "-" + pad(day, 2)
    }

    static func typeName(_ t: ColumnType, _ g: FactGraph) -> String {
        switch t {
        case .text: return "text"
        case .int: return "int"
        case .number: return "number"
        case .date: return "date"
        case .ref(.anyEntity): return "entity"
        case .ref(.anyPlace): return "place"
        case .ref(.kind(let k)): return g.kinds[k].name
        }
    }

    /// A bare word when possible, else a quoted string with escapes.
    public static func quote(_ s: String) -> String {
        var bare = !s.isEmpty
        if let f = s.utf8.first, f == UInt8(ascii: "#") || f == UInt8(ascii: "@") { bare = false }
        for c in s.utf8 where c == 0x20 || c == 0x09 || c == 0x22 || c == 0x3D || c == 0x0A || c == 0x0D || c == 0x5C {
            bare = false
            break
        }
        if bare { return s }
        var out = "\""
        for ch in s.unicodeScalars {
            switch ch {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default: out.unicodeScalars.append(ch)
            }
        }
        return out + "\""
    }
}
