/// The extraction rules (docs/INGEST.md): honor mentions found by the lexicon; recipients by
/// decision sentences (授予A、B“…奖”), receiving verbs (A获得…奖), references to the release's
/// award (获此殊荣, 分别为：…), and lists under headings; negatives (拟授予, 入围, 公示 …) drop a
/// clause, a sentence or the whole release.
struct Extractor {
    let doc: SourceDocument
    let lexicon: HonorLexicon
    let finder: MentionFinder
    let lists: ListReader
    let linker: GraphLinker?

    static let receiverVerbs: [Scalars] = ["被授予", "被评为", "被命名为", "被认定为", "被确定为", "被列为", "荣获", "获得", "喜获", "斩获", "摘得",
                                           "摘取", "获评", "获颁", "获授", "荣膺", "夺得", "捧得", "入选", "当选", "评为", "命名为", "认定为",
                                           "列为", "成功创建", "创建", "创成", "获", "跻身"].map(scalars).sorted { $0.count > $1.count }
    static let giverVerbs: [Scalars] = ["授予", "颁发给", "颁给", "颁授"].map(scalars)
    static let referenceVerbs: [Scalars] = ["名列其中", "位列其中", "榜上有名", "获此殊荣", "获此荣誉", "获此荣誉称号", "名列榜单", "赫然在列"].map(scalars)
    static let listIntros: [Scalars] = ["分别为", "分别是", "它们是", "他们是", "名单如下", "获奖名单", "获奖单位名单", "获奖企业名单",
                                        "获奖组织名单", "获奖个人名单", "获奖团队名单", "获奖者为", "获奖者是", "依次为"].map(scalars)
    static let headingWinners: [Scalars] = ["获奖组织", "获奖单位", "获奖企业", "获奖个人", "获奖团队", "获奖名单", "获奖集体", "获奖者", "获得者", "获奖对象"].map(scalars)
    static let readMore: [Scalars] = ["推荐阅读", "相关阅读", "相关新闻", "相关文件", "相关链接", "延伸阅读", "热点推荐", "猜你喜欢", "相关推荐", "更多阅读"].map(scalars)
    static let clauseMarks: Set<UInt32> = [0xFF0C, 0x2C, 0x3B, 0xFF1B, 0x3A, 0xFF1A, 0x3002, 0x21, 0x3F, 0xFF01, 0xFF1F]
    static let sentenceMarks: Set<UInt32> = [0x3002, 0x21, 0x3F, 0xFF01, 0xFF1F, 0x3B]

    var mentions: [[Mention]] = []
    var main: Mention? = nil
    var out: [Candidate] = []
    var skipped: String? = nil
    /// A list read across sentence marks (；) ends here: the sentences before it are done.
    var skipTo = 0
    /// Mentions (line, start) that a rule gave recipients to.
    var used = Set<Int>()
    /// A reference that a list after ；may continue (A、B位列其中；C公司高级技师D等10人).
    var continuation: (line: Int, end: Int, honor: Mention, tier: Scalars?)? = nil

    init(doc: SourceDocument, lexicon: HonorLexicon, finder: MentionFinder, linker: GraphLinker?) {
        self.doc = doc
        self.lexicon = lexicon
        self.finder = finder
        self.linker = linker
        self.lists = ListReader(linker: linker)
    }

    mutating func run() -> IngestedDocument {
        mentions = doc.lines.enumerated().map { finder.find(in: $0.element, index: $0.offset) }
        completeHonorNames()
        // The release's own award: the first one named near the top, without a tier.
        for ms in mentions.prefix(12) {
            if let m = ms.first(where: { !$0.excluded && !$0.fromGraph }) { main = m; break }
        }
        if main == nil { main = mentions.joined().first { !$0.excluded && !$0.fromGraph && !$0.modifier } }
        if let t = doc.title {
            let ts = scalars(t)
            for n in lexicon.negatives where ts.contains(n.word) && !(n.word == scalars("入围") && ts.contains(scalars("入围奖"))) {
                skipped = "the title says \(string(n.word))"
                return IngestedDocument(document: doc, candidates: [], skippedBecause: skipped)
            }
        }
        var li = 0
        while li < doc.lines.count {
            let w = doc.lines[li].work
            let t = Metadata.trimmed(w)
            if Extractor.readMore.contains(where: { Array(t).has($0, at: 0) }) { break }
            if let next = tableList(at: li) { li = next; continue }
            if let next = headingList(at: li) { li = next; continue }
            sentences(li)
            li += 1
        }
        resolveShortNames()
        // Awards first (their row numbers do not move), then the event, its speakers, statistics.
        let other = EventAndStatReader(doc: doc, mentions: mentions, linker: linker)
        let events = other.events()
        return IngestedDocument(document: doc, candidates: finish() + events + other.stats(events: events), skippedBecause: nil)
    }

    /// A later, shorter mention of an honor the text named in full (天府质量奖 after
    /// 四川天府质量奖, 市长质量奖 after 德州市市长质量奖) takes the full name.
    mutating func completeHonorNames() {
        var seen: [Mention] = []
        for li in mentions.indices {
            for k in mentions[li].indices {
                let m = mentions[li][k]
                if Gazetteer.shared.longestPlace(in: m.base, at: 0) == nil, !m.fromGraph, !m.excluded,
                   let full = seen.last(where: { $0.base.count > m.base.count && $0.base.has(m.base, endingAt: $0.base.count) && $0.place != nil }) {
                    mentions[li][k].base = full.base
                    mentions[li][k].name = full.base + m.tier
                    mentions[li][k].place = full.place
                    if m.level == nil { mentions[li][k].level = full.level }
                }
                seen.append(mentions[li][k])
            }
        }
    }

    // MARK: sentences

    func isNegative(_ w: ArraySlice<UInt32>, scope: String) -> Bool {
        let a = Array(w)
        for n in lexicon.negatives where (scope == "sentence" ? n.scope == "sentence" : n.scope != "title") && a.contains(n.word) {
            if n.word == scalars("入围"), a.contains(scalars("入围奖")) { continue }
            if n.word == scalars("申报"), a.contains(scalars("组织申报")) || a.contains(scalars("单位申报")) || a.contains(scalars("企业申报")) || a.contains(scalars("自愿申报")) { continue }
            return true
        }
        return false
    }

    mutating func sentences(_ li: Int) {
        let w = doc.lines[li].work
        var s = 0
        skipTo = 0
        for i in 0...w.count where i == w.count || Extractor.sentenceMarks.contains(w[i]) {
            if i > s && s >= skipTo { sentence(li, s, i) }
            s = i + 1
        }
    }

    func clause(of i: Int, in w: Scalars, _ s0: Int, _ s1: Int) -> (Int, Int) {
        var a = i, b = i
        while a > s0 && !Extractor.clauseMarks.contains(w[a - 1]) { a -= 1 }
        while b < s1 && !Extractor.clauseMarks.contains(w[b]) { b += 1 }
        return (a, b)
    }

    func verb(in w: Scalars, at i: Int, _ list: [Scalars]) -> Scalars? { list.first { w.has($0, at: i) } }

    mutating func sentence(_ li: Int, _ s0: Int, _ s1: Int) {
        let line = doc.lines[li]
        let w = line.work
        if isNegative(w[s0..<s1], scope: "sentence") { return }
        let ms = mentions[li].filter { $0.start >= s0 && $0.end <= s1 }
        // A sentence after ；that only lists names continues the reference before it.
        if let c = continuation, c.line == li, c.end == s0 - 1, w[c.end] == 0x3B, ms.isEmpty,
           !Extractor.receiverVerbs.contains(where: { v in w[s0..<s1].contains(v) }) {
            let before = out.count
            emit(li, s0, s1, range: s0..<s1, honor: c.honor, tier: c.tier, rule: "a list after ；continuing '\(string(c.honor.name))'", base: 0.8, strongOnly: true, allStrong: true)
            continuation = out.count > before ? (li, s1, c.honor, c.tier) : nil
            return
        }
        continuation = nil
        var i = s0
        while i < s1 {
            // 获奖组织包括：A、B… / 获奖个人为A公司总工程师B: the winners, by the word that names them.
            if let who = verb(in: w, at: i, Extractor.headingWinners), !(i > 0 && Extractor.objectMarks.contains(w[i - 1])),
               let (j, colon) = winnersListStart(w, after: i + who.count, s1) {
                var e = j
                while e < w.count && w[e] != 0x3002 { e += 1 }   // to the full stop, across ；
                let honor = ms.last(where: { $0.end <= i && !$0.excluded && !$0.modifier }) ?? previousMention(before: li) ?? main
                if let h = honor, !isNegative(w[s0..<min(e, w.count)], scope: "clause") {
                    // Without a colon every item must read as a full name (以获奖组织为榜样 is no list).
                    emit(li, s0, e, range: j..<e, honor: h, tier: bareTier(li, s0, i), rule: "a list after '\(string(w[i..<j]))'", base: 0.85, allStrong: !colon)
                }
                if e > s1 { skipTo = e }
                i = s1
                continue
            }
            // Lists introduced by 分别为： …
            if let intro = verb(in: w, at: i, Extractor.listIntros) {
                var j = i + intro.count
                while j < s1 && (w[j] == 0x3A || w[j] == 0xFF1A || isSpace(w[j])) { j += 1 }
                let context = Array(w[s0..<i])
                let awardContext = ["获奖", "获", "名单", "授予", "殊荣", "荣誉"].map(scalars).contains { context.contains($0) || intro.contains($0) }
                if j > i + intro.count && awardContext {
                    let honor = ms.last(where: { $0.end <= i && !$0.excluded }) ?? previousMention(before: li) ?? main
                    var e = j
                    while e < w.count && w[e] != 0x3002 { e += 1 }   // to the full stop, across ；
                    if let h = honor, !h.excluded, j < e, !isNegative(w[s0..<s1], scope: "clause") {
                        emit(li, s0, e, range: j..<e, honor: h, tier: nil, rule: "a list after '\(string(intro))'", base: 0.85)
                    }
                    if e > s1 { skipTo = e }
                    i = s1
                    continue
                }
            }
            // …奖：A、B；提名奖：C、D。 An honor or a tier followed by a colon inside a sentence.
            if let (honor, tier, from) = colonList(li, at: i, s0, s1, ms) {
                var e = from
                while e < w.count && w[e] != 0x3002 && w[e] != 0x3B { e += 1 }
                if !isNegative(w[s0..<e], scope: "clause") {
                    emit(li, s0, e, range: from..<e, honor: honor, tier: tier, rule: "'\(string(tier ?? honor.name))：' A、B", base: 0.85)
                }
                i = max(e, i + 1)
                continue
            }
            if let v = verb(in: w, at: i, Extractor.referenceVerbs) {
                let (c0, _) = clause(of: i, in: w, s0, s1)
                let honor = ms.last(where: { $0.end <= c0 && !$0.excluded && !$0.modifier }) ?? main
                if let h = honor, !isNegative(w[c0..<i], scope: "clause") {
                    // 在提名奖名单中，A、B位列其中: the tier the sentence names before.
                    emit(li, s0, s1, range: c0..<i, honor: h, tier: bareTier(li, s0, c0), rule: "'\(string(v))' refers to \(string(h.name))", base: 0.85)
                    continuation = (li, s1, h, bareTier(li, s0, c0))
                }
                i += v.count
                continue
            }
            if let v = verb(in: w, at: i, Extractor.giverVerbs), !(i > 0 && w[i - 1] == 0x88AB) {   // not 被授予
                let (_, c1) = clause(of: i, in: w, s0, s1)
                let start = i + v.count
                // 本届市长质量奖授予A、B等6家企业，以及C、D3名个人: the honor before the verb, the names after it.
                if !ms.contains(where: { $0.start >= start && $0.start <= c1 + 1 }),
                   let m = ms.last(where: { $0.end <= i && i - $0.end <= 2 && !$0.excluded && !$0.modifier }) {
                    var end = start
                    while end < w.count && w[end] != 0x3002 { end += 1 }
                    let (c0, _) = clause(of: i, in: w, s0, s1)
                    if !isNegative(w[c0..<end], scope: "clause") {
                        emit(li, s0, end, range: start..<end, honor: m, tier: nil, rule: "decision “honor”'\(string(v))' A、B", base: 0.9)
                    }
                    if end > s1 { skipTo = end }
                    i = s1
                    continue
                }
                if let m = ms.first(where: { $0.start >= start && $0.start <= c1 + 1 }), !m.excluded {
                    var e = m.start
                    while e > start && (w[e - 1] == 0x201C || isSpace(w[e - 1])) { e -= 1 }
                    e = stripEditionTail(w, start, e)
                    let (c0, _) = clause(of: i, in: w, s0, s1)
                    // 授予以下6家单位“…奖”：A，B，C。 The names follow the honor after a colon.
                    var after = m.end
                    while after < w.count && (w[after] == 0x201D || isSpace(w[after])) { after += 1 }
                    let placeholder = Extractor.followingWords.contains { Array(w[start..<max(start, e)]).contains($0) }
                    if placeholder, after < w.count, w[after] == 0x3A {
                        var end = after + 1
                        while end < w.count && w[end] != 0x3002 { end += 1 }
                        if !isNegative(w[c0..<end], scope: "clause") && end > after + 1 {
                            emit(li, s0, end, range: (after + 1)..<end, honor: m, tier: nil, rule: "decision '\(string(v))' 以下… “honor”：A，B", base: 0.95)
                        }
                        if end > s1 { skipTo = end }
                        i = s1
                        continue
                    }
                    if !isNegative(w[c0..<c1], scope: "clause") && e > start {
                        emit(li, s0, s1, range: start..<e, honor: m, tier: nil, rule: "decision '\(string(v))' A、B “honor”", base: 0.95)
                    }
                    i = m.end
                    continue
                }
                i += v.count
                continue
            }
            if w.has(Extractor.qizhong, at: i), i > s0, Extractor.clauseMarks.contains(w[i - 1]) || isSpace(w[i - 1]), whereof(li, s0, s1, at: i, mentions: ms) {
                i += 2
                continue
            }
            if w.has(Extractor.huojiang, at: i), i + 2 >= s1 || Extractor.clauseMarks.contains(w[i + 2]) || w.has(scalars("了"), at: i + 2),
               let m = ms.last(where: { $0.end <= i && !$0.excluded && (!$0.modifier || Extractor.inEvaluation(w, $0)) }) {
                // A、B3家企业获奖: winners of the honor the sentence named before (…奖评审中).
                let (c0, _) = clause(of: i, in: w, s0, s1)
                if c0 > m.end || c0 <= m.start {
                    subjectAndEmit(li, s0, s1, c0: c0, verbAt: i, honor: m, tier: nil, rule: "A、B '获奖' (the honor named before: \(string(m.name)))")
                }
                i += 2
                continue
            }
            if let v = verb(in: w, at: i, Extractor.receiverVerbs) {
                receiver(li, s0, s1, verbAt: i, verb: v, mentions: ms)
                i += v.count
                continue
            }
            i += 1
        }
        unusedMentions(li, s0, s1, ms)
    }

    /// Where the names start after a word naming the winners (获奖组织): after 名单, a verb of
    /// being (包括, 为, 是, 有, 分别为) and a colon, or after a colon alone.
    static let objectMarks: Set<UInt32> = Set(scalars("以向对让把给与和及"))

    func winnersListStart(_ w: Scalars, after p0: Int, _ s1: Int) -> (Int, Bool)? {
        var p = p0
        if w.has(scalars("名单"), at: p) { p += 2 }
        var verbSeen = false
        for v in ["包括", "分别为", "分别是", "依次为", "为", "是", "有"].map(scalars) where w.has(v, at: p) { p += v.count; verbSeen = true; break }
        var colon = false
        while p < s1 && (w[p] == 0x3A || isSpace(w[p])) { if w[p] == 0x3A { colon = true }; p += 1 }
        guard verbSeen || colon, p < s1 else { return nil }
        return (p, colon)
    }

    /// An honor mention or a tier at `i` that a colon follows (after 获奖单位/名单 or a count):
    /// (honor, tier, where the names start). Not at a line's start: headings read those.
    func colonList(_ li: Int, at i: Int, _ s0: Int, _ s1: Int, _ ms: [Mention]) -> (Mention, Scalars?, Int)? {
        let w = doc.lines[li].work
        guard i > Metadata.trimmed(w).startIndex else { return nil }
        var honor: Mention? = nil, tier: Scalars? = nil, q = i
        if let m = ms.first(where: { $0.start == i && !$0.excluded && !$0.modifier }) { honor = m; q = m.end }
        else if let t = lexicon.tiers.first(where: { $0.count >= 2 && w.has($0, at: i) }),
                [scalars("提名奖"), scalars("金奖"), scalars("银奖"), scalars("铜奖"), scalars("个人奖"), scalars("组织奖")].contains(t),
                !mentions[li].contains(where: { $0.start <= i && i < $0.end }),
                let h = ms.last(where: { $0.end <= i && !$0.excluded && !$0.modifier }) ?? previousMention(before: li) ?? main {
            honor = h; tier = t; q = i + t.count
        }
        guard let h = honor else { return nil }
        for word in ["获奖单位", "获奖企业", "获奖组织", "获奖个人", "获奖名单", "获得者", "名单", "单位", "企业"].map(scalars) where w.has(word, at: q) { q += word.count; break }
        if q < w.count && w[q] == 0x28, let close = w[q...].firstIndex(of: 0x29), close - q <= 10 { q = close + 1 }
        guard q < s1, w[q] == 0x3A else { return nil }
        q += 1
        while q < s1 && isSpace(w[q]) { q += 1 }
        return q < w.count && w[q] != 0x3002 ? (h, tier, q) : nil
    }

    /// A tier named on its own (提名奖名单, 获得金奖) between `from` and `to`, outside any honor mention.
    func bareTier(_ li: Int, _ from: Int, _ to: Int) -> Scalars? {
        let w = doc.lines[li].work
        var k = from
        while k < to {
            if let t = lexicon.tiers.first(where: { $0.count >= 2 && w.has($0, at: k) }), k + t.count <= to,
               [scalars("提名奖"), scalars("金奖"), scalars("银奖"), scalars("铜奖")].contains(t),
               !mentions[li].contains(where: { $0.start <= k && k < $0.end }) {
                return t
            }
            k += 1
        }
        return nil
    }

    /// Mentions no verb rule used: `A、B 2个 honor` (a counted list right before it) and
    /// `巩固 honor 创建成果` (the release's own place).
    mutating func unusedMentions(_ li: Int, _ s0: Int, _ s1: Int, _ ms: [Mention]) {
        let w = doc.lines[li].work
        for m in ms where !m.excluded && !m.modifier && !used.contains(m.line << 20 | m.start) {
            let (c0, _) = clause(of: m.start, in: w, s0, s1)
            if isNegative(w[c0..<s1], scope: "clause") { continue }
            if w.has(scalars("创建成果"), at: m.end), placeHonor(m), let home = homePlace(),
               Array(w[c0..<m.start]).contains(scalars("巩固")) {
                add(li, s0, s1, name: ListedName(name: scalars(home), kind: .place, confidence: 0.6), honor: m, tier: nil,
                    rule: "巩固 honor 创建成果: the release's own place", counted: false)
                continue
            }
            // A counted list: …、… N个 honor.
            var k = m.start
            guard k > c0, ListReader.countUnits.contains(w[k - 1]) else { continue }
            k -= 1
            let unitAt = k
            while k > c0 && (isDigit(w[k - 1]) || chineseNumber(w[(k - 1)...(k - 1)]) != nil) { k -= 1 }
            guard k < unitAt, let n = chineseNumber(w[k..<unitAt]), n >= 1 else { continue }
            let items = w[c0..<k].split(separator: 0x3001).map(Array.init)
            guard items.count == n else { continue }
            // 其中潍坊市拥有1个中国质量奖: a count of what a place has is a statistic, not a list.
            if items.contains(where: { it in ["拥有", "有", "共", "累计", "达"].map(scalars).contains { it.contains($0) } }) { continue }
            var places: [(String, Scalars)] = []
            for it in items {
                // The place the item starts with (高新区工程机械 → 济宁高新区).
                var hit: String? = nil
                for start in 0..<min(4, it.count) {
                    var len = min(10, it.count - start)
                    while len >= 2 {
                        let sub = Array(it[start..<(start + len)])
                        if let l = linker, let e = l.link(sub), ["district", "city", "province"].contains(e.kind) { hit = e.name; break }
                        len -= 1
                    }
                    if hit != nil { break }
                }
                if let h = hit { places.append((h, it)) }
            }
            guard places.count == n else { continue }
            for (name, _) in places {
                add(li, s0, s1, name: ListedName(name: scalars(name), kind: .place, confidence: 0.7), honor: m, tier: nil,
                    rule: "a counted list of places before the honor (\(n) places)", counted: true)
            }
        }
    }

    static let qizhong = scalars("其中")
    static let huojiang = scalars("获奖")

    /// A mention followed by 评审中/评选中: the evaluation of that honor (its winners may follow).
    static func inEvaluation(_ w: Scalars, _ m: Mention) -> Bool {
        ["评审中", "评选中", "评审结果", "评选结果"].map(scalars).contains { w.has($0, at: m.end) }
    }

    /// Whether a stretch holds a count of things (125个项目, 5家企业).
    static func holdsCount(_ s: ArraySlice<UInt32>) -> Bool {
        var k = s.startIndex
        while k < s.endIndex {
            if isDigit(s[k]) {
                var j = k
                while j < s.endIndex && isDigit(s[j]) { j += 1 }
                if j < s.endIndex && ListReader.countUnits.contains(s[j]) { return true }
                k = j
            } else { k += 1 }
        }
        return false
    }

    /// `共有7家组织获奖，其中A、B等4家企业来自…`: after a clause that counts winners of the
    /// honor named before, the organisations a 其中 clause lists are winners too (full names only).
    mutating func whereof(_ li: Int, _ s0: Int, _ s1: Int, at i: Int, mentions ms: [Mention]) -> Bool {
        let w = doc.lines[li].work
        let (p0, _) = clause(of: i - 2, in: w, s0, s1)
        let previous = Array(w[p0..<(i - 1)])
        guard previous.contains(scalars("获奖")) || previous.contains(scalars("获此殊荣")) else { return false }
        guard previous.contains(where: { ListReader.countUnits.contains($0) }), previous.contains(where: { isDigit($0) || chineseNumber([$0][...]) != nil }) else { return false }
        guard let h = ms.last(where: { $0.end <= i && !$0.excluded }) ?? previousMention(before: li) ?? main else { return false }
        if isNegative(w[p0..<s1], scope: "clause") { return false }
        let (_, c1) = clause(of: i + 2, in: w, s0, s1)
        var e = i + 2
        // The list ends at its count (等4家企业) or at the clause's end.
        var k = i + 2
        while k < c1 {
            if w[k] == 0x7B49, k + 1 < c1, isDigit(w[k + 1]) || chineseNumber(w[(k + 1)...(k + 1)]) != nil {
                var d = k + 1
                while d < c1 && (isDigit(w[d]) || chineseNumber(w[d...d]) != nil) { d += 1 }
                if d < c1, ListReader.countUnits.contains(w[d]) { e = d + 1; break }
            }
            k += 1
        }
        if e == i + 2 { e = c1 }
        let before = out.count
        emit(li, s0, s1, range: (i + 2)..<e, honor: h, tier: nil, rule: "其中 A、B after a clause counting the winners of \(string(h.name))", base: 0.8, strongOnly: true)
        return out.count > before
    }

    /// `A、B获得…奖` and `A被…评为…`.
    mutating func receiver(_ li: Int, _ s0: Int, _ s1: Int, verbAt i: Int, verb v: Scalars, mentions ms: [Mention]) {
        let w = doc.lines[li].work
        let (c0, c1) = clause(of: i, in: w, s0, s1)
        if isNegative(w[c0..<c1], scope: "clause") { return }
        let after = i + v.count
        // The honors it governs: mentions after the verb in the clause, before another verb.
        var objects: [Mention] = []
        var nextVerb = c1
        var k = after
        while k < c1 {
            if Extractor.receiverVerbs.contains(where: { w.has($0, at: k) }) || Extractor.giverVerbs.contains(where: { w.has($0, at: k) }) {
                if !ms.contains(where: { $0.start <= k && k < $0.end }) { nextVerb = k; break }
            }
            k += 1
        }
        for m in ms where m.start >= after && m.start < nextVerb && !m.modifier { objects.append(m) }
        if objects.isEmpty, v == scalars("入选") || v == scalars("当选") || v == scalars("跻身"),
           let m = ms.last(where: { $0.end <= c0 && !$0.excluded }), Metadata.trimmed(w[c0..<i]).count >= 2 {
            subjectAndEmit(li, s0, s1, c0: c0, verbAt: i, honor: m, tier: nil, rule: "A '\(string(v))' (the honor named before: \(string(m.name)))")
            return
        }
        guard let first = objects.first else {
            // 获提名奖: the release's award with that tier.
            var j = after
            while j < c1 && (w[j] == 0x4E86 || w[j] == 0x201C) { j += 1 }
            // The award named last before it (…获第五届中国质量奖提名奖，B同时获得提名奖), else the
            // release's own.
            let before = mentions[li].last(where: { $0.end <= i && !$0.excluded && !$0.modifier }) ?? previousMention(before: li) ?? main
            if let h = before, let t = lexicon.tiers.first(where: { w.has($0, at: j) }), t == scalars("提名奖") || t == scalars("金奖") || t == scalars("银奖") {
                subjectAndEmit(li, s0, s1, c0: c0, verbAt: i, honor: h, tier: t, rule: "'\(string(v))\(string(t))': the award named before with that tier")
            }
            return
        }
        if first.start - after > 24 { return }
        for m in objects where !m.excluded {
            subjectAndEmit(li, s0, s1, c0: c0, verbAt: i, honor: m, tier: nil, rule: "A '\(string(v))' honor")
        }
        // 获得…奖的A、B以及C: the names after the honor.
        if let last = objects.last, last.end < c1, w[last.end] == 0x7684, lists.read(work: w[c0..<i], clean: doc.lines[li].clean[c0..<i]).names.isEmpty {
            // 获得本届…奖的我市企业是：A、B (a descriptor and a verb of being before the names).
            var from = last.end + 1
            var k = from
            while k < min(c1 + 1, from + 12, w.count) {
                if let b = ["包括", "分别为", "分别是", "是", "为", "有"].map(scalars).first(where: { w.has($0, at: k) }) {
                    var j = k + b.count
                    while j < w.count && (w[j] == 0x3A || isSpace(w[j])) { j += 1 }
                    from = j
                    break
                }
                k += 1
            }
            var e = c1
            if from > c1 { e = from; while e < w.count && w[e] != 0x3002 { e += 1 }; if e > s1 { skipTo = e } }
            if from < e {
                emit(li, s0, e, range: from..<e, honor: last, tier: nil, rule: "'\(string(v))' honor 的 A、B", base: 0.85, strongOnly: true)
            }
        }
    }

    mutating func subjectAndEmit(_ li: Int, _ s0: Int, _ s1: Int, c0: Int, verbAt i: Int, honor: Mention, tier: Scalars?, rule: String) {
        let w = doc.lines[li].work
        var end = i
        var authority: String? = nil
        if let bei = w[c0..<i].lastIndex(of: 0x88AB) {   // 被: the subject is before it, the giver after
            if bei + 1 < i { authority = string(doc.lines[li].clean[(bei + 1)..<i]) }
            end = bei
        }
        var start = c0
        var base = 0.9
        // A（曾获…）: the subject stands before the bracket the verb is in.
        if let open = w[c0..<end].lastIndex(where: { $0 == 0x28 }), !w[open..<end].contains(0x29), open > c0 { end = open }
        let subjectEntities = linker.map { $0.entities(mentionedIn: Array(w[start..<end])) } ?? []
        if Metadata.trimmed(w[start..<end]).isEmpty || lists.read(work: w[start..<end], clean: doc.lines[li].clean[start..<end]).names.isEmpty && subjectEntities.isEmpty {
            // No subject in this clause: the previous clause of the sentence, if it names something.
            guard c0 > s0 + 1 else {
                if let h = Optional(honor), placeHonor(h), let home = homePlace(), Metadata.trimmed(w[start..<end]).count <= 6 {
                    add(li, s0, s1, name: ListedName(name: scalars(home), kind: .place, confidence: 0.6), honor: h, tier: tier,
                        rule: rule + "; no subject: the release's own place", counted: false, authority: authority)
                }
                return
            }
            let (p0, _) = clause(of: c0 - 2, in: w, s0, s1)
            start = p0; end = c0 - 1
            base = 0.7
        }
        emit(li, s0, s1, range: start..<end, honor: honor, tier: tier, rule: rule, base: base, authority: authority)
    }

    func placeHonor(_ m: Mention) -> Bool {
        let n = m.name
        return ["城市", "市", "县", "区", "省"].map(scalars).contains { n.has($0, endingAt: n.count) }
    }

    func homePlace() -> String? {
        guard let t = doc.title else { return nil }
        let ts = scalars(t)
        for i in 0..<ts.count {
            if let (_, divs) = Gazetteer.shared.longestPlace(in: ts, at: i), divs.count == 1 { return divs[0].name }
        }
        return nil
    }

    func stripEditionTail(_ w: Scalars, _ start: Int, _ end: Int) -> Int {
        var e = end
        while e > start {
            if let (s, _) = finder.editionEnding(w, e) { e = s; continue }
            if let (s, _, _) = finder.yearEnding(w, e) { e = s; continue }
            if w[e - 1] == 0x201C || isSpace(w[e - 1]) { e -= 1; continue }
            break
        }
        return e
    }

    func previousMention(before li: Int) -> Mention? {
        var l = li - 1
        while l >= 0 && l >= li - 6 {
            if let m = mentions[l].last(where: { !$0.excluded && !$0.modifier }) { return m }
            l -= 1
        }
        return nil
    }

    // MARK: tables

    /// The cells of a table row: the line split on runs of white space (an HTML cell boundary is
    /// an ideographic space), as ranges of the line.
    func cells(_ li: Int) -> [Range<Int>] {
        let w = doc.lines[li].work
        var out: [Range<Int>] = []
        var i = 0
        while i < w.count {
            while i < w.count && isSpace(w[i]) { i += 1 }
            let s = i
            while i < w.count && !isSpace(w[i]) { i += 1 }
            if i > s { out.append(s..<i) }
        }
        return out
    }

    /// A header cell without its bracketed qualifier: 获奖单位（个人） → 获奖单位.
    static func withoutBrackets(_ c: Scalars) -> Scalars {
        guard let open = c.firstIndex(where: { $0 == 0x28 || $0 == 0xFF08 }), open >= 2 else { return c }
        return Array(c[..<open])
    }

    static let nameHeaders: [Scalars] = ["获奖单位", "获奖企业", "获奖组织", "获奖者", "获奖个人", "获奖对象", "单位名称", "企业名称", "组织名称",
                                         "申报单位", "名称", "单位", "企业", "组织", "姓名"].map(scalars)
    static let awardHeaders: [Scalars] = ["奖项", "获奖等次", "获奖等级", "获奖类别", "奖励等次", "等次", "等级", "类别", "奖别", "荣誉", "奖励"].map(scalars)

    /// A table: a header row with a name column (单位名称, 获奖企业, 姓名 …) and maybe an award
    /// column (奖项, 等次), then one recipient a row. The honor is the row's award cell (a full
    /// name, or a tier of the award named before the table), else the award named before it.
    /// Returns the line after the table, or nil if `li` is no table header.
    mutating func tableList(at li: Int) -> Int? {
        let head = cells(li)
        guard head.count >= 2, head.count <= 8 else { return nil }
        let w = doc.lines[li].work
        func header(_ r: Range<Int>, _ words: [Scalars]) -> Bool {
            let c = Extractor.withoutBrackets(Array(w[r]))
            return c.count <= 8 && words.contains { c == $0 || c.count <= $0.count + 2 && c.has($0, endingAt: c.count) }
        }
        guard isTableHeader(li), let nameCol = head.firstIndex(where: { header($0, Extractor.nameHeaders) }) else { return nil }
        let awardCol = head.firstIndex(where: { header($0, Extractor.awardHeaders) })
        // Every header cell is a short label, not a name or a sentence.
        guard head.allSatisfy({ $0.count <= 12 && !w[$0].contains(0x3002) }) else { return nil }
        let before = mentions[li].last(where: { !$0.excluded && !$0.modifier }) ?? previousMention(before: li) ?? main
        var l = li + 1
        var rows = 0
        while l < doc.lines.count {
            let rc = cells(l)
            let t = Metadata.trimmed(doc.lines[l].work)
            if t.isEmpty { if rows > 0 { break }; l += 1; continue }
            guard rc.count >= 2, rc.count <= head.count + 1, nameCol < rc.count, !t.contains(0x3002) else { break }
            // Cells shift left when the row has no number: align on the right when the counts differ.
            let shift = rc.count - head.count
            let ni = nameCol + shift
            guard ni >= 0, ni < rc.count else { break }
            var honor = before, tier: Scalars? = nil
            if let ac = awardCol, ac + shift >= 0, ac + shift < rc.count {
                let ar = rc[ac + shift]
                if let m = mentions[l].first(where: { $0.start >= ar.lowerBound && $0.end <= ar.upperBound && !$0.excluded }) { honor = m } else {
                    tier = lexicon.tiers.first { Array(doc.lines[l].work[ar]).has($0, at: 0) }
                }
            }
            if let h = honor, !isNegative(doc.lines[l].work[...], scope: "clause") {
                let nr = rc[ni]
                let r = lists.read(work: doc.lines[l].work[nr], clean: doc.lines[l].clean[nr], wholeItems: true)
                for n in r.names where n.kind != .place {
                    add(l, nr.lowerBound, nr.upperBound, name: n, honor: h, tier: tier, rule: "a table row under '\(string(w[head[nameCol]]))'", counted: false)
                }
            }
            rows += 1
            l += 1
        }
        return rows > 0 ? l : nil
    }

    // MARK: heading lists

    /// A heading naming an award or tier (`二、提名奖（4家）`, `组织奖：`, `（一）卓越奖`), and the
    /// names under it, one a line. Returns the line after the list, or nil if `li` is no heading.
    mutating func headingList(at li: Int) -> Int? {
        var h = heading(li)
        if h == nil, let (honor, tier) = introLine(li) {
            // The line's own sentences first (…共有4家单位获奖。获得…的单位有：), then the list below.
            sentences(li)
            h = (honor, tier, doc.lines[li].work.count, false)
        }
        guard let (honor, tier, inlineFrom, negative) = h else { return nil }
        let line = doc.lines[li]
        var found = 0
        if inlineFrom < line.work.count, !negative {
            let before = out.count
            emitHeadingItems(li, range: inlineFrom..<line.work.count, honor: honor, tier: tier)
            found += out.count - before
        }
        var l = li + 1
        while l < doc.lines.count {
            let t = Metadata.trimmed(doc.lines[l].work)
            if t.isEmpty {
                if found > 0 { break }
                l += 1
                continue
            }
            // A line that ends with a colon introduces a list of its own.
            if heading(l) != nil || introLine(l) != nil || isTableHeader(l) || t.last == 0x3A && t.count > 12 { break }
            if t.count > 60 || t.last == 0x3002 || Metadata.date(in: t) != nil && t.count <= 16 { break }
            let ts = Array(t)
            if ts.has(scalars("附件"), at: 0) { break }
            // A signature: a name right above the date line.
            var n = l + 1
            while n < doc.lines.count && Metadata.trimmed(doc.lines[n].work).isEmpty { n += 1 }
            if n < doc.lines.count, Metadata.trimmed(doc.lines[n].work).count <= 16, Metadata.date(in: doc.lines[n].work) != nil { break }
            if !negative {
                let before = out.count
                emitHeadingItems(l, range: t.startIndex..<t.endIndex, honor: honor, tier: tier)
                found += out.count - before
            }
            l += 1
        }
        return l
    }

    mutating func emitHeadingItems(_ li: Int, range: Range<Int>, honor: Mention, tier: Scalars?) {
        let line = doc.lines[li]
        let r = lists.read(work: line.work[range], clean: line.clean[range], wholeItems: true)
        for n in r.names {
            if n.kind == .shortName && n.name.count > 10 { continue }
            add(li, range.lowerBound, range.upperBound, name: n, honor: honor, tier: tier, rule: "a name under the heading '\(string(tier ?? honor.name))'", counted: r.counted)
        }
    }

    static let introWords: [Scalars] = ["名单", "如下", "以下", "下列", "有", "是", "为", "包括", "获奖"].map(scalars)
    static let followingWords: [Scalars] = ["以下", "下列"].map(scalars)

    /// A line that introduces a list one name a line below it: it ends with a colon after
    /// 名单/如下/以下/…有/…是 (现将获奖名单公布如下：, 获得…奖的单位有：), or it names `以下N家企业`
    /// and an honor (确定以下8家企业的质量管理经验为2024年福建省质量标杆，现予公布。) and the next
    /// line starts a list. The honor: the last one the line names, else the one before, else the
    /// release's own.
    func introLine(_ li: Int) -> (Mention, Scalars?)? {
        let w = doc.lines[li].work
        let t = Metadata.trimmed(w)
        guard t.count >= 3 else { return nil }
        let ta = Array(t)
        let colonEnd = ta.last == 0x3A
        var introduces = false
        if colonEnd {
            // …名单公布如下：, or a decision that gives the honor to 以下/下列 units: (决定授予下列单位…奖：).
            let tail = Array(ta.suffix(12))
            introduces = Extractor.introWords.contains { tail.contains($0) }
                || Extractor.followingWords.contains(where: { ta.contains($0) }) && Extractor.giverVerbs.contains(where: { ta.contains($0) })
        } else if Extractor.followingWords.contains(where: { ta.contains($0) }), mentions[li].contains(where: { !$0.excluded && !$0.modifier }) {
            // The next non-empty line must look like an item: an enumerator or a short line.
            var n = li + 1
            while n < doc.lines.count && Metadata.trimmed(doc.lines[n].work).isEmpty { n += 1 }
            if n < doc.lines.count {
                let nt = Array(Metadata.trimmed(doc.lines[n].work))
                introduces = lists.stripEnumerator(nt).startIndex > 0 || nt.count <= 30 && !nt.contains(0x3002)
            }
        }
        guard introduces else { return nil }
        if isNegative(w[...], scope: "clause") || isNegative(w[...], scope: "sentence") { return nil }
        let ms = mentions[li].filter { !$0.excluded && !$0.modifier }
        guard let honor = ms.last ?? previousMention(before: li) ?? main else { return nil }
        return (honor, ms.isEmpty ? bareTier(li, 0, w.count) : nil)
    }

    func isTableHeader(_ li: Int) -> Bool {
        let head = cells(li)
        let w = doc.lines[li].work
        return head.count >= 2 && head.contains { r in
            let c = Extractor.withoutBrackets(Array(w[r]))
            return c.count <= 8 && Extractor.nameHeaders.contains { c == $0 || c.count <= $0.count + 2 && c.has($0, endingAt: c.count) }
        } && head.allSatisfy { $0.count <= 12 }
    }

    /// (honor, tier, where names on the same line start, negative heading).
    func heading(_ li: Int) -> (Mention, Scalars?, Int, Bool)? {
        let line = doc.lines[li]
        let w = line.work
        let t = Metadata.trimmed(w)
        guard !t.isEmpty, t.count <= 60 || t.contains(where: isSpace) else { return nil }
        var p = lists.stripEnumerator(Array(t)).startIndex + t.startIndex
        let enumerated = p > t.startIndex
        while p < t.endIndex && isSpace(w[p]) { p += 1 }
        let negWords = ["拟", "公示", "推荐", "申报", "入围", "候选", "初选"].map(scalars)
        var honor: Mention? = nil
        var tier: Scalars? = nil
        var q = p
        if let m = mentions[li].first(where: { $0.start == p || $0.start == p + 1 && w[p] == 0x300A }) {
            honor = m; q = m.end
        } else if let tr = lexicon.tiers.first(where: { w.has($0, at: p) }), tr.count >= 2, let mn = main {
            honor = mn; tier = tr; q = p + tr.count
        } else if let hw = Extractor.headingWinners.first(where: { w.has($0, at: p) }), let mn = main {
            honor = mn; q = p + hw.count
        } else if w.has(scalars("获"), at: p), let tr = lexicon.tiers.first(where: { w.has($0, at: p + 1) }), let mn = main {
            honor = mn; tier = tr; q = p + 1 + tr.count
        }
        guard let h = honor, !h.excluded else { return nil }
        // What may follow the heading's words: 名单, a count (3家), a colon; then names, if any.
        let rest0 = q
        for word in ["获奖名单", "名单", "获奖组织", "获奖企业", "获奖个人", "获奖单位", "获得者", "获奖者", "获奖对象"].map(scalars) where w.has(word, at: q) { q += word.count; break }
        if w.has(scalars("名单"), at: q) { q += 2 }
        for word in ["如下", "包括", "分别为", "为", "是"].map(scalars) where w.has(word, at: q) { q += word.count; break }
        var counted = false
        if q < w.count && w[q] == 0x28, let close = w[q...].firstIndex(of: 0x29), close - q <= 14 {
            counted = true
            q = close + 1
        }
        var colon = false
        while q < w.count && (w[q] == 0x3A || isSpace(w[q])) { if w[q] == 0x3A { colon = true }; q += 1 }
        let tail = w[q..<t.endIndex]
        let negative = negWords.contains { Array(t).contains($0) }
        if tail.isEmpty {
            guard enumerated || colon || counted || q - p == t.count || rest0 == t.endIndex else { return nil }
            return (h, tier, w.count, negative)
        }
        // Names on the same line only after a colon or a count (flattened lists).
        guard colon || counted else { return nil }
        if tail.contains(0x3002) { return nil }
        return (h, tier, q, negative)
    }

    // MARK: candidates

    mutating func emit(_ li: Int, _ s0: Int, _ s1: Int, range: Range<Int>, honor: Mention, tier: Scalars?, rule: String, base: Double, authority: String? = nil, strongOnly: Bool = false, allStrong: Bool = false) {
        guard !range.isEmpty else { return }
        let line = doc.lines[li]
        let r = lists.read(work: line.work[range], clean: line.clean[range])
        if allStrong && (r.names.isEmpty || r.names.contains { $0.kind == .shortName || $0.kind == .place } || r.unread > 0) { return }
        let multiple = r.names.count >= 2
        for var n in r.names {
            if strongOnly && n.kind == .shortName { continue }
            if n.kind == .shortName && !(r.counted || multiple) {
                // A lone short name is kept only if the graph or a full name in the text backs it.
                // So does a line whose lists already gave short names (竹乡家居、天荒坪茶业3家企业获…，云鸿纺织获提名奖).
                // And one the release already gave an award to (鼎泰铸造（曾获第三届…提名奖）).
                guard fullName(containing: n.name) != nil || linker?.entity(named: n.name) != nil
                        || out.contains(where: { $0.recipient == string(n.name) && $0.recipientKind == .shortName })
                        || out.contains(where: { $0.line == line.number && $0.recipientKind == .shortName }) else { continue }
            }
            n.confidence = min(n.confidence, base + 0.05)
            if r.countMismatch { n.confidence -= 0.2; n.notes.append("the count after 等 is smaller than the list") } else if r.counted { n.confidence += 0.03; n.notes.append("a count closes the list") }
            add(li, s0, s1, name: n, honor: honor, tier: tier, rule: rule, counted: r.counted, authority: authority)
        }
        // Nothing read as a name: a graph entity named inside (the subject's 三孔景区) — unless
        // the subject is a count (其中125个项目入选…): that is a statistic (EventsAndStats).
        if r.names.isEmpty, let l = linker, !Extractor.holdsCount(line.work[range]) {
            for (name, _) in l.entities(mentionedIn: Array(line.work[range])).prefix(1) {
                add(li, s0, s1, name: ListedName(name: scalars(name), kind: .entity, confidence: 0.6, notes: ["a graph entity named in the subject"]),
                    honor: honor, tier: tier, rule: rule, counted: false, authority: authority)
            }
        }
    }

    mutating func add(_ li: Int, _ s0: Int, _ s1: Int, name n: ListedName, honor m: Mention, tier: Scalars?, rule: String, counted: Bool, authority: String? = nil) {
        if m.excluded { return }
        used.insert(m.line << 20 | m.start)
        let line = doc.lines[li]
        var honorName = m.name
        if let t = tier, !m.name.has(t, endingAt: m.name.count) { honorName = m.base + t }
        if let iss = doc.issuer, string(n.name) == iss { return }
        let editions = m.editions.isEmpty ? (sameAward(m) ? (main?.editions ?? []) : []) : m.editions
        var yearText = m.yearText, year = m.year
        if yearText == nil && m.editions.isEmpty && sameAward(m) { yearText = main?.yearText; year = main?.year }
        let span = string(line.clean[s0..<min(s1, line.clean.count)]).trimmingSpaces
        for ed in (editions.isEmpty ? [nil] : editions.map { Optional($0) }) {
            var c = Candidate(recipient: string(n.name), recipientKind: n.kind, honor: string(honorName), source: doc.id, line: line.number,
                              span: span.count > 160 ? String(span.prefix(160)) + "…" : span, confidence: n.confidence, reasons: [rule] + n.notes)
            c.edition = ed
            c.year = year
            c.yearText = yearText
            c.batch = m.batch
            c.honorLevel = m.level
            c.honorType = m.type
            c.honorPlace = m.place?.name
            c.tier = tier.map { string($0) } ?? (m.tier.isEmpty ? nil : string(m.tier))
            c.authority = authority ?? doc.issuer
            c.noticeNumber = doc.noticeNumber
            c.employer = n.employer.map { string($0) }
            c.title = n.title.map { string($0) }
            if n.kind == .organisation || n.kind == .team || n.kind == .shortName {
                if let (_, divs) = Gazetteer.shared.longestPlace(in: n.name, at: 0), divs.count == 1 { c.place = divs[0].name }
            }
            c.prize = prize(in: line.work, s0, s1)
            if doc.isTraditional { c.writtenAs = nil }
            out.append(c)
        }
    }

    func sameAward(_ m: Mention) -> Bool {
        guard let mn = main else { return false }
        return m.base == mn.base || mn.base.contains(Array(m.base.suffix(3))) && m.base.count <= mn.base.count
    }

    /// 奖励人民币50万元 / 各奖励30万元.
    func prize(in w: Scalars, _ s0: Int, _ s1: Int) -> String? {
        guard let k = w.find(scalars("奖励"), from: s0, to: s1) else { return nil }
        var i = k + 2
        if w.has(scalars("人民币"), at: i) { i += 3 }
        let d0 = i
        while i < s1 && (isDigit(w[i]) || w[i] == 0x2E) { i += 1 }
        guard i > d0, i < s1 else { return nil }
        if w.has(scalars("万元"), at: i) { return string(w[d0..<i]) + "万元" }
        if w[i] == 0x5143 { return string(w[d0..<i]) + "元" }
        return nil
    }

    // MARK: short names, links

    /// Every organisation name with a suffix in the text (for resolving short names).
    func fullNames() -> [Scalars] {
        var out: [Scalars] = []
        let strong = ["股份有限公司", "有限责任公司", "有限公司", "集团", "公司", "研究院", "研究所", "医院"].map(scalars)
        let stops: Set<UInt32> = Set(scalars("是的为与和及、获在由将对向了把从等，。；：（）“”《》,;:() 　年月日届度"))
        for l in doc.lines {
            let w = l.work
            var i = 0
            while i < w.count {
                guard let suf = strong.first(where: { w.has($0, at: i) }) else { i += 1; continue }
                let end = i + suf.count
                var s = i
                while s > 0 && !stops.contains(w[s - 1]) && i - s < 20 { s -= 1 }
                if i - s >= 2 { out.append(Array(l.clean[s..<end])) }
                i = end
            }
        }
        return out
    }

    func fullName(containing short: Scalars) -> Scalars? {
        let hits = Set(fullNames().filter { $0.count > short.count && $0.contains(short) })
        return hits.count == 1 ? hits.first : nil
    }

    mutating func resolveShortNames() {
        let names = fullNames()
        for k in out.indices where out[k].recipientKind == .shortName {
            let s = scalars(out[k].recipient)
            var hits = Set(names.filter { $0.count > s.count && $0.contains(s) })
            // An abbreviation picks characters in order (柳江钢构 = 广西柳江钢结构工程有限公司).
            if hits.isEmpty && s.count >= 3 {
                hits = Set(names.filter { full in
                    guard let start = full.find(Array(s.prefix(2))) else { return false }
                    var j = start + 2
                    for ch in s.dropFirst(2) {
                        while j < full.count && full[j] != ch { j += 1 }
                        if j == full.count { return false }
                        j += 1
                    }
                    return true
                })
            }
            if hits.count == 1, let full = hits.first {
                out[k].writtenAs = out[k].recipient
                out[k].recipient = string(full)
                out[k].recipientKind = Names.isTeam(full) ? .team : .organisation
                out[k].reasons.append("short name \(out[k].writtenAs!) = \(string(full)), named later in the text")
                out[k].confidence += 0.1
                if let (_, divs) = Gazetteer.shared.longestPlace(in: full, at: 0), divs.count == 1 { out[k].place = divs[0].name }
            }
        }
    }

    func finish() -> [Candidate] {
        var seen: [String: Int] = [:]
        var result: [Candidate] = []
        for var c in out {
            if let l = linker, let hit = l.link(scalars(c.recipient)) {
                if hit.name != c.recipient { c.writtenAs = c.writtenAs ?? c.recipient; c.reasons.append("linked to the graph's \(hit.kind) \(hit.name)") }
                c.recipient = hit.name
                c.linkedKind = hit.kind
                if c.recipientKind == .shortName { c.recipientKind = .entity; c.confidence += 0.1 }
            }
            if let l = linker, let h = l.honors[scalars(c.honor)] { c.honor = h; c.honorLinked = true }
            c.confidence = (min(0.99, max(0.05, c.confidence)) * 100).rounded() / 100
            let key = c.recipient + "\t" + c.honor + "\t" + (c.edition ?? "") + "\t" + (c.yearText ?? "")
            if let k = seen[key] {
                if c.confidence > result[k].confidence { result[k].confidence = c.confidence }
                continue
            }
            seen[key] = result.count
            result.append(c)
        }
        return result
    }
}
