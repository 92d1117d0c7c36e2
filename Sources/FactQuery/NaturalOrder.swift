/// Text order that reads numbers as numbers, Chinese numerals included, so that
/// 第二届 < 第十届 < 第十一届 and "item 9" < "item 10". Other text compares by code point.
enum NaturalOrder {
    /// The value of a Chinese numeral character, or nil. 十 百 千 are multipliers.
    static func digit(_ u: Unicode.Scalar) -> Int? {
        switch u {
        case "零", "〇": return 0
        case "一": return 1
        case "二", "两": return 2
        case "三": return 3
        case "四": return 4
        case "五": return 5
        case "六": return 6
        case "七": return 7
        case "八": return 8
        case "九": return 9
        default:
            if u.value >= 0x30 && u.value <= 0x39 { return Int(u.value - 0x30) }
            if u.value >= 0xFF10 && u.value <= 0xFF19 { return Int(u.value - 0xFF10) }
            return nil
        }
    }

    static func multiplier(_ u: Unicode.Scalar) -> Int? {
        switch u {
        case "十": return 10
        case "百": return 100
        case "千": return 1000
        default: return nil
        }
    }

    /// Splits text into runs: numbers (as values) and single other scalars.
    enum Piece: Equatable { case number(Int), scalar(UInt32) }

    static func pieces(_ s: String) -> [Piece] {
        var out: [Piece] = []
        let us = Array(s.unicodeScalars)
        var i = 0
        while i < us.count {
            let u = us[i]
            if digit(u) != nil || multiplier(u) != nil {
                // ASCII digits: plain positional. Chinese: 十一 = 11, 二十 = 20, 一百零五 = 105.
                var total = 0, current = 0, sawAny = false
                let asciiRun = u.value < 0x80 || (u.value >= 0xFF10 && u.value <= 0xFF19)
                while i < us.count {
                    let c = us[i]
                    if asciiRun {
                        guard c.value < 0x80 || (c.value >= 0xFF10 && c.value <= 0xFF19), let d = digit(c) else { break }
                        if total > 100_000_000_000 { break }
                        total = total * 10 + d
                    } else if let d = digit(c), c.value >= 0x80 {
                        current = current * 10 + d
                    } else if let m = multiplier(c) {
                        total += (current == 0 ? 1 : current) * m
                        current = 0
                    } else { break }
                    sawAny = true
                    i += 1
                }
                if sawAny { out.append(.number(total + current)); continue }
            }
            out.append(.scalar(u.value))
            i += 1
        }
        return out
    }

    /// Whether `a` sorts before `b`; nil when they are equal.
    static func less(_ a: String, _ b: String) -> Bool? {
        if a == b { return nil }
        let x = pieces(a), y = pieces(b)
        for (p, q) in zip(x, y) where p != q {
            switch (p, q) {
            case (.number(let m), .number(let n)): return m < n
            case (.number, .scalar): return true
            case (.scalar, .number): return false
            case (.scalar(let m), .scalar(let n)): return m < n
            }
        }
        if x.count != y.count { return x.count < y.count }
        return Array(a.utf8).lexicographicallyPrecedes(Array(b.utf8))
    }
}
