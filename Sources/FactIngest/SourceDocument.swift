import ChineseText

/// One line (paragraph) of a press release, in three forms.
public struct DocLine: Sendable {
    /// The 1-based line of the file (for HTML, of the page) where the text starts.
    public let number: Int
    /// As decoded (traditional characters kept), for display.
    public let original: String
    /// Simplified, romanisation removed, full-width kept: the form names are taken from.
    let clean: Scalars
    /// `clean` with full-width letters, digits, punctuation and spaces made half-width, scalar
    /// for scalar: the form the rules read.
    let work: Scalars
}

/// A press release read from a file: decoded, HTML turned into lines, traditional characters
/// simplified, romanisation removed, and its title, date, issuer and notice number.
public struct SourceDocument: Sendable {
    /// The source's name in the graph (the file name up to its first dot), e.g. jining-2024-09-11.
    public let id: String
    public let fileName: String
    public let encoding: TextEncoding
    public let isHTML: Bool
    public let isTraditional: Bool
    public let lines: [DocLine]
    public var title: String?
    public var date: String?
    public var issuer: String?
    public var noticeNumber: String?

    public enum ReadError: Error, CustomStringConvertible {
        case notText(TextDecodingError)
        public var description: String {
            switch self {
            case .notText(.containsNUL(let o)): return "not a text file (a NUL byte at offset \(o))"
            case .notText(.notText(let o)): return "neither UTF-8 nor GB18030 (invalid byte at offset \(o))"
            }
        }
    }

    public init(bytes: [UInt8], fileName: String) throws(ReadError) {
        let decoded: DecodedText
        do { decoded = try TextDecoding.decode(bytes) } catch { throw .notText(error) }
        self.fileName = fileName
        self.id = SourceDocument.sourceID(fileName)
        self.encoding = decoded.encoding
        var all = scalars(TextDecoding.normalizeLineEnds(decoded.text))
        if all.first == 0xFEFF { all.removeFirst() }
        let lower = fileName.lowercased()
        let html = lower.hasSuffix(".html") || lower.hasSuffix(".htm") || lower.hasSuffix(".xhtml") || HTMLText.looksLikeHTML(all)
        self.isHTML = html
        var raw: [(Int, Scalars)] = []
        if html {
            raw = HTMLText.lines(all)
        } else {
            var start = 0, number = 1
            for (i, c) in all.enumerated() where c == 10 {
                raw.append((number, Array(all[start..<i])))
                start = i + 1
                number += 1
            }
            if start < all.count { raw.append((number, Array(all[start...]))) }
        }
        // Traditional when enough characters have a different simplified form (a simplified text
        // with a 昇 or 乾 in a name stays as it is).
        var han = 0, traditional = 0
        for (_, l) in raw { for c in l where isHan(c) { han += 1; if TraditionalChinese.simplifiedScalar(c) != c { traditional += 1 } } }
        let trad = traditional >= 4 && traditional * 25 >= han
        self.isTraditional = trad
        var lines: [DocLine] = []
        lines.reserveCapacity(raw.count)
        for (number, l) in raw {
            let original = string(l)
            var clean = SourceDocument.removeRomanisation(l)
            if trad { clean = TraditionalChinese.toSimplified(scalars: clean) }
            clean = clean.map { $0 == 0xA0 || $0 == 0x09 ? 0x20 : $0 }
            let work = clean.map { FullWidth.halfWidthScalar($0) }
            lines.append(DocLine(number: number, original: original, clean: clean, work: work))
        }
        self.lines = lines
        Metadata.fill(&self)
    }

    /// The file name up to its first dot, with characters a .facts bare word cannot hold replaced.
    static func sourceID(_ fileName: String) -> String {
        var base = Substring(fileName)
        if let slash = base.lastIndex(of: "/") { base = base[base.index(after: slash)...] }
        if let dot = base.firstIndex(of: "."), dot != base.startIndex { base = base[..<dot] }
        let id = String(base.map { c -> Character in
            (c == " " || c == "\t" || c == "\"" || c == "=" || c == "#" || c == "@" || c == ":" || c == "\\") ? "-" : c
        })
        return id.isEmpty ? "release" : id
    }

    static let toneVowels: Set<UInt32> = Set(scalars("āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜüńňǹḿ"))

    /// Removes pinyin inserted after characters: 集團(tuán) → 集團, 市長（zhǎng） → 市長.
    static func removeRomanisation(_ s: Scalars) -> Scalars {
        guard s.contains(where: { $0 == 0x28 || $0 == 0xFF08 }) else { return s }
        var out: Scalars = []
        out.reserveCapacity(s.count)
        var i = 0
        while i < s.count {
            let c = s[i]
            if (c == 0x28 || c == 0xFF08), let prev = out.last, isHan(prev) {
                var j = i + 1
                var toned = false
                while j < s.count && j - i <= 8, isLatin(s[j]) && s[j] >= 0x61 || toneVowels.contains(s[j]) {
                    if toneVowels.contains(s[j]) { toned = true }
                    j += 1
                }
                let len = j - i - 1
                if j < s.count, s[j] == 0x29 || s[j] == 0xFF09, len >= 1, toned || (len >= 2 && len <= 6) {
                    i = j + 1
                    continue
                }
            }
            out.append(c)
            i += 1
        }
        return out
    }
}
