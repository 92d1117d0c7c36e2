import Foundation

/// A finished child process: exit status, wall time and its own peak resident memory
/// (`wait4`'s rusage, so it is this child's peak and nobody else's).
struct ChildResult {
    var status: Int32
    var seconds: Double
    var peakBytes: Int
    var timedOut: Bool
}

/// A child that was talked to through pipes (`Spawn.converse`).
struct Conversation {
    var child: ChildResult
    /// Seconds from the marker (the moment `after` was sent) to the first byte of output after it.
    var firstByteSeconds: Double?
    /// Seconds from the marker to the end of the output.
    var afterMarkerSeconds: Double?
    var markerSeen = false
    var hasher = CSVRowHasher()
    /// Bytes of output before the marker (ignored).
    var bytesBeforeMarker = 0
}

enum Spawn {
    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    /// The environment with `overrides` applied, as C strings for posix_spawn.
    static func environment(_ overrides: [String: String]) -> [UnsafeMutablePointer<CChar>?] {
        var env = ProcessInfo.processInfo.environment
        for (k, v) in overrides { env[k] = v }
        return env.map { strdup("\($0.key)=\($0.value)") } + [nil]
    }

    /// Runs `argv` (looked up on PATH) with standard input from `stdinPath` and standard output
    /// and error to `stdoutPath`. After `timeout` seconds, or as soon as `watchdog` (asked once a
    /// second) returns true, it is sent SIGINT (sqlite3 then interrupts the running statement and
    /// goes on), and once more every 2 s, then SIGKILL.
    static func run(_ argv: [String], stdin stdinPath: String = "/dev/null", stdout stdoutPath: String,
                    timeout: Double = .infinity, env: [String: String] = [:], watchdog: (() -> Bool)? = nil) throws -> ChildResult {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, stdinPath, O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdoutPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let pid = try spawn(argv, &actions, env: env)
        let start = now()
        var status: Int32 = 0
        var usage = rusage()
        var interrupts = 0
        var timedOut = false
        var nextSignal = timeout
        var nextWatch = 1.0
        while true {
            let r = wait4(pid, &status, WNOHANG, &usage)
            if r == pid { break }
            if r < 0 && errno != EINTR { throw BenchError("wait4 failed") }
            let t = now() - start
            if let w = watchdog, t >= nextWatch, nextSignal == timeout, !timedOut {
                nextWatch = t + 1
                if w() { nextSignal = t }
            }
            if t >= nextSignal {
                timedOut = true
                interrupts += 1
                kill(pid, interrupts <= 3 ? SIGINT : SIGKILL)
                nextSignal = t + 2
            }
            // Short runs (start-ups of a few milliseconds) are timed to tens of microseconds, not
            // to the millisecond a coarser poll would add.
            usleep(t < 0.05 ? 20 : t < 1 ? 1_000 : 10_000)
        }
        return ChildResult(status: exitStatus(status), seconds: now() - start, peakBytes: Int(usage.ru_maxrss) * 1024, timedOut: timedOut)
    }

    /// Runs `argv` with standard input and output on pipes: sends `before`, waits until the file
    /// `marker` exists and is not empty (the child wrote it when it was ready: loaded, and the
    /// statement before the marker done), then sends `after` and closes standard input, and reads
    /// standard output to its end, hashing the CSV rows that come after the marker and timing
    /// their first byte. Standard error goes to `stderrPath`. Killed after `timeout` seconds.
    static func converse(_ argv: [String], before: String, marker: String, after: String, stderrPath: String,
                         timeout: Double) throws -> Conversation {
        var inPipe: [Int32] = [0, 0], outPipe: [Int32] = [0, 0]
        guard pipe(&inPipe) == 0, pipe(&outPipe) == 0 else { throw BenchError("pipe failed") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, inPipe[0], 0)
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
        posix_spawn_file_actions_addopen(&actions, 2, stderrPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        for fd in inPipe + outPipe { posix_spawn_file_actions_addclose(&actions, fd) }
        unlink(marker)
        let pid = try spawn(argv, &actions, env: [:])
        close(inPipe[0]); close(outPipe[1])
        let start = now()
        var conv = Conversation(child: ChildResult(status: 0, seconds: 0, peakBytes: 0, timedOut: false))
        func send(_ s: String) {
            var bytes = Array(s.utf8)[...]
            while !bytes.isEmpty {
                let n = bytes.withUnsafeBytes { write(inPipe[1], $0.baseAddress, $0.count) }
                if n <= 0 { if errno == EINTR { continue }; break }
                bytes = bytes.dropFirst(n)
            }
        }
        signal(SIGPIPE, SIG_IGN)
        send(before)
        var markerAt: Double? = nil
        var stdinOpen = true
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { buffer.deallocate() }
        var killed = false
        while true {
            if markerAt == nil, let st = try? FileManager.default.attributesOfItem(atPath: marker),
               (st[.size] as? Int ?? 0) > 0 {
                markerAt = now()
                conv.markerSeen = true
                send(after)
            }
            if markerAt != nil && stdinOpen { close(inPipe[1]); stdinOpen = false }
            var pfd = pollfd(fd: outPipe[0], events: Int16(POLLIN), revents: 0)
            let ready = poll(&pfd, 1, markerAt == nil ? 5 : 100)
            if ready > 0 {
                let n = read(outPipe[0], buffer.baseAddress, buffer.count)
                if n == 0 { break }
                if n > 0 {
                    if let m = markerAt {
                        if conv.firstByteSeconds == nil { conv.firstByteSeconds = now() - m }
                        conv.hasher.feed(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
                    } else {
                        conv.bytesBeforeMarker += n
                    }
                }
            }
            if !killed && now() - start > timeout {
                kill(pid, SIGKILL)
                killed = true
                conv.child.timedOut = true
            }
        }
        if stdinOpen { close(inPipe[1]) }
        close(outPipe[0])
        conv.hasher.finish()
        if let m = markerAt { conv.afterMarkerSeconds = now() - m }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
        conv.child.status = exitStatus(status)
        conv.child.seconds = now() - start
        conv.child.peakBytes = Int(usage.ru_maxrss) * 1024
        return conv
    }

    static func spawn(_ argv: [String], _ actions: inout posix_spawn_file_actions_t, env: [String: String],
                      attributes: UnsafePointer<posix_spawnattr_t>? = nil) throws -> pid_t {
        let cArgs = argv.map { strdup($0) } + [nil]
        defer { for p in cArgs { free(p) } }
        let cEnv = environment(env)
        defer { for p in cEnv { free(p) } }
        var pid: pid_t = 0
        let rc = posix_spawnp(&pid, argv[0], &actions, attributes, cArgs, cEnv)
        if rc != 0 { throw BenchError("cannot run \(argv[0]): \(String(cString: strerror(rc)))") }
        return pid
    }

    static func exitStatus(_ status: Int32) -> Int32 {
        (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
    }

    /// The path of this executable.
    static var selfPath: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }

    static func which(_ name: String) -> String? {
        if name.contains("/") { return access(name, X_OK) == 0 ? name : nil }
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let p = "\(dir)/\(name)"
            if access(p, X_OK) == 0 { return p }
        }
        return nil
    }
}
