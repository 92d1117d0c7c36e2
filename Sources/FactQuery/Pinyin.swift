import FactGraph

/// Toneless pinyin of Chinese text, from a generated per-character table (PinyinTable.swift),
/// for `find jining`, `find jn`, completion from pinyin and "did you mean" on values.
///
///     Pinyin.full("济宁市")      // "jiningshi"
///     Pinyin.initials("济宁市")  // "jns"
///
/// Each character takes its most common reading, so some polyphones in words come out wrong
/// (银行 → yin xing); ASCII letters and digits pass through lower-cased.
public enum Pinyin {
    /// The decoded table: one syllable index per code point from `PinyinTable.first`.
    /// Decoded on first use, never at start-up.
    static let codes: [UInt16] = {
        var out: [UInt16] = []
        out.reserveCapacity(Int(PinyinTable.last - PinyinTable.first + 1))
        var digit = [UInt8](repeating: 0, count: 128)
        for (i, c) in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz+/".utf8.enumerated() { digit[Int(c)] = UInt8(i) }
        var hi: UInt8? = nil
        for c in PinyinTable.codes.utf8 where c != 0x0A {
            if let h = hi {
                out.append(UInt16(digit[Int(h)]) * 64 + UInt16(digit[Int(c)]))
                hi = nil
            } else {
                hi = c
            }
        }
        return out
    }()

    /// The syllables of each character (nil for characters with no reading).
    public static func syllables(_ s: String) -> [String] {
        var out: [String] = []
        var ascii = ""
        for u in s.unicodeScalars {
            if u.isASCII {
                let c = Character(u)
                if c.isLetter || c.isNumber { ascii.append(Character(String(c).lowercased())) } else if !ascii.isEmpty { out.append(ascii); ascii = "" }
                continue
            }
            if !ascii.isEmpty { out.append(ascii); ascii = "" }
            if u.value >= PinyinTable.first && u.value <= PinyinTable.last {
                let code = codes[Int(u.value - PinyinTable.first)]
                let syl = PinyinTable.syllables[Int(code)]
                if !syl.isEmpty { out.append(syl) }
            }
        }
        if !ascii.isEmpty { out.append(ascii) }
        return out
    }

    /// The syllables, joined: made as bytes, no `String` per syllable (`find` reads the
    /// readings of tens of thousands of names).
    public static func full(_ s: String) -> String { reading(s, initialsOnly: false) }

    /// The first letter of each syllable (and of each run of ASCII letters and digits).
    public static func initials(_ s: String) -> String { reading(s, initialsOnly: true) }

    /// `syllables(s)` joined, or their first letters: ASCII letters and digits lower-cased in
    /// runs (anything else ends a run), each character with a reading its syllable.
    static func reading(_ s: String, initialsOnly: Bool) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(initialsOnly ? 16 : 64)
        var inRun = false
        for u in s.unicodeScalars {
            if u.isASCII {
                let b = UInt8(u.value)
                let lower = b >= 0x41 && b <= 0x5A ? b | 0x20 : b
                if (lower >= 0x61 && lower <= 0x7A) || (b >= 0x30 && b <= 0x39) {
                    if !initialsOnly || !inRun { out.append(lower) }
                    inRun = true
                } else {
                    inRun = false
                }
                continue
            }
            inRun = false
            if u.value >= PinyinTable.first && u.value <= PinyinTable.last {
                let syl = CollationKey.syllableBytes[Int(codes[Int(u.value - PinyinTable.first)])]
                if let first = syl.first { if initialsOnly { out.append(first) } else { out.append(contentsOf: syl) } }
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Whether a lower-case ASCII query matches a name's pinyin: as a prefix or substring of the
    /// full reading, or as a prefix of the initials.
    public static func matches(_ query: String, _ name: String) -> Bool {
        let f = full(name)
        if f.contains(query) { return true }
        return initials(name).hasPrefix(query)
    }

    static func isASCII(_ s: String) -> Bool { s.utf8.allSatisfy { $0 < 0x80 } }

    /// The candidates (Chinese names) whose pinyin starts with `text` or whose initials are
    /// `text` or start with it (three letters or more), `text` being Latin letters in any case;
    /// the shortest first: the names the letters spell.
    public static func readingMatches(_ text: String, among candidates: [String], limit: Int = 3) -> [String] {
        let q = text.lowercased()
        guard q.utf8.count >= 2, candidates.count <= 20_000 else { return [] }
        var found: [String] = []
        var seen = Set<String>()
        for c in candidates where !isASCII(c) && seen.insert(c).inserted {
            let i = initials(c)
            if full(c).hasPrefix(q) || i == q || (q.utf8.count >= 3 && i.hasPrefix(q)) { found.append(c) }
        }
        found.sort { $0.unicodeScalars.count != $1.unicodeScalars.count ? $0.unicodeScalars.count < $1.unicodeScalars.count : $0 < $1 }
        return Array(found.prefix(limit))
    }

    /// Candidates whose pinyin is nearest to `text`'s (or to `text` itself, if it is ASCII).
    /// Only for graphs small enough to read every name's pinyin (a few thousand names).
    public static func nearest(to text: String, among candidates: [String], graphSize: Int, limit: Int = 3) -> [String] {
        guard candidates.count <= 20_000 else { return [] }
        let q = isASCII(text) ? text.lowercased() : full(text)
        guard !q.isEmpty else { return [] }
        var scored: [(Int, String)] = []
        for c in candidates where !isASCII(c) {
            let p = full(c)
            if p.isEmpty { continue }
            if p.hasPrefix(q) || initials(c) == q {
                scored.append((0, c))
                continue
            }
            let d = Suggest.distance(q, p)
            if d <= (q.count < 5 ? 1 : max(2, q.count / 4)) { scored.append((d, c)) }
        }
        scored.sort { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1.count < $1.1.count }
        var seen = Set<String>()
        return scored.map(\.1).filter { seen.insert($0).inserted }.prefix(limit).map { $0 }
    }
}
