#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A read-only hash index from every name and alias key of a graph under construction to its
/// entity, built once all named rows of a CSV folder are in. Reference cells are resolved by
/// hashing their raw bytes straight out of the scan buffer: no `String`, no interning.
///
/// Each slot carries the key's hash, entity, kind, and the offset and length of its bytes in the
/// graph's string pool, so a hit costs one slot probe and one byte comparison.
///
/// - Complexity: build O(keys); lookup O(length) expected.
final class CSVNameIndex: @unchecked Sendable {
    struct Slot {
        var hash: UInt32
        var entity: UInt32      // EntityID + 1; 0 = empty
        var offset: UInt32
        /// The key's length in the low 16 bits, the entity's kind in the high 16.
        var lengthAndKind: UInt32

        @inline(__always) var length: Int { Int(lengthAndKind & 0xFFFF) }
        @inline(__always) var kind: Int { Int(lengthAndKind >> 16) }
    }

    let slots: UnsafeMutablePointer<Slot>
    let mask: Int
    /// Keys of `Slot.maxLength` bytes or more (not in the slots; found by a linear search).
    let longKeys: [(offset: Int, length: Int, entity: EntityID)]

    /// Keys this long or longer are not in the slots.
    static let maxLength = 0xFFFF

    /// Indexes every key of `graph` (its hashes are the string pool's: nothing is hashed again).
    init(graph: FactGraph) {
        let n = graph.keyStrings.count
        var size = 64
        while size < n + n / 2 + 1 { size *= 2 }
        // Zeroed memory is empty slots (calloc: fresh pages need no clearing pass). (Faulting them
        // in on the other core, as `CSVPrefault` does for names, made this slower: the two
        // threads' faults contend in the kernel, and the inserts touch every page anyway.)
        let slots = calloc(size, MemoryLayout<Slot>.stride)!.bindMemory(to: Slot.self, capacity: size)
        let mask = size - 1
        var long: [(offset: Int, length: Int, entity: EntityID)] = []
        graph.strings.withStorage { _, st in
            graph.strings.withHashes { hashes in
                graph.keyStrings.withUnsafeBufferPointer { keys in
                    graph.entityOfString.withUnsafeBufferPointer { owner in
                        graph.entityKind.withUnsafeBufferPointer { kinds in
                            for k in keys {
                                let s = Int(st[Int(k)]), e = Int(st[Int(k) + 1])
                                let entity = owner[Int(k)]
                                if e - s >= Self.maxLength { long.append((s, e - s, entity)); continue }
                                let h = hashes[Int(k)]
                                var slot = Int(h) & mask
                                while slots[slot].entity != 0 { slot = (slot + 1) & mask }
                                slots[slot] = Slot(hash: h, entity: entity + 1, offset: UInt32(s),
                                                   lengthAndKind: UInt32(e - s) | UInt32(kinds[Int(entity)]) << 16)
                            }
                        }
                    }
                }
            }
        }
        self.slots = slots
        self.mask = mask
        longKeys = long
    }

    deinit { free(slots) }

    /// A lookup view for one scan, valid while `keyBytes` is.
    struct Lookup: @unchecked Sendable {
        let slots: UnsafeMutablePointer<Slot>
        let mask: Int
        let keyBytes: UnsafePointer<UInt8>
        let entityKind: UnsafePointer<UInt16>
        let index: CSVNameIndex

        /// The entity whose exact (normalized) key these bytes are.
        @inline(__always)
        func exact(_ p: UnsafeRawBufferPointer) -> EntityID? { exact(p, hash: StringPool.hash(p)) }

        @inline(__always)
        func exact(_ p: UnsafeRawBufferPointer, hash h: UInt32) -> EntityID? {
            let i = find(p, hash: h, from: Int(h) & mask)
            if i >= 0 { return slots[i].entity - 1 }
            return p.count >= CSVNameIndex.maxLength ? longKey(p) : nil
        }

        /// The slot holding key `p` of hash `h`, probing from `slot` (its home slot, or the
        /// `candidate` for it), or -1.
        @inline(__always)
        func find(_ p: UnsafeRawBufferPointer, hash h: UInt32, from slot: Int) -> Int {
            var slot = slot
            while true {
                let s = slots[slot]
                if s.entity == 0 { return -1 }
                if s.hash == h && s.length == p.count && CSVBytes.equal(keyBytes + Int(s.offset), p) { return slot }
                slot = (slot + 1) & mask
            }
        }

        /// The slot holding key `p` of hash `h`, or -1.
        @inline(__always)
        func find(_ p: UnsafeRawBufferPointer, hash h: UInt32) -> Int { find(p, hash: h, from: Int(h) & mask) }

        /// A key too long for the slots.
        func longKey(_ p: UnsafeRawBufferPointer) -> EntityID? {
            for k in index.longKeys where k.length == p.count && CSVBytes.equal(keyBytes + k.offset, p) { return k.entity }
            return nil
        }

        /// The entity this name or alias names (ASCII letters case-insensitively).
        @inline(__always)
        func entity(_ p: UnsafeRawBufferPointer) -> EntityID? {
            if let e = exact(p) { return e }
            guard CSVBytes.hasUpper(p) else { return nil }
            var key = Array(p)
            FactGraph.normalizeKey(&key)
            return key.withUnsafeBytes { exact($0) }
        }

        @inline(__always)
        func kind(_ e: EntityID) -> Int { Int(entityKind[Int(e)]) }

        // A batch of lookups runs in three sweeps, each a run of independent loads that the CPU
        // overlaps (`CSVTableJob.resolvePending`): the home slots; then the first slot with the
        // same hash (usually the home slot or the next, in the same cache line) and its key's
        // bytes; then the comparisons, from cache.

        /// Touches the home slot of hash `h`.
        @inline(__always)
        func touchHome(_ h: UInt32) -> UInt32 { slots[Int(h) & mask].hash }

        /// The first slot from `h`'s home that is empty or holds hash `h`.
        @inline(__always)
        func candidate(_ h: UInt32) -> Int {
            var slot = Int(h) & mask
            while true {
                let s = slots[slot]
                if s.entity == 0 || s.hash == h { return slot }
                slot = (slot + 1) & mask
            }
        }

        /// Touches the first and last cache line of the key bytes of `slot`.
        @inline(__always)
        func touchKey(_ slot: Int) -> UInt32 {
            let s = slots[slot]
            if s.entity == 0 { return 0 }
            let o = Int(s.offset)
            return UInt32(keyBytes[o]) &+ UInt32(keyBytes[o + s.length - 1])
        }
    }

    /// Calls `body` with a lookup over `graph`'s current keys and entity kinds.
    func withLookup<R>(_ graph: FactGraph, _ body: (Lookup) -> R) -> R {
        graph.strings.bytes.withUnsafeBufferPointer { kb in
            graph.entityKind.withUnsafeBufferPointer { ek in
                body(Lookup(slots: slots, mask: mask, keyBytes: kb.baseAddress ?? UnsafePointer(bitPattern: 1)!,
                            entityKind: ek.baseAddress ?? UnsafePointer(bitPattern: 2)!, index: self))
            }
        }
    }
}

/// Runs closures on separate threads (the first on the calling thread) and waits for all.
enum CSVParallel {
    private final class Job: @unchecked Sendable {
        let body: () -> Void
        init(_ body: @escaping () -> Void) { self.body = body }
    }

    /// Cores online, at least 1.
    static var cores: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }

    /// A body running on a thread of its own (`start`); `wait()` joins it.
    final class Background {
        #if canImport(Glibc)
        private var thread: pthread_t = 0
        #else
        private var thread: pthread_t? = nil
        #endif
        private var started = false
        private var body: (() -> Void)?

        fileprivate init(_ body: @escaping () -> Void) {
            let ctx = Unmanaged.passRetained(Job(body)).toOpaque()
            let rc = pthread_create(&thread, nil, { raw in
                let job = Unmanaged<Job>.fromOpaque(raw!).takeRetainedValue()
                job.body()
                return nil
            }, ctx)
            if rc == 0 {
                started = true
            } else {
                Unmanaged<Job>.fromOpaque(ctx).release()
                self.body = body   // no thread: `wait()` runs it
            }
        }

        /// Waits for the body to finish (runs it here if no thread could be made).
        func wait() {
            if started {
                #if canImport(Glibc)
                pthread_join(thread, nil)
                #else
                pthread_join(thread!, nil)
                #endif
                started = false
            }
            body?()
            body = nil
        }
    }

    /// Starts `body` on another thread.
    static func start(_ body: @escaping () -> Void) -> Background { Background(body) }

    static func run(_ bodies: [() -> Void]) {
        guard bodies.count > 1 else { bodies.first?(); return }
        var threads: [pthread_t] = []
        for body in bodies.dropFirst() {
            let ctx = Unmanaged.passRetained(Job(body)).toOpaque()
            #if canImport(Glibc)
            var t: pthread_t = 0
            #else
            var t: pthread_t? = nil
            #endif
            let rc = pthread_create(&t, nil, { raw in
                let job = Unmanaged<Job>.fromOpaque(raw!).takeRetainedValue()
                job.body()
                return nil
            }, ctx)
            if rc != 0 {
                // No thread: run it here instead.
                Unmanaged<Job>.fromOpaque(ctx).takeRetainedValue().body()
                continue
            }
            #if canImport(Glibc)
            threads.append(t)
            #else
            threads.append(t!)
            #endif
        }
        bodies[0]()
        for t in threads { pthread_join(t, nil) }
    }
}
