import Glibc

/// A thread that runs the jobs handed to it, one after another: work whose length depends on
/// what a server sent (a span with tens of thousands of tool calls), which on the engine
/// thread would hold back every other stream's chunks for as long.
final class Worker: @unchecked Sendable {
    private struct Jobs: @unchecked Sendable {
        var waiting: [() -> Void] = []
        var stopping = false
    }

    private let jobs = Locked(Jobs())
    private let ready: ReadyFD
    private var thread = pthread_t()

    init() throws(TraciaError) {
        ready = try ReadyFD()
        let context = Unmanaged.passRetained(self).toOpaque()
        let rc = pthread_create(
            &thread, nil,
            { context in
                let worker = Unmanaged<Worker>.fromOpaque(context!).takeRetainedValue()
                worker.run()
                return nil
            }, context)
        if rc != 0 {
            Unmanaged<Worker>.fromOpaque(context).release()
            throw TraciaError(.unknown, "could not start a worker thread (error \(rc))")
        }
    }

    /// Runs `job` on the worker thread, after the jobs submitted before it.
    func submit(_ job: @escaping () -> Void) {
        jobs.withLock { $0.waiting.append(job) }
        ready.set()
    }

    var isCurrentThread: Bool { pthread_equal(pthread_self(), thread) != 0 }

    /// Lets the running job finish, drops those not started, and waits for the thread to end.
    /// Not from a job.
    func stop() {
        jobs.withLock { $0.stopping = true }
        ready.set()
        pthread_join(thread, nil)
    }

    private func run() {
        while true {
            _ = ready.wait()
            let (batch, stopping) = jobs.withLock { jobs in
                ready.clear()
                defer { jobs.waiting.removeAll() }
                return (jobs.waiting, jobs.stopping)
            }
            if stopping { return }
            for job in batch {
                job()
                if jobs.withLock({ $0.stopping }) { return }
            }
        }
    }
}
