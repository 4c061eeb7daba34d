import Dailies
import Foundation

/// `takesense watch` as a library call: each take the recorder finishes in a folder is analysed into a store
/// (a `BatchRunner` over that one take, so a take already in the store is not analysed again), and the on-set
/// page is optionally served from that store, until cancelled.
public struct OnSetWatch: Sendable {
    /// `takesense watch --help`'s explanation of when a take is analysed and what the page serves.
    public static let about = """
    A take is analysed once its size has not changed for --stable seconds and its container opens with a video \
    stream (recorders write files over minutes). Takes already in the store (same bytes, settings and models) \
    are not analysed again, so stopping and restarting resumes. --serve HOST:PORT serves GET / (the page for \
    the video-assist screen, updated by server-sent events), /events, /api/takes, /api/takes/{id} and \
    /reports/{id}.html, from the store only. It binds 127.0.0.1 unless told otherwise; any other address needs \
    --token, which every request must then carry (Authorization: Bearer TOKEN, or ?token=TOKEN in the page's URL).
    """

    public var watcher: FolderWatcher
    /// The store's location: an SQLite file or a postgres:// URL.
    public var store: String
    public var serve: (host: String, port: Int)?
    public var token: String?

    /// Refuses a folder that does not exist. The store defaults to `.takesense-dailies.sqlite` in the folder.
    public init(folder: String, store: String?, stableSeconds: Double, serve: (host: String, port: Int)?, token: String?) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw StoreError(folder, "no such folder")
        }
        watcher = FolderWatcher(folder: folder, stableSeconds: stableSeconds)
        self.store = store ?? (folder as NSString).appendingPathComponent(".takesense-dailies.sqlite")
        self.serve = serve
        self.token = token
    }

    /// `HOST:PORT` (an empty host is 127.0.0.1; an IPv6 host may be bracketed), nil when it is not one.
    public static func hostPort(_ text: String) -> (host: String, port: Int)? {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port) else {
            return nil
        }
        let host = String(text[..<colon]).trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        return (host.isEmpty ? "127.0.0.1" : host, port)
    }

    /// Watches, analyses and serves until cancelled or until the watcher or the server fails. `log` gets one line
    /// per event: where it watches and serves, each analysed take's decision or error.
    public func run(analyzer: any TakeAnalyzing, log: @escaping @Sendable (String) -> Void) async throws {
        let store = try await TakeStores.open(self.store)
        let server = try serve.map { try OnSetServer(store: store, host: $0.host, port: $0.port, token: token) }
        log("watching \(watcher.folder) → \(TakeStores.shown(self.store))")
        let runner = BatchRunner(store: store, analyzer: analyzer)
        try await withThrowingTaskGroup(of: Void.self) { [watcher] group in
            if let server {
                group.addTask {
                    try await server.run { port in log("serving http://\(server.host):\(port)/") }
                }
            }
            group.addTask {
                try await watcher.run { take in
                    do {
                        let summary = try await runner.run([take])
                        if summary.analysed + summary.failed > 0, let r = try await store.records().last(where: { $0.path == take.path }) {
                            log("\(take.path): \(r.status == .done ? (r.decision ?? "?").uppercased() : "FAILED: \(r.error ?? "")")")
                        }
                    } catch {
                        log("error: \(error)")
                    }
                }
            }
            try await group.next()
            group.cancelAll()
        }
    }
}
