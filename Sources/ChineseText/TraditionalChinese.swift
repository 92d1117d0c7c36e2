/// Traditional → simplified Chinese, by OpenCC's t2s dictionaries (Apache-2.0; generated into
/// `T2STable` by scripts/gen_t2s.py): the longest phrase of TSPhrases first, else the character
/// of TSCharacters.
///
///     TraditionalChinese.toSimplified("濟寧市質量獎")              // "济宁市质量奖"
///     TraditionalChinese.simplifiedScalar(0x6FDF)                // 0x6D4E (濟 → 济)
///
/// The per-scalar form is for name matching (a query's `濟寧` finds `济宁`); it skips the
/// phrase table, which only matters for the few characters whose simplified form depends on
/// the word (乾隆 stays, 乾燥 becomes 干燥).
public enum TraditionalChinese {
    struct Tables: Sendable {
        /// One bit per BMP scalar that has an entry, to reject most scalars without a search.
        var bmpBits: [UInt64]
        var keys: [UInt32]
        var values: [UInt32]
        /// Phrases by first scalar, longest first.
        var phrases: [UInt32: [(from: [UInt32], to: [UInt32])]]
    }

    static let tables: Tables = {
        var pairs: [(UInt32, UInt32)] = []
        var pending: UInt32? = nil
        for s in T2STable.characterPairs.unicodeScalars {
            if let k = pending { pairs.append((k, s.value)); pending = nil } else { pending = s.value }
        }
        pairs.sort { $0.0 < $1.0 }
        var bits = [UInt64](repeating: 0, count: 1024)
        for (k, _) in pairs where k < 0x10000 { bits[Int(k >> 6)] |= 1 << (k & 63) }
        var phrases: [UInt32: [(from: [UInt32], to: [UInt32])]] = [:]
        for line in T2STable.phraseLines.split(separator: "\n") {
            let parts = line.split(separator: "|", omittingEmptySubsequences: false)
            guard parts.count == 2 else { continue }
            let from = parts[0].unicodeScalars.map(\.value), to = parts[1].unicodeScalars.map(\.value)
            guard let first = from.first else { continue }
            phrases[first, default: []].append((from, to))
        }
        for k in phrases.keys { phrases[k]!.sort { $0.from.count > $1.from.count } }
        return Tables(bmpBits: bits, keys: pairs.map(\.0), values: pairs.map(\.1), phrases: phrases)
    }()

    /// The simplified form of one scalar (itself when it has none).
    /// - Complexity: O(1) for scalars below U+3400 and for most others; O(log n) on a hit.
    @inline(__always)
    public static func simplifiedScalar(_ s: UInt32) -> UInt32 {
        if s < 0x3400 { return s }
        let t = tables
        if s < 0x10000 && t.bmpBits[Int(s >> 6)] & (1 << (s & 63)) == 0 { return s }
        var lo = 0, hi = t.keys.count
        while lo < hi {
            let mid = (lo + hi) >> 1
            if t.keys[mid] < s { lo = mid + 1 } else { hi = mid }
        }
        return lo < t.keys.count && t.keys[lo] == s ? t.values[lo] : s
    }

    /// The simplified form of one scalar (itself when it has none).
    public static func simplified(_ s: Unicode.Scalar) -> Unicode.Scalar {
        Unicode.Scalar(simplifiedScalar(s.value)) ?? s
    }

    /// Whether any scalar of `text` has a different simplified form.
    public static func containsTraditional(_ text: String) -> Bool {
        for s in text.unicodeScalars where s.value >= 0x3400 && simplifiedScalar(s.value) != s.value { return true }
        return false
    }

    /// Converts scalars: phrases first (longest match), then characters.
    public static func toSimplified(scalars: [UInt32]) -> [UInt32] {
        let t = tables
        var out: [UInt32] = []
        out.reserveCapacity(scalars.count)
        var i = 0
        outer: while i < scalars.count {
            let s = scalars[i]
            if s >= 0x3400, let candidates = t.phrases[s] {
                for p in candidates where i + p.from.count <= scalars.count {
                    var match = true
                    for j in 1..<p.from.count where scalars[i + j] != p.from[j] { match = false; break }
                    if match {
                        out.append(contentsOf: p.to)
                        i += p.from.count
                        continue outer
                    }
                }
            }
            out.append(simplifiedScalar(s))
            i += 1
        }
        return out
    }

    /// Converts a string: phrases first (longest match), then characters. Returns `text` itself
    /// when nothing changes.
    public static func toSimplified(_ text: String) -> String {
        var changed = false
        for s in text.unicodeScalars where s.value >= 0x3400 && (simplifiedScalar(s.value) != s.value || tables.phrases[s.value] != nil) {
            changed = true
            break
        }
        guard changed else { return text }
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        for v in toSimplified(scalars: text.unicodeScalars.map(\.value)) { appendUTF8(v, to: &out) }
        return String(decoding: out, as: UTF8.self)
    }
}
