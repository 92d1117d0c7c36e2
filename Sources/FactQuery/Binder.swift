import FactGraph

/// Collects the notes of one statement (a fragment taken as the one name that contains it).
final class NoteSink: @unchecked Sendable {
    var notes: [QueryNote] = []
    func add(_ n: QueryNote) { if !notes.contains(n) { notes.append(n) } }
}

/// Which entities a value may name, by the column it is compared with.
enum EntityFilter {
    /// Any named entity (`recipient`, `describe`).
    case any
    /// Any place.
    case places
    /// Entities of one kind (`honor` names honors).
    case kind(Int)
    /// Places of one level, for the derived place columns (`city=济宁`): another level is an
    /// error that says what the value is.
    case level(Int)
}

/// Binds relation and column names to the graph's schema and converts literal values — the
/// semantic pass between parsing and planning. Every name gets a "did you mean" suggestion.
struct Binder {
    let g: FactGraph
    let parameters: [String: String]
    let notes: NoteSink

    // MARK: relations

    func relation(_ n: Name) throws(QueryError) -> Int {
        if let k = g.kind(named: n.text) { return k }
        let low = n.text.lowercased()
        // Forgiving plurals: "award" → awards, "peoples" …
        for cand in [low + "s", low + "es", String(low.dropLast()), String(low.dropLast(2))] where !cand.isEmpty {
            if let k = g.kind(named: cand) { return k }
        }
        let names = g.kinds.map(\.plural) + Keyword.statementStarts.map(\.rawValue)
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

    static func isLocatable(_ kind: Kind) -> Bool { isLocatable(kind.role, kind.locationColumn) }
    static func isLocatable(_ role: KindRole, _ locationColumn: Int?) -> Bool { role == .place || locationColumn != nil }

    func placeKind(named n: String) -> Int? {
        guard let p = g.kind(named: n), g.kinds[p].role == .place else { return nil }
        return p
    }

    /// Whether `name.lowercased() == low`, without making the lowercase copy when `name` is
    /// ASCII (column names are looked up for every statement).
    static func lowercased(_ name: String, is low: String) -> Bool {
        var a = name, b = low
        let ascii: Bool? = a.withUTF8 { p in
            b.withUTF8 { q in
                guard p.count == q.count else { return p.allSatisfy { $0 < 0x80 } ? false : nil }
                for i in 0..<p.count {
                    let x = p[i], y = q[i]
                    if x >= 0x80 { return nil }
                    if (x >= 0x41 && x <= 0x5A ? x | 0x20 : x) != y { return false }
                }
                return true
            }
        }
        return ascii ?? (name.lowercased() == low)
    }

    func column(_ n: Name, in k: Int) throws(QueryError) -> Accessor {
        // The kind's fields are read one by one: a copy of the whole `Kind` retains and releases
        // each of its arrays, a cost that shows in small indexed statements.
        let named = g.kinds[k].role.isNamed
        let columns = g.kinds[k].columns
        let low = Self.lowercased(n.text, is: n.text) ? n.text : n.text.lowercased()
        if named && low == "name" { return .name }
        if named && (low == "aliases" || low == "alias" || low == "aka") { return .aliases }
        if low == "source" || low == "sources" { return .source }
        if named && low == "kind" && !columns.contains(where: { $0.name == "kind" }) { return .kindName }
        if let c = columns.firstIndex(where: { Self.lowercased($0.name, is: low) }) {
            // The location column named after a place kind reads as that place (rolled up), so an
            // enterprise located in a district still shows and matches its city.
            if columns[c].isLocation, let p = placeKind(named: low) { return .place(p) }
            return .stored(c)
        }
        if let p = placeKind(named: low), Self.isLocatable(g.kinds[k].role, g.kinds[k].locationColumn) { return .place(p) }
        let kind = g.kinds[k]
        if Keyword.aggregates.contains(where: { $0.rawValue == low }) {
            throw QueryError(.aggregateOutsideSummary(n.text), n.range)
        }
        throw QueryError(.unknownColumn(n.text, relation: kind.plural,
                                        suggestions: Suggest.nearest(to: n.text, among: Self.columnNames(of: kind, g))), n.range)
    }

    /// The kinds an entity-valued type may hold.
    func kinds(of t: RefTarget) -> [Int] {
        switch t {
        case .kind(let k): return [k]
        case .anyPlace: return g.kinds.indices.filter { g.kinds[$0].role == .place }
        case .anyEntity: return g.kinds.indices.filter { g.kinds[$0].role.isNamed }
        }
    }

    func path(_ p: ColumnPath, in k: Int) throws(QueryError) -> Accessor {
        var acc = try column(p.parts[0], in: k)
        var type = self.type(acc, in: k)
        var prevName = p.parts[0]
        for part in p.parts.dropFirst() {
            guard case .entity(let t) = type else {
                throw QueryError(.notAReference(prevName.text, relation: g.kinds[k].plural), prevName.range)
            }
            let targets = kinds(of: t)
            var perKind = [Accessor?](repeating: nil, count: g.kinds.count)
            var firstError: QueryError? = nil
            for tk in targets {
                do { perKind[tk] = try column(part, in: tk) } catch { if firstError == nil { firstError = error } }
            }
            if perKind.allSatisfy({ $0 == nil }) {
                if targets.count == 1, let e = firstError { throw e }
                let all = Set(targets.flatMap { Self.columnNames(of: g.kinds[$0], g) })
                throw QueryError(.unknownColumn(part.text, relation: targets.count == 1 ? g.kinds[targets[0]].plural : "the entities '\(prevName.text)' names",
                                                suggestions: Suggest.nearest(to: part.text, among: all.sorted())), part.range)
            }
            acc = .hop(acc, part.text.lowercased(), perKind)
            type = self.type(acc, in: k)
            prevName = part
        }
        return acc
    }

    /// The value type of an accessor on kind `k`.
    func type(_ a: Accessor, in k: Int) -> ValueType {
        let kind = g.kinds[k]
        switch a {
        case .name, .aliases, .source, .kindName: return .text
        case .stored(let c):
            switch kind.columns[c].type {
            case .text: return .text
            case .int: return .int
            case .number: return .number
            case .date: return .date
            case .ref(let t): return .entity(t)
            }
        case .place(let p): return .entity(.kind(p))
        case .result: return .dynamic
        case .hop(let first, _, let perKind):
            guard case .entity(let t) = type(first, in: k) else { return .dynamic }
            var types: [ValueType] = []
            for tk in kinds(of: t) {
                guard let inner = perKind[tk] else { continue }
                let ty = type(inner, in: tk)
                if !types.contains(ty) { types.append(ty) }
            }
            if types.count == 1 { return types[0] }
            if !types.isEmpty && types.allSatisfy({ if case .entity = $0 { return true } else { return false } }) {
                return .entity(.anyEntity)
            }
            return .dynamic
        }
    }

    /// The place level a derived place column (or a hop ending in one) holds.
    func level(_ a: Accessor) -> Int? {
        switch a {
        case .place(let p): return p
        case .hop(_, _, let perKind):
            let levels = perKind.compactMap { $0.flatMap(level) }
            let inner = perKind.compactMap { $0 }
            guard !levels.isEmpty, levels.count == inner.count, Set(levels).count == 1 else { return nil }
            return levels[0]
        default: return nil
        }
    }

    // MARK: literals

    /// A parameter's value, lexed as if typed in place of `$name`.
    func literal(_ l: Literal) throws(QueryError) -> Literal {
        guard l.form == .param else { return l }
        guard let v = parameters[l.text] else { throw QueryError(.unknownParameter(l.text), l.range) }
        if let toks = try? Lexer.tokenize(v), toks.count == 2 {
            let t = toks[0]
            let form: Literal.Form?
            switch t.kind {
            case .int: form = .int
            case .number: form = .number
            case .date: form = .date
            case .string: form = .string
            case .word: form = .word
            default: form = nil
            }
            if let form { return Literal(form: form, text: t.text, range: l.range) }
        }
        return Literal(form: .string, text: v, range: l.range)
    }

    // MARK: entities

    func describe(_ f: EntityFilter) -> String? {
        switch f {
        case .any: return nil
        case .places: return "place"
        case .kind(let k), .level(let k): return g.kinds[k].name
        }
    }

    func fits(_ e: EntityID, _ f: EntityFilter) -> Bool {
        let k = Int(g.entityKind[Int(e)])
        switch f {
        case .any: return true
        case .places: return g.kinds[k].role == .place
        case .kind(let tk), .level(let tk): return k == tk
        }
    }

    /// The entity a value names: exactly by name or alias (ASCII letters case-insensitively,
    /// full-width forms as half-width); else, if exactly one entity of the column's kind has a
    /// name or alias containing the text, that one (with a note); several are an error listing
    /// them; none is an error with the nearest names.
    func entity(_ l: Literal, _ filter: EntityFilter, column: String) throws(QueryError) -> EntityID {
        let raw = l.text
        let trimmed = raw.trimmingASCIISpaces()
        let normal = NameText.normalize(trimmed)
        for cand in [raw, trimmed, normal] {
            if let e = g.entity(named: cand) { return try check(e, l, filter, column: column) }
        }
        if NameText.isFragment(normal) {
            var matches: [EntityID] = []
            g.entitiesWithName(containing: normal).forEach { e in if fits(e, filter) { matches.append(e) } }
            if matches.count == 1 {
                notes.add(.fragmentTaken(raw, name: g.name(of: matches[0])))
                return matches[0]
            }
            if matches.count > 1 {
                let names = Collation.sorted(matches.map { g.name(of: $0) }, shortestFirst: true)
                throw QueryError(.ambiguousEntity(raw, kind: describe(filter), candidates: Array(names.prefix(8)),
                                                  more: max(0, names.count - 8)), l.range)
            }
        }
        throw QueryError(.unknownEntity(raw, kind: describe(filter), suggestions: suggestEntities(normal, filter)), l.range)
    }

    func check(_ e: EntityID, _ l: Literal, _ filter: EntityFilter, column: String) throws(QueryError) -> EntityID {
        if fits(e, filter) { return e }
        let ek = g.kindOf(e)
        switch filter {
        case .level(let p) where ek.role == .place:
            throw QueryError(.wrongLevel(l.text, name: g.name(of: e), isA: ek.name, column: g.kinds[p].name), l.range)
        case .level(let k), .kind(let k):
            throw QueryError(.wrongKind(l.text, isA: ek.name, expected: g.kinds[k].name), l.range)
        case .places:
            throw QueryError(.wrongKind(l.text, isA: ek.name, expected: "place"), l.range)
        case .any:
            return e
        }
    }

    /// Names near `text`: of the expected kind first, by edit distance, then by pinyin; then of
    /// other kinds. On a big graph the candidates are the names that share a two-character piece
    /// with the text (or, for ASCII, whose pinyin starts like it), found through the indexes, so
    /// a misspelt name gets its suggestion in milliseconds at a million names. Texts longer than
    /// 64 characters get none.
    func suggestEntities(_ text: String, _ filter: EntityFilter) -> [String] {
        let scalars = Array(text.unicodeScalars)
        guard !scalars.isEmpty, scalars.count <= 64 else { return [] }
        var preferred: [String] = []
        var others: [String] = []
        func take(_ e: EntityID) {
            let names = [g.name(of: e)] + g.aliases(of: e)
            if fits(e, filter) { preferred += names } else { others += names }
        }
        if g.entityCount <= 50_000 {
            for (name, e) in g.allNames() { if fits(e, filter) { preferred.append(name) } else { others.append(name) } }
        } else {
            // How many pieces of the text each entity's names share, in a byte per entity.
            var shared = [UInt8](repeating: 0, count: g.entityCount)
            let pieces = scalars.count < 2 ? [String(String.UnicodeScalarView(scalars))] : (0..<(scalars.count - 1)).map { String(String.UnicodeScalarView(scalars[$0...($0 + 1)])) }
            let step = max(1, pieces.count / 3)
            for piece in stride(from: 0, to: pieces.count, by: step).prefix(3).map({ pieces[$0] }) {
                g.entitiesWithName(containing: piece).forEach { shared[Int($0)] += 1 }
            }
            let ascii = text.utf8.allSatisfy { $0 < 0x80 }
            if ascii && text.count >= 2 {
                // Names whose pinyin starts with the letters, else whose initials start with
                // them: taken first (the letters spell them). Else, for a misspelt reading, the
                // names whose pinyin starts as the letters do. Only the starts of the readings
                // are compared: a few milliseconds at a million names.
                let q = Array(text.lowercased().utf8), index = PinyinIndex.of(g)
                var spelt = false
                index.searchFullPrefixes(q) { e, _ in shared[Int(e)] = 4; spelt = true }
                if !spelt { index.searchInitials(q) { e, _ in shared[Int(e)] = 4; spelt = true } }
                if !spelt { index.searchFullPrefixes(Array(q.prefix(3))) { e, _ in shared[Int(e)] += 1 } }
            }
            // The entities sharing the most, up to 600.
            var taken = 0
            var level: UInt8 = 4
            while level > 0 && taken < 600 {
                for (e, n) in shared.enumerated() where n == level {
                    take(EntityID(e))
                    taken += 1
                    if taken >= 600 { break }
                }
                level -= 1
            }
        }
        // Latin letters that are the start of a name's pinyin, or its initials, name that entity
        // more surely than a name a few edits away (`jiningshishichang` is 济宁市市场监督管理局,
        // not the alias `Jining`).
        var s = Pinyin.isASCII(text) ? Pinyin.readingMatches(text, among: preferred) : []
        s += Suggest.nearest(to: text, among: preferred)
        if s.isEmpty { s = Pinyin.nearest(to: text, among: preferred, graphSize: g.entityCount) }
        if s.isEmpty { s = Suggest.nearest(to: text, among: others) }
        // One name per entity (an entity's name and aliases are often all near).
        var seen = Set<EntityID>()
        return s.filter { n in g.entity(named: n).map { seen.insert($0).inserted } ?? true }.prefix(3).map { $0 }
    }

    // MARK: conditions

    /// Where a condition is bound: over a relation's rows, or over a summary's result rows.
    enum Context {
        case rows(Int)
        case results(titles: [String], types: [ValueType], kind: Int)
    }

    func predicate(_ c: Condition, _ ctx: Context) throws(QueryError) -> Predicate {
        switch c {
        case .all(let cs):
            var out: [Predicate] = []
            out.reserveCapacity(cs.count)
            for x in cs { out.append(try predicate(x, ctx)) }
            return .all(out)
        case .any(let cs):
            var out: [Predicate] = []
            out.reserveCapacity(cs.count)
            for x in cs { out.append(try predicate(x, ctx)) }
            return .any(out)
        case .not(let x):
            return .not(try predicate(x, ctx))
        case .compare(let op, let cmp, let lit):
            let (acc, type, k) = try operand(op, ctx)
            return try compare(acc, type, cmp, try literal(lit), op.text, k)
        case .inList(let op, let lits, let negated):
            let (acc, type, k) = try operand(op, ctx)
            return try inList(acc, type, lits, negated, op.text, k)
        case .within(let p, let lit, let negated):
            let (acc, type, _) = try operand(.column(p), ctx)
            guard case .entity = type else {
                throw QueryError(.withinNeedsEntity(p.text, type: type.describe(g)), p.range)
            }
            let l = try literal(lit)
            let e = try entityForWithin(l, column: p.text)
            return .within(acc, [e], negated: negated)
        case .isNull(let op, let negated):
            let (acc, _, _) = try operand(op, ctx)
            return .isNull(acc, negated: negated)
        case .has(let h):
            guard case .rows(let k) = ctx else { throw QueryError(.havingWithoutSummary, h.range) }
            return .has(try has(h, in: k), negated: false)
        }
    }

    /// `within X`: X is a place (or any entity things lie in); exact names of any kind, and
    /// fragments among places.
    func entityForWithin(_ l: Literal, column: String) throws(QueryError) -> EntityID {
        for cand in [l.text, l.text.trimmingASCIISpaces(), NameText.normalize(l.text.trimmingASCIISpaces())] {
            if let e = g.entity(named: cand) { return e }
        }
        return try entity(l, .places, column: column)
    }

    /// The accessor, type and kind an operand names in this context.
    func operand(_ op: Operand, _ ctx: Context) throws(QueryError) -> (Accessor, ValueType, Int) {
        switch ctx {
        case .rows(let k):
            guard case .column(let p) = op else {
                throw QueryError(.aggregateOutsideSummary(op.text), op.range)
            }
            let acc = try path(p, in: k)
            return (acc, type(acc, in: k), k)
        case .results(let titles, let types, let k):
            guard let i = Self.resultIndex(op, titles) else {
                throw QueryError(.notAResultColumn(op.text, available: titles), op.range)
            }
            // A key column keeps its type (city=济宁 names the city); an aggregate is a number.
            return (.result(i), types[i], k)
        }
    }

    /// The result column an operand names: a `by` column as written, or an aggregate.
    static func resultIndex(_ op: Operand, _ titles: [String]) -> Int? {
        let want = normalizedTitle(op.text)
        return titles.firstIndex { normalizedTitle($0) == want }
    }

    static func normalizedTitle(_ s: String) -> String {
        String(s.lowercased().unicodeScalars.filter { $0 != " " }.map(Character.init))
    }

    func entityFilter(_ acc: Accessor, _ t: RefTarget) -> EntityFilter {
        if let p = level(acc) { return .level(p) }
        switch t {
        case .anyEntity: return .any
        case .anyPlace: return .places
        case .kind(let k): return .kind(k)
        }
    }

    func compare(_ acc: Accessor, _ type: ValueType, _ op: CompareOp, _ l: Literal, _ col: String, _ k: Int) throws(QueryError) -> Predicate {
        switch type {
        case .entity(let t):
            switch op {
            case .eq, .ne:
                let e = try entity(l, entityFilter(acc, t), column: col)
                return .entityIs(acc, [e], negated: op == .ne)
            case .match, .notMatch:
                let text = NameText.normalize(l.text)
                return .entityNamed(acc, g.entitiesWithName(containing: text), text: text, negated: op == .notMatch)
            default:
                return .text(acc, op, Array(l.text.utf8))
            }
        case .text:
            if case .source = acc, op == .eq || op == .ne {
                let e = try entity(l, .kind(g.sourceKind), column: "source")
                return .source([e], negated: op == .ne)
            }
            return .text(acc, op, Array(l.text.utf8))
        case .int, .number:
            if op == .match || op == .notMatch { return .text(acc, op, Array(l.text.utf8)) }
            if type == .int, let v = NumberSyntax.int(l.text) { return .int(acc, op, v) }
            guard let d = NumberSyntax.double(l.text) else {
                throw QueryError(.badValue(l.text, column: col, expected: type == .int ? "whole numbers" : "numbers"), l.range)
            }
            return .number(acc, op, d)
        case .date:
            if op == .match || op == .notMatch { return .text(acc, op, Array(l.text.utf8)) }
            guard let (lo, hi) = Self.dateInterval(l.text) else {
                throw QueryError(.badValue(l.text, column: col, expected: "dates (2024, 2024-09 or 2024-09-10)"), l.range)
            }
            return .date(acc, op, lo: lo, hi: hi)
        case .dynamic:
            var d = DynamicLiteral(text: Array(l.text.utf8))
            d.int = NumberSyntax.int(l.text)
            d.number = NumberSyntax.double(l.text)
            d.date = Self.dateInterval(l.text)
            if op == .eq || op == .ne { d.entity = try? entity(l, .any, column: col) }
            return .dynamic(acc, op, d)
        }
    }

    /// A date literal as the interval it stands for: 2024 → [2024-01-01, 2025-01-01).
    static func dateInterval(_ s: String) -> (Int64, Int64)? {
        guard let d = FactGraph.parseDate(s) else { return nil }
        if d % 10000 == 0 { return (d, d + 10000) }
        if d % 100 == 0 { return (d, d + 100) }
        return (d, d + 1)
    }

    func inList(_ acc: Accessor, _ type: ValueType, _ lits: [Literal], _ negated: Bool, _ col: String, _ k: Int) throws(QueryError) -> Predicate {
        if case .entity(let t) = type {
            var ids: [EntityID] = []
            ids.reserveCapacity(lits.count)
            let f = entityFilter(acc, t)
            for l in lits { ids.append(try entity(try literal(l), f, column: col)) }
            if ids.count > 16 && level(acc) == nil {
                // A long list tests membership in a bitset, not by walking the list per row.
                var set = EntitySet(capacity: g.entityCount)
                for e in ids { set.insert(e) }
                return .entityNamed(acc, set, text: "\(ids.count) values", negated: negated)
            }
            return .entityIs(acc, ids, negated: negated)
        }
        if case .source = acc {
            var ids: [EntityID] = []
            for l in lits { ids.append(try entity(try literal(l), .kind(g.sourceKind), column: "source")) }
            return .source(ids, negated: negated)
        }
        if type == .text {
            var vals: [[UInt8]] = []
            for l in lits { vals.append(Array(try literal(l).text.utf8)) }
            return .textIn(acc, vals, negated: negated)
        }
        var terms: [Predicate] = []
        terms.reserveCapacity(lits.count)
        for l in lits { terms.append(try compare(acc, type, .eq, try literal(l), col, k)) }
        return negated ? .not(.any(terms)) : .any(terms)
    }

    // MARK: reverse links

    /// Binds `has REL[.COL](C)` for rows of kind `k`.
    func has(_ h: HasTest, in k: Int) throws(QueryError) -> HasSpec {
        let kind = g.kinds[k]
        guard kind.role.isNamed else { throw QueryError(.hasOnUnnamed(kind.plural), h.range) }
        let r = try relation(h.relation)
        let rel = g.kinds[r]
        func accepts(_ c: Int) -> Int? {
            guard case .ref(let t) = rel.columns[c].type else { return nil }
            switch t {
            case .kind(let tk): return tk == k ? 0 : nil
            case .anyPlace: return kind.role == .place ? 1 : nil
            case .anyEntity: return 2
            }
        }
        let column: Int
        if let cn = h.column {
            guard let c = rel.columns.firstIndex(where: { $0.name.lowercased() == cn.text.lowercased() }) else {
                throw QueryError(.unknownColumn(cn.text, relation: rel.plural,
                                                suggestions: Suggest.nearest(to: cn.text, among: rel.columns.map(\.name))), cn.range)
            }
            guard accepts(c) != nil else { throw QueryError(.hasWrongColumn(relation: rel.plural, column: cn.text, kind: kind.name), cn.range) }
            column = c
        } else {
            let ranked = rel.columns.indices.compactMap { c in accepts(c).map { (c, $0) } }
            guard let best = ranked.map(\.1).min() else {
                throw QueryError(.hasNoLink(relation: rel.plural, kind: kind.name), h.relation.range)
            }
            let cols = ranked.filter { $0.1 == best }.map(\.0)
            guard cols.count == 1 else {
                throw QueryError(.hasAmbiguous(relation: rel.plural, kind: kind.name, columns: cols.map { rel.columns[$0].name }), h.relation.range)
            }
            column = cols[0]
        }
        let inner = try h.condition.map { (c) throws(QueryError) in try predicate(c, .rows(r)) }
        return HasSpec(relation: r, column: column, condition: inner)
    }

    // MARK: statements

    func query(_ q: Query) throws(QueryError) -> BoundQuery {
        let k = try relation(q.relation)
        let kind = g.kinds[k]
        var b = BoundQuery(kind: k)
        b.predicate = try q.condition.map { (c) throws(QueryError) in try predicate(c, .rows(k)) }
        b.limit = q.limit
        b.offset = q.offset
        if let aggs = q.summary {
            if q.show != nil || q.showAll { throw QueryError(.showInSummary, q.relation.range) }
            var keys: [(String, Accessor, ValueType)] = []
            for p in q.groupBy {
                let acc = try path(p, in: k)
                keys.append((p.text, acc, type(acc, in: k)))
            }
            var bound: [BoundAggregate] = []
            for a in aggs { bound.append(try aggregate(a, in: k)) }
            var s = BoundSummary(keys: keys, aggregates: bound, having: nil)
            let titles = s.titles
            let types = keys.map(\.2) + bound.map(\.resultType)
            let ctx = Context.results(titles: titles, types: types, kind: k)
            s.having = try q.having.map { (c) throws(QueryError) in try predicate(c, ctx) }
            for o in q.order {
                guard let i = Self.resultIndex(o.operand, titles) else {
                    throw QueryError(.notAResultColumn(o.operand.text, available: titles), o.operand.range)
                }
                b.order.append(BoundOrder(accessor: .result(i), type: types[i], descending: o.descending, collation: o.collation, title: titles[i]))
            }
            b.summary = s
            return b
        }
        if let first = q.groupBy.first { throw QueryError(.byWithoutSummary, first.range) }
        if let h = q.having { throw QueryError(.havingWithoutSummary, Self.range(of: h) ?? q.relation.range) }
        if let s = q.show {
            for p in s { b.shown.append((p.text, try path(p, in: k))) }
        } else {
            b.dropEmptyColumns = !q.showAll
            if kind.role.isNamed { b.shown.append(("name", .name)) }
            for (c, col) in kind.columns.enumerated() {
                if col.isLocation, let p = placeKind(named: col.name) { b.shown.append((col.name, .place(p))) } else { b.shown.append((col.name, .stored(c))) }
            }
            if q.showAll && kind.role.isNamed { b.shown.append(("aliases", .aliases)) }
            b.shown.append(("source", .source))
        }
        for o in q.order {
            let (acc, ty, _) = try operand(o.operand, .rows(k))
            b.order.append(BoundOrder(accessor: acc, type: ty, descending: o.descending, collation: o.collation, title: o.operand.text))
        }
        return b
    }

    static func range(of c: Condition) -> Range<Int>? {
        switch c {
        case .all(let cs), .any(let cs): return cs.first.flatMap(range)
        case .not(let x): return range(of: x)
        case .compare(let o, _, _), .inList(let o, _, _), .isNull(let o, _): return o.range
        case .within(let p, _, _): return p.range
        case .has(let h): return h.range
        }
    }

    func aggregate(_ a: Aggregate, in k: Int) throws(QueryError) -> BoundAggregate {
        guard let col = a.column else { return BoundAggregate(aggregate: a, accessor: nil, type: nil, resultType: .int) }
        let acc = try path(col, in: k)
        let ty = type(acc, in: k)
        switch a.function {
        case .count:
            return BoundAggregate(aggregate: a, accessor: acc, type: ty, resultType: .int)
        case .sum, .avg:
            guard ty.isNumeric || ty == .dynamic else {
                throw QueryError(.badAggregate(a.function.rawValue, column: col.text, type: ty.describe(g)), col.range)
            }
            let rt: ValueType = a.function == .avg ? .number : (ty == .int ? .int : .number)
            return BoundAggregate(aggregate: a, accessor: acc, type: ty, resultType: rt)
        case .min, .max:
            return BoundAggregate(aggregate: a, accessor: acc, type: ty, resultType: ty)
        }
    }
}

/// Normalizing what users type as names: full-width letters, digits and punctuation as
/// half-width, the ideographic space as a space.
enum NameText {
    static func normalize(_ s: String) -> String {
        guard s.unicodeScalars.contains(where: { ($0.value >= 0xFF01 && $0.value <= 0xFF5E) || $0.value == 0x3000 }) else {
            return TraditionalNames.simplify(s)
        }
        var out = String.UnicodeScalarView()
        for u in s.unicodeScalars {
            if u.value >= 0xFF01 && u.value <= 0xFF5E, let h = Unicode.Scalar(u.value - 0xFEE0) { out.append(h) }
            else if u.value == 0x3000 { out.append(" ") }
            else { out.append(u) }
        }
        return TraditionalNames.simplify(String(out))
    }

    /// Whether a text is long enough to stand for a name by being part of it: two characters,
    /// or one Chinese character.
    static func isFragment(_ s: String) -> Bool {
        var n = 0
        for u in s.unicodeScalars {
            if u.value >= 0x2E80 { return true }
            n += 1
            if n >= 2 { return true }
        }
        return false
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
