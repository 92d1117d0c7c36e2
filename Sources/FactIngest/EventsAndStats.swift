/// Events (press conferences with their speakers) and statistics (counts and rates), read by
/// rules as formulaic as the award rules (docs/INGEST.md, "Events and statistics"):
///
///     9月10日上午,市政府新闻办组织召开“…”主题系列新闻发布会。介绍济宁市加强质量支撑…有关情况
///       → event 济宁市加强质量支撑共建质量强市新闻发布会 date=2024-09-10 host=济宁市人民政府新闻办公室
///     发布人 / 周庆华 市市场监管局党组书记、局长 … → speaker 周庆华 (发布人)
///     截至目前,全市共有省长质量奖及提名奖14个 → stat 济宁市 省长质量奖及提名奖 14 个 (共, honor 省长质量奖)
struct EventAndStatReader {
    let doc: SourceDocument
    let mentions: [[Mention]]
    let linker: GraphLinker?
    let lists: ListReader
    /// The release's own place (its title, else its issuer, else the place it names most).
    let home: Gazetteer.Division?

    init(doc: SourceDocument, mentions: [[Mention]], linker: GraphLinker?) {
        self.doc = doc
        self.mentions = mentions
        self.linker = linker
        self.lists = ListReader(linker: linker)
        self.home = EventAndStatReader.homeDivision(doc, mentions: mentions)
    }

    /// The release's own place: the first place its title names outside an honor's name (湖南省 in
    /// 湖南省省长质量奖 gives the award, not the release), else its issuer's (来源：衡阳日报), else
    /// the place it names most. A text that says 我市/全市 is a city's: a province is passed over.
    static func homeDivision(_ doc: SourceDocument, mentions: [[Mention]]) -> Gazetteer.Division? {
        let gaz = Gazetteer.shared
        let cityText = doc.lines.contains { l in ["我市", "全市", "本市", "市委", "市政府"].map(scalars).contains { l.work.contains($0) } }
        func first(in s: Scalars, skipping covered: [Range<Int>] = [], shortNames: Bool = false) -> Gazetteer.Division? {
            var i = 0
            while i < s.count {
                if covered.contains(where: { $0.contains(i) }) { i += 1; continue }
                // 衡阳 names 衡阳市 and 衡阳县: the higher level, when only one has it.
                if let (len, all) = gaz.longestPlace(in: s, at: i), let top = all.map(\.level).min(), all.filter({ $0.level == top }).count == 1 {
                    let d = all.first { $0.level == top }!
                    if len >= 3 || d.name.count == len || shortNames, !(cityText && d.level == .province) { return d }
                    i += len
                    continue
                }
                i += 1
            }
            return nil
        }
        if let t = doc.title {
            let ti = doc.lines.firstIndex { string(Metadata.trimmed($0.clean)).hasPrefix(t.prefix(6)) }
            let covered = ti.map { k in mentions[k].map { $0.start..<$0.end } } ?? []
            if let k = ti, let d = first(in: doc.lines[k].work, skipping: covered) { return d }
            if ti == nil, let d = first(in: scalars(t)) { return d }
        }
        // An issuer's name starts with its place (衡阳日报, 嘉兴发布).
        if let iss = doc.issuer, let d = first(in: scalars(iss), shortNames: true) { return d }
        // The prefecture or county named most often (full names only).
        var counts: [Int: Int] = [:]
        for l in doc.lines {
            var i = 0
            while i < l.work.count {
                if let (len, divs) = gaz.longestPlace(in: l.work, at: i), divs.count == 1, divs[0].level != .province, string(l.work[i..<(i + len)]) == divs[0].name {
                    counts[divs[0].code, default: 0] += 1
                    i += len
                    continue
                }
                i += 1
            }
        }
        if let best = counts.max(by: { $0.value < $1.value || $0.value == $1.value && $0.key > $1.key }), best.value >= 2 { return gaz.division(code: best.key) }
        return nil
    }

    // MARK: events

    static let eventWords: [(Scalars, String)] = [("新闻发布会", "新闻发布会"), ("新闻通气会", "新闻通气会"), ("发布会", "新闻发布会"), ("通气会", "新闻通气会")].map { (scalars($0.0), $0.1) }
    static let holdVerbs: [Scalars] = ["组织召开", "召开", "举行", "举办"].map(scalars)

    /// Press conferences the release reports, and the people who spoke at them.
    func events() -> [Candidate] {
        var out: [Candidate] = []
        // The body first: a headline (我市召开…新闻发布会) has neither the date nor the host.
        let titleLine = doc.title.flatMap { t in doc.lines.firstIndex { string(Metadata.trimmed($0.clean)).hasPrefix(t.prefix(6)) } }
        let order = doc.lines.indices.filter { $0 != titleLine } + (titleLine.map { [$0] } ?? [])
        for li in order {
            let line = doc.lines[li]
            let w = line.work
            for (word, type) in EventAndStatReader.eventWords {
                guard let at = w.find(word) else { continue }
                // The sentence that holds it, and a verb of holding before it.
                var s0 = at
                while s0 > 0 && w[s0 - 1] != 0x3002 && w[s0 - 1] != 0x21 { s0 -= 1 }
                var s1 = at + word.count
                while s1 < w.count && w[s1] != 0x3002 { s1 += 1 }
                guard let hv = EventAndStatReader.holdVerbs.lazy.compactMap({ v in w.find(v, from: s0, to: at).map { ($0, v) } }).first else { continue }
                guard let ev = event(li, s0: s0, s1: s1, verbAt: hv.0, verb: hv.1, wordAt: at, word: word, type: type) else { continue }
                var c = candidate(li, span: s0..<s1, confidence: 0.85, rule: "'\(string(hv.1))…\(string(word))': an event")
                c.kind = .event
                c.event = ev
                c.recipient = ev.name
                c.honor = [ev.type, ev.host].compactMap { $0 }.joined(separator: "，")
                c.yearText = ev.date
                out.append(c)
                out += speakers(of: ev, eventLine: li)
                return out   // one press conference a release
            }
        }
        return out
    }

    func event(_ li: Int, s0: Int, s1: Int, verbAt v: Int, verb: Scalars, wordAt at: Int, word: Scalars, type: String) -> EventFact? {
        let w = doc.lines[li].work, c = doc.lines[li].clean
        let year = doc.date.map { String($0.prefix(4)) }
        // Date: M月D日 in the sentence (the year from the release), else the release's date.
        var date = doc.date
        var hostStart = s0
        if let (d, end) = monthDay(w, s0, v), let y = year { date = "\(y)-\(d)"; hostStart = end }
        // Host: between the date and the verb (市政府新闻办 → 济宁市人民政府新闻办公室).
        var h = Array(w[hostStart..<v])
        for junk in ["上午", "下午", "晚上", "上旬", "中旬", "下旬", ",", " ", "日"].map(scalars) {
            while h.has(junk, at: 0) { h.removeFirst(junk.count) }
        }
        var host: String? = nil
        if h.count >= 3 && h.allSatisfy(isHan) { host = expandAuthority(h) }
        // Series: “…”主题系列新闻发布会; topic: 关于“…”的新闻发布会, else 介绍…情况 after it.
        var series: String? = nil, topic: Scalars? = nil
        let between = Array(w[(v + verb.count)..<at])
        if let q0 = between.firstIndex(of: 0x201C), let q1 = between.lastIndex(of: 0x201D), q0 < q1 {
            let inner = Array(c[(v + verb.count + q0 + 1)..<(v + verb.count + q1)])
            let tail = Array(between[(q1 + 1)...])
            if tail.has(scalars("主题"), at: 0) || tail.contains(scalars("系列")) { series = string(inner) } else { topic = inner }
        }
        if topic == nil, let k = w.find(scalars("介绍"), from: at, to: min(w.count, s1 + 80)) {
            var e = k + 2
            while e < w.count && !Extractor.sentenceMarks.contains(w[e]) && !(w[e] == 0x2C && w.has(scalars("并"), at: e + 1)) { e += 1 }
            var t = Array(c[(k + 2)..<e])
            for suffix in ["有关情况", "相关情况", "的情况", "情况"].map(scalars) where t.has(suffix, endingAt: t.count) && t.count > suffix.count + 2 { t.removeLast(suffix.count); break }
            topic = t
        }
        var name: Scalars = []
        if var t = topic {
            // 2021年质量品牌双提升工作和‘质量月’活动情况 → 质量品牌双提升工作和质量月活动情况
            if t.count > 5, t[0...3].allSatisfy(isDigit), t[4] == 0x5E74 { t.removeFirst(5) }
            t.removeAll { [0x3001, 0x201C, 0x201D, 0x2018, 0x2019, 0x22, 0x27, 0x300A, 0x300B].contains($0) }
            for lead in ["全市", "我市", "全省", "我省", "全县", "我县", "全区", "我区"].map(scalars) where t.has(lead, at: 0) { t.removeFirst(2); break }
            if let hm = home, !t.has(scalars(hm.name), at: 0) { name = scalars(hm.name) }
            name += t
        } else {
            name = scalars(home?.name ?? "") + scalars(date ?? "")
        }
        name += scalars(type)
        guard name.count >= 6 else { return nil }
        return EventFact(name: string(name), date: date, host: host, place: home?.name, type: type,
                         topic: topic.map { string($0) }, series: series)
    }

    /// `9月10日` in w[from..<to]: ("09-10", end).
    func monthDay(_ w: Scalars, _ from: Int, _ to: Int) -> (String, Int)? {
        var i = from
        while i < to {
            guard isDigit(w[i]) else { i += 1; continue }
            var j = i
            while j < to && isDigit(w[j]) { j += 1 }
            if j - i <= 2, j < to, w[j] == 0x6708, let m = Int(string(w[i..<j])), m >= 1, m <= 12 {   // 月
                var k = j + 1
                let d0 = k
                while k < to && isDigit(w[k]) { k += 1 }
                if k > d0, k - d0 <= 2, k < w.count, w[k] == 0x65E5 || w[k] == 0x53F7, let d = Int(string(w[d0..<k])), d >= 1, d <= 31 {
                    return ((m < 10 ? "0" : "") + "\(m)-" + (d < 10 ? "0" : "") + "\(d)", k + 1)
                }
            }
            i = j
        }
        return nil
    }

    /// 市政府新闻办 → 济宁市人民政府新闻办公室; 市市场监管局 → 济宁市市场监管局.
    func expandAuthority(_ h0: Scalars) -> String {
        var h = h0
        if let hm = home {
            let hs = scalars(hm.name)
            // The word the place's own bodies start with: 省, 市, 州 (大理白族自治州), 盟, 县, 区, 旗.
            let last = hs.last ?? 0
            let levelChar: UInt32 = hm.level == .province ? 0x7701 : ([0x5E02, 0x5DDE, 0x76DF, 0x533A, 0x53BF, 0x65D7].contains(last) ? last : (hm.level == .city ? 0x5E02 : 0x53BF))
            if h.first == levelChar && Gazetteer.shared.longestPlace(in: h, at: 0) == nil { h = hs + h.dropFirst() }
        }
        if let k = h.find(scalars("政府")), !(k >= 2 && h.has(scalars("人民"), at: k - 2)) { h = Array(h[..<k]) + scalars("人民") + Array(h[k...]) }
        if h.has(scalars("新闻办"), endingAt: h.count) { h += scalars("公室") }
        return string(h)
    }

    static let speakerHeadings: [(Scalars, String)] = [("发布人", "发布人"), ("主持人", "主持人"), ("发言人", "发布人"), ("出席人", "发布人")].map { (scalars($0.0), $0.1) }
    static let speechVerbs: [Scalars] = ["针对", "介绍", "作", "就", "回答", "出席", "发布", "主持", "通报", "解读", "答记者问", "并"].map(scalars)

    /// Speakers: lines under 发布人 / 主持人 headings (name, then unit and title), and
    /// title+name pieces in the sentences about the event (会上，…局长冯纪伟，二级调研员王瑞卿…介绍…).
    func speakers(of ev: EventFact, eventLine: Int) -> [Candidate] {
        var out: [Candidate] = []
        var seen = Set<String>()
        func add(_ li: Int, _ person: Scalars, _ title: Scalars?, _ role: String, _ rule: String) {
            let p = string(person)
            guard !seen.contains(p) else { return }
            seen.insert(p)
            var c = candidate(li, span: 0..<doc.lines[li].clean.count, confidence: 0.8, rule: rule)
            c.kind = .speaker
            let t = title.map { string($0).trimmingSpaces }
            c.speaker = SpeakerFact(event: ev.name, person: p, role: role, title: t?.isEmpty == false ? t : nil)
            c.recipient = p
            c.recipientKind = .person
            c.honor = role + "，" + ev.name
            c.title = c.speaker?.title
            out.append(c)
        }
        // Heading blocks, within 12 lines of the event sentence.
        var li = eventLine + 1
        while li < min(doc.lines.count, eventLine + 14) {
            let t = Array(Metadata.trimmed(doc.lines[li].work))
            var role: String? = nil
            var rest: Scalars = []
            for (word, r) in EventAndStatReader.speakerHeadings where t.has(word, at: 0) {
                var k = word.count
                while k < t.count && (t[k] == 0x3A || isSpace(t[k])) { k += 1 }
                if t.count - word.count <= 1 || k > word.count { role = r; rest = Array(t[k...]) }
            }
            guard let r = role else { li += 1; continue }
            var lines: [(Int, Scalars)] = rest.isEmpty ? [] : [(li, rest)]
            var n = li + 1
            while n < doc.lines.count && lines.count < 8 {
                let nt = Array(Metadata.trimmed(doc.lines[n].work))
                if nt.isEmpty { if !lines.isEmpty { break }; n += 1; continue }
                if EventAndStatReader.speakerHeadings.contains(where: { nt.has($0.0, at: 0) }) || nt.contains(0x3002) { break }
                lines.append((n, nt))
                n += 1
            }
            for (l, text) in lines {
                for (person, title) in peopleInRow(text) { add(l, person, title, r, "a name under '\(string(t.prefix(3)))'") }
            }
            li = n
        }
        // Sentences about the event: the event sentence's line and the next one.
        for l in eventLine..<min(doc.lines.count, eventLine + 3) {
            let w = doc.lines[l].work
            guard w.find(scalars("会上")) != nil || w.find(scalars("发布会")) != nil || w.find(scalars("回答记者提问")) != nil else { continue }
            let role = w.find(scalars("主持")) != nil ? "主持人" : "发布人"
            // Pieces between commas: a unit and titles joined by 、 stay with the name they end on
            // (市市场监管局党组书记、局长沈卫平).
            for piece in w.split(whereSeparator: { $0 == 0x2C || $0 == 0x3002 || $0 == 0x3B }) {
                let p = Array(piece)
                // title + name, then maybe what they did (针对相关情况作了详细介绍).
                var end = p.count
                for v in EventAndStatReader.speechVerbs { if let k = p.find(v), k >= 3, k < end { end = k } }
                let head = Array(p[..<end])
                if let (ts, ns) = lists.personAfterTitle(head), ns - ts >= 2 {
                    add(l, Array(head[ns...]), Array(head[..<ns]), role, "title and name in the sentence about the event")
                }
            }
        }
        return out
    }

    /// `周庆华 市市场监管局党组书记、局长    一级调研员黄新平 市工业和信息化局一级调研员 …`:
    /// each name with the unit and title that follow it (a title glued to the next name goes back
    /// to the one before: 局长 一级调研员黄新平 → 一级调研员 is 周庆华's).
    func peopleInRow(_ t: Scalars) -> [(Scalars, Scalars?)] {
        var tokens = t.split(whereSeparator: isSpace).map(Array.init)
        // 马 文: a surname and a given name spaced apart for alignment.
        var k = 0
        while k + 1 < tokens.count {
            if tokens[k].count == 1, Names.singleSurnames.contains(tokens[k][0]), tokens[k + 1].count <= 2, tokens[k + 1].allSatisfy(isHan),
               Names.isPersonName(tokens[k] + tokens[k + 1]), !Names.isPersonName(tokens[k + 1]) || tokens[k + 1].count == 1 {
                tokens[k] += tokens[k + 1]
                tokens.remove(at: k + 1)
            }
            k += 1
        }
        var out: [(Scalars, Scalars)] = []
        for tok in tokens {
            if Names.isPersonName(tok) && Gazetteer.shared.lookup(tok).isEmpty {
                out.append((tok, []))
            } else if let (ts, ns) = lists.personAfterTitle(tok), ns - ts >= 2 {
                if !out.isEmpty { out[out.count - 1].1 += (out[out.count - 1].1.isEmpty ? [] : [0x20]) + Array(tok[..<ns]) }
                out.append((Array(tok[ns...]), []))
            } else if !out.isEmpty {
                out[out.count - 1].1 += (out[out.count - 1].1.isEmpty ? [] : [0x20]) + tok
            }
        }
        return out.map { ($0.0, $0.1.isEmpty ? nil : $0.1) }
    }

    func candidate(_ li: Int, span r: Range<Int>, confidence: Double, rule: String) -> Candidate {
        let line = doc.lines[li]
        let lo = min(r.lowerBound, line.clean.count), hi = min(r.upperBound, line.clean.count)
        let span = string(line.clean[lo..<hi]).trimmingSpaces
        return Candidate(recipient: "", recipientKind: .entity, honor: "", source: doc.id, line: line.number,
                         span: span.count > 160 ? String(span.prefix(160)) + "…" : span, confidence: confidence, reasons: [rule])
    }

    // MARK: statistics

    /// Units a count or rate is given in, longest first.
    static let units: [Scalars] = ["个百分点", "百分点", "批次/千人", "万户", "万元", "亿元", "万人", "万吨", "万亩", "大类", "批次", "个", "家", "名", "项", "条", "批",
                                   "处", "种", "位", "人", "件", "座", "所", "户", "次", "%", "亩", "吨", "台", "套", "款", "场", "枚"].map(scalars).sorted { $0.count > $1.count }
    /// Words before a measure that say whose or how the count is (stripped from the measure).
    static let leadWords: [Scalars] = ["截至目前", "截至年底", "截至", "目前", "至此", "今年以来", "今年", "去年", "全年", "其中", "累计培育", "累计创建",
                                       "累计入选", "累计获得", "累计", "共有", "共计", "共", "拥有", "已有", "已达", "已经", "已", "达到", "达", "培育",
                                       "创建", "获批", "新增", "建成", "完成", "实现", "各类", "全部", "均", "分别", "持续", "保持在", "稳定在", "维持在",
                                       "为", "对", "在", "了", "的", "以及", "和", "及", "与", "等", "还", "也", "新", "这", "全市", "我市", "本市", "全省", "我省",
                                       "全县", "我县", "全区", "我区", "依托", "给予", "明确", "提出", "推荐", "组织"].map(scalars).sorted { $0.count > $1.count }
    static let qualifierWords: [(Scalars, String)] = [("累计", "累计"), ("共有", "共"), ("共计", "共"), ("共", "共"), ("其中", "其中"), ("已达", "已达"),
                                                      ("预计", "预计"), ("以上", "以上"), ("超过", "以上"), ("近", "近")].map { (scalars($0.0), $0.1) }
    static let subjectWords: [(Scalars, Gazetteer.Level?)] = {
        let pairs: [(String, Gazetteer.Level)] = [("全市", .city), ("我市", .city), ("本市", .city), ("全省", .province), ("我省", .province),
                                                  ("全县", .county), ("我县", .county), ("全区", .county), ("我区", .county)]
        return pairs.map { (scalars($0.0), Optional($0.1)) }
    }()

    /// Counts and rates: a number with a unit, the measure beside it in its clause, the place it
    /// is about (全市 → the release's city, a place named first in the clause), the honor the
    /// measure names, and the date it holds at.
    func stats(events: [Candidate]) -> [Candidate] {
        var out: [Candidate] = []
        var seen = Set<String>()
        let year = doc.date.map { String($0.prefix(4)) }
        for (li, line) in doc.lines.enumerated() {
            let w = line.work, c = line.clean
            // Headlines under 推荐阅读 are other releases.
            if Extractor.readMore.contains(where: { Array(Metadata.trimmed(w)).has($0, at: 0) }) { break }
            if w.count < 6 || Metadata.date(in: w) != nil && w.count <= 24 { continue }
            var subject: Gazetteer.Division? = home
            var lineDocument: String? = nil
            var lastSentence = -1
            var previous: (measure: Scalars, unit: Scalars, sentence: Int, qualifier: String?)? = nil
            var i = 0
            while i < w.count {
                var j = i
                var numberValue: Double? = nil
                var numberText = ""
                if isDigit(w[i]), i == 0 || !isDigit(w[i - 1]) && w[i - 1] != 0x2E {
                    while j < w.count && (isDigit(w[j]) || w[j] == 0x2E && j + 1 < w.count && isDigit(w[j + 1])) { j += 1 }
                    numberText = string(w[i..<j])
                    numberValue = Double(numberText)
                } else if EventAndStatReader.isChineseNumeral(w[i]), i == 0 || !EventAndStatReader.isChineseNumeral(w[i - 1]) && w[i - 1] != 0x7B2C {
                    // 三个部分, 二十条具体措施, 分两批: a Chinese numeral of at least 2 before a unit of things.
                    while j < w.count && j - i < 4 && EventAndStatReader.isChineseNumeral(w[j]) { j += 1 }
                    guard let n = EventAndStatReader.chineseCount(w[i..<j]), n >= 2, j < w.count,
                          EventAndStatReader.chineseUnits.contains(where: { w.has($0, at: j) }),
                          !(j + 2 < w.count && EventAndStatReader.isChineseNumeral(w[j + 2])) else { i = max(j, i + 1); continue }   // 一县一策
                    numberText = String(n)
                    numberValue = Double(n)
                } else { i += 1; continue }
                defer { i = max(j, i + 1) }
                guard let unit = EventAndStatReader.units.first(where: { w.has($0, at: j) }) else { continue }
                if j - i > 6 { continue }
                // Not a date, an ordinal, a range, a code or a quoted label.
                if i > 0 && (w[i - 1] == 0x2D || w[i - 1] == 0x7E || w[i - 1] == 0x2B || w[i - 1] == 0x201C || w[i - 1] == 0x2F || isLatin(w[i - 1])) { continue }
                if i > 0 && w[i - 1] == 0x7B2C && unit != scalars("位") { continue }   // 第3批 is an ordinal, 第3位 a rank
                if j + unit.count < w.count && (w[j + unit.count] == 0x2B || w[j + unit.count] == 0x201D) { continue }
                if unit == scalars("个") && w.has(scalars("月"), at: j + 1) { continue }   // 6个月
                if unit == scalars("家") && w.has(scalars("庭"), at: j + 1) { continue }
                // The sentence and the clause the number is in.
                var s0 = i
                while s0 > 0 && !Extractor.sentenceMarks.contains(w[s0 - 1]) { s0 -= 1 }
                var c0 = i
                while c0 > s0 && !EventAndStatReader.measureMarks.contains(w[c0 - 1]) { c0 -= 1 }
                var c1 = j + unit.count
                while c1 < w.count && !EventAndStatReader.measureMarks.contains(w[c1]) { c1 += 1 }
                if s0 != lastSentence { subject = home; lastSentence = s0; previous = nil }
                let sentence = Array(w[s0..<c1])
                if Array(w[c0..<c1]).contains(scalars("全国唯一")) { continue }
                // The subject: a place word or a place named first in the clause, else a document
                // the sentence is about (《实施意见》全文共有三个部分), else the sentence's place.
                var before = Array(w[c0..<i]), beforeClean = Array(c[c0..<i])
                var document: String? = nil
                if let s = subjectOf(&before, &beforeClean) { subject = s }
                else if c0 > s0, let s = subjectOf(Array(w[s0..<c0])) { subject = s }
                else if let s = actingGovernment(Array(w[s0..<c0]), clause: Array(w[c0..<i])) { subject = s }
                else {
                    document = documentAbout(li, s0, i, j)
                    // A paragraph that opens on a document (《实施意见》全文共有…) stays about it.
                    if document == nil { document = lineDocument }
                    else if lineDocument == nil, s0 == Metadata.trimmed(w).startIndex || w[Metadata.trimmed(w).startIndex] == 0x300A { lineDocument = document }
                }
                if document != nil {
                    // The measure is what the document has, not the document's name.
                    while let open = before.firstIndex(of: 0x300A), let close = before[open...].firstIndex(of: 0x300B) {
                        before.removeSubrange(open...close); beforeClean.removeSubrange(open...close)
                    }
                    for lead in ["全文", "中", "里"].map(scalars) where before.has(lead, at: 0) { before.removeFirst(lead.count); beforeClean.removeFirst(lead.count) }
                }
                var qualifier: String? = nil
                let clauseText = Array(w[c0..<c1])
                // The clause's own qualifier first (其中省级169家), else one the sentence began with (累计培育…).
                for (word, q) in EventAndStatReader.qualifierWords where clauseText.contains(word) {
                    if q == "以上" && !w.has(word, at: j + unit.count) { continue }
                    qualifier = q
                    break
                }
                // 其中国家级3家、省级39家: a list after 其中 keeps it.
                if qualifier == nil, c0 > s0, w[c0 - 1] == 0x3001, let p = previous, p.sentence == s0, p.qualifier == "其中" { qualifier = "其中" }
                if qualifier == nil {
                    for (word, q) in EventAndStatReader.qualifierWords where (q == "累计" || q == "共") && Array(w[s0..<i]).contains(word) { qualifier = q; break }
                }
                // Only the words since the clause's previous number count as before it.
                var b0 = c0
                var k = i - 1
                while k > c0 {
                    if isDigit(w[k]) { b0 = k + 1; while b0 < i && !isHan(w[b0]) { b0 += 1 }; if let u = EventAndStatReader.units.first(where: { w.has($0, at: b0) }) { b0 += u.count }; break }
                    k -= 1
                }
                if b0 > c0 { before = Array(w[b0..<i]); beforeClean = Array(c[b0..<i]) }
                // The measure: the words before the number, else those after its unit.
                var measure = stripLead(beforeClean)
                var baseMeasure: Scalars? = nil
                measure = stripTrailVerbs(measure)
                var after = Array(c[(j + unit.count)..<c1])
                if let d = after.firstIndex(where: isDigit) { after = Array(after[..<d]) }   // up to the next number
                while let f = after.first, f == 0x7684 || isSpace(f) { after.removeFirst() }   // 的
                after = stripTrailVerbs(after)
                // The number closes a list (A、B2个线上服务平台, …等36个部门单位) or a modifier
                // (涵盖…的343项标准体系): the noun after it is the measure.
                let closesList = c0 > s0 && w[c0 - 1] == 0x3001 || before.last == 0x7B49 || before.last == 0x7684
                if after.count >= 2 && (closesList || measure.count <= 2) {
                    measure = after
                } else if measure.count <= 3, qualifier == "其中", let p = previous, p.sentence == s0, unit == p.unit {
                    baseMeasure = p.measure
                    measure = measure + p.measure   // 其中省级169家 → 省级一企一技术研发中心
                } else if measure.count < 2 {
                    if after.count >= 2 { measure = after } else { continue }
                }
                while let l = measure.last, l == 0x29 || l == 0xFF09 || l == 0x201D || isSpace(l) { measure.removeLast() }
                if measure.count > 40 { measure = Array(measure.suffix(40)) }
                // 22个提名奖: the tier of the honor the sentence named before.
                var tierHonor: String? = nil
                if measure == scalars("提名奖") || measure == scalars("金奖") || measure == scalars("银奖"),
                   let m = mentions[li].last(where: { $0.end <= i && $0.start >= s0 && !$0.excluded }) {
                    measure = m.base + measure
                    tierHonor = string(measure)
                }
                guard measure.contains(where: isHan), let subjName = document ?? subject?.name else { continue }
                previous = (baseMeasure ?? measure, unit, s0, qualifier)
                guard let value = numberValue else { continue }
                var st = StatFact(subject: subjName, measure: string(measure), value: value, valueText: numberText, unit: string(unit))
                st.subjectIsDocument = document != nil
                st.place = home?.name
                st.qualifier = qualifier
                st.asOf = doc.date
                if let (m, p) = monthRange(Array(w[s0..<c1])), let y = year { st.asOf = "\(y)-\(m)"; st.period = "\(y)年" + p }
                else if sentence.contains(scalars("今年")), let y = year { st.period = "\(y)年" }
                else if let y = leadingYear(Array(w[s0..<c1])) { st.period = y }
                st.honor = tierHonor.flatMap { linker?.honors[scalars($0)] ?? $0 } ?? honorNamed(in: measure, line: li, range: c0..<c1)
                // N家单位获此殊荣 / 获奖 / 上榜: a count of the winners of the honor named before.
                if st.honor == nil, EventAndStatReader.winnerWords.contains(where: { measure.contains($0) }) || clauseText.contains(scalars("获奖")) {
                    let m = mentions[li].last(where: { $0.end <= i && !$0.excluded }) ?? (0..<li).reversed().lazy.compactMap { self.mentions[$0].last }.first
                    if let m { st.honor = linker?.honors[m.base] ?? string(m.base) }
                }
                if let ev = events.first(where: { $0.kind == .event }), let name = ev.event?.name, sentence.contains(scalars(String(name.suffix(5)))) { st.event = name }
                let key = "\(st.subject)|\(st.measure)|\(st.valueText)|\(st.unit)"
                if seen.contains(key) { continue }
                seen.insert(key)
                var cand = candidate(li, span: s0..<c1, confidence: st.honor != nil ? 0.75 : 0.7, rule: "a count with its unit and the measure beside it")
                cand.kind = .stat
                cand.stat = st
                cand.recipient = st.subject
                cand.recipientKind = document == nil ? .place : .entity
                cand.honor = "\(st.measure)：\(st.valueText)\(st.unit)" + (st.qualifier.map { "（\($0)）" } ?? "")
                cand.yearText = st.asOf
                if let h = st.honor { cand.reasons.append("counts holders of \(h)") }
                out.append(cand)
            }
        }
        return out
    }

    static let measureMarks: Set<UInt32> = Extractor.clauseMarks.union([0x3001, 0x2C])
    static let winnerWords: [Scalars] = ["获此殊荣", "获奖", "上榜", "榜上有名", "获此荣誉"].map(scalars)

    /// A count written in Chinese: 二–九, 两, 十, 十N, N十, N十M (not 一一 or 四〇二, which are no counts).
    static func chineseCount(_ s: ArraySlice<UInt32>) -> Int? {
        let a = Array(s)
        let digit: [UInt32: Int] = [0x4E00: 1, 0x4E8C: 2, 0x4E24: 2, 0x4E09: 3, 0x56DB: 4, 0x4E94: 5, 0x516D: 6, 0x4E03: 7, 0x516B: 8, 0x4E5D: 9]
        let ten: UInt32 = 0x5341
        switch a.count {
        case 1: return a[0] == ten ? 10 : digit[a[0]]
        case 2:
            if a[0] == ten, let d = digit[a[1]] { return 10 + d }
            if let d = digit[a[0]], a[1] == ten { return d * 10 }
            return nil
        case 3:
            if let d = digit[a[0]], a[1] == ten, let e = digit[a[2]] { return d * 10 + e }
            return nil
        default: return nil
        }
    }

    @inline(__always) static func isChineseNumeral(_ c: UInt32) -> Bool {
        c == 0x4E00 || c == 0x4E8C || c == 0x4E09 || c == 0x56DB || c == 0x4E94 || c == 0x516D || c == 0x4E03 || c == 0x516B || c == 0x4E5D
            || c == 0x5341 || c == 0x4E24 || c == 0x767E
    }
    static let chineseUnits: [Scalars] = ["个", "项", "条", "批", "家", "名", "级"].map(scalars)
    static let documentEnds: [Scalars] = ["意见", "办法", "措施", "方案", "纲要", "规划", "通知", "决定", "条例", "细则", "计划", "标准", "目录", "制度", "规定", "指南"].map(scalars)
    static let citing: [Scalars] = ["根据", "按照", "依据", "依照", "参照"].map(scalars)

    /// The documents a release names (《…》 with a policy's ending), with the short names it gives
    /// them (《…》(下称《实施意见》)): short or full title → full title.
    var documents: [Scalars: Scalars] {
        var out: [Scalars: Scalars] = [:]
        for l in doc.lines {
            let w = l.clean
            var k = 0
            var last: Scalars? = nil
            while k < w.count {
                guard w[k] == 0x300A, let close = EventAndStatReader.closing(w, k) else { k += 1; continue }
                let title = Array(w[(k + 1)..<close])
                let between = last == nil ? [] : Array(l.work[max(0, k - 6)..<k])
                if let full = last, ["下称", "简称"].map(scalars).contains(where: { between.contains($0) }) {
                    out[title] = full
                } else if EventAndStatReader.documentEnds.contains(where: { title.has($0, endingAt: title.count) }) && title.count >= 4 {
                    out[title] = out[title] ?? title
                    last = title
                }
                k = close + 1
            }
        }
        return out
    }

    /// The 》 closing the 《 at `open` (nested 〈〉 and 《》 allowed).
    static func closing(_ w: Scalars, _ open: Int) -> Int? {
        var depth = 0
        for k in open..<min(w.count, open + 120) {
            if w[k] == 0x300A { depth += 1 } else if w[k] == 0x300B { depth -= 1; if depth == 0 { return k } }
        }
        return nil
    }

    /// The document nearest the number in its sentence (not one cited with 根据/按照): the
    /// statistic is about it (会同…36个部门单位共同完成了《…》, 出台了《…》…分别给予200万元).
    func documentAbout(_ li: Int, _ s0: Int, _ i: Int, _ j: Int) -> String? {
        let docs = documents
        guard !docs.isEmpty else { return nil }
        let w = doc.lines[li].work, c = doc.lines[li].clean
        var s1 = j
        while s1 < w.count && !Extractor.sentenceMarks.contains(w[s1]) { s1 += 1 }
        var best: (Int, Scalars)? = nil
        var k = s0
        while k < s1 {
            guard w[k] == 0x300A, let close = EventAndStatReader.closing(c, k) else { k += 1; continue }
            let title = Array(c[(k + 1)..<close])
            let cited = EventAndStatReader.citing.contains { Array(w[max(s0, k - 4)..<k]).contains($0) }
            if let full = docs[title], !cited {
                let distance = close < i ? i - close : k - j
                if best == nil || distance < best!.0 { best = (distance, full) }
            }
            k = close + 1
        }
        return best.map { string($0.1) }
    }

    /// A place word (全市, 我省) or a division named at the start of the clause; removes it.
    func subjectOf(_ w: inout Scalars, _ c: inout Scalars) -> Gazetteer.Division? {
        var k = 0
        while k < w.count && (isSpace(w[k]) || w[k] == 0x201C) { k += 1 }
        for lead in ["截至目前", "目前", "今年以来", "其中"].map(scalars) where w.has(lead, at: k) { k += lead.count }
        for (word, level) in EventAndStatReader.subjectWords where w.has(word, at: k) {
            w.removeFirst(k + word.count); c.removeFirst(k + word.count)
            guard let hm = home, let lv = level else { return nil }
            if lv == hm.level { return hm }
            if lv == .province, hm.level != .province {
                var p = Gazetteer.shared.parent(of: hm)
                while let x = p, x.level != .province { p = Gazetteer.shared.parent(of: x) }
                return p
            }
            return hm
        }
        if let (len, divs) = Gazetteer.shared.longestPlace(in: w, at: k), divs.count == 1, string(w[k..<(k + len)]) == divs[0].name || len >= 2 && k + len < w.count && !isHan(w[k + len]) || divs[0].level == .city && len >= 2 {
            // A place at the start is the subject only when what follows is no name of a thing
            // (济宁市分两批…, not 济宁质量基础设施综合服务中心).
            let next = Array(w[(k + len)...])
            if next.isEmpty || EventAndStatReader.leadWords.contains(where: { next.has($0, at: 0) }) || ["分", "建成", "累计", "共", "新", "已", "拥有", "有"].map(scalars).contains(where: { next.has($0, at: 0) }) {
                w.removeFirst(k + len); c.removeFirst(k + len)
                return divs[0]
            }
        }
        return nil
    }

    /// `福建省人民政府发布通报，授予10家企业…`: a count of what a government gives is about its
    /// place, when the clause gives (授予, 评出, 表彰) and the sentence says no 我市/全市.
    func actingGovernment(_ prefix: Scalars, clause: Scalars) -> Gazetteer.Division? {
        guard ["授予", "评出", "表彰", "命名"].map(scalars).contains(where: { clause.contains($0) }) else { return nil }
        guard !EventAndStatReader.subjectWords.contains(where: { prefix.contains($0.0) || clause.contains($0.0) }) else { return nil }
        guard let g = prefix.find(scalars("政府")) else { return nil }
        var k = g
        if k >= 2 && prefix.has(scalars("人民"), at: k - 2) { k -= 2 }
        guard let (len, divs) = Gazetteer.shared.longestPlace(in: prefix, endingAt: k), let top = divs.map(\.level).min(),
              divs.filter({ $0.level == top }).count == 1, len >= 2 else { return nil }
        return divs.first { $0.level == top }
    }

    func subjectOf(_ w: Scalars) -> Gazetteer.Division? {
        var a = w, b = w
        return subjectOf(&a, &b)
    }

    func stripLead(_ s: Scalars) -> Scalars {
        var a = s
        var changed = true
        while changed {
            changed = false
            while let f = a.first, isSpace(f) || f == 0x201C || f == 0x201D || f == 0x300A { a.removeFirst(); changed = true }
            for word in EventAndStatReader.leadWords where a.count > word.count && a.has(word, at: 0) { a.removeFirst(word.count); changed = true; break }
        }
        a.removeAll { $0 == 0x201C || $0 == 0x201D }
        return a
    }

    static let trailVerbs: [Scalars] = ["稳定在", "保持在", "维持在", "提升到", "提高到", "提升至", "增长", "达到", "已达", "超过", "达", "为", "有", "共", "累计", "约", "近", "了", "在", "居全省第", "全省第", "第", "将由", "由", "提升到了", "提升到", "的", "建起了", "建起", "以及", "和", "及", "与"].map(scalars).sorted { $0.count > $1.count }

    func stripTrailVerbs(_ s: Scalars) -> Scalars {
        var a = s
        var changed = true
        while changed {
            changed = false
            while let l = a.last, isSpace(l) { a.removeLast(); changed = true }
            for v in EventAndStatReader.trailVerbs where a.count > v.count && a.has(v, endingAt: a.count) { a.removeLast(v.count); changed = true; break }
        }
        return a
    }

    /// 1-7月 in a sentence: ("07", "1-7月").
    func monthRange(_ s: Scalars) -> (String, String)? {
        guard let k = s.find(scalars("月")), k >= 3 else { return nil }
        var e = k
        var d = e
        while d > 0 && isDigit(s[d - 1]) { d -= 1 }
        guard d < e, d >= 2, s[d - 1] == 0x2D || s[d - 1] == 0x2014 || s[d - 1] == 0x81F3 else { return nil }
        var b = d - 1
        while b > 0 && isDigit(s[b - 1]) { b -= 1 }
        guard b < d - 1, let m = Int(string(s[d..<e])), m >= 1, m <= 12 else { return nil }
        e += 1
        return ((m < 10 ? "0" : "") + "\(m)", string(s[b..<e]))
    }

    /// 2024年，… at the start of a sentence: the year it counts.
    func leadingYear(_ s: Scalars) -> String? {
        var k = 0
        while k < s.count && isSpace(s[k]) { k += 1 }
        guard k + 5 <= s.count, s[k..<(k + 4)].allSatisfy(isDigit), s[k + 4] == 0x5E74 else { return nil }
        return string(s[k..<(k + 5)])
    }

    /// The honor a measure names: a graph honor's name or alias in it (longest), else an honor
    /// mention of the lexicon inside the clause.
    func honorNamed(in measure: Scalars, line li: Int, range: Range<Int>) -> String? {
        if let l = linker {
            var best: (Int, String)? = nil
            for i in 0..<measure.count {
                var n = min(24, measure.count - i)
                while n >= 3 {
                    if let h = l.honors[Array(measure[i..<(i + n)])] {
                        if best == nil || n > best!.0 { best = (n, h) }
                        break
                    }
                    n -= 1
                }
            }
            if let b = best { return b.1 }
        }
        if let m = mentions[li].first(where: { $0.start >= range.lowerBound && $0.end <= range.upperBound && !$0.excluded }) { return string(m.base) }
        return nil
    }
}
