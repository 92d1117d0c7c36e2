import Foundation

/// "The first rows of any statement reach the terminal within 100 ms": a factsh process
/// (`--import-csv DATA --format csv --no-headers`, statements on a pipe) is asked each question in
/// turn, and the time from sending it to the first byte of its output is taken. After each
/// question come `.once MARKER` and `count provinces`: the marker file appears once the question
/// is done, which tells a question without rows from one still working. A question with no first
/// byte within the question time-out is a time-out; the process is then killed and a new one
/// (loading again) goes on with the next question. A pipe, not a terminal: the time a terminal
/// takes to draw is not in it, and neither is factsh's choice of format for a terminal.
enum FirstRows {
    struct Result: Codable {
        var seconds: [String: Double] = [:]
        /// Questions whose first byte did not come within the question time-out.
        var timedOut: [String] = []
        /// Questions that answered no rows at all.
        var noRows: [String] = []
        /// The largest peak resident memory (VmHWM) of the factsh processes, read just before
        /// each is stopped: factsh itself, one load, every question once.
        var peakBytes: Int?
        var error: String?
    }

    static func measure(factsh: String, data: String, steps: [(id: String, statement: String)], questionTimeout: Double,
                        loadTimeout: Double, work: String) -> Result {
        var res = Result()
        var next = 0
        var processes = 0
        while next < steps.count && processes < steps.count {
            processes += 1
            let before = next
            next = session(factsh: factsh, data: data, steps: steps, from: next, questionTimeout: questionTimeout,
                           loadTimeout: loadTimeout, work: work, into: &res)
            if next == before { break }     // not even loaded
        }
        return res
    }

    /// One factsh process, from step `from`; returns the index of the first step it did not finish.
    static func session(factsh: String, data: String, steps: [(id: String, statement: String)], from: Int, questionTimeout: Double,
                        loadTimeout: Double, work: String, into res: inout Result) -> Int {
        var inPipe: [Int32] = [0, 0], outPipe: [Int32] = [0, 0]
        guard pipe(&inPipe) == 0, pipe(&outPipe) == 0 else { res.error = "pipe failed"; return from }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, inPipe[0], 0)
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
        posix_spawn_file_actions_addopen(&actions, 2, work + "/first-rows-err.txt", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        for fd in inPipe + outPipe { posix_spawn_file_actions_addclose(&actions, fd) }
        guard let pid = try? Spawn.spawn([factsh, "--import-csv", data, "--format", "csv", "--no-headers"], &actions, env: [:]) else {
            res.error = "cannot run factsh"; return from
        }
        close(inPipe[0]); close(outPipe[1])
        signal(SIGPIPE, SIG_IGN)
        func send(_ s: String) {
            var bytes = Array(s.utf8)[...]
            while !bytes.isEmpty {
                let n = bytes.withUnsafeBytes { write(inPipe[1], $0.baseAddress, $0.count) }
                if n <= 0 { if errno == EINTR { continue }; break }
                bytes = bytes.dropFirst(n)
            }
        }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { buffer.deallocate() }
        var eof = false
        /// Reads what is there within `ms`; returns the number of bytes (0 on nothing, -1 at end).
        func drain(_ ms: Int32) -> Int {
            var pfd = pollfd(fd: outPipe[0], events: Int16(POLLIN), revents: 0)
            guard poll(&pfd, 1, ms) > 0 else { return 0 }
            let n = read(outPipe[0], buffer.baseAddress, buffer.count)
            if n <= 0 { eof = true; return -1 }
            return n
        }
        func exists(_ path: String) -> Bool {
            ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int ?? 0) > 0
        }
        func idle(_ i: Int) -> String {
            let m = work + "/first-rows-\(i).csv"
            unlink(m)
            return ".once \(m)\ncount provinces\n"
        }
        var done = from
        // Loaded and idle.
        send(idle(from))
        let loaded = Spawn.now() + loadTimeout
        while !exists(work + "/first-rows-\(from).csv") && !eof && Spawn.now() < loaded { _ = drain(5) }
        if exists(work + "/first-rows-\(from).csv") {
            while drain(0) > 0 {}
            for i in from..<steps.count {
                let marker = work + "/first-rows-\(i + 1).csv"
                let t0 = Spawn.now()
                send(steps[i].statement + "\n" + idle(i + 1))
                // The first byte, or the marker first (no rows), or the time-out.
                var first: Double? = nil
                var finished = false
                while first == nil && !eof && Spawn.now() - t0 < questionTimeout {
                    if drain(2) > 0 { first = Spawn.now() - t0; break }
                    if exists(marker) {
                        if drain(0) > 0 { first = Spawn.now() - t0 } else { finished = true }
                        break
                    }
                }
                if let f = first { res.seconds[steps[i].id] = f } else if finished { res.noRows.append(steps[i].id) } else {
                    if eof { res.error = "factsh exited during \(steps[i].id)" } else { res.timedOut.append(steps[i].id) }
                    done = i + 1
                    break
                }
                // The rest of the answer, to the marker.
                let end = Spawn.now() + questionTimeout
                while !exists(marker) && !eof && Spawn.now() < end { _ = drain(5) }
                if !exists(marker) {
                    if !eof { res.timedOut.append(steps[i].id + " (rest of the answer)") }
                    done = i + 1
                    break
                }
                while drain(0) > 0 {}
                done = i + 1
            }
        } else if !eof {
            res.error = "factsh did not load within \(Int(loadTimeout)) s"
        } else {
            res.error = "factsh exited before loading: " + ((try? String(contentsOfFile: work + "/first-rows-err.txt", encoding: .utf8)) ?? "")
        }
        if let hwm = vmHWM(pid) { res.peakBytes = max(res.peakBytes ?? 0, hwm) }
        close(inPipe[1])
        kill(pid, SIGKILL)
        close(outPipe[0])
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return done
    }

    /// A live process's peak resident memory in bytes, from /proc.
    static func vmHWM(_ pid: pid_t) -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              let kb = Int(line.split(separator: " ").dropFirst().first ?? "") else { return nil }
        return kb * 1024
    }
}
