import BuiltinGraph
import CMemory
import CLibEdit
import FactGraph
import FactIngest
import FactQuery
import FactShell
#if canImport(Glibc)
import Glibc
#endif

// The `factsh` command line (README.md, PRODUCT §4). Exit status: 0 success, 1 a statement, a
// load or a write failed, 2 bad command-line usage, 128+N after signal N, or the code given to
// `.exit CODE`. The grammar is the two tables below; `CommandLineSpec` parses with them and
// makes `--help`, the usage line and every usage error from them.

let version = "0.1.0"
let modeNames = OutputMode.allCases.map(\.rawValue).joined(separator: "|")

let factshSpec = CommandLineSpec(
    name: "factsh",
    summary: "An interactive query shell over a fact graph of Chinese regional quality work.",
    discussion: """
    Without a script or -c, factsh reads statements from standard input: interactively on a
    terminal (line editing, history, completion), plainly otherwise ('-' reads standard input
    plainly even from a terminal). The built-in graph holds the facts of the Weifang
    (2021-09-17) and Jining (2024-09-11) press releases.

    Examples:
      factsh -c 'awards where city=济宁'
      factsh report.fq --param city=潍坊
      echo 'count awards by city' | factsh --format csv
      factsh --graph my.facts -cmd '.mode line'
      factsh ingest release.txt [-o candidates.facts]   (factsh ingest --help)

    Exit status: 0 success, 1 a statement or a load failed, 2 bad command-line usage,
    128+N after signal N (130 for Ctrl-C outside a terminal), or CODE after .exit CODE.
    """,
    options: [
        .init("command", short: "c", value: "STATEMENT", repeatable: true, help: "Run a statement and exit (repeatable)."),
        .init("cmd", singleDash: true, value: "STATEMENT", repeatable: true,
              help: "Run a statement before reading input or showing the prompt (repeatable), as sqlite3's -cmd."),
        .init("graph", value: "FILE", repeatable: true, help: "Load this .facts file instead of the built-in graph (repeatable: merged)."),
        .init("import-csv", value: "DIR", help: "Load a folder of CSV files as the graph."),
        .init("format", value: "MODE", help: "Output format: \(modeNames)."),
        .init("param", value: "NAME=VALUE", repeatable: true, help: "Set a query parameter $NAME (repeatable)."),
        .init("keep-going", help: "Run every statement of a script even after an error (still exits 1)."),
        .init("safe", help: "Refuse every command that writes a file (for running others' scripts)."),
        .init("no-rc", help: "Do not run ~/.factshrc (or $XDG_CONFIG_HOME/factsh/rc) at interactive start."),
        .init("no-headers", help: "Leave out column headers."),
    ],
    positionals: [.init("SCRIPT | -", help: "A script of statements to run (then exit); '-' for standard input.")],
    version: "factsh \(version)"
)

let ingestSpec = CommandLineSpec(
    name: "factsh ingest",
    summary: "Extract candidate facts (awards with provenance) from press releases.",
    discussion: """
    Reads UTF-8 or GB18030 text or HTML, traditional or simplified characters. Without -o,
    prints the candidates for review, numbered, with their line numbers; with -o, writes a
    self-contained .facts file that factsh --graph loads. A folder stands for its .txt and
    .html files. Names are linked to the built-in graph (or to the --graph files).

    Examples:
      factsh ingest release.txt
      factsh ingest releases/ -o candidates.facts
      factsh ingest notice.html --explain --lexicon my-honors.txt
    """,
    options: [
        .init("output", short: "o", value: "FILE", help: "Write the candidates as a .facts file."),
        .init("explain", help: "Show why each candidate was extracted (rule, notes, text)."),
        .init("delta", help: "With -o: leave out entities the linked graph already has, so the file extends that graph (--graph export.facts --graph OUT.facts) instead of loading alone."),
        .init("lexicon", value: "FILE", repeatable: true, help: "An honor lexicon file to add to the built-in one (repeatable)."),
        .init("graph", value: "FILE", repeatable: true, help: "Link names to this graph instead of the built-in one (repeatable)."),
        .init("format", value: "MODE", help: "Review table format: \(modeNames)."),
        .init("min-confidence", value: "N", help: "Leave out candidates below this confidence (0–1; default 0)."),
    ],
    positionals: [.init("FILE", help: "Press releases (files or folders).", repeatable: true, required: true)]
)

func stderr(_ s: String) { factsh_write_stderr(s.hasSuffix("\n") ? s : s + "\n") }

/// Ends the process: flushes what stdio holds first.
func finish(_ status: Int32) -> Never {
    factsh_flush_output()
    exit(status)
}

/// A usage error: the problem, the usage line once, status 2.
func usageError(_ spec: CommandLineSpec, _ problem: CommandLineSpec.Problem) -> Never {
    factsh_flush_output()
    factsh_write_stderr(spec.errorText(problem))
    exit(2)
}

/// Parses a command line, printing `--help` or the version and exiting when asked.
func parse(_ spec: CommandLineSpec, _ arguments: [String]) -> CommandLineSpec.Parsed {
    do {
        switch try spec.parse(arguments) {
        case .run(let parsed): return parsed
        case .help:
            factsh_write_stdout(spec.helpText)
            finish(0)
        case .version:
            factsh_write_stdout((spec.version ?? spec.name) + "\n")
            finish(0)
        }
    } catch {
        usageError(spec, error)
    }
}

func mode(_ spec: CommandLineSpec, _ parsed: CommandLineSpec.Parsed) -> OutputMode? {
    guard let f = parsed.value("format") else { return nil }
    switch OutputMode.named(f) {
    case .success(let m): return m
    case .failure(let e): usageError(spec, .invalidValue(option: "--format", reason: e.description))
    }
}

// MARK: - factsh

/// Loads the graph the options name (the built-in one by default); nil after printing why not.
func loadGraph(_ o: CommandLineSpec.Parsed) -> (FactGraph, String?)? {
    let graphs = o.all("graph")
    do {
        var g: FactGraph? = nil
        var label: String? = nil
        if let dir = o.value("import-csv") {
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

/// Reads a script file as text, or says why not.
func readScript(_ path: String) -> String? {
    do {
        let bytes = try FileIO.read(path, limit: 64 << 20)
        guard let text = String(validating: bytes, as: UTF8.self), !bytes.contains(0) else {
            stderr("factsh: \(path) is not a UTF-8 text file")
            return nil
        }
        return text
    } catch {
        stderr("factsh: cannot read \(error)")
        return nil
    }
}

func runFactsh(_ arguments: [String]) -> Int32 {
    let o = parse(factshSpec, arguments)
    let format = mode(factshSpec, o)
    var params: [(String, String)] = []
    for p in o.all("param") {
        guard let eq = p.firstIndex(of: "="), eq != p.startIndex else {
            usageError(factshSpec, .invalidValue(option: "--param", reason: "expected NAME=VALUE, found '\(p)'"))
        }
        var name = String(p[..<eq])
        if name.hasPrefix("$") { name.removeFirst() }
        params.append((name, String(p[p.index(after: eq)...])))
    }
    let script = o.positionals.first
    let commands = o.all("command")

    let interactive = commands.isEmpty && script == nil && factsh_stdin_isatty() != 0
    Interrupt.install()
    let session: ShellSession
    if interactive && o.all("graph").isEmpty && o.value("import-csv") == nil {
        // The prompt comes first: the built-in graph is read on a thread of its own, started
        // once the prompt is up, while the user types, and waited for by the first statement or
        // completion that needs it.
        let builtin = BackgroundLoad(startNow: false) { () -> FactGraph in
            do { return try BuiltinGraph.load() } catch {
                stderr("\(error)")
                finish(1)
            }
        }
        session = ShellSession(loadingGraph: { builtin.value }, startLoading: { builtin.start() }, safe: o.flag("safe"),
                               cancellation: .signals)
    } else {
        // Signals: loading polls nothing and leaves nothing to save, so a signal there ends
        // the process at once (128+N); after it, Ctrl-C stops the running statement.
        Interrupt.exitAtOnce(true)
        guard let (graph, label) = loadGraph(o) else { return 1 }
        // From here on the allocator keeps big temporary arrays for the next statement (20 ms
        // of each big grouping at a million enterprises); the shell hands free memory back
        // when it is idle (IdleTrim).
        factsh_malloc_for_queries()
        Interrupt.exitAtOnce(false)
        // A big graph at a prompt: the link table, collation ranks and the pinyin index are
        // built on the second core while the user types (a statement that needs one first waits
        // for it). Scripts, -c and programs writing to our standard input build only what their
        // statements ask for, when they ask: a warm-up there would take the second core from
        // the statements that use it (measured: the first rows of a big summary came 2x later).
        if interactive && graph.entityCount >= 100_000 { QueryEngine.warmUp(graph) }
        session = ShellSession(graph: graph, graphLabel: label, safe: o.flag("safe"), cancellation: .signals)
    }
    if let format { session.setMode(format, explicitly: true) }
    if o.flag("no-headers") { session.headers = false }
    session.bail = !o.flag("keep-going")
    for (name, value) in params { session.parameters[name] = value }

    /// The exit status of a run that ended normally.
    func status(_ ok: Bool) -> Int32 {
        session.close()
        factsh_flush_output()
        if let code = session.requestedExitStatus { return code }
        // Outside a terminal a signal stops the run: 130 after Ctrl-C, 128+N after SIGTERM …
        if let signal = Interrupt.exitStatus { return signal }
        return ok && session.errorCount == 0 ? 0 : 1
    }

    if interactive {
        _ = factsh_setup_locale()
        session.display = .terminal
        let history = History.openDefault()
        session.history = history
        if !o.flag("no-rc") { session.runStartupFile() }
        for c in o.all("cmd") where session.runScript(c, name: "-cmd").quit { return status(true) }
        // The built-in graph may still be loading: its banner names it without counting it.
        let what = session.graphLabel.map { "graph \($0): \(session.graph.entityCount) entities" }
            ?? "built-in graph"
        factsh_write_stdout("factsh \(version) — \(what). Enter .help for help.\n")
        let signal = REPL.run(engine: session, history: history)
        session.close()
        factsh_flush_output()
        if signal != 0 { return signal }
        return session.requestedExitStatus ?? 0
    }

    var ok = true
    for c in o.all("cmd") {
        let r = session.runScript(c, name: "-cmd")
        if !r.ok { ok = false; if session.bail { return status(false) } }
        if r.quit { return status(ok) }
    }
    for c in commands {
        let r = session.runScript(c, name: "-c")
        if !r.ok { ok = false; if session.bail { return status(false) } }
        if r.quit { return status(ok) }
    }
    if let path = script, path != "-" {
        guard let text = readScript(path) else { return status(false) }
        if !session.runScript(text, name: path).ok { ok = false }
    } else if script == "-" || commands.isEmpty {
        if !session.runStandardInput() { ok = false }
    }
    return status(ok)
}

// MARK: - factsh ingest

/// `factsh ingest FILE… [-o OUT.facts] [--explain] [--lexicon FILE]`: press releases → candidate
/// facts (docs/INGEST.md).
func runIngest(_ arguments: [String]) -> Int32 {
    let o = parse(ingestSpec, arguments)
    let format = mode(ingestSpec, o)
    var minConfidence = 0.0
    if let m = o.value("min-confidence") {
        guard let v = Double(m), v >= 0, v <= 1 else {
            usageError(ingestSpec, .invalidValue(option: "--min-confidence", reason: "expected a number from 0 to 1, found '\(m)'"))
        }
        minConfidence = v
    }
    var lexicon = HonorLexicon.standard
    for path in o.all("lexicon") {
        do {
            let bytes = try FileIO.read(FileIO.expandTilde(path))
            guard let text = String(validating: bytes, as: UTF8.self) else { stderr("factsh: \(path) is not UTF-8 text"); return 1 }
            try lexicon.add(parsing: text)
        } catch let e as HonorLexicon.ParseError {
            stderr("factsh: \(path):\(e)")
            return 1
        } catch {
            stderr("factsh: cannot read \(error)")
            return 1
        }
    }
    let graph: FactGraph
    do {
        let graphs = o.all("graph")
        if graphs.isEmpty { graph = try BuiltinGraph.load() } else {
            var files: [(String, [UInt8])] = []
            for p in graphs { files.append((p, try FileIO.read(p))) }
            graph = try FactsReader.load(files)
        }
    } catch {
        stderr("factsh: \(error)")
        return 1
    }
    let ingest = Ingest(graph: graph, lexicon: lexicon)
    var docs: [IngestedDocument] = []
    var failed = false
    for r in IngestBatch.run(IngestBatch.expand(o.positionals), ingest: ingest) {
        switch r {
        case .success(var d):
            d.candidates = d.candidates.filter { $0.confidence >= minConfidence }
            docs.append(d)
        case .failure(let e):
            stderr("factsh: cannot ingest \(e)")
            failed = true
        }
    }
    if let out = o.value("output") {
        let text = FactsOutput.write(docs, linker: ingest.linker, omitLinked: o.flag("delta"))
        do { try FileIO.writeAtomically(FileIO.expandTilde(out), Array(text.utf8)) } catch {
            stderr("factsh: cannot write \(error)")
            return 1
        }
        stderr("factsh: \(Candidate.counts(docs.flatMap(\.candidates))) from \(docs.count) release\(docs.count == 1 ? "" : "s") written to \(out)")
    } else {
        let session = ShellSession(graph: graph)
        if let format { session.setMode(format, explicitly: true) }
        session.showIngestCandidates(docs, explain: o.flag("explain"))
        session.close()
        for d in docs where d.skippedBecause != nil { stderr("factsh: \(d.document.fileName): no facts taken: \(d.skippedBecause!)") }
    }
    return failed ? 1 : 0
}

// Until a graph is loaded, big dropped buffers go back to the system (a static build's glibc
// otherwise raised its bounds and kept them in a fragmented heap: at a million enterprises the
// load's peak was 322 MB that way, 275 MB with this).
factsh_malloc_for_loading()

let arguments = Array(CommandLine.arguments.dropFirst())
finish(arguments.first == "ingest" ? runIngest(Array(arguments.dropFirst())) : runFactsh(arguments))
