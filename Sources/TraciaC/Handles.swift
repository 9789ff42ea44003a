import Glibc
import TraciaCore

/// What a `tracia_client *` points at.
final class ClientHandle {
    let client: TraciaClient
    init(_ client: TraciaClient) { self.client = client }
}

/// What a `tracia_stream *` points at, with the ids as C strings borrowed until the free.
final class StreamHandle {
    let stream: CallStream
    let spanID: UnsafeMutablePointer<CChar>
    let traceID: UnsafeMutablePointer<CChar>

    init(_ stream: CallStream) {
        self.stream = stream
        spanID = strdup(stream.spanID)
        traceID = strdup(stream.traceID)
    }

    deinit {
        free(spanID)
        free(traceID)
    }
}

enum Handle {
    static func make<T: AnyObject>(_ object: T) -> OpaquePointer {
        OpaquePointer(Unmanaged.passRetained(object).toOpaque())
    }

    static func borrow<T: AnyObject>(_ pointer: OpaquePointer?, as type: T.Type) -> T? {
        guard let pointer else { return nil }
        return Unmanaged<T>.fromOpaque(UnsafeRawPointer(pointer)).takeUnretainedValue()
    }

    static func release<T: AnyObject>(_ pointer: OpaquePointer, as type: T.Type) {
        Unmanaged<T>.fromOpaque(UnsafeRawPointer(pointer)).release()
    }
}
