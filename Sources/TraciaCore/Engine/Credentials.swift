/// What authenticates a call beyond an API key: a token or AWS keys, and when it stops working.
struct Credential: Sendable, Equatable {
    enum Value: Sendable, Equatable {
        /// `Authorization: Bearer <token>` (Google OAuth, Azure Entra ID).
        case bearer(String)
        /// Keys a request is signed with (SigV4).
        case aws(AWSCredentials)
    }

    var value: Value
    /// `Clock.nowMS()` after which it must not be used; nil: it does not expire.
    var expiresAtMS: Int64?

    /// What to scrub from anything a call that used it reports.
    var secrets: [String] {
        switch value {
        case .bearer(let token): [token]
        case .aws(let keys): [keys.secretAccessKey, keys.sessionToken].compactMap { $0 }
        }
    }
}

/// Where a provider's credentials come from when getting them takes I/O: a token exchange, a
/// metadata server, a helper process.
protocol CredentialSource: Sendable {
    /// Sources with equal keys share one cache entry in the client.
    var cacheKey: String { get }
    /// A cached credential with less than this left is refreshed in the background…
    var refreshAheadMS: Int64 { get }
    /// …and with less than this left it is no longer used: calls wait for a fresh one.
    var mandatoryRefreshMS: Int64 { get }
    /// Fetches a fresh credential; runs on the engine thread and calls `done` once, on it.
    func fetch(using fetcher: CredentialFetcher, done: @escaping (Result<Credential, TraciaError>) -> Void)
}

/// The credentials of one client's calls, by source: each fetched once however many calls wait
/// for it, refreshed ahead of expiry while calls go on using the one they have. Engine thread only.
final class CredentialCache {
    typealias Completion = (Result<Credential, TraciaError>) -> Void

    private struct Entry {
        var credential: Credential?
        /// When the fetch of the credential started, to tell how long it was given for.
        var fetchedAtMS: Int64 = 0
        var fetchStartedMS: Int64 = 0
        var fetching = false
        var waiters: [Completion] = []
    }

    private var entries: [String: Entry] = [:]
    private let fetcher: CredentialFetcher

    init(fetcher: CredentialFetcher) { self.fetcher = fetcher }

    /// Calls `done` with a usable credential: at once when the cache has one, else after a fetch.
    func credential(from source: any CredentialSource, now: Int64 = Clock.nowMS(), _ done: @escaping Completion) {
        let key = source.cacheKey
        var entry = entries[key] ?? Entry()
        if let credential = entry.credential {
            let left = credential.expiresAtMS.map { $0.saturatingSubtracting(now) } ?? .max
            if left > source.mandatoryRefreshMS {
                // A credential that comes with less time than the advisory window (a
                // metadata server's short-lived token) would start a refresh on every call: it
                // is refreshed halfway between its arrival and the mandatory bound instead.
                let lifetime = credential.expiresAtMS.map { $0.saturatingSubtracting(entry.fetchedAtMS) } ?? .max
                let advisory =
                    lifetime > source.refreshAheadMS
                    ? source.refreshAheadMS
                    : source.mandatoryRefreshMS + max(0, lifetime - source.mandatoryRefreshMS) / 2
                if left <= advisory && !entry.fetching { startFetch(source, now: now) }
                return done(.success(credential))
            }
        }
        entry.waiters.append(done)
        entries[key] = entry
        if !entry.fetching { startFetch(source, now: now) }
    }

    /// Forgets `credential` (a provider refused it), unless a newer one replaced it already.
    func invalidate(_ credential: Credential, of source: any CredentialSource) {
        if entries[source.cacheKey]?.credential == credential { entries[source.cacheKey]?.credential = nil }
    }

    private func startFetch(_ source: any CredentialSource, now: Int64) {
        let key = source.cacheKey
        entries[key, default: Entry()].fetching = true
        entries[key, default: Entry()].fetchStartedMS = now
        source.fetch(using: fetcher) { [self] result in
            var entry = entries[key] ?? Entry()
            entry.fetching = false
            if case .success(let credential) = result {
                entry.credential = credential
                entry.fetchedAtMS = entry.fetchStartedMS
            }
            let waiters = entry.waiters
            entry.waiters = []
            entries[key] = entry
            for waiter in waiters { waiter(result) }
        }
    }
}
