import Glibc
import TraciaCore

// The C ABI of tracia_request: Tracia API calls and embeddings.

/// What a `tracia_request *` points at.
final class RequestHandle {
    let request: PendingRequest
    init(_ request: PendingRequest) { self.request = request }
}

private func start(
    _ client: OpaquePointer?, _ json: UnsafePointer<CChar>?, _ function: String,
    _ run: (TraciaClient, String) throws(TraciaError) -> PendingRequest
) -> OpaquePointer? {
    guard let handle = Handle.borrow(client, as: ClientHandle.self) else {
        _ = LastError.fail(.misuse, "\(function): client is NULL")
        return nil
    }
    guard let json else {
        _ = LastError.fail(.invalidRequest, "\(function): request_json is NULL")
        return nil
    }
    do throws(TraciaError) {
        return Handle.make(RequestHandle(try run(handle.client, try utf8(json, "request_json"))))
    } catch {
        LastError.set(error)
        return nil
    }
}

@_cdecl("tracia_api_request")
public func tracia_api_request(_ client: OpaquePointer?, _ requestJSON: UnsafePointer<CChar>?) -> OpaquePointer? {
    start(client, requestJSON, "tracia_api_request") { (c, json) throws(TraciaError) in try c.apiCall(json: json) }
}

@_cdecl("tracia_run_embedding")
public func tracia_run_embedding(_ client: OpaquePointer?, _ requestJSON: UnsafePointer<CChar>?) -> OpaquePointer? {
    start(client, requestJSON, "tracia_run_embedding") { (c, json) throws(TraciaError) in try c.runEmbedding(json: json) }
}

@_cdecl("tracia_request_fd")
public func tracia_request_fd(_ request: OpaquePointer?) -> Int32 {
    guard let handle = Handle.borrow(request, as: RequestHandle.self) else {
        return LastError.fail(.misuse, "tracia_request_fd: request is NULL")
    }
    return handle.request.readyFD
}

@_cdecl("tracia_request_abort")
public func tracia_request_abort(_ request: OpaquePointer?) {
    Handle.borrow(request, as: RequestHandle.self)?.request.abort()
}

@_cdecl("tracia_request_result")
public func tracia_request_result(_ request: OpaquePointer?) -> UnsafeMutablePointer<CChar>? {
    guard let handle = Handle.borrow(request, as: RequestHandle.self) else {
        _ = LastError.fail(.misuse, "tracia_request_result: request is NULL")
        return nil
    }
    switch handle.request.waitForResult() {
    case .success(let json): return strdup(json)
    case .failure(let error):
        LastError.set(error)
        return nil
    }
}

@_cdecl("tracia_request_free")
public func tracia_request_free(_ request: OpaquePointer?) {
    guard let request, let handle = Handle.borrow(request, as: RequestHandle.self) else { return }
    handle.request.abort()
    Handle.release(request, as: RequestHandle.self)
}
