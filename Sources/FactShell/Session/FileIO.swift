#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Plain POSIX file access (no Foundation on the start-up path), with atomic writes.
public enum FileIO {
    public struct Failure: Error, CustomStringConvertible {
        public var path: String
        public var what: String
        public var description: String { "\(path): \(what)" }
    }

    static func errnoText() -> String { String(cString: strerror(errno)) }

    /// The whole file. Refuses directories and files over `limit` bytes.
    public static func read(_ path: String, limit: Int = 1 << 31) throws -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { throw Failure(path: path, what: errnoText()) }
        defer { close(fd) }
        var st = stat()
        if fstat(fd, &st) != 0 { throw Failure(path: path, what: errnoText()) }
        if (st.st_mode & S_IFMT) == S_IFDIR { throw Failure(path: path, what: "is a directory") }
        if Int(st.st_size) > limit { throw Failure(path: path, what: "larger than \(limit) bytes") }
        var out = [UInt8]()
        out.reserveCapacity(Int(st.st_size))
        var buf = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = buf.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw Failure(path: path, what: errnoText())
            }
            if n == 0 { break }
            out.append(contentsOf: buf[0..<n])
            if out.count > limit { throw Failure(path: path, what: "larger than \(limit) bytes") }
        }
        return out
    }

    /// Writes through a temporary file in the same directory, then renames it over `path`, so
    /// a reader never sees half a file and a failure leaves the old file as it was.
    public static func writeAtomically(_ path: String, _ bytes: [UInt8]) throws {
        let tmp = path + ".tmp-\(getpid())"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        if fd < 0 { throw Failure(path: path, what: errnoText()) }
        var off = 0
        while off < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + off, $0.count - off) }
            if n < 0 {
                if errno == EINTR { continue }
                let e = errnoText()
                close(fd); unlink(tmp)
                throw Failure(path: path, what: e)
            }
            off += n
        }
        if fsync(fd) != 0 || close(fd) != 0 {
            let e = errnoText()
            unlink(tmp)
            throw Failure(path: path, what: e)
        }
        if rename(tmp, path) != 0 {
            let e = errnoText()
            unlink(tmp)
            throw Failure(path: path, what: e)
        }
    }

    public static func isDirectory(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }

    public static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    public static func env(_ name: String) -> String? {
        guard let p = getenv(name) else { return nil }
        return String(cString: p)
    }

    /// `~/x` → `$HOME/x`.
    public static func expandTilde(_ path: String) -> String {
        if path == "~" { return env("HOME") ?? path }
        if path.hasPrefix("~/"), let home = env("HOME") { return home + path.dropFirst(1) }
        return path
    }

    /// The last path component.
    public static func baseName(_ path: String) -> String {
        var p = Substring(path)
        while p.count > 1 && p.hasSuffix("/") { p = p.dropLast() }
        if let i = p.lastIndex(of: "/") { return String(p[p.index(after: i)...]) }
        return String(p)
    }

    /// Monotonic seconds.
    public static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    /// (user, system) CPU seconds of this process.
    public static func cpuTimes() -> (Double, Double) {
        var ru = rusage()
        getrusage(__rusage_who_t(0) /* RUSAGE_SELF */, &ru)
        return (Double(ru.ru_utime.tv_sec) + Double(ru.ru_utime.tv_usec) / 1e6,
                Double(ru.ru_stime.tv_sec) + Double(ru.ru_stime.tv_usec) / 1e6)
    }
}
