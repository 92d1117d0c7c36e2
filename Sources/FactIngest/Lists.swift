/// A name read from a list item.
struct ListedName {
    var name: Scalars
    var kind: Candidate.RecipientKind
    var employer: Scalars?
    var title: Scalars?
    var confidence: Double
    var notes: [String] = []
}

/// Splits a stretch of text that lists recipients (`A、B等3家企业和C公司总经理张三`) into names.
struct ListReader {
    let linker: GraphLinker?
    let gazetteer = Gazetteer.shared

    static let leadingJunk: [Scalars] = ["其中", "会上", "此外", "另外", "同时", "近日", "日前", "目前", "今年", "去年", "此前", "最终", "共有",
                                         "分别", "这是继", "这是", "继", "由", "对", "向", "给", "成功推荐", "推荐", "指导", "支持", "帮助",
                                         "组织", "引导", "鼓励", "还有", "以及", "和", "及", "决定", "并", "将", "先后", "均", "也", "还", "都",
                                         "今年以来", "截至目前", "目前", "本届", "大会", "并为", "为", "其", "我市的", "我省的", "的", "做好", "打造",
                                         "一举", "共", "又", "再次", "正式", "成功", "首次", "相继"].map(scalars).sorted { $0.count > $1.count }
    static let trailingJunk: [Scalars] = ["先后", "均", "分别", "同时", "也", "还", "都", "共同", "再次", "又", "一举", "相继", "成功", "正式",
                                          "首次", "已", "就", "日前", "近日", "今年", "去年", "此前", "最终", "曾", "已经", "当年", "一并",
                                          "荣幸", "顺利", "光荣", "喜", "和", "及", "以及"].map(scalars).sorted { $0.count > $1.count }
    static let countUnits: Set<UInt32> = Set(scalars("家个名位项所户人"))

    /// Reads names from `text` (work form) / `clean` (same length).
    /// Returns the names and whether the list carried a count (`等3家`) or `等`.
    /// - Parameter wholeItems: the text is one name a line (a heading list, a table cell): a
    ///   person's name is not stripped of a first character that could be a preposition (向明远).
    func read(work: ArraySlice<UInt32>, clean: ArraySlice<UInt32>, wholeItems: Bool = false) -> (names: [ListedName], counted: Bool, countMismatch: Bool, unread: Int) {
        let w = Array(work), c = Array(clean)
        // Split on 、 ; ； and , outside quotes and brackets.
        var pieces: [(Scalars, Scalars)] = []
        var depth = 0, start = 0
        for (i, ch) in w.enumerated() {
            if ch == 0x201C || ch == 0x28 || ch == 0x300A || ch == 0x300C || ch == 0x3010 { depth += 1 }
            else if (ch == 0x201D || ch == 0x29 || ch == 0x300B || ch == 0x300D || ch == 0x3011) && depth > 0 { depth -= 1 }
            else if depth == 0 && (ch == 0x3001 || ch == 0x3B || ch == 0x2C) {
                pieces.append((Array(w[start..<i]), Array(c[start..<i])))
                start = i + 1
            }
        }
        pieces.append((Array(w[start...]), Array(c[start...])))
        // Split on 和 / 以及 / 及 / 与 where both sides read as names.
        var split: [(Scalars, Scalars)] = []
        for (pw, pc) in pieces { split.append(contentsOf: splitConjunctions(pw, pc)) }
        // Split on white space where both sides read as names (flattened lists), but keep
        // "name  employer+title" together.
        var items: [(Scalars, Scalars)] = []
        for (pw, pc) in split { items.append(contentsOf: splitSpaces(pw, pc)) }
        // Join "…公司党委书记" + "董事长周振邦".
        var joined: [(Scalars, Scalars)] = []
        for it in items {
            if let last = joined.last, endsWithTitle(trim(last.0)), startsWithTitle(trim(it.0)) {
                joined[joined.count - 1] = (last.0 + [0x3001] + it.0, last.1 + [0x3001] + it.1)
            } else {
                joined.append(it)
            }
        }
        var names: [ListedName] = []
        var counted = false, mismatch = false
        var groupStart = 0, unread = 0
        for (iw, ic) in joined {
            var (tw, tc) = (iw, ic)
            // A count closes a group: 等3家企业 / 3家企业 / 等.
            if let (cut, n) = countSuffix(tw) {
                tw = Array(tw[..<cut]); tc = Array(tc[..<cut])
                counted = true
                if let n {
                    let inGroup = names.count - groupStart + (classify(tw, tc, wholeItem: wholeItems) == nil ? 0 : 1)
                    if n < inGroup { mismatch = true }
                }
                if let x = classify(tw, tc, wholeItem: wholeItems) { names.append(x) } else if !trim(tw).isEmpty { unread += 1 }
                groupStart = names.count
                continue
            }
            if let x = classify(tw, tc, wholeItem: wholeItems) { names.append(x) } else if !trim(tw).isEmpty { unread += 1 }
        }
        return (names, counted, mismatch, unread)
    }

    func trim(_ s: Scalars) -> Scalars {
        var a = 0, b = s.count
        while a < b && (isSpace(s[a]) || s[a] == 0x201C && !s[a..<b].contains(0x201D)) { a += 1 }
        while b > a && (isSpace(s[b - 1]) || s[b - 1] == 0x3002 || s[b - 1] == 0x201D && !s[a..<(b - 1)].contains(0x201C)) { b -= 1 }
        return Array(s[a..<b])
    }

    func endsWithTitle(_ s: Scalars) -> Bool { Names.title(in: s, endingAt: s.count) != nil }
    func startsWithTitle(_ s: Scalars) -> Bool { Names.titles.contains { s.has($0, at: 0) } }

    func splitConjunctions(_ w: Scalars, _ c: Scalars) -> [(Scalars, Scalars)] {
        for conj in ["以及", "和", "及", "与"].map(scalars) {
            var from = 0
            while let k = w.find(conj, from: from) {
                let left = Array(w[..<k]), right = Array(w[(k + conj.count)...])
                let whole = dropWorks(trim(stripCount(w))), l = dropWorks(trim(stripCount(left)))
                let leftComplete = Names.endsWithOrgSuffix(l) != nil || personAfterTitle(stripHonorific(l)) != nil || Names.isPersonName(stripHonorific(l))
                    || countSuffix(trim(left)) != nil || (linker?.entity(named: l) != nil)
                // Inside one name (丽水云和木玩科技有限公司) the left part is no complete name.
                if Names.endsWithOrgSuffix(whole) != nil && !leftComplete { from = k + 1; continue }
                if nameLike(trim(left)) && nameLike(trim(stripCount(right))) {
                    return splitConjunctions(left, Array(c[..<k])) + splitConjunctions(right, Array(c[(k + conj.count)...]))
                }
                from = k + 1
            }
        }
        return [(w, c)]
    }

    func splitSpaces(_ w: Scalars, _ c: Scalars) -> [(Scalars, Scalars)] {
        let t = w.enumerated().filter { !isSpace($0.element) }
        guard let first = t.first?.offset, let last = t.last?.offset else { return [] }
        var parts: [Range<Int>] = []
        var s = first
        var i = first
        while i <= last {
            if isSpace(w[i]) {
                parts.append(s..<i)
                while i <= last && isSpace(w[i]) { i += 1 }
                s = i
                continue
            }
            i += 1
        }
        parts.append(s..<(last + 1))
        if parts.count == 1 { return [(Array(w[first...last]), Array(c[first...last]))] }
        let texts = parts.map { Array(w[$0]) }
        // "孙启航 烟台…公司首席质量官": a name, then who they are.
        if parts.count == 2, Names.isPersonName(texts[0]), endsWithTitle(texts[1]) || texts[1].contains(0x28) || Names.endsWithOrgSuffix(texts[1]) != nil {
            return [(texts[0], Array(c[parts[0]]))]
        }
        // "山西太行煤机装备有限公司　段志强": the unit, then the person.
        if parts.count == 2, Names.endsWithOrgSuffix(texts[0]) != nil, Names.isPersonName(stripHonorific(texts[1])) {
            return [(texts[1], Array(c[parts[1]]))]
        }
        if texts.allSatisfy({ nameLike($0) }) { return parts.map { (Array(w[$0]), Array(c[$0])) } }
        return [(Array(w[first...last]), Array(c[first...last]))]
    }

    /// Whether a piece reads as a complete name by itself (suffix, person, title+name, count).
    func nameLike(_ s: Scalars) -> Bool {
        let s = dropWorks(Array(stripEnumerator(stripCount(s))))
        if s.count < 2 { return false }
        if Names.endsWithOrgSuffix(s) != nil { return true }
        if Names.isPersonName(stripHonorific(s)) { return true }
        if personAfterTitle(stripHonorific(s)) != nil { return true }
        if let l = linker, l.entity(named: s) != nil { return true }
        if s.count >= 3 && s.count <= 8 && s.allSatisfy(isHan) && !isGeneric(s) { return true }
        return false
    }

    /// The name without the works it is credited with: `A公司的《…经验》` → `A公司`.
    func dropWorks(_ s: Scalars) -> Scalars {
        guard let open = s.firstIndex(of: 0x300A) else { return s }
        var out = Array(s[..<open])
        if out.last == 0x7684 { out.removeLast() }   // 的
        if let close = s[open...].firstIndex(of: 0x300B) { out += dropWorks(Array(s[(close + 1)...])) }
        return out
    }

    func stripCount(_ s: Scalars) -> Scalars {
        if let (cut, _) = countSuffix(s) { return Array(s[..<cut]) }
        return s
    }

    /// `等3家企业`, `3家企业`, `等2名个人`, `等` at the end: where it starts and the count.
    func countSuffix(_ s: Scalars) -> (Int, Int?)? {
        var e = s.count
        while e > 0 && isSpace(s[e - 1]) { e -= 1 }
        // Unit noun after the count: 企业 组织 单位 个人 …
        var k = e
        // The unit is the one a numeral stands before (3名个人: 名, not the 人 of 个人).
        func numeral(_ c: UInt32) -> Bool { isDigit(c) || chineseNumber([c][...]) != nil || c == 0x5341 }
        while k > 0 && isHan(s[k - 1]) && !(ListReader.countUnits.contains(s[k - 1]) && k >= 2 && numeral(s[k - 2])) && e - k < 4 { k -= 1 }
        if k > 0 && ListReader.countUnits.contains(s[k - 1]) {
            let unitEnd = k - 1
            var d = unitEnd
            while d > 0 && (isDigit(s[d - 1]) || chineseNumber(s[(d - 1)...(d - 1)]) != nil || s[d - 1] == 0x5341) { d -= 1 }
            if d < unitEnd {
                let n = chineseNumber(s[d..<unitEnd])
                var cut = d
                if cut > 0 && s[cut - 1] == 0x7B49 { cut -= 1 }   // 等
                // Only counts of things: the words after the unit must be a noun of kind.
                let noun = string(s[(unitEnd + 1)..<e])
                if noun.isEmpty || ["企业", "组织", "单位", "个人", "公司", "机构", "团队", "班组", "集体", "医院", "学校", "景区", "服务", "产品", "项目", "区", "县", "市"].contains(where: { noun.hasPrefix($0) }) {
                    return (cut, n)
                }
            }
        }
        if e > 0 && s[e - 1] == 0x7B49 { return (e - 1, nil) }   // a bare 等
        return nil
    }

    func stripEnumerator(_ s: Scalars) -> ArraySlice<UInt32> {
        var a = 0
        while a < s.count && isSpace(s[a]) { a += 1 }
        var i = a
        while i < s.count && isDigit(s[i]) { i += 1 }
        if i > a && i < s.count && [0x2E, 0x3001, 0x29, 0xFF0E, 0x3002].contains(s[i]) && i - a <= 3 { return s[(i + 1)...] }
        if a < s.count && s[a] == 0x28, let close = s[a...].firstIndex(of: 0x29), close - a <= 4,
           s[(a + 1)..<close].allSatisfy({ isDigit($0) || chineseNumber([$0][...]) != nil || $0 == 0x5341 }) { return s[(close + 1)...] }
        if a < s.count && s[a] >= 0x2460 && s[a] <= 0x2473 { return s[(a + 1)...] }   // ① …
        var j = a
        while j < s.count && (chineseNumber(s[j...j]) != nil || s[j] == 0x5341) && j - a < 3 { j += 1 }
        if j > a && j < s.count && s[j] == 0x3001 { return s[(j + 1)...] }
        return s[a...]
    }

    func stripHonorific(_ s: Scalars) -> Scalars {
        for h in Names.honorifics where s.count > h.count + 1 && s.has(h, endingAt: s.count) { return Array(s[..<(s.count - h.count)]) }
        return s
    }

    func isGeneric(_ s: Scalars) -> Bool {
        if Names.generic.contains(where: { s.contains($0) }) { return true }
        if Names.categoryWords.contains(where: { s.has($0, endingAt: s.count) || s.has($0, at: 0) }) { return true }
        if s.contains(where: isDigit) { return true }
        return false
    }

    /// `…部长韩雪梅` → (title range start, name start).
    /// Title endings of work titles the list lacks (勾调师, 品酒师, 检验员, 班组长).
    static let titleEnds: Set<UInt32> = Set(scalars("师员长官匠手"))

    func personAfterTitle(_ s: Scalars) -> (titleStart: Int, nameStart: Int)? {
        if let hit = knownTitlePerson(s) { return hit }
        // …有限公司勾调师冉秋菊: a unit, a short word ending like a title, a name.
        for nameLen in [3, 2] where s.count > nameLen + 2 {
            let ns = s.count - nameLen
            guard Names.isPersonName(s[ns...]), ListReader.titleEnds.contains(s[ns - 1]) else { continue }
            for tl in 2...4 where ns - tl >= 4 {
                if Names.endsWithOrgSuffix(Array(s[..<(ns - tl)])) != nil || Names.teamSuffixes.contains(where: { s.has($0, endingAt: ns - tl) }) {
                    return (ns - tl, ns)
                }
            }
        }
        return nil
    }

    func knownTitlePerson(_ s: Scalars) -> (titleStart: Int, nameStart: Int)? {
        // A dotted name after a title: …质量部经理阿依古丽·买买提.
        if let dot = s.firstIndex(where: Names.isNameDot), dot >= 2 {
            var ns = dot - 1
            while ns > 0 && dot - ns < 8 {
                if let t = Names.title(in: s, endingAt: ns), Names.isPersonName(s[ns...]) { return (ns - t.count, ns) }
                ns -= 1
            }
        }
        for nameLen in [3, 2, 4] where s.count > nameLen {
            let ns = s.count - nameLen
            guard Names.isPersonName(s[ns...]) else { continue }
            if let t = Names.title(in: s, endingAt: ns) { return (ns - t.count, ns) }
        }
        return nil
    }

    /// What one item names, if anything.
    func classify(_ w0: Scalars, _ c0: Scalars, wholeItem: Bool = false) -> ListedName? {
        let off = stripEnumerator(w0).startIndex
        var w = Array(w0[off...]), c = Array(c0[off...])
        // Trim junk words and spaces at both ends.
        func dropFront(_ n: Int) { w.removeFirst(n); c.removeFirst(n) }
        func dropBack(_ n: Int) { w.removeLast(n); c.removeLast(n) }
        var changed = true
        while changed {
            changed = false
            while let f = w.first, isSpace(f) { dropFront(1); changed = true }
            while let l = w.last, isSpace(l) || l == 0x3002 { dropBack(1); changed = true }
            if let l = linker, l.entity(named: c) != nil { break }
            if wholeItem && Names.isPersonName(w) { break }
            for j in ListReader.leadingJunk where w.count > j.count + 1 && w.has(j, at: 0) { dropFront(j.count); changed = true; break }
            for j in ListReader.trailingJunk where w.count > j.count + 1 && w.has(j, endingAt: w.count) { dropBack(j.count); changed = true; break }
        }
        // 我省福州…公司的《…经验》: the organisation, not its work.
        for lead in ["我省", "我市", "我区", "我县", "本市", "本省", "全市", "全省"].map(scalars) where w.count > lead.count + 3 && w.has(lead, at: 0) {
            dropFront(lead.count)
        }
        if w.last == 0x300B, let open = w.lastIndex(of: 0x300A), open >= 4 {
            var cut = open
            if w[cut - 1] == 0x7684 { cut -= 1 }   // 的
            w = Array(w[..<cut]); c = Array(c[..<cut])
        }
        // NAME——its experience or product: the name.
        if let dash = (0..<max(0, w.count - 1)).first(where: { (w[$0] == 0x2014 && w[$0 + 1] == 0x2014) || (w[$0] == 0x2D && w[$0 + 1] == 0x2D) }), dash >= 4 {
            w = Array(w[..<dash]); c = Array(c[..<dash])
        }
        // NAME（崇川区）: where it is, not part of the name.
        if w.last == 0x29, let open = w.lastIndex(of: 0x28), open >= 4 {
            let inner = Array(w[(open + 1)..<(w.count - 1)])
            let places = inner.split(whereSeparator: { $0 == 0x3001 || $0 == 0x2C || isSpace($0) })
            let placeEnds = Set(scalars("省市区县镇乡旗"))
            func placeLike(_ p: ArraySlice<UInt32>) -> Bool {
                !gazetteer.lookup(Array(p)).isEmpty || p.count >= 2 && p.count <= 7 && p.allSatisfy(isHan) && placeEnds.contains(p.last!)
            }
            if !places.isEmpty, places.allSatisfy(placeLike) {
                w = Array(w[..<open]); c = Array(c[..<open])
            }
        }
        // A whole item in quotes: “金乡大蒜”.
        if w.first == 0x201C, w.last == 0x201D, w.count > 2, !w[1..<(w.count - 1)].contains(0x201C) { dropFront(1); dropBack(1) }
        guard w.count >= 2 else { return nil }
        var notes: [String] = []
        // A description in brackets after a person: 钟敏华（…公司副总经理）.
        var described: (Scalars, Scalars)? = nil
        if w.last == 0x29, let open = w.lastIndex(of: 0x28), open >= 2 {
            let inner = Array(w[(open + 1)..<(w.count - 1)])
            let head = Array(w[..<open])
            if Names.isPersonName(stripHonorific(head)) && (endsWithTitle(inner) || Names.endsWithOrgSuffix(inner) != nil || inner.contains(scalars("公司"))) {
                described = (inner, Array(c[(open + 1)..<(c.count - 1)]))
                w = head; c = Array(c[..<open])
            }
        }
        let bare = stripHonorific(w)
        let honorific = bare.count < w.count
        if honorific { w = bare; c = Array(c[..<bare.count]) }
        // Linked by the graph (歌尔 = 歌尔股份有限公司), exactly as written or without quotes.
        if let l = linker {
            if l.entity(named: c) != nil { return ListedName(name: c, kind: .entity, confidence: 0.9) }
            let unquoted = c.filter { $0 != 0x201C && $0 != 0x201D }
            if unquoted.count != c.count, l.entity(named: unquoted) != nil { return ListedName(name: unquoted, kind: .entity, confidence: 0.85) }
        }
        // An organisation or team by its suffix; after "X的", the part after it.
        if Names.endsWithOrgSuffix(w) != nil {
            var s = 0
            if let de = w.lastIndex(of: 0x7684), de + 4 < w.count, Names.endsWithOrgSuffix(Array(w[(de + 1)...])) != nil { s = de + 1 }
            let name = Array(c[s...]), nw = Array(w[s...])
            guard nw.count >= 4, !nw.contains(where: { $0 == 0x3002 || $0 == 0xFF1A }) else { return nil }
            if Names.generic.prefix(13).contains(where: { nw.has($0, at: 0) }) { return nil }
            if nw.contains(scalars("家企业")) || nw.contains(scalars("个单位")) { return nil }
            if Names.isAuthority(nw) { return nil }
            // A person's unit and title alone (…公司首席质量官) ends with a title, not a suffix.
            return ListedName(name: name, kind: Names.isTeam(nw) ? .team : .organisation, confidence: 0.9, notes: notes)
        }
        // A person: title + name, or a bare name.
        if let (ts, ns) = personAfterTitle(w) {
            let employer = Array(c[..<ts])
            notes.append("person after the title \(string(c[ts..<ns]))")
            return ListedName(name: Array(c[ns...]), kind: .person, employer: employer.isEmpty ? nil : employer,
                              title: Array(c[ts..<ns]), confidence: 0.9, notes: notes)
        }
        // A place alone (柳州 in 柳州三家企业) says where, not who (and 柳 is also a surname).
        if described == nil && !honorific && !gazetteer.lookup(w).isEmpty && gazetteer.lookup(w)[0].name != string(w) { return nil }
        if Names.isPersonName(w) {
            var x = ListedName(name: c, kind: .person, confidence: honorific || described != nil ? 0.9 : 0.8)
            if let (dw, dc) = described {
                if let t = Names.titles.first(where: { dw.has($0, endingAt: dw.count) }) {
                    x.title = Array(dc[(dc.count - t.count)...])
                    x.employer = Array(dc[..<(dc.count - t.count)])
                } else {
                    x.employer = dc
                }
            }
            return x
        }
        if endsWithTitle(w) { return nil }   // a unit and title without a name
        // …有限公司早在2019年就: words after the name that say when or how.
        for suf in Names.orgSuffixes.prefix(12) {
            guard let k = w.findLast(suf, before: w.count), k + suf.count < w.count, k >= 2 else { continue }
            let tail = Array(w[(k + suf.count)...])
            let adverbial = ["早在", "在", "于", "就", "已", "曾", "年", "月", "先后", "均", "也", "还", "又", "再次", "分别", "同时", "连续", "首次", "成功", "今年", "去年"].map(scalars)
            if tail.count <= 12, adverbial.contains(where: { tail.contains($0) }), !tail.contains(0x3001) {
                return classify(Array(w[..<(k + suf.count)]), Array(c[..<(k + suf.count)]))
            }
            break
        }
        // A place: 兖州区.
        if gazetteer.lookup(w).count == 1, gazetteer.lookup(w)[0].name == string(w) {
            return ListedName(name: c, kind: .place, confidence: 0.85)
        }
        // A place alone (柳州 in 柳州三家企业) says where, not who.
        if !gazetteer.lookup(w).isEmpty { return nil }
        // A short name: 星澜泵业.
        guard w.count >= 2, w.count <= 12, w.allSatisfy(isHan), !isGeneric(w) else { return nil }
        if Names.titles.contains(where: { w.contains($0) }) || Names.isAuthority(w) { return nil }
        return ListedName(name: c, kind: .shortName, confidence: 0.7, notes: ["a short name"])
    }
}
