import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A real terminal for end-to-end tests: `factsh` running in a detached tmux session, typed
/// at with `send-keys` and read with `capture-pane`.
///
///     let shell = try TmuxSession.start()
///     try shell.waitForPrompt()
///     shell.type("济宁")
///     shell.press("C-a")
///     #expect(shell.cursor.x == shell.promptColumn)
///
/// Each session has its own tmux server (its own socket), a scratch HOME with
/// XDG_STATE_HOME and XDG_CONFIG_HOME inside it (so the user's history and rc file are never
/// touched), and the locale the test asks for. The shell runs under `sh -c` so that its exit
/// status is printed on the screen afterwards: `[factsh exited with status N]`.
///
/// The binary is `$FACTSH_BINARY` when set, else the release binary that `scripts/factsh`
/// builds (`.build/release/factsh`). Without tmux or the binary the test fails.
final class TmuxSession {
    /// The locale the shell starts with.
    enum Locale: Sendable, CustomStringConvertible {
        case utf8
        case c
        case unset

        var description: String {
            switch self {
            case .utf8: return "LANG=C.UTF-8"
            case .c: return "LANG=C"
            case .unset: return "LANG unset"
            }
        }

        /// `env` arguments that set it for the shell (tmux itself always runs in UTF-8).
        var envArguments: [String] {
            let clear = ["-u", "LC_ALL", "-u", "LC_CTYPE", "-u", "LANG", "-u", "LANGUAGE"]
            switch self {
            case .utf8: return clear + ["LANG=C.UTF-8"]
            case .c: return clear + ["LANG=C"]
            case .unset: return clear
            }
        }
    }

    /// A wait that ran out of time; says what was awaited and shows the screen.
    struct Timeout: Error, CustomStringConvertible {
        var awaited: String
        var screen: [String]
        var description: String {
            "timed out waiting for \(awaited); the screen was:\n" + screen.map { "|\($0)" }.joined(separator: "\n")
        }
    }

    /// The default size of the terminal.
    static let width = 120
    static let height = 30
    static let exitMarker = "[factsh exited with status "

    /// The scratch HOME (shared by a second session that should see the first's history).
    let home: URL
    /// `$XDG_STATE_HOME` inside `home`.
    var stateHome: URL { home.appendingPathComponent("state") }
    /// Where the shell keeps its history.
    var historyFile: URL { stateHome.appendingPathComponent("factsh").appendingPathComponent("history") }

    /// The prompt row as shown when the shell waits (trailing spaces trimmed), and the column
    /// where typed text starts; set by `waitForPrompt()`.
    private(set) var promptRow = ""
    private(set) var promptColumn = 0

    private let socket: String
    private let sessionName = "factsh"
    private let ownsHome: Bool
    private var closed = false

    // MARK: - Finding things

    /// The tmux executable, if there is one on PATH.
    static let tmuxPath: String? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/tmux"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }()

    /// The `factsh` under test (`FactshProcess.binaryPath`: `$FACTSH_BINARY`, else the
    /// release binary that `scripts/factsh` builds).
    static func factshBinary() throws -> URL { try FactshProcess.binary() }

    // MARK: - Life

    /// Starts `factsh` (with `arguments`) in a new tmux server. Pass the `home` of an earlier
    /// session to share its history.
    /// `columns` × `rows` is the terminal's size; `environment` is set for the shell only
    /// (e.g. `TERM=dumb`, `PAGER=…`).
    static func start(locale: Locale = .utf8, arguments: [String] = [], home: URL? = nil,
                      columns: Int = width, rows: Int = height, environment: [String: String] = [:]) throws -> TmuxSession {
        try #require(tmuxPath != nil, "tmux is not installed (scripts/install-deps test installs it); the real-terminal tests cannot run")
        let binary = try factshBinary()
        let session = try TmuxSession(locale: locale, binary: binary, arguments: arguments, home: home,
                                      columns: columns, rows: rows, environment: environment)
        return session
    }

    private init(locale: Locale, binary: URL, arguments: [String], home: URL?, columns: Int, rows: Int,
                 environment: [String: String]) throws {
        if let home {
            self.home = home
            ownsHome = false
        } else {
            self.home = try TmuxSession.makeScratchHome()
            ownsHome = true
        }
        // A socket path of our own (not -L, whose files tmux leaves in /tmp/tmux-UID); short,
        // because a socket path is limited to about 100 bytes.
        socket = "/tmp/factsh-e2e-\(getpid())-\(UUID().uuidString.prefix(8)).sock"

        let extra = environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        let command = (["env"] + locale.envArguments + extra + [binary.path] + arguments).map(TmuxSession.shellQuoted)
            .joined(separator: " ")
        let wrapped = "\(command); echo \"\(TmuxSession.exitMarker)$?]\"; exec sleep 600"
        // The first command starts the tmux server, which keeps the client's descriptors:
        // it gets no pipe, or reading the pipe would never end.
        try run(captureOutput: false, [
            "new-session", "-d", "-x", "\(columns)", "-y", "\(rows)",
            "-s", sessionName, wrapped,
        ])
    }

    deinit { close() }

    /// Kills the tmux server (and the shell); removes a scratch HOME this session made, once the
    /// shell has gone (a hung-up shell saves its history there as it exits, which would make
    /// the directory again after its removal).
    func close() {
        guard !closed else { return }
        closed = true
        var shells: [Int32] = []
        if let text = try? run(["display-message", "-p", "-t", sessionName, "#{pane_pid}"]),
           let pane = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
            shells = [pane] + TmuxSession.children(of: pane)
        }
        _ = try? run(["kill-server"])
        unlink(socket)
        // At most 3 s for them to exit (a zombie has exited: its state is Z).
        for pid in shells {
            for _ in 0..<300 {
                let state = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)).flatMap { stat in
                    stat.lastIndex(of: ")").map { stat[stat.index($0, offsetBy: 2)...].first }
                } ?? nil
                if state == nil || state == "Z" { break }
                usleep(10_000)
            }
        }
        if ownsHome { try? FileManager.default.removeItem(at: home) }
    }

    /// A scratch HOME for sessions that share it (pass it to `start(home:)`); the caller
    /// removes it.
    static func makeScratchHome() throws -> URL {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("factsh-tmux-\(getpid())-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    // MARK: - Keys

    /// Types text literally (Chinese included).
    func type(_ text: String) {
        _ = try? run(["send-keys", "-t", sessionName, "-l", text])
    }

    /// Presses keys by tmux name: "Enter", "Tab", "C-a", "Left", "BSpace", "Up", "C-c", "C-d".
    func press(_ keys: String...) {
        _ = try? run(["send-keys", "-t", sessionName] + keys)
    }

    /// Sends a signal to the shell itself (the child of the pane's `sh`), as `kill` would.
    func signalShell(_ signal: Int32) throws {
        let text = try run(["display-message", "-p", "-t", sessionName, "#{pane_pid}"])
        let pane = try #require(Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)), "no pane pid in '\(text)'")
        let child = try #require(TmuxSession.children(of: pane).first, "the shell is not running under pane \(pane)")
        kill(child, signal)
    }

    /// The processes whose parent is `pid` (read from /proc, which every Linux has).
    static func children(of pid: Int32) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { name -> Int32? in
            guard let p = Int32(name), let stat = try? String(contentsOfFile: "/proc/\(name)/stat", encoding: .utf8),
                  let close = stat.lastIndex(of: ")") else { return nil }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            return fields.count > 1 && Int32(fields[1]) == pid ? p : nil
        }
    }

    // MARK: - Screen

    /// The visible rows, trailing spaces trimmed.
    var screen: [String] {
        let text = (try? run(["capture-pane", "-p", "-t", sessionName])) ?? ""
        var rows = text.split(separator: "\n", omittingEmptySubsequences: false).map { row -> String in
            var row = Substring(row)
            while row.last == " " { row.removeLast() }
            return String(row)
        }
        while rows.last == "" { rows.removeLast() }
        return rows
    }

    /// The visible rows with the escape sequences of their colours and attributes
    /// (`capture-pane -e`): how to see whether the shell wrote any.
    var screenWithAttributes: String {
        (try? run(["capture-pane", "-p", "-e", "-t", sessionName])) ?? ""
    }

    /// The last row that is not blank.
    var lastRow: String { screen.last ?? "" }

    /// The cursor: column and row (0-based).
    var cursor: (x: Int, y: Int) {
        let text = (try? run(["display-message", "-p", "-t", sessionName, "#{cursor_x} #{cursor_y}"])) ?? ""
        let parts = text.split(whereSeparator: { $0 == " " || $0 == "\n" }).compactMap { Int($0) }
        return parts.count == 2 ? (parts[0], parts[1]) : (-1, -1)
    }

    /// The row the cursor is on (trailing spaces trimmed).
    var cursorRow: String {
        let rows = screen
        let y = cursor.y
        return y >= 0 && y < rows.count ? rows[y] : ""
    }

    /// What a prompt row shows with `typed` on it.
    func promptLine(_ typed: String) -> String {
        let padding = max(0, promptColumn - promptRow.count)
        return promptRow + String(repeating: " ", count: padding) + typed
    }

    /// Polls the screen until `predicate` holds.
    @discardableResult
    func wait(
        for awaited: String, timeout: Double = 10, _ predicate: ([String]) -> Bool
    ) throws -> [String] {
        let deadline = Date().addingTimeInterval(timeout)
        var rows = screen
        while !predicate(rows) {
            if Date() > deadline { throw Timeout(awaited: awaited, screen: rows) }
            usleep(50_000)
            rows = screen
        }
        return rows
    }

    /// Waits until `text` is somewhere on the screen.
    @discardableResult
    func wait(forText text: String, timeout: Double = 10) throws -> [String] {
        try wait(for: "\"\(text)\"", timeout: timeout) { rows in rows.contains { $0.contains(text) } }
    }

    /// Waits until the shell shows an empty main prompt (`factsh…>` as the last row, the
    /// cursor after it) and remembers what it looks like.
    func waitForPrompt(timeout: Double = 15) throws {
        try wait(for: "the factsh prompt", timeout: timeout) { rows in
            guard let last = rows.last, last.hasPrefix("factsh"), last.hasSuffix(">") else { return false }
            let position = cursor
            return position.y == rows.count - 1 && position.x >= last.count
        }
        promptRow = lastRow
        promptColumn = cursor.x
    }

    /// Waits until the last row is the empty main prompt again (a statement finished).
    func waitForIdlePrompt(timeout: Double = 15) throws {
        try wait(for: "an empty prompt \"\(promptRow)\"", timeout: timeout) { rows in
            rows.last == promptRow && cursor.x == promptColumn && cursor.y == rows.count - 1
        }
    }

    /// Waits until the shell has exited and returns its exit status.
    func waitForExit(timeout: Double = 10) throws -> Int? {
        let rows = try wait(for: "factsh to exit", timeout: timeout) { rows in
            rows.contains { $0.hasPrefix(TmuxSession.exitMarker) }
        }
        guard let row = rows.last(where: { $0.hasPrefix(TmuxSession.exitMarker) }) else { return nil }
        return Int(row.dropFirst(TmuxSession.exitMarker.count).prefix { $0.isNumber })
    }

    // MARK: - Running tmux

    @discardableResult
    private func run(captureOutput: Bool = true, _ arguments: [String]) throws -> String {
        guard let tmux = TmuxSession.tmuxPath else { return "" }
        var environment: [String: String] = [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
            "HOME": home.path,
            "XDG_STATE_HOME": stateHome.path,
            "XDG_CONFIG_HOME": home.appendingPathComponent("config").path,
            "LANG": "C.UTF-8",
            "TERM": "xterm-256color",
        ]
        if let tmpdir = ProcessInfo.processInfo.environment["TMPDIR"] { environment["TMPDIR"] = tmpdir }
        return try TmuxSession.spawn(
            tmux, ["tmux", "-u", "-S", socket, "-f", "/dev/null"] + arguments,
            environment: environment, captureOutput: captureOutput)
    }

    /// Runs a program and returns its standard output. Not Foundation's `Process`: its
    /// children inherit a mask that blocks nearly every signal (so the shell under test would
    /// never see Ctrl-C), and its `waitUntilExit` can hang inside a test.
    static func spawn(
        _ path: String, _ argv: [String], environment: [String: String], captureOutput: Bool
    ) throws -> String {
        struct SpawnError: Error, CustomStringConvertible {
            var code: Int32
            var description: String { "posix_spawn failed: \(String(cString: strerror(code)))" }
        }
        var fds: [Int32] = [-1, -1]
        if captureOutput {
            guard pipe(&fds) == 0 else { throw SpawnError(code: errno) }
            _ = fcntl(fds[0], F_SETFD, FD_CLOEXEC)
            _ = fcntl(fds[1], F_SETFD, FD_CLOEXEC)
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        if captureOutput {
            posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
        } else {
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        }
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE, SIGTSTP, SIGTTIN, SIGTTOU, SIGCHLD, SIGWINCH, SIGCONT] {
            sigaddset(&defaults, signal)
        }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let cArguments = argv.map { strdup($0) } + [nil]
        let cEnvironment = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in cArguments { free(pointer) }
            for pointer in cEnvironment { free(pointer) }
        }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, path, &actions, &attributes, cArguments, cEnvironment)
        if captureOutput { closeDescriptor(fds[1]) }
        guard status == 0 else {
            if captureOutput { closeDescriptor(fds[0]) }
            throw SpawnError(code: status)
        }
        var output: [UInt8] = []
        if captureOutput {
            var buffer = [UInt8](repeating: 0, count: 65536)
            while true {
                let n = buffer.withUnsafeMutableBytes { read(fds[0], $0.baseAddress, $0.count) }
                if n > 0 {
                    output.append(contentsOf: buffer[0..<n])
                } else if n < 0 && errno == EINTR {
                    continue
                } else {
                    break
                }
            }
            closeDescriptor(fds[0])
        }
        var exitStatus: Int32 = 0
        while waitpid(pid, &exitStatus, 0) < 0 && errno == EINTR {}
        return String(decoding: output, as: UTF8.self)
    }

    private static func closeDescriptor(_ fd: Int32) {
        #if canImport(Glibc)
        _ = Glibc.close(fd)
        #else
        _ = Darwin.close(fd)
        #endif
    }

    static func shellQuoted(_ word: String) -> String {
        if !word.isEmpty && word.allSatisfy({ ($0.isASCII && ($0.isLetter || $0.isNumber)) || "-_./=:".contains($0) }) {
            return word
        }
        return "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
