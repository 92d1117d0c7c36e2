/// File-name completion for a dot-command's argument that quotes what needs quoting, so that
/// the name comes back whole from `DotCommands.words`.
///
///     // .read my<Tab>   with "my query.fq" in the folder
///     QuotedFileNames.complete(Array(".read my"), cursor: 8)
///     // Completion(wordStart: 6, candidates: ["\"my query.fq\" "])
///
/// The word being completed starts after the last space outside quotes, or at an opening quote
/// that is not closed yet (`.read "my q` completes `my q`). A name with a space, a tab, an
/// ideographic space or a quote is offered in double quotes (single quotes when it holds a
/// double quote), or in the quote the user opened; a folder keeps its quote open (`"my dir/`)
/// so that the next Tab goes on inside it.
enum QuotedFileNames {
    static func complete(_ line: [Character], cursor: Int) -> Completion {
        let cur = min(max(0, cursor), line.count)
        // Where the last word starts, read with the rules of DotCommands.words.
        var wordStart = 0
        var quote: Character? = nil
        var inWord = false
        for (i, ch) in line[..<cur].enumerated() {
            if let q = quote {
                if ch == q { quote = nil }
                continue
            }
            if ch == "\"" || ch == "'" {
                if !inWord { wordStart = i; inWord = true }
                quote = ch
                continue
            }
            if isSeparator(ch) {
                inWord = false
                continue
            }
            if !inWord { wordStart = i; inWord = true }
        }
        if !inWord { wordStart = cur }
        let typed = DotCommands.words(String(line[wordStart..<cur])).first ?? ""
        let opened = line[wordStart..<cur].first.flatMap { $0 == "\"" || $0 == "'" ? $0 : nil }
        let candidates = FileNames.complete(typed).map { candidate -> String in
            let isFolder = candidate.hasSuffix("/")
            let name = isFolder ? candidate : String(candidate.dropLast())   // the trailing space
            guard let q = quoteFor(name, opened: opened) else { return candidate }
            return isFolder ? String(q) + name : String(q) + name + String(q) + " "
        }
        return Completion(wordStart: wordStart, candidates: candidates)
    }

    /// The quote a name needs (or the one the user opened), nil for none.
    static func quoteFor(_ name: String, opened: Character?) -> Character? {
        if let opened { return opened }
        if name.contains("\"") { return "'" }
        if name.contains(where: { isSeparator($0) || $0 == "'" }) { return "\"" }
        return nil
    }

    static func isSeparator(_ ch: Character) -> Bool { ch == " " || ch == "\t" || ch == "\u{3000}" }
}
