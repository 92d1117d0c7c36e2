import ChineseText

/// One line (paragraph) of a press release, in three forms.
public struct DocLine: Sendable {
    /// The 1-based line of the file (for HTML, of the page) where the text starts.
    public let number: Int
    /// As decoded (traditional characters kept), for display.
    public let original: String
    /// Simplified, romanisation removed, full-width kept: the form names are taken from.
    let clean: Scalars
    /// `clean` with full-width letters, digits, punctuation and spaces made half-width, scalar
    /// for scalar: the form the rules read.
    let work: Scalars
}

/// A press release read from a file: decoded, HTML turned into lines, traditional characters
/// simplified, romanisation removed, and its title, date, issuer and notice number.
public struct SourceDocument: Sendable {
    /// The source's name in the graph (the file name up to its first dot), e.g. jining-2024-09-11.
    public let id: String
    public let fileName: String
    public let encoding: TextEncoding
    public let isHTML: Bool
    public let isTraditional: Bool
    public let lines: [DocLine]
    public var title: String?
    public var date: String?
    public var issuer: String?
    public var noticeNumber: String?

    public enum ReadError: Error, CustomStringConvertible {
        case notText(TextDecodingError)
        public var description: String {
            switch self {
            case .notText(.containsNUL(let o)): return "not a text file (a NUL byte at offset \(o))"
            case .notText(.notText(let o)): return "neither UTF-8 nor GB18030 (invalid byte at offset \(o))"
            }
        }
    }

    public init(bytes: [UInt8], fileName: String) throws(ReadError) {
        let decoded: DecodedText
        do { decoded = try TextDecoding.decode(bytes) } catch { throw .notText(error) }
        self.fileName = fileName
        self.id = SourceDocument.sourceID(fileName)
        self.encoding = decoded.encoding
        var all = scalars(TextDecoding.normalizeLineEnds(decoded.text))
        if all.first == 0xFEFF { all.removeFirst() }
        let lower = fileName.lowercased()
        let html = lower.hasSuffix(".html") || lower.hasSuffix(".htm") || lower.hasSuffix(".xhtml") || HTMLText.looksLikeHTML(all)
        self.isHTML = html
        var raw: [(Int, Scalars)] = []
        if html {
            raw = HTMLText.lines(all)
        } else {
            var start = 0, number = 1
            for (i, c) in all.enumerated() where c == 10 {
                raw.append((number, Array(all[start..<i])))
                start = i + 1
                number += 1
            }
            if start < all.count { raw.append((number, Array(all[start...]))) }
        }
        // Traditional when enough characters have a different simplified form (a simplified text
        // with a 昇 or 乾 in a name stays as it is).
        var han = 0, traditional = 0
        for (_, l) in raw { for c in l where isHan(c) { han += 1; if TraditionalChinese.simplifiedScalar(c) != c { traditional += 1 } } }
        let trad = traditional >= 4 && traditional * 25 >= han
        self.isTraditional = trad
        var lines: [DocLine] = []
        lines.reserveCapacity(raw.count)
        for (number, l) in raw {
            let original = string(l)
            var clean = SourceDocument.removeRomanisation(l)
            if trad { clean = TraditionalChinese.toSimplified(scalars: clean) }
            clean = clean.map { $0 == 0xA0 || $0 == 0x09 ? 0x20 : $0 }
            let work = clean.map { FullWidth.halfWidthScalar($0) }
            lines.append(DocLine(number: number, original: original, clean: clean, work: work))
        }
        self.lines = lines
        Metadata.fill(&self)
    }

    /// The file name up to its first dot, with characters a .facts bare word cannot hold replaced.
    static func sourceID(_ fileName: String) -> String {
        var base = Substring(fileName)
        if let slash = base.lastIndex(of: "/") { base = base[base.index(after: slash)...] }
        if let dot = base.firstIndex(of: "."), dot != base.startIndex { base = base[..<dot] }
        let id = String(base.map { c -> Character in
            (c == " " || c == "\t" || c == "\"" || c == "=" || c == "#" || c == "@" || c == ":" || c == "\\") ? "-" : c
        })
        return id.isEmpty ? "release" : id
    }

    /// Tone-marked vowels (lower and upper case) and the vowel each stands for.
    static let toneVowels: [UInt32: UInt32] = {
        var m: [UInt32: UInt32] = [:]
        for (base, marked) in [("a", "āáǎàĀÁǍÀ"), ("e", "ēéěèĒÉĚÈ"), ("i", "īíǐìĪÍǏÌ"), ("o", "ōóǒòŌÓǑÒ"), ("u", "ūúǔùŪÚǓÙ"),
                               ("v", "ǖǘǚǜüǕǗǙǛÜ"), ("n", "ńňǹ"), ("m", "ḿ")] {
            for c in marked.unicodeScalars { m[c.value] = base.unicodeScalars.first!.value }
        }
        return m
    }()

    /// Toneless pinyin syllables (ü written v), from pypinyin's readings of the CJK block.
    static let pinyinSyllables: Set<Scalars> = Set("""
    a ai an ang ao ba bai ban bang bao bei ben beng bi bian biao bie bin bing bo bu ca cai can cang cao ce cen
    ceng cha chai chan chang chao che chen cheng chi chong chou chu chua chuai chuan chuang chui chun chuo ci cong
    cou cu cuan cui cun cuo da dai dan dang dao de dei den deng di dia dian diao die ding diu dong dou du duan dui
    dun duo e ei en eng er fa fan fang fei fen feng fo fou fu ga gai gan gang gao ge gei gen geng gong gou gu gua
    guai guan guang gui gun guo ha hai han hang hao he hei hen heng hong hou hu hua huai huan huang hui hun huo ji
    jia jian jiang jiao jie jin jing jiong jiu ju juan jue jun ka kai kan kang kao ke kei ken keng kong kou ku kua
    kuai kuan kuang kui kun kuo la lai lan lang lao le lei len leng li lia lian liang liao lie lin ling liu lo
    long lou lu luan lun luo lv lve ma mai man mang mao me mei men meng mi mian miao mie min ming miu mo mou mu na
    nai nan nang nao ne nei nen neng ni nian niang niao nie nin ning niu nong nou nu nuan nun nuo nv nve o ou pa
    pai pan pang pao pei pen peng pi pian piao pie pin ping po pou pu qi qia qian qiang qiao qie qin qing qiong
    qiu qu quan que qun ran rang rao re ren reng ri rong rou ru rua ruan rui run ruo sa sai san sang sao se sen
    seng sha shai shan shang shao she shei shen sheng shi shou shu shua shuai shuan shuang shui shun shuo si song
    sou su suan sui sun suo ta tai tan tang tao te tei teng ti tian tiao tie ting tong tou tu tuan tui tun tuo wa
    wai wan wang wei wen weng wo wu xi xia xian xiang xiao xie xin xing xiong xiu xu xuan xue xun ya yan yang yao
    ye yi yin ying yo yong you yu yuan yue yun za zai zan zang zao ze zei zen zeng zha zhai zhan zhang zhao zhe
    zhei zhen zheng zhi zhong zhou zhu zhua zhuai zhuan zhuang zhui zhun zhuo zi zong zou zu zuan zui zun zuo
    """.split(whereSeparator: { $0 == " " || $0 == "\n" }).map { scalars($0) })

    /// Whether the text inside a bracket is romanisation: syllables of pinyin, written with
    /// tone marks or tone digits or neither, run together or apart (`tuán`, `Jítuán`, `jí tuán`,
    /// `ji2tuan2`). Capitals only at the start of a syllable, so `ISO` and `LED` stay.
    static func isPinyin(_ s: ArraySlice<UInt32>) -> Bool {
        var letters: Scalars = []
        var words: [Scalars] = []
        var toned = false
        var previousUpper = false
        for c in s {
            if c == 0x20 || c == 0x27 || c == 0x2D || c == 0x2019 || c == 0x3000 || (c >= 0x31 && c <= 0x35) {
                if c >= 0x31 && c <= 0x35 { toned = true }
                if !letters.isEmpty { words.append(letters); letters = [] }
                previousUpper = false
                continue
            }
            if let v = toneVowels[c] { toned = true; letters.append(v); previousUpper = false; continue }
            if c >= 0x61 && c <= 0x7A { letters.append(c); previousUpper = false; continue }
            if c >= 0x41 && c <= 0x5A {
                if previousUpper { return false }   // ISO, LED: an abbreviation
                previousUpper = true
                letters.append(c + 0x20)
                continue
            }
            return false
        }
        if !letters.isEmpty { words.append(letters) }
        let total = words.reduce(0) { $0 + $1.count }
        guard total >= 1, total <= 48, toned || total >= 2 else { return false }
        // Each word splits into syllables (longest first, with backtracking).
        func splits(_ w: Scalars, _ i: Int) -> Bool {
            if i == w.count { return true }
            var n = min(6, w.count - i)
            while n >= 1 {
                if pinyinSyllables.contains(Array(w[i..<(i + n)])) && splits(w, i + n) { return true }
                n -= 1
            }
            return false
        }
        return words.allSatisfy { splits($0, 0) }
    }

    /// Removes pinyin inserted after characters: 集團(tuán) → 集團, 市長（zhǎng） → 市長,
    /// 質量(zhìliàng) → 質量, 公司(gōng sī) → 公司.
    static func removeRomanisation(_ s: Scalars) -> Scalars {
        guard s.contains(where: { $0 == 0x28 || $0 == 0xFF08 }) else { return s }
        var out: Scalars = []
        out.reserveCapacity(s.count)
        var i = 0
        while i < s.count {
            let c = s[i]
            // Right after a character, or after spaces that follow one (集團 (jítuán)).
            var back = out.count
            while back > 0 && (out[back - 1] == 0x20 || out[back - 1] == 0x3000) { back -= 1 }
            if (c == 0x28 || c == 0xFF08), back > 0, isHan(out[back - 1]), out.count - back <= 2 {
                var j = i + 1
                while j < s.count && j - i <= 60 && s[j] != 0x29 && s[j] != 0xFF09 && s[j] != 0x28 && s[j] != 0xFF08 && s[j] != 10 { j += 1 }
                if j < s.count, s[j] == 0x29 || s[j] == 0xFF09, j > i + 1, isPinyin(s[(i + 1)..<j]) {
                    out.removeLast(out.count - back)
                    i = j + 1
                    continue
                }
            }
            out.append(c)
            i += 1
        }
        return out
    }
}
