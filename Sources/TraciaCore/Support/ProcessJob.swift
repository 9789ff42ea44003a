import Glibc

/// A program run to completion without a shell: its output (bounded) and exit status, or a
/// clear error when it cannot start or outlives its time. Blocks the thread that runs it.
struct ProcessJob: Sendable {
    let argv: [String]
    let timeoutMS: Int

    func run() -> Result<CredentialFetcher.ProcessOutput, TraciaError> {
        guard let program = argv.first, !program.isEmpty else { return .failure(.invalid("an empty command line")) }
        var out: [Int32] = [-1, -1]
        var err: [Int32] = [-1, -1]
        guard Self.pipe(&out) else { return .failure(startFailure(program, errno)) }
        guard Self.pipe(&err) else {
            close(out[0])
            close(out[1])
            return .failure(startFailure(program, errno))
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        posix_spawn_file_actions_adddup2(&actions, out[1], 1)
        posix_spawn_file_actions_adddup2(&actions, err[1], 2)
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        var arguments: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        var pid = pid_t()
        let rc = posix_spawnp(&pid, program, &actions, nil, &arguments, environ)
        for a in arguments { free(a) }
        posix_spawn_file_actions_destroy(&actions)
        close(out[1])
        close(err[1])
        defer {
            close(out[0])
            close(err[0])
        }
        guard rc == 0 else { return .failure(startFailure(program, rc)) }
        let deadline = Clock.nowMS().saturatingAdding(Int64(timeoutMS))
        var stdout: [UInt8] = []
        var stderr: [UInt8] = []
        var open = [out[0], err[0]]
        while !open.isEmpty {
            let left = deadline.saturatingSubtracting(Clock.nowMS())
            guard left > 0 else {
                kill(pid, SIGKILL)
                _ = reap(pid)
                return .failure(TraciaError(.timeout, "\(program) did not finish within \(timeoutMS) ms"))
            }
            var fds = open.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            let n = poll(&fds, nfds_t(fds.count), Int32(clamping: left))
            if n < 0 && errno != EINTR { break }
            for p in fds where p.revents != 0 {
                var buffer = [UInt8](repeating: 0, count: 4096)
                let count = read(p.fd, &buffer, buffer.count)
                if count <= 0 {
                    open.removeAll { $0 == p.fd }
                    continue
                }
                if p.fd == out[0] {
                    if stdout.count < CredentialFetcher.replyLimit { stdout += buffer[0..<count] }
                } else if stderr.count < 4096 {
                    stderr += buffer[0..<count]
                }
            }
        }
        return .success(CredentialFetcher.ProcessOutput(exitStatus: reap(pid), stdout: stdout, stderr: stderr))
    }

    /// A pipe whose ends other programs started meanwhile do not inherit.
    private static func pipe(_ fds: inout [Int32]) -> Bool {
        guard Glibc.pipe(&fds) == 0 else { return false }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        return true
    }

    /// The exit status, or 128 + the signal that ended it.
    private func reap(_ pid: pid_t) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }

    private func startFailure(_ program: String, _ code: Int32) -> TraciaError {
        TraciaError(.unknown, "cannot run \(program): \(String(cString: strerror(code)))")
    }
}

/// A thread that runs one closure and ends.
enum DetachedThread {
    private final class Box {
        let body: () -> Void
        init(_ body: @escaping () -> Void) { self.body = body }
    }

    /// The thread, or the error number when it could not start.
    static func start(_ body: @escaping () -> Void) -> Result<pthread_t, ThreadStartError> {
        let context = Unmanaged.passRetained(Box(body)).toOpaque()
        var thread = pthread_t()
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
        let rc = pthread_create(
            &thread, &attributes,
            { context in
                Unmanaged<Box>.fromOpaque(context!).takeRetainedValue().body()
                return nil
            }, context)
        pthread_attr_destroy(&attributes)
        guard rc == 0 else {
            Unmanaged<Box>.fromOpaque(context).release()
            return .failure(ThreadStartError(code: rc))
        }
        return .success(thread)
    }

    struct ThreadStartError: Error {
        let code: Int32
    }
}
