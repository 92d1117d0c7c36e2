/// The one place that decides what text is a number and turns it into a value, with every
/// conversion checked: `nan`, `inf`, `1e999` and 25-digit numbers are never handed to an
/// `Int64(_:)` initializer that would trap.
///
///     NumberSyntax.classify("2024")   // .int
///     NumberSyntax.classify("1e-5")   // .number
///     NumberSyntax.int("99999999999999999999")  // nil (out of range)
///     NumberSyntax.double("nan")      // nil (not a number literal)
public enum NumberSyntax {
    public enum Form: Sendable, Hashable { case int, number }

    /// Whether the bytes are a whole number (optional `-`, at most 18 digits) or another decimal
    /// number (more digits, a fraction, an exponent). Anything else is nil.
    public static func classify(_ b: ArraySlice<UInt8>) -> Form? {
        var i = b.startIndex
        let end = b.endIndex
        if i < end && (b[i] == UInt8(ascii: "-") || b[i] == UInt8(ascii: "+")) { i += 1 }
        let intStart = i
        while i < end && isDigit(b[i]) { i += 1 }
        let intDigits = i - intStart
        var fracDigits = 0
        if i < end && b[i] == UInt8(ascii: ".") {
            i += 1
            let fs = i
            while i < end && isDigit(b[i]) { i += 1 }
            fracDigits = i - fs
            if fracDigits == 0 { return nil }
        }
        if intDigits == 0 { return nil }
        var hasExponent = false
        if i < end && (b[i] | 0x20) == UInt8(ascii: "e") {
            i += 1
            if i < end && (b[i] == UInt8(ascii: "-") || b[i] == UInt8(ascii: "+")) { i += 1 }
            let es = i
            while i < end && isDigit(b[i]) { i += 1 }
            if i == es { return nil }
            hasExponent = true
        }
        guard i == end else { return nil }
        if fracDigits == 0 && !hasExponent && intDigits <= 18 && b[b.startIndex] != UInt8(ascii: "+") { return .int }
        return .number
    }

    public static func classify(_ s: String) -> Form? { classify(Array(s.utf8)[...]) }

    @inline(__always) static func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }

    /// A whole number in Int64's range, or nil.
    public static func int(_ s: String) -> Int64? {
        guard classify(s) == .int else { return nil }
        return Int64(s)
    }

    /// A finite decimal number, or nil (`nan`, `inf`, `1e999` and non-numbers are nil).
    public static func double(_ s: String) -> Double? {
        guard classify(s) != nil, let d = Double(s), d.isFinite else { return nil }
        return d
    }

    /// `d` as a whole number when it is one and fits, else nil (never traps).
    public static func exactInt(_ d: Double) -> Int64? {
        guard d.isFinite, d == d.rounded(), d >= -9.2e18, d <= 9.2e18 else { return nil }
        return Int64(d)
    }
}
