/// Full-width (U+FF01…U+FF5E) and ideographic space (U+3000) → their ASCII forms, by scope.
///
///     FullWidth.toHalfWidth("２０２４年ＡＢＣ，")                       // "2024年ABC,"
///     FullWidth.toHalfWidth("２０２４（一）", scope: .alphanumerics)   // "2024（一）"
public enum FullWidth {
    /// Which full-width scalars to convert.
    public struct Scope: OptionSet, Sendable {
        public let rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        public static let digits = Scope(rawValue: 1)
        public static let letters = Scope(rawValue: 2)
        public static let punctuation = Scope(rawValue: 4)
        /// U+3000 IDEOGRAPHIC SPACE → U+0020.
        public static let space = Scope(rawValue: 8)
        public static let alphanumerics: Scope = [.digits, .letters]
        public static let all: Scope = [.digits, .letters, .punctuation, .space]
    }

    /// The half-width form of `s` within `scope` (itself otherwise).
    @inline(__always)
    public static func halfWidthScalar(_ s: UInt32, scope: Scope = .all) -> UInt32 {
        if s < 0x3000 { return s }
        if s == 0x3000 { return scope.contains(.space) ? 0x20 : s }
        guard s >= 0xFF01 && s <= 0xFF5E else { return s }
        let a = s - 0xFEE0
        switch a {
        case 0x30...0x39: return scope.contains(.digits) ? a : s
        case 0x41...0x5A, 0x61...0x7A: return scope.contains(.letters) ? a : s
        default: return scope.contains(.punctuation) ? a : s
        }
    }

    /// Converts a string; returns `text` itself when it has nothing to convert.
    public static func toHalfWidth(_ text: String, scope: Scope = .all) -> String {
        guard text.unicodeScalars.contains(where: { halfWidthScalar($0.value, scope: scope) != $0.value }) else { return text }
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        for s in text.unicodeScalars { appendUTF8(halfWidthScalar(s.value, scope: scope), to: &out) }
        return String(decoding: out, as: UTF8.self)
    }
}
