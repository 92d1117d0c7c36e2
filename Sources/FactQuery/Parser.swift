/// The query language's parser: recursive descent over the lexer's tokens.
///
/// Grammar (keywords are case-insensitive; full-width punctuation is read as ASCII by the lexer):
///
///     statement  := query | count | describe | neighbors | path | find
///     query      := RELATION [where cond] [show columns | show *] [order] [limit]
///     count      := count RELATION [where cond] [by columns] [order] [limit]
///     describe   := describe value
///     neighbors  := neighbors value [depth INT]
///     path       := path value to value
///     find       := find value
///     columns    := column {',' column}
///     column     := NAME ['.' NAME]
///     order      := order by column [asc|desc] {',' column [asc|desc]}
///     limit      := limit INT [offset INT]
///     cond       := andCond {or andCond}
///     andCond    := notCond {and notCond}
///     notCond    := not notCond | '(' cond ')' | predicate
///     predicate  := column op value | column [not] in '(' value {',' value} ')'
///     op         := '=' | ':' | '!=' | '~' | '!~' | '<' | '<=' | '>' | '>='
///     value      := WORD | STRING | INT | NUMBER | DATE | $NAME
///
/// A statement may end with ';'. Nesting of parentheses and `not` is capped at
/// `Parser.maxDepth` levels, so no input can exhaust the stack.
public struct Parser {
    public static let maxDepth = 64
    public static let keywords = ["where", "show", "order", "by", "asc", "desc", "limit", "offset", "count",
                                  "and", "or", "not", "in", "describe", "neighbors", "path", "to", "find", "depth"]
    static let statementWords = ["count", "describe", "neighbors", "path", "find"]

    var tokens: [Token]
    var i = 0
    var depth = 0
    /// The statement's bytes, to give positions in messages as line:column.
    let source: [UInt8]

    public init(tokens: [Token], source: String = "") {
        self.tokens = tokens
        self.source = Array(source.utf8)
    }

    /// Parses one statement from text.
    public static func parse(_ text: String) throws(QueryError) -> Statement {
        var p = Parser(tokens: try Lexer.tokenize(text), source: text)
        return try p.statement()
    }

    /// Line and column (in characters) of a byte offset in the statement.
    func position(_ offset: Int) -> (line: Int, column: Int) {
        var line = 1, col = 1
        for b in source.prefix(offset) {
            if b == 0x0A { line += 1; col = 1 } else if b & 0xC0 != 0x80 { col += 1 }
        }
        return (line, col)
    }

    /// "at column 14" (same line as `here`), or "opened 2 lines above, at column 14".
    func whereOpened(_ offset: Int, _ here: Int) -> String {
        let a = position(offset), b = position(here)
        if a.line == b.line { return "at column \(a.column)" }
        let d = b.line - a.line
        return "opened \(d) line\(d == 1 ? "" : "s") above, at column \(a.column)"
    }

    var tok: Token { tokens[i] }

    mutating func advance() -> Token {
        let t = tokens[i]
        if i < tokens.count - 1 { i += 1 }
        return t
    }

    func error(_ what: String) -> QueryError {
        QueryError(.expected(what, found: tok.kind == .eof ? "end of input" : tok.quoted), tok.range)
    }

    mutating func accept(_ word: String) -> Bool {
        if tok.isWord(word) { _ = advance(); return true }
        return false
    }

    mutating func expectWord(_ word: String) throws(QueryError) {
        guard accept(word) else { throw error("'\(word)'") }
    }

    mutating func statement() throws(QueryError) -> Statement {
        let first = tok
        guard first.kind == .word else { throw error("a relation (e.g. awards) or a command (count, describe, neighbors, path, find)") }
        let s: Statement
        switch first.text.lowercased() {
        case "count":
            _ = advance()
            var q = try query(relationFrom: advance())
            q.isCount = true
            s = .query(try tail(of: q, isCount: true))
        case "describe":
            _ = advance()
            s = .describe(try value("an entity name"))
        case "neighbors", "neighbours":
            _ = advance()
            let v = try value("an entity name")
            var d = 1
            if accept("depth") { d = try integer("depth") }
            s = .neighbors(v, depth: d)
        case "path":
            _ = advance()
            let a = try value("an entity name")
            try expectWord("to")
            let b = try value("an entity name")
            s = .path(a, b)
        case "find":
            _ = advance()
            s = .find(try value("text to find"))
        case "and", "or", "not", "where", "show", "order", "by", "limit", "offset", "in", "to", "depth", "asc", "desc":
            throw QueryError(.expected("a relation or a command", found: "'\(first.text)' (a statement cannot start with it; to go on on the next line, end the line before with 'and', 'or' or an open parenthesis)"), first.range)
        default:
            let q = try query(relationFrom: advance())
            s = .query(try tail(of: q, isCount: false))
        }
        if tok.kind == .semicolon { _ = advance() }
        guard tok.kind == .eof else {
            throw QueryError(.trailing(tok.quoted), tok.range)
        }
        return s
    }

    mutating func query(relationFrom t: Token) throws(QueryError) -> Query {
        guard t.kind == .word || t.kind == .string else {
            i -= (t.kind == .eof ? 0 : 1)
            throw error("a relation name (e.g. awards)")
        }
        return Query(relation: Name(text: t.text, range: t.range))
    }

    /// The clauses after the relation: `where`, `show` (or `by` for a count), `order by`,
    /// `limit`/`offset`, each at most once, in any order.
    mutating func tail(of q: Query, isCount: Bool) throws(QueryError) -> Query {
        var q = q
        var seen = Set<String>()
        while tok.kind == .word {
            let w = tok.text.lowercased()
            let clauses = isCount ? ["where", "by", "order", "limit"] : ["where", "show", "order", "limit"]
            guard clauses.contains(w) else {
                let s = FactGraphSuggest.nearest(w, clauses)
                throw QueryError(.expected(clauseList(q, isCount), found: tok.quoted + (s.isEmpty ? "" : " (did you mean '\(s[0])'?)")), tok.range)
            }
            if seen.contains(w) {
                throw QueryError(.expected(clauseList(q, isCount), found: "a second '\(w)'"), tok.range)
            }
            seen.insert(w)
            _ = advance()
            switch w {
            case "where": q.condition = try condition()
            case "by": q.groupBy = try columns()
            case "show":
                if tok.kind == .star { _ = advance(); q.showAll = true } else { q.show = try columns() }
            case "order":
                try expectWord("by")
                repeat {
                    let c = try column()
                    var desc = false
                    if accept("desc") { desc = true } else { _ = accept("asc") }
                    q.order.append(OrderKey(column: c, descending: desc))
                } while acceptComma()
            default:
                q.limit = try integer("limit")
                if accept("offset") { q.offset = try integer("offset") }
            }
        }
        return q
    }

    func clauseList(_ q: Query, _ isCount: Bool) -> String {
        isCount ? "where, by, order by, limit or end of statement" : "where, show, order by, limit or end of statement"
    }

    mutating func acceptComma() -> Bool {
        if tok.kind == .comma { _ = advance(); return true }
        return false
    }

    mutating func columns() throws(QueryError) -> [ColumnPath] {
        var out = [try column()]
        while acceptComma() { out.append(try column()) }
        return out
    }

    mutating func column() throws(QueryError) -> ColumnPath {
        guard tok.kind == .word else { throw error("a column name") }
        var parts = [Name(text: tok.text, range: tok.range)]
        _ = advance()
        while tok.kind == .dot {
            _ = advance()
            guard tok.kind == .word else { throw error("a column name after '.'") }
            parts.append(Name(text: tok.text, range: tok.range))
            _ = advance()
        }
        return ColumnPath(parts: parts)
    }

    mutating func integer(_ what: String) throws(QueryError) -> Int {
        guard tok.kind == .int, let v = Int(tok.text), v >= 0 else {
            if tok.kind == .eof { throw error("a whole number after '\(what)'") }
            throw QueryError(.badNumber(tok.text, what: "'\(what)'"), tok.range)
        }
        _ = advance()
        return v
    }

    mutating func value(_ what: String) throws(QueryError) -> Literal {
        let t = tok
        let form: Literal.Form
        switch t.kind {
        case .word: form = .word
        case .string: form = .string
        case .int: form = .int
        case .number: form = .number
        case .date: form = .date
        case .param: form = .param
        default: throw error(what)
        }
        _ = advance()
        return Literal(form: form, text: t.text, range: t.range)
    }

    // MARK: conditions

    mutating func condition() throws(QueryError) -> Condition {
        depth += 1
        defer { depth -= 1 }
        if depth > Parser.maxDepth { throw QueryError(.tooDeep(limit: Parser.maxDepth), tok.range) }
        var left = try andCondition()
        while accept("or") { left = .or(left, try andCondition()) }
        return left
    }

    mutating func andCondition() throws(QueryError) -> Condition {
        var left = try notCondition()
        while accept("and") { left = .and(left, try notCondition()) }
        return left
    }

    mutating func notCondition() throws(QueryError) -> Condition {
        depth += 1
        defer { depth -= 1 }
        if depth > Parser.maxDepth { throw QueryError(.tooDeep(limit: Parser.maxDepth), tok.range) }
        if accept("not") { return .not(try notCondition()) }
        if tok.kind == .lparen {
            let open = advance()
            let c = try condition()
            guard tok.kind == .rparen else {
                throw QueryError(.expected("')' to close the '(' \(whereOpened(open.range.lowerBound, tok.range.lowerBound))", found: tok.kind == .eof ? "end of input" : tok.quoted), tok.range)
            }
            _ = advance()
            return c
        }
        return try predicate()
    }

    mutating func predicate() throws(QueryError) -> Condition {
        guard tok.kind == .word else { throw error("a condition (e.g. city=济宁)") }
        let col = try column()
        var negated = false
        if tok.isWord("not") {
            _ = advance()
            negated = true
            guard tok.isWord("in") else { throw error("'in' after 'not'") }
        }
        if accept("in") {
            guard tok.kind == .lparen else { throw error("'(' after 'in'") }
            _ = advance()
            var vals = [try value("a value")]
            while acceptComma() { vals.append(try value("a value")) }
            guard tok.kind == .rparen else { throw error("',' or ')'") }
            _ = advance()
            return .inList(col, vals, negated: negated)
        }
        let opTok = tok
        let op: CompareOp
        switch opTok.kind {
        case .eq: op = .eq
        case .ne: op = .ne
        case .match: op = .match
        case .notMatch: op = .notMatch
        case .lt: op = .lt
        case .le: op = .le
        case .gt: op = .gt
        case .ge: op = .ge
        default: throw error("an operator (= != ~ !~ < <= > >= in) after '\(col.text)'")
        }
        _ = advance()
        return .compare(col, op, try value("a value after '\(opTok.text)'"))
    }
}

import FactGraph

enum FactGraphSuggest {
    static func nearest(_ w: String, _ among: [String]) -> [String] { Suggest.nearest(to: w, among: among) }
}
