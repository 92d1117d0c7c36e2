import Foundation
import Testing

/// The interactive shell in a real terminal (tmux): line editing with Chinese, completion,
/// multi-line statements, history, Ctrl-C and Ctrl-D. Fails when tmux is not installed.
@Suite(
    "Interactive shell in a real terminal",
    .serialized
)
struct InteractiveShellTests {
    @Test("Cursor movement and editing across double-width Chinese characters")
    func chineseCursorMovement() throws {
        let shell = try TmuxSession.start()
        try shell.waitForPrompt()
        let base = shell.promptColumn

        shell.type("济宁")
        try shell.wait(for: "济宁 on the prompt line") { $0.last == shell.promptLine("济宁") }
        #expect(shell.cursor.x == base + 4)

        shell.press("C-a")
        try shell.wait(for: "the cursor at the start of the line") { _ in shell.cursor.x == base }

        // Inserting before a wide character is where a libedit that uses the terminal's
        // insert-character capability puts the cursor a column off.
        shell.type("ab")
        try shell.wait(for: "ab before 济宁") { $0.last == shell.promptLine("ab济宁") }
        #expect(shell.cursor.x == base + 2)

        shell.press("C-e")
        try shell.wait(for: "the cursor at the end") { _ in shell.cursor.x == base + 6 }

        shell.press("Left")
        try shell.wait(for: "the cursor between 济 and 宁") { _ in shell.cursor.x == base + 4 }

        shell.press("BSpace")
        try shell.wait(for: "济 deleted") { $0.last == shell.promptLine("ab宁") }
        #expect(shell.cursor.x == base + 2)

        shell.press("C-a", "Right", "Right", "Right")
        try shell.wait(for: "the cursor after 宁") { _ in shell.cursor.x == base + 4 }
        #expect(shell.cursorRow == shell.promptLine("ab宁"))
    }

    @Test("Deleting and inserting in front of Chinese keeps the cursor and the line right")
    func chineseDeleteAndInsertInPlace() throws {
        // Measured: with the terminal's delete/insert-character capabilities, libedit leaves
        // the cursor one column off after Ctrl-D in front of a wide character, and the next
        // character typed garbles the line.
        let shell = try TmuxSession.start()
        try shell.waitForPrompt()
        let base = shell.promptColumn

        shell.type("济宁山东")
        try shell.wait(for: "济宁山东 typed") { $0.last == shell.promptLine("济宁山东") }
        shell.press("C-a", "C-d")
        try shell.wait(for: "济 deleted forward") { $0.last == shell.promptLine("宁山东") }
        #expect(shell.cursor.x == base)

        shell.type("潍")
        try shell.wait(for: "潍 inserted") { $0.last == shell.promptLine("潍宁山东") }
        #expect(shell.cursor.x == base + 2)

        shell.press("Right", "C-d")
        try shell.wait(for: "山 deleted forward") { $0.last == shell.promptLine("潍宁东") }
        #expect(shell.cursor.x == base + 4)

        shell.type("x")
        try shell.wait(for: "x inserted between wide characters") { $0.last == shell.promptLine("潍宁x东") }
        #expect(shell.cursor.x == base + 5)
    }

    @Test("Tab completes a relation name")
    func tabCompletesRelation() throws {
        let shell = try TmuxSession.start()
        try shell.waitForPrompt()

        shell.type("aw")
        try shell.wait(for: "aw typed") { $0.last == shell.promptLine("aw") }
        shell.press("Tab")
        try shell.wait(for: "aw completed to awards") { $0.last == shell.promptLine("awards") }
        // The candidate carries the space that ends the word.
        try shell.wait(for: "the cursor after \"awards \"") { _ in shell.cursor.x == shell.promptColumn + 7 }
    }

    @Test("Tab offers 济宁 for pinyin ji after city=")
    func tabOffersChineseCityFromPinyin() throws {
        let shell = try TmuxSession.start()
        try shell.waitForPrompt()

        shell.type("awards where city=ji")
        try shell.wait(for: "the query typed") { $0.last == shell.promptLine("awards where city=ji") }
        shell.press("Tab")
        do {
            try shell.wait(forText: "济宁", timeout: 3)
        } catch {
            // Several candidates and nothing to extend: a second Tab lists them.
            shell.press("Tab")
            try shell.wait(forText: "济宁")
        }
        let rows = shell.screen
        let promptRows = rows.filter { $0.hasPrefix(shell.promptRow) }
        // Either the word was replaced on the line, or 济宁 is listed below it with the line
        // redrawn unchanged.
        #expect(
            promptRows.last == shell.promptLine("awards where city=济宁")
                || (promptRows.last == shell.promptLine("awards where city=ji")
                    && rows.contains { !$0.hasPrefix(shell.promptRow) && $0.contains("济宁") }),
            "screen:\n\(rows.joined(separator: "\n"))")
    }

    @Test("A multi-line statement shows the continuation prompt and is one history entry")
    func multiLineStatementIsOneHistoryEntry() throws {
        let shell = try TmuxSession.start()
        try shell.waitForPrompt()

        shell.type("awards where")
        shell.press("Enter")
        let continuation = try shell.wait(for: "the continuation prompt") { rows in
            rows.count >= 2 && rows[rows.count - 2] == shell.promptLine("awards where")
                && rows.last!.hasSuffix("...>")
        }
        let continuationRow = continuation.last!
        let continuationColumn = shell.cursor.x
        #expect(continuationColumn >= continuationRow.count)

        shell.type(" city=济宁")
        try shell.wait(for: "the second line typed") { rows in
            rows.last == continuationRow.padding(toLength: continuationColumn, withPad: " ", startingAt: 0) + " city=济宁"
        }
        shell.press("Enter")
        try shell.waitForIdlePrompt()

        shell.press("Up")
        try shell.wait(for: "the whole statement recalled by one Up") { rows in
            rows.count >= 2 && rows[rows.count - 2] == shell.promptLine("awards where") && rows.last == " city=济宁"
        }
        #expect(shell.cursor.x == 10)  // after " city=济宁" on the recalled entry's second row

        shell.press("C-c")
        try shell.waitForIdlePrompt()
        shell.press("C-d")
        #expect(try shell.waitForExit() == 0)

        let history = try String(contentsOf: shell.historyFile, encoding: .utf8)
        let entries = history.split(separator: "\n").filter { $0.contains("awards where") }
        #expect(entries == ["awards where\\n city=济宁"], "history file:\n\(history)")
    }

    @Test("History is recalled in a second session")
    func historyPersistsAcrossSessions() throws {
        let home = try TmuxSession.makeScratchHome()
        defer { try? FileManager.default.removeItem(at: home) }

        do {
            let first = try TmuxSession.start(home: home)
            defer { first.close() }
            try first.waitForPrompt()
            first.type("count awards by city")
            first.press("Enter")
            try first.waitForIdlePrompt()
            first.press("C-d")
            #expect(try first.waitForExit() == 0)
        }

        let second = try TmuxSession.start(home: home)
        defer { second.close() }
        try second.waitForPrompt()
        second.press("Up")
        try second.wait(for: "the first session's statement") { $0.last == second.promptLine("count awards by city") }
        #expect(second.cursor.x == second.promptColumn + "count awards by city".count)
    }

    @Test("Two shells open at once both keep their statements in the history file")
    func concurrentSessionsMergeHistory() throws {
        let home = try TmuxSession.makeScratchHome()
        defer { try? FileManager.default.removeItem(at: home) }

        let first = try TmuxSession.start(home: home)
        defer { first.close() }
        let second = try TmuxSession.start(home: home)
        defer { second.close() }
        try first.waitForPrompt()
        try second.waitForPrompt()

        first.type("find 潍柴")
        first.press("Enter")
        second.type("find 歌尔")
        second.press("Enter")
        try first.waitForIdlePrompt()
        try second.waitForIdlePrompt()

        first.press("C-d")
        #expect(try first.waitForExit() == 0)
        second.press("C-d")
        #expect(try second.waitForExit() == 0)

        let history = try String(contentsOf: first.historyFile, encoding: .utf8)
        #expect(history.split(separator: "\n") == ["find 潍柴", "find 歌尔"], "history file:\n\(history)")
    }

    @Test("Ctrl-C discards the line being typed and shows a fresh prompt")
    func ctrlCDiscardsLine() throws {
        let shell = try TmuxSession.start()
        try shell.waitForPrompt()

        shell.type("awards wh")
        try shell.wait(for: "the text typed") { $0.last == shell.promptLine("awards wh") }
        shell.press("C-c")
        let rows = try shell.wait(for: "a fresh prompt below the discarded line") { rows in
            rows.count >= 2 && rows.last == shell.promptRow && rows[rows.count - 2].hasPrefix(shell.promptLine("awards wh"))
        }
        #expect(rows[rows.count - 2] == shell.promptLine("awards wh^C"))
        #expect(shell.cursor.x == shell.promptColumn)

        // The shell is still there, and the discarded text is not in the history.
        shell.press("Up")
        usleep(300_000)
        #expect(shell.lastRow == shell.promptRow)
        shell.type("x")
        try shell.wait(for: "typing on the fresh prompt") { $0.last == shell.promptLine("x") }
    }

    @Test("Ctrl-C at the continuation prompt drops the whole unfinished statement")
    func ctrlCAtContinuationDropsStatement() throws {
        let shell = try TmuxSession.start()
        try shell.waitForPrompt()

        shell.type("awards where")
        shell.press("Enter")
        try shell.wait(for: "the continuation prompt") { $0.last?.hasSuffix("...>") == true }
        shell.type(" city=")
        shell.press("C-c")
        try shell.waitForIdlePrompt()

        shell.press("Up")
        usleep(300_000)
        #expect(shell.lastRow == shell.promptRow, "Up recalled a dropped statement")

        shell.press("C-d")
        #expect(try shell.waitForExit() == 0)
        let history = (try? String(contentsOf: shell.historyFile, encoding: .utf8)) ?? ""
        #expect(!history.contains("awards where"), "history file:\n\(history)")
    }

    @Test("Ctrl-D on an empty line exits with status 0")
    func ctrlDExits() throws {
        let shell = try TmuxSession.start()
        try shell.waitForPrompt()
        shell.press("C-d")
        #expect(try shell.waitForExit() == 0)
    }

    @Test("Chinese input works whatever the locale", arguments: [TmuxSession.Locale.c, .unset])
    func chineseInputWithoutUTF8Locale(locale: TmuxSession.Locale) throws {
        let shell = try TmuxSession.start(locale: locale)
        try shell.waitForPrompt()
        let base = shell.promptColumn

        shell.type("find 济宁")
        try shell.wait(for: "Chinese echoed under \(locale)") { $0.last == shell.promptLine("find 济宁") }
        #expect(shell.cursor.x == base + 9)
        shell.press("Left")
        try shell.wait(for: "the cursor moved one Chinese character left") { _ in shell.cursor.x == base + 7 }
        shell.press("C-e", "Enter")
        try shell.waitForIdlePrompt()
        shell.press("C-d")
        #expect(try shell.waitForExit() == 0)

        let history = try String(contentsOf: shell.historyFile, encoding: .utf8)
        #expect(history.split(separator: "\n").contains("find 济宁"), "history file:\n\(history)")
    }
}
