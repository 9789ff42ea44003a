internal import CSystem
import Glibc

/// A level-triggered readiness flag that other threads and event loops can poll:
/// an eventfd that is readable exactly while the flag is set.
struct ReadyFD: ~Copyable {
    let fd: Int32

    init() throws(TraciaError) {
        fd = try Self.make(set: false)
    }

    deinit { close(fd) }

    static func make(set: Bool) throws(TraciaError) -> Int32 {
        let fd = eventfd(set ? 1 : 0, Int32(EFD_CLOEXEC) | Int32(EFD_NONBLOCK))
        guard fd >= 0 else {
            let reason = errno == EMFILE || errno == ENFILE ? "too many open files (raise the limit: ulimit -n)" : "errno \(errno)"
            throw TraciaError(.unknown, "cannot create an event descriptor: \(reason)")
        }
        return fd
    }

    func set() { Self.set(fd) }

    static func set(_ fd: Int32) {
        var one: UInt64 = 1
        _ = write(fd, &one, 8)
    }

    func clear() {
        var value: UInt64 = 0
        _ = read(fd, &value, 8)
    }

    /// Waits until readable; -1 waits without bound. Returns whether it became readable.
    func wait(timeoutMS: Int32 = -1) -> Bool { Self.wait(fd, timeoutMS: timeoutMS) }

    static func wait(_ fd: Int32, timeoutMS: Int32 = -1) -> Bool {
        var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        while true {
            let n = poll(&p, 1, timeoutMS)
            if n >= 0 { return n > 0 }
            if errno != EINTR { return false }
        }
    }
}
