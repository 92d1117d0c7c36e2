/// `.help TOPIC` for the query language: the sections of docs/LANGUAGE.md marked
/// `<!-- topic: NAME -->` … `<!-- end -->`, printed as plain text.
///
///     LanguageHelp.topicNames            // ["statements", "relations", "where", …]
///     LanguageHelp.text(of: "where", width: 80)
///
/// The page is embedded in the binary at build time (Package.swift: `Help/LANGUAGE.md`, a
/// symbolic link to docs/LANGUAGE.md), so the shell's help and the document are one text.
enum LanguageHelp {
    /// One marked section: its name and its Markdown lines.
    struct Topic {
        let name: String
        let lines: [Substring]
    }

    /// The document, decoded when help is first asked for (never at start-up).
    static let document: String = String(decoding: PackageResources.LANGUAGE_md, as: UTF8.self)

    static let topics: [Topic] = parse(document)

    static var topicNames: [String] { topics.map(\.name) }

    /// The sections of `markdown` between `<!-- topic: NAME -->` and `<!-- end -->`.
    static func parse(_ markdown: String) -> [Topic] {
        var out: [Topic] = []
        var current: (String, [Substring])? = nil
        for line in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
            let t = line.trimmingCharacters(" ")
            if t.hasPrefix("<!-- topic:") && t.hasSuffix("-->") {
                if let c = current { out.append(Topic(name: c.0, lines: c.1)) }
                let name = t.dropFirst("<!-- topic:".count).dropLast(3).trimmingCharacters(" ")
                current = (String(name), [])
            } else if t == "<!-- end -->" {
                if let c = current { out.append(Topic(name: c.0, lines: c.1)) }
                current = nil
            } else if current != nil {
                current!.1.append(line)
            }
        }
        if let c = current { out.append(Topic(name: c.0, lines: c.1)) }
        return out
    }

    static func topic(named name: String) -> Topic? {
        topics.first { $0.name == name.lowercased() }
    }

    /// The topic as plain text for a screen `width` columns wide: headings without `#` and
    /// backquotes, bold without `**`, paragraphs and list items re-filled, tables as two aligned columns, code
    /// blocks indented.
    static func text(of name: String, width: Int) -> String? {
        guard let topic = topic(named: name) else { return nil }
        return render(topic.lines, width: max(40, width))
    }

    static func render(_ lines: [Substring], width: Int) -> String {
        var out = ""
        var paragraph: [String] = []
        var bullet = false
        var table: [(String, String)] = []
        var inCode = false

        func clean(_ s: some StringProtocol) -> String { String(s).replacing("**", with: "") }
        func flushParagraph() {
            guard !paragraph.isEmpty else { return }
            let text = paragraph.joined(separator: " ")
            let lead = bullet ? "- " : ""
            let filled = TextWrap.fill(text, width: width - lead.count)
            for (i, l) in filled.enumerated() { out += (i == 0 ? lead : String(repeating: " ", count: lead.count)) + l + "\n" }
            paragraph = []
            bullet = false
        }
        func flushTable() {
            guard !table.isEmpty else { return }
            let formWidth = min(34, table.map { CellText.width($0.0) }.max() ?? 0)
            for (form, meaning) in table {
                var lead = "  " + form
                let room = max(20, width - formWidth - 4)
                let wrapped = TextWrap.fill(meaning, width: room)
                if CellText.width(form) > formWidth {
                    out += lead + "\n"
                    lead = ""
                }
                let pad = String(repeating: " ", count: max(0, formWidth + 4 - CellText.width(lead)))
                for (i, l) in wrapped.enumerated() {
                    out += (i == 0 ? lead + pad : String(repeating: " ", count: formWidth + 4)) + l + "\n"
                }
            }
            table = []
        }

        for raw in lines {
            let line = String(raw)
            let t = line.trimmingCharacters(" ")
            if t.hasPrefix("```") {
                flushParagraph()
                flushTable()
                inCode.toggle()
                continue
            }
            if inCode {
                out += "    " + line + "\n"
                continue
            }
            if t.isEmpty {
                flushParagraph()
                flushTable()
                if !out.isEmpty && !out.hasSuffix("\n\n") { out += "\n" }
                continue
            }
            if t.hasPrefix("#") {
                flushParagraph()
                flushTable()
                out += clean(t.drop { $0 == "#" }.trimmingCharacters(" ")).replacing("`", with: "") + "\n\n"
                continue
            }
            if t.hasPrefix("|") {
                flushParagraph()
                let cells = t.dropFirst().dropLast(t.hasSuffix("|") ? 1 : 0)
                    .split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(" ") }
                if cells.allSatisfy({ $0.allSatisfy { $0 == "-" || $0 == ":" } }) {
                    if table.count == 1 { table = [] }   // |---|---| under the header row: drop it
                    continue
                }
                if cells.count >= 2 {
                    table.append((clean(cells[0]), clean(cells[1...].joined(separator: " | "))))
                }
                continue
            }
            if t.hasPrefix("- ") {
                flushParagraph()
                bullet = true
                paragraph.append(clean(t.dropFirst(2)))
                continue
            }
            paragraph.append(clean(t))
        }
        flushParagraph()
        flushTable()
        while out.hasSuffix("\n\n") { out.removeLast() }
        return out
    }
}

extension StringProtocol {
    func trimmingCharacters(_ c: Character) -> Substring {
        var s = Substring(self)
        while s.first == c { s = s.dropFirst() }
        while s.last == c { s = s.dropLast() }
        return s
    }
}
