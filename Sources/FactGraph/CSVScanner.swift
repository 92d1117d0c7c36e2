#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One field of a CSV record: bytes in the scanner's buffer (or, for a quoted field with `""`
/// escapes, in its unescape scratch). Valid only during the `record` call that received it.
struct CSVField {
    var base: UnsafePointer<UInt8>
    var count: Int
    /// In the unescape scratch, which the next record overwrites (else in the chunk buffer, which
    /// stays put until `bufferWillChange`).
    var inScratch = false

    @inline(__always) var raw: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }
    @inline(__always) var isEmpty: Bool { count == 0 }
    var text: String { String(decoding: UnsafeBufferPointer(start: base, count: count), as: UTF8.self) }
}

/// Receives the records of a CSV file, one at a time.
protocol CSVRecordSink {
    /// One record; `fields[0..<min(count, fields.count)]` hold its fields (a ragged record may have
    /// more fields than were stored). Returns false to stop reading.
    mutating func record(_ fields: UnsafeMutableBufferPointer<CSVField>, count: Int, line: Int) -> Bool
    /// A record that is not RFC 4180 (reading resumes at the next line). Returns false to stop.
    mutating func malformed(_ problem: LoadProblem, line: Int) -> Bool
    /// The chunk buffer is about to be moved or refilled (or the scan ends): fields kept from
    /// earlier records become invalid.
    mutating func bufferWillChange()
}

extension CSVRecordSink {
    mutating func bufferWillChange() {}
}

/// An RFC 4180 record scanner over a file descriptor, reading big chunks with `pread` into one
/// reusable buffer: no `String` per line, no whole-file copy.
///
/// Records end at CRLF, LF or a lone CR; fields may be quoted, with `""` for a quote and line
/// breaks inside quotes. Completely empty lines are skipped. A quote inside an unquoted field or
/// text after a closing quote is `badQuoting`; a quote still open at the end of the file is
/// `unterminatedQuote`.
///
/// - Complexity: O(bytes); each byte is looked at about once (a record cut by a chunk boundary is
///   rescanned after the refill).
struct CSVScanner {
    let fd: Int32
    let fileSize: Int
    private var buffer: UnsafeMutablePointer<UInt8>
    private var scratch: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private var fields: UnsafeMutableBufferPointer<CSVField>
    /// Byte class: 1 for `,` `"` CR LF (the bytes that end an unquoted run), else 0.
    private let stops: UnsafeMutablePointer<UInt8>

    static let defaultChunk = 1 << 20

    init(fd: Int32, fileSize: Int, maxFields: Int, chunk: Int = CSVScanner.defaultChunk) {
        self.fd = fd
        self.fileSize = fileSize
        capacity = max(64, min(chunk, fileSize + 1))
        buffer = .allocate(capacity: capacity)
        scratch = .allocate(capacity: capacity)
        fields = .allocate(capacity: max(1, maxFields))
        stops = .allocate(capacity: 256)
        stops.initialize(repeating: 0, count: 256)
        stops[0x2C] = 1; stops[0x22] = 1; stops[0x0D] = 1; stops[0x0A] = 1
    }

    func release() {
        buffer.deallocate()
        scratch.deallocate()
        fields.deallocate()
        stops.deallocate()
    }

    /// What went wrong with a record (kept apart from `LoadProblem` so that `Outcome` is plain
    /// data: no reference counting on the path every record takes).
    private enum Malformation {
        case badQuoting, unterminatedQuote

        var problem: LoadProblem { self == .badQuoting ? .badQuoting : .unterminatedQuote }
    }

    private enum Outcome {
        case complete(next: Int, fieldCount: Int, extraLines: Int)
        case blank(next: Int)
        case needMore
        case malformed(Malformation, next: Int, extraLines: Int)
    }

    /// Scans the records that start at or after `start` and before `stopAt` (a record that starts
    /// before `stopAt` is read to its end). `line` is the line number of the record at `start`.
    /// Returns the offset after the last record read, the line number there, and whether the sink
    /// asked to stop.
    mutating func scan<S: CSVRecordSink>(from start: Int, stopAt: Int, line startLine: Int,
                                         into sink: inout S) -> (end: Int, line: Int, stopped: Bool) {
        var bufOffset = start      // file offset of buffer[0]
        var have = 0               // valid bytes in buffer
        var pos = 0                // next record's index in buffer
        var line = startLine
        while true {
            if bufOffset + pos >= stopAt || bufOffset + pos >= fileSize {
                sink.bufferWillChange()
                return (bufOffset + pos, line, false)
            }
            let atEOF = bufOffset + have >= fileSize
            let outcome: Outcome = pos < have ? parseRecord(at: pos, end: have, atEOF: atEOF) : .needMore
            switch outcome {
            case .needMore:
                sink.bufferWillChange()
                // Move the partial record to the front, grow if it fills the buffer, read more.
                if pos > 0 {
                    if have > pos { memmove(buffer, buffer + pos, have - pos) }
                    have -= pos
                    bufOffset += pos
                    pos = 0
                }
                if have == capacity { grow() }
                let want = min(capacity - have, fileSize - (bufOffset + have))
                if want <= 0 { return (bufOffset + pos, line, false) }   // file shrank under us
                var got = 0
                while got < want {
                    let n = pread(fd, buffer + have + got, want - got, off_t(bufOffset + have + got))
                    if n <= 0 { break }
                    got += n
                }
                if got == 0 { return (bufOffset + pos, line, false) }
                have += got
            case .blank(let next):
                pos = next
                line += 1
            case .complete(let next, let n, let extra):
                if !sink.record(fields, count: n, line: line) {
                    sink.bufferWillChange()
                    return (bufOffset + next, line + 1 + extra, true)
                }
                pos = next
                line += 1 + extra
            case .malformed(let what, let next, let extra):
                if !sink.malformed(what.problem, line: line) {
                    sink.bufferWillChange()
                    return (bufOffset + next, line + 1 + extra, true)
                }
                pos = next
                line += 1 + extra
            }
        }
    }

    private mutating func grow() {
        let newCapacity = capacity * 2
        let b = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        b.update(from: buffer, count: capacity)
        buffer.deallocate()
        buffer = b
        scratch.deallocate()
        scratch = .allocate(capacity: newCapacity)
        capacity = newCapacity
    }

    /// Parses the record at `s`; `end` is the end of valid bytes, `atEOF` whether the file ends there.
    @inline(__always)
    private func parseRecord(at s: Int, end: Int, atEOF: Bool) -> Outcome {
        let b = buffer
        let maxFields = fields.count
        var nf = 0
        var i = s
        var extraLines = 0
        var scratchUsed = 0

        @inline(__always) func add(_ p: UnsafePointer<UInt8>, _ n: Int, inScratch: Bool = false) {
            if nf < maxFields { fields[nf] = CSVField(base: p, count: n, inScratch: inScratch) }
            nf += 1
        }

        // Skips to the byte after the next LF (for resynchronising after a malformed record).
        func resync(_ from: Int) -> Outcome {
            var j = from
            while j < end && b[j] != 0x0A { j += 1 }
            if j == end && !atEOF { return .needMore }
            var extra = 0
            var k = s
            while k < j { if b[k] == 0x0A { extra += 1 }; k += 1 }
            return .malformed(.badQuoting, next: min(j + 1, end), extraLines: extra)
        }

        while true {
            if i == end {
                if !atEOF { return .needMore }
                if i == s { return .blank(next: i) }
                add(UnsafePointer(b + i), 0)
                return .complete(next: i, fieldCount: nf, extraLines: extraLines)
            }
            if b[i] == 0x22 {
                // Quoted field.
                var j = i + 1
                let fieldStart = j
                var escaped = -1          // scratch start once a "" was seen
                var closedAt = -1
                while true {
                    var q = j
                    while q < end && b[q] != 0x22 {
                        if b[q] == 0x0A { extraLines += 1 }
                        q += 1
                    }
                    if q == end {
                        if !atEOF { return .needMore }
                        return .malformed(.unterminatedQuote, next: end, extraLines: extraLines)
                    }
                    if q + 1 == end && !atEOF { return .needMore }
                    if q + 1 < end && b[q + 1] == 0x22 {
                        if escaped < 0 {
                            escaped = scratchUsed
                            let n = q - fieldStart
                            (scratch + scratchUsed).update(from: b + fieldStart, count: n)
                            scratchUsed += n
                        } else {
                            let n = q - j
                            (scratch + scratchUsed).update(from: b + j, count: n)
                            scratchUsed += n
                        }
                        scratch[scratchUsed] = 0x22
                        scratchUsed += 1
                        j = q + 2
                        continue
                    }
                    closedAt = q
                    break
                }
                if escaped >= 0 {
                    let n = closedAt - j
                    (scratch + scratchUsed).update(from: b + j, count: n)
                    scratchUsed += n
                    add(UnsafePointer(scratch + escaped), scratchUsed - escaped, inScratch: true)
                } else {
                    add(UnsafePointer(b + fieldStart), closedAt - fieldStart)
                }
                i = closedAt + 1
                if i == end { return .complete(next: i, fieldCount: nf, extraLines: extraLines) }  // atEOF here
                let c = b[i]
                if c == 0x2C { i += 1; continue }
                if c == 0x0A { return .complete(next: i + 1, fieldCount: nf, extraLines: extraLines) }
                if c == 0x0D {
                    if i + 1 < end { return .complete(next: b[i + 1] == 0x0A ? i + 2 : i + 1, fieldCount: nf, extraLines: extraLines) }
                    if !atEOF { return .needMore }
                    return .complete(next: i + 1, fieldCount: nf, extraLines: extraLines)
                }
                return resync(i)
            } else {
                // Unquoted field: run to the next stop byte, eight bytes at a time. Every stop byte
                // is below 0x2D, and so are few others (space, `!`, `#` …): a word with no byte
                // below 0x2D is skipped whole; otherwise its lowest such byte is looked at.
                var j = i
                let st = stops
                while j + 8 <= end {
                    let w = UnsafeRawPointer(b + j).loadUnaligned(as: UInt64.self)
                    let below = (w &- 0x2D2D_2D2D_2D2D_2D2D) & ~w & 0x8080_8080_8080_8080
                    if below == 0 { j += 8; continue }
                    j += below.trailingZeroBitCount >> 3     // exact: the lowest flagged byte is below 0x2D
                    if st[Int(b[j])] != 0 { break }
                    j += 1
                }
                if j + 8 > end { while j < end && st[Int(b[j])] == 0 { j += 1 } }
                if j == end {
                    if !atEOF { return .needMore }
                    add(UnsafePointer(b + i), j - i)
                    return .complete(next: j, fieldCount: nf, extraLines: extraLines)
                }
                let c = b[j]
                if c == 0x2C { add(UnsafePointer(b + i), j - i); i = j + 1; continue }
                if c == 0x22 { return resync(j) }
                // CR or LF ends the record.
                if j == s { // an empty line
                    if c == 0x0D {
                        if j + 1 < end { return .blank(next: b[j + 1] == 0x0A ? j + 2 : j + 1) }
                        if !atEOF { return .needMore }
                    }
                    return .blank(next: j + 1)
                }
                add(UnsafePointer(b + i), j - i)
                if c == 0x0A { return .complete(next: j + 1, fieldCount: nf, extraLines: extraLines) }
                if j + 1 < end { return .complete(next: b[j + 1] == 0x0A ? j + 2 : j + 1, fieldCount: nf, extraLines: extraLines) }
                if !atEOF { return .needMore }
                return .complete(next: j + 1, fieldCount: nf, extraLines: extraLines)
            }
        }
    }
}

/// Small helpers over raw field bytes.
enum CSVBytes {
    /// A canonical decimal integer (`0`, `-12`, `2024`; no `+`, no leading zeros, at most 18
    /// digits), so that an int column turned back into text gives the very bytes it was read from.
    @inline(__always)
    static func canonicalInt(_ p: UnsafePointer<UInt8>, _ n: Int) -> Int64? {
        if n == 0 || n > 19 { return nil }
        var k = 0
        let neg = p[0] == 0x2D
        if neg { k = 1 }
        let digits = n - k
        if digits == 0 || digits > 18 { return nil }
        if p[k] == 0x30 && (digits > 1 || neg) { return nil }
        var v: Int64 = 0
        while k < n {
            let d = p[k] &- 0x30
            if d > 9 { return nil }
            v = v &* 10 &+ Int64(d)
            k += 1
        }
        return neg ? -v : v
    }

    /// A decimal number as a spreadsheet writes one: optional `-`, digits without leading zeros
    /// (`0531` is a code, not a number), an optional fraction and exponent; finite. Not `nan`,
    /// `inf`, `1,234` or `98.5%`.
    static func decimal(_ p: UnsafeRawBufferPointer) -> Double? {
        let n = p.count
        var i = 0
        if i < n && p[i] == 0x2D { i += 1 }
        let intStart = i
        while i < n && p[i] >= 0x30 && p[i] <= 0x39 { i += 1 }
        let intDigits = i - intStart
        if intDigits == 0 || (intDigits > 1 && p[intStart] == 0x30) { return nil }
        if i < n && p[i] == 0x2E {
            i += 1
            let f = i
            while i < n && p[i] >= 0x30 && p[i] <= 0x39 { i += 1 }
            if i == f { return nil }
        }
        if i < n && (p[i] | 0x20) == 0x65 {
            i += 1
            if i < n && (p[i] == 0x2B || p[i] == 0x2D) { i += 1 }
            let e = i
            while i < n && p[i] >= 0x30 && p[i] <= 0x39 { i += 1 }
            if i == e { return nil }
        }
        guard i == n, let d = Double(String(decoding: p, as: UTF8.self)), d.isFinite else { return nil }
        return d
    }

    /// Whether `n = p.count` bytes at `a` equal `p` (inline: names are short, a libc call costs more).
    @inline(__always)
    static func equal(_ a: UnsafePointer<UInt8>, _ p: UnsafeRawBufferPointer) -> Bool {
        let n = p.count
        guard n > 0 else { return true }
        let b = p.baseAddress!
        let ra = UnsafeRawPointer(a)
        var i = 0
        while i + 8 <= n {
            if ra.loadUnaligned(fromByteOffset: i, as: UInt64.self) != b.loadUnaligned(fromByteOffset: i, as: UInt64.self) { return false }
            i += 8
        }
        while i < n {
            if a[i] != b.load(fromByteOffset: i, as: UInt8.self) { return false }
            i += 1
        }
        return true
    }

    /// Whether the bytes hold an ASCII upper-case letter (names match case-insensitively).
    @inline(__always)
    static func hasUpper(_ p: UnsafeRawBufferPointer) -> Bool {
        let n = p.count
        guard let b = p.baseAddress else { return false }
        if n < 8 {
            for i in 0..<n where b.load(fromByteOffset: i, as: UInt8.self) &- 0x41 < 26 { return true }
            return false
        }
        var i = 0
        while i + 8 < n {
            if upperIn(b.loadUnaligned(fromByteOffset: i, as: UInt64.self)) { return true }
            i += 8
        }
        return upperIn(b.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self))   // the last 8, overlapping
    }

    /// Whether a byte of `x` is in `A`…`Z` ("determine if a word has a byte between m and n",
    /// Sean Anderson's bit hacks, for 0x40 < byte < 0x5B).
    @inline(__always)
    static func upperIn(_ x: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let t = x & (ones &* 127)
        return ((ones &* (127 + 0x5B)) &- t) & ~x & (t &+ ones &* (127 - 0x40)) & (ones &* 128) != 0
    }

    /// Whether the bytes are valid UTF-8 (shortest forms only, no surrogates, at most U+10FFFF:
    /// what `FactsReader.firstInvalidUTF8` accepts). Eight ASCII bytes at a time; a multi-byte
    /// character is checked by the ranges of its second byte (Unicode's table 3-7), without
    /// decoding it.
    /// - Complexity: O(n).
    static func isValidUTF8(_ p: UnsafeRawBufferPointer) -> Bool {
        let n = p.count
        guard n > 0, let b = p.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return true }
        var i = 0
        while i < n {
            let c = b[i]
            if c < 0x80 {
                // An ASCII run, eight bytes at a time.
                i += 1
                while i + 8 <= n && UnsafeRawPointer(b + i).loadUnaligned(as: UInt64.self) & 0x8080_8080_8080_8080 == 0 { i += 8 }
                continue
            }
            if c < 0xC2 { return false }                       // a continuation byte, or an overlong lead
            if c < 0xE0 {
                guard i + 1 < n, b[i + 1] & 0xC0 == 0x80 else { return false }
                i += 2
            } else if c < 0xF0 {
                guard i + 2 < n else { return false }
                let d = b[i + 1]
                let lo: UInt8 = c == 0xE0 ? 0xA0 : 0x80, hi: UInt8 = c == 0xED ? 0x9F : 0xBF
                guard d >= lo && d <= hi && b[i + 2] & 0xC0 == 0x80 else { return false }
                i += 3
            } else if c < 0xF5 {
                guard i + 3 < n else { return false }
                let d = b[i + 1]
                let lo: UInt8 = c == 0xF0 ? 0x90 : 0x80, hi: UInt8 = c == 0xF4 ? 0x8F : 0xBF
                guard d >= lo && d <= hi && b[i + 2] & 0xC0 == 0x80 && b[i + 3] & 0xC0 == 0x80 else { return false }
                i += 4
            } else {
                return false
            }
        }
        return true
    }
}
