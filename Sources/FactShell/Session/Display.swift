import CLibEdit
#if canImport(Glibc)
import Glibc
#endif

/// What a session may know of the screen its results are shown on. Only an interactive session
/// on a terminal is given one (`factsh` does it before the prompt); scripts, `-c`, pipes and
/// files never are, so they always get every row in the layout asked for.
///
///     session.display = .terminal
///     session.display = Display(size: { (60, 30) }, pager: nil)   // tests
///
/// With a display, a result longer than the screen shows its first and last rows and the
/// count (unless `.maxrows off`), or goes through the pager (`.pager on`); a table too wide for
/// the screen is shown in line layout unless the user chose the mode or set `.width`.
public struct Display: Sendable {
    /// The screen's columns and rows now (read before each result: the window may have changed).
    public var size: @Sendable () -> (columns: Int, rows: Int)
    /// The command `.pager on` pipes long results through (run by `/bin/sh -c`); nil for none.
    public var pager: String?

    public init(size: @escaping @Sendable () -> (columns: Int, rows: Int), pager: String?) {
        self.size = size
        self.pager = pager
    }

    /// The terminal on standard output; the pager is `$PAGER`, else `less -RS` (an empty
    /// `$PAGER` means none).
    public static var terminal: Display {
        let env = FileIO.env("PAGER")
        return Display(size: { (Int(factsh_terminal_columns()), Int(factsh_terminal_rows())) },
                       pager: env.map { $0.isEmpty ? nil : $0 } ?? "less -RS")
    }
}

/// A pager process reading what the session writes to it (`.pager on`).
///
///     let pager = try PagerProcess.start("less -RS", cancellation: c)
///     try format.render(table, options, to: pager.sink)
///     pager.finish()          // closes its input and waits until the user leaves it
///
/// While it runs SIGPIPE is ignored, so a user who quits the pager early ends the writes with
/// an error (`EPIPE`) that the session takes as "enough", not as a failure.
final class PagerProcess {
    let sink: OutputSink
    private let pid: pid_t
    private let savedPipeHandler: __sighandler_t?

    private init(sink: OutputSink, pid: pid_t, savedPipeHandler: __sighandler_t?) {
        self.sink = sink
        self.pid = pid
        self.savedPipeHandler = savedPipeHandler
    }

    struct StartFailure: Error, CustomStringConvertible {
        var command: String
        var reason: String
        var description: String { "cannot start the pager '\(command)': \(reason)" }
    }

    /// Starts `/bin/sh -c COMMAND` with its standard input reading from a pipe.
    static func start(_ command: String, cancellation: Cancellation) throws -> PagerProcess {
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { throw StartFailure(command: command, reason: String(cString: strerror(errno))) }
        _ = fcntl(fds[1], F_SETFD, FD_CLOEXEC)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, fds[0], 0)
        posix_spawn_file_actions_addclose(&actions, fds[0])
        let words: [String] = ["sh", "-c", command]
        let argv: [UnsafeMutablePointer<CChar>?] = words.map { strdup($0) } + [nil]
        defer { for p in argv { free(p) } }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, "/bin/sh", &actions, nil, argv, environ)
        close(fds[0])
        guard status == 0 else {
            close(fds[1])
            throw StartFailure(command: command, reason: String(cString: strerror(status)))
        }
        let saved = signal(SIGPIPE, SIG_IGN)
        return PagerProcess(sink: OutputSink(pipe: fds[1], name: "the pager", cancellation: cancellation),
                            pid: pid, savedPipeHandler: saved)
    }

    /// Closes the pager's input and waits until it ends (the user quits it). A write error
    /// (the user quit early) is not reported.
    func finish() {
        try? sink.close()
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        _ = signal(SIGPIPE, savedPipeHandler)
    }
}
