/// The honor lexicon: what an honor's name is made of, in an editable text format
/// (docs/INGEST.md). `HonorLexicon.standard` is built in; `--lexicon FILE` adds to it.
///
///     core     质量奖                       # a name ends with a core …
///     level    市长      level=市级          # … after place and level words (德州市市长质量奖)
///     prefix   长江      place=湖北省 level=省级   # a named award (湖北省长江质量奖)
///     tier     提名奖                        # tiers and categories that may follow
///     honor    国家农产品质量安全市 level=国家级 type=称号   # a whole name, matched as written
///     negative 入围                          # a sentence with it names no winners
///     exclude  项目奖                        # honors containing it are not extracted
public struct HonorLexicon: Sendable {
    public struct Entry: Sendable, Equatable {
        public enum Role: String, Sendable, CaseIterable { case core, level, prefix, tier, honor, negative, exclude, verb }
        public var role: Role
        public var text: String
        public var attributes: [String: String]
    }

    public struct ParseError: Error, Equatable, CustomStringConvertible {
        public var line: Int
        public var message: String
        public var description: String { "line \(line): \(message)" }
    }

    public private(set) var entries: [Entry] = []
    var cores: [Scalars: Entry] = [:]
    var levels: [Scalars: Entry] = [:]
    var prefixes: [Scalars: Entry] = [:]
    var tiers: [Scalars] = []
    var honors: [Scalars: Entry] = [:]
    /// Negative words by scope: clause, sentence, title (a title's words cover the document).
    var negatives: [(word: Scalars, scope: String)] = []
    var excludes: [Scalars] = []
    /// The last scalars of cores and whole honors, to find candidates quickly.
    var lastScalars: Set<UInt32> = []

    public init() {}

    public init(parsing text: String) throws(ParseError) {
        try add(parsing: text)
    }

    /// Adds the entries of a lexicon file.
    public mutating func add(parsing text: String) throws(ParseError) {
        var lineNo = 0
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNo += 1
            var line = Substring(raw)
            if let hash = line.firstIndex(of: "#") { line = line[..<hash] }
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\u{3000}" })
            if words.isEmpty { continue }
            guard let role = Entry.Role(rawValue: String(words[0])) else {
                throw ParseError(line: lineNo, message: "unknown entry '\(words[0])' (expected \(Entry.Role.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            guard words.count >= 2, !words[1].contains("=") else {
                throw ParseError(line: lineNo, message: "'\(role.rawValue)' expects a word after it")
            }
            var attrs: [String: String] = [:]
            for w in words.dropFirst(2) {
                guard let eq = w.firstIndex(of: "="), eq != w.startIndex else {
                    throw ParseError(line: lineNo, message: "expected KEY=VALUE, found '\(w)'")
                }
                attrs[String(w[..<eq])] = String(w[w.index(after: eq)...])
            }
            add(Entry(role: role, text: String(words[1]), attributes: attrs))
        }
    }

    public mutating func add(_ e: Entry) {
        entries.append(e)
        let s = scalars(e.text)
        switch e.role {
        case .core: cores[s] = e; lastScalars.insert(s.last!)
        case .level: levels[s] = e
        case .prefix: prefixes[s] = e
        case .tier: if !tiers.contains(s) { tiers.append(s); tiers.sort { $0.count > $1.count } }
        case .honor: honors[s] = e; lastScalars.insert(s.last!)
        case .negative: negatives.append((s, e.attributes["scope"] ?? "clause"))
        case .exclude: excludes.append(s)
        case .verb: break
        }
    }

    /// The built-in lexicon (docs/INGEST.md lists it).
    public static let standard: HonorLexicon = {
        do { return try HonorLexicon(parsing: standardText) } catch { fatalError("built-in lexicon: \(error)") }
    }()

    public static let standardText = """
    # Cores: an honor's name ends with one. A core marked `alone` may stand without a place or
    # level word before it; the others need one (德州市市长质量奖, 中国质量奖, 全国质量标杆).
    core 质量奖 type=奖
    core 质量标杆 type=称号
    core 质量标杆企业 type=称号
    core 质量管理创新奖 type=奖 alone=yes
    core 质量管理优胜奖 type=奖 alone=yes
    core 质量管理奖 type=奖
    core 质量管理小组 type=称号
    core 质量强区 type=称号
    core 质量强县 type=称号
    core 质量强市 type=称号
    core 质量强省 type=称号
    core 质量强企 type=称号
    core 标准创新贡献奖 type=奖
    core 质量工匠 type=称号
    # Level words between the place and the core; the level they give the honor.
    level 中国 level=国家级
    level 全国 level=国家级
    level 国家 level=国家级
    level 国家级 level=国家级
    level 全省 level=省级
    level 省级 level=省级
    level 省长 level=省级
    level 省政府 level=省级
    level 省人民政府 level=省级
    level 自治区主席 level=省级
    level 主席 level=省级
    level 自治区政府 level=省级
    level 自治区人民政府 level=省级
    level 全市 level=市级
    level 市级 level=市级
    level 市长 level=市级
    level 州长 level=市级
    level 盟长 level=市级
    level 市政府 level=市级
    level 市人民政府 level=市级
    level 州政府 level=市级
    level 州人民政府 level=市级
    level 县长 level=县级
    level 区长 level=县级
    level 旗长 level=县级
    level 县政府 level=县级
    level 区政府 level=县级
    level 县人民政府 level=县级
    level 区人民政府 level=县级
    level 政府
    level 人民政府
    level 省
    level 市
    level 县
    level 区
    # Named awards: the word before the core, the place that gives it.
    prefix 长江 place=湖北省 level=省级
    prefix 井冈 place=江西省 level=省级
    prefix 泰山 place=山东省 level=省级
    prefix 天府 place=四川省 level=省级
    prefix 鲁班
    # Tiers and categories that follow a core.
    tier 提名奖
    tier 金奖
    tier 银奖
    tier 铜奖
    tier 卓越奖
    tier 创新奖
    tier 个人奖
    tier 组织奖
    tier 特别贡献奖
    tier 贡献奖
    tier 入围奖
    tier 鼓励奖
    tier 优秀奖
    tier 优胜奖
    tier 卓越团队奖
    tier 卓越项目奖
    tier 卓越个人奖
    tier 团队奖
    tier 项目奖
    tier 企业
    # Whole names, matched as written (also every honor already in the graph).
    honor 全国质量标杆 level=国家级 type=称号
    honor 全国质量奖 level=国家级 type=奖
    honor 中国质量奖 level=国家级 type=奖
    # A clause (scope=sentence: the whole sentence; a title with one: the whole document) with
    # one of these names candidates, applicants or rules, not winners.
    negative 拟授予 scope=sentence
    negative 拟推荐 scope=sentence
    negative 拟表彰 scope=sentence
    negative 拟命名 scope=sentence
    negative 拟入选 scope=sentence
    negative 拟认定 scope=sentence
    negative 拟获 scope=sentence
    negative 拟对 scope=sentence
    negative 入围 scope=sentence
    negative 初选 scope=sentence
    negative 候选 scope=sentence
    negative 公示 scope=title
    negative 申报
    negative 推荐申报
    negative 管理办法
    negative 评选办法
    negative 实施细则
    # Honors containing these are not extracted (project awards name projects, not organisations).
    exclude 项目奖
    """
}
