import Foundation
import Logging
import PostgresNIO

/// The store in a PostgreSQL database shared by many machines (`--store postgres://user[:pass]@host[:port]/db`,
/// `?host=/run/postgresql` for a UNIX socket): the same tables and semantics as the SQLite store. The tables
/// are created once under an advisory lock, so an array of jobs starting together doesn't race.
public final class PostgresTakeStore: TakeStore {
    public let location: String
    private let client: PostgresClient
    private let runner: Task<Void, Never>

    private init(location: String, client: PostgresClient) {
        self.location = location
        self.client = client
        runner = Task { await client.run() }
    }

    public static func open(url text: String) async throws -> PostgresTakeStore {
        guard let url = URLComponents(string: text), let scheme = url.scheme, ["postgres", "postgresql"].contains(scheme) else {
            throw StoreError(text, "not a PostgreSQL URL (postgres://user@host:port/database)")
        }
        var shown = url
        shown.password = shown.password.map { _ in "***" }
        let location = shown.string ?? "postgres://"
        let user = url.user ?? ProcessInfo.processInfo.environment["USER"] ?? "postgres"
        let database = url.path.isEmpty || url.path == "/" ? user : String(url.path.dropFirst())
        let socketHost = url.queryItems?.first { $0.name == "host" }?.value
        let configuration: PostgresClient.Configuration, probe: PostgresConnection.Configuration
        if let socketHost, socketHost.hasPrefix("/") {
            let socket = "\(socketHost)/.s.PGSQL.\(url.port ?? 5432)"
            configuration = .init(unixSocketPath: socket, username: user, password: url.password, database: database)
            probe = .init(unixSocketPath: socket, username: user, password: url.password, database: database)
        } else {
            let host = url.host ?? "127.0.0.1", port = url.port ?? 5432
            configuration = .init(host: host, port: port, username: user, password: url.password, database: database, tls: .disable)
            probe = .init(host: host, port: port, username: user, password: url.password, database: database, tls: .disable)
        }
        // One plain connection first: the pool retries a refused connection or login quietly, this says why at once.
        do {
            let connection = try await PostgresConnection.connect(configuration: probe, id: 0, logger: Logger(label: "takesense.store"))
            try await connection.close()
        } catch {
            throw StoreError(location, "cannot connect: \(reason(error))")
        }
        let store = PostgresTakeStore(location: location, client: PostgresClient(configuration: configuration))
        do {
            try await store.timed(seconds: 20, "connecting") { try await store.prepare() }
        } catch {
            try? await store.close()
            throw error
        }
        return store
    }

    /// One line out of a PostgreSQL error (its server message when there is one).
    static func reason(_ error: any Error) -> String {
        if let e = error as? StoreError { return e.reason }
        if let e = error as? PostgresTransactionError, let inner = e.closureError ?? e.beginError ?? e.commitError ?? e.rollbackError {
            return reason(inner)
        }
        if let e = error as? PSQLError {
            if let message = e.serverInfo?[.message] { return message }
            if let underlying = e.underlying { return "\(e.code): \(underlying)" }
            return "\(e.code)"
        }
        return "\(error)"
    }

    private func timed<T: Sendable>(seconds: Double, _ what: String, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        let location = self.location
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await Task.sleep(nanoseconds: UInt64(seconds * 1e9))
                return nil
            }
            defer { group.cancelAll() }
            do {
                guard let first = try await group.next(), let value = first else {
                    throw StoreError(location, "no answer from PostgreSQL after \(Int(seconds)) s (\(what))")
                }
                return value
            } catch let e as StoreError { throw e } catch {
                throw StoreError(location, Self.reason(error))
            }
        }
    }

    private func prepare() async throws {
        let location = self.location
        try await client.withTransaction(logger: Logger(label: "takesense.store")) { c in
            _ = try await c.query("SELECT pg_advisory_xact_lock(7316160901)", logger: Logger(label: "takesense.store"))
            let exists = try await c.query("SELECT to_regclass('takesense_store') IS NOT NULL", logger: Logger(label: "takesense.store"))
                .collect().first?.decode(Bool.self) ?? false
            if !exists {
                if try await c.query("SELECT to_regclass('takesense_takes') IS NOT NULL", logger: Logger(label: "takesense.store"))
                    .collect().first?.decode(Bool.self) == true {
                    throw StoreError(location, "not a TakeSense store (a takesense_takes table without takesense_store); refusing to touch it")
                }
                for statement in [
                    "CREATE TABLE takesense_store (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
                    "INSERT INTO takesense_store VALUES ('format', '\(StoreSchema.format)'), ('version', '\(StoreSchema.version)')",
                    "CREATE SEQUENCE takesense_revision",
                    """
                    CREATE TABLE takesense_takes (
                        id TEXT NOT NULL UNIQUE,
                        content_hash TEXT NOT NULL,
                        fingerprint TEXT NOT NULL,
                        path TEXT NOT NULL,
                        status TEXT NOT NULL CHECK (status IN ('done', 'failed')),
                        error TEXT,
                        analysis TEXT,
                        decision TEXT,
                        footage_seconds DOUBLE PRECISION,
                        analysis_seconds DOUBLE PRECISION NOT NULL,
                        finished_at DOUBLE PRECISION NOT NULL,
                        worker TEXT NOT NULL,
                        analyses INTEGER NOT NULL,
                        revision BIGINT NOT NULL,
                        PRIMARY KEY (content_hash, fingerprint)
                    )
                    """,
                ] {
                    _ = try await c.query(PostgresQuery(unsafeSQL: statement), logger: Logger(label: "takesense.store"))
                }
                return
            }
            var format: String?, version: String?
            do {
                for try await (key, value) in try await c.query("SELECT key, value FROM takesense_store", logger: Logger(label: "takesense.store"))
                    .decode((String, String).self) {
                    if key == "format" { format = value }
                    if key == "version" { version = value }
                }
            } catch {
                throw StoreError(location, "not a TakeSense store (its takesense_store table is someone else's: \(Self.reason(error))); refusing to touch it")
            }
            guard format == StoreSchema.format else {
                throw StoreError(location, "not a TakeSense store (its takesense_store table is someone else's); refusing to touch it")
            }
            guard version == String(StoreSchema.version) else {
                throw StoreError(location, "a TakeSense store of version \(version ?? "?"), this takesense reads version \(StoreSchema.version)")
            }
        }
    }

    private static let columns = "id, content_hash, fingerprint, path, status, error, analysis, decision, footage_seconds, "
        + "analysis_seconds, finished_at, worker, analyses"

    private static func decode(_ row: PostgresRow) throws -> TakeRecord {
        let c = row.makeRandomAccess()
        guard let status = TakeRecord.Status(rawValue: try c["status"].decode(String.self)) else { throw StoreError("", "bad status") }
        var r = TakeRecord(contentHash: try c["content_hash"].decode(String.self), fingerprint: try c["fingerprint"].decode(String.self),
                           path: try c["path"].decode(String.self), status: status, error: try c["error"].decode(String?.self),
                           analysisJSON: try c["analysis"].decode(String?.self), decision: try c["decision"].decode(String?.self),
                           footageSeconds: try c["footage_seconds"].decode(Double?.self),
                           analysisSeconds: try c["analysis_seconds"].decode(Double.self),
                           finishedAt: Date(timeIntervalSince1970: try c["finished_at"].decode(Double.self)),
                           worker: try c["worker"].decode(String.self), analyses: Int(try c["analyses"].decode(Int32.self)))
        r.id = try c["id"].decode(String.self)
        return r
    }

    private func rows(_ query: PostgresQuery) async throws -> [TakeRecord] {
        let client = self.client
        return try await timed(seconds: 120, "query") {
            try await client.query(query).collect().map(Self.decode)
        }
    }

    public func record(contentHash: String, fingerprint: String) async throws -> TakeRecord? {
        try await rows("SELECT \(unescaped: Self.columns) FROM takesense_takes WHERE content_hash = \(contentHash) AND fingerprint = \(fingerprint)").first
    }

    public func record(id: String) async throws -> TakeRecord? {
        try await rows("SELECT \(unescaped: Self.columns) FROM takesense_takes WHERE id = \(id)").first
    }

    public func save(_ r: TakeRecord) async throws {
        let client = self.client
        let analyses = Int32(r.analyses)
        _ = try await timed(seconds: 120, "saving a take") {
            try await client.query("""
                INSERT INTO takesense_takes (\(unescaped: Self.columns), revision) VALUES
                    (\(r.id), \(r.contentHash), \(r.fingerprint), \(r.path), \(r.status.rawValue), \(r.error), \(r.analysisJSON), \(r.decision),
                     \(r.footageSeconds), \(r.analysisSeconds), \(r.finishedAt.timeIntervalSince1970), \(r.worker), \(analyses),
                     nextval('takesense_revision'))
                ON CONFLICT (content_hash, fingerprint) DO UPDATE SET
                    path = excluded.path, status = excluded.status, error = excluded.error, analysis = excluded.analysis,
                    decision = excluded.decision, footage_seconds = excluded.footage_seconds,
                    analysis_seconds = excluded.analysis_seconds, finished_at = excluded.finished_at, worker = excluded.worker,
                    analyses = takesense_takes.analyses + excluded.analyses, revision = excluded.revision
                """).collect()
        }
    }

    public func records() async throws -> [TakeRecord] {
        try await rows("SELECT \(unescaped: Self.columns) FROM takesense_takes ORDER BY finished_at, id")
    }

    public func revision() async throws -> Int64 {
        let client = self.client
        return try await timed(seconds: 60, "query") {
            try await client.query("SELECT COALESCE(MAX(revision), 0)::BIGINT FROM takesense_takes").collect().first?.decode(Int64.self) ?? 0
        }
    }

    public func close() async throws {
        runner.cancel()
        _ = await runner.value
    }
}
