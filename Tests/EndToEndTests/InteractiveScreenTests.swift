import Foundation
import Testing

/// Results on a real screen (tmux): a long result shows its first and last rows and the count
/// and returns at once, `.maxrows off` shows every row, `.pager on` goes through less, a table
/// too wide for the terminal switches to line layout; `-cmd`, `exit` and `.exit CODE` at the
/// prompt; `TERM=dumb` gets no escape code. Fails when tmux is not installed.
@Suite(
    "Results on a real screen",
    .serialized
)
struct InteractiveScreenTests {
    /// Runs `statement` at the prompt and waits until the prompt is back.
    func run(_ shell: TmuxSession, _ statement: String, timeout: Double = 15) throws {
        shell.type(statement)
        try shell.wait(for: "'\(statement)' typed") { $0.last == shell.promptLine(statement) }
        shell.press("Enter")
        try shell.wait(for: "'\(statement)' run") { $0.last != shell.promptLine(statement) }
        try shell.waitForIdlePrompt(timeout: timeout)
    }

    @Test("awards on the 100k graph returns within a second showing its first and last rows and the count")
    func aHugeResultReturnsAtOnce() throws {
        let graph = try InteractiveStatementTests.genGraph100k.get()
        let shell = try TmuxSession.start(arguments: ["--import-csv", graph.path])
        defer { shell.close() }
        try shell.waitForPrompt(timeout: 60)
        shell.type("awards")
        try shell.wait(for: "awards typed") { $0.last == shell.promptLine("awards") }
        let started = Date()
        shell.press("Enter")
        try shell.wait(for: "the count", timeout: 10) { rows in rows.contains { $0.hasPrefix("(500000 rows, ") } }
        try shell.waitForIdlePrompt(timeout: 10)
        let seconds = Date().timeIntervalSince(started)
        #expect(seconds < 1, "took \(seconds) s")
        let rows = shell.screen
        let footer = try #require(rows.last { $0.hasPrefix("(500000 rows, ") }, "no count: \(rows)")
        #expect(footer.hasSuffix(" shown)"))
        // The whole table is on the screen: its top border, rows, the … row, the bottom border.
        #expect(rows.contains { $0.hasPrefix("┌") } && rows.contains { $0.hasPrefix("└") })
        #expect(rows.contains { $0.hasPrefix("│ …") })
        #expect(rows.count <= TmuxSession.height)
    }

    @Test(".maxrows off shows every row; by default a result longer than the screen is cut")
    func maxRowsOffShowsEverything() throws {
        let shell = try TmuxSession.start(arguments: ["--no-rc"])
        defer { shell.close() }
        try shell.waitForPrompt()
        try run(shell, "honors")   // 33 rows: longer than a 30-row screen
        #expect(shell.screen.contains { $0.hasPrefix("(33 rows, ") && $0.hasSuffix(" shown)") })
        try run(shell, ".maxrows off")
        try run(shell, "honors")
        #expect(shell.screen.contains("(33 rows)"))
        try run(shell, ".maxrows 4")
        try run(shell, "honors")
        #expect(shell.screen.contains("(33 rows, 4 shown)"))
    }

    @Test(".pager on pipes a long result through less; q comes back to the prompt")
    func pagerShowsLongResults() throws {
        let shell = try TmuxSession.start(arguments: ["--no-rc"])
        defer { shell.close() }
        try shell.waitForPrompt()
        try run(shell, ".pager on")
        shell.type("honors")
        shell.press("Enter")
        // less shows the top of the whole table and waits (its ':' prompt on the last row).
        let rows = try shell.wait(for: "less showing the table") { rows in
            rows.first?.hasPrefix("┌") == true && rows.last.map { $0 == ":" || $0.hasPrefix(":") } == true
        }
        #expect(!rows.contains { $0.hasPrefix("(33 rows, ") })
        shell.press("G")   // the end: every row went to the pager
        try shell.wait(forText: "(33 rows)")
        shell.press("q")
        try shell.waitForIdlePrompt()
        // A short result does not start the pager.
        try run(shell, "count awards")
        #expect(shell.screen.contains("(1 row)"))
    }

    @Test("A table too wide for 60 columns switches to line layout; .mode table keeps the table")
    func wideTablesSwitchToLines() throws {
        let shell = try TmuxSession.start(arguments: ["--no-rc"], columns: 60)
        defer { shell.close() }
        try shell.waitForPrompt()
        try run(shell, "awards where city=潍坊 show * limit 1")
        var rows = shell.screen
        #expect(rows.contains("     recipient = 潍柴动力股份有限公司"), "\(rows)")
        #expect(rows.contains("        source = weifang-2021-09-17:11"))
        #expect(!rows.contains { $0.hasPrefix("┌") })
        // A narrow result stays a table; a chosen table stays a table.
        try run(shell, "count awards by city")
        #expect(shell.screen.contains { $0.hasPrefix("┌") })
        shell.press("C-l")
        try run(shell, ".mode table")
        try run(shell, "awards where city=潍坊 show * limit 1")
        rows = shell.screen
        #expect(rows.contains { $0.hasPrefix("┌") })
    }

    @Test("-cmd runs before the prompt; exit leaves; .exit 3 exits 3")
    func cmdAndExitAtThePrompt() throws {
        let shell = try TmuxSession.start(arguments: ["--no-rc", "-cmd", ".print started", "-cmd", ".mode csv"])
        defer { shell.close() }
        try shell.waitForPrompt()
        #expect(shell.screen.contains("started"))
        try run(shell, "count awards")
        #expect(shell.screen.contains("21"))
        shell.type(".exit 3")
        shell.press("Enter")
        #expect(try shell.waitForExit() == 3)

        let second = try TmuxSession.start(arguments: ["--no-rc"])
        defer { second.close() }
        try second.waitForPrompt()
        second.type("exit")
        second.press("Enter")
        #expect(try second.waitForExit() == 0)
    }

    @Test("TERM=dumb gets no escape code; another terminal gets a bold header")
    func dumbTerminal() throws {
        let dumb = try TmuxSession.start(arguments: ["--no-rc"], environment: ["TERM": "dumb"])
        defer { dumb.close() }
        try dumb.waitForPrompt()
        try run(dumb, "count awards by city")
        #expect(dumb.screen.contains("(2 rows)"))
        #expect(!dumb.screenWithAttributes.contains("\u{1B}["), "\(dumb.screenWithAttributes)")

        let colour = try TmuxSession.start(arguments: ["--no-rc"])
        defer { colour.close() }
        try colour.waitForPrompt()
        try run(colour, "count awards by city")
        #expect(colour.screenWithAttributes.contains("\u{1B}[1m"))
    }
}
