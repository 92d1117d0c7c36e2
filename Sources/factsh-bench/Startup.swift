import Foundation

/// Q15: start-up, whole processes, median wall time.
enum Startup {
    /// Start-ups timed on each side (at least; `--runs` if more).
    static let samples = 31
    struct Result: Codable {
        /// To the first prompt on a pseudo-terminal: factsh (built-in graph) and `sqlite3 :memory:`.
        var factshPrompt: Double?
        var sqlitePrompt: Double?
        /// `factsh -c 'count awards by city'` and `sqlite3 :memory: 'select 1'` (the earlier row).
        var factshCommand: Double?
        var sqliteCommand: Double?
        var error: String?
    }

    static func measure(factsh: String?, runs: Int, work: String) -> Result {
        var r = Result()
        let home = work + "/home"
        try? FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        // An empty home: no rc files, no history, for both.
        let env = ["HOME": home, "XDG_CONFIG_HOME": home + "/.config", "TERM": "xterm"]
        // Start-ups take milliseconds and move with whatever else the machine does: many
        // samples, factsh's and sqlite3's taken in turn, so both sides see the same moments.
        let samples = max(runs, Self.samples)
        func medians(_ a: (() -> Double?)?, _ b: (() -> Double?)?) -> (Double?, Double?) {
            var ta: [Double]? = a == nil ? nil : [], tb: [Double]? = b == nil ? nil : []
            for _ in 0..<samples {
                if let a, ta != nil { if let x = a() { ta!.append(x) } else { ta = nil } }
                if let b, tb != nil { if let x = b() { tb!.append(x) } else { tb = nil } }
            }
            return (ta.map(SideResult.median) ?? nil, tb.map(SideResult.median) ?? nil)
        }
        let sqlite = Spawn.which("sqlite3")
        let factshPrompt: (() -> Double?)? = factsh.map { f in { try? toPrompt([f], prompt: "factsh> ", env: env) } }
        let sqlitePrompt: (() -> Double?)? = sqlite.map { s in { try? toPrompt([s, ":memory:"], prompt: "sqlite> ", env: env) } }
        (r.factshPrompt, r.sqlitePrompt) = medians(factshPrompt, sqlitePrompt)
        let factshCommand: (() -> Double?)? = factsh.map { f in {
            guard let c = try? Spawn.run([f, "-c", "count awards by city"], stdout: "/dev/null", env: env), c.status == 0 else { return nil }
            return c.seconds
        } }
        let sqliteCommand: (() -> Double?)? = sqlite.map { s in {
            guard let c = try? Spawn.run([s, ":memory:", "select 1"], stdout: "/dev/null", env: env), c.status == 0 else { return nil }
            return c.seconds
        } }
        (r.factshCommand, r.sqliteCommand) = medians(factshCommand, sqliteCommand)
        if factsh != nil && r.factshPrompt == nil { r.error = "factsh showed no prompt 'factsh> ' on a pseudo-terminal within 10 s" }
        return r
    }

    /// Seconds from spawning `argv` on a new pseudo-terminal (80×24, its own session) until
    /// `prompt` appears in its output; then the process is killed.
    static func toPrompt(_ argv: [String], prompt: String, env: [String: String], timeout: Double = 10) throws -> Double {
        // posix_openpt, unlockpt and ptsname are hidden from Swift's Glibc module (they need
        // _XOPEN_SOURCE); their Linux implementation is this: /dev/ptmx, TIOCSPTLCK, TIOCGPTN.
        let master = open("/dev/ptmx", O_RDWR | O_NOCTTY)
        guard master >= 0 else { throw BenchError("no pseudo-terminal: cannot open /dev/ptmx") }
        defer { close(master) }
        var unlock: Int32 = 0, number: UInt32 = 0
        let TIOCSPTLCK: UInt = 0x4004_5431, TIOCGPTN: UInt = 0x8004_5430    // _IOW('T', 0x31, int), _IOR('T', 0x30, unsigned)
        guard ioctl(master, TIOCSPTLCK, &unlock) == 0, ioctl(master, TIOCGPTN, &number) == 0 else {
            throw BenchError("no pseudo-terminal: ioctl on /dev/ptmx failed")
        }
        let slave = "/dev/pts/\(number)"
        var ws = winsize(ws_row: 24, ws_col: 80, ws_xpixel: 0, ws_ypixel: 0)
        _ = ioctl(master, UInt(TIOCSWINSZ), &ws)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, slave, O_RDWR, 0)
        posix_spawn_file_actions_adddup2(&actions, 0, 1)
        posix_spawn_file_actions_adddup2(&actions, 0, 2)
        posix_spawn_file_actions_addclose(&actions, master)
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        // A new session, so that opening the terminal makes it the controlling one.
        let POSIX_SPAWN_SETSID: Int16 = 0x80     // glibc ≥ 2.26; not imported into Swift
        posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSID)
        let start = Spawn.now()
        let pid = try withUnsafePointer(to: &attr) { try Spawn.spawn(argv, &actions, env: env, attributes: $0) }
        var seen: [UInt8] = []
        let want = Array(prompt.utf8)
        var found: Double? = nil
        var buf = [UInt8](repeating: 0, count: 65536)
        while Spawn.now() - start < timeout {
            var pfd = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
            if poll(&pfd, 1, 20) > 0 {
                let n = read(master, &buf, buf.count)
                if n <= 0 { break }
                seen += buf[0..<n]
                if seen.count >= want.count && contains(seen, want) { found = Spawn.now() - start; break }
            }
        }
        kill(pid, SIGKILL)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        guard let t = found else { throw BenchError("no prompt: \(String(decoding: seen.suffix(200), as: UTF8.self))") }
        return t
    }

    static func contains(_ hay: [UInt8], _ needle: [UInt8]) -> Bool {
        guard hay.count >= needle.count else { return false }
        for i in 0...(hay.count - needle.count) where hay[i] == needle[0] {
            if Array(hay[i..<(i + needle.count)]) == needle { return true }
        }
        return false
    }
}
