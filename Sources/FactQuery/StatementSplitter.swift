/// The one owner of statement boundaries, for the interactive shell, scripts, `.read`, `-c`
/// and standard input alike (as `sqlite3_complete` is for sqlite3's shell).
///
/// Lines are fed in as they come. A line that starts with `.` when no statement is pending is
/// a dot-command. Otherwise lines gather into a chunk; `;` (outside strings and comments) ends
/// a statement anywhere, and the text after the last `;` is a statement once the parser can read
/// it without running out of input — the parser's own "unexpected end of input", as Lua's REPL
/// decides when to ask for a continuation line. So `awards where` and `(city=济宁 and` ask for
/// more, and `count awards where edition=to` does not.
///
///     var s = StatementSplitter()
///     s.feed("count awards; count honors", line: 1)   // two pieces
///     s.feed("awards where city=济宁 and", line: 2)   // none yet: s.isPending
///     s.feed("year>=2024", line: 3)                   // one piece spanning lines 2–3
///
/// A piece keeps the whole chunk it came from and its byte range in it, so an error points at
/// the line and column of the original input. A leading byte-order mark and CRLF line ends are
/// accepted.
public struct StatementSplitter {
    /// One statement or dot-command.
    public struct Piece: Sendable {
        /// The chunk of input the statement is part of (whole lines).
        public let chunk: [UInt8]
        /// The statement's bytes within `chunk` (without a trailing `;`).
        public let range: Range<Int>
        /// The input line number of the chunk's first line.
        public let firstLine: Int
        public let isDotCommand: Bool

        /// The statement's text.
        public var text: String { String(decoding: chunk[range], as: UTF8.self) }
        /// The whole chunk as text (for error rendering).
        public var chunkText: String { String(decoding: chunk, as: UTF8.self) }
        /// The line on which the statement starts.
        public var line: Int { firstLine + chunk[..<range.lowerBound].reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) } }
    }

    var chunk: [UInt8] = []
    var chunkLine = 0
    /// Bytes of `chunk` already handed out as pieces (up to and including a `;`).
    var consumed = 0
    var sawFirstLine = false

    public init() {}

    /// Whether an unfinished statement is waiting for more lines.
    public var isPending: Bool { !chunk.isEmpty }

    /// Feeds one line (without its line end); returns the statements it completes.
    public mutating func feed(_ line: String, line number: Int) -> [Piece] {
        var bytes = Array(line.utf8)
        if bytes.last == 0x0D { bytes.removeLast() }
        if !sawFirstLine {
            sawFirstLine = true
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        }
        if chunk.isEmpty {
            var s = 0
            while s < bytes.count && (bytes[s] == 0x20 || bytes[s] == 0x09) { s += 1 }
            if s < bytes.count && bytes[s] == UInt8(ascii: ".") {
                var e = bytes.count
                while e > s && (bytes[e - 1] == 0x20 || bytes[e - 1] == 0x09) { e -= 1 }
                return [Piece(chunk: bytes, range: s..<e, firstLine: number, isDotCommand: true)]
            }
            chunkLine = number
            consumed = 0
            chunk = bytes
        } else {
            chunk.append(0x0A)
            chunk.append(contentsOf: bytes)
        }
        return take(final: false)
    }

    /// The end of input: whatever is pending is a statement (and gets its error, if any).
    public mutating func finish() -> [Piece] {
        guard !chunk.isEmpty else { return [] }
        return take(final: true)
    }

    /// Splits the pending chunk at `;`, and decides whether its tail is finished.
    mutating func take(final: Bool) -> [Piece] {
        var out: [Piece] = []
        let cuts = Self.semicolons(chunk, from: consumed)
        var start = consumed
        for c in cuts.semicolons {
            if Self.hasTokens(chunk, start..<c) {
                out.append(Piece(chunk: chunk, range: start..<c, firstLine: chunkLine, isDotCommand: false))
            }
            start = c + 1
        }
        consumed = start
        let tail = start..<chunk.count
        if !Self.hasTokens(chunk, tail) && !cuts.openString {
            chunk = []
            return out
        }
        if !final && (cuts.openString || Self.wantsMore(chunk, tail)) { return out }
        out.append(Piece(chunk: chunk, range: tail, firstLine: chunkLine, isDotCommand: false))
        chunk = []
        return out
    }

    /// Offsets of top-level `;` tokens from `start`, and whether a string is left open. Lexing
    /// errors other than an open string are skipped over here; the parser reports them.
    static func semicolons(_ bytes: [UInt8], from start: Int) -> (semicolons: [Int], openString: Bool) {
        var lx = Lexer(bytes: bytes, range: start..<bytes.count)
        var out: [Int] = []
        while true {
            do {
                let t = try lx.next()
                if t.kind == .eof { return (out, false) }
                if t.kind == .semicolon { out.append(t.range.lowerBound) }
            } catch {
                if error.problem == .unterminatedString { return (out, true) }
                // lx moved past the bad character; go on.
            }
        }
    }

    /// Whether the range holds any token (not just blanks and comments).
    static func hasTokens(_ bytes: [UInt8], _ r: Range<Int>) -> Bool {
        var lx = Lexer(bytes: bytes, range: r)
        do { return try lx.next().kind != .eof } catch { return true }
    }

    /// Whether the parser runs out of input in `r`.
    static func wantsMore(_ bytes: [UInt8], _ r: Range<Int>) -> Bool {
        do {
            _ = try Parser.parse(bytes: bytes, range: r)
            return false
        } catch {
            return error.wantsMoreInput
        }
    }

    /// Whether `text` (the lines typed so far) is finished: the shell's question before it
    /// shows a continuation prompt.
    public static func isComplete(_ text: String) -> Bool {
        var s = StatementSplitter()
        var n = 0
        for line in lines(text) {
            n += 1
            _ = s.feed(line, line: n)
        }
        return !s.isPending
    }

    /// The lines of a text, split at LF only (a CRLF's CR stays, and `feed` drops it): Swift's
    /// `split(separator: "\n")` would not split "\r\n", which is one Character.
    public static func lines(_ text: String) -> [String] {
        text.utf8.split(separator: 0x0A, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Every statement of a whole script.
    public static func split(_ script: String, firstLine: Int = 1) -> [Piece] {
        var s = StatementSplitter()
        var out: [Piece] = []
        var n = firstLine - 1
        for line in lines(script) {
            n += 1
            out += s.feed(line, line: n)
        }
        return out + s.finish()
    }
}
