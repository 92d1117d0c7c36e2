/// "Did you mean …?" by edit distance, shared by the loader and the query language.
public enum Suggest {
    /// Levenshtein distance over Unicode scalars (so one Chinese character is one edit).
    /// - Complexity: O(a.count × b.count).
    public static func distance(_ a: String, _ b: String) -> Int {
        let x = Array(a.unicodeScalars), y = Array(b.unicodeScalars)
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        var prev = Array(0...y.count)
        var cur = [Int](repeating: 0, count: y.count + 1)
        for i in 1...x.count {
            cur[0] = i
            for j in 1...y.count {
                let cost = x[i - 1] == y[j - 1] ? 0 : 1
                cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            }
            swap(&prev, &cur)
        }
        return prev[y.count]
    }

    /// The candidates nearest to `word`, best first: those within a third of its length in edits
    /// (1 for words of one or two characters, else 2 to 3), plus those that contain it or that it
    /// contains.
    public static func nearest(to word: String, among candidates: some Sequence<String>, limit: Int = 3) -> [String] {
        let w = word.lowercased()
        let n = w.unicodeScalars.count
        let maxD = n <= 2 ? 1 : max(2, min(3, n / 3))
        var scored: [(Int, String)] = []
        var seen = Set<String>()
        for c in candidates where !seen.contains(c) {
            seen.insert(c)
            let lc = c.lowercased()
            if lc == w { continue }
            let m = lc.unicodeScalars.count
            // Too different in length to be within reach, and neither contains the other.
            if abs(m - n) > maxD && !(n >= 2 && (lc.contains(w) || (w.contains(lc) && m >= 2))) { continue }
            let d = distance(w, lc)
            if d <= maxD {
                scored.append((d, c))
            } else if n >= 2 && (lc.contains(w) || (w.contains(lc) && lc.unicodeScalars.count >= 2)) {
                scored.append((maxD + 1, c))
            }
        }
        scored.sort { $0.0 != $1.0 ? $0.0 < $1.0 : ($0.1.count != $1.1.count ? $0.1.count < $1.1.count : $0.1 < $1.1) }
        return scored.prefix(limit).map { $0.1 }
    }
}
