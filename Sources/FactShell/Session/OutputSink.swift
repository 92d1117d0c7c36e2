import CLibEdit
import CSignals
#if canImport(Glibc)
import Glibc
#endif

/// Why output stopped: a cancellation (Ctrl-C, SIGTERM), or the destination failed (disk full,
/// a closed pipe, a device that refuses).
public enum OutputStop: Error, Equatable, CustomStringConvertible {
    case cancelled
    case failed(path: String, reason: String)

    public var description: String {
        switch self {
        case .cancelled: return "cancelled"
        case .failed(let path, let reason): return "cannot write \(path): \(reason)"
        }
    }
}

/// Where a session's results go — standard output, or the file `.output`/`.once` named —
/// written as they are rendered, a buffer at a time.
///
///     let sink = try OutputSink.open("out.csv", cancellation: .signals)
///     try format.render(table, options, to: sink)   // writes every 64 KiB, polls cancellation
///     try sink.flush()
///     try sink.close()
///
/// Every `write` polls the cancellation first, so a renderer that writes row by row stops
/// within a few rows of Ctrl-C; what was buffered and not yet written is dropped (renderers
/// write whole lines, so the output ends on a line boundary). A file is opened at once
/// (`open`), following symbolic links and writing into FIFOs and devices in place; an existing
/// file keeps its mode and owner (it is truncated, not replaced).
public final class OutputSink: TextSink {
    /// What the sink writes to.
    public enum Destination: Equatable {
        case standardOutput
        case file(path: String)
        /// The write end of a pipe to another process (the pager), closed with the sink.
        case pipe(name: String)
    }

    public let destination: Destination
    private var fd: Int32
    private var buffer: [UInt8] = []
    private let cancellation: Cancellation
    /// The first write failure; a sink that failed writes nothing more.
    public private(set) var failure: OutputStop?
    /// Whether the last byte written was a newline (or nothing was written).
    public private(set) var atLineStart = true

    /// Bytes gathered before a write.
    public static let chunkSize = 1 << 16

    /// Standard output.
    public init(standardOutput cancellation: Cancellation) {
        destination = .standardOutput
        fd = STDOUT_FILENO
        self.cancellation = cancellation
    }

    private init(path: String, fd: Int32, cancellation: Cancellation) {
        destination = .file(path: path)
        self.fd = fd
        self.cancellation = cancellation
    }

    /// The write end of a pipe (`PagerProcess`); the sink closes it.
    init(pipe fd: Int32, name: String, cancellation: Cancellation) {
        destination = .pipe(name: name)
        self.fd = fd
        self.cancellation = cancellation
    }

    /// Opens `path` for results (created 0666 less the umask when new, truncated when it is a
    /// regular file). Throws `OutputStop.failed` when it cannot be opened (a missing folder, a
    /// folder, no permission) and `.cancelled` when a signal interrupted the wait (a FIFO
    /// that nobody reads).
    public static func open(_ path: String, cancellation: Cancellation) throws(OutputStop) -> OutputSink {
        var st = stat()
        if stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR {
            throw .failed(path: path, reason: "is a directory")
        }
        let fd = factsh_open_for_writing(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOCTTY, 0o666)
        if fd == -2 { throw .cancelled }
        if fd < 0 { throw .failed(path: path, reason: String(cString: strerror(errno))) }
        return OutputSink(path: path, fd: fd, cancellation: cancellation)
    }

    /// The name used in messages.
    public var name: String {
        switch destination {
        case .standardOutput: return "standard output"
        case .file(let path): return path
        case .pipe(let name): return name
        }
    }

    /// Takes the next piece of output; writes when a chunk has gathered. Throws `.cancelled`
    /// when the cancellation asks to stop, `.failed` when the destination failed.
    public func write(_ text: String) throws(OutputStop) {
        if cancellation.isRequested() { throw .cancelled }
        if let failure { throw failure }
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= Self.chunkSize { try flush() }
    }

    /// Takes bytes as they are (whole CSV lines, a PNG); like `write(_:)` otherwise.
    public func write(bytes: UnsafeRawBufferPointer) throws(OutputStop) {
        if cancellation.isRequested() { throw .cancelled }
        if let failure { throw failure }
        buffer.append(contentsOf: bytes)
        if buffer.count >= Self.chunkSize { try flush() }
    }

    public func write(bytes: [UInt8]) throws(OutputStop) {
        if cancellation.isRequested() { throw .cancelled }
        if let failure { throw failure }
        buffer.append(contentsOf: bytes)
        if buffer.count >= Self.chunkSize { try flush() }
    }

    /// Writes what is gathered.
    public func flush() throws(OutputStop) {
        if let failure { buffer.removeAll(); throw failure }
        guard !buffer.isEmpty else { return }
        if destination == .standardOutput { factsh_flush_output() }  // what went through stdio first
        var written = 0
        let status = buffer.withUnsafeBytes { factsh_write_all(fd, $0.baseAddress, $0.count, &written) }
        if written > 0 { atLineStart = buffer[written - 1] == 0x0A }
        buffer.removeAll(keepingCapacity: buffer.count <= Self.chunkSize * 2)
        switch status {
        case 0: return
        case -2: throw .cancelled
        default:
            let stop = OutputStop.failed(path: name, reason: String(cString: strerror(errno)))
            failure = stop
            throw stop
        }
    }

    /// Drops what is gathered and not yet written (after a cancellation).
    public func discard() {
        buffer.removeAll(keepingCapacity: true)
    }

    /// Writes what is gathered and closes a file (standard output stays open). Reports the
    /// first failure of the sink's life, so a full disk is never silent.
    public func close() throws(OutputStop) {
        var stop: OutputStop? = nil
        do { try flush() } catch { stop = error }
        if destination != .standardOutput, fd >= 0 {
            if Glibc.close(fd) != 0 && stop == nil {
                stop = .failed(path: name, reason: String(cString: strerror(errno)))
            }
            fd = -1
        }
        if let stop { throw stop }
    }

    deinit {
        if destination != .standardOutput, fd >= 0 { _ = Glibc.close(fd) }
    }
}

/// Collects rendered text in memory (tests, and output that is measured before it is shown).
public final class StringSink: TextSink {
    public private(set) var text = ""
    public init() {}
    public func write(_ piece: String) { text += piece }
}
