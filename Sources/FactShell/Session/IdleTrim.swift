import CMemory
import FactGraph
#if canImport(Glibc)
import Glibc
#endif

/// Hands the allocator's free memory back to the system once the shell has been idle after a
/// statement that worked for a while, on a thread of its own: all but a reserve after a moment,
/// the reserve too after a longer while.
///
/// Not at once: a big statement's temporary arrays, kept by the allocator, serve the next big
/// statement without the kernel faulting their pages in again and clearing them (at a million
/// enterprises that was 20–60 ms of every big grouping, sort or `find` at the prompt). Idle for
/// `delay`, nobody is waiting on the shell, and what is over `reserve` goes back; idle for
/// `longDelay` (a user who stopped asking), the rest goes back too, so a long session does not
/// keep every big statement's peak.
final class IdleTrim: @unchecked Sendable {
    static let shared = IdleTrim()
    static let delay = 0.25
    static let longDelay = 20.0
    /// Free memory kept at the heap's top for the next statement after `delay` (the big
    /// statements at a million enterprises use up to about this much).
    static let reserve = 192 << 20
    /// Free memory under this is handed back at once: faulting 16 MB in again takes a few
    /// milliseconds, and a process answering statements back to back keeps its peak low.
    static let trimAtOnceBelow = 16 << 20

    private var mutex = pthread_mutex_t()
    private var cond = pthread_cond_t()
    /// Monotonic times at which to trim down to the reserve, and to nothing, if a big statement
    /// ended and no statement runs.
    private var due: Double?
    private var dueAll: Double?
    private var running = 0
    /// A big statement ended since the last trim.
    private var pending = false
    private var threadStarted = false

    private init() {
        pthread_mutex_init(&mutex, nil)
        var attr = pthread_condattr_t()
        pthread_condattr_init(&attr)
        pthread_condattr_setclock(&attr, CLOCK_MONOTONIC)
        pthread_cond_init(&cond, &attr)
        pthread_condattr_destroy(&attr)
    }

    /// A statement starts: no trim while it runs.
    func statementStarts() {
        pthread_mutex_lock(&mutex)
        running += 1
        pthread_mutex_unlock(&mutex)
    }

    /// A statement ended. After a big one (`big`): if the allocator holds little free memory,
    /// trim now (faulting that much in again costs the next statement little); else, and after
    /// any statement that follows before the trim, once the shell has been idle for `delay`.
    func statementEnds(big: Bool) {
        if big && factsh_free_heap_bytes() < Self.trimAtOnceBelow {
            pthread_mutex_lock(&mutex)
            let alone = running == 1
            pthread_mutex_unlock(&mutex)
            if alone { _ = factsh_malloc_trim(0) }
        }
        pthread_mutex_lock(&mutex)
        running = max(0, running - 1)
        if big { pending = true }
        if pending && running == 0 {
            due = FileIO.now() + Self.delay
            dueAll = FileIO.now() + Self.longDelay
            if !threadStarted {
                threadStarted = true
                BackgroundWork.start { IdleTrim.shared.loop() }
            }
            pthread_cond_signal(&cond)
        }
        pthread_mutex_unlock(&mutex)
    }

    private func loop() {
        pthread_mutex_lock(&mutex)
        while true {
            guard let d = due ?? dueAll, running == 0 else {
                pthread_cond_wait(&cond, &mutex)
                continue
            }
            if FileIO.now() < d {
                // `d` is on the monotonic clock, the one the condition waits by.
                var ts = timespec(tv_sec: Int(d), tv_nsec: Int((d - d.rounded(.down)) * 1e9))
                pthread_cond_timedwait(&cond, &mutex, &ts)
                continue
            }
            // The first deadline keeps the reserve; the second hands everything back.
            let pad = due != nil ? Self.reserve : 0
            if due != nil { due = nil } else { dueAll = nil; pending = false }
            pthread_mutex_unlock(&mutex)
            _ = factsh_malloc_trim(pad)
            pthread_mutex_lock(&mutex)
        }
    }
}
