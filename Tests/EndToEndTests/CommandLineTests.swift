import Foundation
import Testing

/// The command-line contract (README, PRODUCT §4) as a user meets it.
@Suite struct CommandLineTests {
    func run(_ args: [String], stdin: String? = nil, dir: URL? = nil) throws -> FactshProcess.Result {
        try FactshProcess.run(args, stdin: stdin, directory: dir)
    }

    func tempDir() throws -> URL {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("factsh-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        return d
    }

    @Test func versionAndHelp() throws {
        let v = try run(["--version"])
        #expect(v.status == 0 && v.stdout.hasPrefix("factsh "))
        let h = try run(["--help"])
        #expect(h.status == 0 && h.stdout.contains("--import-csv") && h.stdout.contains("-c"))
    }

    @Test func exitStatuses() throws {
        #expect(try run(["-c", "count awards"]).status == 0)
        #expect(try run(["-c", "awards where cty=1"]).status == 1)
        #expect(try run(["--no-such-flag"]).status == 2)
        #expect(try run(["--format", "xml", "-c", "awards"]).status == 2)
        #expect(try run(["--param", "novalue", "-c", "awards"]).status == 2)
        #expect(try run(["/no/such/script.fq"]).status == 1)
    }

    @Test func formatsAndRepeatedCommands() throws {
        let r = try run(["--format", "csv", "-c", "count awards by city", "-c", "count honors"])
        #expect(r.stdout == "city,count\n济宁市,16\n潍坊市,5\ncount\n33\n")
        let j = try run(["--format", "json", "-c", "count awards by city"])
        #expect(j.stdout == "[\n{\"city\":\"济宁市\",\"count\":16},\n{\"city\":\"潍坊市\",\"count\":5}\n]\n")
    }

    @Test func standardInputHasNoPromptAndNoEscapes() throws {
        let r = try run([], stdin: "count awards by city\n.mode csv\ncount awards\n")
        #expect(r.status == 0)
        #expect(!r.stdout.contains("factsh>"))
        #expect(!r.stdout.contains("\u{1B}"))
        #expect(r.stdout.hasSuffix("count\n21\n"))
    }

    @Test func statementsSpanLinesOnStandardInput() throws {
        let r = try run(["--format", "csv"], stdin: "count awards where\n  city=潍坊 and\n  year>=2021\n")
        #expect(r.stdout == "count\n1\n")
        let lead = try run(["--format", "csv"], stdin: "count awards where city=潍坊\nand year>=2021\n")
        #expect(lead.stderr.contains("a statement cannot start with 'and'"))
    }

    @Test func parametersFromTheCommandLine() throws {
        let r = try run(["--format", "csv", "--param", "city=潍坊", "-c", "count awards where city=$city"])
        #expect(r.stdout == "count\n5\n")
    }

    @Test func aBrokenGraphLoadsNothingAndSaysWhere() throws {
        let d = try tempDir()
        let f = d.appendingPathComponent("my.facts")
        try "kind city/cities place\ncity 济宁市\ncity 济宁市\ncompnay x\n".write(to: f, atomically: true, encoding: .utf8)
        let r = try run(["--graph", f.path, "-c", "cities"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("my.facts:3:6: duplicate name '济宁市': already names 济宁市 (line 2)"))
        #expect(r.stderr.contains("my.facts:4:1: unknown kind 'compnay'"))
        #expect(r.stdout.isEmpty)
    }

    @Test func ownGraphsMergeAndExportRoundTrips() throws {
        let d = try tempDir()
        let a = d.appendingPathComponent("a.facts"), b = d.appendingPathComponent("b.facts"), out = d.appendingPathComponent("out.facts")
        try "kind city/cities place\ncity 济宁市 aka=济宁\n".write(to: a, atomically: true, encoding: .utf8)
        try "kind city/cities place\nkind firm/firms entity city:city^\nfirm 天意 city=济宁\n".write(to: b, atomically: true, encoding: .utf8)
        let r = try run(["--graph", a.path, "--graph", b.path, "--format", "csv", "-c", "firms where city=济宁", "-c", ".export \(out.path)"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == "name,city\n天意,济宁市\n")
        let again = try run(["--graph", out.path, "--format", "csv", "-c", "firms where city=济宁"])
        #expect(again.stdout == r.stdout)
    }

    @Test func safeModeRefusesWrites() throws {
        let d = try tempDir()
        let f = d.appendingPathComponent("x.txt")
        for cmd in [".output \(f.path)", ".once \(f.path)", ".save \(f.path)", ".export \(f.path)"] {
            let r = try run(["--safe", "-c", cmd])
            #expect(r.status == 1)
            #expect(r.stderr.contains("writes files, which --safe does not allow"), "\(cmd)")
        }
        #expect(!FileManager.default.fileExists(atPath: f.path))
    }

    @Test func saveWritesAScriptThatReproducesTheOutput() throws {
        let d = try tempDir()
        let script = d.appendingPathComponent("session.fq")
        let input = ".mode csv\n.param set c 济宁\ncount awards where city=$c by year\nawards where cty=1\ndescribe 兖州区\n.save \(script.path)\n"
        let first = try run(["--keep-going"], stdin: input)
        let replay = try run([script.path])
        #expect(replay.status == 0, "\(replay.stderr)")
        let expected = first.stdout.replacingOccurrences(of: "saved 4 statements to \(script.path)\n", with: "")
        #expect(replay.stdout == expected)
        let text = try String(contentsOf: script, encoding: .utf8)
        #expect(!text.contains("cty"), "failed statements are not saved")
    }

    @Test func outputFileIsWrittenWholeAndOnceGoesBack() throws {
        let d = try tempDir()
        let f = d.appendingPathComponent("o.csv"), g = d.appendingPathComponent("once.csv")
        let r = try run(["--format", "csv"], stdin: ".output \(f.path)\ncount awards\n.output\n.once \(g.path)\ncount honors\ncount awards by city\n")
        #expect(try String(contentsOf: f, encoding: .utf8) == "count\n21\n")
        #expect(try String(contentsOf: g, encoding: .utf8) == "count\n33\n")
        #expect(r.stdout == "city,count\n济宁市,16\n潍坊市,5\n")
    }

    @Test func hostileInputGetsClearErrorsAndNoCrash() throws {
        let d = try tempDir()
        let bin = d.appendingPathComponent("bin.fq")
        try Data([0x00, 0xFF, 0x13, 0x37, 0x00]).write(to: bin)
        let r1 = try run(["-c", ".read \(bin.path)"])
        #expect(r1.status == 1 && r1.stderr.contains("not a text file"))
        let huge = "awards where name~" + String(repeating: "机", count: 400_000) + "\ncount awards\n"
        let r2 = try run(["--keep-going", "--format", "csv"], stdin: huge)
        #expect(r2.status == 1 && r2.stdout.hasSuffix("count\n21\n"))
        let deep = "count awards where " + String(repeating: "(", count: 100_000) + "\n"
        let r3 = try run(["--format", "csv"], stdin: deep + ";\n")
        #expect(r3.status == 1 && r3.stderr.contains("nested too deeply"))
        let r4 = try run([], stdin: String(decoding: [0x61, 0x77, 0xC3, 0x28, 0x0A], as: UTF8.self))
        #expect(r4.status == 1)
    }

    @Test func timerPrintsRunTimeLikeSqlite() throws {
        let r = try run(["--format", "csv"], stdin: ".timer on\ncount awards\n")
        #expect(r.stdout.range(of: #"count\n21\nRun Time: real \d+\.\d{3} user \d+\.\d{3} sys \d+\.\d{3}\n"#, options: .regularExpression) != nil)
    }

    @Test func dotCommandPrefixesAndErrors() throws {
        let r = try run([], stdin: ".mo csv\ncount awards\n.he\n.mode tabel\n.maxrows x\n")
        #expect(r.stdout.hasPrefix("count\n21\n"))
        #expect(r.stderr.contains("'.he' is ambiguous: .help, .headers"))
        #expect(r.status == 1)
        let r2 = try run(["--keep-going"], stdin: ".mode tabel\n.maxrows x\n")
        #expect(r2.stderr.contains(".mode: unknown mode 'tabel' — did you mean 'table'?"))
        #expect(r2.stderr.contains(".maxrows: expected a positive whole number, 'auto' or 'off', found 'x' (argument 1: 'x')"))
    }

    @Test func importAndLoadAreAllOrNothing() throws {
        let d = try tempDir()
        try "name,aliases\n济宁市,济宁|Jining\n".write(to: d.appendingPathComponent("cities.csv"), atomically: true, encoding: .utf8)
        try "name,city\n天意机械,济宁\n".write(to: d.appendingPathComponent("enterprises.csv"), atomically: true, encoding: .utf8)
        let bad = d.appendingPathComponent("bad.facts")
        try "enterprise 新公司 city=济南\n".write(to: bad, atomically: true, encoding: .utf8)
        let good = d.appendingPathComponent("good.facts")
        try "enterprise 新公司 city=Jining\n".write(to: good, atomically: true, encoding: .utf8)
        let r = try run(["--keep-going", "--format", "csv"], stdin: """
            .import \(d.path)
            enterprises where city=jining
            .load \(bad.path)
            count enterprises
            .load \(good.path)
            count enterprises where city=济宁
            """)
        #expect(r.stdout == "name,city\n天意机械,济宁市\ncount\n1\ncount\n2\n", "\(r.stderr)")
        #expect(r.stderr.contains("bad.facts:1:21: no entity named '济南' (for column 'city')"))
        #expect(r.status == 1)
    }
}
