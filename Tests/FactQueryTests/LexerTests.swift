import Testing
@testable import FactQuery

/// Renders tokens compactly: kind names and texts, e.g. "word(city) eq(=) word(济宁)".
func lex(_ s: String) -> String {
    do {
        return try Lexer.tokenize(s).dropLast().map { "\($0.kind)(\($0.text))" }.joined(separator: " ")
    } catch {
        return "error(\(error.problem.message) @\(error.range))"
    }
}

@Suite struct LexerTests {
    static let cases: [(String, String)] = [
        ("awards", "word(awards)"),
        ("city=济宁", "word(city) eq(=) word(济宁)"),
        ("city＝济宁", "word(city) eq(=) word(济宁)"),
        ("city：济宁", "word(city) eq(:) word(济宁)"),
        ("year>=2024", "word(year) ge(>=) int(2024)"),
        ("year＞＝２０２４", "word(year) ge(>=) int(2024)"),
        ("year<2024 year<=3 x!=y x~y x!~y", "word(year) lt(<) int(2024) word(year) le(<=) int(3) word(x) ne(!=) word(y) word(x) match(~) word(y) word(x) notMatch(!~) word(y)"),
        ("name～机械", "word(name) match(~) word(机械)"),
        ("value=98.5", "word(value) eq(=) number(98.5)"),
        ("value=-3", "word(value) eq(=) int(-3)"),
        ("date=2023-10-27", "word(date) eq(=) date(2023-10-27)"),
        ("date=2023-10", "word(date) eq(=) date(2023-10)"),
        ("recipient.city", "word(recipient) dot(.) word(city)"),
        ("in (a, b)", "word(in) lparen(() word(a) comma(,) word(b) rparen())"),
        ("in （a，b）", "word(in) lparen(() word(a) comma(,) word(b) rparen())"),
        ("\"a b\"", "string(a b)"),
        ("'a\\'b'", "string(a'b)"),
        ("“全国质量标杆”", "string(全国质量标杆)"),
        ("‘省级’", "string(省级)"),
        ("「全省质量标杆」", "string(全省质量标杆)"),
        ("$city", "param(city)"),
        ("＄city", "param(city)"),
        ("awards; count", "word(awards) semicolon(;) word(count)"),
        ("awards # a comment", "word(awards)"),
        ("awards -- a comment\nwhere", "word(awards) word(where)"),
        ("济宁　市", "word(济宁) word(市)"),
        ("古礼非遗传习、文物复原展览", "word(古礼非遗传习、文物复原展览)"),
        ("weifang-2021-09-17:11", "word(weifang-2021-09-17) eq(:) int(11)"),
        ("show *", "word(show) star(*)"),
        ("\"open", "error(unterminated string: the closing quote is missing @0..<5)"),
        ("a ! b", "error(unexpected character '!' (write '!=' or '!~') @2..<3)"),
        ("「x」」", "error(unexpected character '」' (a string opens with 「) @7..<10)"),
        ("a\u{01}", "error(unexpected character '\\x1' (control character) @1..<2)"),
        ("$ x", "error(unexpected character '$' (write $NAME) @0..<1)"),
        // Numbers at the edges: long digit runs and exponents are decimals, never whole numbers
        // that overflow; nan and inf are words.
        ("year=999999999999999999", "word(year) eq(=) int(999999999999999999)"),
        ("year=99999999999999999999", "word(year) eq(=) number(99999999999999999999)"),
        ("v=1e-5 v=2.5E+3 v=1e300", "word(v) eq(=) number(1e-5) word(v) eq(=) number(2.5E+3) word(v) eq(=) number(1e300)"),
        ("v=nan v=inf v=-inf", "word(v) eq(=) word(nan) word(v) eq(=) word(inf) word(v) eq(=) word(-inf)"),
        ("v=1e", "word(v) eq(=) word(1e)"),
        // A byte-order mark is blank.
        ("\u{FEFF}awards", "word(awards)"),
    ]

    @Test(arguments: cases)
    func tokens(_ c: (String, String)) {
        #expect(lex(c.0) == c.1, "\(c.0)")
    }

    @Test func invalidUTF8IsAnError() throws {
        let bytes: [UInt8] = [0x61, 0x20, 0xC3, 0x28]
        var lx = Lexer(bytes: bytes, range: 0..<bytes.count)
        #expect(try lx.next().text == "a")
        #expect(throws: QueryError(.invalidUTF8, 2..<3)) { try lx.next() }
    }

    @Test func keywordsAreMarkedByTheLexer() throws {
        let toks = try Lexer.tokenize("AWARDS Where city within 济宁 and x IS NOT null")
        #expect(toks.map(\.keyword) == [nil, .where, nil, .within, nil, .and, nil, .is, .not, .null, nil])
    }

    @Test func tokenRangesPointIntoTheBytes() throws {
        let text = "awards where city=济宁"
        let toks = try Lexer.tokenize(text)
        let b = Array(text.utf8)
        #expect(toks.map { String(decoding: b[$0.range], as: UTF8.self) } == ["awards", "where", "city", "=", "济宁", ""])
    }
}
