import Foundation
import Testing

/// Habits from sqlite3 and psql, met through the binary users run: `.exit CODE`, `.read` and
/// `.quit`, `.save` after `.read`, `factsh -`, `-cmd`, `.nullvalue`, `.tables`, `.print`,
/// `.echo`, `help`/`exit`/`\d` typed as statements, argument checking, `.help TOPIC`, and the
/// hand-written command line (usage errors print the usage once, exit 2).
@Suite struct ShellHabitsTests {
    func run(_ args: [String], stdin: String? = nil, dir: URL? = nil, env: [String: String] = [:]) throws -> FactshProcess.Result {
        try FactshProcess.run(args, stdin: stdin, directory: dir, environment: env)
    }

    func tempDir() throws -> URL {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("factsh-habits-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        return d
    }

    @Test func exitAndQuitSetTheExitStatus() throws {
        #expect(try run(["-c", ".exit 3"]).status == 3)
        #expect(try run(["-c", ".quit 0", "-c", "awards where cty=1"]).status == 0)
        #expect(try run([], stdin: "count awards\n.exit 7\ncount honors\n").status == 7)
        let r = try run(["--format", "csv", "-c", "count awards", "-c", ".quit", "-c", "count honors"])
        #expect(r.status == 0 && r.stdout == "count\n21\n")
        let bad = try run(["-c", ".exit x"])
        #expect(bad.status == 1 && bad.stderr.contains("expected an exit status from 0 to 255"))
    }

    @Test func quitInAReadFileEndsOnlyThatFile() throws {
        let d = try tempDir()
        try ".mode csv\ncount awards\n.quit\ncount honors\n".write(to: d.appendingPathComponent("inner.fq"), atomically: true, encoding: .utf8)
        try ".read inner.fq\ncount cities\n".write(to: d.appendingPathComponent("outer.fq"), atomically: true, encoding: .utf8)
        let r = try run(["outer.fq"], dir: d)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == "count\n21\ncount\n2\n")
        // .exit CODE in a .read file ends the session with that status.
        try ".exit 4\n".write(to: d.appendingPathComponent("exit.fq"), atomically: true, encoding: .utf8)
        let e = try run(["--format", "csv", "-c", ".read exit.fq", "-c", "count awards"], dir: d)
        #expect(e.status == 4 && e.stdout.isEmpty)
    }

    @Test func saveAfterReadRecordsTheReadAndReplaysAlike() throws {
        let d = try tempDir()
        try ".mode csv\ncount awards by city\n".write(to: d.appendingPathComponent("q.fq"), atomically: true, encoding: .utf8)
        let first = try run([], stdin: ".read q.fq\ncount honors\n.save s.fq\n", dir: d)
        #expect(first.status == 0, "\(first.stderr)")
        let saved = try String(contentsOf: d.appendingPathComponent("s.fq"), encoding: .utf8)
        // The .read as typed (its path as given), not its statements as well.
        #expect(saved == "# factsh script saved from a session\n.read q.fq\ncount honors\n")
        let replay = try run(["s.fq"], dir: d)
        #expect(replay.status == 0)
        #expect(replay.stdout == first.stdout.replacingOccurrences(of: "saved 2 statements to s.fq\n", with: ""))

        // A .read that failed part-way is saved as the statements of it that ran.
        try ".mode csv\ncount awards\nawards where cty=1\ncount honors\n".write(to: d.appendingPathComponent("bad.fq"), atomically: true, encoding: .utf8)
        let partial = try run(["--keep-going"], stdin: ".read bad.fq\n.save p.fq\n", dir: d)
        let p = try String(contentsOf: d.appendingPathComponent("p.fq"), encoding: .utf8)
        #expect(p == "# factsh script saved from a session\n.mode csv\ncount awards\ncount honors\n", "\(partial.stderr)")
        let again = try run(["p.fq"], dir: d)
        #expect(again.stdout == partial.stdout.replacingOccurrences(of: "saved 3 statements to p.fq\n", with: ""))
    }

    @Test func dashReadsStandardInputAndCmdRunsFirst() throws {
        let r = try run(["-"], stdin: "count awards\n", env: ["NO_COLOR": "1"])
        #expect(r.status == 0 && r.stdout.contains("│    21 │"))
        let c = try run(["-cmd", ".mode csv", "-cmd", ".headers off", "-"], stdin: "count awards\n")
        #expect(c.stdout == "21\n")
        let both = try run(["-cmd", ".mode csv", "-c", "count honors"])
        #expect(both.stdout == "count\n33\n")
        let failing = try run(["-cmd", "awards where cty=1", "-c", "count honors"])
        #expect(failing.status == 1 && failing.stdout.isEmpty)
    }

    @Test func nullValueTablesPrintAndEcho() throws {
        let n = try run(["--format", "csv", "-c", ".nullvalue NULL", "-c", "awards where recipient=浩珂科技有限公司 show recipient, year"])
        #expect(n.stdout == "recipient,year\n浩珂科技有限公司,NULL\n")
        let t = try run(["-c", ".tables"])
        #expect(t.stdout.contains("awards") && t.stdout.contains("enterprises") && !t.stdout.contains("│"))
        #expect(try run(["-c", ".tables enterp"]).stdout == "enterprises\n")
        #expect(try run(["-c", ".print hello   \"big  world\""]).stdout == "hello big  world\n")
        let e = try run(["--format", "csv"], stdin: ".echo on\ncount awards\n.echo off\ncount honors\n")
        #expect(e.stdout == "count awards\ncount\n21\n.echo off\ncount\n33\n")
    }

    @Test func habitsFromOtherShellsDoWhatTheyMean() throws {
        let help = try run(["-c", "help"])
        #expect(help.status == 0 && help.stdout.contains(".help TOPIC") && help.stdout.contains(".tables"))
        let d = try run(["-c", "\\d"])
        #expect(d.status == 0 && d.stdout.contains("awards"))
        let da = try run(["--format", "csv", "-c", "\\d awards"])
        #expect(da.status == 0 && da.stdout.hasPrefix("column,type,note\n"))
        for word in ["exit", "quit", "\\q", "exit;"] {
            let q = try run(["--format", "csv", "-c", word, "-c", "count awards"])
            #expect(q.status == 0 && q.stdout.isEmpty, "\(word)")
        }
        let sql = try run(["-c", "select * from awards"])
        #expect(sql.status == 1 && sql.stderr.contains("factsh is not SQL: try `awards where"))
        let more = try run(["-c", "exit now"])
        #expect(more.status == 1 && more.stderr.contains("type .quit"))
    }

    @Test func dotCommandArgumentsAreChecked() throws {
        let extra = try run(["-c", ".mode csv extra"])
        #expect(extra.status == 1 && extra.stderr.contains(".mode: unexpected argument 'extra'"))
        #expect(try run(["-c", ".tables a b"]).status == 1)
        #expect(try run(["-c", ".history now"]).status == 1)
        let j = try run(["-c", ".mode j"])
        #expect(j.status == 1 && j.stderr.contains("ambiguous: json, jsonl"))
        let nosuch = try run(["-c", ".help nosuch"])
        #expect(nosuch.status == 1 && nosuch.stderr.contains("no command or topic 'nosuch'"))
        #expect(try run(["-c", ".nosuch"]).status == 1)
    }

    @Test func helpExplainsTheLanguage() throws {
        let w = try run(["-c", ".help where"])
        #expect(w.status == 0)
        #expect(w.stdout.contains("col within PLACE") && w.stdout.contains("is PLACE or lies in it"))
        #expect(w.stdout.contains("col is null") && w.stdout.contains("missing"))
        for topic in ["summarize", "count", "path"] {
            let t = try run(["-c", ".help \(topic)"])
            #expect(t.status == 0 && t.stdout.contains(topic), "\(topic)")
        }
        let all = try run(["-c", ".help"])
        #expect(all.stdout.contains(".help TOPIC") && all.stdout.contains(".nullvalue") && all.stdout.contains(".pager"))
    }

    @Test func usageErrorsPrintTheUsageOnceAndExit2() throws {
        let r = try run(["--formt", "csv"])
        #expect(r.status == 2)
        #expect(r.stderr.hasPrefix("factsh: error: unknown option '--formt' — did you mean '--format'?\n"))
        #expect(r.stderr.components(separatedBy: "Usage: factsh").count == 2, "\(r.stderr)")
        let f = try run(["--format", "j", "-c", "count awards"])
        #expect(f.status == 2 && f.stderr.contains("'j' is ambiguous: json, jsonl"))
        #expect(try run(["a.fq", "b.fq"]).status == 2)
        #expect(try run(["-c"]).status == 2)
        let i = try run(["ingest"])
        #expect(i.status == 2 && i.stderr.components(separatedBy: "Usage: factsh ingest").count == 2)
        let h = try run(["--help"])
        for o in ["-c, --command", "-cmd", "--graph", "--import-csv", "--format", "--param", "--keep-going", "--safe", "--no-rc", "--no-headers"] {
            #expect(h.stdout.contains(o), "\(o)")
        }
        #expect(try run(["ingest", "--help"]).stdout.contains("--min-confidence"))
        #expect(try run(["--format=csv", "-c", "count awards"]).stdout == "count\n21\n")
    }

    @Test func dumbTerminalsGetNoEscapeCodes() throws {
        // Not a terminal here, so this checks the rule for errors and output alike: TERM=dumb
        // and NO_COLOR unset still write no escape code.
        let r = try run(["-c", "count awards", "-c", "awards where cty=1"], env: ["TERM": "dumb", "NO_COLOR": ""])
        #expect(!r.stdout.contains("\u{1B}") && !r.stderr.contains("\u{1B}"))
    }
}
