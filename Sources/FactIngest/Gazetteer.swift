/// China's administrative divisions (GazetteerTable, from cpca 0.5.5, MIT), with derived short
/// names: 济宁市 → 济宁, 广西壮族自治区 → 广西, 黔南布依族苗族自治州 → 黔南 and 黔南州, 兖州区 → 兖州.
public struct Gazetteer: Sendable {
    public enum Level: Int, Sendable, Comparable {
        case province = 1, city = 2, county = 3
        public static func < (a: Level, b: Level) -> Bool { a.rawValue < b.rawValue }
    }

    public struct Division: Sendable {
        public let code: Int
        public let name: String
        public let level: Level
        /// The code of the division it lies in (0 for a province).
        public let parentCode: Int
    }

    public let divisions: [Division]
    let byCode: [Int: Int]
    /// Full names and short names → division indices (a short name may be shared).
    let byName: [Scalars: [Int]]
    public let longestName: Int

    public static let shared = Gazetteer()

    init() {
        var divs: [Division] = []
        var byCode: [Int: Int] = [:]
        for line in GazetteerTable.lines.split(separator: "\n") {
            guard let sp = line.firstIndex(of: " "), let code = Int(line[..<sp]) else { continue }
            let name = String(line[line.index(after: sp)...])
            // Statistical groupings (市辖区, 县, 省直辖县级行政区划) are not places a text names.
            if name == "市辖区" || name == "县" || name.hasSuffix("直辖县级行政区划") { continue }
            let level: Level = code % 10000 == 0 ? .province : (code % 100 == 0 ? .city : .county)
            let parent: Int
            switch level {
            case .province: parent = 0
            case .city: parent = code / 10000 * 10000
            case .county: parent = code / 100 * 100
            }
            byCode[code] = divs.count
            divs.append(Division(code: code, name: name, level: level, parentCode: parent))
        }
        var byName: [Scalars: [Int]] = [:]
        var longest = 0
        for (i, d) in divs.enumerated() {
            for s in Gazetteer.nameScalars(for: d) {
                longest = max(longest, s.count)
                if !(byName[s]?.contains(i) ?? false) { byName[s, default: []].append(i) }
            }
        }
        self.divisions = divs
        self.byCode = byCode
        self.byName = byName
        self.longestName = longest
    }

    static let suffixes = ["维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "特别行政区", "自治州", "自治县", "自治旗", "地区", "新区", "林区",
                           "省", "市", "县", "区", "盟", "旗"]
    static let ethnic = ["蒙古族", "藏族", "回族", "苗族", "彝族", "壮族", "布依族", "朝鲜族", "满族", "侗族", "瑶族", "白族", "土家族", "哈尼族",
                         "哈萨克族", "傣族", "黎族", "傈僳族", "佤族", "畲族", "拉祜族", "水族", "东乡族", "纳西族", "景颇族", "柯尔克孜族", "土族",
                         "达斡尔族", "仫佬族", "羌族", "布朗族", "撒拉族", "毛南族", "仡佬族", "锡伯族", "阿昌族", "普米族", "塔吉克族", "怒族",
                         "鄂温克族", "德昂族", "保安族", "裕固族", "京族", "独龙族", "鄂伦春族", "赫哲族", "门巴族", "珞巴族", "基诺族", "各族"]

    static let suffixScalars = suffixes.map(scalars)
    static let ethnicScalars = ethnic.map(scalars)
    static let zhou = scalars("州"), diqu = scalars("地区"), zizhizhou = scalars("自治州")

    /// The full name and the short names a text may use for a division (scalars; no `String`
    /// work: this runs for every division at start).
    static func nameScalars(for d: Division) -> [Scalars] {
        let full = scalars(d.name)
        var out = [full]
        var base = full
        for suf in suffixScalars where base.count > suf.count && base.has(suf, endingAt: base.count) {
            base.removeLast(suf.count)
            break
        }
        var changed = true
        while changed {
            changed = false
            for e in ethnicScalars where base.count > e.count + 1 && base.has(e, endingAt: base.count) {
                base.removeLast(e.count); changed = true
            }
        }
        if base != full && base.count >= 2 { out.append(base) }
        if base.count >= 2 && full.has(zizhizhou, endingAt: full.count) { out.append(base + zhou) }
        if base.count >= 2 && full.has(diqu, endingAt: full.count) { out.append(base + diqu) }
        return out
    }

    static func names(for d: Division) -> [String] { nameScalars(for: d).map { string($0) } }

    /// Divisions named `name` (full or short).
    func lookup(_ name: Scalars) -> [Division] { (byName[name] ?? []).map { divisions[$0] } }
    public func lookup(_ name: String) -> [Division] { lookup(scalars(name)) }

    public func division(code: Int) -> Division? { byCode[code].map { divisions[$0] } }
    public func parent(of d: Division) -> Division? { d.parentCode == 0 ? nil : division(code: d.parentCode) }

    /// The longest division name that starts at `i` in `text` (at least two scalars).
    func longestPlace(in text: Scalars, at i: Int) -> (length: Int, divisions: [Division])? {
        var n = min(longestName, text.count - i)
        while n >= 2 {
            if let hit = byName[Array(text[i..<(i + n)])] { return (n, hit.map { divisions[$0] }) }
            n -= 1
        }
        return nil
    }

    /// The longest division name that ends at `end` (exclusive) in `text`.
    func longestPlace(in text: Scalars, endingAt end: Int, notBefore start: Int = 0) -> (length: Int, divisions: [Division])? {
        var n = min(longestName, end - start)
        while n >= 2 {
            if let hit = byName[Array(text[(end - n)..<end])] { return (n, hit.map { divisions[$0] }) }
            n -= 1
        }
        return nil
    }
}
