import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Runs the `factsh` binary that users run, as a user would, for end-to-end tests.
///
/// The binary is `$FACTSH_BINARY` when set, else this package's `.build/release/factsh`, built
/// exactly as `scripts/factsh` builds it (`swift build -c release --static-swift-stdlib
/// --product factsh`; `scripts/test` and `.ci/run` do that before the tests). A missing binary
/// fails the test that needs it: an end-to-end test never passes without running.
enum FactshProcess {
    /// The package root (two levels above this file's folder).
    static let packageRoot: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Where the binary under test is expected.
    static let binaryPath: String = {
        if let override = ProcessInfo.processInfo.environment["FACTSH_BINARY"], !override.isEmpty { return override }
        return packageRoot.appendingPathComponent(".build/release/factsh").path
    }()

    /// The binary under test; fails the calling test when it is not there.
    static func binary(sourceLocation: SourceLocation = #_sourceLocation) throws -> URL {
        try #require(FileManager.default.isExecutableFile(atPath: binaryPath),
                     "no factsh binary at \(binaryPath): build it with `swift build -c release --static-swift-stdlib --product factsh` (scripts/test does) or set FACTSH_BINARY",
                     sourceLocation: sourceLocation)
        return URL(fileURLWithPath: binaryPath)
    }

    /// A program on PATH, or a failure of the calling test naming what is missing.
    static func require(_ tool: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let p = "\(dir)/\(tool)"
            if FileManager.default.isExecutableFile(atPath: p) { return p }
        }
        Issue.record("\(tool) is not installed (scripts/install-deps test installs it); this test cannot run without it",
                     sourceLocation: sourceLocation)
        throw MissingTool(name: tool)
    }

    struct MissingTool: Error, CustomStringConvertible {
        var name: String
        var description: String { "\(name) is not installed" }
    }

    struct Result {
        var stdout: String
        var stderr: String
        var status: Int32
        /// Raw standard output.
        var output: Data = Data()
        /// Seconds from the signal (if one was sent) to the end of the process.
        var secondsAfterSignal: Double? = nil
        /// Whether the process ended by an uncaught signal (a crash: SIGILL, SIGSEGV, SIGABRT …).
        var crashed = false
    }

    /// Runs `factsh` with arguments, optional standard input, in `directory`.
    static func run(_ arguments: [String], stdin: String? = nil, directory: URL? = nil, environment extra: [String: String] = [:]) throws -> Result {
        try run(arguments, input: stdin.map { Data($0.utf8) }, directory: directory, environment: extra)
    }

    /// Runs `factsh`; `signal` (if given) is sent `after` seconds; a run still going after
    /// `timeout` seconds is killed (and the test sees `status` -1). With `keepInputOpen`,
    /// standard input stays open (the child waits on it) until the child ends. With
    /// `signalAfterOutput`, the signal waits (after the delay) until that many bytes of
    /// standard output have come.
    static func run(_ arguments: [String], input: Data?, directory: URL? = nil, environment extra: [String: String] = [:],
                    signal: Int32? = nil, after delay: Double = 0, timeout: Double = 120,
                    keepInputOpen: Bool = false, signalAfterOutput: Int? = nil) throws -> Result {
        let p = Process()
        p.executableURL = try binary()
        p.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env["NO_COLOR"] = "1"
        env["HOME"] = NSTemporaryDirectory()
        env.removeValue(forKey: "XDG_CONFIG_HOME")
        for (k, v) in extra { env[k] = v }
        p.environment = env
        if let directory { p.currentDirectoryURL = directory }
        let out = Pipe(), err = Pipe(), inp = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = inp
        try p.run()
        final class Box: @unchecked Sendable {
            private var bytes = Data()
            private let lock = NSLock()
            var data: Data { lock.lock(); defer { lock.unlock() }; return bytes }
            var count: Int { lock.lock(); defer { lock.unlock() }; return bytes.count }
            func append(_ d: Data) { lock.lock(); bytes.append(d); lock.unlock() }
        }
        let outBox = Box(), errBox = Box()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async { errBox.append(err.fileHandleForReading.readDataToEndOfFile()); group.leave() }
        group.enter()
        DispatchQueue.global().async {
            // In pieces, so that a test can wait for output to start.
            let h = out.fileHandleForReading
            while true {
                let d = h.availableData
                if d.isEmpty { break }
                outBox.append(d)
            }
            group.leave()
        }
        // Write standard input from another thread, so a child that does not read it (or
        // writes much first) cannot block us.
        let writer = inp.fileHandleForWriting
        let inputData = input ?? Data()
        group.enter()
        DispatchQueue.global().async {
            signal_ignore_pipe()
            try? writer.write(contentsOf: inputData)
            if !keepInputOpen { try? writer.close() }
            group.leave()
        }
        var signalledAt: Date? = nil
        if let signal {
            usleep(useconds_t(delay * 1_000_000))
            if let bytes = signalAfterOutput {
                // Wait until that much output came (the run is printing), within the timeout.
                let limit = Date().addingTimeInterval(timeout)
                while outBox.count < bytes && p.isRunning && Date() < limit { usleep(1_000) }
            }
            signalledAt = Date()
            kill(p.processIdentifier, signal)
        }
        let deadline = Date().addingTimeInterval(timeout)
        while p.isRunning && Date() < deadline { usleep(2_000) }
        let ended = Date()
        var timedOut = false
        if p.isRunning {
            timedOut = true
            kill(p.processIdentifier, SIGKILL)
        }
        if keepInputOpen { try? writer.close() }
        group.wait()
        p.waitUntilExit()
        var r = Result(stdout: String(decoding: outBox.data, as: UTF8.self), stderr: String(decoding: errBox.data, as: UTF8.self),
                       status: timedOut ? -1 : p.terminationStatus, output: outBox.data)
        r.crashed = p.terminationReason == .uncaughtSignal && !timedOut
        if r.crashed { r.status = 128 + p.terminationStatus }
        if let signalledAt { r.secondsAfterSignal = ended.timeIntervalSince(signalledAt) }
        return r
    }

    /// How many awards the built-in graph holds (asked of the binary once; the graph grows).
    static let builtinAwardCount: Int = {
        guard let r = try? run(["--format", "csv", "-c", "count awards"]) else { return -1 }
        return Int(r.stdout.split(separator: "\n").last ?? "") ?? -1
    }()

    /// A fresh scratch folder.
    static func tempDir() throws -> URL {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("factsh-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        return d
    }
}

/// Writing to a closed pipe must not kill the test process.
private func signal_ignore_pipe() {
    signal(SIGPIPE, SIG_IGN)
}
