import FactGraph

/// Context-aware completion for the shell's Tab key: what may stand where the cursor is,
/// read from the tokens before it with the language's own Keyword table.
///
/// - At the start: relations and the statement words (`count`, `describe`, … `explain`).
/// - In `where`/`having` after `and`, `or`, `not`, `(`: columns (and `not`, `has`).
/// - After a column in a condition: the operators that apply to its type (`= != ~ !~ < <= > >=
///   in within is`).
/// - After an operator, `in (`, `within`: values — entity names of the column's kind by prefix
///   or pinyin (`city=ji` offers 济宁), or the text column's values.
/// - After `honor.` or `recipient.city.`: the columns of the kinds the path names.
/// - After a complete condition or value: `and`, `or`, and the clauses not used yet.
/// - After `neighbors X`: `depth`; after `path X`: `to`; after `is`: `null`, `not null`.
public struct Completer {
    public let graph: FactGraph

    public init(graph: FactGraph) { self.graph = graph }

    /// The candidates for the word that ends at `cursor` (a Character offset into `line`), and
    /// where that word starts.
    public func complete(line: String, cursor: Int) -> (wordStart: Int, candidates: [String]) {
        let chars = Array(line)
        let cur = min(cursor, chars.count)
        // The word being completed: back to the last space or punctuation.
        var ws = cur
        let stops: Set<Character> = [" ", "\t", "=", "＝", "(", "（", ",", "，", "<", ">", "!", "~", "～", ":", "：", ".", "\"", "“", "'", "‘", "「", ";", "；", "\u{3000}"]
        while ws > 0 && !stops.contains(chars[ws - 1]) { ws -= 1 }
        let word = String(chars[ws..<cur])
        var before = String(chars[..<ws])
        // Only the statement being typed counts: from the last ';'.
        if let semi = before.lastIndex(where: { $0 == ";" || $0 == "；" }) { before = String(before[before.index(after: semi)...]) }
        var toks: [Token] = []
        var lx = Lexer(before)
        while let t = try? lx.next(), t.kind != .eof { toks.append(t) }
        return (ws, candidates(after: toks, word: word))
    }

    func prefixed(_ xs: [String], _ word: String) -> [String] {
        let lw = word.lowercased()
        var seen = Set<String>()
        return xs.filter { $0.lowercased().hasPrefix(lw) && seen.insert($0).inserted }
    }

    func words(_ ks: [String], _ word: String) -> [String] { prefixed(ks, word).map { $0 + " " } }

    func candidates(after all: [Token], word: String) -> [String] {
        let g = graph
        var toks = all
        if toks.first?.is(.explain) == true { toks.removeFirst() }
        let relations = g.kinds.map(\.plural)
        guard let first = toks.first, let last = toks.last else {
            return words(relations + Keyword.statementStarts.map(\.rawValue), word)
        }
        switch first.keyword {
        case .describe?, .find?:
            return toks.count == 1 ? entityNames(word, target: nil) : []
        case .neighbors?:
            if toks.count == 1 { return entityNames(word, target: nil) }
            return toks.count == 2 ? words(["depth"], word) : []
        case .path?:
            if toks.count == 1 || last.is(.to) { return entityNames(word, target: nil) }
            return toks.count == 2 ? words(["to"], word) : []
        case .count?:
            if toks.count == 1 { return words(relations, word) }
        default:
            break
        }
        let relIndex = first.is(.count) ? 1 : 0
        guard let k = g.kind(named: toks[relIndex].text) else { return [] }
        let isCount = first.is(.count)
        return clauseCandidates(Array(toks[(relIndex + 1)...]), k, isCount: isCount, word: word)
    }

    /// Where in a relation statement the cursor is, and what fits there.
    func clauseCandidates(_ toks: [Token], _ k: Int, isCount: Bool, word: String) -> [String] {
        let g = graph
        let kind = g.kinds[k]
        let columns = Binder.columnNames(of: kind, g)
        let binder = Binder(g: g, parameters: [:], notes: NoteSink())
        // The clauses used so far (at parenthesis depth 0), and the current one.
        var used = Set<Keyword>()
        var current: Keyword? = nil
        var depth = 0
        var hasSummary = isCount
        for (i, t) in toks.enumerated() {
            if t.kind == .lparen { depth += 1 }
            if t.kind == .rparen { depth = max(0, depth - 1) }
            if t.is(.by) && i > 0 && toks[i - 1].is(.order) { continue }   // `order by` is one clause
            if depth == 0, let kw = t.keyword, Parser.clauseWords.contains(kw) {
                used.insert(kw)
                current = kw
                if kw == .summarize { hasSummary = true }
            }
        }
        func remainingClauses() -> [String] {
            var out: [String] = []
            for c in Parser.clauseWords where !used.contains(c) {
                switch c {
                case .show where hasSummary, .summarize where isCount || used.contains(.show): continue
                case .by where !hasSummary, .having where !hasSummary: continue
                case .order: out.append("order by")
                default: out.append(c.rawValue)
                }
            }
            return out
        }
        guard let last = toks.last else { return words(remainingClauses(), word) }
        let inCondition = current == .where || current == .having

        // After a path's '.': the columns of the kinds it names.
        if last.kind == .dot, let path = pathEnding(at: toks.count - 2, toks) {
            guard let acc = try? binder.path(path.path, in: k), case .entity(let t) = binder.type(acc, in: k) else { return [] }
            var names: [String] = []
            for tk in binder.kinds(of: t) { names += Binder.columnNames(of: g.kinds[tk], g) }
            return prefixed(names, word)
        }
        switch last.keyword {
        case .where?, .and?, .or?, .not?:
            if current == .having { return prefixed(resultColumns(toks, isCount: isCount), word) }
            return prefixed(columns, word) + words(last.is(.not) ? ["has"] : ["not", "has"], word)
        case .having?: return prefixed(resultColumns(toks, isCount: isCount), word)
        case .show?, .by?: return prefixed(columns, word)
        case .summarize?: return aggregateWords(word)
        case .order?: return words(["by"], word)
        case .has?: return words(g.kinds.map(\.plural), word)
        case .is?: return words(["null", "not null"], word)
        case .within?: return entityNames(word, target: .anyPlace)
        case .in?: return ["("]
        case .limit?, .depth?: return []
        case .collate?: return words([Collation.pinyin.rawValue, Collation.codepoint.rawValue], word)
        default: break
        }
        if last.is(.by), toks.count >= 2, toks[toks.count - 2].is(.order) {
            return prefixed(hasSummary ? resultColumns(toks, isCount: isCount) : columns, word)
        }
        if last.kind == .lparen {
            // `in (`: values of the column before; `has rel(` or a bare '(': a condition.
            if toks.count >= 2, toks[toks.count - 2].is(.in), let col = pathEnding(at: toks.count - 3, toks) {
                return values(for: col.path, k, binder, word)
            }
            if inCondition { return prefixed(columns, word) + words(["not", "has"], word) }
            return []
        }
        if last.kind == .comma {
            if let col = inListColumn(toks) { return values(for: col, k, binder, word) }
            switch current {
            case .summarize?: return aggregateWords(word)
            case .order?: return prefixed(hasSummary ? resultColumns(toks, isCount: isCount) : columns, word)
            default: return prefixed(columns, word)
            }
        }
        if last.kind.isComparison, let col = pathEnding(at: toks.count - 2, toks) {
            return values(for: col.path, k, binder, word)
        }
        if last.is(.null) { return words(["and", "or"] + remainingClauses(), word) }
        if toks.count >= 2 && toks[toks.count - 2].is(.has) { return ["("] + words(["and", "or"] + remainingClauses(), word) }
        // A word in a condition that stands where a column goes: offer its operators.
        if inCondition, last.kind == .word, let col = pathEnding(at: toks.count - 1, toks), !isValue(col.start, toks) {
            return words(operators(col.path, k, binder), word)
        }
        switch current {
        case .order?: return words(["asc", "desc", "collate"] + remainingClauses(), word)
        case .limit? where last.kind == .int: return words(["offset"] + remainingClauses(), word)
        case .where?, .having?: return words(["and", "or"] + remainingClauses(), word)
        default: return words(remainingClauses(), word)
        }
    }

    func aggregateWords(_ word: String) -> [String] {
        prefixed(["count", "count(", "count(distinct ", "sum(", "avg(", "min(", "max("], word).map { $0.hasSuffix("(") || $0.hasSuffix(" ") ? $0 : $0 + " " }
    }

    /// The result columns of the summary being typed: its `by` columns and aggregates.
    func resultColumns(_ toks: [Token], isCount: Bool) -> [String] {
        var out: [String] = isCount ? ["count"] : []
        var i = 0
        var clause: Keyword? = nil
        while i < toks.count {
            let t = toks[i]
            if let kw = t.keyword, Parser.clauseWords.contains(kw) { clause = kw; i += 1; continue }
            if clause == .by, t.kind == .word { out.append(t.text) }
            if clause == .summarize, t.kind == .word, let kw = t.keyword, Keyword.aggregates.contains(kw) {
                if i + 1 < toks.count, toks[i + 1].kind == .lparen {
                    var j = i + 2
                    var inner = ""
                    while j < toks.count && toks[j].kind != .rparen { inner += (inner.isEmpty || toks[j].kind == .dot || inner.hasSuffix(".") ? "" : " ") + toks[j].text; j += 1 }
                    out.append("\(kw.rawValue)(\(inner))")
                    i = j
                } else {
                    out.append(kw.rawValue)
                }
            }
            i += 1
        }
        return out
    }

    /// The operators that apply to a column's type.
    func operators(_ path: ColumnPath, _ k: Int, _ b: Binder) -> [String] {
        guard let acc = try? b.path(path, in: k) else { return [] }
        switch b.type(acc, in: k) {
        case .entity: return ["=", "!=", "in", "not in", "within", "~", "!~", "is"]
        case .int, .number, .date: return ["=", "!=", "<", "<=", ">", ">=", "in", "is"]
        case .text, .dynamic: return ["=", "!=", "~", "!~", "<", ">", "in", "is"]
        }
    }

    /// The column path whose last part is token `i`, and the index where it starts.
    func pathEnding(at i: Int, _ toks: [Token]) -> (path: ColumnPath, start: Int)? {
        guard i >= 0, i < toks.count, toks[i].kind == .word else { return nil }
        var j = i
        var parts = [Name(text: toks[j].text, range: toks[j].range)]
        while j >= 2 && toks[j - 1].kind == .dot && toks[j - 2].kind == .word {
            parts.insert(Name(text: toks[j - 2].text, range: toks[j - 2].range), at: 0)
            j -= 2
        }
        return (ColumnPath(parts: parts), j)
    }

    /// Whether token `i` stands where a value goes (after an operator, `within`, or in a list).
    func isValue(_ i: Int, _ toks: [Token]) -> Bool {
        guard i > 0 else { return false }
        let prev = toks[i - 1]
        if prev.kind.isComparison || prev.is(.within) || prev.is(.limit) || prev.is(.offset) { return true }
        if prev.kind == .comma || prev.kind == .lparen { return inListColumn(Array(toks[..<i])) != nil }
        return toks[i].kind != .word
    }

    /// The column of the `in (…` list the tokens end inside, if any.
    func inListColumn(_ toks: [Token]) -> ColumnPath? {
        var depth = 0
        var i = toks.count - 1
        while i >= 0 {
            if toks[i].kind == .rparen { depth += 1 }
            if toks[i].kind == .lparen {
                if depth == 0 {
                    guard i >= 1, toks[i - 1].is(.in) else { return nil }
                    var j = i - 2
                    if j >= 0 && toks[j].is(.not) { j -= 1 }
                    return pathEnding(at: j, toks)?.path
                }
                depth -= 1
            }
            i -= 1
        }
        return nil
    }

    /// Values for a column: entity names of its kind, or the values of a text column.
    func values(for col: ColumnPath, _ k: Int, _ b: Binder, _ word: String) -> [String] {
        guard let acc = try? b.path(col, in: k) else { return [] }
        switch b.type(acc, in: k) {
        case .entity(let t): return entityNames(word, target: t)
        case .text, .dynamic: return textValues(acc, k, word)
        default: return []
        }
    }

    /// Entity names by prefix, then by pinyin, one per entity, quoted when they need it.
    ///
    /// For each entity the shortest of its names that the word leads to is offered: typed
    /// Chinese or a matching ASCII alias by prefix; ASCII that is the entity's pinyin (or its
    /// initials) offers its shortest Chinese name, so `city=ji` offers 济宁. Entities of the
    /// column's own kind come first; other places (for a place column) only if there are none.
    /// Traditional characters are read as simplified.
    func entityNames(_ typed: String, target: RefTarget?) -> [String] {
        let g = graph
        let word = NameText.normalize(typed)
        let lw = word.lowercased()
        let asciiWord = !lw.isEmpty && lw.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) }
        func fits(_ e: EntityID) -> Int? {
            let k = Int(g.entityKind[Int(e)])
            switch target {
            case .kind(let tk)?:
                if k == tk { return 0 }
                return g.kinds[tk].role == .place && g.kinds[k].role == .place ? 1 : nil
            case .anyPlace?: return g.kinds[k].role == .place ? 0 : nil
            default: return 0
            }
        }
        // The entities the word may lead to: by name or alias prefix (the name index), and for
        // ASCII by pinyin or initials (the pinyin index). At most a few thousand are looked at.
        var found: [EntityID] = []
        var seen = Set<EntityID>()
        func add(_ e: EntityID) { if found.count < 2000, fits(e) != nil, seen.insert(e).inserted { found.append(e) } }
        if lw.isEmpty {
            var n = 0
            g.forEachNameKey { _, e in if n < 4000 { n += 1; add(e) } }
        } else {
            g.entitiesWithName(containing: word).forEach { e in
                if ([g.name(of: e)] + g.aliases(of: e)).contains(where: { $0.lowercased().hasPrefix(lw) }) { add(e) }
            }
            if asciiWord {
                let index = PinyinIndex.of(g)
                index.searchFull(Array(lw.utf8)) { e, prefix in if prefix { add(e) } }
                index.searchInitials(Array(lw.utf8)) { e, _ in add(e) }
            }
        }
        // One name per entity: for ASCII input a Chinese name (reached by pinyin) beats an ASCII
        // alias; otherwise the shortest name the word leads to.
        var offered: [(rank: Int, name: String)] = []
        for e in found {
            let names = [g.name(of: e)] + g.aliases(of: e)
            var choice: String? = nil
            if asciiWord {
                choice = names.filter { !Pinyin.isASCII($0) && (Pinyin.full($0).hasPrefix(lw) || Pinyin.initials($0).hasPrefix(lw)) }
                    .min { $0.count < $1.count }
            }
            if choice == nil {
                choice = names.filter { $0.lowercased().hasPrefix(lw) }.min { $0.count < $1.count }
            }
            if choice == nil, asciiWord { choice = names.filter { !Pinyin.isASCII($0) }.min { $0.count < $1.count } }
            if let c = choice { offered.append((fits(e) ?? 0, c)) }
        }
        let own = offered.filter { $0.rank == 0 }
        let chosen = (own.isEmpty ? offered : own).map(\.name)
        let keyed = chosen.map { ($0, $0.count, CollationKey.key($0)) }.sorted { x, y in
            x.1 != y.1 ? x.1 < y.1 : x.2.withUnsafeBytes { p in y.2.withUnsafeBytes { q in CollationKey.compare(p, q) < 0 } }
        }
        var seenNames = Set<String>()
        return keyed.map(\.0).filter { seenNames.insert($0).inserted }.map { quoteIfNeeded($0) + " " }
    }

    /// Distinct values of a text column starting with the word.
    func textValues(_ acc: Accessor, _ k: Int, _ word: String) -> [String] {
        // A hop (honor.level): the values of the column in the target kind.
        if case .hop(let first, _, let perKind) = acc, case .stored(let c0) = first,
           case .ref(.kind(let k2)) = graph.kinds[k].columns[c0].type, let inner = perKind[k2] {
            return textValues(inner, k2, word)
        }
        guard case .stored(let c) = acc, graph.kinds[k].rowCount <= 100_000 else { return [] }
        var seen = Set<UInt32>()
        var out: [String] = []
        for id in graph.kinds[k].idColumn(c) where id != Null.id && seen.insert(id).inserted {
            let s = graph.strings.string(id)
            if s.lowercased().hasPrefix(word.lowercased()) { out.append(quoteIfNeeded(s) + " ") }
        }
        return Collation.sorted(out)
    }

    func quoteIfNeeded(_ s: String) -> String {
        var lx = Lexer(s)
        if let t = try? lx.next(), t.kind != .string, t.text == s, t.keyword == nil, let e = try? lx.next(), e.kind == .eof {
            return s
        }
        return "\"" + s.replacingBackslashQuotes() + "\""
    }
}

extension String {
    func replacingBackslashQuotes() -> String {
        var out = ""
        for ch in unicodeScalars {
            if ch == "\\" || ch == "\"" { out.append("\\") }
            out.unicodeScalars.append(ch)
        }
        return out
    }
}
