/// HTML → text lines, for pages saved from a browser: tags dropped, `script`/`style` ignored,
/// block elements and `<br>` end a line, entities decoded, runs of white space collapsed. Each
/// line keeps the 1-based line of the HTML file where its text starts, for provenance.
enum HTMLText {
    static let blockTags: Set<String> = ["p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table",
                                         "section", "article", "header", "footer", "nav", "title", "dt", "dd", "dl", "blockquote",
                                         "pre", "hr", "form", "aside", "main", "figure", "figcaption", "caption", "tbody", "thead",
                                         "center", "address", "option", "body", "head", "html"]
    static let skippedTags: Set<String> = ["script", "style", "noscript", "template", "svg", "iframe", "object", "select"]
    static let entities: [String: UInt32] = [
        "nbsp": 0x20, "ensp": 0x20, "emsp": 0x20, "thinsp": 0x20, "lt": 0x3C, "gt": 0x3E, "amp": 0x26, "quot": 0x22,
        "apos": 0x27, "ldquo": 0x201C, "rdquo": 0x201D, "lsquo": 0x2018, "rsquo": 0x2019, "mdash": 0x2014, "ndash": 0x2013,
        "hellip": 0x2026, "middot": 0xB7, "bull": 0x2022, "times": 0xD7, "copy": 0xA9, "reg": 0xAE, "laquo": 0xAB,
        "raquo": 0xBB, "deg": 0xB0, "yen": 0xA5, "shy": 0xAD, "zwj": 0x200D, "zwnj": 0x200C, "divide": 0xF7,
    ]

    /// Whether bytes look like an HTML page rather than text.
    static func looksLikeHTML(_ text: Scalars) -> Bool {
        var i = 0
        while i < text.count && (isSpace(text[i]) || text[i] == 10 || text[i] == 13 || text[i] == 0xFEFF) { i += 1 }
        guard i < text.count, text[i] == 0x3C else { return false }
        let head = string(text[i..<min(text.count, i + 200)]).lowercased()
        return head.hasPrefix("<!doctype html") || head.hasPrefix("<html") || head.contains("<head") || head.contains("<body")
            || head.hasPrefix("<meta") || head.hasPrefix("<div") || head.hasPrefix("<p")
    }

    /// The text lines of an HTML page: (line in the HTML file, text).
    static func lines(_ s: Scalars) -> [(line: Int, text: Scalars)] {
        var out: [(Int, Scalars)] = []
        var cur: Scalars = []
        var curLine = 0
        var line = 1
        var pendingSpace = false
        let n = s.count
        var i = 0

        func flush() {
            while let last = cur.last, isSpace(last) { cur.removeLast() }
            if !cur.isEmpty { out.append((curLine, cur)) }
            cur = []
            pendingSpace = false
        }
        func emit(_ c: UInt32) {
            if isSpace(c) || c == 10 || c == 13 {
                if !cur.isEmpty { pendingSpace = true }
                return
            }
            if pendingSpace { if cur.last != 0x3000 { cur.append(0x20) }; pendingSpace = false }
            if cur.isEmpty { curLine = line }
            cur.append(c)
        }
        /// Advances past `end` (e.g. "-->"), counting lines.
        func skip(past end: Scalars) {
            while i < n {
                if s.has(end, at: i) { i += end.count; return }
                if s[i] == 10 { line += 1 }
                i += 1
            }
        }

        while i < n {
            let c = s[i]
            if c == 0x3C {   // <
                if s.has(scalars("<!--"), at: i) { i += 4; skip(past: scalars("-->")); continue }
                var j = i + 1
                var closing = false
                if j < n && s[j] == 0x2F { closing = true; j += 1 }   // </
                var name: [UInt8] = []
                while j < n, s[j] < 0x80, isLatin(s[j]) || isDigit(s[j]) {
                    name.append(UInt8(s[j] | 0x20)); j += 1
                }
                if name.isEmpty && !(j < n && (s[j] == 0x21 || s[j] == 0x3F)) {   // a lone '<' is text
                    emit(c); i += 1; continue
                }
                // Skip to the tag's end, respecting quoted attribute values.
                var quote: UInt32 = 0
                while j < n {
                    let d = s[j]
                    if d == 10 { line += 1 }
                    if quote != 0 { if d == quote { quote = 0 } } else if d == 0x22 || d == 0x27 { quote = d } else if d == 0x3E { break }
                    j += 1
                }
                i = j + 1
                let tag = String(decoding: name, as: UTF8.self)
                if !closing && skippedTags.contains(tag) {
                    // Drop everything up to the matching close tag.
                    let close = scalars("</" + tag)
                    while i < n {
                        if s[i] == 0x3C && i + close.count <= n {
                            var match = true
                            for k in 0..<close.count where (s[i + k] | (k >= 2 ? 0x20 : 0)) != close[k] { match = false; break }
                            if match { break }
                        }
                        if s[i] == 10 { line += 1 }
                        i += 1
                    }
                    skip(past: [0x3E])
                    continue
                }
                if blockTags.contains(tag) { flush() } else if tag == "td" || tag == "th" {
                    // A cell boundary: an ideographic space, which the table rule splits rows on.
                    if !cur.isEmpty && cur.last != 0x3000 { cur.append(0x3000) }
                    pendingSpace = false
                }
                continue
            }
            if c == 0x26 {   // &
                var j = i + 1
                var ent: Scalars = []
                while j < n && j - i <= 10 && s[j] != 0x3B && (isLatin(s[j]) || isDigit(s[j]) || s[j] == 0x23) { ent.append(s[j]); j += 1 }
                if j < n && s[j] == 0x3B && !ent.isEmpty {
                    var value: UInt32? = nil
                    if ent[0] == 0x23 {
                        let body = ent.dropFirst()
                        if let f = body.first, f == 0x78 || f == 0x58 { value = UInt32(string(body.dropFirst()), radix: 16) } else { value = UInt32(string(body)) }
                        if let v = value, v == 0 || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF) { value = 0xFFFD }
                    } else {
                        value = entities[string(ent)] ?? entities[string(ent).lowercased()]
                    }
                    if let v = value {
                        emit(v)
                        i = j + 1
                        continue
                    }
                }
                emit(c); i += 1; continue
            }
            if c == 10 { line += 1 }
            emit(c)
            i += 1
        }
        flush()
        return out
    }
}
