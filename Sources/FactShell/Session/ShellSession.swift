import FactGraph
import FactQuery
import CLibEdit
import CSignals
#if canImport(Glibc)
import Glibc
#endif

/// One shell session: the loaded graph, the query engine, output settings, parameters and the
/// log of statements. It runs statements from any source — the interactive loop, `-c`, a script
/// file, standard input, `.read` — and writes results through the chosen output mode.
///
///     let session = ShellSession(graph: g, cancellation: .signals)
///     session.runScript("count awards by city", name: "-c")
///
/// The session knows nothing of the terminal beyond "is standard output a terminal" (for
/// colour, table width and `.maxrows`) and the `Display` it is given when interactive (the
/// screen's size for long and wide results, the pager); line editing lives in `Interactive/`.
/// Results go to an `OutputSink` (standard output, the file `.output`/`.once` opened, or the
/// pager) as they are rendered, and every long pass — the engine, the renderers, the writes —
/// polls the injected `Cancellation`, so Ctrl-C stops a statement at once and the session goes
/// on.
public final class ShellSession: ShellEngine {
    /// The graph (waited for, the first time, when it is still being read in the background).
    public var graph: FactGraph {
        if let g = loadedGraph { return g }
        finishLoading()
        return loadedGraph!
    }
    /// The loaded graph's name for the prompt; nil for the built-in graph.
    public var graphLabel: String?
    /// The query engine over `graph`.
    public var engine: QueryEngine {
        if let e = loadedEngine { return e }
        finishLoading()
        return loadedEngine!
    }
    private var loadedGraph: FactGraph?
    private var loadedEngine: QueryEngine?
    /// Where the graph comes from while it is not loaded yet.
    private var graphLoader: (() -> FactGraph)?
    /// Starts reading the graph in the background (`waitingForInput`), once.
    private var graphStarter: (() -> Void)?
    /// Parameters set before the engine exists.
    private var pendingParameters: [String: String] = [:]

    // Output settings.
    /// The output mode (`.mode`, `--format`); set it with `setMode(_:explicitly:)`.
    public private(set) var mode: OutputMode = .table
    /// Whether the user chose the mode. The default table turns into line layout when it is
    /// too wide for the screen; a table the user asked for stays a table.
    public private(set) var modeIsChosen = false
    public var headers = true
    /// `.maxrows`: how many rows a human mode shows on an interactive screen.
    public var rowLimit: RowLimit = .automatic
    /// `.pager on`: long results on an interactive screen go through the display's pager.
    public var pager = false
    /// `.nullvalue`: how a missing value prints (nil: empty, a dim `null` in colour).
    public var nullValue: String? = nil
    /// `.echo on`: each statement and command is printed before it runs (sqlite3's `.echo`).
    public var echo = false
    public var widths: [Int] = []
    public var timer = false
    /// Stop a script at its first error (`.bail on`, the default for scripts).
    public var bail = true
    /// Refuse every command that writes a file.
    public let safe: Bool
    public var history: History?
    /// What long passes poll to stop (Ctrl-C).
    public let cancellation: Cancellation

    /// Statements that succeeded, for `.save`.
    public internal(set) var log: [String] = []
    /// Statements or commands that failed in this session.
    public private(set) var errorCount = 0
    /// The exit status `.exit CODE` / `.quit CODE` asked for.
    public internal(set) var requestedExitStatus: Int32? = nil
    /// The screen, for an interactive session on a terminal (nil: scripts, `-c`, pipes).
    public var display: Display? = nil

    /// `.maxrows`.
    public enum RowLimit: Sendable, Equatable {
        /// As many rows as fit the screen, on an interactive screen only.
        case automatic
        /// Every row.
        case off
        /// At most N rows of a human mode (table, line, markdown) shown on a terminal.
        case rows(Int)
    }

    /// Standard output.
    let screen: OutputSink
    /// The file results go to (`.output`, `.once`), if any.
    var outputFile: (sink: OutputSink, once: Bool)? = nil
    /// Where results go now.
    var output: OutputSink { outputFile?.sink ?? screen }
    /// Why the running statement's output stopped, if it did.
    var outputStop: OutputStop? = nil
    /// Nesting of `.read`, capped so a file that reads itself stops.
    var readDepth = 0
    let stdoutIsTerminal: Bool
    let stderrIsTerminal: Bool
    /// Standard output is a regular file (the caller redirected it): `.timer` lines go to
    /// standard error then, so that they never land in a file.
    let stdoutIsFile: Bool
    let noColor: Bool
    /// `TERM=dumb`: no escape code of any kind.
    let dumbTerminal: Bool

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

    public convenience init(graph: FactGraph, graphLabel: String? = nil, safe: Bool = false, cancellation: Cancellation = .never) {
        self.init(loadingGraph: { graph }, graphLabel: graphLabel, safe: safe, cancellation: cancellation)
        finishLoading()
    }

    /// A session whose graph is still being read (`BackgroundLoad`): `loadingGraph` is called
    /// when a statement, a completion or a command first needs the graph; `startLoading`, if
    /// given, when the line editor first waits for a key (the prompt is up).
    public init(loadingGraph: @escaping () -> FactGraph, startLoading: (() -> Void)? = nil, graphLabel: String? = nil,
                safe: Bool = false, cancellation: Cancellation = .never) {
        self.graphLoader = loadingGraph
        self.graphStarter = startLoading
        self.graphLabel = graphLabel
        self.safe = safe
        self.cancellation = cancellation
        self.screen = OutputSink(standardOutput: cancellation)
        self.stdoutIsTerminal = factsh_stdout_isatty() != 0
        self.stderrIsTerminal = factsh_stderr_isatty() != 0
        var st = stat()
        self.stdoutIsFile = fstat(STDOUT_FILENO, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG
        self.dumbTerminal = FileIO.env("TERM") == "dumb"
        self.noColor = (FileIO.env("NO_COLOR").map { !$0.isEmpty } ?? false) || dumbTerminal
    }

    /// Takes the graph from the loader (waiting for it) and makes the engine.
    private func finishLoading() {
        guard loadedGraph == nil, let load = graphLoader else { return }
        graphLoader = nil
        graphStarter = nil
        install(load())
    }

    private func install(_ g: FactGraph) {
        let params = loadedEngine?.parameters ?? pendingParameters
        loadedGraph = g
        let e = QueryEngine(graph: g)
        e.parameters = params
        e.isCancelled = cancellation.isRequested
        loadedEngine = e
        pendingParameters = [:]
    }

    /// Replaces the graph (after `.load` / `.import` succeeded), keeping parameters.
    func replaceGraph(_ g: FactGraph, label: String?) {
        finishLoading()
        graphLabel = label
        install(g)
    }

    public var parameters: [String: String] {
        get { loadedEngine?.parameters ?? pendingParameters }
        set {
            if let e = loadedEngine { e.parameters = newValue } else { pendingParameters = newValue }
        }
    }

    /// Sets the output mode; `explicitly` when the user named it (`.mode`, `--format`).
    public func setMode(_ m: OutputMode, explicitly: Bool) {
        mode = m
        modeIsChosen = explicitly
    }

    // MARK: output

    /// Writes text to the current output. A failure (or a cancellation) is kept in
    /// `outputStop` and reported when the statement ends.
    func emit(_ s: String) {
        guard outputStop == nil else { return }
        do { try output.write(s) } catch { outputStop = error }
    }

    /// Writes an error or notice to standard error (after the results so far). On a terminal,
    /// control characters are shown escaped, so that an error quoting data cannot drive it.
    func complain(_ s: String) {
        if outputStop == nil && outputFile == nil {
            do { try screen.flush() } catch { outputStop = error }
        }
        factsh_flush_output()
        var text = s.hasSuffix("\n") ? s : s + "\n"
        if stderrIsTerminal { text = CellText.printable(text) }
        factsh_write_stderr(text)
    }

    /// Opens `path` for results (`.output`, `.once`): at once, so that a path that cannot be
    /// opened is an error now and results keep going to the screen.
    func openOutputFile(_ path: String, once: Bool) throws {
        try closeOutputFile()
        do {
            outputFile = (try OutputSink.open(path, cancellation: cancellation), once)
        } catch .cancelled {
            throw OutputStop.cancelled
        } catch {
            throw DotError("cannot open \(path): \(Self.reason(error))", argument: 0)
        }
    }

    /// Finishes a `.output`/`.once` file; results go to the screen again. Throws (a
    /// `DotError`) when the last of the results could not be written.
    func closeOutputFile() throws {
        guard let f = outputFile else { return }
        outputFile = nil
        do { try f.sink.close() } catch { throw DotError("\(error)") }
    }

    static func reason(_ stop: OutputStop) -> String {
        if case .failed(_, let reason) = stop { return reason }
        return stop.description
    }

    /// The options every render starts from (before the screen is taken into account).
    var baseOptions: RenderOptions {
        var o = RenderOptions()
        o.headers = headers
        o.widths = widths
        o.nullText = nullValue
        return o
    }

    /// The human modes, which a person reads on a screen (the others are data for programs).
    static func isHuman(_ m: OutputMode) -> Bool { m == .table || m == .line || m == .markdown }

    /// Renders a result to the current output, streaming; a failure or cancellation is kept
    /// in `outputStop`.
    ///
    /// On a terminal the table fits its width and is coloured. On an interactive screen (a
    /// `display`) a result longer than the screen shows its first and last rows (`.maxrows`),
    /// or goes through the pager (`.pager on`), and the default table turns into line layout
    /// when it is too wide. Files, pipes and scripts always get every row as asked.
    func render(_ t: ResultTable) {
        guard outputStop == nil else { return }
        var o = baseOptions
        let onScreen = outputFile == nil && stdoutIsTerminal
        guard onScreen else {
            renderTo(output, t, o)
            return
        }
        o.color = !noColor
        var explicitRows: Int? = nil
        if case .rows(let n) = rowLimit, Self.isHuman(mode) { explicitRows = n }
        o.maxRows = explicitRows
        guard let display else {
            let cols = Int(factsh_terminal_columns())
            o.terminalWidth = cols > 0 ? cols : nil
            renderTo(output, t, o)
            return
        }
        let size = display.size()
        o.terminalWidth = size.columns > 0 ? size.columns : nil
        if mode == .table && !modeIsChosen && widths.isEmpty { o.switchToLines = true }
        if pager, let command = display.pager, size.rows > 0, estimatedLines(t, explicitRows) >= size.rows {
            renderThroughPager(command, t, o)
            return
        }
        if rowLimit == .automatic && Self.isHuman(mode) && size.rows > 0 { o.screenLines = size.rows }
        renderTo(output, t, o)
    }

    private func renderTo(_ sink: OutputSink, _ t: ResultTable, _ o: RenderOptions) {
        do { try Renderers.format(for: mode).render(t, o, to: sink) } catch { outputStop = error }
    }

    /// About how many lines a result takes in the current mode (wrapping not counted).
    func estimatedLines(_ t: ResultTable, _ maxRows: Int?) -> Int {
        let rows = min(t.rowCount, maxRows ?? .max)
        switch mode {
        case .line: return rows * (t.columns.count + 1)
        case .table: return rows + 5
        default: return rows + 2
        }
    }

    /// Writes a result through the pager and waits until the user leaves it.
    private func renderThroughPager(_ command: String, _ t: ResultTable, _ o: RenderOptions) {
        do { try screen.flush() } catch { outputStop = error; return }
        factsh_flush_output()
        let pager: PagerProcess
        do { pager = try PagerProcess.start(command, cancellation: cancellation) } catch {
            complain("error: \(error) (.pager off, or set PAGER)")
            renderTo(output, t, o)
            return
        }
        do {
            try Renderers.format(for: mode).render(t, o, to: pager.sink)
            try pager.sink.flush()
        } catch .cancelled {
            outputStop = .cancelled
        } catch {
            // The user left the pager before the end: that is all they wanted to see.
        }
        pager.finish()
    }

    /// Ends a statement's output: writes what is gathered, and reports a cancellation or a
    /// failure. Returns false when the statement's output did not all get out.
    func finishOutput() -> Bool {
        if outputStop == nil {
            do { try output.flush() } catch { outputStop = error }
        }
        guard let stop = outputStop else { return true }
        outputStop = nil
        output.discard()
        switch stop {
        case .cancelled:
            if outputFile == nil && stdoutIsTerminal && !dumbTerminal {
                // The terminal may have dropped queued output at Ctrl-C: start the next
                // line afresh, with no half row left on it.
                factsh_write_stdout("\r\u{1B}[K")
            }
            complain("cancelled")
        case .failed(let path, let reason):
            if let f = outputFile, f.sink.failure != nil {
                outputFile = nil
                try? f.sink.close()
                complain("error: cannot write \(path): \(reason) (results go to the screen again)")
            } else {
                complain("error: cannot write \(path): \(reason)")
            }
        }
        return false
    }

    // MARK: running

    /// Runs one piece of input: a statement or a dot-command.
    @discardableResult
    func runPiece(_ piece: StatementSplitter.Piece, file: String?) -> Outcome {
        let t0 = FileIO.now(), c0 = FileIO.cpuTimes()
        let text = piece.text
        if echo { emit(text + "\n") }
        var outcome: Outcome
        IdleTrim.shared.statementStarts()
        if piece.isDotCommand {
            outcome = runDotCommand(text, origin: Origin(file: file, line: piece.line))
        } else {
            outcome = runQuery(piece, file: file)
        }
        if !finishOutput() && outcome == .ok { outcome = .failed }
        // A statement that worked for a while may have freed megabytes the allocator keeps (its
        // result is gone by now): they go back to the system once the shell is idle. A quick
        // statement allocated too little to matter.
        IdleTrim.shared.statementEnds(big: FileIO.now() - t0 > 0.002)
        if timer && !piece.isDotCommand {
            let c1 = FileIO.cpuTimes()
            let line = String.runTime(real: FileIO.now() - t0, user: c1.0 - c0.0, sys: c1.1 - c0.1)
            // On the screen, never in a file: standard output (even while results go to an
            // .output file), unless standard output is itself a file, then standard error.
            if !stdoutIsFile {
                factsh_write_stdout(line)
            } else {
                factsh_write_stderr(line)
            }
        }
        // A .once file is finished after the one statement it was for.
        if let f = outputFile, f.once, !(piece.isDotCommand && text.lowercased().hasPrefix(".once")) {
            do { try closeOutputFile() } catch {
                complain("error: \(error)")
                outcome = .failed
            }
        }
        if outcome == .failed { errorCount += 1 }
        return outcome
    }

    /// Runs every statement and dot-command of a text (as typed at the prompt, or one `-c`).
    @discardableResult
    public func runStatement(_ text: String, origin: Origin) -> Outcome {
        var worst = Outcome.ok
        for piece in StatementSplitter.split(text, firstLine: origin.line) {
            if cancellation.isRequested() { return .failed }
            switch runPiece(piece, file: origin.file) {
            case .ok: break
            case .quit: return .quit
            case .failed:
                worst = .failed
                if bail && origin.file != nil { return .failed }
            }
        }
        return worst
    }

    func runQuery(_ piece: StatementSplitter.Piece, file: String?) -> Outcome {
        do {
            let t = try engine.execute(piece)
            for n in engine.lastNotes { complain("note: " + n.message) }
            render(t)
            if outputStop == nil { log.append(piece.text) }
            return .ok
        } catch {
            if case .habit(let habit) = error.problem, let outcome = actOnHabit(habit, piece.text) {
                return outcome
            }
            if error.problem == .cancelled {
                outputStop = .cancelled
            } else {
                complain(Diagnostics.render(error, bytes: piece.chunk, file: file, firstLine: piece.firstLine))
            }
            return .failed
        }
    }

    /// Does what a user of another shell meant by `help`, `help TOPIC`, `exit`, `quit`, `\q`,
    /// `\d` or `\d RELATION` typed as a statement; nil when the statement is more than that (the
    /// language's error then says what to type; `select … from …` keeps its hint).
    func actOnHabit(_ habit: Habit, _ text: String) -> Outcome? {
        var words = text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }).map(String.init)
        if words.last == ";" { words.removeLast() }
        if let last = words.last, last.hasSuffix(";") { words[words.count - 1] = String(last.dropLast()) }
        switch habit {
        case .quit where words.count == 1:
            return .quit
        case .help where words.count == 1:
            emit(DotCommands.help(width: helpWidth))
            return .ok
        case .help where words.count == 2:
            return runDotCommand(".help " + words[1], origin: .interactive)
        case .psqlDescribe where words.count == 1:
            return runDotCommand(".tables", origin: .interactive)
        case .psqlDescribe where words.count == 2 && words[0].lowercased() == "\\d":
            return runDotCommand(".schema " + words[1], origin: .interactive)
        default:
            return nil
        }
    }

    /// The width `.help` text is filled to: the screen's, else 80.
    var helpWidth: Int {
        if outputFile == nil && stdoutIsTerminal {
            let cols = display.map { $0.size().columns } ?? Int(factsh_terminal_columns())
            if cols > 0 { return min(cols, 100) }
        }
        return 80
    }

    /// Runs a whole script. Stops at the first error when `bail` is on. Returns whether every
    /// statement succeeded, and whether one of them was `.quit`.
    @discardableResult
    public func runScript(_ text: String, name: String?) -> (ok: Bool, quit: Bool) {
        var lines = StatementSplitter.lines(text).lazy.map { InputLine.text($0) }.makeIterator()
        return runLines({ lines.next() }, name: name)
    }

    /// Runs statements read line by line from standard input (not a terminal): no prompt, no
    /// escape codes. A line that is not valid UTF-8 is an error. Ctrl-C stops reading.
    public func runStandardInput() -> Bool {
        let reader = StandardInputLines()
        return runLines({ reader.next() }, name: "<stdin>").ok
    }

    /// One line of a script: its text, or why it has none.
    enum InputLine {
        case text(String)
        /// Not valid UTF-8: the message says where.
        case invalid(String)
    }

    /// The one statement loop behind scripts, `.read`, `-c` and standard input: the language's
    /// splitter gathers lines into statements exactly as the interactive shell does; each runs,
    /// and the loop stops at the first error when `bail` is on, at `.quit`, or on Ctrl-C (before
    /// running anything more, and nothing half-read).
    func runLines(_ nextLine: () -> InputLine?, name: String?) -> (ok: Bool, quit: Bool) {
        var ok = true
        var splitter = StatementSplitter()
        var lineNo = 0
        var finished = false
        while !finished {
            if cancellation.isRequested() { return (false, false) }
            let batch: [StatementSplitter.Piece]
            switch nextLine() {
            case .text(let line):
                lineNo += 1
                batch = splitter.feed(line, line: lineNo)
            case .invalid(let message):
                lineNo += 1
                complain("\(name ?? "<input>"):\(lineNo): error: \(message)")
                errorCount += 1
                ok = false
                splitter = StatementSplitter()   // the statement it was part of is dropped whole
                if bail { return (false, false) }
                continue
            case nil:
                // Input ended — or a signal stopped the read: then run nothing half-read.
                if cancellation.isRequested() { return (false, false) }
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
                if cancellation.isRequested() { return (false, false) }
            }
        }
        return (ok, false)
    }

    /// Ends the session: writes what is still gathered for the screen (output made outside a
    /// statement, such as `factsh ingest`'s table) and finishes any output file (a failure to
    /// write counts as an error of the session).
    public func close() {
        if !finishOutput() { errorCount += 1 }
        do { try closeOutputFile() } catch {
            complain("error: \(error)")
            errorCount += 1
        }
    }

    // MARK: ShellEngine (the interactive loop)

    public var prompt: String {
        graphLabel.map { "factsh(\($0))> " } ?? "factsh> "
    }

    public var continuationPrompt: String {
        String(repeating: " ", count: max(0, DisplayWidth.of(prompt) - 5)) + "...> "
    }

    public func isComplete(_ text: String) -> Bool { StatementSplitter.isComplete(text) }

    public func waitingForInput() {
        guard let start = graphStarter else { return }
        graphStarter = nil
        start()
    }

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

/// Standard input (not a terminal) as lines, read in large blocks with a read that Ctrl-C
/// interrupts (`factsh_read_some`), each line checked to be UTF-8.
final class StandardInputLines {
    private var buffer: [UInt8] = []
    private var start = 0
    private var ended = false

    func next() -> ShellSession.InputLine? {
        while true {
            if let nl = buffer[start...].firstIndex(of: 0x0A) {
                let line = buffer[start..<nl]
                start = nl + 1
                return Self.decode(line)
            }
            if ended {
                guard start < buffer.count else { return nil }
                let line = buffer[start...]
                start = buffer.count
                return Self.decode(line)
            }
            if start > 0 {
                buffer.removeFirst(start)
                start = 0
            }
            let old = buffer.count
            buffer.append(contentsOf: repeatElement(0, count: 1 << 16))
            let n = buffer.withUnsafeMutableBytes { factsh_read_some(STDIN_FILENO, $0.baseAddress! + old, 1 << 16) }
            buffer.removeLast((1 << 16) - max(0, n))
            if n == -2 { return nil }           // a signal: the caller looks at the cancellation
            if n <= 0 { ended = true }          // end of input (or an error reading it)
        }
    }

    static func decode(_ bytes: ArraySlice<UInt8>) -> ShellSession.InputLine {
        if let s = String(validating: bytes, as: UTF8.self) { return .text(s) }
        var valid = bytes.startIndex
        // Find the first byte that does not start a valid sequence, for the message.
        var column = 1
        var i = bytes.startIndex
        while i < bytes.endIndex {
            let lead = bytes[i]
            let length = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC2 ? 2 : 0
            if length == 0 || i + length > bytes.endIndex || String(validating: bytes[i..<(i + length)], as: UTF8.self) == nil { break }
            i += length
            column += 1
            valid = i
        }
        let byte = valid < bytes.endIndex ? bytes[valid] : 0
        let hex = String(byte, radix: 16, uppercase: true)
        return .invalid("not valid UTF-8 (byte 0x\(hex.count < 2 ? "0" + hex : hex) at column \(column))")
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
