import Foundation

/// "The first rows of any statement reach the terminal within 100 ms": one factsh process
/// (`--import-csv DATA --format csv --no-headers`, statements on a pipe) is asked each question
/// in turn; before each, `.once MARKER` and `count provinces` tell when it is idle (the marker
/// file appears when that statement is done), then the question is sent and the time to the first
/// byte of its output is taken. A pipe, not a terminal: the time a terminal takes to draw is not
/// in it, and neither is factsh's choice of format for a terminal.
enum FirstRows {
    struct Result: Codable {
        var seconds: [String: Double] = [:]
        /// Questions whose first byte did not come within the question time-out.
        var timedOut: [String] = []
        /// Questions that answered no rows at all.
        var noRows: [String] = []
        var error: String?
    }

    static func measure(factsh: String, data: String, steps: [(id: String, statement: String)], questionTimeout: Double,
                        loadTimeout: Double, work: String) -> Result {
        var res = Result()
        var inPipe: [Int32] = [0, 0], outPipe: [Int32] = [0, 0]
        guard pipe(&inPipe) == 0, pipe(&outPipe) == 0 else { res.error = "pipe failed"; return res }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, inPipe[0], 0)
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
        posix_spawn_file_actions_addopen(&actions, 2, work + "/first-rows-err.txt", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        for fd in inPipe + outPipe { posix_spawn_file_actions_addclose(&actions, fd) }
        guard let pid = try? Spawn.spawn([factsh, "--import-csv", data, "--format", "csv", "--no-headers"], &actions, env: [:]) else {
            res.error = "cannot run factsh"; return res
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
        var ok = true
        // One more idle marker after the last question: its answer must end too.
        let all: [(id: String, statement: String)?] = steps.map { $0 } + [nil]
        for (i, s) in all.enumerated() where ok {
            let marker = work + "/first-rows-\(i).csv"
            unlink(marker)
            send(".once \(marker)\ncount provinces\n")
            // Idle: the marker appears once everything before it is done (and written).
            let limit = Spawn.now() + (i == 0 ? loadTimeout : questionTimeout)
            while !exists(marker) && !eof {
                if Spawn.now() > limit { ok = false; break }
                _ = drain(5)
            }
            if !ok || eof { if i > 0 { res.timedOut.append(steps[i - 1].id) }; ok = false; break }
            while drain(0) > 0 {}
            guard let step = s else { break }
            let t0 = Spawn.now()
            send(step.statement + "\n")
            // The first byte of the answer, or the next marker's turn if there are no rows.
            let deadline = t0 + questionTimeout
            var first: Double? = nil
            while first == nil && !eof && Spawn.now() < deadline {
                if drain(2) > 0 { first = Spawn.now() - t0 }
            }
            if let f = first { res.seconds[step.id] = f } else if eof { ok = false } else {
                // Either still working, or no rows: the next marker tells which.
                res.noRows.append(step.id)
            }
        }
        close(inPipe[1])
        if ok {
            let end = Spawn.now() + questionTimeout
            while !eof && Spawn.now() < end { _ = drain(100) }
        }
        if !eof { kill(pid, SIGKILL) }
        close(outPipe[0])
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        // A question listed as "no rows" whose successor never became idle was still working.
        if let last = res.timedOut.last, let k = res.noRows.firstIndex(of: last) { res.noRows.remove(at: k) }
        return res
    }
}
