/// The candidates of one or more releases as rows for review: numbered, with the line they come
/// from; `explain` adds the rule, the notes and the text span.
public enum ReviewTable {
    public static func columns(explain: Bool, multipleSources: Bool) -> [String] {
        var c = ["#"]
        if multipleSources { c.append("source") }
        c += ["line", "kind", "subject", "fact", "edition", "date", "confidence"]
        if explain { c += ["why", "text"] }
        return c
    }

    /// Award rows: subject = recipient, fact = honor (edition, year). Event rows: the event, its
    /// type and host, its date. Speaker rows: the person, role and event. Statistic rows: the
    /// subject, `measure：value unit（qualifier）`, the date it holds at.
    public static func rows(_ docs: [IngestedDocument], explain: Bool) -> [[String]] {
        let multiple = docs.count > 1
        var rows: [[String]] = []
        var n = 0
        for d in docs {
            for c in d.candidates {
                n += 1
                var r = [String(n)]
                if multiple { r.append(d.document.id) }
                var recipient = c.recipient
                if let w = c.writtenAs, w != c.recipient { recipient += "（\(w)）" }
                r += [String(c.line), c.kind.rawValue, recipient, c.honor, c.edition ?? "", c.yearText ?? (c.year.map(String.init) ?? ""), String(c.confidence)]
                if explain {
                    var why = c.reasons
                    if c.kind == .award { why.append("recipient: \(c.recipientKind.rawValue)" + (c.linkedKind.map { ", linked to the graph's \($0)" } ?? "")) }
                    if let st = c.stat {
                        why.append("subject \(st.subject), measure \(st.measure), value \(st.valueText) \(st.unit)" + (st.period.map { ", period \($0)" } ?? "") + (st.honor.map { ", honor \($0)" } ?? ""))
                    }
                    if let ev = c.event { why.append("event \(ev.name)" + (ev.date.map { " on \($0)" } ?? "") + (ev.host.map { ", host \($0)" } ?? "") + (ev.topic.map { ", topic \($0)" } ?? "") + (ev.series.map { ", series \($0)" } ?? "")) }
                    if let e = c.employer { why.append("unit: \(e)") }
                    if let t = c.title { why.append("title: \(t)") }
                    if let p = c.prize { why.append("prize: \(p)") }
                    if let a = c.authority { why.append("issuer: \(a)") }
                    if let nn = c.noticeNumber { why.append("notice: \(nn)") }
                    r += [why.joined(separator: "; "), c.span]
                }
                rows.append(r)
            }
        }
        return rows
    }

    /// Row numbers typed by a user: `all`, or `1,3-5 7`. Nil when a number is out of range.
    public static func parseSelection(_ words: [String], count: Int) -> Set<Int>? {
        var out = Set<Int>()
        for w in words.joined(separator: ",").split(whereSeparator: { $0 == "," || $0 == " " || $0 == "，" }) {
            if w.lowercased() == "all" { return Set(1...max(count, 1)).filter { $0 <= count } }
            if let dash = w.firstIndex(of: "-") {
                guard let a = Int(w[..<dash]), let b = Int(w[w.index(after: dash)...]), a >= 1, b <= count, a <= b else { return nil }
                out.formUnion(a...b)
            } else {
                guard let k = Int(w), k >= 1, k <= count else { return nil }
                out.insert(k)
            }
        }
        return out
    }

    /// The documents with only the selected rows (numbered as `rows` numbers them).
    public static func select(_ docs: [IngestedDocument], rows: Set<Int>) -> [IngestedDocument] {
        var n = 0
        return docs.map { d in
            var d = d
            d.candidates = d.candidates.filter { _ in n += 1; return rows.contains(n) }
            return d
        }
    }
}
