import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Output as the user asked for it: `.timer` on the screen only, `.maxrows` for a table on a
/// terminal only, data that cannot drive the terminal, and `.export` that loads back to the
/// same graph.
@Suite struct OutputFilesTests {
    @Test(".timer lines never land in an .output file, and come after statements only")
    func timerNeverLandsInAFile() throws {
        let dir = try FactshProcess.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let f = dir.appendingPathComponent("out.csv")
        let r = try FactshProcess.run(["--format", "csv"], stdin: ".timer on\n.output \(f.path)\ncount awards\n.mode csv\n.output\n")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try String(contentsOf: f, encoding: .utf8) == BadInputCatalogueTests.followUpAnswer)
        // One statement ran: one timer line, on the screen (standard output is a pipe here).
        #expect(r.stdout.components(separatedBy: "Run Time:").count == 2, "stdout: \(r.stdout)")
        // Standard output redirected to a file: the timer goes to standard error instead.
        let redirected = dir.appendingPathComponent("redirected.txt")
        let sh = try FactshProcess.require("sh")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: sh)
        p.arguments = ["-c", "'\(try FactshProcess.binary().path)' --format csv -c '.timer on' -c 'count awards' > '\(redirected.path)' 2> '\(redirected.path).err'"]
        try p.run()
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
        #expect(try String(contentsOf: redirected, encoding: .utf8) == BadInputCatalogueTests.followUpAnswer)
        #expect(try String(contentsOf: URL(fileURLWithPath: redirected.path + ".err"), encoding: .utf8).hasPrefix("Run Time: real "))
    }

    @Test(".maxrows cuts a table on a terminal only: files, pipes and data modes get every row")
    func maxRowsNeverCutsExports() throws {
        let dir = try FactshProcess.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let n = try #require(Int(BadInputCatalogueTests.followUpAnswer.split(separator: "\n").last ?? ""), "count awards")
        for mode in ["csv", "tsv", "json", "jsonl", "markdown", "line", "table"] {
            let f = dir.appendingPathComponent("awards.\(mode)")
            let r = try FactshProcess.run(["-c", ".maxrows 3", "-c", ".mode \(mode)", "-c", ".output \(f.path)", "-c", "awards"])
            #expect(r.status == 0, "\(mode): \(r.stderr)")
            let text = try String(contentsOf: f, encoding: .utf8)
            #expect(!text.contains("not shown"), "\(mode) was cut")
            let piped = try FactshProcess.run(["-c", ".maxrows 3", "-c", ".mode \(mode)", "-c", "awards"])
            #expect(piped.stdout == text, "\(mode): a pipe gets what a file gets")
            switch mode {
            case "csv": #expect(text.split(separator: "\n").count == n + 1)
            case "jsonl": #expect(text.split(separator: "\n").count == n)
            case "table": #expect(text.contains("(\(n) rows)"))
            default: break
            }
        }
    }

    @Test("Control characters in data are shown escaped in table and line modes, kept exact in CSV and JSON")
    func controlCharactersCannotDriveTheTerminal() throws {
        let dir = try FactshProcess.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        try "name,note\n\u{1B}[2J恶意\u{7},bell\u{7}\n".write(to: dir.appendingPathComponent("things.csv"), atomically: true, encoding: .utf8)
        for mode in ["table", "line", "markdown"] {
            let r = try FactshProcess.run(["--import-csv", dir.path, "--format", mode, "-c", "things"])
            #expect(r.status == 0, "\(r.stderr)")
            #expect(!r.stdout.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" }, "\(mode): \(r.stdout.debugDescription)")
            #expect(r.stdout.contains("^[[2J恶意^G"), "\(mode): \(r.stdout)")
        }
        let csv = try FactshProcess.run(["--import-csv", dir.path, "--format", "csv", "-c", "things"])
        #expect(csv.stdout == "name,note\n\u{1B}[2J恶意\u{7},bell\u{7}\n")
        let json = try FactshProcess.run(["--import-csv", dir.path, "--format", "jsonl", "-c", "things"])
        #expect(json.stdout == "{\"name\":\"\\u001b[2J恶意\\u0007\",\"note\":\"bell\\u0007\"}\n")
    }

    // MARK: .export round trips

    static let questions = [
        ".schema", "count awards by city", "awards where year>=2020 order by year desc limit 20",
        "count honors by level", "enterprises where name~机械 limit 30",
    ]

    /// Exports the graph `arguments` load, reloads the export with --graph, and compares the
    /// answers to `questions`.
    func exportReloads(_ arguments: [String], questions: [String], label: String) throws {
        let dir = try FactshProcess.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("export.facts")
        let e = try FactshProcess.run(arguments + ["-c", ".export \(out.path)"], input: nil, timeout: 300)
        #expect(e.status == 0, "\(label): export failed: \(e.stderr)")
        for q in questions {
            let before = try FactshProcess.run(arguments + ["--format", "csv", "-c", q], input: nil, timeout: 300)
            let after = try FactshProcess.run(["--graph", out.path, "--format", "csv", "-c", q], input: nil, timeout: 300)
            #expect(after.status == before.status, "\(label): \(q): \(after.stderr.prefix(500))")
            #expect(after.stdout == before.stdout, "\(label): \(q) answers differently after the round trip")
        }
    }

    @Test(".export of the built-in graph reloads to the same graph")
    func builtinExportReloads() throws {
        try exportReloads([], questions: Self.questions + [
            "stats where city=潍坊", "describe 潍柴动力", "path 歌尔股份 to 山东天意机械", "find jn", "count awards by honor, year",
        ], label: "built-in")
    }

    @Test(".export of gen.py's 100k CSV graph reloads to the same graph")
    func csvExportReloads() throws {
        let graph = try InteractiveStatementTests.genGraph100k.get()
        try exportReloads(["--import-csv", graph.path], questions: Self.questions + ["count awards by enterprise.city.province"], label: "100k CSV")
    }

    @Test(".export of a merged graph (--graph a --graph b) reloads to the same graph")
    func mergedExportReloads() throws {
        let dir = try FactshProcess.tempDir()
        defer { try? FileManager.default.removeItem(at: dir) }
        let a = dir.appendingPathComponent("a.facts"), b = dir.appendingPathComponent("b.facts")
        let builtin = try FactshProcess.run(["-c", ".export \(a.path)"])
        #expect(builtin.status == 0)
        try """
            kind firm/firms entity city:city^ founded:date capital:number note:text
            firm "天意 \\"新\\" 机械" city=济宁 founded=1998-03 capital=0.00001 note="two\\nlines"
            firm 远古 city=潍坊 founded=0024 capital=-12345678901234567890
            """.write(to: b, atomically: true, encoding: .utf8)
        try exportReloads(["--graph", a.path, "--graph", b.path],
                          questions: Self.questions + ["firms", "firms where city=济宁", "count firms by city"], label: "merged")
    }
}
