import Testing
import BuiltinGraph
@testable import FactGraph

/// Facts of both press releases that the built-in graph must hold.
@Suite struct BuiltinGraphTests {
    let g: FactGraph = try! BuiltinGraph.load()

    func entity(_ n: String) throws -> EntityID { try #require(g.entity(named: n), "no entity \(n)") }

    func kindName(_ n: String) throws -> String { g.kindOf(try entity(n)).name }

    func column(_ e: EntityID, _ name: String) -> String {
        let k = g.kindOf(e)
        guard let c = k.columnIndex(named: name) else { return "" }
        return g.display(g.value(kind: k.index, column: c, row: Int(g.entityRow[Int(e)])))
    }

    /// Award rows as "recipient|honor|edition|year|date|batch|recommended_by".
    var awards: [String] {
        let k = g.kind(named: "awards")!
        let kind = g.kinds[k]
        return (0..<kind.rowCount).map { r in
            ["recipient", "honor", "edition", "year", "date", "batch", "recommended_by"].map {
                g.display(g.value(kind: k, column: kind.columnIndex(named: $0)!, row: r))
            }.joined(separator: "|")
        }
    }

    @Test func aliasesNameTheSameEntities() throws {
        let jn = try entity("济宁市")
        for n in ["济宁", "Jining", "jining"] { #expect(try entity(n) == jn) }
        let wf = try entity("潍坊市")
        for n in ["潍坊", "Weifang", "weifang"] { #expect(try entity(n) == wf) }
        let goer = try entity("歌尔股份有限公司")
        for n in ["歌尔", "歌尔股份"] { #expect(try entity(n) == goer) }
        #expect(try entity("潍柴") == entity("潍柴动力股份有限公司"))
        #expect(try entity("天意机械") == entity("山东天意机械股份有限公司"))
    }

    @Test func weifangFacts() throws {
        #expect(awards.contains("歌尔股份有限公司|中国质量奖提名奖|第四届|2021|2021-09-16||"))
        #expect(awards.contains("潍柴动力股份有限公司|中国质量奖|第三届||||"))
        #expect(awards.contains("潍柴动力股份有限公司|中国质量奖提名奖|第一届||||"))
        #expect(awards.contains("潍柴动力股份有限公司|中国质量奖提名奖|第二届||||"))
        let feng = try entity("冯纪伟")
        #expect(column(feng, "department") == "潍坊市市场监督管理局")
        #expect(column(feng, "title").contains("局长"))
        #expect(try kindName("国家燃料电池技术创新中心") == "platform")
        #expect(column(try entity("歌尔"), "city") == "潍坊市")
    }

    @Test func jiningFacts() throws {
        #expect(awards.contains("山东天意机械股份有限公司|省长质量奖|第九届||||"))
        #expect(awards.contains("浩珂科技有限公司|省长质量奖提名奖|第九届||||"))
        #expect(awards.contains("济宁市|国家农产品质量安全市||2023|2023-10-27|第三批|"))
        #expect(awards.contains { $0.hasPrefix("经典重工|全国质量标杆||2024|") })
        #expect(awards.contains { $0.hasPrefix("新风光电子|全国质量标杆||2024|") })
        #expect(awards.contains { $0.hasPrefix("兖州区|山东省质量强区||2023|") })
        let huang = try entity("黄新平")
        #expect(column(huang, "department") == "济宁市工业和信息化局")
        #expect(column(huang, "title") == "一级调研员")
        #expect(column(try entity("马文"), "title").contains("科长"))
        #expect(g.ancestor(of: try entity("兖州区"), kind: g.kind(named: "city")!) == (try entity("济宁")))
        #expect(g.ancestor(of: try entity("曲阜"), kind: g.kind(named: "city")!) == (try entity("济宁")))
    }

    @Test func statisticsCarryValueUnitAndDate() throws {
        let k = g.kind(named: "stats")!
        let kind = g.kinds[k]
        func stats(of subject: String) throws -> [String] {
            let s = try entity(subject)
            return (0..<kind.rowCount).filter { kind.id(kind.columnIndex(named: "subject")!, $0) == s }.map { r in
                ["measure", "value", "unit", "as_of"].map { g.display(g.value(kind: k, column: kind.columnIndex(named: $0)!, row: r)) }.joined(separator: "|")
            }
        }
        let jn = try stats(of: "济宁市")
        #expect(jn.contains { $0.contains("|14|个|") })      // 省长质量奖及提名奖 14 个
        #expect(jn.contains { $0.contains("|645|家|") })     // 一企一技术研发中心 645 家
        #expect(jn.contains { $0.contains("|4949|名|") })    // 村级协管员
        let wf = try stats(of: "潍坊市")
        #expect(wf.contains { $0.contains("|98.5|%|") })     // 食品抽检合格率
        #expect(wf.contains { $0.contains("|203|批次|") })   // 药品抽检 (during the 雷霆2021 campaign)
        #expect(wf.contains { $0.contains("|650|个|") })     // 省级以上创新平台
    }

    @Test func everyFactNamesItsSourceAndALineThatExists() throws {
        let lines = ["weifang-2021-09-17": 79, "jining-2024-09-11": 151]
        var facts = 0
        for kind in g.kinds where kind.index != g.sourceKind {
            for r in 0..<kind.rowCount {
                let p = kind.provenance(r)
                #expect(!p.isEmpty, "\(kind.name) row \(r) has no source")
                for (s, para) in p {
                    let n = g.name(of: s)
                    #expect(para >= 1 && para <= lines[n]!, "\(kind.name) row \(r): \(n):\(para)")
                }
                facts += 1
            }
        }
        #expect(facts > 200)
    }

    @Test func peopleSpeakAtBothConferences() throws {
        let k = g.kind(named: "speakers")!
        let kind = g.kinds[k]
        let people = (0..<kind.rowCount).map { g.display(g.value(kind: k, column: kind.columnIndex(named: "person")!, row: $0)) }
        for p in ["冯纪伟", "王瑞卿", "周庆华", "黄新平", "师恩东", "郑庆军", "胡国梁", "马文"] { #expect(people.contains(p), "\(p)") }
    }

    @Test func canonicalFormRoundTrips() throws {
        let text = FactsWriter.write(g)
        let g2 = try FactsReader.load([("builtin-canonical.facts", Array(text.utf8))])
        #expect(FactsWriter.write(g2) == text)
        #expect(g2.entityCount == g.entityCount)
    }
}
