import ArgumentParser
import BuiltinGraph
import CLibEdit
import FactGraph
import FactIngest
import FactQuery
import FactShell

extension OutputMode: ExpressibleByArgument {}

/// The `factsh` command line (docs in README.md; exit status 0 success, 1 a statement or load
/// failed, 2 bad usage).
struct Factsh: ParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "factsh",
        abstract: "An interactive query shell over a fact graph of Chinese regional quality work.",
        discussion: """
        Without a script or -c, factsh reads statements from standard input: interactively on a \
        terminal (line editing, history, completion), plainly otherwise. The built-in graph holds \
        the facts of the Weifang (2021-09-17) and Jining (2024-09-11) press releases.

        Examples:
          factsh -c 'awards where city=济宁'
          factsh report.fq --param city=潍坊
          echo 'count awards by city' | factsh --format csv
          factsh --graph my.facts
          factsh ingest release.txt [-o candidates.facts]   (factsh ingest --help)

        Exit status: 0 success, 1 a statement or a load failed, 2 bad command-line usage, \
        128+N after signal N (130 for Ctrl-C outside a terminal).
        """,
        version: "factsh \(version)"
    )

    @Argument(help: "A script of statements to run (then exit).")
    var script: String?

    @Option(name: [.customShort("c"), .customLong("command")], help: ArgumentHelp("Run a statement and exit (repeatable).", valueName: "statement"))
    var commands: [String] = []

    @Option(name: .customLong("graph"), help: ArgumentHelp("Load this .facts file instead of the built-in graph (repeatable: merged).", valueName: "file"))
    var graphs: [String] = []

    @Option(name: .customLong("import-csv"), help: ArgumentHelp("Load a folder of CSV files as the graph.", valueName: "dir"))
    var importCSV: String?

    @Option(help: ArgumentHelp("Output format: \(OutputMode.allCases.map(\.rawValue).joined(separator: "|")).", valueName: "mode"))
    var format: OutputMode?

    @Option(name: .customLong("param"), help: ArgumentHelp("Set a query parameter $NAME (repeatable).", valueName: "name=value"))
    var params: [String] = []

    @Flag(help: "Run every statement of a script even after an error (still exits 1).")
    var keepGoing = false

    @Flag(help: "Refuse every command that writes a file (for running others' scripts).")
    var safe = false

    @Flag(name: .customLong("no-rc"), help: "Do not run ~/.factshrc (or $XDG_CONFIG_HOME/factsh/rc) at interactive start.")
    var noRC = false

    @Flag(name: .customLong("no-headers"), help: "Leave out column headers.")
    var noHeaders = false

    func validate() throws {
        for p in params where !p.contains("=") || p.hasPrefix("=") {
            throw ValidationError("--param expects NAME=VALUE, found '\(p)'")
        }
    }

    func loadGraph() -> (FactGraph, String?)? {
        do {
            var g: FactGraph? = nil
            var label: String? = nil
            if let dir = importCSV {
                g = try CSVImporter.load(directory: dir)
                label = FileIO.baseName(dir)
            }
            if !graphs.isEmpty {
                var files: [(String, [UInt8])] = []
                for path in graphs {
                    do { files.append((path, try FileIO.read(path))) } catch {
                        stderr("factsh: cannot read \(error)")
                        return nil
                    }
                }
                g = try FactsReader.load(files, extending: g)
                let names = graphs.map(FileIO.baseName)
                label = ([label].compactMap { $0 } + names).joined(separator: "+")
            }
            if let g { return (g, label) }
            return (try BuiltinGraph.load(), nil)
        } catch {
            stderr(error.description)
            stderr("factsh: nothing was loaded")
            return nil
        }
    }

    func run() throws {
        // Signals: loading polls nothing and leaves nothing to save, so a signal there ends
        // the process at once (128+N); after it, Ctrl-C stops the running statement.
        Interrupt.install()
        Interrupt.exitAtOnce(true)
        guard let (graph, label) = loadGraph() else { throw ExitCode(1) }
        Interrupt.exitAtOnce(false)
        let session = ShellSession(graph: graph, graphLabel: label, safe: safe, cancellation: .signals)
        if let f = format { session.mode = f }
        if noHeaders { session.headers = false }
        session.bail = !keepGoing
        for p in params {
            let i = p.firstIndex(of: "=")!
            var name = String(p[..<i])
            if name.hasPrefix("$") { name.removeFirst() }
            session.parameters[name] = String(p[p.index(after: i)...])
        }
        var ok = true
        if !commands.isEmpty || script != nil {
            for c in commands {
                let r = session.runScript(c, name: "-c")
                if !r.ok { ok = false; if session.bail { break } }
                if r.quit { break }
            }
            if let path = script, ok || !session.bail {
                let text: String
                do {
                    let bytes = try FileIO.read(path, limit: 64 << 20)
                    guard let t = String(validating: bytes, as: UTF8.self), !bytes.contains(0) else {
                        stderr("factsh: \(path) is not a UTF-8 text file")
                        throw ExitCode(1)
                    }
                    text = t
                } catch let e as ExitCode { throw e } catch {
                    stderr("factsh: cannot read \(error)")
                    throw ExitCode(1)
                }
                if !session.runScript(text, name: path).ok { ok = false }
            }
        } else if factsh_stdin_isatty() != 0 {
            _ = factsh_setup_locale()
            let history = History.openDefault()
            session.history = history
            if !noRC { session.runStartupFile() }
            if label == nil {
                factsh_write_stdout("factsh \(Factsh.version) — built-in graph: \(graph.entityCount) entities. Enter .help for help.\n")
            } else {
                factsh_write_stdout("factsh \(Factsh.version) — graph \(label!): \(graph.entityCount) entities. Enter .help for help.\n")
            }
            let status = REPL.run(engine: session, history: history)
            session.close()
            throw ExitCode(status != 0 ? status : 0)
        } else {
            ok = session.runStandardInput()
        }
        session.close()
        factsh_flush_output()
        // Outside a terminal a signal stops the run: 130 after Ctrl-C, 128+N after SIGTERM …
        if let status = Interrupt.exitStatus { throw ExitCode(status) }
        if !ok || session.errorCount > 0 { throw ExitCode(1) }
    }
}

func stderr(_ s: String) { factsh_write_stderr(s.hasSuffix("\n") ? s : s + "\n") }

/// `factsh ingest FILE… [-o OUT.facts] [--explain] [--lexicon FILE]`: press releases → candidate
/// facts (docs/INGEST.md).
struct IngestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "factsh ingest",
        abstract: "Extract candidate facts (awards with provenance) from press releases.",
        discussion: """
        Reads UTF-8 or GB18030 text or HTML, traditional or simplified characters. Without -o, \
        prints the candidates for review, numbered, with their line numbers; with -o, writes a \
        self-contained .facts file that factsh --graph loads. A folder stands for its .txt and \
        .html files. Names are linked to the built-in graph (or to the --graph files).

        Examples:
          factsh ingest release.txt
          factsh ingest releases/ -o candidates.facts
          factsh ingest notice.html --explain --lexicon my-honors.txt
        """
    )

    @Argument(help: ArgumentHelp("Press releases (files or folders).", valueName: "file"))
    var files: [String]

    @Option(name: [.customShort("o"), .customLong("output")], help: ArgumentHelp("Write the candidates as a .facts file.", valueName: "file"))
    var output: String?

    @Flag(help: "Show why each candidate was extracted (rule, notes, text).")
    var explain = false

    @Flag(help: "With -o: leave out entities the linked graph already has, so the file extends that graph (--graph export.facts --graph OUT.facts) instead of loading alone.")
    var delta = false

    @Option(name: .customLong("lexicon"), help: ArgumentHelp("An honor lexicon file to add to the built-in one (repeatable).", valueName: "file"))
    var lexicons: [String] = []

    @Option(name: .customLong("graph"), help: ArgumentHelp("Link names to this graph instead of the built-in one (repeatable).", valueName: "file"))
    var graphs: [String] = []

    @Option(help: ArgumentHelp("Review table format: \(OutputMode.allCases.map(\.rawValue).joined(separator: "|")).", valueName: "mode"))
    var format: OutputMode?

    @Option(name: .customLong("min-confidence"), help: ArgumentHelp("Leave out candidates below this confidence (0–1).", valueName: "n"))
    var minConfidence: Double = 0

    func validate() throws {
        if files.isEmpty { throw ValidationError("expected at least one press release") }
    }

    func run() throws {
        var lexicon = HonorLexicon.standard
        for path in lexicons {
            do {
                let bytes = try FileIO.read(FileIO.expandTilde(path))
                guard let text = String(validating: bytes, as: UTF8.self) else { stderr("factsh: \(path) is not UTF-8 text"); throw ExitCode(1) }
                try lexicon.add(parsing: text)
            } catch let e as HonorLexicon.ParseError {
                stderr("factsh: \(path):\(e)")
                throw ExitCode(1)
            } catch let e as ExitCode { throw e } catch {
                stderr("factsh: cannot read \(error)")
                throw ExitCode(1)
            }
        }
        let graph: FactGraph
        do {
            if graphs.isEmpty { graph = try BuiltinGraph.load() } else {
                var files: [(String, [UInt8])] = []
                for p in graphs { files.append((p, try FileIO.read(p))) }
                graph = try FactsReader.load(files)
            }
        } catch {
            stderr("factsh: \(error)")
            throw ExitCode(1)
        }
        let ingest = Ingest(graph: graph, lexicon: lexicon)
        var docs: [IngestedDocument] = []
        var failed = false
        for r in IngestBatch.run(IngestBatch.expand(files), ingest: ingest) {
            switch r {
            case .success(var d):
                d.candidates = d.candidates.filter { $0.confidence >= minConfidence }
                docs.append(d)
            case .failure(let e):
                stderr("factsh: cannot ingest \(e)")
                failed = true
            }
        }
        if let out = output {
            let text = FactsOutput.write(docs, linker: ingest.linker, omitLinked: delta)
            do { try FileIO.writeAtomically(FileIO.expandTilde(out), Array(text.utf8)) } catch {
                stderr("factsh: cannot write \(error)")
                throw ExitCode(1)
            }
            let n = docs.reduce(0) { $0 + $1.candidates.count }
            stderr("factsh: \(n) candidate award fact\(n == 1 ? "" : "s") from \(docs.count) release\(docs.count == 1 ? "" : "s") written to \(out)")
        } else {
            let session = ShellSession(graph: graph)
            if let f = format { session.mode = f }
            session.showIngestCandidates(docs, explain: explain)
            session.close()
            for d in docs where d.skippedBecause != nil { stderr("factsh: \(d.document.fileName): no facts taken: \(d.skippedBecause!)") }
        }
        factsh_flush_output()
        if failed { throw ExitCode(1) }
    }
}

// Usage errors exit 2 (ArgumentParser's default is 64).
if CommandLine.arguments.count > 1 && CommandLine.arguments[1] == "ingest" {
    do {
        let command = try IngestCommand.parse(Array(CommandLine.arguments.dropFirst(2)))
        do {
            try command.run()
            factsh_flush_output()
            exit(0)
        } catch let e as ExitCode {
            factsh_flush_output()
            exit(e.rawValue)
        }
    } catch {
        let code = IngestCommand.exitCode(for: error)
        if code == .success {
            factsh_write_stdout(IngestCommand.fullMessage(for: error) + "\n")
            factsh_flush_output()
            exit(0)
        }
        stderr("factsh ingest: " + IngestCommand.fullMessage(for: error))
        stderr(IngestCommand.usageString())
        exit(2)
    }
}

do {
    let command = try Factsh.parse(Array(CommandLine.arguments.dropFirst()))
    do {
        try command.run()
        factsh_flush_output()
    } catch let e as ExitCode {
        factsh_flush_output()
        exit(e.rawValue)
    }
} catch {
    let code = Factsh.exitCode(for: error)
    if code == .success {
        factsh_write_stdout(Factsh.fullMessage(for: error) + "\n")
        factsh_flush_output()
        exit(0)
    }
    stderr("factsh: " + Factsh.fullMessage(for: error))
    stderr(Factsh.usageString())
    exit(2)
}
