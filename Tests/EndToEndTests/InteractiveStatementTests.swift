import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Interactive behaviour around running statements: Ctrl-C cancels a long statement and the
/// shell goes on; a Chinese table's borders line up on a real screen.
@Suite(
    "Interactive statements in a real terminal",
    .serialized
)
struct InteractiveStatementTests {
    /// gen.py's graph at scale 100,000 (500,000 awards), made once and kept in the build
    /// folder (`.build/test-data`, ignored by git) for later runs.
    static let genGraph100k: Result<URL, Error> = Result {
        let python = try FactshProcess.require("python3")
        let genPy = SQLiteAgreementTests.genPy
        try #require(FileManager.default.fileExists(atPath: genPy), "\(genPy) is missing")
        let dir = FactshProcess.packageRoot.appendingPathComponent(".build/test-data/gen-100000")
        let done = dir.appendingPathComponent(".complete")
        if !FileManager.default.fileExists(atPath: done.path) {
            try? FileManager.default.removeItem(at: dir)
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            _ = try SQLiteAgreementTests.run(python, [genPy, "--scale", "100000", "--out", dir.path])
            try #require(FileManager.default.fileExists(atPath: dir.appendingPathComponent("awards.csv").path), "gen.py made no awards.csv")
            FileManager.default.createFile(atPath: done.path, contents: Data())
        }
        return dir
    }

    /// That graph exported as one .facts file (83 MB, two seconds to load), made once.
    static let genGraph100kFacts: Result<URL, Error> = Result {
        let csv = try genGraph100k.get()
        let file = csv.appendingPathComponent("export.facts")
        let done = csv.appendingPathComponent(".exported")
        if !FileManager.default.fileExists(atPath: done.path) {
            let r = try FactshProcess.run(["--import-csv", csv.path, "-c", ".export \(file.path)"], input: nil, timeout: 300)
            try #require(r.status == 0, "exporting the 100k graph failed: \(r.stderr)")
            FileManager.default.createFile(atPath: done.path, contents: Data())
        }
        return file
    }

    @Test("Ctrl-C during a long statement on gen.py's 100k graph returns to a clean prompt at once")
    func ctrlCStopsALongStatementOn100k() throws {
        let graph = try Self.genGraph100k.get()
        let shell = try TmuxSession.start(arguments: ["--import-csv", graph.path])
        defer { shell.close() }
        try shell.waitForPrompt(timeout: 60)
        // Every row: a long result on the screen is otherwise cut to its first and last rows.
        shell.type(".maxrows off")
        shell.press("Enter")
        try shell.waitForIdlePrompt()
        shell.type("awards order by enterprise")
        shell.press("Enter")
        usleep(1_500_000)
        #expect(shell.lastRow != shell.promptRow, "the statement should still be running")
        let started = Date()
        shell.press("C-c")
        let rows = try shell.wait(for: "cancelled and a fresh prompt", timeout: 10) { rows in
            rows.count >= 2 && rows.last == shell.promptRow && rows[rows.count - 2] == "cancelled"
        }
        #expect(Date().timeIntervalSince(started) < 2, "cancelling took too long")
        #expect(shell.cursor.x == shell.promptColumn, "screen: \(rows)")
        shell.type("count awards")
        shell.press("Enter")
        try shell.wait(forText: "500000", timeout: 10)
        try shell.waitForIdlePrompt()
    }

    @Test("Ctrl-C while a 500,000-row result prints cuts it on a row and returns to a clean prompt")
    func ctrlCStopsPrintingAHugeResult() throws {
        let graph = try Self.genGraph100k.get()
        let shell = try TmuxSession.start(arguments: ["--import-csv", graph.path])
        defer { shell.close() }
        try shell.waitForPrompt(timeout: 60)
        shell.type(".maxrows off")
        shell.press("Enter")
        try shell.waitForIdlePrompt()
        shell.type("awards")
        shell.press("Enter")
        // Wait until rows are on the screen, then stop it.
        try shell.wait(for: "rows printing", timeout: 30) { rows in rows.filter { $0.hasPrefix("│") }.count > 10 }
        let started = Date()
        shell.press("C-c")
        let rows = try shell.wait(for: "cancelled and a fresh prompt", timeout: 10) { rows in
            rows.count >= 2 && rows.last == shell.promptRow && rows[rows.count - 2] == "cancelled"
        }
        #expect(Date().timeIntervalSince(started) < 2, "stopping the output took too long")
        // Everything above "cancelled" is whole table rows: no half row, no footer.
        for row in rows.dropLast(2) where !row.isEmpty && !row.hasPrefix("factsh") {
            #expect(row.hasPrefix("│") || row.hasPrefix("├") || row.hasPrefix("┌"), "a cut row: '\(row)'")
        }
        #expect(!rows.contains { $0.hasPrefix("(500000 rows)") })
        shell.type("count awards")
        shell.press("Enter")
        try shell.wait(forText: "500000", timeout: 10)
        try shell.waitForIdlePrompt()
    }

    @Test("SIGTERM at the prompt saves the history and exits 143")
    func sigtermSavesHistoryAndExits143() throws {
        let shell = try TmuxSession.start()
        defer { shell.close() }
        try shell.waitForPrompt()
        shell.type("count awards by city")
        shell.press("Enter")
        try shell.waitForIdlePrompt()
        shell.type("awards wh")
        try shell.signalShell(SIGTERM)
        #expect(try shell.waitForExit() == 143)
        let history = try String(contentsOf: shell.historyFile, encoding: .utf8)
        #expect(history.split(separator: "\n").contains("count awards by city"), "history file:\n\(history)")
    }

    @Test("SIGTERM during a running statement stops it, saves the history and exits 143")
    func sigtermDuringAStatement() throws {
        let graph = try Self.genGraph100k.get()
        let shell = try TmuxSession.start(arguments: ["--import-csv", graph.path])
        defer { shell.close() }
        try shell.waitForPrompt(timeout: 60)
        shell.type("awards order by enterprise")
        shell.press("Enter")
        usleep(1_000_000)
        try shell.signalShell(SIGTERM)
        #expect(try shell.waitForExit(timeout: 5) == 143)
        let history = try String(contentsOf: shell.historyFile, encoding: .utf8)
        #expect(history.contains("awards order by enterprise"), "history file:\n\(history)")
    }

    /// Display width as a terminal draws it: wide East Asian characters take two columns.
    static func width(_ s: String) -> Int {
        s.unicodeScalars.reduce(0) { w, u in
            let v = u.value
            let wide = (v >= 0x1100 && v <= 0x115F) || (v >= 0x2E80 && v <= 0xA4CF) || (v >= 0xAC00 && v <= 0xD7A3)
                || (v >= 0xF900 && v <= 0xFAFF) || (v >= 0xFE30 && v <= 0xFE4F) || (v >= 0xFF00 && v <= 0xFF60) || (v >= 0xFFE0 && v <= 0xFFE6)
            return w + (wide ? 2 : 1)
        }
    }

    /// The display columns at which a row has a vertical border or corner.
    static func borderColumns(_ row: String) -> [Int] {
        var out: [Int] = []
        var col = 0
        for ch in row {
            if "│┌┐└┘├┤┬┴┼".contains(ch) { out.append(col) }
            col += width(String(ch))
        }
        return out
    }

    @Test("A Chinese table's borders line up on screen")
    func chineseTableBordersLineUp() throws {
        let shell = try TmuxSession.start()
        defer { shell.close() }
        try shell.waitForPrompt()
        shell.type("awards where city=济宁 show recipient, honor, year limit 6")
        shell.press("Enter")
        let rows = try shell.wait(forText: "(6 rows)")
        let table = rows.filter { $0.hasPrefix("┌") || $0.hasPrefix("│") || $0.hasPrefix("├") || $0.hasPrefix("└") }
        #expect(table.count == 10, "top, header, rule, 6 rows, bottom: \(table)")
        let expected = Self.borderColumns(table[0])
        #expect(expected.count == 4)
        for row in table {
            #expect(Self.borderColumns(row) == expected, "misaligned: \(row)")
            #expect(Self.width(row) == Self.width(table[0]))
        }
        #expect(table.contains { $0.contains("山东天意机械股份有限公司") })
    }

    @Test("The rc file runs at interactive start, and --no-rc skips it")
    func rcFileRunsAtStart() throws {
        let home = try TmuxSession.makeScratchHome()
        defer { try? FileManager.default.removeItem(at: home) }
        try ".mode csv\n.param set c 潍坊\n".write(to: home.appendingPathComponent(".factshrc"), atomically: true, encoding: .utf8)
        let shell = try TmuxSession.start(home: home)
        defer { shell.close() }
        try shell.waitForPrompt()
        shell.type("count awards where city=$c")
        shell.press("Enter")
        try shell.wait(for: "CSV output with the rc file's parameter") { rows in rows.contains("count") && rows.contains("5") }
        let plain = try TmuxSession.start(arguments: ["--no-rc"], home: home)
        defer { plain.close() }
        try plain.waitForPrompt()
        plain.type("count awards")
        plain.press("Enter")
        try plain.wait(forText: "│ count │")
    }

    @Test("After a completion listing and an error, the next prompt leaves no stray rows")
    func listingThenErrorLeavesAClean() throws {
        let shell = try TmuxSession.start()
        defer { shell.close() }
        try shell.waitForPrompt()
        shell.type("awards where district=ji")
        shell.press("Tab")
        try shell.wait(forText: "济宁高新区")
        shell.type("x")
        shell.press("Enter")
        try shell.wait(forText: "no district named")
        try shell.waitForIdlePrompt()
        shell.type("count awards")
        shell.press("Enter")
        let rows = try shell.wait(forText: "(1 row)")
        let carets = rows.filter { $0.trimmingCharacters(in: .whitespaces).hasPrefix("^~") }
        #expect(carets.count == 1, "the caret line appears once: \(rows)")
        #expect(rows.dropLast().filter { $0 == shell.promptRow }.isEmpty, "no empty prompt row left behind: \(rows)")
    }
}
