/// Title, date, issuer and notice number of a release, from its first and last lines.
enum Metadata {
    static let noise = ["当前位置", "首页", "发布日期", "发布时间", "浏览次数", "字号", "来源", "作者", "打印", "关闭", "分享",
                        "无障碍", "登录", "English", "扫一扫", "下载", "APP", "App", "关注", "点击"]
    static let orgEnds = ["人民政府", "政府", "办公厅", "办公室", "委员会", "管委会", "协会", "局", "厅", "部", "中心", "报", "网", "台", "社"]

    static func fill(_ doc: inout SourceDocument) {
        let lines = doc.lines
        // Notice number: 德政发〔2024〕9号.
        for l in lines.prefix(40) {
            if let n = noticeNumber(in: l.clean) { doc.noticeNumber = n; break }
        }
        // Title: the first substantial line that is not page furniture or the notice number.
        var title: String? = nil
        for (k, l) in lines.prefix(15).enumerated() {
            let t = trimmed(l.clean)
            guard t.count >= 6, t.contains(where: isHan) else { continue }
            let s = string(t)
            if noise.contains(where: { s.hasPrefix($0) }) || noticeNumber(in: t) != nil && t.count < 20 { continue }
            if s.contains("：") && s.hasSuffix("：") { continue }
            if t.count > 80 { break }
            // A title split as "德州市人民政府" / "关于……的决定".
            if k + 1 < lines.count, string(trimmed(lines[k + 1].clean)).hasPrefix("关于"), t.count <= 20 {
                title = s + string(trimmed(lines[k + 1].clean))
            } else if doc.isHTML, let cut = s.firstIndex(where: { $0 == "_" || $0 == "|" }) {
                title = String(s[..<cut]).trimmingSpaces
            } else {
                title = s
            }
            break
        }
        doc.title = title
        // Date: in the header (发布时间：2024-09-11 …), else the last dated line (a decision's signature).
        for l in lines.prefix(12) {
            if let d = date(in: l.work) { doc.date = d; break }
        }
        if doc.date == nil {
            for l in lines.suffix(15).reversed() {
                let t = trimmed(l.work)
                if t.count <= 16, let d = date(in: t) { doc.date = d; break }
            }
        }
        // Issuer: 来源：X, or the signature line above the closing date, or X in "X关于…".
        for l in lines.prefix(12) {
            let s = string(l.work)
            if let r = s.firstRange(of: "来源:") ?? s.firstRange(of: "来源 :") {
                let rest = s[r.upperBound...].trimmingSpaces
                let name = rest.prefix { $0 != " " && $0 != "\u{3000}" }
                // 来源:  作者: … names no source.
                if name.count >= 2, !name.hasSuffix(":"), !name.hasSuffix("："), !["作者", "编辑", "责任编辑", "记者"].contains(where: { name.hasPrefix($0) }) {
                    doc.issuer = String(name); break
                }
            }
        }
        if doc.issuer == nil {
            for (k, l) in lines.enumerated().reversed() where k > 0 {
                let t = trimmed(l.work)
                if t.count <= 16, date(in: t) != nil, t.first.map(isDigit) == true {
                    var p = k - 1
                    while p > 0 && trimmed(lines[p].clean).isEmpty { p -= 1 }
                    let sig = string(trimmed(lines[p].clean))
                    if sig.count <= 24, orgEnds.contains(where: { sig.hasSuffix($0) }) { doc.issuer = sig }
                    break
                }
            }
        }
        if doc.issuer == nil, let t = title, let r = t.firstRange(of: "关于"), r.lowerBound != t.startIndex {
            let who = String(t[..<r.lowerBound])
            if orgEnds.contains(where: { who.hasSuffix($0) }) { doc.issuer = who }
        }
        if doc.issuer == nil {
            for l in lines.suffix(6) {
                let s = string(trimmed(l.clean))
                if s.hasSuffix("主办"), s.count <= 30 { doc.issuer = String(s.dropLast(2)).trimmingSpaces; break }
            }
        }
    }

    static func trimmed(_ s: Scalars) -> ArraySlice<UInt32> { trimmed(s[...]) }

    static func trimmed(_ s: ArraySlice<UInt32>) -> ArraySlice<UInt32> {
        var a = s.startIndex, b = s.endIndex
        while a < b && (isSpace(s[a]) || s[a] == 0xFEFF) { a += 1 }
        while b > a && isSpace(s[b - 1]) { b -= 1 }
        return s[a..<b]
    }

    /// 德政发〔2024〕9号, 湘政函[2022]96号.
    static func noticeNumber(in s: some Collection<UInt32>) -> String? {
        let a = Array(s)
        for (i, c) in a.enumerated() where c == 0x3014 || c == 0x5B || c == 0xFF3B || c == 0x28 || c == 0xFF08 || c == 0x3010 {
            var j = i + 1
            var digits = 0
            while j < a.count && isDigit(a[j]) { j += 1; digits += 1 }
            guard digits == 4, j < a.count, [0x3015, 0x5D, 0xFF3D, 0x29, 0xFF09, 0x3011].contains(a[j]) else { continue }
            j += 1
            let numStart = j
            while j < a.count && (isDigit(a[j]) || a[j] >= 0xFF10 && a[j] <= 0xFF19) { j += 1 }
            guard j > numStart, j < a.count, a[j] == 0x53F7 else { continue }   // 号
            var k = i
            while k > 0 && isHan(a[k - 1]) && i - k < 8 { k -= 1 }
            guard i - k >= 2 else { continue }
            return string(a[k...j])
        }
        return nil
    }

    /// The first date in a line: 2024-09-11, 2024年4月18日, 2024/9/11 → "2024-04-18".
    static func date(in s: some Collection<UInt32>) -> String? {
        let a = Array(s)
        var i = 0
        while i + 4 <= a.count {
            guard isDigit(a[i]), i == 0 || !isDigit(a[i - 1]) else { i += 1; continue }
            var j = i
            while j < a.count && isDigit(a[j]) { j += 1 }
            guard j - i == 4, let y = Int(string(a[i..<j])), y >= 1949, y <= 2100, j < a.count else { i = j; continue }
            let sep = a[j]
            guard sep == 0x2D || sep == 0x5E74 || sep == 0x2F || sep == 0x2E else { i = j; continue }   // - 年 / .
            var k = j + 1
            let m0 = k
            while k < a.count && isDigit(a[k]) { k += 1 }
            guard k > m0, k - m0 <= 2, let m = Int(string(a[m0..<k])), m >= 1, m <= 12, k < a.count else { i = j; continue }
            let sep2 = a[k]
            guard (sep == 0x5E74 && sep2 == 0x6708) || (sep != 0x5E74 && sep2 == sep) else { i = j; continue }   // 月
            var q = k + 1
            let d0 = q
            while q < a.count && isDigit(a[q]) { q += 1 }
            guard q > d0, q - d0 <= 2, let d = Int(string(a[d0..<q])), d >= 1, d <= 31 else { i = j; continue }
            if sep == 0x5E74 && !(q < a.count && (a[q] == 0x65E5 || a[q] == 0x53F7)) { i = j; continue }   // 日
            return "\(y)-\(m < 10 ? "0" : "")\(m)-\(d < 10 ? "0" : "")\(d)"
        }
        return nil
    }
}

extension StringProtocol {
    var trimmingSpaces: String {
        let s = self.drop { $0 == " " || $0 == "\u{3000}" || $0 == "\t" }
        var e = s.endIndex
        while e > s.startIndex, [" ", "\u{3000}", "\t"].contains(s[s.index(before: e)]) { e = s.index(before: e) }
        return String(s[s.startIndex..<e])
    }
}
