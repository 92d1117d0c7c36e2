#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Data derived from an immutable graph once, on first use, and kept with it: the query layer's
/// collation ranks and pinyin index, for instance. The store knows nothing of what is kept; it
/// only guarantees that each value is built once, even when a background thread warms it up
/// while a query asks for it (the second caller waits for the first).
///
///     let ranks = graph.derived.value(CollationRankTable.self) { CollationRankTable(graph) }
public final class DerivedCache: @unchecked Sendable {
    private var mutex = pthread_mutex_t()
    private var built = pthread_cond_t()
    private var values: [ObjectIdentifier: AnyObject] = [:]
    /// Types being built now (by one thread; others wait for that one, not for each other).
    private var building: Set<ObjectIdentifier> = []

    init() {
        pthread_mutex_init(&mutex, nil)
        pthread_cond_init(&built, nil)
    }
    deinit {
        pthread_cond_destroy(&built)
        pthread_mutex_destroy(&mutex)
    }

    /// The value of type `T`, built by `build` if this is the first call for `T`. The lock is
    /// not held while building: a caller that wants another type (or asks `has`) goes on; a
    /// caller that wants the same type waits until it is built.
    public func value<T: AnyObject>(_ type: T.Type, build: () -> T) -> T {
        let id = ObjectIdentifier(type)
        pthread_mutex_lock(&mutex)
        while true {
            if let v = values[id] as? T {
                pthread_mutex_unlock(&mutex)
                return v
            }
            if !building.contains(id) { break }
            pthread_cond_wait(&built, &mutex)
        }
        building.insert(id)
        pthread_mutex_unlock(&mutex)
        let v = build()
        pthread_mutex_lock(&mutex)
        values[id] = v
        building.remove(id)
        pthread_cond_broadcast(&built)
        pthread_mutex_unlock(&mutex)
        return v
    }

    /// Whether a value of type `T` has been built.
    public func has<T: AnyObject>(_ type: T.Type) -> Bool {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        return values[ObjectIdentifier(type)] != nil
    }
}

/// Runs work on another thread, for warming derived data up on the second core after a load.
public enum BackgroundWork {
    final class Box: @unchecked Sendable {
        let body: () -> Void
        init(_ body: @escaping () -> Void) { self.body = body }
    }

    /// Where another thread leaves its result.
    final class Slot<T>: @unchecked Sendable { var value: T? }

    /// The cores online (at least 1).
    public static let cores = max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))

    /// A thread that can be waited for.
    public final class Joinable: @unchecked Sendable {
        let thread: pthread_t
        init(_ t: pthread_t) { thread = t }
        /// Waits until the thread's body has returned.
        public func join() { pthread_join(thread, nil) }
    }

    /// Starts `body` on a thread the caller joins; nil if no thread could be made (the caller
    /// then runs the work itself).
    public static func spawn(_ body: @escaping @Sendable () -> Void) -> Joinable? {
        let box = Unmanaged.passRetained(Box(body)).toOpaque()
        var thread = pthread_t()
        let rc = pthread_create(&thread, nil, { raw in
            let b = Unmanaged<Box>.fromOpaque(raw!).takeRetainedValue()
            b.body()
            return nil
        }, box)
        if rc != 0 { Unmanaged<Box>.fromOpaque(box).release(); return nil }
        return Joinable(thread)
    }

    /// Starts `body` on a detached thread.
    public static func start(_ body: @escaping @Sendable () -> Void) {
        if let t = spawn(body) { pthread_detach(t.thread) }
    }

    /// `first` on this thread and `second` on another (on this one too if no thread can be
    /// made), both results once both are done: the two halves of a job on two cores.
    public static func pair<A, B>(_ first: () -> A, _ second: @escaping @Sendable () -> B) -> (A, B) {
        let r = Slot<B>()
        let t = spawn { r.value = second() }
        let a = first()
        if let t { t.join() } else { r.value = second() }
        return (a, r.value!)
    }
}
