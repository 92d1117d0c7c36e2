#if canImport(Glibc)
import Glibc
#endif

/// Work started on a thread of its own and waited for when its value is first needed: the
/// interactive shell shows its prompt at once and reads the built-in graph while the user
/// types (`factsh` start-up is measured to the first prompt, and the graph is most of it).
///
///     let graph = BackgroundLoad(startNow: false) { try! BuiltinGraph.load() }
///     …                       // the prompt is up, the editor waits for a key
///     graph.start()           // the thread starts
///     graph.value             // waits (once) for the thread to finish
///
/// Started only once the prompt is on the screen, the thread takes no time from what comes
/// before it: on a machine whose other core is busy, a thread started at once shared the one
/// free core with the main thread and made the prompt come a third later.
///
/// The thread blocks every signal, so Ctrl-C and SIGTERM keep going to the main thread, whose
/// blocking reads they must interrupt.
public final class BackgroundLoad<Value>: @unchecked Sendable {
    private var result: Value?
    private var work: (() -> Value)?
    private var thread: pthread_t? = nil
    private var started = false

    /// `startNow: false` leaves starting the thread to `start()` (or the work to `value`, on
    /// this thread, if nothing started it before).
    public init(startNow: Bool = true, _ work: @escaping () -> Value) {
        self.work = work
        if startNow { start() }
    }

    /// Starts the thread; nothing if it was started already or the value is known.
    public func start() {
        guard !started else { return }
        started = true
        thread = startThread(ThreadBody { [self] in
            result = self.work!()
            self.work = nil
        })
    }

    /// The value, waiting for the thread to finish the first time.
    public var value: Value {
        started = true
        if let t = thread {
            pthread_join(t, nil)
            thread = nil
        }
        if result == nil, let w = work {   // no thread could be started: run it here
            result = w()
            work = nil
        }
        return result!
    }
}

/// What a thread runs (non-generic, so that a C function can call it).
private final class ThreadBody {
    let run: () -> Void
    init(_ run: @escaping () -> Void) { self.run = run }
}

/// Starts a thread that runs `body` with every signal blocked; nil when none could be started.
private func startThread(_ body: ThreadBody) -> pthread_t? {
    // The thread inherits the creator's signal mask: block everything for the creation, then
    // restore ours.
    var all = sigset_t(), saved = sigset_t()
    sigfillset(&all)
    pthread_sigmask(SIG_SETMASK, &all, &saved)
    let context = Unmanaged.passRetained(body).toOpaque()
    var t = pthread_t()
    let status = pthread_create(&t, nil, runThreadBody, context)
    pthread_sigmask(SIG_SETMASK, &saved, nil)
    if status != 0 {
        Unmanaged<ThreadBody>.fromOpaque(context).release()
        return nil
    }
    return t
}

private func runThreadBody(_ context: UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer? {
    Unmanaged<ThreadBody>.fromOpaque(context!).takeRetainedValue().run()
    return nil
}
