import ChineseText

/// Traditional characters in typed names, read as simplified (濟寧 → 济宁), so `find 濟寧` and
/// `city=濟寧` work. OpenCC's table (ChineseText): phrases first, then characters. Names are
/// tried exactly as typed first, so a simplified name with a character the table would change
/// (昇) still matches itself.
enum TraditionalNames {
    static func simplify(_ s: String) -> String {
        guard TraditionalChinese.containsTraditional(s) else { return s }
        return TraditionalChinese.toSimplified(s)
    }
}
