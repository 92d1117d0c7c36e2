import ChineseText
import Testing
@testable import FactIngest

@Suite struct InputTests {
    @Test(arguments: [
        ("<p>第一段</p><p>第二段&ldquo;奖&rdquo;</p>", ["第一段", "第二段“奖”"]),
        ("<script>var a = \"<p>授予</p>\";</script><div>正文<br>下一行</div>", ["正文", "下一行"]),
        ("<style>p{}</style><p>A&nbsp;&nbsp;B &amp; C &#x6D4E;&#23425;</p>", ["A B & C 济宁"]),
        ("<!-- <p>注释</p> --><p>x &bogus; y</p>", ["x &bogus; y"]),
        ("<p>1 < 2</p>", ["1 < 2"]),
    ])
    func htmlToLines(html: String, lines: [String]) {
        #expect(HTMLText.lines(scalars(html)).map { string($0.text) } == lines)
    }

    @Test func htmlLineNumbersPointIntoThePage() {
        let l = HTMLText.lines(scalars("<html>\n<body>\n<p>甲</p>\n\n<p>乙\n丙</p>"))
        #expect(l.map(\.line) == [3, 5])
    }

    @Test(arguments: [
        ("集團(tuán)有限公司", "集團有限公司"),
        ("市長（zhǎng）質量獎(jiǎng)", "市長質量獎"),
        ("产品(ISO)认证", "产品(ISO)认证"),
        ("(一)卓越奖", "(一)卓越奖"),
        ("公司(集团)", "公司(集团)"),
    ])
    func romanisationRemoved(input: String, expected: String) {
        #expect(string(SourceDocument.removeRomanisation(scalars(input))) == expected)
    }

    @Test(arguments: [
        ("发布日期:2024-09-11 17:40", "2024-09-11"),
        ("2024年4月18日", "2024-04-18"),
        ("2023-11-17 08:05　来源：芜湖日报", "2023-11-17"),
        ("共有2024家", nil),
    ] as [(String, String?)])
    func dates(line: String, date: String?) {
        #expect(Metadata.date(in: scalars(line)) == date)
    }

    @Test func metadataOfADecision() throws {
        let text = "德政发〔2024〕9号\n\n德州市人民政府\n关于授予第五届德州市市长质量奖的决定\n\n正文。\n\n德州市人民政府\n2024年4月18日\n"
        let d = try SourceDocument(bytes: Array(text.utf8), fileName: "dz.txt")
        #expect(d.noticeNumber == "德政发〔2024〕9号")
        #expect(d.title == "德州市人民政府关于授予第五届德州市市长质量奖的决定")
        #expect(d.date == "2024-04-18")
        #expect(d.issuer == "德州市人民政府")
        #expect(d.id == "dz")
    }
}

@Suite struct NameTests {
    let reader = ListReader(linker: nil)

    func names(_ s: String) -> [String] {
        let a = scalars(s), w = a.map { FullWidth.halfWidthScalar($0) }
        return reader.read(work: w[...], clean: a[...]).names.map { string($0.name) + ":" + $0.kind.rawValue }
    }

    @Test(arguments: [
        ("甲乙科技有限公司、丙丁食品股份有限公司和戊己医院", ["甲乙科技有限公司:organisation", "丙丁食品股份有限公司:organisation", "戊己医院:organisation"]),
        ("泰安汶河化纤有限公司党委书记、董事长周振邦", ["周振邦:person"]),
        ("江苏沛澜机电科技有限公司质量部部长韩雪梅同志", ["韩雪梅:person"]),
        ("钟敏华（江门粤辰电器制造有限公司副总经理）", ["钟敏华:person"]),
        ("岳阳洞庭湖航道工程有限公司总工程师欧阳志刚", ["欧阳志刚:person"]),
        ("星澜泵业、恒岳模塑、禾丰阀门4家企业", ["星澜泵业:short name", "恒岳模塑:short name", "禾丰阀门:short name"]),
        ("丽水云和木玩科技有限公司", ["丽水云和木玩科技有限公司:organisation"]),
        ("华舟船舶动力有限公司数字孪生质量攻关团队", ["华舟船舶动力有限公司数字孪生质量攻关团队:team"]),
        ("宁波东钱湖精工集团股份有限公司早在2019年就", ["宁波东钱湖精工集团股份有限公司:organisation"]),
        ("我省福州闽江智能装备股份有限公司的《实践经验》", ["福州闽江智能装备股份有限公司:organisation"]),
        ("我市共有2家企业", []),
        ("柳州三家企业", []),
        ("德州市人民政府", []),
    ])
    func listItems(text: String, expected: [String]) {
        #expect(names(text) == expected)
    }

    @Test(arguments: [("A公司、B公司等3家企业", 3, false), ("A公司、B公司、C公司、D公司等3家", 3, true)])
    func countsCloseLists(text: String, n: Int, mismatch: Bool) {
        let a = scalars(text.replacingOccurrences(of: "A", with: "甲甲").replacingOccurrences(of: "B", with: "乙乙").replacingOccurrences(of: "C", with: "丙丙").replacingOccurrences(of: "D", with: "丁丁"))
        let r = reader.read(work: a[...], clean: a[...])
        #expect(r.counted)
        #expect(r.countMismatch == mismatch)
    }
}

extension String {
    func replacingOccurrences(of a: String, with b: String) -> String { split(separator: a, omittingEmptySubsequences: false).joined(separator: b) }
}

@Suite struct LexiconAndMentionTests {
    func mention(_ text: String) -> (String, [String], String?)? {
        let finder = MentionFinder(lexicon: .standard, graphHonors: [:])
        let doc = try! SourceDocument(bytes: Array(text.utf8), fileName: "t.txt")
        return finder.find(in: doc.lines[0], index: 0).first.map { (string($0.name), $0.editions, $0.yearText) }
    }

    @Test(arguments: [
        ("授予A“德州市第五届市长质量奖”", "德州市市长质量奖", ["第五届"], nil),
        ("获得2023年度株洲市市长质量奖提名奖", "株洲市市长质量奖提名奖", [], "2023年度"),
        ("获湖北省长江质量奖", "湖北省长江质量奖", [], nil),
        ("继获第一届、第二届中国质量奖提名奖", "中国质量奖提名奖", ["第一届", "第二届"], nil),
        ("授予“2023年度惠州市市长质量奖（组织类）”", "惠州市市长质量奖（组织类）", [], "2023年度"),
        ("第5届中国质量奖", "中国质量奖", ["第五届"], nil),
        ("黔南州州长质量奖", "黔南州州长质量奖", [], nil),
    ] as [(String, String, [String], String?)])
    func honorMentions(text: String, name: String, editions: [String], year: String?) throws {
        let m = try #require(mention(text))
        #expect(m.0 == name)
        #expect(m.1 == editions)
        #expect(m.2 == year)
    }

    @Test func aBareCoreIsNoHonor() {
        #expect(mention("积极培育质量奖企业") == nil)
    }

    @Test func lexiconFileParses() throws {
        var lex = HonorLexicon.standard
        try lex.add(parsing: "# mine\nprefix 鲁班 level=国家级  # a named award\nhonor 金牌工匠 type=称号\n")
        #expect(lex.honors[scalars("金牌工匠")]?.attributes["type"] == "称号")
        #expect(throws: HonorLexicon.ParseError(line: 2, message: "expected KEY=VALUE, found 'x'")) { try HonorLexicon(parsing: "core 质量奖\ncore 奖 x\n") }
        #expect(throws: HonorLexicon.ParseError(line: 1, message: "'tier' expects a word after it")) { try HonorLexicon(parsing: "tier\n") }
    }

    @Test(arguments: [("all", 4, [1, 2, 3, 4]), ("1,3-4", 4, [1, 3, 4]), ("2 4", 4, [2, 4])] as [(String, Int, [Int])])
    func rowSelection(text: String, count: Int, rows: [Int]) {
        #expect(ReviewTable.parseSelection([text], count: count) == Set(rows))
    }

    @Test func rowSelectionOutOfRange() {
        #expect(ReviewTable.parseSelection(["5"], count: 4) == nil)
        #expect(ReviewTable.parseSelection(["3-1"], count: 4) == nil)
    }

    @Test(arguments: [("济宁", "济宁市"), ("广西", "广西壮族自治区"), ("黔南州", "黔南布依族苗族自治州"), ("兖州区", "兖州区")])
    func gazetteerShortNames(short: String, full: String) {
        #expect(Gazetteer.shared.lookup(short).map(\.name).contains(full))
    }
}
