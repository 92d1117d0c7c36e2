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
/// The binary is `$FACTSH_BINARY` when set, else the `factsh` built beside the test bundle,
/// else `.build/debug/factsh` of this package.
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

    static var isAvailable: Bool { tmuxPath != nil }

    /// The `factsh` under test.
    static func factshBinary(filePath: String = #filePath) -> URL? {
        let fileManager = FileManager.default
        if let override = ProcessInfo.processInfo.environment["FACTSH_BINARY"], !override.isEmpty {
            return URL(fileURLWithPath: override)
        }
        var candidates: [URL] = []
        // The test bundle lives in the build products directory, beside the executables
        // (.build/<triple>/debug/factshPackageTests.xctest).
        var bundleCandidates = [URL(fileURLWithPath: CommandLine.arguments[0])]
        if let executable = Bundle.main.executableURL { bundleCandidates.append(executable) }
        for bundle in bundleCandidates {
            var directory = bundle.resolvingSymlinksInPath().deletingLastPathComponent()
            for _ in 0..<4 {
                candidates.append(directory.appendingPathComponent("factsh"))
                directory = directory.deletingLastPathComponent()
            }
        }
        // This file is <package>/Tests/EndToEndTests/TmuxSession.swift.
        let package = URL(fileURLWithPath: filePath).deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        candidates.append(package.appendingPathComponent(".build/debug/factsh"))
        for candidate in candidates {
            var isDirectory: ObjCBool = false
            if fileManager.fileExists(atPath: candidate.path, isDirectory: &isDirectory), !isDirectory.boolValue,
                fileManager.isExecutableFile(atPath: candidate.path)
            {
                return candidate
            }
        }
        return nil
    }

    // MARK: - Life

    /// Starts `factsh` (with `arguments`) in a new tmux server. Pass the `home` of an earlier
    /// session to share its history.
    static func start(locale: Locale = .utf8, arguments: [String] = [], home: URL? = nil) throws -> TmuxSession {
        let binary = try #require(
            factshBinary(), "no factsh binary: build it (swift build) or set FACTSH_BINARY")
        let session = try TmuxSession(locale: locale, binary: binary, arguments: arguments, home: home)
        return session
    }

    private init(locale: Locale, binary: URL, arguments: [String], home: URL?) throws {
        if let home {
            self.home = home
            ownsHome = false
        } else {
            self.home = try TmuxSession.makeScratchHome()
            ownsHome = true
        }
        socket = "factsh-e2e-\(getpid())-\(UUID().uuidString.prefix(8))"

        let command = (["env"] + locale.envArguments + [binary.path] + arguments).map(TmuxSession.shellQuoted)
            .joined(separator: " ")
        let wrapped = "\(command); echo \"\(TmuxSession.exitMarker)$?]\"; exec sleep 3600"
        // The first command starts the tmux server, which keeps the client's descriptors:
        // it gets no pipe, or reading the pipe would never end.
        try run(captureOutput: false, [
            "new-session", "-d", "-x", "\(TmuxSession.width)", "-y", "\(TmuxSession.height)",
            "-s", sessionName, wrapped,
        ])
    }

    deinit { close() }

    /// Kills the tmux server (and the shell); removes a scratch HOME this session made.
    func close() {
        guard !closed else { return }
        closed = true
        _ = try? run(["kill-server"])
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
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tmux)
        process.arguments = ["-u", "-L", socket, "-f", "/dev/null"] + arguments
        var environment: [String: String] = [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
            "HOME": home.path,
            "XDG_STATE_HOME": stateHome.path,
            "XDG_CONFIG_HOME": home.appendingPathComponent("config").path,
            "LANG": "C.UTF-8",
            "TERM": "xterm-256color",
        ]
        if let tmpdir = ProcessInfo.processInfo.environment["TMPDIR"] { environment["TMPDIR"] = tmpdir }
        process.environment = environment
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        guard captureOutput else {
            process.standardOutput = FileHandle.nullDevice
            try process.run()
            process.waitUntilExit()
            return ""
        }
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    static func shellQuoted(_ word: String) -> String {
        if !word.isEmpty && word.allSatisfy({ ($0.isASCII && ($0.isLetter || $0.isNumber)) || "-_./=:".contains($0) }) {
            return word
        }
        return "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
