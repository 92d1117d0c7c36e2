import CLibEdit
import FactGraph
import FactQuery
#if canImport(Glibc)
import Glibc
#endif

/// SVG, drawn by Graphviz's `dot` from the text `.mode dot` prints: `factsh --format svg -c
/// 'path 歌尔 to 潍柴' > path.svg`, or `.mode svg` then `.once path.svg`.
///
///     <svg width="…" height="…" viewBox="…" xmlns="http://www.w3.org/2000/svg" …>
///     <g id="graph0" class="graph" …><title>factsh</title>
///     <g id="node1" class="node"><title>歌尔股份有限公司</title> …
///
/// Made for graph results (`path`, `neighbors`, `describe`); any other result is drawn as
/// `DotFormat` draws it (the entities of each row linked in column order). Without `dot` on
/// PATH the statement fails with an error naming the Debian package (`graphviz`).
public struct SVGFormat: OutputFormat {
    public init() {}

    public func render(_ table: ResultTable, _ o: RenderOptions, to sink: any TextSink) throws(OutputStop) {
        let svg = try Graphviz.draw(table, o, as: "svg", polling: sink)
        try sink.write(String(decoding: svg, as: UTF8.self))
    }
}

/// PNG, drawn by Graphviz's `dot` as `SVGFormat` is: for a file (`.once path.png`, `--format
/// png > path.png`) or a pipe. A PNG is binary: on a terminal the statement fails instead of
/// printing it. Chinese names need a CJK font that fontconfig finds (`scripts/install-deps`
/// installs Debian's `fonts-wqy-zenhei` with `graphviz`).
public struct PNGFormat: OutputFormat {
    public init() {}

    public func render(_ table: ResultTable, _ o: RenderOptions, to sink: any TextSink) throws(OutputStop) {
        guard let bytes = sink as? ByteSink else {
            throw .failed(path: "png", reason: "this output takes text only; use .mode svg")
        }
        if bytes.isTerminal {
            throw .failed(path: "png", reason: "a PNG is binary, not for the terminal: send it to a file (.once picture.png, or --format png > picture.png) or a pipe")
        }
        let png = try Graphviz.draw(table, o, as: "png", polling: sink)
        try bytes.write(bytes: png)
    }
}

/// A sink that also takes bytes as they are (a PNG), not only text.
public protocol ByteSink: TextSink {
    func write(bytes: [UInt8]) throws(OutputStop)
    /// Whether the bytes would land on a terminal.
    var isTerminal: Bool { get }
}

extension OutputSink: ByteSink {
    public var isTerminal: Bool { destination == .standardOutput && factsh_stdout_isatty() != 0 }
}

/// Runs Graphviz's `dot` on the DOT text of a result.
enum Graphviz {
    /// What to tell a user who has no `dot`.
    static let missing = "needs Graphviz's `dot` program, which is not installed (Debian: apt-get install graphviz)"

    /// The `dot` executable on PATH, or nil.
    static func executable() -> String? {
        let path = FileIO.env("PATH") ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":", omittingEmptySubsequences: true) {
            let candidate = String(directory) + "/dot"
            if access(candidate, X_OK) == 0 && !FileIO.isDirectory(candidate) { return candidate }
        }
        return nil
    }

    /// The picture of `table` in Graphviz's output format `format` (`svg`, `png`). `sink` is
    /// polled (an empty write) while `dot` works, so Ctrl-C stops it: `dot` is killed and the
    /// statement ends `.cancelled`.
    static func draw(_ table: ResultTable, _ o: RenderOptions, as format: String, polling sink: any TextSink) throws(OutputStop) -> [UInt8] {
        let text = PollingStringSink(polling: sink)
        try DotFormat().render(table, o, to: text)
        guard let dot = executable() else { throw .failed(path: format, reason: missing) }
        return try run(dot, arguments: ["-T" + format], input: Array(text.text.utf8), label: format) { () throws(OutputStop) in
            try sink.write("")
        }
    }

    /// Runs `program arguments… INPUT-FILE`, the input written to a temporary file first (so
    /// no pipe can fill up or break while `dot` reads), and returns its standard output.
    /// Failures name `label` (the output mode) and give the first line `dot` printed.
    static func run(_ program: String, arguments: [String], input: [UInt8], label: String,
                    poll: () throws(OutputStop) -> Void) throws(OutputStop) -> [UInt8] {
        let directory = FileIO.env("TMPDIR").flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var template = Array((directory + "/factsh-graph-XXXXXX.gv").utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemps($0.baseAddress!, 3) }
        if fd < 0 { throw .failed(path: label, reason: "cannot make a temporary file in \(directory): \(String(cString: strerror(errno)))") }
        let inputPath = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        defer { unlink(inputPath) }
        do {
            try FileIO.writeAll(fd, input, path: inputPath)
            close(fd)
        } catch {
            close(fd)
            throw .failed(path: label, reason: "\(error)")
        }

        var out: [Int32] = [-1, -1], err: [Int32] = [-1, -1]
        guard pipe(&out) == 0 else { throw .failed(path: label, reason: String(cString: strerror(errno))) }
        guard pipe(&err) == 0 else {
            close(out[0]); close(out[1])
            throw .failed(path: label, reason: String(cString: strerror(errno)))
        }
        for fd in out + err { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, out[1], 1)
        posix_spawn_file_actions_adddup2(&actions, err[1], 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // The child starts with no signal blocked and the default actions.
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attributes, &none)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for s in [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE, SIGTSTP, SIGWINCH, SIGCONT] { sigaddset(&defaults, s) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv = ([program] + arguments + [inputPath]).map { strdup($0) } + [nil]
        defer { for p in argv { free(p) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, program, &actions, &attributes, argv, environ)
        close(out[1]); close(err[1])
        defer { close(out[0]); close(err[0]) }
        if spawned != 0 { throw .failed(path: label, reason: "cannot run \(program): \(String(cString: strerror(spawned)))") }

        var output: [UInt8] = [], messages: [UInt8] = []
        var open = [true, true]
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while open[0] || open[1] {
            do {
                try poll()
            } catch {
                kill(pid, SIGKILL)
                var status: Int32 = 0
                while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
                throw error
            }
            var fds = [pollfd(fd: out[0], events: Int16(POLLIN), revents: 0), pollfd(fd: err[0], events: Int16(POLLIN), revents: 0)]
            if !open[0] { fds[0].fd = -1 }
            if !open[1] { fds[1].fd = -1 }
            let ready = Glibc.poll(&fds, 2, 100)
            if ready < 0 && errno != EINTR { break }
            if ready <= 0 { continue }
            for i in 0..<2 where open[i] && fds[i].revents != 0 {
                let n = buffer.withUnsafeMutableBytes { read(fds[i].fd, $0.baseAddress, $0.count) }
                if n > 0 {
                    if i == 0 { output.append(contentsOf: buffer[0..<n]) } else if messages.count < 4096 { messages.append(contentsOf: buffer[0..<n]) }
                } else if n == 0 || errno != EINTR {
                    open[i] = false
                }
            }
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let exited = (status & 0x7F) == 0
        let code = (status >> 8) & 0xFF
        if !exited || code != 0 {
            let first = String(decoding: messages, as: UTF8.self).split(whereSeparator: \.isNewline).first.map(String.init)
            throw .failed(path: label, reason: "\(FileIO.baseName(program)) failed" + (first.map { ": " + $0 } ?? (exited ? " (exit status \(code))" : " (signal \(status & 0x7F))")))
        }
        return output
    }
}

/// Gathers text in memory and passes the renderer's polls (empty writes) on to the sink it
/// will be written to, so that Ctrl-C stops the DOT pass too.
final class PollingStringSink: TextSink {
    private(set) var text = ""
    private let target: any TextSink
    init(polling target: any TextSink) { self.target = target }
    func write(_ piece: String) throws(OutputStop) {
        if piece.isEmpty { try target.write(""); return }
        text += piece
    }
}
