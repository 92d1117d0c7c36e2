import FactGraph

/// How to read one column of a row. Produced by the resolver, used by the evaluator.
public indirect enum Accessor: Sendable, Hashable {
    /// A named row's entity (shown as its name).
    case name
    /// A named row's aliases, joined with ", ".
    case aliases
    /// A declared column.
    case stored(Int)
    /// The place of kind P that the row is located in (following location links upward).
    case place(Int)
    /// Where the fact was reported: "document:paragraph; …".
    case source
    /// A named row's kind ("enterprise", "city" …).
    case kindName
    /// A column of the entity that `first` holds: `second` as written, and its accessor in each
    /// kind (nil where the kind has no such column), resolved once when the statement is bound.
    case hop(Accessor, String, [Accessor?])

    /// The value type, when known statically.
    func type(in kind: Kind, _ g: FactGraph) -> ValueType {
        switch self {
        case .name: return .entity(.kind(kind.index))
        case .aliases, .source, .kindName: return .text
        case .stored(let c):
            switch kind.columns[c].type {
            case .text: return .text
            case .int: return .int
            case .number: return .number
            case .date: return .date
            case .ref(let t): return .entity(t)
            }
        case .place(let p): return .entity(.kind(p))
        case .hop: return .dynamic
        }
    }
}

/// The type of a bound column, for choosing comparison semantics.
public enum ValueType: Sendable, Hashable {
    case text, int, number, date
    case entity(RefTarget)
    /// Only known per row (a hop through a column that may hold any kind of entity).
    case dynamic
}

/// A condition whose names are bound and whose values are converted.
indirect enum BoundCondition {
    /// Entity equality, rolling up places: true if the cell is one of `targets` or located within
    /// a place among them.
    case entityIn(Accessor, [EntityID], rollUp: Bool, negated: Bool)
    /// `name~…` on an entity-valued column: the entities whose name or an alias contains the
    /// text, found once by scanning the name index.
    case entitySet(Accessor, EntitySet, negated: Bool)
    /// `source=…`: any provenance of the row names one of these source documents.
    case sourceIn([EntityID], negated: Bool)
    case text(Accessor, CompareOp, [UInt8])
    case int(Accessor, CompareOp, Int64)
    case number(Accessor, CompareOp, Double)
    /// Date interval [lo, hi) of the literal (2024 → the whole year).
    case date(Accessor, CompareOp, lo: Int64, hi: Int64)
    /// Per-row typed comparison for dynamic columns.
    case dynamic(Accessor, CompareOp, Literal)
    case and(BoundCondition, BoundCondition)
    case or(BoundCondition, BoundCondition)
    case not(BoundCondition)
}

/// Binds relation and column names to the graph's schema and converts literal values, with
/// "did you mean" suggestions for every name.
struct Resolver {
    let g: FactGraph
    let parameters: [String: String]

    // MARK: relations

    func relation(_ n: Name) throws(QueryError) -> Int {
        if let k = g.kind(named: n.text) { return k }
        let low = n.text.lowercased()
        // Forgiving plurals: "award" → awards, "peoples" …
        for cand in [low + "s", low + "es", String(low.dropLast()), String(low.dropLast(2))] where !cand.isEmpty {
            if let k = g.kind(named: cand) { return k }
        }
        let names = g.kinds.map(\.plural) + Parser.statementWords
        throw QueryError(.unknownRelation(n.text, suggestions: Suggest.nearest(to: n.text, among: names)), n.range)
    }

    // MARK: columns

    /// Names a user may write for columns of kind `k`, for suggestions and completion.
    static func columnNames(of kind: Kind, _ g: FactGraph) -> [String] {
        var out: [String] = []
        if kind.role.isNamed { out += ["name", "aliases"] }
        out += kind.columns.map(\.name)
        if kind.role.isNamed && !out.contains("kind") { out.append("kind") }
        if isLocatable(kind) {
            for p in g.kinds where p.role == .place && !out.contains(p.name) { out.append(p.name) }
        }
        out.append("source")
        return out
    }

    static func isLocatable(_ kind: Kind) -> Bool { kind.role == .place || kind.locationColumn != nil }

    func placeKind(named n: String) -> Int? {
        guard let p = g.kind(named: n), g.kinds[p].role == .place else { return nil }
        return p
    }

    func column(_ n: Name, in k: Int) throws(QueryError) -> Accessor {
        let kind = g.kinds[k]
        let low = n.text.lowercased()
        if kind.role.isNamed && low == "name" { return .name }
        if kind.role.isNamed && (low == "aliases" || low == "alias" || low == "aka") { return .aliases }
        if low == "source" || low == "sources" { return .source }
        if kind.role.isNamed && low == "kind" && kind.columnIndex(named: "kind") == nil { return .kindName }
        if let c = kind.columns.firstIndex(where: { $0.name.lowercased() == low }) {
            // The location column named after a place kind reads as that place (rolled up), so an
            // enterprise located in a district still shows and matches its city.
            if kind.columns[c].isLocation, let p = placeKind(named: low) { return .place(p) }
            return .stored(c)
        }
        if let p = placeKind(named: low), Self.isLocatable(kind) { return .place(p) }
        throw QueryError(.unknownColumn(n.text, relation: kind.plural,
                                        suggestions: Suggest.nearest(to: n.text, among: Self.columnNames(of: kind, g))), n.range)
    }

    func path(_ p: ColumnPath, in k: Int) throws(QueryError) -> Accessor {
        let first = try column(p.parts[0], in: k)
        if p.parts.count == 1 { return first }
        var acc = first
        var kindForNext: Int? = nil
        let kind = g.kinds[k]
        switch first {
        case .stored(let c):
            guard case .ref(let t) = kind.columns[c].type else {
                throw QueryError(.notAReference(p.parts[0].text, relation: kind.plural), p.parts[0].range)
            }
            if case .kind(let tk) = t { kindForNext = tk }
        case .place(let pk): kindForNext = pk
        case .name: kindForNext = k
        default:
            throw QueryError(.notAReference(p.parts[0].text, relation: kind.plural), p.parts[0].range)
        }
        for part in p.parts.dropFirst() {
            if let nk = kindForNext {
                // Statically known kind: bind now, so a typo is caught before running.
                let inner = try column(part, in: nk)
                acc = .hop(acc, part.text.lowercased(), perKind(part.text))
                kindForNext = nil
                if case .stored(let c) = inner, case .ref(.kind(let tk)) = g.kinds[nk].columns[c].type { kindForNext = tk }
                if case .place(let pk) = inner { kindForNext = pk }
            } else {
                // Any entity: the column must exist on at least one kind.
                let low = part.text.lowercased()
                let exists = g.kinds.contains { kd in Self.columnNames(of: kd, g).contains { $0.lowercased() == low } }
                if !exists {
                    let all = Set(g.kinds.flatMap { Self.columnNames(of: $0, g) })
                    throw QueryError(.unknownColumn(part.text, relation: "any entity", suggestions: Suggest.nearest(to: part.text, among: all.sorted())), part.range)
                }
                acc = .hop(acc, low, perKind(low))
            }
        }
        return acc
    }

    /// A column name bound in every kind, for a hop whose target kind is known only per row.
    func perKind(_ name: String) -> [Accessor?] {
        g.kinds.indices.map { k in try? column(Name(text: name, range: 0..<0), in: k) }
    }

    // MARK: literals

    /// A parameter's value, lexed as if typed in place of `$name`.
    func literal(_ l: Literal) throws(QueryError) -> Literal {
        guard l.form == .param else { return l }
        guard let v = parameters[l.text] else { throw QueryError(.unknownParameter(l.text), l.range) }
        if let toks = try? Lexer.tokenize(v), toks.count == 2 {
            let t = toks[0]
            let form: Literal.Form
            switch t.kind {
            case .int: form = .int
            case .number: form = .number
            case .date: form = .date
            case .string: form = .string
            default: form = .word
            }
            if t.kind == .word || t.kind == .int || t.kind == .number || t.kind == .date || t.kind == .string {
                return Literal(form: form, text: t.text, range: l.range)
            }
        }
        return Literal(form: .string, text: v, range: l.range)
    }

    /// The entity a value names, or an error naming the nearest names (of the expected kind first).
    ///
    /// Matching is by name or alias, exact first; failing that, a text that is the start of
    /// exactly one entity's name or alias (of the expected kind), then one contained in exactly one,
    /// names that entity (山东天意机械 → 山东天意机械股份有限公司). Several matches are an error that
    /// lists them.
    func entity(_ l: Literal, expecting target: RefTarget?, column: String) throws(QueryError) -> EntityID {
        if let e = g.entity(named: l.text) ?? g.entity(named: l.text.trimmingASCIISpaces()) { return e }
        let text = l.text.trimmingASCIISpaces()
        if text.unicodeScalars.count >= 2 {
            // One scan of the name index finds every entity whose name or alias contains the
            // text; only those are then checked for a prefix.
            let low = text.lowercased()
            var prefix = Set<EntityID>(), contains = Set<EntityID>()
            g.entitiesWithName(containing: text).forEach { e in
                guard fits(e, target) else { return }
                let names = [g.name(of: e)] + g.aliases(of: e)
                if names.contains(where: { $0.lowercased().hasPrefix(low) }) { prefix.insert(e) } else { contains.insert(e) }
            }
            for set in [prefix, prefix.union(contains)] where !set.isEmpty {
                if set.count == 1 { return set.first! }
                let names = set.map { g.name(of: $0) }.sorted { $0.count != $1.count ? $0.count < $1.count : $0 < $1 }
                throw QueryError(.ambiguousEntity(l.text, candidates: Array(names.prefix(5)), more: max(0, names.count - 5)), l.range)
            }
        }
        throw QueryError(.unknownEntity(l.text, kind: target.map(describe), suggestions: suggestEntities(l.text, target)), l.range)
    }

    func fits(_ e: EntityID, _ target: RefTarget?) -> Bool {
        let k = Int(g.entityKind[Int(e)])
        switch target {
        case .none, .anyEntity?: return true
        case .anyPlace?: return g.kinds[k].role == .place
        case .kind(let tk)?: return k == tk || (g.kinds[tk].role == .place && g.kinds[k].role == .place)
        }
    }

    func describe(_ t: RefTarget) -> String {
        switch t {
        case .anyEntity: return "entity"
        case .anyPlace: return "place"
        case .kind(let k): return g.kinds[k].name
        }
    }

    func suggestEntities(_ text: String, _ target: RefTarget?) -> [String] {
        var preferred: [String] = []
        var others: [String] = []
        if g.entityCount > 50_000 {
            // Large graphs: prefix/contains matches among the expected kind only, bounded.
            return []
        }
        for (name, e) in g.allNames() {
            let k = Int(g.entityKind[Int(e)])
            let fits: Bool
            switch target {
            case .none, .anyEntity?: fits = true
            case .anyPlace?: fits = g.kinds[k].role == .place
            case .kind(let tk)?: fits = k == tk
            }
            if fits { preferred.append(name) } else { others.append(name) }
        }
        var s = Suggest.nearest(to: text, among: preferred)
        if s.isEmpty { s = Pinyin.nearest(to: text, among: preferred, graphSize: g.entityCount) }
        if s.isEmpty { s = Suggest.nearest(to: text, among: others) }
        return s
    }

    // MARK: conditions

    func condition(_ c: Condition, in k: Int) throws(QueryError) -> BoundCondition {
        switch c {
        case .and(let a, let b): return .and(try condition(a, in: k), try condition(b, in: k))
        case .or(let a, let b): return .or(try condition(a, in: k), try condition(b, in: k))
        case .not(let a): return .not(try condition(a, in: k))
        case .inList(let col, let lits, let negated):
            let acc = try path(col, in: k)
            var result: BoundCondition? = nil
            let kind = g.kinds[k]
            let ty = acc.type(in: kind, g)
            if case .entity(let t) = ty {
                var ids: [EntityID] = []
                for l in lits { ids.append(try entityValue(try literal(l), t, col)) }
                return .entityIn(acc, ids, rollUp: true, negated: negated)
            }
            if case .source = acc {
                var ids: [EntityID] = []
                for l in lits { ids.append(try entity(try literal(l), expecting: .kind(g.sourceKind), column: "source")) }
                return .sourceIn(ids, negated: negated)
            }
            for l in lits {
                let one = try compare(acc, .eq, l, col, k)
                result = result.map { .or($0, one) } ?? one
            }
            return negated ? .not(result!) : result!
        case .compare(let col, let op, let l):
            let acc = try path(col, in: k)
            return try compare(acc, op, l, col, k)
        }
    }

    func entityValue(_ l: Literal, _ t: RefTarget, _ col: ColumnPath) throws(QueryError) -> EntityID {
        let e = try entity(l, expecting: t, column: col.text)
        let ek = g.kindOf(e)
        switch t {
        case .anyEntity: break
        case .anyPlace:
            if ek.role != .place { throw QueryError(.wrongKind(l.text, isA: ek.name, expected: "place"), l.range) }
        case .kind(let tk):
            // A place of another level still makes sense for a place column (city=兖州区 rolls up
            // to rows within 兖州区).
            if Int(g.entityKind[Int(e)]) != tk && !(g.kinds[tk].role == .place && ek.role == .place) {
                throw QueryError(.wrongKind(l.text, isA: ek.name, expected: g.kinds[tk].name), l.range)
            }
        }
        return e
    }

    func compare(_ acc: Accessor, _ op: CompareOp, _ raw: Literal, _ col: ColumnPath, _ k: Int) throws(QueryError) -> BoundCondition {
        let l = try literal(raw)
        let kind = g.kinds[k]
        switch acc.type(in: kind, g) {
        case .entity(let t):
            switch op {
            case .eq, .ne:
                let e = try entityValue(l, t, col)
                return .entityIn(acc, [e], rollUp: true, negated: op == .ne)
            case .match, .notMatch:
                return .entitySet(acc, g.entitiesWithName(containing: l.text), negated: op == .notMatch)
            default:
                return .text(acc, op, Array(l.text.utf8))
            }
        case .text:
            if case .source = acc, op == .eq || op == .ne {
                let e = try entity(l, expecting: .kind(g.sourceKind), column: "source")
                return .sourceIn([e], negated: op == .ne)
            }
            return .text(acc, op, Array(l.text.utf8))
        case .int:
            if op == .match || op == .notMatch { return .text(acc, op, Array(l.text.utf8)) }
            guard let v = Int64(l.text) ?? Double(l.text).map({ Int64($0) }) else {
                throw QueryError(.badValue(l.text, column: col.text, expected: "whole numbers"), l.range)
            }
            return .int(acc, op, v)
        case .number:
            if op == .match || op == .notMatch { return .text(acc, op, Array(l.text.utf8)) }
            guard let v = Double(l.text) else {
                throw QueryError(.badValue(l.text, column: col.text, expected: "numbers"), l.range)
            }
            return .number(acc, op, v)
        case .date:
            if op == .match || op == .notMatch { return .text(acc, op, Array(l.text.utf8)) }
            guard let d = FactGraph.parseDate(l.text) else {
                throw QueryError(.badValue(l.text, column: col.text, expected: "dates (2024, 2024-09 or 2024-09-10)"), l.range)
            }
            let hi: Int64
            if d % 10000 == 0 { hi = d + 10000 } else if d % 100 == 0 { hi = d + 100 } else { hi = d + 1 }
            return .date(acc, op, lo: d, hi: hi)
        case .dynamic:
            return .dynamic(acc, op, l)
        }
    }
}

extension String {
    func trimmingASCIISpaces() -> String {
        var s = Substring(self)
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}
