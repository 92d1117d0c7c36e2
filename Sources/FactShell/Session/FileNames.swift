#if canImport(Glibc)
import Glibc
#endif

/// File-name completion for `.read`, `.load`, `.output`, `.save` and friends.
enum FileNames {
    /// Entries of the word's directory that start with its last component; folders end in "/".
    static func complete(_ word: String) -> [String] {
        let expanded = FileIO.expandTilde(word)
        let dirPart: String, prefix: String
        if let slash = expanded.lastIndex(of: "/") {
            dirPart = String(expanded[...slash])
            prefix = String(expanded[expanded.index(after: slash)...])
        } else {
            dirPart = ""
            prefix = expanded
        }
        guard let dir = opendir(dirPart.isEmpty ? "." : dirPart) else { return [] }
        defer { closedir(dir) }
        var out: [String] = []
        while let ent = readdir(dir) {
            let name = withUnsafePointer(to: ent.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name == "." || name == ".." { continue }
            if name.hasPrefix(".") && !prefix.hasPrefix(".") { continue }
            guard name.hasPrefix(prefix) else { continue }
            let shownDir = word.hasPrefix("~") ? String(word[..<(word.lastIndex(of: "/").map { word.index(after: $0) } ?? word.startIndex)]) : dirPart
            let isDir = FileIO.isDirectory(dirPart + name)
            out.append(shownDir + name + (isDir ? "/" : " "))
        }
        return out.sorted()
    }
}
