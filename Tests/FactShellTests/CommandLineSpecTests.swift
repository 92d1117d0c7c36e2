import Testing
@testable import FactShell

/// The hand-written command-line parser: one table gives parsing, usage and `--help`.
@Suite struct CommandLineSpecTests {
    let spec = CommandLineSpec(
        name: "tool",
        summary: "A tool.",
        options: [
            .init("command", short: "c", value: "STATEMENT", repeatable: true, help: "Run a statement."),
            .init("cmd", singleDash: true, value: "STATEMENT", repeatable: true, help: "Run first."),
            .init("format", value: "MODE", help: "Output format."),
            .init("safe", help: "Write nothing."),
        ],
        positionals: [.init("SCRIPT", help: "A script.")],
        version: "tool 1.0")

    func parsed(_ args: [String]) throws -> CommandLineSpec.Parsed {
        guard case .run(let p) = try spec.parse(args) else { throw CommandLineSpec.Problem.unexpectedArgument("help/version") }
        return p
    }

    func problem(_ args: [String]) -> CommandLineSpec.Problem? {
        do { _ = try spec.parse(args); return nil } catch { return error }
    }

    @Test func formsOfOptionsAndPositionals() throws {
        let p = try parsed(["-c", "a", "--command", "b", "--command=c", "-cmd", "d", "x.fq", "--format=csv", "--safe"])
        #expect(p.all("command") == ["a", "b", "c"])
        #expect(p.all("cmd") == ["d"])
        #expect(p.value("format") == "csv")
        #expect(p.flag("safe"))
        #expect(p.positionals == ["x.fq"])
        #expect(try parsed(["-"]).positionals == ["-"])
        #expect(try parsed(["--", "-c"]).positionals == ["-c"])
        #expect(try parsed(["-c", "-c"]).all("command") == ["-c"], "a value may start with a dash")
    }

    @Test func helpAndVersion() throws {
        guard case .help = try spec.parse(["-c", "x", "--help"]) else { Issue.record("--help"); return }
        guard case .help = try spec.parse(["-h"]) else { Issue.record("-h"); return }
        guard case .version = try spec.parse(["--version"]) else { Issue.record("--version"); return }
    }

    @Test(arguments: [
        (["--formt", "csv"], CommandLineSpec.Problem.unknownOption("--formt", suggestions: ["--format"])),
        (["-format", "csv"], .unknownOption("-format", suggestions: ["--format"])),
        (["-x"], .unknownOption("-x", suggestions: [])),
        (["-c"], .missingValue(option: "-c", valueName: "STATEMENT")),
        (["--safe=yes"], .flagTakesNoValue(option: "--safe")),
        (["--safe", "--safe"], .repeated(option: "--safe")),
        (["--format", "csv", "--format", "json"], .repeated(option: "--format")),
        (["a.fq", "b.fq"], .unexpectedArgument("b.fq")),
    ] as [([String], CommandLineSpec.Problem)])
    func usageErrors(_ args: [String], _ expected: CommandLineSpec.Problem) {
        #expect(problem(args) == expected)
    }

    @Test func messagesAndUsageComeFromTheTable() {
        let text = spec.errorText(.unknownOption("--formt", suggestions: ["--format"]))
        #expect(text == """
            tool: error: unknown option '--formt' — did you mean '--format'?
            Usage: tool [SCRIPT] [-c STATEMENT]… [-cmd STATEMENT]… [--format MODE] [--safe]
            Run 'tool --help' for more.

            """)
        // The usage line is printed once, and --help lists every option.
        #expect(text.components(separatedBy: "Usage:").count == 2)
        let help = spec.helpText
        for o in ["-c, --command STATEMENT", "-cmd STATEMENT", "--format MODE", "--safe", "-h, --help", "--version"] {
            #expect(help.contains(o), "\(o)")
        }
    }

    @Test func requiredRepeatedPositional() {
        let ingest = CommandLineSpec(name: "t ingest", summary: "", options: [],
                                     positionals: [.init("FILE", help: "", repeatable: true, required: true)])
        #expect(throws: CommandLineSpec.Problem.missingArgument("FILE…")) { try ingest.parse([]) }
        guard case .run(let p)? = try? ingest.parse(["a", "b", "c"]) else { Issue.record("files"); return }
        #expect(p.positionals == ["a", "b", "c"])
    }

    @Test func outputModeNamesResolveByUniquePrefix() {
        #expect(OutputMode.named("mark") == .success(.markdown))
        #expect(OutputMode.named("JSON") == .success(.json))
        #expect(OutputMode.named("j") == .failure(.ambiguous("j", ["json", "jsonl"])))
        #expect(OutputMode.named("j").description.contains("ambiguous: json, jsonl"))
        guard case .failure(let e) = OutputMode.named("tabel") else { Issue.record("tabel"); return }
        #expect(e.description.hasPrefix("unknown mode 'tabel' — did you mean 'table'?"))
    }
}

extension Result where Failure == OutputMode.NameProblem, Success == OutputMode {
    var description: String {
        switch self {
        case .success(let m): return m.rawValue
        case .failure(let e): return e.description
        }
    }
}
