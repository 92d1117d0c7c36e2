import Foundation

/// The benchmark's own generator: a port of `../shared/bench/gen.py` (same files, columns,
/// distributions and query parameters). It reproduces gen.py's random stream (MT19937 and
/// CPython 3.11's sampling algorithms), so for the same scale and seed it writes the same CSV
/// bytes as `python3 gen.py` under CPython 3.11; `params.json` differs only in `gen_seconds` and
/// in number formatting.
struct Generator {
    static let provinces = """
        北京市 天津市 上海市 重庆市 河北省 山西省 辽宁省 吉林省 黑龙江省 江苏省 浙江省
        安徽省 福建省 江西省 山东省 河南省 湖北省 湖南省 广东省 海南省 四川省 贵州省 云南省 陕西省
        甘肃省 青海省 台湾省 内蒙古自治区 广西壮族自治区 西藏自治区 宁夏回族自治区 新疆维吾尔自治区
        香港特别行政区 澳门特别行政区
        """.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init)

    static let cityChars: [(String, String)] = [("济", "ji"), ("宁", "ning"), ("泰", "tai"), ("安", "an"), ("临", "lin"),
        ("沂", "yi"), ("潍", "wei"), ("坊", "fang"), ("淄", "zi"), ("博", "bo"), ("烟", "yan"),
        ("台", "tai"), ("威", "wei"), ("海", "hai"), ("日", "ri"), ("照", "zhao"), ("德", "de"),
        ("州", "zhou"), ("聊", "liao"), ("城", "cheng"), ("滨", "bin"), ("菏", "he"), ("泽", "ze"),
        ("枣", "zao"), ("庄", "zhuang"), ("东", "dong"), ("营", "ying"), ("青", "qing"), ("岛", "dao"),
        ("苏", "su"), ("无", "wu"), ("锡", "xi"), ("常", "chang"), ("南", "nan"), ("通", "tong"),
        ("扬", "yang"), ("镇", "zhen"), ("江", "jiang"), ("盐", "yan"), ("淮", "huai"), ("徐", "xu"),
        ("连", "lian"), ("云", "yun"), ("港", "gang"), ("宿", "su"), ("迁", "qian"), ("嘉", "jia"),
        ("兴", "xing"), ("湖", "hu"), ("绍", "shao"), ("金", "jin"), ("华", "hua"), ("衢", "qu"),
        ("舟", "zhou"), ("山", "shan"), ("丽", "li"), ("水", "shui"), ("温", "wen"), ("阳", "yang"),
        ("平", "ping"), ("顶", "ding"), ("洛", "luo"), ("开", "kai"), ("封", "feng"), ("信", "xin"),
        ("商", "shang"), ("丘", "qiu"), ("周", "zhou"), ("口", "kou"), ("驻", "zhu"), ("马", "ma"),
        ("店", "dian"), ("许", "xu"), ("昌", "chang"), ("鹤", "he"), ("壁", "bi"), ("焦", "jiao"),
        ("作", "zuo"), ("漯", "luo"), ("河", "he"), ("三", "san"), ("门", "men"), ("峡", "xia")]

    static let brandChars: [String] = {
        var seen = Set<Character>()
        var out: [String] = []
        for c in "华宏信德鑫盛泰恒通达兴隆安康瑞祥丰源嘉汇博宇天龙金银新创远航利昌永春明光东方海山中正大晨阳星辰" +
            "科益和美佳凯伟豪峰辉浩润泽坤乾元亨鼎立诚聚合联威腾跃飞舟帆锦绣秀雅尚品优精卓越领先高成顺发富贵荣" +
            "耀福运宝玉翔鹏鸿智慧思云蓝青绿晶钢铁石林森峻岳川江河湖泉溪波涛洋汉唐宋清仁义礼忠勤俭朗健力强胜" +
            "万千百众汇同协众邦振威齐鲁燕赵吴越楚蜀秦晋豫皖闽粤桂滇黔陇宁新疆" where seen.insert(c).inserted {
            out.append(String(c))
        }
        return out
    }()

    static let industries: [(String, Int)] = [("机械", 8), ("化工", 6), ("纺织", 5), ("电子", 6), ("科技", 10), ("食品", 5),
        ("医药", 4), ("建材", 4), ("汽车零部件", 3), ("新材料", 4), ("能源", 3), ("环保", 3),
        ("物流", 3), ("生物", 3), ("智能装备", 3), ("精密制造", 2), ("光电", 2), ("软件", 3),
        ("农业", 3), ("重工", 2), ("轮胎", 1), ("造纸", 1), ("陶瓷", 1), ("家具", 2)]

    static let deptSuffixes = ["市场监督管理局", "工业和信息化局", "发展和改革委员会", "科学技术局", "商务局",
        "财政局", "人力资源和社会保障局", "生态环境局", "住房和城乡建设局", "交通运输局", "农业农村局",
        "文化和旅游局", "卫生健康委员会", "应急管理局", "统计局", "自然资源和规划局", "水利局",
        "教育局", "民政局", "审计局"]

    static let nationalHonors = ["中国质量奖", "中国质量奖提名奖", "全国质量标杆", "国家级专精特新\"小巨人\"企业",
        "制造业单项冠军示范企业", "制造业单项冠军产品", "国家技术创新示范企业", "国家级绿色工厂",
        "国家知识产权示范企业", "国家知识产权优势企业", "全国质量诚信标杆企业", "国家级企业技术中心",
        "全国五一劳动奖状", "中国驰名商标", "国家智能制造示范工厂", "国家级工业设计中心",
        "全国守合同重信用企业", "国家高新技术企业", "全国实施卓越绩效模式先进企业", "中华老字号"]
    static let provHonorTypes = ["省长质量奖", "省级专精特新中小企业", "省级企业技术中心", "省级质量标杆", "省级\"瞪羚\"企业"]
    static let cityHonorTypes = ["市长质量奖", "市级质量标杆"]

    /// The query parameters of one generated data set (gen.py's params.json).
    struct Params: Codable {
        var scale: Int
        var seed: Int
        var q1_city: String
        var q1_city_alias: String
        var q3_honor: String
        var q3_year: Int
        var q4_enterprise: String
        var q4_award_count: Int
        var q5_src: String
        var q5_dst: String
        var q6_substring: String
        var max_awards_per_enterprise: Int?
        var enterprises_without_awards: Int?
        var top_city: String?
        var top_city_award_share: Double?
        var gen_seconds: Double?
    }

    /// Cumulative Zipf(-Mandelbrot) weights over ranks 1…n.
    static func zipfCum(_ n: Int, _ s: Double, _ q: Double = 0) -> [Double] {
        var out = [Double](repeating: 0, count: n)
        var acc = 0.0
        for k in 1...n {
            acc += pow(Double(k) + q, -s)
            out[k - 1] = acc
        }
        return out
    }

    /// `bisect.bisect_right`.
    @inline(__always)
    static func bisect<T: Comparable>(_ a: [T], _ x: T) -> Int {
        var lo = 0, hi = a.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if x < a[mid] { hi = mid } else { lo = mid + 1 }
        }
        return lo
    }

    /// A CSV file written through a big buffer, quoting like Python's csv.QUOTE_MINIMAL.
    final class CSVOut {
        let fd: Int32
        var buf: [UInt8] = []
        init(_ path: String, header: [String]) throws {
            fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            if fd < 0 { throw BenchError("cannot write \(path)") }
            buf.reserveCapacity(1 << 20)
            row(header)
        }
        @inline(__always) func field(_ b: [UInt8]) {
            if b.contains(where: { $0 == 0x22 || $0 == 0x2C || $0 == 0x0D || $0 == 0x0A }) {
                buf.append(0x22)
                for c in b { if c == 0x22 { buf.append(0x22) }; buf.append(c) }
                buf.append(0x22)
            } else {
                buf.append(contentsOf: b)
            }
        }
        func row(_ fields: [String]) { rowBytes(fields.map { Array($0.utf8) }) }
        func rowBytes(_ fields: [[UInt8]]) {
            for (i, f) in fields.enumerated() {
                if i > 0 { buf.append(0x2C) }
                field(f)
            }
            endRow()
        }
        @inline(__always) func comma() { buf.append(0x2C) }
        @inline(__always) func int(_ v: Int) { buf.append(contentsOf: Array(String(v).utf8)) }
        @inline(__always) func endRow() {
            buf.append(0x0D); buf.append(0x0A)
            if buf.count >= 1 << 20 { flush() }
        }
        func flush() {
            buf.withUnsafeBytes { p in
                var off = 0
                while off < p.count {
                    let n = write(fd, p.baseAddress! + off, p.count - off)
                    if n <= 0 { break }
                    off += n
                }
            }
            buf.removeAll(keepingCapacity: true)
        }
        func close() { flush(); _ = Foundation.close(fd) }
    }

    /// Writes the six CSV files and params.json for `scale` enterprises into `out`.
    static func generate(scale S: Int, seed: Int, out: String) throws -> Params {
        let t0 = Date()
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        var rnd = PythonRandom(seed: seed)
        func P(_ n: String) -> String { (out as NSString).appendingPathComponent(n) }

        var f = try CSVOut(P("provinces.csv"), header: ["name"])
        for p in provinces { f.row([p]) }
        f.close()

        // Cities: 10 per province, unique 2-hanzi names + 市, alias = pinyin.
        var combos: [((String, String), (String, String))] = []
        for x in cityChars { for y in cityChars where x.0 != y.0 { combos.append((x, y)) } }
        rnd.shuffle(&combos)
        var cities: [(String, String)] = []
        var seenAlias = Set<String>()
        var cityProv: [String: String] = [:]
        for ((c1, p1), (c2, p2)) in combos {
            let alias = (p1 + p2).prefix(1).uppercased() + (p1 + p2).dropFirst().lowercased()
            if seenAlias.contains(alias) { continue }
            seenAlias.insert(alias)
            cities.append((c1 + c2 + "市", alias))
            if cities.count == 340 { break }
        }
        f = try CSVOut(P("cities.csv"), header: ["name", "province", "aliases"])
        for (i, (c, al)) in cities.enumerated() {
            let prov = provinces[i / 10]
            cityProv[c] = prov
            f.row([c, prov, al])
        }
        f.close()
        let cityNames = cities.map(\.0)

        // Departments: 20 per city.
        f = try CSVOut(P("departments.csv"), header: ["name", "city"])
        var depts: [String: [String]] = [:]
        for c in cityNames {
            depts[c] = deptSuffixes.map { c + $0 }
            for d in depts[c]! { f.row([d, c]) }
        }
        f.close()

        // Honors (~300): 20 national, 5 types × 34 provinces, 2 types × 55 cities.
        var honors: [(name: String, level: String, issuer: String, start: Int)] = []
        for h in nationalHonors {
            let d = depts[cityNames[0]]![rnd.choice([0, 1, 3])]
            honors.append((h, "国家级", d, rnd.randint(1995, 2016)))
        }
        for (pi, p) in provinces.enumerated() {
            let cap = cityNames[pi * 10]
            for t in provHonorTypes {
                let stem = p.count <= 4 ? p.replacingOccurrences(of: "省", with: "").replacingOccurrences(of: "市", with: "") : p
                let d = depts[cap]![rnd.choice([0, 1, 3])]
                honors.append((stem + t, "省级", d, rnd.randint(1998, 2018)))
            }
        }
        for c in rnd.sample(cityNames, 55) {
            for t in cityHonorTypes {
                honors.append((String(c.dropLast()) + t, "市级", depts[c]![0], rnd.randint(2000, 2020)))
            }
        }
        f = try CSVOut(P("honors.csv"), header: ["name", "level", "issuer"])
        for h in honors { f.row([h.name, h.level, h.issuer]) }
        f.close()

        // Enterprises: city ~ Zipf(0.8) over a random city ranking.
        var cityRank = cityNames
        rnd.shuffle(&cityRank)
        let cityCum = zipfCum(cityRank.count, 0.8)
        let indNames = industries.map(\.0)
        var indCum: [Int] = []
        var acc = 0
        for (_, w) in industries { acc += w; indCum.append(acc) }
        let indCumD = indCum.map(Double.init), indTot = Double(acc)
        var entCity = [Int](repeating: 0, count: S)        // index into cityNames
        let cityIndex = Dictionary(uniqueKeysWithValues: cityNames.enumerated().map { ($1, $0) })
        let rankIndex = cityRank.map { cityIndex[$0]! }
        for i in 0..<S { entCity[i] = rankIndex[bisect(cityCum, rnd.random() * cityCum.last!)] }
        let cityBytes = cityNames.map { Array($0.utf8) }
        let cityStem = cityNames.map { Array(String($0.dropLast()).utf8) }
        let provPrefix = cityNames.map { Array(String(cityProv[$0]!.prefix(2)).utf8) }
        let bc = brandChars.map { Array($0.utf8) }
        let nb = bc.count
        let indBytes = indNames.map { Array($0.utf8) }
        let sufShares = Array("股份有限公司".utf8), sufGroup = Array("集团有限公司".utf8), sufLtd = Array("有限公司".utf8)
        var names: [[UInt8]] = []
        names.reserveCapacity(S)
        var used = Set<[UInt8]>()
        used.reserveCapacity(S)
        var entInd = [Int](repeating: 0, count: S)
        for i in 0..<S {
            let c = entCity[i]
            let ind = bisect(indCumD, rnd.random() * indTot)
            var nm: [UInt8] = []
            while true {
                nm.removeAll(keepingCapacity: true)
                if rnd.random() < 0.15 { nm += provPrefix[c] }
                if rnd.random() < 0.6 { nm += cityStem[c] }
                nm += bc[Int(rnd.random() * Double(nb))]
                nm += bc[Int(rnd.random() * Double(nb))]
                if rnd.random() < 0.25 { nm += bc[Int(rnd.random() * Double(nb))] }
                nm += indBytes[ind]
                nm += rnd.random() < 0.3 ? sufShares : (rnd.random() < 0.07 ? sufGroup : sufLtd)
                if !used.contains(nm) { break }
            }
            used.insert(nm)
            names.append(nm)
            entInd[i] = ind
        }
        used = []
        f = try CSVOut(P("enterprises.csv"), header: ["name", "city", "industry"])
        for i in 0..<S { f.rowBytes([names[i], cityBytes[entCity[i]], indBytes[entInd[i]]]) }
        f.close()

        // Awards: 5·S rows; enterprise ~ Zipf(0.85, q=10) over a random enterprise ranking, honor ~
        // Zipf(0.8) over a random honor ranking; year in [max(2000, start), 2026].
        var entRank = Array(0..<S)
        rnd.shuffle(&entRank)
        let entCum = zipfCum(S, 0.85, 10.0)
        var honRank = Array(0..<honors.count)
        rnd.shuffle(&honRank)
        let honCum = zipfCum(honors.count, 0.8)
        let N = 5 * S
        f = try CSVOut(P("awards.csv"), header: ["enterprise", "honor", "year", "edition", "recommended_by"])
        let entTot = entCum.last!, honTot = honCum.last!
        var awardCnt = [Int](repeating: 0, count: S)
        var entHonors: [Int: Set<Int>] = [:]
        let loTail = S / 2, hiTail = S / 2 + 2000
        let honorBytes = honors.map { Array($0.name.utf8) }
        let deptBytes = cityNames.map { c in depts[c]!.map { Array($0.utf8) } }
        for _ in 0..<N {
            let e = entRank[bisect(entCum, rnd.random() * entTot)]
            let hi = honRank[bisect(honCum, rnd.random() * honTot)]
            let hstart = honors[hi].start
            let y0 = hstart > 2000 ? hstart : 2000
            let y = y0 + Int(rnd.random() * Double(2027 - y0))
            let x = rnd.random()
            let dl = deptBytes[entCity[e]]
            let rec = x < 0.6 ? dl[0] : (x < 0.9 ? dl[1] : dl[Int(rnd.random() * 20)])
            f.field(names[e]); f.comma(); f.field(honorBytes[hi]); f.comma()
            f.int(y); f.comma(); f.int(y - hstart + 1); f.comma(); f.field(rec)
            f.endRow()
            awardCnt[e] += 1
            if e >= loTail && e < hiTail { entHonors[e, default: []].insert(hi) }
        }
        f.close()

        // Query parameters (deterministic).
        var cityAwards = [Int](repeating: 0, count: cityNames.count)
        for e in 0..<S { cityAwards[entCity[e]] += awardCnt[e] }
        let byPop = cityNames.indices.sorted { a, b in
            cityAwards[a] != cityAwards[b] ? cityAwards[a] > cityAwards[b] : cityBytes[a].lexicographicallyPrecedes(cityBytes[b])
        }
        let q1 = byPop[byPop.count / 2]
        let tail = entHonors.keys.sorted()
        var q5src = "", q5dst = ""
        if let src = tail.first,
           let dst = tail.dropFirst().first(where: { entCity[$0] != entCity[src] && entHonors[$0]!.isDisjoint(with: entHonors[src]!) }) {
            q5src = String(decoding: names[src], as: UTF8.self)
            q5dst = String(decoding: names[dst], as: UTF8.self)
        }
        let params = Params(
            scale: S, seed: seed, q1_city: cityNames[q1], q1_city_alias: cities[q1].1,
            q3_honor: honors[honRank[honors.count / 10]].name, q3_year: 2020,
            q4_enterprise: String(decoding: names[entRank[99 % S]], as: UTF8.self), q4_award_count: awardCnt[entRank[99 % S]],
            q5_src: q5src, q5_dst: q5dst, q6_substring: "机械",
            max_awards_per_enterprise: awardCnt.max() ?? 0,
            enterprises_without_awards: awardCnt.filter { $0 == 0 }.count,
            top_city: cityNames[byPop[0]],
            top_city_award_share: (Double(cityAwards[byPop[0]]) / Double(N) * 10000).rounded() / 10000,
            gen_seconds: (Date().timeIntervalSince(t0) * 100).rounded() / 100)
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted]
        try enc.encode(params).write(to: URL(fileURLWithPath: P("params.json")))
        return params
    }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}
