import FactQuery

/// What a completer offers for the word before the cursor.
///
///     // line "awards where city=ji", cursor 20
///     Completion(wordStart: 18, candidates: ["济宁 "])
///
/// Offsets count `Character`s. Each candidate replaces the whole of `line[wordStart..<cursor]`,
/// so a candidate need not start with what was typed (pinyin `ji` may offer `济宁`). A
/// candidate that finishes a word carries its own trailing space (`"awards "`); one that
/// does not (a file-name directory `"data/"`) does not.
public struct Completion: Equatable, Sendable {
    /// Character offset in the line where the word being completed begins.
    public var wordStart: Int
    /// Full replacements for `line[wordStart..<cursor]`.
    public var candidates: [String]

    public init(wordStart: Int, candidates: [String]) {
        self.wordStart = wordStart
        self.candidates = candidates
    }

    /// Nothing to offer.
    public static let none = Completion(wordStart: 0, candidates: [])
}

/// What one Tab does to the line, decided from the completer's answer; kept apart from
/// libedit so that it can be reasoned about (and tested) as plain values.
enum CompletionAction: Equatable {
    /// Replace the typed word (`count` Characters before the cursor) with `text`.
    case replace(count: Int, with: String)
    /// Show the candidates below the line.
    case list([String])
    /// Nothing fits: beep.
    case beep

    /// - Parameters:
    ///   - typed: the word before the cursor, `line[wordStart..<cursor]`.
    ///   - candidates: the completer's candidates.
    ///
    /// One candidate replaces the word. Several replace it with their longest common prefix
    /// when that prefix extends what was typed (ignoring case); otherwise they are listed.
    static func decide(typed: String, candidates: [String]) -> CompletionAction {
        var unique: [String] = []
        var seen = Set<String>()
        for candidate in candidates where seen.insert(candidate).inserted { unique.append(candidate) }
        guard let first = unique.first else { return .beep }
        if unique.count == 1 {
            return first == typed ? .beep : .replace(count: typed.count, with: first)
        }
        let prefix = longestCommonPrefix(unique)
        // A quote the candidates open (`"my dir/`, `"my query.fq"` for `my`) does not count
        // against what was typed.
        let bareTyped = unquoted(typed).lowercased(), barePrefix = unquoted(prefix).lowercased()
        if barePrefix.count > bareTyped.count && barePrefix.hasPrefix(bareTyped) {
            return .replace(count: typed.count, with: prefix)
        }
        return .list(unique)
    }

    /// `s` without an opening quote.
    static func unquoted(_ s: String) -> Substring {
        s.first == "\"" || s.first == "'" ? s.dropFirst() : Substring(s)
    }

    /// The longest run of `Character`s that every string starts with.
    static func longestCommonPrefix(_ strings: [String]) -> String {
        guard var prefix = strings.first.map({ Array($0) }) else { return "" }
        for string in strings.dropFirst() {
            var length = 0
            for (a, b) in zip(prefix, string) {
                if a != b { break }
                length += 1
            }
            prefix.removeLast(prefix.count - length)
            if prefix.isEmpty { break }
        }
        return String(prefix)
    }
}

/// Candidates laid out in columns, like `ls`: sorted down each column, each column as wide
/// as its widest entry (display width, so Chinese counts 2) plus two spaces.
enum CompletionListing {
    /// The rows of text to print: at most `maxRows` rows of candidates, then a line saying
    /// how many were left out.
    static func rows(_ candidates: [String], columns terminalWidth: Int, maxRows: Int = 40) -> [String] {
        var labels = candidates.map { label in
            var text = Substring(label)
            while text.last == " " { text.removeLast() }
            return String(text)
        }
        // File names are listed without their quotes and without the folder they all share
        // (as shells list them).
        if labels.contains(where: { $0.contains("/") }) {
            labels = labels.map { label in
                guard let q = label.first, q == "\"" || q == "'" else { return label }
                var bare = label.dropFirst()
                if bare.last == q { bare = bare.dropLast() }
                return String(bare)
            }
            let shared = CompletionAction.longestCommonPrefix(labels)
            if labels.count > 1, let slash = shared.lastIndex(of: "/") {
                let cut = shared.distance(from: shared.startIndex, to: slash) + 1
                labels = labels.map { String($0.dropFirst(cut)) }
            }
        }
        guard !labels.isEmpty else { return [] }
        let gap = 2
        let cellWidth = (labels.map { DisplayWidth.of($0) }.max() ?? 1) + gap
        let columnCount = max(1, (max(terminalWidth, 1) + gap) / cellWidth)
        let limit = max(1, maxRows) * columnCount
        let leftOut = max(0, labels.count - limit)
        if leftOut > 0 { labels.removeLast(leftOut) }
        let widths = labels.map { DisplayWidth.of($0) }
        let rowCount = (labels.count + columnCount - 1) / columnCount
        var rows: [String] = []
        for row in 0..<rowCount {
            var line = ""
            var index = row
            while index < labels.count {
                line += labels[index]
                if index + rowCount < labels.count {
                    line += String(repeating: " ", count: cellWidth - widths[index])
                }
                index += rowCount
            }
            rows.append(line)
        }
        if leftOut > 0 {
            rows.append("… and \(leftOut) more; type more to narrow them")
        }
        return rows
    }
}
