/// Terminal display width of text, from a table of East Asian Wide and Fullwidth ranges
/// (Unicode 15), so it is the same on every machine and needs no locale.
///
///     DisplayWidth.of("济宁 Jining")   // 11
///
/// Han characters, kana, Hangul, full-width forms and most emoji count 2; combining marks,
/// zero-width joiners and variation selectors count 0; control characters count 0.
public enum DisplayWidth {
    /// Width of one Unicode scalar.
    @inline(__always)
    public static func of(_ s: Unicode.Scalar) -> Int {
        let v = s.value
        if v < 0x20 || (v >= 0x7F && v < 0xA0) { return 0 }
        if v < 0x300 { return 1 }
        if isZeroWidth(v) { return 0 }
        return isWide(v) ? 2 : 1
    }

    /// Width of a string.
    public static func of(_ s: String) -> Int {
        var w = 0
        for u in s.unicodeScalars { w += of(u) }
        return w
    }

    /// Width of a Character (a grapheme cluster): the width of its widest scalar, so that an emoji
    /// with a variation selector or a letter with combining marks is measured once.
    public static func of(_ c: Character) -> Int {
        var w = 0
        for u in c.unicodeScalars { w = max(w, of(u)) }
        return w
    }

    static func isZeroWidth(_ v: UInt32) -> Bool {
        return (v >= 0x0300 && v <= 0x036F) || (v >= 0x0483 && v <= 0x0489) || (v >= 0x0591 && v <= 0x05BD)
            || (v >= 0x0610 && v <= 0x061A) || (v >= 0x064B && v <= 0x065F) || (v >= 0x0E31 && v <= 0x0E3A && v != 0x0E32 && v != 0x0E33)
            || (v >= 0x1AB0 && v <= 0x1AFF) || (v >= 0x1DC0 && v <= 0x1DFF) || (v >= 0x200B && v <= 0x200F)
            || (v >= 0x2028 && v <= 0x202E) || (v >= 0x2060 && v <= 0x2064) || (v >= 0x20D0 && v <= 0x20FF)
            || (v >= 0xFE00 && v <= 0xFE0F) || (v >= 0xFE20 && v <= 0xFE2F) || v == 0xFEFF
            || (v >= 0xE0100 && v <= 0xE01EF) || (v >= 0x302A && v <= 0x302D) || (v >= 0x3099 && v <= 0x309A)
    }

    static func isWide(_ v: UInt32) -> Bool {
        if v < 0x1100 { return false }
        return (v <= 0x115F) || v == 0x2329 || v == 0x232A
            || (v >= 0x231A && v <= 0x231B) || (v >= 0x23E9 && v <= 0x23EC) || v == 0x23F0 || v == 0x23F3
            || (v >= 0x25FD && v <= 0x25FE) || (v >= 0x2614 && v <= 0x2615) || (v >= 0x2648 && v <= 0x2653)
            || v == 0x267F || v == 0x2693 || v == 0x26A1 || (v >= 0x26AA && v <= 0x26AB) || (v >= 0x26BD && v <= 0x26BE)
            || (v >= 0x26C4 && v <= 0x26C5) || v == 0x26CE || v == 0x26D4 || v == 0x26EA || (v >= 0x26F2 && v <= 0x26F3)
            || v == 0x26F5 || v == 0x26FA || v == 0x26FD || v == 0x2705 || (v >= 0x270A && v <= 0x270B) || v == 0x2728
            || v == 0x274C || v == 0x274E || (v >= 0x2753 && v <= 0x2755) || v == 0x2757 || (v >= 0x2795 && v <= 0x2797)
            || v == 0x27B0 || v == 0x27BF || (v >= 0x2B1B && v <= 0x2B1C) || v == 0x2B50 || v == 0x2B55
            || (v >= 0x2E80 && v <= 0x303E) || (v >= 0x3041 && v <= 0x33FF) || (v >= 0x3400 && v <= 0x4DBF)
            || (v >= 0x4E00 && v <= 0x9FFF) || (v >= 0xA000 && v <= 0xA4CF) || (v >= 0xA960 && v <= 0xA97F)
            || (v >= 0xAC00 && v <= 0xD7A3) || (v >= 0xF900 && v <= 0xFAFF) || (v >= 0xFE10 && v <= 0xFE19)
            || (v >= 0xFE30 && v <= 0xFE6F) || (v >= 0xFF00 && v <= 0xFF60) || (v >= 0xFFE0 && v <= 0xFFE6)
            || (v >= 0x16FE0 && v <= 0x16FE4) || (v >= 0x17000 && v <= 0x18CFF) || (v >= 0x1B000 && v <= 0x1B2FF)
            || v == 0x1F004 || v == 0x1F0CF || v == 0x1F18E || (v >= 0x1F191 && v <= 0x1F19A)
            || (v >= 0x1F200 && v <= 0x1F251) || (v >= 0x1F300 && v <= 0x1F64F && !(v >= 0x1F321 && v <= 0x1F32C) && !(v >= 0x1F336 && v <= 0x1F336) && !(v >= 0x1F37D && v <= 0x1F37D) && !(v >= 0x1F394 && v <= 0x1F39F) && !(v >= 0x1F3CB && v <= 0x1F3CE) && !(v >= 0x1F3D4 && v <= 0x1F3DF) && !(v >= 0x1F3F1 && v <= 0x1F3F3) && !(v >= 0x1F3F5 && v <= 0x1F3F7) && !(v >= 0x1F43F && v <= 0x1F43F) && !(v >= 0x1F441 && v <= 0x1F441) && !(v >= 0x1F4FD && v <= 0x1F4FE) && !(v >= 0x1F53E && v <= 0x1F54A) && !(v >= 0x1F54F && v <= 0x1F54F) && !(v >= 0x1F568 && v <= 0x1F579) && !(v >= 0x1F57B && v <= 0x1F594) && !(v >= 0x1F597 && v <= 0x1F5A3) && !(v >= 0x1F5A5 && v <= 0x1F5FA))
            || (v >= 0x1F680 && v <= 0x1F6FF && !(v >= 0x1F6C6 && v <= 0x1F6CB) && !(v >= 0x1F6CD && v <= 0x1F6CF) && !(v >= 0x1F6D3 && v <= 0x1F6D4) && !(v >= 0x1F6E0 && v <= 0x1F6EA) && !(v >= 0x1F6F0 && v <= 0x1F6F3))
            || (v >= 0x1F7E0 && v <= 0x1F7EB) || (v >= 0x1F90C && v <= 0x1F93A) || (v >= 0x1F93C && v <= 0x1F945)
            || (v >= 0x1F947 && v <= 0x1F9FF) || (v >= 0x1FA70 && v <= 0x1FAFF) || (v >= 0x20000 && v <= 0x2FFFD)
            || (v >= 0x30000 && v <= 0x3FFFD)
    }
}
