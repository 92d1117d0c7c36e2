#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Ingests many files on several threads: folders expand to their release files, results come
/// back in the order given.
public enum IngestBatch {
    public struct FileFailure: Error, CustomStringConvertible, Sendable {
        public var path: String
        public var what: String
        public var description: String { "\(path): \(what)" }
    }

    static let extensions = [".txt", ".html", ".htm", ".xhtml", ".text"]

    /// Paths with each folder replaced by its release files (sorted, not recursive).
    public static func expand(_ paths: [String]) -> [String] {
        var out: [String] = []
        for p in paths {
            var st = stat()
            guard stat(p, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR, let dir = opendir(p) else { out.append(p); continue }
            var names: [String] = []
            while let ent = readdir(dir) {
                let name = withUnsafeBytes(of: ent.pointee.d_name) { raw in
                    String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
                }
                if name.hasPrefix(".") { continue }
                let lower = name.lowercased()
                if extensions.contains(where: { lower.hasSuffix($0) }) { names.append(name) }
            }
            closedir(dir)
            out += names.sorted().map { p.hasSuffix("/") ? p + $0 : p + "/" + $0 }
        }
        return out
    }

    /// Reads a whole file (at most 16 MiB: a press release is a few KB).
    public static func read(_ path: String) throws(FileFailure) -> [UInt8] {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw FileFailure(path: path, what: String(cString: strerror(errno))) }
        defer { close(fd) }
        var out: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buf.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, 65536) }
            if n < 0 { throw FileFailure(path: path, what: String(cString: strerror(errno))) }
            if n == 0 { break }
            out.append(contentsOf: buf[0..<n])
            if out.count > 16 << 20 { throw FileFailure(path: path, what: "larger than 16 MiB, not a press release") }
        }
        return out
    }

    final class Slots: @unchecked Sendable {
        var results: [Result<IngestedDocument, FileFailure>?]
        var next = 0
        var lock = pthread_mutex_t()
        init(_ n: Int) { results = Array(repeating: nil, count: n); pthread_mutex_init(&lock, nil) }
        func take() -> Int? {
            pthread_mutex_lock(&lock); defer { pthread_mutex_unlock(&lock) }
            guard next < results.count else { return nil }
            next += 1
            return next - 1
        }
        func put(_ i: Int, _ r: Result<IngestedDocument, FileFailure>) {
            pthread_mutex_lock(&lock); results[i] = r; pthread_mutex_unlock(&lock)
        }
    }

    final class Job { let body: () -> Void; init(_ b: @escaping () -> Void) { body = b } }

    /// Reads and extracts every file, on up to `threads` threads.
    public static func run(_ paths: [String], ingest: Ingest, threads: Int = 2) -> [Result<IngestedDocument, FileFailure>] {
        let slots = Slots(paths.count)
        let work = {
            while let i = slots.take() {
                let path = paths[i]
                let name = path.split(separator: "/").last.map(String.init) ?? path
                switch Result(catching: { () throws(FileFailure) -> [UInt8] in try read(path) }) {
                case .failure(let e): slots.put(i, .failure(e))
                case .success(let bytes):
                    switch Result(catching: { () throws(SourceDocument.ReadError) -> IngestedDocument in try ingest.extract(bytes: bytes, fileName: name) }) {
                    case .success(let d): slots.put(i, .success(d))
                    case .failure(let e): slots.put(i, .failure(FileFailure(path: path, what: e.description)))
                    }
                }
            }
        }
        let n = max(1, min(threads, paths.count))
        var tids: [pthread_t] = []
        for _ in 1..<max(n, 1) {
            let ctx = Unmanaged.passRetained(Job(work)).toOpaque()
            #if canImport(Glibc)
            var t: pthread_t = 0
            #else
            var t: pthread_t? = nil
            #endif
            if pthread_create(&t, nil, { raw in
                Unmanaged<Job>.fromOpaque(raw!).takeRetainedValue().body()
                return nil
            }, ctx) == 0 {
                #if canImport(Glibc)
                tids.append(t)
                #else
                tids.append(t!)
                #endif
            } else {
                Unmanaged<Job>.fromOpaque(ctx).release()
            }
        }
        work()
        for t in tids { pthread_join(t, nil) }
        return slots.results.map { $0! }
    }
}
