#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Plain POSIX file access (no Foundation on the start-up path), with atomic writes for the
/// files factsh owns.
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

    /// Writes a whole file that factsh owns (`.save`, `.export`, the history) so that a reader
    /// never sees half of it and a failure leaves the old file as it was:
    ///
    /// - a regular file (or a new one) is written beside the target, fsynced and renamed over
    ///   it, keeping the old file's mode and owner (a new file gets `newFileMode`, less the
    ///   umask);
    /// - a symbolic link is followed (to its end, even when that does not exist yet) and its
    ///   target replaced that way, so the link stays a link;
    /// - a FIFO, a device or a socket cannot be replaced: it is opened and written in place.
    ///
    /// A folder, or a path whose folder does not exist, is an error.
    public static func writeAtomically(_ path: String, _ bytes: [UInt8], newFileMode: mode_t = 0o666) throws {
        // What the path names in the end (stat follows every link, /proc/self/fd/1 too): only
        // a regular file, or nothing yet, is ever replaced.
        var st = stat()
        if stat(path, &st) == 0 {
            let type = st.st_mode & S_IFMT
            if type == S_IFDIR { throw Failure(path: path, what: "is a directory") }
            if type != S_IFREG {
                let fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY)
                if fd < 0 { throw Failure(path: path, what: errnoText()) }
                defer { close(fd) }
                try writeAll(fd, bytes, path: path)
                return
            }
        }
        let target = try resolveLinks(path)
        let exists = stat(target, &st) == 0
        if exists && (st.st_mode & S_IFMT) != S_IFREG {
            throw Failure(path: path, what: "is not a regular file")
        }
        let tmp = directory(of: target) + "/." + baseName(target) + ".tmp-\(getpid())"
        unlink(tmp)
        let fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, exists ? 0o600 : newFileMode)
        if fd < 0 { throw Failure(path: path, what: errnoText()) }
        var done = false
        defer { if !done { unlink(tmp) } }
        if exists {
            // The new file takes the old one's place: same permissions, same owner (when we
            // may give it away, as root may; otherwise the file stays ours).
            _ = fchmod(fd, st.st_mode & 0o7777)
            if st.st_uid != getuid() || st.st_gid != getgid() { _ = fchown(fd, st.st_uid, st.st_gid) }
        }
        do {
            try writeAll(fd, bytes, path: path)
        } catch {
            close(fd)
            throw error
        }
        if fsync(fd) != 0 {
            let e = errnoText()
            close(fd)
            throw Failure(path: path, what: e)
        }
        if close(fd) != 0 { throw Failure(path: path, what: errnoText()) }
        if rename(tmp, target) != 0 { throw Failure(path: path, what: errnoText()) }
        done = true
        let dir = open(directory(of: target), O_RDONLY | O_CLOEXEC)
        if dir >= 0 {
            _ = fsync(dir)
            close(dir)
        }
    }

    /// Writes all of `bytes` to `fd` (retrying after a signal).
    static func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws {
        var off = 0
        while off < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + off, $0.count - off) }
            if n < 0 {
                if errno == EINTR { continue }
                throw Failure(path: path, what: errnoText())
            }
            off += n
        }
    }

    /// The path with every symbolic link along its last component followed (the folders are
    /// left as they are; the final target need not exist). At most 40 links, as the kernel.
    public static func resolveLinks(_ path: String) throws -> String {
        var current = path
        for _ in 0..<40 {
            var st = stat()
            guard lstat(current, &st) == 0, (st.st_mode & S_IFMT) == S_IFLNK else { return current }
            var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            let n = readlink(current, &buffer, Int(PATH_MAX))
            if n < 0 { throw Failure(path: path, what: errnoText()) }
            let link = String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            current = link.hasPrefix("/") ? link : directory(of: current) + "/" + link
        }
        throw Failure(path: path, what: "too many levels of symbolic links")
    }

    /// The folder part of a path ("." for a bare name).
    public static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
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
