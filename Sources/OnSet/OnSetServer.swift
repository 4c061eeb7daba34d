import Dailies
import Foundation
import Hummingbird
import NIOCore

/// The page on the video-assist screen, served from a store: `/` (newest take first, big decision, reasons,
/// spans with source timecode, face/voice emotion, link to the report), `/events` (server-sent events when
/// the store changes), `/api/takes`, `/api/takes/{id}`, `/reports/{id}.html`. Only the store's records are
/// served: no route reads a file. With a token, every request must carry it (`Authorization: Bearer T` or
/// `?token=T`, which the page passes on to its own requests).
public struct OnSetServer: Sendable {
    public var store: any TakeStore
    public var host: String
    public var port: Int
    public var token: String?

    public init(store: any TakeStore, host: String = "127.0.0.1", port: Int = 8080, token: String? = nil) throws {
        let loopback = host == "127.0.0.1" || host == "::1" || host == "localhost" || host.hasPrefix("127.")
        if !loopback, (token ?? "").isEmpty {
            throw StoreError("--serve \(host):\(port)", "serving beyond this machine needs --token (checked on every request)")
        }
        self.store = store
        self.host = host
        self.port = port
        self.token = token
    }

    /// Runs until cancelled; `onRunning` gets the bound port (useful with port 0).
    public func run(onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let router = Router()
        router.add(middleware: TokenCheck(token: token))
        let store = self.store
        router.get("/") { _, _ -> Response in
            let json = String(decoding: try await Self.takesJSON(store), as: UTF8.self)
            return Self.response(OnSetPage.html(takesJSON: json), type: "text/html; charset=utf-8")
        }
        router.get("/api/takes") { _, _ -> Response in
            Self.response(try await Self.takesJSON(store), type: "application/json")
        }
        router.get("/api/takes/:id") { _, context -> Response in
            let id = try context.parameters.require("id")
            guard Self.isID(id), let record = try await store.record(id: id) else { return Self.notFound() }
            return Self.response(try JSONSerialization.data(withJSONObject: Self.apiObject(record), options: [.sortedKeys, .withoutEscapingSlashes]),
                                 type: "application/json")
        }
        router.get("/reports/:file") { _, context -> Response in
            let file = try context.parameters.require("file")
            guard file.hasSuffix(".html") else { return Self.notFound() }
            let id = String(file.dropLast(5))
            guard Self.isID(id), let record = try await store.record(id: id), let html = try DailiesReport.takeReport(record) else {
                return Self.notFound()
            }
            return Self.response(html, type: "text/html; charset=utf-8")
        }
        router.get("/events") { _, _ -> Response in
            var headers = HTTPFields()
            headers[.contentType] = "text/event-stream"
            headers[.cacheControl] = "no-cache"
            return Response(status: .ok, headers: headers, body: ResponseBody { writer in
                var last: Int64 = -1
                var quiet = 0
                while !Task.isCancelled {
                    let revision = (try? await store.revision()) ?? last
                    if revision != last {
                        last = revision
                        try await writer.write(ByteBuffer(string: "event: takes\ndata: \(revision)\n\n"))
                        quiet = 0
                    } else if quiet >= 15 {
                        try await writer.write(ByteBuffer(string: ": keep-alive\n\n"))
                        quiet = 0
                    }
                    quiet += 1
                    try await Task.sleep(nanoseconds: 1_000_000_000)
                }
                try await writer.finish(nil)
            })
        }
        let app = Application(router: router, configuration: .init(address: .hostname(host, port: port), serverName: "takesense"),
                              onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? 0) })
        try await app.runService(gracefulShutdownSignals: [])
    }

    /// `{"takes": [...]}`, newest first.
    static func takesJSON(_ store: any TakeStore) async throws -> Data {
        let items = try await store.records().reversed().map(apiObject)
        return try JSONSerialization.data(withJSONObject: ["takes": items], options: [.sortedKeys, .withoutEscapingSlashes])
    }

    static func isID(_ s: String) -> Bool { s.count == 16 && s.allSatisfy(\.isHexDigit) }

    static func response(_ text: String, type: String) -> Response { response(Data(text.utf8), type: type) }

    static func response(_ data: Data, type: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = type
        headers[.cacheControl] = "no-store"
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func notFound() -> Response {
        Response(status: .notFound, body: ResponseBody(byteBuffer: ByteBuffer(string: "not found\n")))
    }

    /// A take in analyze's one-take schema (with `take` and `verdict`), plus its store id and status.
    static func apiObject(_ r: TakeRecord) -> [String: Any] {
        var object: [String: Any] = [:]
        if let json = r.analysisJSON, let parsed = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any] {
            object = parsed
        }
        object["id"] = r.id
        object["status"] = r.status.rawValue
        object["take"] = object["take"] ?? r.path
        object["report"] = r.status == .done ? "/reports/\(r.id).html" : nil
        if let error = r.error { object["error"] = error }
        object["finished_at"] = r.finishedAt.timeIntervalSince1970
        return object
    }
}

/// Refuses every request without the token (when one is set): 401, nothing else said.
struct TokenCheck<Context: RequestContext>: RouterMiddleware {
    let token: String?

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let token, !token.isEmpty else { return try await next(request, context) }
        let bearer = request.headers[.authorization].map { $0 == "Bearer \(token)" } ?? false
        let query = request.uri.queryParameters.get("token") == token
        guard bearer || query else {
            return Response(status: .unauthorized, body: ResponseBody(byteBuffer: ByteBuffer(string: "a valid token is required\n")))
        }
        return try await next(request, context)
    }
}
