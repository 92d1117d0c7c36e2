#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A read-only hash index from every name and alias key of a graph under construction to its
/// entity, built once all named rows of a CSV folder are in. Reference cells are resolved by
/// hashing their raw bytes straight out of the scan buffer: no `String`, no interning.
///
/// Each slot carries the key's hash, entity, and the offset and length of its bytes in the
/// graph's key pool, so a hit costs one slot probe and one byte comparison.
///
/// - Complexity: build O(total key bytes); lookup O(length) expected.
final class CSVNameIndex: @unchecked Sendable {
    struct Slot {
        var hash: UInt32
        var entity: UInt32      // EntityID + 1; 0 = empty
        var offset: UInt32
        var length: UInt32
    }

    let slots: UnsafeMutablePointer<Slot>
    let mask: Int

    /// Indexes every key of `graph` (its hashes are the string pool's: nothing is hashed again).
    init(graph: FactGraph) {
        let n = graph.keyStrings.count
        var size = 64
        while size < n + n / 2 + 1 { size *= 2 }
        slots = .allocate(capacity: size)
        slots.initialize(repeating: Slot(hash: 0, entity: 0, offset: 0, length: 0), count: size)
        mask = size - 1
        graph.strings.withStorage { _, st in
            graph.strings.withHashes { hashes in
                graph.keyStrings.withUnsafeBufferPointer { keys in
                    graph.entityOfString.withUnsafeBufferPointer { owner in
                        for k in keys {
                            let s = Int(st[Int(k)]), e = Int(st[Int(k) + 1])
                            let h = hashes[Int(k)]
                            var slot = Int(h) & mask
                            while slots[slot].entity != 0 { slot = (slot + 1) & mask }
                            slots[slot] = Slot(hash: h, entity: owner[Int(k)] + 1, offset: UInt32(s), length: UInt32(e - s))
                        }
                    }
                }
            }
        }
    }

    deinit { slots.deallocate() }

    /// A lookup view for one scan, valid while `keyBytes` is.
    struct Lookup: @unchecked Sendable {
        let slots: UnsafeMutablePointer<Slot>
        let mask: Int
        let keyBytes: UnsafePointer<UInt8>
        let entityKind: UnsafePointer<UInt16>

        /// The entity whose exact (normalized) key these bytes are.
        @inline(__always)
        func exact(_ p: UnsafeRawBufferPointer) -> EntityID? { exact(p, hash: StringPool.hash(p)) }

        @inline(__always)
        func exact(_ p: UnsafeRawBufferPointer, hash h: UInt32) -> EntityID? {
            var slot = Int(h) & mask
            while true {
                let s = slots[slot]
                if s.entity == 0 { return nil }
                if s.hash == h && Int(s.length) == p.count && CSVBytes.equal(keyBytes + Int(s.offset), p) {
                    return s.entity - 1
                }
                slot = (slot + 1) & mask
            }
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

        /// The home slot of hash `h` (for the first sweep of a batch).
        @inline(__always)
        func home(_ h: UInt32) -> Slot { slots[Int(h) & mask] }

        /// Touches what a lookup that starts at `s` reads next: the first and last cache line of
        /// the key's bytes and the entity's kind (for the second sweep of a batch).
        @inline(__always)
        func touch(_ s: Slot) -> UInt32 {
            if s.entity == 0 { return 0 }
            let o = Int(s.offset)
            return UInt32(keyBytes[o]) &+ UInt32(keyBytes[o + Int(s.length) - 1]) &+ UInt32(entityKind[Int(s.entity - 1)])
        }
    }

    /// Calls `body` with a lookup over `graph`'s current keys and entity kinds.
    func withLookup<R>(_ graph: FactGraph, _ body: (Lookup) -> R) -> R {
        graph.strings.bytes.withUnsafeBufferPointer { kb in
            graph.entityKind.withUnsafeBufferPointer { ek in
                body(Lookup(slots: slots, mask: mask, keyBytes: kb.baseAddress ?? UnsafePointer(bitPattern: 1)!,
                            entityKind: ek.baseAddress ?? UnsafePointer(bitPattern: 2)!))
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
