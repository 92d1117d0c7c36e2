import FactGraph

/// Reads cells and tests bound conditions on rows, with SQL's three-valued logic: a comparison
/// with a missing value is unknown, and only rows whose condition is true are selected.
struct Evaluator {
    let g: FactGraph

    // MARK: cells

    /// The value of an accessor on a row (`result` is the summary row, for `.result`).
    func value(_ a: Accessor, _ k: Int, _ row: Int, _ result: [Value]? = nil) -> Value {
        switch a {
        case .stored(let c): return g.value(kind: k, column: c, row: row)
        case .name: return .entity(g.kinds[k].entityOfRow[row])
        case .place(let p):
            let loc = g.location(kind: k, row: row)
            if loc == Null.id { return .null }
            return g.ancestor(of: loc, kind: p).map { .entity($0) } ?? .null
        case .aliases:
            let al = g.aliases(of: g.kinds[k].entityOfRow[row])
            return al.isEmpty ? .null : .string(al.joined(separator: ", "))
        case .source:
            let p = g.kinds[k].provenance(row)
            if p.isEmpty { return .null }
            return .string(p.map { "\(g.name(of: $0.source)):\($0.paragraph)" }.joined(separator: "; "))
        case .kindName:
            return .string(g.kinds[k].name)
        case .hop(let first, _, let inner):
            guard case .entity(let e) = value(first, k, row, result) else { return .null }
            let k2 = Int(g.entityKind[Int(e)])
            guard let acc = inner[k2] else { return .null }
            return value(acc, k2, Int(g.entityRow[Int(e)]))
        case .result(let i):
            return result?[i] ?? .null
        }
    }

    /// The text of a value, for text comparisons: a string, an entity's name, or a number or
    /// date as displayed.
    func withText<R>(_ v: Value, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        switch v {
        case .text(let id): return g.strings.withBytes(id, body)
        case .entity(let e): return g.strings.withBytes(g.entityName[Int(e)], body)
        default:
            var s = g.display(v)
            return s.withUTF8 { body(UnsafeRawBufferPointer($0)) }
        }
    }

    // MARK: conditions

    func test(_ p: Predicate, _ k: Int, _ row: Int, _ result: [Value]? = nil) -> Truth {
        switch p {
        case .all(let ps):
            var out = Truth.yes
            for x in ps {
                switch test(x, k, row, result) {
                case .no: return .no
                case .unknown: out = .unknown
                case .yes: break
                }
            }
            return out
        case .any(let ps):
            var out = Truth.no
            for x in ps {
                switch test(x, k, row, result) {
                case .yes: return .yes
                case .unknown: out = .unknown
                case .no: break
                }
            }
            return out
        case .not(let x):
            return test(x, k, row, result).negated
        case .constant(let b):
            return Truth(b)
        case .entityIs(let acc, let targets, let negated):
            guard case .entity(let e) = value(acc, k, row, result) else { return .unknown }
            return Truth(targets.contains(e) != negated)
        case .within(let acc, let places, let negated):
            guard case .entity(let e) = value(acc, k, row, result) else { return .unknown }
            return Truth(places.contains { g.isWithin(e, $0) } != negated)
        case .entityNamed(let acc, let set, _, let negated):
            guard case .entity(let e) = value(acc, k, row, result) else { return .unknown }
            return Truth(set.contains(e) != negated)
        case .source(let ids, let negated):
            let prov = g.kinds[k].provenance(row)
            if prov.isEmpty { return .unknown }
            return Truth(prov.contains { ids.contains($0.source) } != negated)
        case .text(let acc, let op, let lit):
            let v = value(acc, k, row, result)
            if v == .null { return .unknown }
            return Truth(compareText(v, op, lit))
        case .textIn(let acc, let lits, let negated):
            let v = value(acc, k, row, result)
            if v == .null { return .unknown }
            let hit = withText(v) { b in lits.contains { $0.elementsEqual(b) } }
            return Truth(hit != negated)
        case .int(let acc, let op, let lit):
            switch value(acc, k, row, result) {
            case .int(let v): return Truth(Self.compare(v, op, lit))
            case .number(let v): return Truth(Self.compare(v, op, Double(lit)))
            default: return .unknown
            }
        case .number(let acc, let op, let lit):
            switch value(acc, k, row, result) {
            case .number(let v): return Truth(Self.compare(v, op, lit))
            case .int(let v): return Truth(Self.compare(Double(v), op, lit))
            default: return .unknown
            }
        case .date(let acc, let op, let lo, let hi):
            guard case .date(let v) = value(acc, k, row, result) else { return .unknown }
            return Truth(Self.inInterval(v, op, lo, hi))
        case .isNull(let acc, let negated):
            return Truth((value(acc, k, row, result) == .null) != negated)
        case .has(let spec, let negated):
            let e = g.kinds[k].entityOfRow[row]
            let hit: Bool
            if let set = spec.referred { hit = set.contains(e) }
            else { hit = !(g.rows(kind: spec.relation, column: spec.column, referring: e)?.isEmpty ?? true) }
            return Truth(hit != negated)
        case .dynamic(let acc, let op, let lit):
            return dynamic(value(acc, k, row, result), op, lit)
        }
    }

    func dynamic(_ v: Value, _ op: CompareOp, _ lit: DynamicLiteral) -> Truth {
        switch v {
        case .null: return .unknown
        case .int(let x):
            if op == .match || op == .notMatch { break }
            if let y = lit.int { return Truth(Self.compare(x, op, y)) }
            if let y = lit.number { return Truth(Self.compare(Double(x), op, y)) }
            return .unknown
        case .number(let x):
            if op == .match || op == .notMatch { break }
            if let y = lit.number { return Truth(Self.compare(x, op, y)) }
            return .unknown
        case .date(let x):
            if op == .match || op == .notMatch { break }
            if let (lo, hi) = lit.date { return Truth(Self.inInterval(x, op, lo, hi)) }
            return .unknown
        case .entity(let e):
            if op == .eq || op == .ne {
                guard let t = lit.entity else { return Truth(op == .ne) }
                return Truth((e == t) != (op == .ne))
            }
            if op == .match || op == .notMatch {
                let hit = ([g.name(of: e)] + g.aliases(of: e)).contains { Self.contains(Array($0.utf8), lit.text) }
                return Truth(hit != (op == .notMatch))
            }
        default: break
        }
        return Truth(compareText(v, op, lit.text))
    }

    @inline(__always)
    static func inInterval(_ v: Int64, _ op: CompareOp, _ lo: Int64, _ hi: Int64) -> Bool {
        switch op {
        case .eq: return v >= lo && v < hi
        case .ne: return !(v >= lo && v < hi)
        case .lt: return v < lo
        case .le: return v < hi
        case .gt: return v >= hi
        case .ge: return v >= lo
        case .match, .notMatch: return false
        }
    }

    @inline(__always)
    static func compare<T: Comparable>(_ a: T, _ op: CompareOp, _ b: T) -> Bool {
        switch op {
        case .eq: return a == b
        case .ne: return a != b
        case .lt: return a < b
        case .le: return a <= b
        case .gt: return a > b
        case .ge: return a >= b
        case .match, .notMatch: return false
        }
    }

    /// Text comparison: `=`/`!=` exact, `~`/`!~` contains (ASCII letters case-insensitively),
    /// `<`… in collation order.
    func compareText(_ v: Value, _ op: CompareOp, _ lit: [UInt8]) -> Bool {
        switch op {
        case .eq: return withText(v) { $0.elementsEqual(lit) }
        case .ne: return withText(v) { !$0.elementsEqual(lit) }
        case .match: return withText(v) { Self.contains($0, lit) }
        case .notMatch: return withText(v) { !Self.contains($0, lit) }
        default:
            let a = CollationKey.key(g.display(v)), b = CollationKey.key(String(decoding: lit, as: UTF8.self))
            let c = a.lexicographicallyPrecedes(b) ? -1 : (a == b ? 0 : 1)
            return Self.compare(c, op, 0)
        }
    }

    /// Substring test, ASCII letters case-insensitively.
    static func contains<H: Collection, N: Collection>(_ hay: H, _ needle: N) -> Bool where H.Element == UInt8, N.Element == UInt8, H.Index == Int, N.Index == Int {
        let nc = needle.count
        if nc == 0 { return true }
        let hc = hay.count
        if nc > hc { return false }
        @inline(__always) func low(_ c: UInt8) -> UInt8 { c >= 0x41 && c <= 0x5A ? c | 0x20 : c }
        let h0 = hay.startIndex, n0 = needle.startIndex
        let first = low(needle[n0])
        var i = 0
        let last = hc - nc
        while i <= last {
            if low(hay[h0 + i]) == first {
                var j = 1
                while j < nc && low(hay[h0 + i + j]) == low(needle[n0 + j]) { j += 1 }
                if j == nc { return true }
            }
            i += 1
        }
        return false
    }
}
