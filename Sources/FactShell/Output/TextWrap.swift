import FactQuery

/// Breaks cell text into lines that fit a column, for table mode.
///
///     TextWrap.wrap("山东省济宁市兖州区", width: 6)   // ["山东省", "济宁市", "兖州区"]
///
/// Lines break on grapheme-cluster boundaries only, so a Chinese character, an emoji or a
/// letter with its combining marks is never split. Within a line, a break is preferred after a
/// space, after Chinese or ASCII punctuation that ends a phrase (`，、。；：！？,;`), or after a
/// joiner inside an identifier (`-`, `/`, `_`: `jining-2024-09-` / `11:64`), provided the line
/// so kept is at least half the width (or ends exactly at the column's edge); otherwise the line is filled and cut, except
/// that punctuation which may not begin a line (`，。）` …) takes the character before it along
/// to the next line, as Chinese typesetting does. A space at
/// which a line is cut is dropped, and so are spaces that would end or start a wrapped line. Newlines
/// inside the text always start a new line. A single grapheme wider than `width` gets a line of
/// its own (callers size columns so that this does not happen).
enum TextWrap {
    static func wrap(_ text: String, width: Int) -> [String] {
        wrapMeasuring(text, width: width).lines
    }

    /// The lines, and the widest grapheme cluster met (when wider than `width`, a line
    /// overflows: the caller should wrap again at that width).
    static func wrapMeasuring(_ text: String, width: Int) -> (lines: [String], widest: Int) {
        var out: [String] = []
        var widest = 0
        if !CellText.hasNewline(text) {
            wrapLine(Substring(text), width: max(1, width), into: &out, widest: &widest)
        } else {
            for line in CellText.lines(text) {
                wrapLine(line, width: max(1, width), into: &out, widest: &widest)
            }
        }
        return (out, widest)
    }

    /// The widest grapheme cluster of `text` (a column cannot be narrower than this).
    static func widestGrapheme(_ text: String) -> Int {
        var w = 0
        for ch in text { w = max(w, CellText.width(ch)) }
        return w
    }

    @inline(__always)
    static func isBreakOpportunity(_ u: Unicode.Scalar) -> Bool {
        switch u {
        case " ", "，", "、", "。", "；", "：", "！", "？", ",", ";", "-", "/", "_": return true
        default: return false
        }
    }

    /// Prose filled into lines of at most `width` display columns, broken at spaces only (a
    /// word wider than `width` overflows its line): for help text, where `2024-09` and
    /// `--format` must stay whole.
    static func fill(_ text: String, width: Int) -> [String] {
        var lines: [String] = []
        var line = ""
        var lineWidth = 0
        for word in text.split(separator: " ", omittingEmptySubsequences: true) {
            let w = CellText.width(word)
            if lineWidth > 0 && lineWidth + 1 + w > width {
                lines.append(line)
                line = ""
                lineWidth = 0
            } else if lineWidth > 0 {
                line += " "
                lineWidth += 1
            }
            line += word
            lineWidth += w
        }
        lines.append(line)
        return lines
    }

    /// The display width of the widest word of `text`: of the pieces between break
    /// opportunities (each with the space or punctuation that ends it). A column at least this
    /// wide wraps the text between words only; a name without spaces is one word.
    static func widestWord(_ text: String) -> Int {
        var widest = 0, current = 0
        for u in text.unicodeScalars {
            if u == "\n" || u == "\r" { widest = max(widest, current); current = 0; continue }
            current += DisplayWidth.of(u)
            if isBreakOpportunity(u) {
                widest = max(widest, u == " " ? current - 1 : current)
                current = 0
            }
        }
        return max(widest, current)
    }

    /// Punctuation that should not begin a line (a light form of Chinese 禁则/kinsoku).
    @inline(__always)
    static func mayNotStartLine(_ u: Unicode.Scalar) -> Bool {
        switch u {
        case "，", "、", "。", "；", "：", "！", "？", "）", "」", "』", "】", "》", "〉", "”", "’",
             ",", ".", ";", ":", "!", "?", ")", "]", "}":
            return true
        default: return false
        }
    }

    /// Greedy line filling over the line's grapheme clusters (each judged by its first scalar
    /// for spaces and punctuation).
    /// - Complexity: O(n) in the length of the line.
    private static func wrapLine(_ line: Substring, width: Int, into out: inout [String], widest: inout Int) {
        if CellText.width(line) <= width {
            out.append(String(line))
            return
        }
        // Grapheme boundaries, first scalars and widths.
        var bounds: [String.Index] = [line.startIndex]
        var firsts: [Unicode.Scalar] = []
        var widths: [Int] = []
        let scalars = line.unicodeScalars
        var idx = line.startIndex
        while idx < line.endIndex {
            let next = line.index(after: idx)
            var w = 0
            for u in scalars[idx..<next] { w += DisplayWidth.of(u) }
            bounds.append(next)
            firsts.append(scalars[idx])
            widths.append(w)
            widest = max(widest, w)
            idx = next
        }
        let count = widths.count
        var start = 0                 // first grapheme of the line being filled
        var i = 0                     // next grapheme to place
        var lineWidth = 0             // width of graphemes start..<i
        var breakAfter: Int? = nil    // the line may end just before this grapheme
        var soft = false              // the line being filled continues a wrapped one

        func appendLine(_ end: Int) {
            var e = end
            while e > start && firsts[e - 1] == " " { e -= 1 }
            out.append(String(line[bounds[start]..<bounds[e]]))
        }
        func emit(_ end: Int) {
            appendLine(end)
            start = end
            while start < i && firsts[start] == " " { start += 1 }
            lineWidth = 0
            for k in start..<i { lineWidth += widths[k] }
            breakAfter = nil
            soft = true
        }

        while i < count {
            let u = firsts[i], w = widths[i]
            if lineWidth + w > width && i > start {
                if u == " " {
                    emit(i)
                    i += 1
                    start = i
                    continue
                }
                var kept = 0
                if let b = breakAfter { for k in start..<b { kept += widths[k] } }
                if let b = breakAfter, b < i, kept * 2 >= width {
                    emit(b)
                } else if Self.mayNotStartLine(u) && i - start >= 2 && !Self.mayNotStartLine(firsts[i - 1]) {
                    // Chinese typesetting keeps a comma or closing bracket off the start of a
                    // line: take the character before it along.
                    emit(i - 1)
                } else {
                    emit(i)
                }
                // The carried-over tail may still be too wide with this grapheme; cut it.
                while lineWidth + w > width && i > start { emit(i) }
            }
            if soft && start == i && u == " " {
                i += 1
                start = i
                continue
            }
            lineWidth += w
            i += 1
            if isBreakOpportunity(u) { breakAfter = i }
        }
        if i > start || !soft { appendLine(i) }
    }
}
