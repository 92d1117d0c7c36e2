import FactGraph
import FactQuery

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// CSV and TSV rows written as bytes: names and text are copied straight from the graph's string
/// pool into one buffer, numbers are formatted into it, and the buffer goes to the sink every
/// 64 KB — no `String` per cell, so millions of rows stream at a hundred megabytes a second.
struct DelimitedBytes {
    enum Quoting { case csv, tsv }
    let quoting: Quoting
    let separator: UInt8

    /// Which bytes make a field need quoting (CSV) or escaping (TSV).
    static let csvSpecial: [Bool] = (0..<256).map { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }
    static let tsvSpecial: [Bool] = (0..<256).map { $0 == 0x5C || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }

    /// A growable byte buffer written with `memcpy`.
    final class Buffer {
        var base: UnsafeMutableRawPointer
        var count = 0
        var capacity: Int

        init(_ capacity: Int) {
            self.capacity = capacity
            base = malloc(capacity)!
        }
        deinit { free(base) }

        @inline(__always)
        func reserve(_ n: Int) {
            if count + n > capacity {
                capacity = max(capacity * 2, count + n)
                base = realloc(base, capacity)!
            }
        }
        @inline(__always)
        func append(_ b: UInt8) {
            reserve(1)
            base.storeBytes(of: b, toByteOffset: count, as: UInt8.self)
            count += 1
        }
        @inline(__always)
        func append(_ p: UnsafeRawBufferPointer) {
            guard p.count > 0 else { return }
            reserve(p.count)
            memcpy(base + count, p.baseAddress!, p.count)
            count += p.count
        }
        var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }
    }

    func render(_ table: ResultTable, _ o: RenderOptions, to sink: any TextSink) throws(OutputStop) {
        let n = table.columns.count
        guard n > 0 else { return }
        let g = table.graph
        let out = Buffer(1 << 17)
        let special = quoting == .csv ? Self.csvSpecial : Self.tsvSpecial
        let quoting = self.quoting
        @inline(__always) func field(_ p: UnsafeRawBufferPointer) {
            Self.field(p, out, special, quoting)
        }
        if o.headers {
            for (c, name) in table.columns.enumerated() {
                if c > 0 { out.append(separator) }
                var s = name
                s.withUTF8 { field(UnsafeRawBufferPointer($0)) }
            }
            out.append(0x0A)
        }
        let rows = o.visibleRowCount(table.rowCount)
        // `.nullvalue`: what a missing value prints as (nothing by default).
        let nullBytes = Array((o.nullText ?? "").utf8)
        @inline(__always) func null() { if !nullBytes.isEmpty { nullBytes.withUnsafeBytes { field($0) } } }
        // The pool and names once: reading them through the graph for every cell would copy
        // the pool's storage references each time.
        let pool = g.strings
        let names = g.entityName
        // How each column is read: a relation's stored column by row number, anything else
        // through `value(_:_:)`.
        enum Reader { case text([UInt32]), entity([UInt32]), int([Int64]), value }
        let rowNumbers = table.relationRows ?? []
        let readers: [Reader] = (0..<n).map { c in
            guard !rowNumbers.isEmpty, let cells = table.storedCells(c) else { return .value }
            switch cells {
            case .text(let a): return .text(a)
            case .entity(let a): return .entity(a)
            case .int(let a): return .int(a)
            default: return .value
            }
        }
        for r in 0..<rows {
            for c in 0..<n {
                if c > 0 { out.append(separator) }
                switch readers[c] {
                case .text(let col):
                    let id = col[Int(rowNumbers[r])]
                    if id != Null.id { pool.withBytes(id) { field($0) } } else { null() }
                case .entity(let col):
                    let e = col[Int(rowNumbers[r])]
                    if e != Null.id { pool.withBytes(names[Int(e)]) { field($0) } } else { null() }
                case .int(let col):
                    let v = col[Int(rowNumbers[r])]
                    if v != Null.int { Self.appendInt(v, out) } else { null() }
                case .value:
                    switch table.value(r, c) {
                    case .null: null()
                    case .text(let id): pool.withBytes(id) { field($0) }
                    case .entity(let e): pool.withBytes(names[Int(e)]) { field($0) }
                    case .int(let v): Self.appendInt(v, out)
                    case let v:
                        var s = g.display(v)
                        s.withUTF8 { field(UnsafeRawBufferPointer($0)) }
                    }
                }
            }
            out.append(0x0A)
            if out.count >= 1 << 16 {
                try sink.write(bytes: out.bytes)
                out.count = 0
            }
        }
        try sink.write(bytes: out.bytes)
    }

    /// One field: CSV quotes it when it holds a comma, quote, CR or LF (doubling quotes); TSV
    /// escapes backslash, tab, LF and CR.
    @inline(__always)
    static func field(_ p: UnsafeRawBufferPointer, _ out: Buffer, _ special: [Bool], _ quoting: Quoting) {
        var needs = false
        special.withUnsafeBufferPointer { sp in
            for b in p where sp[Int(b)] { needs = true; break }
        }
        if !needs { out.append(p); return }
        switch quoting {
        case .csv:
            out.append(0x22)
            for b in p {
                if b == 0x22 { out.append(0x22) }
                out.append(b)
            }
            out.append(0x22)
        case .tsv:
            for b in p {
                switch b {
                case 0x5C: out.append(0x5C); out.append(0x5C)
                case 0x09: out.append(0x5C); out.append(0x74)
                case 0x0A: out.append(0x5C); out.append(0x6E)
                case 0x0D: out.append(0x5C); out.append(0x72)
                default: out.append(b)
                }
            }
        }
    }

    /// Decimal digits of an integer.
    @inline(__always)
    static func appendInt(_ v: Int64, _ out: Buffer) {
        if v == 0 { out.append(0x30); return }
        var x = v.magnitude
        if v < 0 { out.append(0x2D) }
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
        var n = 0
        withUnsafeMutableBytes(of: &digits) { d in
            while x > 0 { d[n] = UInt8(x % 10) + 0x30; x /= 10; n += 1 }
            out.reserve(n)
            for i in stride(from: n - 1, through: 0, by: -1) { out.append(d[i]) }
        }
    }
}
