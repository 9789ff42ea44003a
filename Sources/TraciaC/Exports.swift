internal import CTracia
import Glibc
import TraciaCore

// The C ABI of include/tracia.h. Each function checks its arguments, moves handles,
// and maps failures to a code and the thread's last error; the work is in TraciaCore.

public typealias SpanErrorFunction = @convention(c) (UnsafePointer<CChar>?, UnsafePointer<CChar>?, UnsafeMutableRawPointer?) -> Void

@_cdecl("tracia_client_new")
public func tracia_client_new(_ optionsJSON: UnsafePointer<CChar>?) -> OpaquePointer? {
    do throws(TraciaError) {
        let options = try ClientOptions.resolve(json: try optionsJSON.map { (p) throws(TraciaError) in try utf8(p, "options_json") })
        return Handle.make(ClientHandle(try TraciaClient(options: options)))
    } catch {
        LastError.set(error)
        return nil
    }
}

@_cdecl("tracia_client_free")
public func tracia_client_free(_ client: OpaquePointer?) {
    guard let client, let handle = Handle.borrow(client, as: ClientHandle.self) else { return }
    handle.client.close()
    Handle.release(client, as: ClientHandle.self)
}

@_cdecl("tracia_flush")
public func tracia_flush(_ client: OpaquePointer?, _ timeoutMS: Int32) -> Int32 {
    guard let handle = Handle.borrow(client, as: ClientHandle.self) else { return LastError.fail(.misuse, "tracia_flush: client is NULL") }
    guard let code = handle.client.flush(timeoutMS: Int(timeoutMS)) else { return 0 }
    let message =
        switch code {
        case .timeout: "spans were still pending after \(timeoutMS) ms"
        case .misuse: "tracia_flush cannot be called from the span-error callback: it runs on the thread that delivers the spans"
        default: "some spans could not be delivered"
        }
    return LastError.fail(code, message)
}

@_cdecl("tracia_client_set_span_error_callback")
public func tracia_client_set_span_error_callback(_ client: OpaquePointer?, _ fn: SpanErrorFunction?, _ userData: UnsafeMutableRawPointer?)
    -> Int32
{
    guard let handle = Handle.borrow(client, as: ClientHandle.self) else {
        return LastError.fail(.misuse, "tracia_client_set_span_error_callback: client is NULL")
    }
    guard let fn else {
        handle.client.onSpanError(nil)
        return 0
    }
    let context = UInt(bitPattern: userData)
    handle.client.onSpanError { spanID, error in
        let json = error.jsonText()
        spanID.withCString { id in json.withCString { fn(id, $0, UnsafeMutableRawPointer(bitPattern: context)) } }
    }
    return 0
}

@_cdecl("tracia_client_stats")
public func tracia_client_stats(_ client: OpaquePointer?) -> UnsafeMutablePointer<CChar>? {
    guard let handle = Handle.borrow(client, as: ClientHandle.self) else {
        _ = LastError.fail(.misuse, "tracia_client_stats: client is NULL")
        return nil
    }
    let s = handle.client.spanStats
    return strdup(
        "{\"queued\":\(s.queued),\"delivered\":\(s.delivered),\"failed\":\(s.failed),\"dropped\":\(s.dropped),\"pending\":\(s.pending)}")
}

@_cdecl("tracia_run_local")
public func tracia_run_local(_ client: OpaquePointer?, _ requestJSON: UnsafePointer<CChar>?) -> OpaquePointer? {
    guard let handle = Handle.borrow(client, as: ClientHandle.self) else {
        _ = LastError.fail(.misuse, "tracia_run_local: client is NULL")
        return nil
    }
    guard let requestJSON else {
        _ = LastError.fail(.invalidRequest, "tracia_run_local: request_json is NULL")
        return nil
    }
    do throws(TraciaError) {
        let request = try RunRequest.parse(json: try utf8(requestJSON, "request_json"))
        return Handle.make(StreamHandle(try handle.client.run(request)))
    } catch {
        LastError.set(error)
        return nil
    }
}

@_cdecl("tracia_stream_span_id")
public func tracia_stream_span_id(_ stream: OpaquePointer?) -> UnsafePointer<CChar>? {
    Handle.borrow(stream, as: StreamHandle.self).map { UnsafePointer($0.spanID) }
}

@_cdecl("tracia_stream_trace_id")
public func tracia_stream_trace_id(_ stream: OpaquePointer?) -> UnsafePointer<CChar>? {
    Handle.borrow(stream, as: StreamHandle.self).map { UnsafePointer($0.traceID) }
}

@_cdecl("tracia_stream_next")
public func tracia_stream_next(
    _ stream: OpaquePointer?, _ chunk: UnsafeMutablePointer<UnsafePointer<CChar>?>?, _ length: UnsafeMutablePointer<Int>?
) -> Int32 {
    guard let handle = Handle.borrow(stream, as: StreamHandle.self) else {
        return LastError.fail(.misuse, "tracia_stream_next: stream is NULL")
    }
    guard let chunk, let length else { return LastError.fail(.misuse, "tracia_stream_next: chunk and length must not be NULL") }
    return deliver(handle.stream.next(), chunk, length, "tracia_stream_next")
}

@_cdecl("tracia_stream_poll")
public func tracia_stream_poll(
    _ stream: OpaquePointer?, _ chunk: UnsafeMutablePointer<UnsafePointer<CChar>?>?, _ length: UnsafeMutablePointer<Int>?
) -> Int32 {
    guard let handle = Handle.borrow(stream, as: StreamHandle.self) else {
        return LastError.fail(.misuse, "tracia_stream_poll: stream is NULL")
    }
    guard let chunk, let length else { return LastError.fail(.misuse, "tracia_stream_poll: chunk and length must not be NULL") }
    guard let step = handle.stream.poll() else {
        chunk.pointee = nil
        length.pointee = 0
        return ABIStatus.again.rawValue
    }
    return deliver(step, chunk, length, "tracia_stream_poll")
}

/// Hands a step to the caller: 1 with the chunk, 0 at the end, the error code on failure.
/// Inlined: it is on every chunk's path.
@inline(__always)
private func deliver(
    _ step: CallStream.Step, _ chunk: UnsafeMutablePointer<UnsafePointer<CChar>?>, _ length: UnsafeMutablePointer<Int>,
    _ function: StaticString
) -> Int32 {
    switch step {
    case .chunk(let bytes, let count):
        chunk.pointee = bytes
        length.pointee = count
        return 1
    case .end:
        chunk.pointee = nil
        length.pointee = 0
        return 0
    case .failed(let error):
        chunk.pointee = nil
        length.pointee = 0
        LastError.set(error)
        return error.code.rawValue
    case .wrongMode:
        chunk.pointee = nil
        length.pointee = 0
        return readModeMisuse(function, other: "tracia_stream_next_event")
    }
}

/// A read of the other kind than the stream's first one.
@inline(never)
private func readModeMisuse(_ function: StaticString, other: StaticString) -> Int32 {
    LastError.fail(.misuse, "\(function): this stream is read with \(other)(); its first read fixed that")
}

@_cdecl("tracia_stream_next_event")
public func tracia_stream_next_event(_ stream: OpaquePointer?, _ event: UnsafeMutableRawPointer?) -> Int32 {
    guard let handle = Handle.borrow(stream, as: StreamHandle.self) else {
        return LastError.fail(.misuse, "tracia_stream_next_event: stream is NULL")
    }
    guard let event else { return LastError.fail(.misuse, "tracia_stream_next_event: event must not be NULL") }
    return deliver(handle.stream.nextEvent(), event.assumingMemoryBound(to: tracia_event.self), "tracia_stream_next_event")
}

@_cdecl("tracia_stream_poll_event")
public func tracia_stream_poll_event(_ stream: OpaquePointer?, _ event: UnsafeMutableRawPointer?) -> Int32 {
    guard let handle = Handle.borrow(stream, as: StreamHandle.self) else {
        return LastError.fail(.misuse, "tracia_stream_poll_event: stream is NULL")
    }
    guard let event else { return LastError.fail(.misuse, "tracia_stream_poll_event: event must not be NULL") }
    let out = event.assumingMemoryBound(to: tracia_event.self)
    guard let step = handle.stream.pollEvent() else {
        out.pointee = noEvent
        return ABIStatus.again.rawValue
    }
    return deliver(step, out, "tracia_stream_poll_event")
}

private var empty: UnsafePointer<CChar> { StaticText.pointer("") }

/// The event of the end, of a failure and of TRACIA_AGAIN: nothing in it.
private var noEvent: tracia_event {
    tracia_event(
        type: StreamEventKind.end.rawValue, index: 0, data: empty, length: 0, id: empty, id_length: 0, name: empty, name_length: 0)
}

/// Hands an event step to the caller: 1 with the event, 0 at the end, the error code on failure.
private func deliver(_ step: CallStream.EventStep, _ event: UnsafeMutablePointer<tracia_event>, _ function: StaticString) -> Int32 {
    switch step {
    case .event(let e):
        if e.kind == .toolCallStart {
            event.pointee = tracia_event(
                type: e.kind.rawValue, index: e.index, data: empty, length: 0, id: e.data, id_length: e.count, name: e.name ?? empty,
                name_length: e.nameCount)
        } else {
            event.pointee = tracia_event(
                type: e.kind.rawValue, index: e.index, data: e.data, length: e.count, id: empty, id_length: 0, name: empty,
                name_length: 0)
        }
        return 1
    case .end:
        event.pointee = noEvent
        return 0
    case .failed(let error):
        event.pointee = noEvent
        LastError.set(error)
        return error.code.rawValue
    case .wrongMode:
        event.pointee = noEvent
        return readModeMisuse(function, other: "tracia_stream_next")
    }
}

@_cdecl("tracia_stream_fd")
public func tracia_stream_fd(_ stream: OpaquePointer?) -> Int32 {
    guard let handle = Handle.borrow(stream, as: StreamHandle.self) else {
        return LastError.fail(.misuse, "tracia_stream_fd: stream is NULL")
    }
    return handle.stream.readyFD
}

@_cdecl("tracia_stream_done_fd")
public func tracia_stream_done_fd(_ stream: OpaquePointer?) -> Int32 {
    guard let handle = Handle.borrow(stream, as: StreamHandle.self) else {
        return LastError.fail(.misuse, "tracia_stream_done_fd: stream is NULL")
    }
    do { return try handle.stream.doneFD } catch { return LastError.fail(error.code, error.message) }
}

@_cdecl("tracia_stream_abort")
public func tracia_stream_abort(_ stream: OpaquePointer?) {
    Handle.borrow(stream, as: StreamHandle.self)?.stream.abort()
}

@_cdecl("tracia_stream_result")
public func tracia_stream_result(_ stream: OpaquePointer?) -> UnsafeMutablePointer<CChar>? {
    guard let handle = Handle.borrow(stream, as: StreamHandle.self) else {
        _ = LastError.fail(.misuse, "tracia_stream_result: stream is NULL")
        return nil
    }
    return handle.stream.waitForResult().jsonCString()
}

@_cdecl("tracia_stream_free")
public func tracia_stream_free(_ stream: OpaquePointer?) {
    guard let stream, let handle = Handle.borrow(stream, as: StreamHandle.self) else { return }
    handle.stream.abort()
    Handle.release(stream, as: StreamHandle.self)
}

@_cdecl("tracia_last_error")
public func tracia_last_error() -> UnsafePointer<CChar> { LastError.current }

@_cdecl("tracia_strerror")
public func tracia_strerror(_ code: Int32) -> UnsafePointer<CChar> {
    let entry = ABIStatus(rawValue: code)?.entry ?? (ErrorCode(rawValue: code) ?? .unknown).entry
    return StaticText.pointer(entry.name)
}

@_cdecl("tracia_free")
public func tracia_free(_ pointer: UnsafeMutableRawPointer?) { free(pointer) }

@_cdecl("tracia_version")
public func tracia_version() -> UnsafePointer<CChar> { StaticText.pointer(TraciaVersion.text) }

@_cdecl("tracia_version_number")
public func tracia_version_number() -> Int32 { Int32(TraciaVersion.number) }

/// Text from the caller, which must be valid UTF-8: it is rejected, never silently repaired.
func utf8(_ text: UnsafePointer<CChar>, _ name: String) throws(TraciaError) -> String {
    guard let string = String(validatingCString: text) else { throw TraciaError(.invalidRequest, "\(name) is not valid UTF-8") }
    return string
}
