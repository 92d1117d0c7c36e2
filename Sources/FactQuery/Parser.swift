/// The query language's parser: recursive descent over the lexer's tokens.
///
/// Grammar (keywords are case-insensitive; full-width punctuation is read as ASCII by the lexer):
///
///     statement  := [explain] (query | count | describe | neighbors | path | find) [';']
///     query      := RELATION {clause}
///     count      := count RELATION {clause}               -- a summary of `count`
///     clause     := where cond | show (columns | '*') | summarize aggs | by columns
///                 | having cond | order by key {',' key} | limit INT [offset INT]
///     describe   := describe value
///     neighbors  := neighbors value [depth INT]
///     path       := path value to value
///     find       := find value
///     columns    := column {',' column}
///     column     := NAME {'.' NAME}
///     aggs       := agg {',' agg}
///     agg        := count | (count|sum|avg|min|max) '(' [distinct] column ')'
///     key        := operand [collate (pinyin|codepoint)] [asc|desc]
///     operand    := agg | column
///     cond       := andCond {or andCond}
///     andCond    := notCond {and notCond}
///     notCond    := {not} primary
///     primary    := '(' cond ')' | has RELATION ['.' NAME] ['(' cond ')'] | predicate
///     predicate  := operand op value
///                 | operand [not] in '(' value {',' value} ')'
///                 | column [not] within value
///                 | operand is [not] null
///     op         := '=' | ':' | '!=' | '~' | '!~' | '<' | '<=' | '>' | '>='
///     value      := WORD | STRING | INT | NUMBER | DATE | $NAME
///
/// Each clause comes at most once, in any order. `and`/`or` chains become one list node and a
/// run of `not`s is folded, so only parentheses and `has(…)` nest; nesting is capped at
/// `Parser.maxDepth` levels (counted once per level), so no input can exhaust the stack.
public struct Parser {
    public static let maxDepth = 64

    var tokens: [Token]
    var i = 0
    var depth = 0
    /// The source's bytes, to give positions in messages as line:column.
    let source: [UInt8]

    init(tokens: [Token], source: [UInt8]) {
        self.tokens = tokens
        self.source = source
    }

    /// Parses one statement from text.
    public static func parse(_ text: String) throws(QueryError) -> Statement {
        let bytes = Array(text.utf8)
        return try parse(bytes: bytes, range: 0..<bytes.count)
    }

    /// Parses the statement in `range` of a longer source; positions in errors and in the tree
    /// are offsets into the whole source.
    public static func parse(bytes: [UInt8], range: Range<Int>) throws(QueryError) -> Statement {
        var lx = Lexer(bytes: bytes, range: range)
        var p = Parser(tokens: try lx.all(), source: bytes)
        return try p.statement()
    }

    /// Line and column (in characters) of a byte offset in the source.
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
    var next: Token { tokens[min(i + 1, tokens.count - 1)] }

    @discardableResult
    mutating func advance() -> Token {
        let t = tokens[i]
        if i < tokens.count - 1 { i += 1 }
        return t
    }

    func error(_ what: String) -> QueryError {
        QueryError(.expected(what, found: tok.kind == .eof ? "end of input" : tok.quoted), tok.range)
    }

    mutating func accept(_ k: Keyword) -> Bool {
        if tok.is(k) { advance(); return true }
        return false
    }

    mutating func expect(_ k: Keyword) throws(QueryError) {
        guard accept(k) else { throw error("'\(k.rawValue)'") }
    }

    // MARK: statements

    mutating func statement() throws(QueryError) -> Statement {
        let s: Statement
        if tok.is(.explain) {
            advance()
            if tok.is(.explain) { throw error("a statement to explain") }
            s = .explain(try body())
        } else {
            s = try body()
        }
        if tok.kind == .semicolon { advance() }
        guard tok.kind == .eof else { throw QueryError(.trailing(tok.quoted), tok.range) }
        return s
    }

    mutating func body() throws(QueryError) -> Statement {
        let first = tok
        guard first.kind == .word || first.kind == .string else {
            throw error("a relation (e.g. awards) or a command (count, describe, neighbors, path, find, explain)")
        }
        switch first.keyword {
        case .count?:
            advance()
            var q = try relation()
            q.range = first.range.lowerBound..<q.range.upperBound
            q.isCountShorthand = true
            q.summary = [Aggregate(function: .count, column: nil, distinct: false, range: first.range)]
            return .query(try clauses(q))
        case .describe?:
            advance()
            return .describe(try value("an entity name"))
        case .neighbors?:
            advance()
            let v = try value("an entity name")
            var d = 1
            if accept(.depth) { d = try integer("depth") }
            return .neighbors(v, depth: d)
        case .path?:
            advance()
            let a = try value("an entity name")
            try expect(.to)
            return .path(a, try value("an entity name"))
        case .find?:
            advance()
            return .find(try value("text to find"))
        case .where?, .show?, .summarize?, .by?, .having?, .order?, .limit?, .offset?, .and?, .or?, .not?,
             .in?, .within?, .is?, .to?, .depth?, .asc?, .desc?, .collate?:
            throw QueryError(.statementStartsWithClause(first.text), first.range)
        default:
            if first.kind == .word, let habit = Habit(first.text) { throw QueryError(.habit(habit), first.range) }
            return .query(try clauses(try relation()))
        }
    }

    mutating func relation() throws(QueryError) -> Query {
        let t = tok
        guard t.kind == .word || t.kind == .string else { throw error("a relation name (e.g. awards)") }
        advance()
        return Query(relation: Name(text: t.text, range: t.range), range: t.range)
    }

    /// The clauses after the relation, each at most once, in any order.
    mutating func clauses(_ q: Query) throws(QueryError) -> Query {
        var q = q
        var seen = Set<Keyword>()
        while tok.kind == .word {
            let t = tok
            guard let k = t.keyword, Self.clauseWords.contains(k) else {
                let s = Suggest.nearest(to: t.text, among: Self.clauseWords.map(\.rawValue))
                throw QueryError(.expected(Self.clauseList, found: t.quoted + (s.isEmpty ? "" : " (did you mean '\(s[0])'?)")), t.range)
            }
            if seen.contains(k) { throw QueryError(.repeatedClause(k.rawValue), t.range) }
            seen.insert(k)
            advance()
            switch k {
            case .where: q.condition = try condition()
            case .by: q.groupBy = try columns()
            case .having: q.having = try condition()
            case .show:
                if q.isCountShorthand { throw QueryError(.clauseConflict("show", with: "count"), t.range) }
                if tok.kind == .star { advance(); q.showAll = true } else { q.show = try columns() }
            case .summarize:
                if q.isCountShorthand { throw QueryError(.clauseConflict("summarize", with: "count"), t.range) }
                var aggs = [try aggregate(bareCount: true)]
                while acceptComma() { aggs.append(try aggregate(bareCount: true)) }
                q.summary = aggs
            case .order:
                try expect(.by)
                repeat { q.order.append(try orderKey()) } while acceptComma()
            default:
                q.limit = try integer("limit")
                if accept(.offset) { q.offset = try integer("offset") }
            }
        }
        return q
    }

    static let clauseWords: [Keyword] = [.where, .show, .summarize, .by, .having, .order, .limit]
    static let clauseList = "where, show, summarize, by, having, order by, limit or end of statement"

    mutating func acceptComma() -> Bool {
        if tok.kind == .comma { advance(); return true }
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
        advance()
        while tok.kind == .dot {
            advance()
            guard tok.kind == .word else { throw error("a column name after '.'") }
            parts.append(Name(text: tok.text, range: tok.range))
            advance()
        }
        return ColumnPath(parts: parts)
    }

    /// An aggregate: `count` alone (when `bareCount`), or `FUNCTION([distinct] column)`.
    mutating func aggregate(bareCount: Bool) throws(QueryError) -> Aggregate {
        let t = tok
        guard t.kind == .word, let k = t.keyword, Keyword.aggregates.contains(k),
              let f = Aggregate.Function(rawValue: k.rawValue) else {
            throw error("an aggregate (count, count(COLUMN), count(distinct COLUMN), sum, avg, min or max of a column)")
        }
        advance()
        if tok.kind != .lparen {
            if f == .count && bareCount { return Aggregate(function: .count, column: nil, distinct: false, range: t.range) }
            throw error("'(' after '\(t.text)'")
        }
        advance()
        let distinct = accept(.distinct)
        let c = try column()
        guard tok.kind == .rparen else { throw error("')' to close '\(t.text)('") }
        let close = advance()
        return Aggregate(function: f, column: c, distinct: distinct, range: t.range.lowerBound..<close.range.upperBound)
    }

    /// A column, or an aggregate written with parentheses.
    mutating func operand() throws(QueryError) -> Operand {
        if let k = tok.keyword, Keyword.aggregates.contains(k), next.kind == .lparen {
            return .aggregate(try aggregate(bareCount: false))
        }
        return .column(try column())
    }

    mutating func orderKey() throws(QueryError) -> OrderKey {
        var key = OrderKey(operand: try operand(), descending: false)
        if accept(.collate) {
            guard tok.kind == .word, let c = Collation(rawValue: tok.text.lowercased()) else {
                throw QueryError(.unknownCollation(tok.kind == .eof ? "end of input" : tok.quoted), tok.range)
            }
            advance()
            key.collation = c
        }
        if accept(.desc) { key.descending = true } else { _ = accept(.asc) }
        return key
    }

    mutating func integer(_ what: String) throws(QueryError) -> Int {
        guard tok.kind == .int, let v = NumberSyntax.int(tok.text), v >= 0, v <= Int64(Int32.max) * 1024 else {
            if tok.kind == .eof { throw error("a whole number after '\(what)'") }
            throw QueryError(.badNumber(tok.text, what: "'\(what)'"), tok.range)
        }
        advance()
        return Int(v)
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
        advance()
        return Literal(form: form, text: t.text, range: t.range)
    }

    // MARK: conditions

    mutating func enter() throws(QueryError) {
        depth += 1
        if depth > Parser.maxDepth { throw QueryError(.tooDeep(limit: Parser.maxDepth), tok.range) }
    }

    mutating func condition() throws(QueryError) -> Condition {
        var terms = [try andCondition()]
        while accept(.or) { terms.append(try andCondition()) }
        return terms.count == 1 ? terms[0] : .any(terms)
    }

    mutating func andCondition() throws(QueryError) -> Condition {
        var terms = [try notCondition()]
        while accept(.and) { terms.append(try notCondition()) }
        return terms.count == 1 ? terms[0] : .all(terms)
    }

    mutating func notCondition() throws(QueryError) -> Condition {
        // A run of `not`s folds: under three-valued logic `not not c` is `c`.
        var negations = 0
        while tok.is(.not) && !next.kind.isComparison { advance(); negations += 1 }
        let c = try primary()
        return negations % 2 == 1 ? .not(c) : c
    }

    mutating func primary() throws(QueryError) -> Condition {
        if tok.kind == .lparen {
            let open = advance()
            try enter()
            let c = try condition()
            depth -= 1
            guard tok.kind == .rparen else {
                throw QueryError(.expected("')' to close the '(' \(whereOpened(open.range.lowerBound, tok.range.lowerBound))",
                                           found: tok.kind == .eof ? "end of input" : tok.quoted), tok.range)
            }
            advance()
            return c
        }
        if tok.is(.has) && next.kind == .word { return try has() }
        return try predicate()
    }

    mutating func has() throws(QueryError) -> Condition {
        let start = advance()
        let rel = advance()
        var test = HasTest(relation: Name(text: rel.text, range: rel.range), column: nil, condition: nil,
                           range: start.range.lowerBound..<rel.range.upperBound)
        if tok.kind == .dot {
            advance()
            guard tok.kind == .word else { throw error("a column of \(rel.text) after '.'") }
            test.column = Name(text: tok.text, range: tok.range)
            test.range = test.range.lowerBound..<tok.range.upperBound
            advance()
        }
        if tok.kind == .lparen {
            let open = advance()
            try enter()
            test.condition = try condition()
            depth -= 1
            guard tok.kind == .rparen else {
                throw QueryError(.expected("')' to close 'has \(rel.text)(' \(whereOpened(open.range.lowerBound, tok.range.lowerBound))",
                                           found: tok.kind == .eof ? "end of input" : tok.quoted), tok.range)
            }
            test.range = test.range.lowerBound..<advance().range.upperBound
        }
        return .has(test)
    }

    mutating func predicate() throws(QueryError) -> Condition {
        guard tok.kind == .word else { throw error("a condition (e.g. city=济宁)") }
        let op = try operand()
        var negated = false
        if tok.is(.not) && (next.is(.in) || next.is(.within)) {
            advance()
            negated = true
        }
        if accept(.in) {
            guard tok.kind == .lparen else { throw error("'(' after 'in'") }
            advance()
            var vals = [try value("a value")]
            while acceptComma() { vals.append(try value("a value")) }
            guard tok.kind == .rparen else { throw error("',' or ')'") }
            advance()
            return .inList(op, vals, negated: negated)
        }
        if tok.is(.within) {
            let w = advance()
            guard case .column(let path) = op else { throw QueryError(.withinOnAggregate, w.range) }
            return .within(path, try value("a place or entity after 'within'"), negated: negated)
        }
        if accept(.is) {
            let neg = accept(.not)
            guard accept(.null) else { throw error("'null' after 'is\(neg ? " not" : "")'") }
            return .isNull(op, negated: neg)
        }
        let opTok = tok
        let cmp: CompareOp
        switch opTok.kind {
        case .eq: cmp = .eq
        case .ne: cmp = .ne
        case .match: cmp = .match
        case .notMatch: cmp = .notMatch
        case .lt: cmp = .lt
        case .le: cmp = .le
        case .gt: cmp = .gt
        case .ge: cmp = .ge
        default: throw error("an operator (= != ~ !~ < <= > >= in within is) after '\(op.text)'")
        }
        advance()
        return .compare(op, cmp, try value("a value after '\(opTok.text)'"))
    }
}

/// Habits from other query shells, answered with what to type instead.
public enum Habit: String, Sendable, Hashable {
    case sql, help, quit, psqlDescribe

    init?(_ word: String) {
        switch word.lowercased() {
        case "select", "from", "insert", "update", "delete", "create", "drop", "with": self = .sql
        case "help", "?", "\\?", "\\h": self = .help
        case "exit", "quit", "\\q": self = .quit
        case "\\d", "\\dt", "\\l": self = .psqlDescribe
        default: return nil
        }
    }
}

import FactGraph
