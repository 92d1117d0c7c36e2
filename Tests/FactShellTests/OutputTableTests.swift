import FactGraph
import FactQuery
import Testing
@testable import FactShell

@Suite struct OutputTableTests {
    /// Every line of the box (not the footer) has the same display width.
    func boxLinesAreEven(_ s: String) -> Bool {
        let box = s.split(separator: "\n").filter { $0.hasPrefix("┌") || $0.hasPrefix("│") || $0.hasPrefix("├") || $0.hasPrefix("└") }
        return Set(box.map { DisplayWidth.of(String($0)) }).count == 1
    }

    @Test func alignsChineseNumbersAndNulls() {
        let s = OutputFixture.render(.table, OutputFixture.awards)
        #expect(s == """
            ┌────────┬────┬───────────────┐
            │ city   │  n │ honor         │
            ├────────┼────┼───────────────┤
            │ 济宁市 │  3 │ 质量标杆      │
            │ 潍坊市 │ 12 │               │
            │ 济宁市 │    │ Quality award │
            └────────┴────┴───────────────┘
            (3 rows)

            """)
        #expect(boxLinesAreEven(s))
        #expect(!s.contains("\u{1B}"))
    }

    @Test func headersOffAndSingularFooter() {
        var t = OutputFixture.awards
        t.rows = [t.rows[0]]
        #expect(OutputFixture.render(.table, t) { $0.headers = false } == """
            ┌────────┬───┬──────────┐
            │ 济宁市 │ 3 │ 质量标杆 │
            └────────┴───┴──────────┘
            (1 row)

            """)
        #expect(OutputFixture.render(.table, t) { $0.footer = false }.hasSuffix("┘\n"))
    }

    @Test func emptyResultPrintsHeaderBox() {
        var t = OutputFixture.awards
        t.rows = []
        #expect(OutputFixture.render(.table, t) == """
            ┌──────┬───┬───────┐
            │ city │ n │ honor │
            └──────┴───┴───────┘
            (0 rows)

            """)
        #expect(OutputFixture.render(.table, t) { $0.headers = false } == "(0 rows)\n")
    }

    @Test func maxRowsAndNote() {
        var t = OutputFixture.awards
        t.note = "3 awards in 2 cities"
        #expect(OutputFixture.render(.table, t) { $0.maxRows = 1 } == """
            ┌────────┬───┬──────────┐
            │ city   │ n │ honor    │
            ├────────┼───┼──────────┤
            │ 济宁市 │ 3 │ 质量标杆 │
            │ …      │ … │ …        │
            └────────┴───┴──────────┘
            (3 rows, 1 shown)
            3 awards in 2 cities

            """)
        // The first and the last rows with a `…` row between (DuckDB's way); the widths come
        // from the rows shown.
        #expect(OutputFixture.render(.table, t) { $0.maxRows = 2 } == """
            ┌────────┬───┬───────────────┐
            │ city   │ n │ honor         │
            ├────────┼───┼───────────────┤
            │ 济宁市 │ 3 │ 质量标杆      │
            │ …      │ … │ …             │
            │ 济宁市 │   │ Quality award │
            └────────┴───┴───────────────┘
            (3 rows, 2 shown)
            3 awards in 2 cities

            """)
        #expect(OutputFixture.render(.table, t) { $0.maxRows = 3 }.contains("(3 rows)\n"))
        #expect(OutputFixture.render(.table, t) { $0.maxRows = 0 }.contains("(3 rows)\n"))
    }

    @Test func colourOnlyWhenAsked() {
        var t = OutputFixture.awards
        t.rows = [t.rows[1]]
        let s = OutputFixture.render(.table, t) { $0.color = true }
        #expect(s == """
            ┌────────┬────┬───────┐
            │ \u{1B}[1mcity\u{1B}[0m   │  \u{1B}[1mn\u{1B}[0m │ \u{1B}[1mhonor\u{1B}[0m │
            ├────────┼────┼───────┤
            │ 潍坊市 │ 12 │ \u{1B}[2mnull\u{1B}[0m  │
            └────────┴────┴───────┘
            (1 row)

            """)
    }

    @Test func wrapsLongChineseCellToFitTerminal() {
        let t = OutputFixture.strings(["name", "note"], [
            ["济宁", "山东省济宁市兖州区，国家级质量标杆企业、省长质量奖获得者 (2024)"],
            ["潍坊", "歌尔股份"],
        ])
        let s = OutputFixture.render(.table, t) { $0.terminalWidth = 30 }
        #expect(s == """
            ┌──────┬─────────────────────┐
            │ name │ note                │
            ├──────┼─────────────────────┤
            │ 济宁 │ 山东省济宁市兖州    │
            │      │ 区，国家级质量标杆  │
            │      │ 企业、省长质量奖获  │
            │      │ 得者 (2024)         │
            ├──────┼─────────────────────┤
            │ 潍坊 │ 歌尔股份            │
            └──────┴─────────────────────┘
            (2 rows)

            """)
        #expect(boxLinesAreEven(s))
        for line in s.split(separator: "\n") { #expect(DisplayWidth.of(String(line)) <= 30) }
    }

    @Test func wrapsAtNarrowWidthWithoutSplittingCharacters() {
        let text = "山东天意机械股份有限公司获评第九届山东省省长质量奖\n第二行"
        let t = OutputFixture.strings(["名称", "说明"], [["天意", text], [nil, "短"]])
        for width in [2, 3, 5, 7, 10, 11] {
            let s = OutputFixture.render(.table, t) { $0.widths = [0, width] }
            #expect(boxLinesAreEven(s), "width \(width)")
            // The characters come out in order, none lost, none split.
            let lines = s.split(separator: "\n")
            let body = lines.drop { !$0.hasPrefix("├") }.filter { $0.hasPrefix("│") }
            let second = body.map { line -> String in
                let parts = line.split(separator: "│", omittingEmptySubsequences: false)
                return parts[2].outputTestTrimmed()
            }.joined()
            #expect(second == text.filter { $0 != "\n" } + "短", "width \(width)")
        }
    }

    @Test func widthCapWrapsAfterSpace() {
        let t = OutputFixture.strings(["honor"], [["Quality award of Shandong"]])
        #expect(OutputFixture.render(.table, t) { $0.widths = [10]; $0.footer = false } == """
            ┌────────────┐
            │ honor      │
            ├────────────┤
            │ Quality    │
            │ award of   │
            │ Shandong   │
            └────────────┘

            """)
    }

    @Test func negativeWidthRightAligns() {
        let t = OutputFixture.strings(["a"], [["x"], ["yyy"]])
        #expect(OutputFixture.render(.table, t) { $0.widths = [-5]; $0.footer = false } == """
            ┌─────┐
            │   a │
            ├─────┤
            │   x │
            │ yyy │
            └─────┘

            """)
    }

    @Test func newlinesInsideCellsWrap() {
        let t = OutputFixture.strings(["k", "v"], [["a", "第一行\n第二行较长"], ["b", "x"]])
        let s = OutputFixture.render(.table, t) { $0.footer = false }
        #expect(s == """
            ┌───┬────────────┐
            │ k │ v          │
            ├───┼────────────┤
            │ a │ 第一行     │
            │   │ 第二行较长 │
            ├───┼────────────┤
            │ b │ x          │
            └───┴────────────┘

            """)
    }

    @Test func controlCharactersCannotReachTheTerminal() {
        let t = OutputFixture.strings(["v"], [["a\u{1B}[31mb\tc"]])
        let s = OutputFixture.render(.table, t)
        #expect(!s.contains("\u{1B}"))
        #expect(s.contains("a^[[31mb c"))
    }

    @Test func shrinksWidestColumnsFirstNeverBelowFour() {
        var o = RenderOptions()
        o.terminalWidth = 1 + 3 * 3 + 30
        #expect(TableFormat.columnWidths(natural: [5, 40, 20], options: o) == [5, 13, 12])
        o.terminalWidth = 1 + 3 * 3 + 10
        #expect(TableFormat.columnWidths(natural: [3, 40, 20], options: o) == [3, 4, 4])
        o.terminalWidth = 200
        #expect(TableFormat.columnWidths(natural: [3, 40, 20], options: o) == [3, 40, 20])
        o.terminalWidth = nil
        o.widths = [0, 8]
        #expect(TableFormat.columnWidths(natural: [3, 40, 20], options: o) == [3, 8, 20])
    }
}

private extension Substring {
    func outputTestTrimmed() -> String {
        var s = self
        while s.first == " " { s.removeFirst() }
        while s.last == " " { s.removeLast() }
        return String(s)
    }
}
