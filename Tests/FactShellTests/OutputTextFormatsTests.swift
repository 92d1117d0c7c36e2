import FactGraph
import FactQuery
import Testing
@testable import FactShell

@Suite struct OutputTextFormatsTests {
    let awards = OutputFixture.awards

    // MARK: csv

    @Test func csv() {
        #expect(OutputFixture.render(.csv, awards) == """
            city,n,honor
            济宁市,3,质量标杆
            潍坊市,12,
            济宁市,,Quality award

            """)
        #expect(OutputFixture.render(.csv, awards) { $0.headers = false; $0.maxRows = 1 } == "济宁市,3,质量标杆\n")
    }

    @Test func csvQuoting() {
        let t = OutputFixture.strings(["a,b", "say \"hi\""], [["x, y", "他说\"好\""], ["line1\nline2", "cr\rhere"], ["plain", nil]])
        #expect(OutputFixture.render(.csv, t) == "\"a,b\",\"say \"\"hi\"\"\"\n"
            + "\"x, y\",\"他说\"\"好\"\"\"\n"
            + "\"line1\nline2\",\"cr\rhere\"\n"
            + "plain,\n")
    }

    @Test func csvIgnoresNoteAndMaxRowsLine() {
        var t = awards
        t.note = "a note"
        let s = OutputFixture.render(.csv, t) { $0.maxRows = 2 }
        #expect(s == "city,n,honor\n济宁市,3,质量标杆\n潍坊市,12,\n")
    }

    // MARK: tsv

    @Test func tsv() {
        #expect(OutputFixture.render(.tsv, awards) == "city\tn\thonor\n济宁市\t3\t质量标杆\n潍坊市\t12\t\n济宁市\t\tQuality award\n")
        #expect(OutputFixture.render(.tsv, awards) { $0.headers = false; $0.maxRows = 1 } == "济宁市\t3\t质量标杆\n")
    }

    @Test func tsvEscapes() {
        let t = OutputFixture.strings(["a\tb"], [["x\ty"], ["l1\nl2"], ["back\\slash"], ["c\r"]])
        #expect(OutputFixture.render(.tsv, t) == "a\\tb\nx\\ty\nl1\\nl2\nback\\\\slash\nc\\r\n")
    }

    // MARK: json

    @Test func json() {
        #expect(OutputFixture.render(.json, awards) == """
            [
            {"city":"济宁市","n":3,"honor":"质量标杆"},
            {"city":"潍坊市","n":12,"honor":null},
            {"city":"济宁市","n":null,"honor":"Quality award"}
            ]

            """)
        #expect(OutputFixture.render(.json, awards) { $0.maxRows = 1; $0.headers = false } == """
            [
            {"city":"济宁市","n":3,"honor":"质量标杆"}
            ]

            """)
        var empty = awards
        empty.rows = []
        #expect(OutputFixture.render(.json, empty) == "[]\n")
        #expect(OutputFixture.render(.jsonl, empty) == "")
    }

    @Test func jsonl() {
        var t = awards
        t.note = "not in machine formats"
        #expect(OutputFixture.render(.jsonl, t) { $0.maxRows = 2 } == """
            {"city":"济宁市","n":3,"honor":"质量标杆"}
            {"city":"潍坊市","n":12,"honor":null}

            """)
    }

    @Test func jsonEscaping() {
        let t = OutputFixture.strings(["k\"ey"], [["say \"hi\" \\ path\nnext\ttab\r\u{01}\u{1F}\u{08}\u{0C} 济宁 é 😀"]])
        #expect(OutputFixture.render(.jsonl, t)
            == "{\"k\\\"ey\":\"say \\\"hi\\\" \\\\ path\\nnext\\ttab\\r\\u0001\\u001f\\u0008\\u000c 济宁 é 😀\"}\n")
    }

    @Test func jsonNumbers() {
        let t = ResultTable(graph: OutputFixture.graph, columns: ["i", "d", "big", "nan", "date"], rows: [
            [.int(-7), .number(2.5), .number(1e20), .number(.nan), .date(20240910)],
        ])
        #expect(OutputFixture.render(.jsonl, t) == "{\"i\":-7,\"d\":2.5,\"big\":1e+20,\"nan\":null,\"date\":\"2024-09-10\"}\n")
    }

    // MARK: markdown

    @Test func markdown() {
        #expect(OutputFixture.render(.markdown, awards) == """
            | city   |   n | honor         |
            |--------|----:|---------------|
            | 济宁市 |   3 | 质量标杆      |
            | 潍坊市 |  12 |               |
            | 济宁市 |     | Quality award |

            """)
    }

    @Test func markdownHeadersOffMaxRowsAndNote() {
        var t = awards
        t.note = "3 awards"
        #expect(OutputFixture.render(.markdown, t) { $0.headers = false; $0.maxRows = 1 } == """
            |        |     |          |
            |--------|----:|----------|
            | 济宁市 |   3 | 质量标杆 |
            | …      |   … | …        |

            (3 rows, 1 shown)
            3 awards

            """)
        // The first and the last rows, as DuckDB shows a long result.
        #expect(OutputFixture.render(.markdown, t) { $0.maxRows = 2 } == """
            | city   |   n | honor         |
            |--------|----:|---------------|
            | 济宁市 |   3 | 质量标杆      |
            | …      |   … | …             |
            | 济宁市 |     | Quality award |

            (3 rows, 2 shown)
            3 awards

            """)
    }

    @Test func markdownEscapesPipesAndNewlines() {
        let t = OutputFixture.strings(["a|b"], [["x | y"], ["一\n二"]])
        #expect(OutputFixture.render(.markdown, t) == """
            | a\\|b     |
            |----------|
            | x \\| y   |
            | 一<br>二 |

            """)
    }

    // MARK: line

    @Test func line() {
        #expect(OutputFixture.render(.line, awards) == """
             city = 济宁市
                n = 3
            honor = 质量标杆

             city = 潍坊市
                n = 12
            honor = 

             city = 济宁市
                n = 
            honor = Quality award

            """)
    }

    @Test func lineAlignsChineseNamesMaxRowsAndNote() {
        var t = OutputFixture.strings(["城市", "note"], [["济宁", "第一行\n第二行"], ["潍坊", "x"]])
        t.note = "2 rows"
        #expect(OutputFixture.render(.line, t) { $0.maxRows = 1 } == """
            城市 = 济宁
            note = 第一行
                   第二行

            …

            (2 rows, 1 shown)

            2 rows

            """)
    }

    // MARK: dot

    @Test func dotGraph() {
        var t = ResultTable(graph: OutputFixture.graph, columns: ["from", "link", "to"], rows: [
            [.string("兖州区"), .string("located in"), .string("济宁市")],
            [.string("济宁市"), .string("located in"), .string("山东\"省\"")],
        ], shape: .graph, edges: [
            .init(from: "兖州区", label: "located in", to: "济宁市"),
            .init(from: "济宁市", label: "", to: "山东\"省\""),
        ], note: "path of 2 links")
        #expect(OutputFixture.render(.dot, t) == """
            digraph factsh {
              rankdir=LR;
              node [shape=box, fontname="sans-serif"];
              edge [fontname="sans-serif"];
              "兖州区" -> "济宁市" [label="located in"];
              "济宁市" -> "山东\\"省\\"";
              // path of 2 links
            }

            """)
        t.note = nil
        #expect(OutputFixture.render(.dot, t) { $0.maxRows = 1 }.contains("""
              "兖州区" -> "济宁市" [label="located in"];
              // … 1 more edge not shown (.maxrows 1)
            }
            """))
    }

    @Test func dotFallbackLinksEntityCells() {
        let e = OutputFixture.entity
        let t = ResultTable(graph: OutputFixture.graph, columns: ["recipient", "honor", "year", "city"], rows: [
            [e("山东天意机械股份有限公司"), e("山东省质量标杆"), .int(2024), e("济宁市")],
            [e("山东天意机械股份有限公司"), e("山东省质量标杆"), .int(2023), e("济宁市")],
            [e("潍坊市"), .null, .null, .null],
            [.string("no entity"), .null, .int(1), .null],
        ])
        #expect(OutputFixture.render(.dot, t) == """
            digraph factsh {
              rankdir=LR;
              node [shape=box, fontname="sans-serif"];
              edge [fontname="sans-serif"];
              "山东天意机械股份有限公司";
              "山东省质量标杆";
              "济宁市";
              "潍坊市";
              "山东天意机械股份有限公司" -> "山东省质量标杆" [label="honor"];
              "山东省质量标杆" -> "济宁市" [label="city"];
            }

            """)
    }

    // MARK: registry

    @Test func everyModeHasAFormat() {
        let expected: [OutputMode: String] = [
            .table: "TableFormat", .csv: "CSVFormat", .tsv: "TSVFormat", .json: "JSONFormat",
            .jsonl: "JSONLinesFormat", .markdown: "MarkdownFormat", .line: "LineFormat", .dot: "DotFormat",
            .svg: "SVGFormat", .png: "PNGFormat",
        ]
        for mode in OutputMode.allCases {
            #expect(String(describing: type(of: Renderers.format(for: mode))) == expected[mode])
        }
        #expect(OutputMode(rawValue: "jsonl") == .jsonl)
    }
}
