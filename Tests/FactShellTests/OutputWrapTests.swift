import FactQuery
import Testing
@testable import FactShell

@Suite struct OutputWrapTests {
    @Test(arguments: [
        // (text, width, lines)
        ("山东省济宁市兖州区", 6, ["山东省", "济宁市", "兖州区"]),
        ("山东省济宁市兖州区", 7, ["山东省", "济宁市", "兖州区"]),
        ("short", 10, ["short"]),
        ("", 4, [""]),
        ("a\n\nb", 4, ["a", "", "b"]),
        ("one two three", 7, ["one two", "three"]),
        ("one two three", 5, ["one", "two", "three"]),
        ("济宁，潍坊，烟台", 8, ["济宁，", "潍坊，", "烟台"]),
        ("one  two", 4, ["one", "two"]),
        ("质量标杆，省长质量奖", 10, ["质量标杆，", "省长质量奖"]),
        ("质量标杆企业，奖", 12, ["质量标杆企", "业，奖"]),
        ("abcdefgh", 3, ["abc", "def", "gh"]),
    ] as [(String, Int, [String])])
    func wraps(_ text: String, _ width: Int, _ lines: [String]) {
        #expect(TextWrap.wrap(text, width: width) == lines)
    }

    @Test func neverSplitsGraphemeClusters() {
        let text = "e\u{301}x🇨🇳济宁"   // e + combining acute, a flag (two scalars)
        let lines = TextWrap.wrap(text, width: 2)
        #expect(lines.joined() == text)
        #expect(lines == ["e\u{301}x", "🇨🇳", "济", "宁"])
        for l in lines { #expect(DisplayWidth.of(l) <= 2) }
    }

    @Test func printableKeepsNewlinesAndNeutralisesControls() {
        #expect(CellText.printable("a\tb\nc\u{1B}d\u{7F}\u{85}") == "a b\nc^[d^?\u{FFFD}")
        #expect(CellText.printable("济宁") == "济宁")
    }
}
