import Testing
@testable import FactGraph

/// Several `.facts` files merge: a kind declared again the same way, an entity defined again in
/// another file, and a relation row repeated in another file are one kind, one entity, one fact.
@Suite struct FactsMergeTests {
    static let schema = """
        kind city/cities place
        kind department/departments entity parent:department city:city^
        kind award/awards relation recipient:entity^ year:int note:text
        source a date=2024
        source b date=2025

        """

    func load(_ files: [(String, String)]) throws(LoadFailure) -> FactGraph {
        try FactsReader.load(files.map { ($0.0, Array($0.1.utf8)) })
    }

    func errors(_ files: [(String, String)]) -> [String] {
        do { _ = try load(files); return [] } catch { return error.errors.map(\.description) }
    }

    @Test func definitionsRepeatedInAnotherFileMerge() throws {
        let one = Self.schema + """
            city 济宁市 aka=济宁 @a:1
            department 济宁市市场监督管理局 city=济宁市 @a:2
            award recipient=济宁市 year=2024 @a:3
            award recipient=济宁市 year=2024 note=x @a:4
            """
        let two = Self.schema + """
            city 济宁市 aka=Jining @b:7
            department 济宁市市场监督管理局 aka=济宁市市场监管局 city=济宁 parent=济宁市市场监督管理局 @b:8
            award recipient=济宁 year=2024 @b:9
            award recipient=济宁市 year=2023 @b:10
            """
        let g = try load([("one.facts", one), ("two.facts", two)])
        let city = g.entity(named: "Jining")!
        #expect(city == g.entity(named: "济宁"))
        #expect(Set(g.aliases(of: city)) == ["济宁", "Jining"])
        let cityKind = g.kind(named: "city")!
        #expect(g.kinds[cityKind].rowCount == 1)
        #expect(g.kinds[cityKind].provenance(0).map(\.paragraph) == [1, 7])
        let dept = g.entity(named: "济宁市市场监管局")!
        let dk = g.kind(named: "department")!
        #expect(g.kinds[dk].rowCount == 1)
        #expect(g.value(kind: dk, column: 0, row: Int(g.entityRow[Int(dept)])) == .entity(dept), "the column the first file left out")
        // The repeated award is one fact with both sources; a different one stays.
        let ak = g.kind(named: "award")!
        #expect(g.kinds[ak].rowCount == 3)
        #expect(g.kinds[ak].provenance(0).map(\.paragraph) == [3, 9])
    }

    @Test func conflictsAndMistakesAreErrors() {
        #expect(errors([("one.facts", Self.schema + "city 济宁市\ndepartment d city=济宁市\n"),
                        ("two.facts", Self.schema + "city 潍坊市\ndepartment d city=潍坊市\n")])
                == ["two.facts:7:19: 'd' is defined again with city=潍坊市, but an earlier file gives city=济宁市"])
        #expect(errors([("one.facts", Self.schema + "city x\n"), ("two.facts", Self.schema + "department x\n")])
                == ["two.facts:6:12: 'x' is defined again as a department, but an earlier file defines it as a city"])
        #expect(errors([("one.facts", Self.schema + "city x\ncity x\n")]) == ["one.facts:7:6: duplicate name 'x': already names x (line 6)"])
    }

    @Test func theSameFileMayStateAFactTwice() throws {
        let g = try load([("one.facts", Self.schema + "city c\naward recipient=c year=1\naward recipient=c year=1\n")])
        #expect(g.kinds[g.kind(named: "award")!].rowCount == 2)
    }
}
