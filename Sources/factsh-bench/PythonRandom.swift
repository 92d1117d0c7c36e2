/// CPython's `random.Random` (MT19937 plus the 3.11 algorithms for `random`, `_randbelow`,
/// `shuffle`, `choice`, `randint` and `sample`), so that the Swift generator draws exactly the
/// numbers `gen.py` draws for the same seed.
struct PythonRandom {
    private var mt = [UInt32](repeating: 0, count: 624)
    private var index = 625

    init(seed: Int) {
        // random.seed(int): init_by_array over the 32-bit words of |seed|, least significant first.
        var key: [UInt32] = []
        var s = seed.magnitude
        repeat { key.append(UInt32(truncatingIfNeeded: s)); s >>= 32 } while s > 0
        initGenrand(19_650_218)
        var i = 1, j = 0
        for _ in 0..<max(624, key.count) {
            mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >> 30)) &* 1_664_525)) &+ key[j] &+ UInt32(j)
            i += 1; j += 1
            if i >= 624 { mt[0] = mt[623]; i = 1 }
            if j >= key.count { j = 0 }
        }
        for _ in 0..<623 {
            mt[i] = (mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >> 30)) &* 1_566_083_941)) &- UInt32(i)
            i += 1
            if i >= 624 { mt[0] = mt[623]; i = 1 }
        }
        mt[0] = 0x8000_0000
        index = 624
    }

    private mutating func initGenrand(_ s: UInt32) {
        mt[0] = s
        for i in 1..<624 { mt[i] = 1_812_433_253 &* (mt[i - 1] ^ (mt[i - 1] >> 30)) &+ UInt32(i) }
        index = 624
    }

    private mutating func twist() {
        for k in 0..<624 {
            let y = (mt[k] & 0x8000_0000) | (mt[(k + 1) % 624] & 0x7FFF_FFFF)
            mt[k] = mt[(k + 397) % 624] ^ (y >> 1) ^ ((y & 1) == 0 ? 0 : 0x9908_B0DF)
        }
        index = 0
    }

    mutating func nextUInt32() -> UInt32 {
        if index >= 624 { twist() }
        var y = mt[index]
        index += 1
        y ^= y >> 11
        y ^= (y << 7) & 0x9D2C_5680
        y ^= (y << 15) & 0xEFC6_0000
        y ^= y >> 18
        return y
    }

    /// `random.random()`: 53 random bits in [0, 1).
    mutating func random() -> Double {
        let a = Double(nextUInt32() >> 5), b = Double(nextUInt32() >> 6)
        return (a * 67_108_864.0 + b) * (1.0 / 9_007_199_254_740_992.0)
    }

    /// `getrandbits(k)` for 1 ≤ k ≤ 32.
    mutating func bits(_ k: Int) -> Int { Int(nextUInt32() >> UInt32(32 - k)) }

    /// `_randbelow(n)`: uniform in 0..<n by rejection.
    mutating func below(_ n: Int) -> Int {
        precondition(n > 0 && n <= 1 << 32)
        let k = Int.bitWidth - n.leadingZeroBitCount
        var r = bits(k)
        while r >= n { r = bits(k) }
        return r
    }

    mutating func randint(_ a: Int, _ b: Int) -> Int { a + below(b - a + 1) }

    mutating func choice<T>(_ a: [T]) -> T { a[below(a.count)] }

    mutating func shuffle<T>(_ a: inout [T]) {
        var i = a.count - 1
        while i >= 1 {
            let j = below(i + 1)
            a.swapAt(i, j)
            i -= 1
        }
    }

    /// `random.sample(population, k)` (CPython 3.11).
    mutating func sample<T>(_ population: [T], _ k: Int) -> [T] {
        let n = population.count
        var setsize = 21
        if k > 5 {
            let e = (log(Double(k * 3)) / log(4.0)).rounded(.up)
            setsize += Int(pow(4.0, e))
        }
        var result: [T] = []
        if n <= setsize {
            var pool = population
            for i in 0..<k {
                let j = below(n - i)
                result.append(pool[j])
                pool[j] = pool[n - i - 1]
            }
        } else {
            var selected = Set<Int>()
            for _ in 0..<k {
                var j = below(n)
                while selected.contains(j) { j = below(n) }
                selected.insert(j)
                result.append(population[j])
            }
        }
        return result
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
