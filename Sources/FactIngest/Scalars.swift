import ChineseText

/// Text as Unicode scalar values: the extractor indexes and compares these, never `Character`s.
typealias Scalars = [UInt32]

@inline(__always) func scalars(_ s: String) -> Scalars { s.unicodeScalars.map(\.value) }
@inline(__always) func scalars(_ s: Substring) -> Scalars { s.unicodeScalars.map(\.value) }

func string(_ s: some Collection<UInt32>) -> String {
    var out: [UInt8] = []
    out.reserveCapacity(s.count * 3)
    for v in s { appendUTF8(v, &out) }
    return String(decoding: out, as: UTF8.self)
}

@inline(__always) func appendUTF8(_ cp: UInt32, _ out: inout [UInt8]) {
    switch cp {
    case 0..<0x80: out.append(UInt8(cp))
    case 0x80..<0x800:
        out.append(UInt8(0xC0 | (cp >> 6))); out.append(UInt8(0x80 | (cp & 0x3F)))
    case 0x800..<0x10000:
        out.append(UInt8(0xE0 | (cp >> 12))); out.append(UInt8(0x80 | ((cp >> 6) & 0x3F))); out.append(UInt8(0x80 | (cp & 0x3F)))
    default:
        out.append(UInt8(0xF0 | (cp >> 18))); out.append(UInt8(0x80 | ((cp >> 12) & 0x3F)))
        out.append(UInt8(0x80 | ((cp >> 6) & 0x3F))); out.append(UInt8(0x80 | (cp & 0x3F)))
    }
}

/// Han ideographs (and 〇, used in numerals such as 第四〇二工厂).
@inline(__always) func isHan(_ c: UInt32) -> Bool {
    (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x20000 && c <= 0x3FFFF) || c == 0x3007 || (c >= 0xF900 && c <= 0xFAFF)
}
@inline(__always) func isDigit(_ c: UInt32) -> Bool { c >= 0x30 && c <= 0x39 }
@inline(__always) func isSpace(_ c: UInt32) -> Bool { c == 0x20 || c == 0x09 || c == 0xA0 || c == 0x3000 || c == 0x2002 || c == 0x2003 || c == 0x2009 }
@inline(__always) func isLatin(_ c: UInt32) -> Bool { (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) }

/// Chinese numerals 〇–九 and 十 百 for editions (第二十一届).
func chineseNumber(_ s: ArraySlice<UInt32>) -> Int? {
    let digits: [UInt32: Int] = [0x3007: 0, 0x96F6: 0, 0x4E00: 1, 0x4E8C: 2, 0x4E09: 3, 0x56DB: 4, 0x4E94: 5, 0x516D: 6, 0x4E03: 7, 0x516B: 8, 0x4E5D: 9, 0x4E24: 2]   // 两
    if s.isEmpty { return nil }
    if s.allSatisfy(isDigit) { return Int(string(s)) }
    var total = 0, current = 0
    for c in s {
        if let d = digits[c] { current = current * 10 + d }   // 四〇二 reads as digits
        else if c == 0x5341 { total += (current == 0 ? 1 : current) * 10; current = 0 }       // 十
        else if c == 0x767E { total += (current == 0 ? 1 : current) * 100; current = 0 }      // 百
        else { return nil }
    }
    return total + current
}

func chineseNumeral(_ n: Int) -> String {
    let d = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"]
    if n < 10 { return d[n] }
    if n < 20 { return "十" + (n % 10 == 0 ? "" : d[n % 10]) }
    if n < 100 { return d[n / 10] + "十" + (n % 10 == 0 ? "" : d[n % 10]) }
    return String(n)
}

extension Array where Element == UInt32 {
    @inline(__always) func has(_ w: Scalars, at i: Int) -> Bool {
        guard i >= 0, i + w.count <= count else { return false }
        for j in 0..<w.count where self[i + j] != w[j] { return false }
        return true
    }
    /// Whether `w` ends exactly at `end` (exclusive).
    @inline(__always) func has(_ w: Scalars, endingAt end: Int) -> Bool { has(w, at: end - w.count) }

    func find(_ w: Scalars, from: Int = 0, to: Int? = nil) -> Int? {
        let limit = (to ?? count) - w.count
        guard !w.isEmpty, from <= limit else { return nil }
        var i = Swift.max(from, 0)
        let first = w[0]
        while i <= limit {
            if self[i] == first && has(w, at: i) { return i }
            i += 1
        }
        return nil
    }

    func findLast(_ w: Scalars, before end: Int, from start: Int = 0) -> Int? {
        var i = end - w.count
        while i >= start {
            if has(w, at: i) { return i }
            i -= 1
        }
        return nil
    }

    func contains(_ w: Scalars) -> Bool { find(w) != nil }
}

extension ArraySlice where Element == UInt32 {
    func contains(_ w: Scalars) -> Bool { Array(self).contains(w) }
}
