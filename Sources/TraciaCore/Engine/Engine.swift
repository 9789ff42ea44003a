internal import CCurl
internal import CJansson
import Glibc
import Synchronization

/// Something the engine drives for a call: an HTTP exchange or the in-process mock.
protocol EngineTask: AnyObject {
    var stream: CallStream { get }
    func start(on engine: Engine)
    /// Stops the task without completing its stream (the stream was aborted).
    func cancel(on engine: Engine)
    /// Ends the task if a deadline passed; returns its next deadline.
    func checkDeadlines(now: Int64, on engine: Engine) -> Int64
    /// The reader has caught up: continue a transfer paused for it.
    func resume(on engine: Engine)
}

extension EngineTask {
    func resume(on engine: Engine) {}
}

/// Owns a curl easy handle while it is in the multi handle.
protocol CurlOwner: AnyObject {
    func transferDone(_ code: CURLcode, on engine: Engine)
}

private let curlReady: Bool = {
    json_object_seed(0)
    return curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK
}()

/// One thread per client drives every transfer of the client through one curl multi
/// handle. Only this thread touches curl handles; other threads post commands and wake it.
final class Engine: @unchecked Sendable {
    private enum Command {
        case start(EngineTask)
        case cancel(CallStream)
        case resume(CallStream)
        case perform(() -> Void)
    }

    private struct Inbox: @unchecked Sendable {
        var commands: [Command] = []
        var stopping = false
    }

    private let multi: UnsafeMutableRawPointer
    private let inbox = Locked(Inbox())
    private let users = Locked(1)
    private let stopped: ReadyFD
    private var thread = pthread_t()
    let exporter: SpanExporter
    /// Renders spans, whose size depends on the response, away from the transfers' thread.
    let worker: Worker

    // Engine thread only.
    private var handles: [UnsafeMutableRawPointer: CurlOwner] = [:]
    private var tasks: [ObjectIdentifier: EngineTask] = [:]
    private var timers: [(due: Int64, seq: Int, action: () -> Void)] = []
    private var timerSeq = 0
    private var nextDeadline = Int64.max
    /// Counts the loop's turns: a transfer's share of a turn is measured against it. Atomic
    /// only so that tests can read it.
    private let turns = Atomic<Int>(0)
    var turn: Int { turns.load(ordering: .relaxed) }
    /// Transfers that used their share of this turn, continued in the next one.
    private var yielded: [CallStream] = []
    /// The credentials that take I/O to obtain, shared by the client's calls.
    private(set) lazy var credentials = CredentialCache(fetcher: CredentialFetcher(engine: self))

    init(exporter: SpanExporter) throws(TraciaError) {
        guard curlReady, let multi = curl_multi_init() else { throw TraciaError(.unknown, "libcurl failed to initialise") }
        self.multi = multi
        self.exporter = exporter
        do throws(TraciaError) {
            stopped = try ReadyFD()
            worker = try Worker()
        } catch {
            curl_multi_cleanup(multi)
            throw error
        }
        _ = tracia_multi_set_long(multi, CURLMOPT_MAX_HOST_CONNECTIONS, 0)
        exporter.wake = { [weak self] in self?.wake() }
        // The thread holds the engine until its loop ends.
        switch DetachedThread.start({ [self] in run() }) {
        case .success(let started): thread = started
        case .failure(let error):
            worker.stop()
            curl_multi_cleanup(multi)
            throw TraciaError(.unknown, "could not start the engine thread (error \(error.code))")
        }
    }

    // MARK: any thread

    func submit(_ task: EngineTask) { post(.start(task)) }
    func cancel(_ stream: CallStream) { post(.cancel(stream)) }
    func resume(_ stream: CallStream) { post(.resume(stream)) }
    /// Runs `action` on the engine thread, in order with the other commands.
    func perform(_ action: @escaping () -> Void) { post(.perform(action)) }

    func wake() { curl_multi_wakeup(multi) }

    func retainUser() { users.withLock { $0 += 1 } }

    /// When the last user (the client or a stream) lets go, the thread stops.
    func releaseUser() {
        guard
            users.withLock({ count -> Int in
                count -= 1
                return count
            }) == 0
        else { return }
        inbox.withLock { $0.stopping = true }
        wake()
        // The engine thread ends by joining the worker: neither may wait for it.
        if pthread_equal(pthread_self(), thread) == 0 && !worker.isCurrentThread {
            _ = stopped.wait(timeoutMS: Int32(clamping: exporter.drainTimeoutMS + 2000))
        }
    }

    private func post(_ command: Command) {
        inbox.withLock { $0.commands.append(command) }
        wake()
    }

    // MARK: engine thread

    private func run() {
        exporter.runs(on: pthread_self())
        Self.blockBrokenPipeSignal()
        var drainDeadline: Int64?
        while true {
            let (commands, stopping) = inbox.withLock { inbox in
                defer { inbox.commands.removeAll(keepingCapacity: true) }
                return (inbox.commands, inbox.stopping)
            }
            for command in commands { handle(command) }
            if stopping {
                // The spans of streams that outlived their client (the client's own close has
                // flushed the others) are delivered within the client's flush bound.
                let deadline = drainDeadline ?? Clock.nowMS().saturatingAdding(Int64(exporter.drainTimeoutMS))
                drainDeadline = deadline
                if exporter.isIdle || Clock.nowMS() >= deadline { break }
            }
            turns.add(1, ordering: .relaxed)
            let continuing = yielded
            yielded.removeAll(keepingCapacity: true)
            for stream in continuing { tasks[ObjectIdentifier(stream)]?.resume(on: self) }
            var running: Int32 = 0
            let performed = curl_multi_perform(multi, &running)
            drainCompletions()
            let now = Clock.nowMS()
            runTimers(now: now)
            if now >= nextDeadline { checkDeadlines(now: now) }
            let exportDue = exporter.pump(on: self, now: now)
            let wake = yielded.isEmpty ? min(timers.first?.due ?? .max, nextDeadline, exportDue, now + 1000) : now
            let wait = Int32(clamping: max(0, wake - now))
            var fds: Int32 = 0
            let polled = curl_multi_poll(multi, nil, 0, wait, &fds)
            Curl.backOffIfFailing(perform: performed, poll: polled, waitMS: wait)
        }
        // Before the multi handle goes: a job that ends wakes it.
        worker.stop()
        for (easy, _) in handles {
            curl_multi_remove_handle(multi, easy)
            curl_easy_cleanup(easy)
        }
        handles.removeAll()
        tasks.removeAll()
        timers.removeAll()
        curl_multi_cleanup(multi)
        stopped.set()
    }

    /// A span file that is a pipe whose reader left makes write() raise SIGPIPE, which kills
    /// the process unless blocked. It is sent to the writing thread, so blocking it here is
    /// enough; the write then fails with EPIPE and only that span fails.
    private static func blockBrokenPipeSignal() {
        var signals = sigset_t()
        sigemptyset(&signals)
        sigaddset(&signals, SIGPIPE)
        pthread_sigmask(SIG_BLOCK, &signals, nil)
    }

    private func handle(_ command: Command) {
        switch command {
        case .start(let task):
            tasks[ObjectIdentifier(task.stream)] = task
            task.start(on: self)
            nextDeadline = min(nextDeadline, task.checkDeadlines(now: Clock.nowMS(), on: self))
        case .cancel(let stream):
            if let task = tasks.removeValue(forKey: ObjectIdentifier(stream)) { task.cancel(on: self) }
        case .resume(let stream):
            tasks[ObjectIdentifier(stream)]?.resume(on: self)
        case .perform(let action):
            action()
        }
    }

    private func drainCompletions() {
        var left: Int32 = 0
        while let message = curl_multi_info_read(multi, &left) {
            guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle else { continue }
            let code = message.pointee.data.result
            guard let owner = handles[easy] else { continue }
            owner.transferDone(code, on: self)
        }
    }

    private func checkDeadlines(now: Int64) {
        var next = Int64.max
        for task in Array(tasks.values) { next = min(next, task.checkDeadlines(now: now, on: self)) }
        nextDeadline = next
    }

    private func runTimers(now: Int64) {
        while let first = timers.first, first.due <= now {
            timers.removeFirst()
            first.action()
        }
    }

    /// Runs `action` on the engine thread after `delayMS`.
    func schedule(afterMS delayMS: Int64, _ action: @escaping () -> Void) {
        timerSeq += 1
        let due = Clock.nowMS().saturatingAdding(delayMS)
        let index = timers.firstIndex(where: { $0.due > due }) ?? timers.endIndex
        timers.insert((due, timerSeq, action), at: index)
    }

    /// A transfer paused itself, having had its share of this turn; it is resumed in the next.
    func continueNextTurn(_ stream: CallStream) { yielded.append(stream) }

    /// A task's deadline moved earlier than the engine knows.
    func noteDeadline(_ deadline: Int64) { nextDeadline = min(nextDeadline, deadline) }

    /// Starts a transfer; when curl refuses the handle, the caller still owns it.
    func add(_ easy: UnsafeMutableRawPointer, owner: CurlOwner) throws(TraciaError) {
        try Curl.checkSetup(curl_multi_add_handle(multi, easy), "curl_multi_add_handle")
        handles[easy] = owner
    }

    /// Removes and frees an easy handle; an unfinished transfer's connection is closed.
    func remove(_ easy: UnsafeMutableRawPointer) {
        detach(easy)
        curl_easy_cleanup(easy)
    }

    /// Removes a finished transfer's handle and leaves it to its owner to reuse.
    func detach(_ easy: UnsafeMutableRawPointer) {
        curl_multi_remove_handle(multi, easy)
        handles[easy] = nil
    }

    func taskEnded(_ task: EngineTask) {
        if tasks[ObjectIdentifier(task.stream)] === task { tasks[ObjectIdentifier(task.stream)] = nil }
    }
}
