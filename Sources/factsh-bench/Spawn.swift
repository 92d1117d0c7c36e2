import Foundation

/// A finished child process: exit status, wall time and its own peak resident memory
/// (`wait4`'s rusage, so it is this child's peak and nobody else's).
struct ChildResult {
    var status: Int32
    var seconds: Double
    var peakBytes: Int
    var timedOut: Bool
}

enum Spawn {
    /// Runs `argv` (looked up on PATH) with standard input from `stdinPath` and standard output
    /// and error to `stdoutPath`. After `timeout` seconds it is sent SIGINT (sqlite3 then
    /// interrupts the running statement and goes on), and once more every 2 s, then SIGKILL.
    static func run(_ argv: [String], stdin stdinPath: String = "/dev/null", stdout stdoutPath: String,
                    timeout: Double = .infinity, stdinText: String? = nil) throws -> ChildResult {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, stdinPath, O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdoutPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let cArgs = argv.map { strdup($0) } + [nil]
        defer { for p in cArgs { free(p) } }
        var pid: pid_t = 0
        let start = Date()
        let rc = posix_spawnp(&pid, argv[0], &actions, nil, cArgs, environ)
        if rc != 0 { throw BenchError("cannot run \(argv[0]): \(String(cString: strerror(rc)))") }
        var status: Int32 = 0
        var usage = rusage()
        var interrupts = 0
        var timedOut = false
        var nextSignal = timeout
        while true {
            let r = wait4(pid, &status, WNOHANG, &usage)
            if r == pid { break }
            if r < 0 && errno != EINTR { throw BenchError("wait4 failed") }
            let t = Date().timeIntervalSince(start)
            if t >= nextSignal {
                timedOut = true
                interrupts += 1
                kill(pid, interrupts <= 3 ? SIGINT : SIGKILL)
                nextSignal = t + 2
            }
            usleep(t < 1 ? 1_000 : 10_000)
        }
        let seconds = Date().timeIntervalSince(start)
        let exit: Int32 = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        return ChildResult(status: exit, seconds: seconds, peakBytes: Int(usage.ru_maxrss) * 1024, timedOut: timedOut)
    }

    /// The path of this executable.
    static var selfPath: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }

    static func which(_ name: String) -> String? {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let p = "\(dir)/\(name)"
            if access(p, X_OK) == 0 { return p }
        }
        return nil
    }
}
