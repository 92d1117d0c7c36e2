/// "Is this input a whole statement yet?" — the language's answer, which the shell asks before
/// showing a continuation prompt (like `sqlite3_complete`).
///
/// Input is unfinished while a string is open, a parenthesis is open, or it ends with a word or
/// operator that needs something after it (`and`, `or`, `not`, `where`, `=`, `,` …). A `;` at
/// the end always finishes it. Dot-commands are one line.
public enum Completeness {
    static let needsMore: Set<String> = ["and", "or", "not", "where", "show", "by", "order", "in", "to",
                                         "depth", "limit", "offset", "count", "describe", "neighbors", "path", "find"]

    public static func isComplete(_ text: String) -> Bool {
        var lx = Lexer(text)
        var depth = 0
        var last: Token? = nil
        var sawAny = false
        while true {
            let t: Token
            do { t = try lx.next() } catch {
                // An open string wants more; any other error is reported as it is.
                return error.problem != .unterminatedString
            }
            if t.kind == .eof { break }
            if !sawAny, t.kind == .dot { return true }      // a dot-command
            sawAny = true
            switch t.kind {
            case .lparen: depth += 1
            case .rparen: depth = max(0, depth - 1)
            default: break
            }
            last = t
        }
        guard let last else { return true }
        if last.kind == .semicolon { return true }
        if depth > 0 { return false }
        if last.kind.isComparison || last.kind == .comma || last.kind == .dot { return false }
        if last.kind == .word && needsMore.contains(last.text.lowercased()) {
            // "awards where level=and" is complete; only a keyword in keyword position counts.
            return false
        }
        return true
    }

    /// Splits a script into statements: lines gather until the statement is complete, and `;`
    /// ends a statement within a line. Comments (`#`, `--`) and blank lines are dropped. Each
    /// statement keeps its 1-based first line number for error positions.
    public static func split(_ script: String) -> [(text: String, line: Int)] {
        var out: [(String, Int)] = []
        var pending = ""
        var pendingLine = 0
        var lineNo = 0
        for raw in script.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNo += 1
            var line = String(raw)
            if line.hasSuffix("\r") { line.removeLast() }
            if pending.isEmpty {
                let trimmed = line.trimmingASCIISpaces()
                if trimmed.isEmpty || trimmed.hasPrefix("#") || trimmed.hasPrefix("--") { continue }
                if trimmed.hasPrefix(".") { out.append((trimmed, lineNo)); continue }
                pendingLine = lineNo
                pending = line
            } else {
                pending += "\n" + line
            }
            if isComplete(pending) {
                for (s, offsetLines) in splitSemicolons(pending) {
                    out.append((s, pendingLine + offsetLines))
                }
                pending = ""
            }
        }
        if !pending.trimmingASCIISpaces().isEmpty {
            for (s, offsetLines) in splitSemicolons(pending) { out.append((s, pendingLine + offsetLines)) }
        }
        return out
    }

    /// One statement of a complete input, with its line offset within that input.
    public static func splitStatements(_ text: String) -> [(text: String, lineOffset: Int)] {
        splitSemicolons(text).map { ($0.0, $0.1) }
    }

    /// Splits at top-level `;` tokens, keeping each statement's line offset. Statements that are
    /// only comments or blank are dropped.
    static func splitSemicolons(_ text: String) -> [(String, Int)] {
        let bytes = Array(text.utf8)
        var lx = Lexer(text)
        var cuts: [Int] = []
        while let t = try? lx.next(), t.kind != .eof {
            if t.kind == .semicolon { cuts.append(t.range.upperBound) }
        }
        var out: [(String, Int)] = []
        var start = 0
        for c in cuts + [bytes.count] where c > start || c == bytes.count {
            let piece = String(decoding: bytes[start..<c], as: UTF8.self)
            let lead = bytes[..<start].filter { $0 == 0x0A }.count
            var stripped = piece
            // Leading blank lines move the line number on.
            var extra = 0
            while let nl = stripped.firstIndex(of: "\n"), stripped[..<nl].allSatisfy({ $0 == " " || $0 == "\t" || $0 == "\r" }) {
                stripped = String(stripped[stripped.index(after: nl)...])
                extra += 1
            }
            if isOnlyComment(stripped) { start = c; continue }
            out.append((stripped, lead + extra))
            start = c
        }
        return out
    }

    static func isOnlyComment(_ s: String) -> Bool {
        var lx = Lexer(s)
        guard let t = try? lx.next() else { return false }
        return t.kind == .eof || t.kind == .semicolon && ((try? lx.next())?.kind == .eof)
    }
}
