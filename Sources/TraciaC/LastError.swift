import Glibc
import TraciaCore

/// The thread-local JSON detail of the last failure, as `tracia_last_error()` returns it.
enum LastError {
    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key) { free($0) }
        return key
    }()

    private static let none: StaticString = "{\"code\":\"OK\",\"message\":\"no error\"}"

    static func set(_ error: TraciaError) {
        let text = strdup(error.jsonText())
        if let old = pthread_getspecific(key) { free(old) }
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
