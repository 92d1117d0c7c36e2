import Foundation
import Testing

/// The editing keys, completion and bracketed paste in a real terminal (tmux), with the release
/// binary. Fails when tmux is not installed.
@Suite("Line editing keys, completion and paste in a real terminal", .serialized)
struct LineEditingKeysTests {
    @Test("Ctrl-U deletes from the cursor to the start of the line and keeps what follows; Ctrl-Y puts it back")
    func ctrlUKeepsTheTextAfterTheCursor() throws {
        let shell = try TmuxSession.start()
        try shell.waitForPrompt()
        shell.type("awards where city=济宁")
        try shell.wait(for: "the line typed") { $0.last == shell.promptLine("awards where city=济宁") }
        shell.press("C-a")
        for _ in 0..<7 { shell.press("Right") }   // after "awards "
        try shell.wait(for: "the cursor after 'awards '") { _ in shell.cursor.x == shell.promptColumn + 7 }
        shell.press("C-u")
        try shell.wait(for: "'awards ' deleted, the rest kept") { $0.last == shell.promptLine("where city=济宁") }
        #expect(shell.cursor.x == shell.promptColumn)
        shell.press("C-e", "C-y")
        try shell.wait(for: "Ctrl-Y inserts what Ctrl-U deleted") { $0.last == shell.promptLine("where city=济宁awards") }
    }

    @Test("Ctrl-W, Alt-B and Alt-F stop at = and punctuation: city=济宁 is three words")
    func wordKeysStopAtPunctuation() throws {
        let shell = try TmuxSession.start()
        try shell.waitForPrompt()
        let base = shell.promptColumn
        shell.type("awards where city=济宁")
        try shell.wait(for: "the line typed") { $0.last == shell.promptLine("awards where city=济宁") }

        shell.press("M-b")
        try shell.wait(for: "Alt-B stops before 济宁") { _ in shell.cursor.x == base + 18 }
        shell.press("M-b")
        try shell.wait(for: "Alt-B stops before =") { _ in shell.cursor.x == base + 17 }
        shell.press("M-b")
        try shell.wait(for: "Alt-B stops before city") { _ in shell.cursor.x == base + 13 }
        shell.press("M-f")
        try shell.wait(for: "Alt-F stops after city") { _ in shell.cursor.x == base + 17 }
        shell.press("M-f")
        try shell.wait(for: "Alt-F stops after =") { _ in shell.cursor.x == base + 18 }

        shell.press("C-e", "C-w")
        try shell.wait(for: "Ctrl-W deletes 济宁") { $0.last == shell.promptLine("awards where city=") }
        shell.press("C-w")
        try shell.wait(for: "Ctrl-W deletes =") { $0.last == shell.promptLine("awards where city") }
        shell.press("C-w")
        try shell.wait(for: "Ctrl-W deletes city") { $0.last == shell.promptLine("awards where") }
        // The three deletions in a row are one kill: Ctrl-Y brings back all of it.
        shell.press("C-y")
        try shell.wait(for: "Ctrl-Y restores city=济宁") { $0.last == shell.promptLine("awards where city=济宁") }
        // Full-width punctuation stops the word keys too.
        shell.press("C-u")
        shell.type("count awards by city，year")
        try shell.wait(for: "full-width comma typed") { $0.last == shell.promptLine("count awards by city，year") }
        shell.press("C-w")
        try shell.wait(for: "Ctrl-W stops at ，") { $0.last == shell.promptLine("count awards by city，") }
    }

    @Test("Tab after a column offers its operators; after honor. it offers level; after neighbors X it offers depth")
    func tabOffersOperatorsAndPathColumns() throws {
        let shell = try TmuxSession.start()
        try shell.waitForPrompt()
        shell.type("awards where year ")
        try shell.wait(for: "the line typed") { $0.last == shell.promptLine("awards where year") }
        shell.press("Tab")
        // The list, then the line redrawn under it (the two writes can land in separate captures).
        let operators = try shell.wait(for: "the operators listed and the line redrawn") { rows in
            rows.contains { $0.contains(">=") && $0.contains("<=") && $0.contains("in") } && rows.last == shell.promptLine("awards where year")
        }
        #expect(operators.last == shell.promptLine("awards where year"), "the line is redrawn as it was")

        shell.press("C-u")
        shell.type("awards where honor.")
        try shell.wait(for: "honor. typed") { $0.last == shell.promptLine("awards where honor.") }
        shell.press("Tab")
        try shell.wait(for: "the honor's columns listed, level among them") { rows in
            rows.contains { !$0.hasPrefix(shell.promptRow) && $0.contains("level") && $0.contains("issuer") }
        }

        shell.press("C-u")
        shell.type("neighbors 济宁 ")
        shell.press("Tab")
        try shell.wait(for: "depth completed") { $0.last == shell.promptLine("neighbors 济宁 depth") }
    }

    @Test("Completing in the middle of a line adds no second space")
    func completingMidLineAddsNoExtraSpace() throws {
        let shell = try TmuxSession.start()
        try shell.waitForPrompt()
        shell.type("aw where city=济宁")
        try shell.wait(for: "the line typed") { $0.last == shell.promptLine("aw where city=济宁") }
        shell.press("C-a", "Right", "Right", "Tab")
        try shell.wait(for: "aw completed in place, one space") { $0.last == shell.promptLine("awards where city=济宁") }
        #expect(shell.cursor.x == shell.promptColumn + 6)
        // At the end of the line the candidate still brings its space.
        shell.press("C-e")
        shell.type(" an")
        shell.press("Tab")
        try shell.wait(for: "and completed with its space") { rows in
            rows.last == shell.promptLine("awards where city=济宁 and") && shell.cursor.x == shell.promptColumn + "awards where city=济宁 and ".count + 2
        }
    }

    @Test("A completion list too long for the screen ends with '… and N more'")
    func longCompletionListSaysHowManyMore() throws {
        let dir = try FactshProcess.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        for i in 0..<400 { FileManager.default.createFile(atPath: dir.appendingPathComponent(String(format: "q%03d.fq", i)).path, contents: Data()) }
        let shell = try TmuxSession.start()
        try shell.waitForPrompt()
        shell.type(".read \(dir.path)/q")
        shell.press("Tab")
        // The list, its closing line and the prompt redrawn below it (the screen may show the
        // list before the prompt is back).
        let rows = try shell.wait(for: "the list, its closing line and the prompt") { rows in
            rows.contains { $0.hasPrefix("… and ") } && rows.last?.hasPrefix(shell.promptRow) == true
        }
        let closing = try #require(rows.first { $0.hasPrefix("… and ") })
        let shown = rows.filter { !$0.hasPrefix(shell.promptRow) && !$0.hasPrefix("… and ") && $0.contains("q") }
            .reduce(0) { $0 + $1.split(separator: " ").filter { $0.hasSuffix(".fq") }.count }
        let more = Int(closing.dropFirst("… and ".count).prefix { $0.isNumber }) ?? -1
        #expect(shown > 0 && shown + more == 400, "shown \(shown), '\(closing)'")
        #expect(rows.last?.hasPrefix(shell.promptRow) == true, "the prompt comes back below the list")
    }

    @Test("A file name with a space is completed in quotes, and .read \"my query.fq\" reads it")
    func fileNamesWithSpacesAreQuoted() throws {
        let dir = try FactshProcess.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data("count honors\n".utf8).write(to: dir.appendingPathComponent("my query.fq"))
        let shell = try TmuxSession.start()
        try shell.waitForPrompt()
        shell.type(".read \(dir.path)/my")
        shell.press("Tab")
        let line = ".read \"\(dir.path)/my query.fq\""
        try shell.wait(for: "the name completed in quotes") { $0.last == shell.promptLine(line) }
        shell.press("Enter")
        try shell.wait(for: "the file's statement ran") { rows in rows.contains { $0.contains("count") } && rows.contains { $0.contains("(1 row)") } }
        try shell.waitForIdlePrompt()
        #expect(!shell.screen.contains { $0.contains("error") }, "\(shell.screen.joined(separator: "\n"))")
    }

    @Test("A pasted block runs statement by statement; a pasted multi-line statement stays one; a tab in it does not complete")
    func bracketedPasteRunsAsPasted() throws {
        let shell = try TmuxSession.start()
        try shell.waitForPrompt()
        let block = ".mode csv\rcount honors\rawards where city=济宁 and\r\tyear>=2024 show recipient limit 1\rcount awards by city\r"
        shell.type("\u{1B}[200~" + block + "\u{1B}[201~")
        try shell.wait(for: "the last statement's result") { rows in rows.contains("city,count") }
        try shell.waitForIdlePrompt()
        let rows = shell.screen
        #expect(!rows.contains { $0.contains("error") }, "\(rows.joined(separator: "\n"))")
        // Each statement printed its own result, in order (the multi-line one as one result).
        let results = rows.filter { ["count", "recipient", "city,count"].contains($0) }
        #expect(results == ["count", "recipient", "city,count"], "\(rows.joined(separator: "\n"))")

        // A paste without a final line end stays on the line, to be edited.
        shell.type("\u{1B}[200~count\tawards\u{1B}[201~")
        try shell.wait(for: "the fragment on the line, not run") { $0.last?.hasPrefix(shell.promptRow + " count") == true && $0.last?.hasSuffix("awards") == true }
        shell.press("C-u")
        shell.press("C-d")
        #expect(try shell.waitForExit() == 0)
        let history = try String(contentsOf: shell.historyFile, encoding: .utf8)
        #expect(history.split(separator: "\n") == [".mode csv", "count honors", "awards where city=济宁 and\\n\tyear>=2024 show recipient limit 1", "count awards by city"],
                "history file:\n\(history)")
    }
}
