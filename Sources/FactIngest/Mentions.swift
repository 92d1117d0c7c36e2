/// An honor named in a line: 第五届德州市市长质量奖提名奖（组织类） with its parts.
struct Mention {
    var line: Int
    /// Range in the line's scalars, place and edition words included.
    var start: Int
    var end: Int
    var coreEnd: Int
    /// The name as the text gives it, edition/year/batch words removed (clean form).
    var name: Scalars
    /// The name without tiers and categories.
    var base: Scalars
    var tier: Scalars
    var editions: [String] = []
    var yearText: String?
    var year: Int?
    var batch: String?
    var level: String?
    var type: String?
    var place: Gazetteer.Division?
    /// Names the programme (…管理办法, …评审委员会), not an award given.
    var modifier = false
    /// Contains an `exclude` word (项目奖): never extracted.
    var excluded = false
    var fromGraph = false
}

/// Finds honor mentions in a line, by the lexicon and the graph's honor names.
struct MentionFinder {
    let lexicon: HonorLexicon
    let graphHonors: [Scalars: String]
    let graphLast: Set<UInt32>
    let gazetteer = Gazetteer.shared
    let maxCore: Int
    static let modifiers: [Scalars] = ["管理办法", "评审委员会", "评选表彰委员会", "评审工作", "评选工作", "申报", "评审办法", "办公室", "培育", "评选中",
                                       "评选活动", "评审中", "候选", "评选办法", "实施办法", "实施细则", "领导小组", "获奖企业代表", "奖励资金"].map(scalars)

    static let jiang: UInt32 = 0x5956   // 奖
    static let zhiliang = scalars("质量")
    static let genericCore = HonorLexicon.Entry(role: .core, text: "质量…奖", attributes: ["type": "奖"])
    /// Words that make `质量…奖` no award name (质量奖励, 质量和奖).
    static let notQualifiers: Set<UInt32> = Set(scalars("的和与及或、，。；：获授颁评申报推荐在为是对把将等"))

    /// Where `质量` starts when `质量` + 1–4 Han + `奖` ends at `end` (`质量金奖`, `质量管理奖`).
    static func qualityQualifiedCore(_ w: Scalars, end: Int) -> Int? {
        var k = end - 2
        while k >= 0 && end - 1 - k <= 6 {
            if w.has(zhiliang, at: k) {
                let mid = w[(k + 2)..<(end - 1)]
                guard !mid.isEmpty, mid.count <= 4, mid.allSatisfy({ isHan($0) && !notQualifiers.contains($0) }), !mid.contains(jiang) else { return nil }
                return k
            }
            guard k >= 0, isHan(w[k]) else { return nil }
            k -= 1
        }
        return nil
    }

    init(lexicon: HonorLexicon, graphHonors: [Scalars: String]) {
        self.lexicon = lexicon
        self.graphHonors = graphHonors
        self.graphLast = Set(graphHonors.keys.compactMap(\.last))
        self.maxCore = max(lexicon.cores.keys.map(\.count).max() ?? 3, lexicon.honors.keys.map(\.count).max() ?? 3, graphHonors.keys.map(\.count).max() ?? 3)
    }

    func find(in line: DocLine, index li: Int) -> [Mention] {
        let w = line.work
        var out: [Mention] = []
        var i = 0
        while i < w.count {
            let c = w[i]
            guard lexicon.lastScalars.contains(c) || graphLast.contains(c) || c == MentionFinder.jiang else { i += 1; continue }
            let end = i + 1
            var best: (len: Int, entry: HonorLexicon.Entry?, graph: String?)? = nil
            var len = min(maxCore, end)
            while len >= 2 {
                let key = Array(w[(end - len)..<end])
                if let g = graphHonors[key] { best = (len, nil, g); break }
                if let e = lexicon.honors[key] ?? lexicon.cores[key] { best = (len, e, nil); break }
                len -= 1
            }
            // A core the lexicon lacks but that is built like one: 质量 + a qualifier + 奖
            // (上海市质量金奖, 重庆市市长质量管理奖, …质量创新奖); it still needs a place or level.
            if best == nil, c == MentionFinder.jiang, let k = MentionFinder.qualityQualifiedCore(w, end: end) {
                best = (end - k, MentionFinder.genericCore, nil)
            }
            guard let hit = best, let m = build(line, li, coreStart: end - hit.len, coreEnd: end, entry: hit.entry, graphName: hit.graph) else {
                i += 1
                continue
            }
            out.append(m)
            i = max(m.end, i + 1)
        }
        return out
    }

    func build(_ line: DocLine, _ li: Int, coreStart: Int, coreEnd: Int, entry: HonorLexicon.Entry?, graphName: String?) -> Mention? {
        let w = line.work
        var removed: [Range<Int>] = []
        var m = Mention(line: li, start: coreStart, end: coreEnd, coreEnd: coreEnd, name: [], base: [], tier: [])
        m.fromGraph = graphName != nil
        m.type = entry?.attributes["type"]
        m.level = entry?.attributes["level"]
        var qualified = graphName != nil || entry?.role == .honor || entry?.attributes["alone"] != nil
        // Left: place, level, named-award, edition and year words.
        var p = coreStart
        leftLoop: while p > 0 {
            if let (s, ed) = editionEnding(w, p) {
                m.editions.insert(ed, at: 0); removed.append(s..<p); p = s
                // 第一届、第二届中国质量奖提名奖: one honor, several editions.
                while p > 1 && w[p - 1] == 0x3001, let (s2, ed2) = editionEnding(w, p - 1) {
                    m.editions.insert(ed2, at: 0); removed.append(s2..<p); p = s2
                }
                continue
            }
            if let (s, text, y) = yearEnding(w, p) { m.yearText = text; m.year = y; removed.append(s..<p); p = s; continue }
            if let (s, b) = batchEnding(w, p) { m.batch = b; removed.append(s..<p); p = s; continue }
            var n = min(7, p)
            while n >= 1 {
                let key = Array(w[(p - n)..<p])
                if let e = lexicon.levels[key], n > 1 || p == coreStart {
                    if m.level == nil { m.level = e.attributes["level"] }
                    qualified = true
                    p -= n
                    continue leftLoop
                }
                if let e = lexicon.prefixes[key] {
                    if m.level == nil { m.level = e.attributes["level"] }
                    if let pl = e.attributes["place"], m.place == nil { m.place = gazetteer.lookup(pl).first }
                    qualified = true
                    p -= n
                    continue leftLoop
                }
                n -= 1
            }
            if let (len, divs) = gazetteer.longestPlace(in: w, endingAt: p) {
                if m.place == nil && divs.count == 1 { m.place = divs[0] }
                qualified = true
                p -= len
                continue
            }
            break
        }
        guard qualified else { return nil }
        m.start = p
        // Right: tiers and categories.
        var q = coreEnd
        var tierStart = coreEnd
        rightLoop: while q < w.count {
            for t in lexicon.tiers where w.has(t, at: q) {
                q += t.count
                continue rightLoop
            }
            if w[q] == 0x28, let close = (q + 1..<min(w.count, q + 9)).first(where: { w[$0] == 0x29 }) {
                let inner = Array(w[(q + 1)..<close])
                let category = ["组织", "个人", "企业", "团队", "类"].map(scalars).contains { inner.contains($0) }
                if category && inner.allSatisfy(isHan) && !inner.contains(where: { $0 == 0x5BB6 || $0 == 0x540D }) {   // 家 名
                    q = close + 1
                    continue
                }
            }
            break
        }
        if graphName != nil && q == coreEnd { tierStart = coreEnd }
        m.end = q
        func cleanText(_ r: Range<Int>) -> Scalars {
            var out: Scalars = []
            for k in r where !removed.contains(where: { $0.contains(k) }) { out.append(line.clean[k]) }
            return out
        }
        m.name = cleanText(p..<q)
        m.base = cleanText(p..<tierStart)
        m.tier = Array(line.clean[tierStart..<q])
        if let g = graphName, p == coreStart && q == coreEnd { m.name = scalars(g); m.base = m.name }
        m.excluded = lexicon.excludes.contains { m.name.contains($0) }
        let after = Array(w[q..<min(w.count, q + 8)])
        m.modifier = MentionFinder.modifiers.contains { after.has($0, at: 0) || (after.count > $0.count && after.has($0, at: 1) && after[0] == 0x7684) }
        return m
    }

    /// 第五届 / 第5届 / 首届 ending at p.
    func editionEnding(_ w: Scalars, _ p: Int) -> (Int, String)? {
        guard p >= 2, w[p - 1] == 0x5C4A else { return nil }   // 届
        if w[p - 2] == 0x9996 { return (p - 2, "首届") }          // 首
        var s = p - 2
        while s >= 0 && p - 1 - s <= 5 && (isDigit(w[s]) || chineseNumber(w[s...s]) != nil || w[s] == 0x5341 || w[s] == 0x767E) { s -= 1 }
        guard s >= 0, w[s] == 0x7B2C, s + 1 < p - 1 else { return nil }   // 第
        let numeral = w[(s + 1)..<(p - 1)]
        if numeral.allSatisfy(isDigit), let n = Int(string(numeral)) { return (s, "第" + chineseNumeral(n) + "届") }
        return (s, string(w[s..<p]))
    }

    /// 2023年度 / 2023年 / 2014—2015年度 / 2024 ending at p.
    func yearEnding(_ w: Scalars, _ p: Int) -> (Int, String, Int)? {
        var e = p
        if e >= 1 && w[e - 1] == 0x5EA6 { e -= 1 }            // 度
        guard e >= 5, w[e - 1] == 0x5E74 || e == p else { return nil }   // 年
        let digitsEnd = w[e - 1] == 0x5E74 ? e - 1 : e
        guard digitsEnd >= 4 else { return nil }
        var s = digitsEnd
        while s > 0 && isDigit(w[s - 1]) { s -= 1 }
        guard digitsEnd - s == 4, let y = Int(string(w[s..<digitsEnd])), y >= 1949, y <= 2100 else { return nil }
        var start = s
        var year = y
        // A span of years: 2014—2015年度.
        if s >= 5, [0x2014, 0x2D, 0x2013, 0x7E, 0xFF5E, 0x81F3].contains(w[s - 1]) {
            var s2 = s - 1
            while s2 > 0 && isDigit(w[s2 - 1]) { s2 -= 1 }
            if s - 1 - s2 == 4 { start = s2; year = y }
        }
        return (start, string(w[start..<p]), year)
    }

    /// 第三批 ending at p.
    func batchEnding(_ w: Scalars, _ p: Int) -> (Int, String)? {
        guard p >= 3, w[p - 1] == 0x6279 else { return nil }   // 批
        var s = p - 2
        while s >= 0 && p - 1 - s <= 4 && (isDigit(w[s]) || chineseNumber(w[s...s]) != nil || w[s] == 0x5341) { s -= 1 }
        guard s >= 0, w[s] == 0x7B2C, s + 1 < p - 1 else { return nil }
        return (s, string(w[s..<p]))
    }
}
