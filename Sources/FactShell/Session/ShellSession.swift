import FactGraph
import FactQuery
import CLibEdit

/// One shell session: the loaded graph, the query engine, output settings, parameters and the
/// log of statements. It runs statements from any source — the interactive loop, `-c`, a script
/// file, standard input, `.read` — and writes results through the chosen output mode.
///
/// The session knows nothing of the terminal beyond "is standard output a terminal" (for
/// colour and table width); line editing lives in `Interactive/`.
public final class ShellSession: ShellEngine {
    public private(set) var graph: FactGraph
    /// The loaded graph's name for the prompt; nil for the built-in graph.
    public var graphLabel: String?
    public private(set) var engine: QueryEngine

    // Output settings.
    public var mode: OutputMode = .table
    public var headers = true
    public var maxRows: Int? = nil
    public var widths: [Int] = []
    public var timer = false
    /// Stop a script at its first error (`.bail on`, the default for scripts).
    public var bail = true
    /// Refuse every command that writes a file.
    public let safe: Bool
    public var history: History?

    /// Statements that succeeded, for `.save`.
    public internal(set) var log: [String] = []
    /// Statements or commands that failed in this session.
    public private(set) var errorCount = 0

    /// Where results go: standard output, or a file being written (`.output`, `.once`).
    var outputFile: (path: String, buffer: [UInt8], once: Bool)? = nil
    /// Nesting of `.read`, capped so a file that reads itself stops.
    var readDepth = 0
    let stdoutIsTerminal: Bool
    let noColor: Bool

    /// Where a statement came from, for error positions.
    public struct Origin: Sendable {
        public var file: String?
        public var line: Int
        public init(file: String?, line: Int) {
            self.file = file
            self.line = line
        }
        public static let interactive = Origin(file: nil, line: 1)
    }

    public enum Outcome { case ok, failed, quit }

    public init(graph: FactGraph, graphLabel: String? = nil, safe: Bool = false) {
        self.graph = graph
        self.graphLabel = graphLabel
        self.engine = QueryEngine(graph: graph)
        self.safe = safe
        self.stdoutIsTerminal = factsh_stdout_isatty() != 0
        self.noColor = FileIO.env("NO_COLOR").map { !$0.isEmpty } ?? false
        engine.isCancelled = { Interrupt.isPending }
    }

    /// Replaces the graph (after `.load` / `.import` succeeded), keeping parameters.
    func replaceGraph(_ g: FactGraph, label: String?) {
        let params = engine.parameters
        graph = g
        graphLabel = label
        engine = QueryEngine(graph: g)
        engine.parameters = params
        engine.isCancelled = { Interrupt.isPending }
    }

    public var parameters: [String: String] {
        get { engine.parameters }
        set { engine.parameters = newValue }
    }

    // MARK: output

    /// Writes text to the current output.
    func emit(_ s: String) {
        if outputFile != nil {
            outputFile!.buffer.append(contentsOf: s.utf8)
        } else {
            factsh_write_stdout(s)
        }
    }

    /// Writes an error or notice to standard error.
    func complain(_ s: String) {
        factsh_flush_output()
        factsh_write_stderr(s.hasSuffix("\n") ? s : s + "\n")
    }

    /// Finishes a `.output`/`.once` file: written atomically in one go.
    func closeOutputFile() {
        guard let f = outputFile else { return }
        outputFile = nil
        do { try FileIO.writeAtomically(f.path, f.buffer) } catch { complain("error: cannot write \(error)") }
    }

    var renderOptions: RenderOptions {
        var o = RenderOptions()
        o.headers = headers
        o.maxRows = maxRows
        o.widths = widths
        let toTerminal = outputFile == nil && stdoutIsTerminal
        if toTerminal {
            let cols = Int(factsh_terminal_columns())
            o.terminalWidth = cols > 0 ? cols : nil
        }
        o.color = toTerminal && !noColor
        return o
    }

    func render(_ t: ResultTable) {
        var s = Renderers.format(for: mode).render(t, renderOptions)
        if !s.isEmpty && !s.hasSuffix("\n") { s += "\n" }
        emit(s)
    }

    // MARK: running

    /// Runs one statement or dot-command.
    @discardableResult
    public func runStatement(_ text: String, origin: Origin) -> Outcome {
        let trimmed = text.trimmingSpaces()
        if trimmed.isEmpty { return .ok }
        Interrupt.clear()
        let t0 = FileIO.now(), c0 = FileIO.cpuTimes()
        let outcome: Outcome
        if trimmed.hasPrefix(".") {
            outcome = runDotCommand(trimmed, origin: origin)
        } else {
            outcome = runQuery(text, origin: origin)
        }
        if timer && outcome != .quit {
            let c1 = FileIO.cpuTimes()
            emit(String.runTime(real: FileIO.now() - t0, user: c1.0 - c0.0, sys: c1.1 - c0.1))
        }
        if outcome == .failed { errorCount += 1 }
        // A .once file is finished after the one statement it was for.
        if let f = outputFile, f.once, !trimmed.lowercased().hasPrefix(".once") { closeOutputFile() }
        return outcome
    }

    func runQuery(_ text: String, origin: Origin) -> Outcome {
        do {
            let t = try engine.execute(text)
            render(t)
            log.append(text)
            return .ok
        } catch {
            if error.problem == .cancelled {
                complain("cancelled")
            } else {
                complain(Diagnostics.render(error, in: text, file: origin.file, firstLine: origin.line))
            }
            return .failed
        }
    }

    /// Runs a whole script. Stops at the first error when `bail` is on. Returns whether every
    /// statement succeeded, and whether one of them was `.quit`.
    @discardableResult
    public func runScript(_ text: String, name: String?) -> (ok: Bool, quit: Bool) {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).lazy.map(String.init).makeIterator()
        return runLines({ lines.next() }, name: name)
    }

    /// Runs statements read line by line from standard input (not a terminal): no prompt, no
    /// escape codes.
    public func runStandardInput() -> Bool {
        runLines({ readLine(strippingNewline: true) }, name: "<stdin>").ok
    }

    /// The one statement loop behind scripts, `.read`, `-c` and standard input: gathers lines
    /// into statements as the interactive shell does, runs each, stops at the first error when
    /// `bail` is on, at `.quit`, or on Ctrl-C.
    func runLines(_ nextLine: () -> String?, name: String?) -> (ok: Bool, quit: Bool) {
        var ok = true
        var acc = StatementAccumulator()
        var lineNo = 0
        var finished = false
        while !finished {
            let batch: [(String, Int)]
            if let line = nextLine() {
                lineNo += 1
                batch = acc.feed(line, lineNo: lineNo)
            } else {
                batch = acc.finish()
                finished = true
            }
            for (stmt, line) in batch {
                switch runStatement(stmt, origin: Origin(file: name, line: line)) {
                case .ok: break
                case .quit: return (ok, true)
                case .failed:
                    ok = false
                    if bail { return (false, false) }
                }
                if Interrupt.isPending { return (false, false) }
            }
        }
        return (ok, false)
    }

    /// Ends the session: finishes any output file.
    public func close() { closeOutputFile() }

    // MARK: ShellEngine (the interactive loop)

    public var prompt: String {
        graphLabel.map { "factsh(\($0))> " } ?? "factsh> "
    }

    public var continuationPrompt: String {
        String(repeating: " ", count: max(0, DisplayWidth.of(prompt) - 5)) + "...> "
    }

    public func isComplete(_ text: String) -> Bool { Completeness.isComplete(text) }

    public func complete(line: String, cursor: Int) -> Completion {
        let trimmed = line.trimmingSpaces()
        if trimmed.hasPrefix(".") {
            return DotCommands.complete(self, line: line, cursor: cursor)
        }
        let c = Completer(graph: graph).complete(line: line, cursor: cursor)
        return Completion(wordStart: c.wordStart, candidates: c.candidates)
    }

    public func run(_ statement: String) -> Bool {
        let o = runStatement(statement, origin: .interactive)
        factsh_flush_output()
        return o != .quit
    }

    /// Runs the rc file, if any: `$XDG_CONFIG_HOME/factsh/rc`, else `~/.factshrc`.
    public func runStartupFile() {
        var candidates: [String] = []
        if let x = FileIO.env("XDG_CONFIG_HOME"), !x.isEmpty { candidates.append(x + "/factsh/rc") }
        if let h = FileIO.env("HOME") {
            if FileIO.env("XDG_CONFIG_HOME") == nil { candidates.append(h + "/.config/factsh/rc") }
            candidates.append(h + "/.factshrc")
        }
        for path in candidates where FileIO.exists(path) {
            guard let bytes = try? FileIO.read(path, limit: 1 << 20) else { continue }
            let saved = bail
            bail = false
            runScript(String(decoding: bytes, as: UTF8.self), name: path)
            bail = saved
            log = []
            return
        }
    }
}

/// Gathers lines into whole statements with the language's completeness test, so that a script,
/// standard input and `.read` split statements exactly as the interactive shell does.
struct StatementAccumulator {
    var pending = ""
    var pendingLine = 0

    mutating func feed(_ rawLine: String, lineNo: Int) -> [(String, Int)] {
        var line = rawLine
        if line.hasSuffix("\r") { line.removeLast() }
        if pending.isEmpty {
            let t = line.trimmingSpaces()
            if t.isEmpty || t.hasPrefix("#") || t.hasPrefix("--") { return [] }
            if t.hasPrefix(".") { return [(t, lineNo)] }
            pending = line
            pendingLine = lineNo
        } else {
            pending += "\n" + line
        }
        guard Completeness.isComplete(pending) else { return [] }
        let out = Completeness.splitStatements(pending).map { ($0.text, pendingLine + $0.lineOffset) }
        pending = ""
        return out
    }

    mutating func finish() -> [(String, Int)] {
        guard !pending.trimmingSpaces().isEmpty else { return [] }
        let out = Completeness.splitStatements(pending).map { ($0.text, pendingLine + $0.lineOffset) }
        pending = ""
        return out
    }
}

extension String {
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" || f == "\n" || f == "\r" || f == "\u{3000}" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\n" || l == "\r" || l == "\u{3000}" { s = s.dropLast() }
        return String(s)
    }

    /// sqlite3's timer line.
    static func runTime(real: Double, user: Double, sys: Double) -> String {
        func f(_ x: Double) -> String {
            let ms = Int((Swift.max(0, x) * 1000).rounded())
            let frac = ms % 1000
            return "\(ms / 1000)." + (frac < 10 ? "00" : frac < 100 ? "0" : "") + "\(frac)"
        }
        return "Run Time: real \(f(real)) user \(f(user)) sys \(f(sys))\n"
    }
}
