/// Writes a graph in the canonical `.facts` form (docs/FORMAT.md): declarations in order, then
/// facts kind by kind, columns in declared order, values quoted only when they must be.
public enum FactsWriter {
    public static func write(_ g: FactGraph) -> String {
        var out = "# factsh graph (canonical form)\n"
        for kind in g.kinds where kind.index != g.sourceKind {
            out += "kind \(kind.name)/\(kind.plural) \(kind.role.rawValue)"
            for c in kind.columns { out += " \(c.name):\(typeName(c.type, g))\(c.isLocation ? "^" : "")" }
            out += "\n"
        }
        var order = [g.sourceKind]
        order += g.kinds.indices.filter { $0 != g.sourceKind }
        for k in order {
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
                    line += " \(col.name)=" + quote(g.display(v))
                }
                for p in kind.provenance(r) { line += " @\(g.name(of: p.source)):\(p.paragraph)" }
                out += line + "\n"
            }
        }
        return out
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
