import FactGraph
import FactQuery
import Testing
@testable import FactShell

/// Results shown on a screen: long ones cut to their first and last rows, wide ones fitted or
/// switched to line layout, wrapping between words and at identifier joiners, rules only where
/// rows wrap, and `.nullvalue`.
@Suite struct OutputScreenTests {
    /// A result of `n` rows: `row 0` … `row n-1`, with a number.
    func numbered(_ n: Int) -> ResultTable {
        ResultTable(graph: OutputFixture.graph, columns: ["name", "n"],
                    rows: (0..<n).map { [.string("row \($0)"), .int(Int64($0))] })
    }

    @Test func aLongResultShowsItsFirstAndLastRowsAndTheCount() {
        let s = OutputFixture.render(.table, numbered(500)) { $0.screenLines = 14 }
        let lines = s.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count <= 14)
        #expect(s.contains("│ row 0   │   0 │"))
        #expect(s.contains("│ row 499 │ 499 │"))
        #expect(s.contains("│ …       │   … │"))
        #expect(s.hasSuffix("(500 rows, 6 shown)\n"))
        // A result that fits is shown whole.
        #expect(OutputFixture.render(.table, numbered(5)) { $0.screenLines = 14 }.hasSuffix("(5 rows)\n"))
        // Line layout counts a line per column and a blank line per row.
        let l = OutputFixture.render(.line, numbered(500)) { $0.screenLines = 14 }
        #expect(l.hasSuffix("(500 rows, 3 shown)\n"))
        #expect(l.contains("name = row 499"))
    }

    @Test func cuttingAMillionRowsReadsOnlyTheRowsShown() {
        // A lazily read result: only the rows shown are read, so this returns at once.
        let big = numbered(1_000_000)
        let clock = ContinuousClock()
        let start = clock.now
        let s = OutputFixture.render(.table, big) { $0.screenLines = 30 }
        #expect(clock.now - start < .seconds(1))
        #expect(s.hasSuffix("(1000000 rows, 22 shown)\n"))
    }

    @Test func wrappedRowsCountTheirLinesAgainstTheScreen() {
        let long = String(repeating: "很长的名字", count: 6)
        let t = OutputFixture.strings(["name"], (0..<10).map { _ in [long] })
        let s = OutputFixture.render(.table, t) { $0.screenLines = 20; $0.terminalWidth = 24 }
        #expect(s.split(separator: "\n").count <= 20)
        #expect(s.hasSuffix("shown)\n"))
    }

    @Test func identifiersBreakAtJoinersAndListsBetweenItems() {
        #expect(TextWrap.wrap("jining-2024-09-11:64", width: 15) == ["jining-2024-09-", "11:64"])
        #expect(TextWrap.wrap("jining-2024-09-11:64", width: 12) == ["jining-2024-", "09-11:64"])
        #expect(TextWrap.wrap("jining-2024-09-11:78; jining-2024-09-11:88", width: 21)
                == ["jining-2024-09-11:78;", "jining-2024-09-11:88"])
        #expect(TextWrap.widestWord("jining-2024-09-11:78; jining-2024-09-11:88") == 7)   // "jining-"
        #expect(TextWrap.widestWord("山东天意机械股份有限公司") == 24)
        #expect(TextWrap.widestWord("one two") == 3)
    }

    @Test func columnsThatWrapBetweenWordsGiveUpWidthBeforeLongNames() {
        var o = RenderOptions()
        o.terminalWidth = 60   // room for 53 columns of text in two columns
        // A long name (one word) and a source list that breaks at '-' and '; '.
        let w = TableFormat.columnWidths(natural: [34, 42], words: [34, 7], options: o)
        #expect(w.reduce(0, +) <= 53)
        #expect(w[0] == 34 && w[1] == 19, "\(w)")
        o.terminalWidth = 40   // 33: both must shrink, the source list to its floor first
        let v = TableFormat.columnWidths(natural: [34, 42], words: [34, 7], options: o)
        #expect(v[1] == TableFormat.wordWrapFloor && v[0] == 21, "\(v)")
    }

    @Test func rulesSeparateOnlyTheRowsThatWrap() {
        let t = OutputFixture.strings(["a", "b"], [["x", "short"], ["y", "a much longer text here"], ["z", "ok"], ["w", "ok"]])
        let s = OutputFixture.render(.table, t) { $0.terminalWidth = 20 }
        #expect(s == """
            ┌───┬──────────────┐
            │ a │ b            │
            ├───┼──────────────┤
            │ x │ short        │
            ├───┼──────────────┤
            │ y │ a much       │
            │   │ longer text  │
            │   │ here         │
            ├───┼──────────────┤
            │ z │ ok           │
            │ w │ ok           │
            └───┴──────────────┘
            (4 rows)

            """)
    }

    /// Nine columns, as `awards where city=潍坊 show *`.
    var wide: ResultTable {
        let columns = ["recipient", "honor", "edition", "year", "date", "batch", "recommended_by", "note", "source"]
        return OutputFixture.strings(columns, [["潍柴动力股份有限公司", "中国质量奖提名奖", "第一届", nil, nil, nil, nil, nil, "weifang-2021-09-17:11"]])
    }

    @Test func aTableTooWideForTheScreenSwitchesToLineLayout() {
        let s = OutputFixture.render(.table, wide) { $0.terminalWidth = 60; $0.switchToLines = true }
        #expect(s.hasPrefix("     recipient = 潍柴动力股份有限公司\n"))
        #expect(s.contains("        source = weifang-2021-09-17:11\n"))
        for line in s.split(separator: "\n") { #expect(DisplayWidth.of(String(line)) <= 60) }
        // Without the switch (the user chose table, or set .width) it stays a fitted table.
        let t = OutputFixture.render(.table, wide) { $0.terminalWidth = 60 }
        #expect(t.hasPrefix("┌"))
        // A table that fits stays a table.
        let n = OutputFixture.render(.table, numbered(3)) { $0.terminalWidth = 60; $0.switchToLines = true }
        #expect(n.hasPrefix("┌"))
    }

    @Test func lineLayoutWrapsLongValuesUnderTheirFirstLine() {
        let t = OutputFixture.strings(["note"], [["one two three four five six seven"]])
        #expect(OutputFixture.render(.line, t) { $0.terminalWidth = 20 } == """
            note = one two three
                   four five six
                   seven

            """)
    }

    @Test func nullValueText() {
        let t = OutputFixture.awards
        #expect(OutputFixture.render(.table, t) { $0.nullText = "NULL" }.contains("│ 潍坊市 │   12 │ NULL          │"))
        #expect(OutputFixture.render(.csv, t) { $0.nullText = "NULL" } == "city,n,honor\n济宁市,3,质量标杆\n潍坊市,12,NULL\n济宁市,NULL,Quality award\n")
        #expect(OutputFixture.render(.line, t) { $0.nullText = "-" }.contains("honor = -\n"))
        #expect(OutputFixture.render(.json, t) { $0.nullText = "NULL" }.contains("\"honor\":null"))
    }
}
