import Testing
@testable import ChineseText

@Suite struct TextDecodingTests {
    @Test(arguments: [
        // (bytes, text, encoding, BOM)
        ([0x41, 0xE6, 0xB5, 0x8E], "A济", TextEncoding.utf8, false),
        ([0xEF, 0xBB, 0xBF, 0xE6, 0xB5, 0x8E, 0x0D, 0x0A], "济\r\n", .utf8, true),
        // 陈㛃获得质量奖: 㛃 (U+36C3) is a four-byte GB18030 sequence, which GBK lacks.
        ([179, 194, 130, 48, 183, 49, 187, 241, 181, 195, 214, 202, 193, 191, 189, 177], "陈㛃获得质量奖", .gb18030, false),
        // 𠀀 (U+20000, four bytes from 0x90), A, € (two bytes), full-width １.
        ([149, 50, 130, 54, 65, 162, 227, 163, 177], "𠀀A€１", .gb18030, false),
        ([186, 215, 201, 189, 202, 208, 163, 168, 188, 175, 205, 197, 163, 169], "鹤山市（集团）", .gb18030, false),
        ([], "", .utf8, false),
    ] as [([UInt8], String, TextEncoding, Bool)])
    func decodes(bytes: [UInt8], text: String, encoding: TextEncoding, bom: Bool) throws {
        let d = try TextDecoding.decode(bytes)
        #expect(d.text == text)
        #expect(d.encoding == encoding)
        #expect(d.hadByteOrderMark == bom)
    }

    @Test(arguments: [
        ([0x41, 0x80], TextDecodingError.notText(byteOffset: 1)),
        ([0xB3], .notText(byteOffset: 0)),                    // a lead byte at the end
        ([0x81, 0x30, 0x81], .notText(byteOffset: 0)),        // a cut four-byte sequence
        ([0x84, 0x31, 0xA5, 0x30], .notText(byteOffset: 0)),  // past the BMP four-byte region
        ([0xE4, 0x39, 0xFE, 0x39], .notText(byteOffset: 0)),  // past U+10FFFF
        ([0x41, 0x00, 0x42], .containsNUL(byteOffset: 1)),
        ([0xB3, 0x7F], .notText(byteOffset: 0)),
    ] as [([UInt8], TextDecodingError)])
    func rejects(bytes: [UInt8], error: TextDecodingError) {
        #expect(throws: error) { try TextDecoding.decode(bytes) }
    }

    @Test(arguments: [
        ("a\r\nb\rc\n", "a\nb\nc\n"),
        ("no cr", "no cr"),
        ("\r\r\n", "\n\n"),
    ])
    func lineEnds(input: String, expected: String) {
        #expect(TextDecoding.normalizeLineEnds(input) == expected)
    }

    @Test func fourByteBMPRangesAreContiguous() {
        // Every linear index 0...last maps to a code point, and the mapping ascends.
        var previous: UInt32 = 0
        for r in GB18030Table.fourByteRanges {
            #expect(r.1 > previous || previous == 0)
            previous = r.1
        }
        #expect(GB18030Table.fourByteRanges.first?.0 == 0)
        #expect(GB18030.fourByte(0x81, 0x30, 0x81, 0x30) == 0x80)
        #expect(GB18030.fourByte(0x84, 0x31, 0xA4, 0x39) == 0xFFFF)
    }
}

@Suite struct TraditionalChineseTests {
    @Test(arguments: [
        ("濟寧市質量獎", "济宁市质量奖"),
        ("山東天意機械股份有限公司", "山东天意机械股份有限公司"),
        ("集團", "集团"),
        ("乾隆", "乾隆"),                  // phrase table keeps it
        ("乾燥", "干燥"),
        ("一目瞭然", "一目了然"),
        ("simplified 济宁 stays", "simplified 济宁 stays"),
        ("", ""),
        ("襄阳鼎昇光电", "襄阳鼎升光电"),   // why simplified releases are not converted
    ])
    func converts(input: String, expected: String) {
        #expect(TraditionalChinese.toSimplified(input) == expected)
    }

    @Test func scalars() {
        #expect(TraditionalChinese.simplifiedScalar(0x6FDF) == 0x6D4E)   // 濟 → 济
        #expect(TraditionalChinese.simplifiedScalar(0x6D4E) == 0x6D4E)
        #expect(TraditionalChinese.simplifiedScalar(0x41) == 0x41)
        #expect(TraditionalChinese.simplified("寧") == "宁")
        #expect(TraditionalChinese.containsTraditional("質量"))
        #expect(!TraditionalChinese.containsTraditional("质量"))
    }

    @Test func tablesParse() {
        let t = TraditionalChinese.tables
        #expect(t.keys.count > 4000)
        #expect(t.keys == t.keys.sorted())
        #expect(t.phrases.values.reduce(0) { $0 + $1.count } > 400)
    }
}

@Suite struct FullWidthTests {
    @Test(arguments: [
        ("２０２４年ＡＢＣｘｙｚ，（）：", FullWidth.Scope.all, "2024年ABCxyz,():"),
        ("２０２４（一）", .alphanumerics, "2024（一）"),
        ("a\u{3000}b", .all, "a b"),
        ("a\u{3000}b", .alphanumerics, "a\u{3000}b"),
        ("济宁", .all, "济宁"),
        ("～！", .punctuation, "~!"),
    ])
    func converts(input: String, scope: FullWidth.Scope, expected: String) {
        #expect(FullWidth.toHalfWidth(input, scope: scope) == expected)
    }
}
