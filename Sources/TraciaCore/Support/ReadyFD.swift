import CCurl
import Glibc

/// A level-triggered readiness flag that other threads and event loops can poll:
/// an eventfd that is readable exactly while the flag is set.
struct ReadyFD: ~Copyable {
    let fd: Int32

    init() throws(TraciaError) {
        fd = eventfd(0, Int32(EFD_CLOEXEC) | Int32(EFD_NONBLOCK))
        guard fd >= 0 else { throw TraciaError(.unknown, "eventfd failed: errno \(errno)") }
    }

    deinit { close(fd) }

    func set() {
        var one: UInt64 = 1
        _ = write(fd, &one, 8)
    }

    func clear() {
        var value: UInt64 = 0
        _ = read(fd, &value, 8)
    }

    /// Waits until readable; -1 waits without bound. Returns whether it became readable.
    func wait(timeoutMS: Int32 = -1) -> Bool {
        var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        while true {
            let n = poll(&p, 1, timeoutMS)
            if n >= 0 { return n > 0 }
            if errno != EINTR { return false }
        }
    }
}
