import Testing
import FactGraph
@testable import FactQuery

/// Conditions and groups on a column of the entity a reference names (`firm.industry`,
/// `firm.city`): the condition is tested once per entity (`CompiledFilter.hopOnce`) and the key
/// read through a table per entity (`KeyCoder`'s `.hop` source). The answers must be those of
/// reading each row's value: checked here against counts made from the generator's own lists.
@Suite struct HopColumnTests {
    struct Data {
        var graph: FactGraph
        /// Per firm: its industry and city (nil when missing).
        var industry: [String?]
        var city: [String?]
        /// Per award: its firm's index (nil when missing), and its year.
        var firmOf: [Int?]
        var year: [Int]
    }

    static let data: Data = {
        var rng = SplitMix64(seed: 41)
        let b = GraphBuilder()
        let province = try! b.declareKind(name: "province", plural: "provinces", role: .place, columns: [])
        let city = try! b.declareKind(name: "city", plural: "cities", role: .place, columns: [
            Column(name: "province", type: .ref(.kind(province)), isLocation: true)])
        let firm = try! b.declareKind(name: "firm", plural: "firms", role: .entity, columns: [
            Column(name: "city", type: .ref(.kind(city)), isLocation: true), Column(name: "industry", type: .text)])
        let award = try! b.declareKind(name: "award", plural: "awards", role: .relation, columns: [
            Column(name: "firm", type: .ref(.kind(firm)), isLocation: true), Column(name: "year", type: .int)])
        let cityNames = ["济宁市", "潍坊市", "金乡县", "青岛市"]
        let shandong = try! b.addEntity(kind: province, name: "山东省").entity
        // 青岛市 is left without a province.
        let cities = cityNames.map { name -> EntityID in
            let (row, e) = try! b.addEntity(kind: city, name: name)
            if name != "青岛市" { b.setID(kind: city, column: 0, row: row, shandong) }
            return e
        }
        let industries = ["化工", "科技", "机械", "纺织", "食品"]
        var industry: [String?] = [], cityOf: [String?] = [], firms: [EntityID] = []
        for i in 0..<700 {
            let (row, e) = try! b.addEntity(kind: firm, name: "企业\(i)号")
            firms.append(e)
            let c = Int.random(in: 0..<6, using: &rng)
            if c < cities.count { b.setID(kind: firm, column: 0, row: row, cities[c]); cityOf.append(cityNames[c]) } else { cityOf.append(nil) }
            let n = Int.random(in: 0..<7, using: &rng)
            if n < industries.count { b.setID(kind: firm, column: 1, row: row, b.intern(industries[n])); industry.append(industries[n]) } else { industry.append(nil) }
        }
        var firmOf: [Int?] = [], year: [Int] = []
        for _ in 0..<8_000 {
            let r = b.addRow(kind: award)
            // Firms with low numbers win most: many rows per firm, some firms never.
            let f = Int.random(in: 0..<12, using: &rng) == 0 ? nil : min(699, Int.random(in: 0..<700, using: &rng) * Int.random(in: 0..<4, using: &rng) / 3)
            if let f { b.setID(kind: award, column: 0, row: r, firms[f]) }
            firmOf.append(f)
            year.append(Int.random(in: 2018...2024, using: &rng))
            b.setInt(kind: award, column: 1, row: r, Int64(year.last!))
        }
        return Data(graph: b.finish()!, industry: industry, city: cityOf, firmOf: firmOf, year: year)
    }()

    static func count(_ q: String) throws -> Int {
        let t = try QueryEngine(graph: data.graph).execute(q)
        return Int(t.text(0, 0))!
    }

    /// `col op value` as SQL reads it: unknown (not counted) when the value is missing.
    static func expected(_ value: (Int) -> String?, _ keep: (String?) -> Bool) -> Int {
        data.firmOf.reduce(0) { n, f in n + (keep(f.flatMap(value)) ? 1 : 0) }
    }

    @Test func conditions() throws {
        let d = Self.data
        let ind = { (f: Int) in d.industry[f] }, city = { (f: Int) in d.city[f] }
        #expect(try Self.count("count awards where firm.industry=化工") == Self.expected(ind) { $0 == "化工" })
        #expect(try Self.count("count awards where firm.industry!=化工") == Self.expected(ind) { $0 != nil && $0 != "化工" })
        #expect(try Self.count("count awards where not firm.industry=化工") == Self.expected(ind) { $0 != nil && $0 != "化工" })
        #expect(try Self.count("count awards where firm.industry is null") == Self.expected(ind) { $0 == nil })
        #expect(try Self.count("count awards where firm.industry~工") == Self.expected(ind) { $0?.contains("工") ?? false })
        #expect(try Self.count("count awards where firm.city=济宁市") == Self.expected(city) { $0 == "济宁市" })
        // Substrings, found once per string or entity (a text column, names, a name through a hop).
        #expect(try Self.count("count firms where industry~工") == d.industry.filter { $0?.contains("工") ?? false }.count)
        #expect(try Self.count("count firms where industry!~工") == d.industry.filter { $0 != nil && !$0!.contains("工") }.count)
        #expect(try Self.count("count firms where name~9号") == (0..<700).filter { "企业\($0)号".contains("9号") }.count)
        #expect(try Self.count("count awards where firm.name!~9号") == d.firmOf.filter { $0 != nil && !"企业\($0!)号".contains("9号") }.count)
        // Two hops: the firm's city's province (none for 青岛市 and for firms without a city).
        let province = { (f: Int) in d.city[f].flatMap { $0 == "青岛市" ? nil : "山东省" } }
        #expect(try Self.count("count awards where firm.city.province=山东省") == Self.expected(province) { $0 == "山东省" })
        #expect(try Self.count("count awards where firm.city.province is null") == Self.expected(province) { $0 == nil })
        #expect(try Self.count("count awards where not firm.city.province=山东省") == 0)
        #expect(try Self.count("count awards where firm.province=山东省") == Self.expected(province) { $0 == "山东省" })
        // From a place up the firms' own location chain (their city), then the city's column.
        #expect(try Self.count("count firms where city.province=山东省") == d.city.filter { $0 != nil && $0 != "青岛市" }.count)
        #expect(try Self.count("count firms where city.province is null") == d.city.filter { $0 == nil || $0 == "青岛市" }.count)
        #expect(try Self.count("count awards where firm.city in (济宁市, 青岛市) or firm.industry=纺织")
                == d.firmOf.reduce(0) { n, f in
                    guard let f else { return n }
                    return n + ((d.city[f] == "济宁市" || d.city[f] == "青岛市" || d.industry[f] == "纺织") ? 1 : 0)
                })
        #expect(try Self.count("count awards where firm.city is not null and year=2020")
                == zip(d.firmOf, d.year).filter { f, y in f.flatMap { d.city[$0] } != nil && y == 2020 }.count)
    }

    /// `<`, `<=`, `>`, `>=` on a reference or text column compare collation ranks with the
    /// literal's place among the pool's strings: the same as comparing the texts' keys.
    @Test(arguments: ["企业300号", "企业3", "企业", "企业99号", "企业699号", "a", "zz", "化工", "纺织", "机"])
    func textOrder(_ literal: String) throws {
        let d = Self.data
        let lit = CollationKey.key(literal)
        func cmp(_ text: String?) -> Int? {
            guard let text else { return nil }
            let k = CollationKey.key(text)
            return k == lit ? 0 : (k.lexicographicallyPrecedes(lit) ? -1 : 1)
        }
        for (op, keep) in [(">", { (c: Int) in c > 0 }), (">=", { $0 >= 0 }), ("<", { $0 < 0 }), ("<=", { $0 <= 0 })] {
            #expect(try Self.count("count awards where firm \(op) \"\(literal)\"")
                    == Self.expected({ "企业\($0)号" }) { cmp($0).map(keep) ?? false }, "firm \(op) \(literal)")
            #expect(try Self.count("count firms where industry \(op) \"\(literal)\"")
                    == d.industry.filter { cmp($0).map(keep) ?? false }.count, "industry \(op) \(literal)")
        }
    }

    static func table(_ q: String) throws -> [String: String] {
        let t = try QueryEngine(graph: data.graph).execute(q)
        var out: [String: String] = [:]
        for r in t.rows.indices { out[t.text(r, 0)] = t.text(r, t.columns.count - 1) }
        return out
    }

    /// count(distinct …) per group (pairs of codes sorted by radix) and `having` on counts
    /// (tested per group number), against sets and counts made from the generator's lists.
    @Test func distinctCountsAndHaving() throws {
        let d = Self.data
        var yearsOf: [String: Set<Int>] = [:], firmsOf: [Int: Set<Int>] = [:], awardsOf: [Int: Int] = [:]
        for (f, y) in zip(d.firmOf, d.year) {
            if let f { yearsOf[d.industry[f] ?? "", default: []].insert(y); firmsOf[y, default: []].insert(f); awardsOf[f, default: 0] += 1 }
            else { yearsOf["", default: []].insert(y) }
        }
        #expect(try Self.table("awards summarize count(distinct year) by firm.industry") == yearsOf.mapValues { "\($0.count)" })
        var firmCounts: [String: String] = [:]
        for (y, fs) in firmsOf { firmCounts["\(y)"] = "\(fs.count)" }
        #expect(try Self.table("awards summarize count(distinct firm) by year") == firmCounts)
        let cases: [(String, (Int) -> Bool)] = [
            ("count > 20", { $0 > 20 }), ("count >= 5 and count < 9", { $0 >= 5 && $0 < 9 }),
            ("not count > 3 or count = 30", { !($0 > 3) || $0 == 30 }), ("count > 12.5", { Double($0) > 12.5 })]
        for (having, keep) in cases {
            var want: [String: String] = [:]
            for (f, n) in awardsOf where keep(n) { want["企业\(f)号"] = "\(n)" }
            #expect(try Self.table("count awards where firm is not null by firm having \(having)") == want, "\(having)")
        }
    }

    @Test(arguments: ["industry", "city"])
    func groups(_ column: String) throws {
        let d = Self.data
        let t = try QueryEngine(graph: d.graph).execute("count awards by firm.\(column)")
        var got: [String: Int] = [:]
        for r in t.rows.indices { got[t.text(r, 0)] = Int(t.text(r, 1))! }
        var want: [String: Int] = [:]
        for f in d.firmOf {
            let v = f.flatMap { column == "industry" ? d.industry[$0] : d.city[$0] }
            want[v ?? t.graph.display(.null), default: 0] += 1
        }
        #expect(got == want)
        // Largest first, as for any key.
        let counts = t.rows.indices.map { Int(t.text($0, 1))! }
        #expect(counts == counts.sorted(by: >))
    }

    /// `order by` a place up the location chain (awards' `city` and `province` through their
    /// firm) reads each place's place among its kind's names: rows by the place's name, missing
    /// ones last, ties in row order, as comparing the names does.
    @Test(arguments: ["city", "city desc", "province, year desc", "province desc, city"])
    func orderByAPlace(_ keys: String) throws {
        let d = Self.data
        let t = try QueryEngine(graph: d.graph).execute("awards order by \(keys) show city, province, year")
        let got = t.rows.indices.map { r in (0..<3).map { t.text(r, $0) }.joined(separator: "|") }
        func province(_ city: String?) -> String? { city.flatMap { $0 == "青岛市" ? nil : "山东省" } }
        struct Row { let city: String?; let province: String?; let year: Int; let index: Int }
        let rows = d.firmOf.enumerated().map { i, f in Row(city: f.flatMap { d.city[$0] }, province: province(f.flatMap { d.city[$0] }), year: d.year[i], index: i) }
        func cmp(_ a: String?, _ b: String?, _ desc: Bool) -> Int {
            switch (a, b) {
            case (nil, nil): return 0
            case (nil, _): return 1
            case (_, nil): return -1
            case let (x?, y?):
                if x == y { return 0 }
                return CollationKey.less(x, y) != desc ? -1 : 1
            }
        }
        let sorted = rows.sorted { a, b in
            var parts: [Int] = []
            switch keys {
            case "city": parts = [cmp(a.city, b.city, false)]
            case "city desc": parts = [cmp(a.city, b.city, true)]
            case "province, year desc": parts = [cmp(a.province, b.province, false), a.year == b.year ? 0 : (a.year > b.year ? -1 : 1)]
            default: parts = [cmp(a.province, b.province, true), cmp(a.city, b.city, false)]
            }
            for p in parts where p != 0 { return p < 0 }
            return a.index < b.index
        }
        let want = sorted.map { "\($0.city ?? "")|\($0.province ?? "")|\($0.year)" }
        #expect(got == want)
    }

    /// `order by` a column of the entity a reference names (`firm.industry`) reads each entity's
    /// value from a table and its rank: rows by the value, missing ones last, ties in row order.
    @Test(arguments: [false, true])
    func orderByAHop(_ descending: Bool) throws {
        let d = Self.data
        let t = try QueryEngine(graph: d.graph).execute("awards order by firm.industry\(descending ? " desc" : ""), year show firm.industry, year")
        let got = t.rows.indices.map { r in "\(t.text(r, 0))|\(t.text(r, 1))" }
        let rows = d.firmOf.enumerated().map { (industry: $0.element.flatMap { d.industry[$0] }, year: d.year[$0.offset], index: $0.offset) }
        let sorted = rows.sorted { a, b in
            switch (a.industry, b.industry) {
            case (nil, nil): break
            case (nil, _): return false
            case (_, nil): return true
            case let (x?, y?) where x != y: return CollationKey.less(x, y) != descending
            default: break
            }
            return a.year != b.year ? a.year < b.year : a.index < b.index
        }
        #expect(got == sorted.map { "\($0.industry ?? "")|\($0.year)" })
    }

    /// Conditions on places up the location chain, tested a block at a time through the
    /// ancestors' table (as a big scan does), give the evaluator's truths: awards without a
    /// firm, firms without a city and 青岛市 without a province are unknown.
    @Test(arguments: ["city=济宁市", "province=山东省", "province!=山东省", "city within 山东省", "city not within 济宁市",
                      "firm.city within 山东省", "province in (山东省) or year=2020",
                      // Chains from a place up the location chain, and through a firm to its
                      // city's province: each entity's truth filled first, a block of its rows
                      // at a time.
                      "city.province=山东省", "city.province!=山东省", "not city.province=山东省 or year=2020",
                      "firm.city.province=山东省", "firm.city.province!=山东省", "firm.city.name~济 and year>2019"])
    func placeConditionsInBlocks(_ c: String) throws {
        let g = Self.data.graph
        let k = try #require(g.kind(named: "awards"))
        guard case .query(let q) = try Parser.parse("awards where " + c), let cond = q.condition else { Issue.record("parse"); return }
        let p = try Binder(g: g, parameters: [:], notes: NoteSink()).predicate(cond, .rows(k))
        let ev = Evaluator(g: g)
        let rows = (0..<g.kinds[k].rowCount).map { UInt32($0) }
        let codes = BatchFilter(p, kind: k, graph: g, rows: .max).codes(rows)
        let want = rows.map { TruthCode.of(ev.test(p, k, Int($0))) }
        #expect(codes == want, "\(c)")
        #expect(want.contains(TruthCode.unknown) && want.contains(c.contains("!=") ? TruthCode.no : TruthCode.yes), "\(c)")
    }

    /// Groups by a chain of references and places (`firm.city.province`, `firm.province` up the
    /// location chain): one table per step, each entity's value read once. 青岛市 has no
    /// province, some firms no city, some awards no firm: all of them land in the missing group.
    @Test(arguments: ["awards by firm.city.province", "awards by firm.province", "firms by city.province",
                      "awards by firm.city.province, year", "firms by province", "firms by city", "firms by province, city"])
    func chains(_ what: String) throws {
        let d = Self.data
        let t = try QueryEngine(graph: d.graph).execute("count \(what)")
        var got: [String: Int] = [:]
        for r in t.rows.indices { got[t.columns.indices.dropLast().map { t.text(r, $0) }.joined(separator: "|")] = Int(t.text(r, t.columns.count - 1))! }
        func province(_ city: String?) -> String { city.map { $0 == "青岛市" ? "" : "山东省" } ?? "" }
        var want: [String: Int] = [:]
        if what == "firms by city" {
            for c in d.city { want[c ?? "", default: 0] += 1 }
        } else if what == "firms by province, city" {
            for c in d.city { want["\(province(c))|\(c ?? "")", default: 0] += 1 }
        } else if what.hasPrefix("firms") {
            for c in d.city { want[province(c), default: 0] += 1 }
        } else {
            for (f, y) in zip(d.firmOf, d.year) {
                let p = province(f.flatMap { d.city[$0] })
                want[what.hasSuffix("year") ? "\(p)|\(y)" : p, default: 0] += 1
            }
        }
        #expect(got == want)
        #expect(t.rows.count > 1)
    }
}
