import Glibc
import TraciaCore

/// The thread-local JSON detail of the last failure, as `tracia_last_error()` returns it.
/// The previous message stays allocated until the failure after next, so that a caller who
/// reads the error in the same expression as the failing call (argument order is unspecified
/// in C) reads stale text rather than freed memory.
enum LastError {
    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key) { free($0) }
        return key
    }()

    private static let previousKey: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key) { free($0) }
        return key
    }()

    private static let none: StaticString = "{\"code\":\"OK\",\"message\":\"no error\"}"

    static func set(_ error: TraciaError) {
        let text = strdup(error.jsonText())
        if let older = pthread_getspecific(previousKey) { free(older) }
        pthread_setspecific(previousKey, pthread_getspecific(key))
        pthread_setspecific(key, text)
    }

    static func fail(_ code: ErrorCode, _ message: String) -> Int32 {
        set(TraciaError(code, message))
        return code.rawValue
    }

    static var current: UnsafePointer<CChar> {
        if let text = pthread_getspecific(key) { return UnsafePointer(text.assumingMemoryBound(to: CChar.self)) }
        return StaticText.pointer(none)
    }
}

enum StaticText {
    static func pointer(_ s: StaticString) -> UnsafePointer<CChar> {
        UnsafeRawPointer(s.utf8Start).assumingMemoryBound(to: CChar.self)
    }
}
