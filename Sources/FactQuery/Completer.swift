import FactGraph

/// Context-aware completion for the shell's Tab key: what may stand where the cursor is.
///
/// Relations and commands at the start; columns after `where`, `show`, `by`, `order by`, `and`,
/// `or`, `(`; entity names after `=` on an entity-valued column and after `describe`,
/// `neighbors`, `path … to`, `find` — matched by prefix, or from pinyin (`ji` offers 济宁);
/// known values after `=` on a text column; clause keywords after a complete condition.
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
        let stops: Set<Character> = [" ", "\t", "=", "＝", "(", "（", ",", "，", "<", ">", "!", "~", "～", ":", "：", ".", "\"", "“", "'", "‘", "「"]
        while ws > 0 && !stops.contains(chars[ws - 1]) { ws -= 1 }
        let word = String(chars[ws..<cur])
        let before = String(chars[..<ws])
        let toks: [Token] = {
            var lx = Lexer(before)
            var out: [Token] = []
            while let t = try? lx.next(), t.kind != .eof { out.append(t) }
            return out
        }()
        let cands = candidates(after: toks, word: word)
        return (ws, cands)
    }

    func candidates(after toks: [Token], word: String) -> [String] {
        let g = graph
        let lw = word.lowercased()
        func prefixed(_ xs: [String]) -> [String] {
            var seen = Set<String>()
            return xs.filter { $0.lowercased().hasPrefix(lw) && seen.insert($0).inserted }
        }
        let relations = g.kinds.map(\.plural)
        guard let last = toks.last else {
            return prefixed(relations + ["count", "describe", "neighbors", "path", "find"]).map { $0 + " " }
        }
        // The relation, if the statement names one.
        var relKind: Int? = nil
        if let first = toks.first {
            if first.is(.count), toks.count >= 2 { relKind = g.kind(named: toks[1].text) }
            else if first.kind == .word { relKind = g.kind(named: first.text) }
        }
        let lastWord = last.kind == .word ? last.text.lowercased() : ""
        if toks.count == 1 && lastWord == "count" { return prefixed(relations).map { $0 + " " } }
        if ["describe", "neighbors", "find", "to"].contains(lastWord) || (toks.count == 1 && lastWord == "path") {
            return entityNames(word, target: nil)
        }
        if toks.first?.is(.path) == true && toks.count == 2 { return prefixed(["to"]).map { $0 + " " } }
        if let k = relKind {
            let kind = g.kinds[k]
            let columns = Binder.columnNames(of: kind, g)
            if last.kind == .dot, let path = columnBefore(Array(toks.dropLast()) + [Token(kind: .eq, range: 0..<0, text: "=")]) {
                // After `honor.` or `recipient.city.`: the columns of the kinds that path names.
                let b = Binder(g: g, parameters: [:], notes: NoteSink())
                guard let acc = try? b.path(path, in: k), case .entity(let t) = b.type(acc, in: k) else { return [] }
                var names: [String] = []
                for tk in b.kinds(of: t) { names += Binder.columnNames(of: g.kinds[tk], g) }
                return prefixed(names)
            }
            if ["where", "and", "or", "not", "show", "by"].contains(lastWord) || last.kind == .lparen
                || (last.kind == .comma && !inList(toks)) {
                return prefixed(columns)
            }
            if lastWord == "order" { return prefixed(["by"]).map { $0 + " " } }
            if last.kind.isComparison || (last.kind == .comma && inList(toks)) || (last.kind == .lparen) {
                // The column before the operator (or before 'in (').
                guard let col = columnBefore(toks) else { return [] }
                let r = Binder(g: g, parameters: [:], notes: NoteSink())
                guard let acc = try? r.path(col, in: k) else { return [] }
                switch r.type(acc, in: k) {
                case .entity(let t): return entityNames(word, target: t)
                case .text, .dynamic: return textValues(acc, k, word)
                default: return []
                }
            }
            if last.kind == .rparen || [.word, .string, .int, .number, .date].contains(last.kind) {
                let isCount = toks.first?.is(.count) == true
                let kw = isCount ? ["where", "by", "order by", "limit", "and", "or"] : ["where", "show", "order by", "limit", "and", "or", "desc", "asc", "offset"]
                return prefixed(kw).map { $0 + " " }
            }
        }
        return []
    }

    func inList(_ toks: [Token]) -> Bool {
        var depth = 0
        for t in toks.reversed() {
            if t.kind == .rparen { depth += 1 }
            if t.kind == .lparen {
                if depth == 0 { return true }
                depth -= 1
            }
        }
        return false
    }

    /// The column path that the current value belongs to: before the operator, or before `in (`.
    func columnBefore(_ toks: [Token]) -> ColumnPath? {
        var i = toks.count - 1
        if toks[i].kind == .comma || toks[i].kind == .lparen {
            // walk back to the '(' of the in-list, then past 'in' (and 'not')
            var depth = 0
            while i >= 0 {
                if toks[i].kind == .rparen { depth += 1 }
                if toks[i].kind == .lparen { if depth == 0 { break }; depth -= 1 }
                i -= 1
            }
            i -= 1
            if i >= 0 && toks[i].is(.in) { i -= 1 }
            if i >= 0 && toks[i].is(.not) { i -= 1 }
        } else {
            i -= 1
        }
        guard i >= 0, toks[i].kind == .word else { return nil }
        var parts = [Name(text: toks[i].text, range: toks[i].range)]
        while i >= 2 && toks[i - 1].kind == .dot && toks[i - 2].kind == .word {
            parts.insert(Name(text: toks[i - 2].text, range: toks[i - 2].range), at: 0)
            i -= 2
        }
        return ColumnPath(parts: parts)
    }

    /// Entity names by prefix, then by pinyin, one per entity, quoted when they need it.
    ///
    /// For each entity the shortest of its names that the word leads to is offered: typed
    /// Chinese or a matching ASCII alias by prefix; ASCII that is the entity's pinyin (or its
    /// initials) offers its shortest Chinese name, so `city=ji` offers 济宁. Entities of the
    /// column's own kind come first; other places (for a place column) only if there are none.
    func entityNames(_ word: String, target: RefTarget?) -> [String] {
        let g = graph
        let lw = word.lowercased()
        let asciiWord = !lw.isEmpty && lw.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) }
        let usePinyin = asciiWord && g.entityCount <= 50_000
        // entity → (rank: 0 own kind / 1 other place, by pinyin?, best name)
        var best: [EntityID: (rank: Int, pinyin: Bool, name: String)] = [:]
        var order: [EntityID] = []
        for (name, e) in g.allNames() {
            let k = Int(g.entityKind[Int(e)])
            var rank = 0
            switch target {
            case .kind(let tk)?:
                if k != tk {
                    guard g.kinds[tk].role == .place && g.kinds[k].role == .place else { continue }
                    rank = 1
                }
            case .anyPlace?: if g.kinds[k].role != .place { continue }
            default: break
            }
            let byPrefix = name.lowercased().hasPrefix(lw)
            let byPinyin = !byPrefix && usePinyin && !Pinyin.isASCII(name)
                && (Pinyin.full(name).hasPrefix(lw) || Pinyin.initials(name).hasPrefix(lw))
            guard byPrefix || byPinyin else { continue }
            // For ASCII input, a Chinese name reached by pinyin beats an ASCII alias.
            let viaPinyin = byPinyin || (asciiWord && !Pinyin.isASCII(name))
            if let old = best[e] {
                let better = (viaPinyin && !old.pinyin && asciiWord) || (viaPinyin == old.pinyin && name.count < old.name.count)
                if better { best[e] = (rank, viaPinyin, name) }
            } else {
                best[e] = (rank, viaPinyin, name)
                order.append(e)
            }
            if order.count > 2000 { break }
        }
        let ownKind = order.filter { best[$0]!.rank == 0 }
        let chosen = ownKind.isEmpty ? order : ownKind
        let names = chosen.map { best[$0]!.name }.sorted { $0.count != $1.count ? $0.count < $1.count : $0 < $1 }
        var seen = Set<String>()
        return names.filter { seen.insert($0).inserted }.prefix(100).map { quoteIfNeeded($0) + " " }
    }

    /// Distinct values of a text column starting with the word.
    func textValues(_ acc: Accessor, _ k: Int, _ word: String) -> [String] {
        // One hop (honor.level): the values of the column in the target kind.
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
        return out.sorted()
    }

    func quoteIfNeeded(_ s: String) -> String {
        var lx = Lexer(s)
        if let t = try? lx.next(), t.kind != .string, t.text == s, let e = try? lx.next(), e.kind == .eof,
           Keyword.table[s.lowercased()] == nil {
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
