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

    /// Runs one piece of input: a statement or a dot-command.
    @discardableResult
    func runPiece(_ piece: StatementSplitter.Piece, file: String?) -> Outcome {
        Interrupt.clear()
        let t0 = FileIO.now(), c0 = FileIO.cpuTimes()
        let text = piece.text
        let outcome: Outcome
        if piece.isDotCommand {
            outcome = runDotCommand(text, origin: Origin(file: file, line: piece.line))
        } else {
            outcome = runQuery(piece, file: file)
        }
        if timer && outcome != .quit {
            let c1 = FileIO.cpuTimes()
            emit(String.runTime(real: FileIO.now() - t0, user: c1.0 - c0.0, sys: c1.1 - c0.1))
        }
        if outcome == .failed { errorCount += 1 }
        // A .once file is finished after the one statement it was for.
        if let f = outputFile, f.once, !(piece.isDotCommand && text.lowercased().hasPrefix(".once")) { closeOutputFile() }
        return outcome
    }

    /// Runs every statement and dot-command of a text (as typed at the prompt, or one `-c`).
    @discardableResult
    public func runStatement(_ text: String, origin: Origin) -> Outcome {
        var worst = Outcome.ok
        for piece in StatementSplitter.split(text, firstLine: origin.line) {
            switch runPiece(piece, file: origin.file) {
            case .ok: break
            case .quit: return .quit
            case .failed:
                worst = .failed
                if bail && origin.file != nil { return .failed }
            }
            if Interrupt.isPending { return .failed }
        }
        return worst
    }

    func runQuery(_ piece: StatementSplitter.Piece, file: String?) -> Outcome {
        do {
            let t = try engine.execute(piece)
            for n in engine.lastNotes { complain("note: " + n.message) }
            render(t)
            log.append(piece.text)
            return .ok
        } catch {
            if error.problem == .cancelled {
                complain("cancelled")
            } else {
                complain(Diagnostics.render(error, bytes: piece.chunk, file: file, firstLine: piece.firstLine))
            }
            return .failed
        }
    }

    /// Runs a whole script. Stops at the first error when `bail` is on. Returns whether every
    /// statement succeeded, and whether one of them was `.quit`.
    @discardableResult
    public func runScript(_ text: String, name: String?) -> (ok: Bool, quit: Bool) {
        var lines = StatementSplitter.lines(text).makeIterator()
        return runLines({ lines.next() }, name: name)
    }

    /// Runs statements read line by line from standard input (not a terminal): no prompt, no
    /// escape codes.
    public func runStandardInput() -> Bool {
        runLines({ readLine(strippingNewline: true) }, name: "<stdin>").ok
    }

    /// The one statement loop behind scripts, `.read`, `-c` and standard input: the language's
    /// splitter gathers lines into statements exactly as the interactive shell does; each runs,
    /// and the loop stops at the first error when `bail` is on, at `.quit`, or on Ctrl-C.
    func runLines(_ nextLine: () -> String?, name: String?) -> (ok: Bool, quit: Bool) {
        var ok = true
        var splitter = StatementSplitter()
        var lineNo = 0
        var finished = false
        while !finished {
            let batch: [StatementSplitter.Piece]
            if let line = nextLine() {
                lineNo += 1
                batch = splitter.feed(line, line: lineNo)
            } else {
                batch = splitter.finish()
                finished = true
            }
            for piece in batch {
                switch runPiece(piece, file: name) {
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

    public func isComplete(_ text: String) -> Bool { StatementSplitter.isComplete(text) }

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
