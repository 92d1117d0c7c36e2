import CLibEdit
#if canImport(Glibc)
import Glibc
#endif

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The shell's statement history: what Up and Down recall, what `.history` lists, and the
/// file that keeps it between sessions.
///
///     let history = History.openDefault()      // ~/.local/state/factsh/history, loaded
///     history.add("awards where\n city=济宁")   // one statement, one entry
///     try history.save()
///
/// One statement is one entry, even when it spans lines. Entries are trimmed of trailing
/// whitespace, empty ones are dropped, and an entry equal to the one before it is not added
/// again. At most `capacity` entries are kept (the oldest go first).
///
/// The file holds one entry per line; a backslash, a newline and a carriage return inside an
/// entry are written `\\`, `\n` and `\r`. Saving merges: the file is read again and this
/// session's new entries are appended to what is there, so two shells open at once both keep
/// their statements. It is written atomically (a temporary file in the same directory,
/// fsync, rename), so a crash never leaves half a history.
public final class History {
    /// The default number of entries kept.
    public static let defaultCapacity = 2000

    /// Where the history is kept, or nil for a history in memory only.
    public let filePath: String?

    /// The most entries kept.
    public let capacity: Int

    /// All entries, oldest first.
    public private(set) var entries: [String] = []

    /// Entries added in this session and not yet saved.
    private var unsaved: [String] = []

    /// libedit's copy, which the line editor walks with Up and Down.
    private var editorHistory: OpaquePointer?

    /// An empty history; call `load()` to read the file.
    public init(filePath: String?, capacity: Int = History.defaultCapacity) {
        self.filePath = filePath
        self.capacity = max(1, capacity)
    }

    deinit {
        if let editorHistory { history_wend(editorHistory) }
    }

    /// `$XDG_STATE_HOME/factsh/history`, else `~/.local/state/factsh/history`; nil when
    /// neither variable says where (no HOME).
    public static func defaultFilePath(environment: [String: String]? = nil) -> String? {
        func env(_ k: String) -> String? { environment.map { $0[k] } ?? FileIO.env(k) }
        if let state = env("XDG_STATE_HOME"), state.hasPrefix("/") {
            return state + "/factsh/history"
        }
        if let home = env("HOME"), !home.isEmpty {
            return home + "/.local/state/factsh/history"
        }
        return nil
    }

    /// The history at `defaultFilePath()`, loaded. A file that cannot be read leaves it empty
    /// and is reported on standard error.
    public static func openDefault() -> History {
        let history = History(filePath: defaultFilePath())
        do {
            try history.load()
        } catch {
            factsh_write_stderr("factsh: cannot read history: \(error)\n")
        }
        return history
    }

    /// Replaces the entries with the file's. A missing file is an empty history.
    public func load() throws {
        entries = try readFile()
        unsaved = []
        rebuildEditorHistory()
    }

    /// Adds a statement (a no-op for blank text or a repeat of the last entry).
    public func add(_ statement: String) {
        let entry = History.trimmedTrailingWhitespace(statement)
        guard !entry.isEmpty, entry != entries.last else { return }
        entries.append(entry)
        unsaved.append(entry)
        if entries.count > capacity { entries.removeFirst(entries.count - capacity) }
        if unsaved.count > capacity { unsaved.removeFirst(unsaved.count - capacity) }
        if let editorHistory {
            History.withWideString(entry) { _ = factsh_history_enter(editorHistory, $0) }
        }
    }

    /// Writes the file: what is in it now plus this session's new entries, capped. Creates
    /// the directories. Does nothing for a history in memory only or when nothing was added.
    public func save() throws {
        guard let filePath, !unsaved.isEmpty else { return }
        try History.makeDirectories(History.directory(of: filePath))
        var merged: [String]
        if let onDisk = try? readFile() {
            merged = onDisk
            for entry in unsaved where entry != merged.last { merged.append(entry) }
        } else {
            merged = entries
        }
        if merged.count > capacity { merged.removeFirst(merged.count - capacity) }
        var text = ""
        for entry in merged {
            text += History.encode(entry)
            text += "\n"
        }
        try History.writeAtomically(Array(text.utf8), to: filePath)
        unsaved = []
    }

    // MARK: - libedit

    /// libedit's history, created on first use and kept in step with `entries`.
    var handle: OpaquePointer? {
        if editorHistory == nil {
            editorHistory = history_winit()
            rebuildEditorHistory()
        }
        return editorHistory
    }

    private func rebuildEditorHistory() {
        guard let editorHistory else { return }
        factsh_history_clear(editorHistory)
        _ = factsh_history_setsize(editorHistory, Int32(clamping: capacity))
        _ = factsh_history_setunique(editorHistory, 1)
        for entry in entries {
            History.withWideString(entry) { _ = factsh_history_enter(editorHistory, $0) }
        }
    }

    // MARK: - File format

    /// One entry as one line of the file.
    static func encode(_ entry: String) -> String {
        var out = ""
        out.reserveCapacity(entry.utf8.count)
        for scalar in entry.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// The entry a line of the file holds. An unknown escape is kept as it is.
    static func decode(_ line: Substring) -> String {
        var out = ""
        var escaped = false
        for scalar in line.unicodeScalars {
            if escaped {
                switch scalar {
                case "n": out += "\n"
                case "r": out += "\r"
                case "\\": out += "\\"
                default: out += "\\"; out.unicodeScalars.append(scalar)
                }
                escaped = false
            } else if scalar == "\\" {
                escaped = true
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        if escaped { out += "\\" }
        return out
    }

    static func trimmedTrailingWhitespace(_ text: String) -> String {
        var scalars = Substring(text).unicodeScalars
        while let last = scalars.last, last.properties.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }

    private func readFile() throws -> [String] {
        guard let filePath else { return [] }
        if !FileIO.exists(filePath) { return [] }
        let data = try FileIO.read(filePath, limit: 64 << 20)
        let text = String(decoding: data, as: UTF8.self)
        var result: [String] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            let entry = History.decode(line)
            if entry.isEmpty || entry == result.last { continue }
            result.append(entry)
        }
        if result.count > capacity { result.removeFirst(result.count - capacity) }
        return result
    }

    /// Writes the file atomically (FileIO.writeAtomically: beside it, fsync, rename; through
    /// a symbolic link to its target; a new file readable by its owner only).
    static func writeAtomically(_ bytes: [UInt8], to path: String) throws {
        try FileIO.writeAtomically(path, bytes, newFileMode: 0o600)
    }

    /// The folder part of a path ("." for a bare name).
    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// `mkdir -p` with mode 0700 for the folders it creates.
    static func makeDirectories(_ path: String) throws {
        if path.isEmpty || FileIO.isDirectory(path) { return }
        try makeDirectories(directory(of: path))
        if mkdir(path, 0o700) != 0 && errno != EEXIST {
            throw HistoryFileError(path: path, operation: "mkdir", code: errno)
        }
    }

    /// Calls `body` with `text` as a NUL-terminated wide string.
    static func withWideString<R>(_ text: String, _ body: (UnsafePointer<wchar_t>) -> R) -> R {
        var wide = text.unicodeScalars.map { wchar_t(bitPattern: $0.value) }
        wide.append(0)
        return wide.withUnsafeBufferPointer { body($0.baseAddress!) }
    }
}

/// A history file could not be written.
public struct HistoryFileError: Error, CustomStringConvertible {
    public var path: String
    public var operation: String
    public var code: Int32

    public var description: String {
        "\(path): \(operation) failed: \(String(cString: strerror(code)))"
    }
}
