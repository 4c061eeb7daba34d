import Foundation
import GRDB

/// The store in one SQLite file (WAL mode, so several local processes may write and a page may read while a
/// batch runs). A file that is not SQLite, or a database holding other tables, is refused, never replaced.
public final class SQLiteTakeStore: TakeStore {
    public let location: String
    private let pool: DatabasePool

    public init(path: String) throws {
        location = path
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        if fm.fileExists(atPath: path, isDirectory: &isDirectory) {
            if isDirectory.boolValue { throw StoreError(path, "is a folder, not a TakeSense store") }
            // SQLite would take an empty file as a new database; anything else must start with its header.
            let head = (try? FileHandle(forReadingFrom: URL(fileURLWithPath: path)).read(upToCount: 16)) ?? nil
            if let head, !head.isEmpty, head != Data("SQLite format 3\0".utf8) {
                throw StoreError(path, "not a TakeSense store (not an SQLite database); refusing to touch it")
            }
        } else {
            let parent = URL(fileURLWithPath: path).deletingLastPathComponent().path
            guard fm.fileExists(atPath: parent.isEmpty ? "." : parent) else { throw StoreError(path, "no such folder: \(parent)") }
        }
        // Look before opening for writing: opening a pool switches the file to WAL mode, a change to someone else's database.
        if let size = (try? fm.attributesOfItem(atPath: path))?[.size] as? NSNumber, size.intValue > 0 {
            var readOnly = Configuration()
            readOnly.readonly = true
            do {
                let queue = try DatabaseQueue(path: path, configuration: readOnly)
                try queue.read { db in try Self.check(db, path: path) }
                try queue.close()
            } catch let error as StoreError {
                throw error
            } catch {
                throw StoreError(path, "not a TakeSense store (\(Self.reason(error))); refusing to touch it")
            }
        }
        var configuration = Configuration()
        // Several shards on one machine write the same file: wait for the lock rather than fail.
        configuration.busyMode = .timeout(60)
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
        } catch {
            throw StoreError(path, "cannot open the store: \(Self.reason(error))")
        }
        do {
            try pool.barrierWriteWithoutTransaction { db in try Self.prepare(db, path: path) }
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(path, "not a TakeSense store (\(Self.reason(error)))")
        }
    }

    static func reason(_ error: any Error) -> String {
        if let e = error as? DatabaseError { return e.message ?? "\(e.resultCode)" }
        return "\(error)"
    }

    /// Creates the tables in an empty database, or checks that they are TakeSense's.
    private static func prepare(_ db: Database, path: String) throws {
        try db.inTransaction(.immediate) {
            let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
            if tables.isEmpty {
                try db.execute(sql: """
                    CREATE TABLE \(StoreSchema.metaTable) (key TEXT PRIMARY KEY, value TEXT NOT NULL);
                    INSERT INTO \(StoreSchema.metaTable) VALUES ('format', '\(StoreSchema.format)'), ('version', '\(StoreSchema.version)'), ('revision', '0');
                    CREATE TABLE \(StoreSchema.takesTable) (
                        id TEXT NOT NULL UNIQUE,
                        content_hash TEXT NOT NULL,
                        fingerprint TEXT NOT NULL,
                        path TEXT NOT NULL,
                        status TEXT NOT NULL CHECK (status IN ('done', 'failed')),
                        error TEXT,
                        analysis TEXT,
                        decision TEXT,
                        footage_seconds REAL,
                        analysis_seconds REAL NOT NULL,
                        finished_at REAL NOT NULL,
                        worker TEXT NOT NULL,
                        analyses INTEGER NOT NULL,
                        PRIMARY KEY (content_hash, fingerprint)
                    );
                    """)
                return .commit
            }
            try check(db, path: path)
            return .commit
        }
    }

    /// Throws unless the database is empty or a TakeSense store of this version.
    private static func check(_ db: Database, path: String) throws {
        let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        guard !tables.isEmpty else { return }
        do {
            guard tables.contains(StoreSchema.metaTable),
                  let format = try String.fetchOne(db, sql: "SELECT value FROM \(StoreSchema.metaTable) WHERE key = 'format'"),
                  format == StoreSchema.format
            else {
                throw StoreError(path, "not a TakeSense store (a database with tables \(tables.sorted().prefix(5).joined(separator: ", "))); "
                    + "refusing to touch it")
            }
            let version = try String.fetchOne(db, sql: "SELECT value FROM \(StoreSchema.metaTable) WHERE key = 'version'")
            guard version == String(StoreSchema.version), tables.contains(StoreSchema.takesTable) else {
                throw StoreError(path, "a TakeSense store of version \(version ?? "?"), this takesense reads version \(StoreSchema.version)")
            }
        }
    }

    private static let columns = "id, content_hash, fingerprint, path, status, error, analysis, decision, footage_seconds, "
        + "analysis_seconds, finished_at, worker, analyses"

    private static func decode(_ row: Row) throws -> TakeRecord {
        guard let status = TakeRecord.Status(rawValue: row["status"]) else { throw StoreError("", "bad status") }
        var r = TakeRecord(contentHash: row["content_hash"], fingerprint: row["fingerprint"], path: row["path"], status: status,
                           error: row["error"], analysisJSON: row["analysis"], decision: row["decision"],
                           footageSeconds: row["footage_seconds"], analysisSeconds: row["analysis_seconds"],
                           finishedAt: Date(timeIntervalSince1970: row["finished_at"]), worker: row["worker"], analyses: row["analyses"])
        r.id = row["id"]
        return r
    }

    private func wrap<T>(_ body: () async throws -> T) async throws -> T {
        do { return try await body() } catch let e as StoreError { throw e } catch {
            throw StoreError(location, "store error: \(Self.reason(error))")
        }
    }

    public func record(contentHash: String, fingerprint: String) async throws -> TakeRecord? {
        try await wrap {
            try await pool.read { db in
                try Row.fetchOne(db, sql: "SELECT \(Self.columns) FROM \(StoreSchema.takesTable) WHERE content_hash = ? AND fingerprint = ?",
                                 arguments: [contentHash, fingerprint]).map(Self.decode)
            }
        }
    }

    public func record(id: String) async throws -> TakeRecord? {
        try await wrap {
            try await pool.read { db in
                try Row.fetchOne(db, sql: "SELECT \(Self.columns) FROM \(StoreSchema.takesTable) WHERE id = ?", arguments: [id]).map(Self.decode)
            }
        }
    }

    public func save(_ r: TakeRecord) async throws {
        try await wrap {
            try await pool.write { db in
                try db.execute(sql: """
                    INSERT INTO \(StoreSchema.takesTable) (\(Self.columns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (content_hash, fingerprint) DO UPDATE SET
                        path = excluded.path, status = excluded.status, error = excluded.error, analysis = excluded.analysis,
                        decision = excluded.decision, footage_seconds = excluded.footage_seconds,
                        analysis_seconds = excluded.analysis_seconds, finished_at = excluded.finished_at, worker = excluded.worker,
                        analyses = \(StoreSchema.takesTable).analyses + excluded.analyses
                    """, arguments: [r.id, r.contentHash, r.fingerprint, r.path, r.status.rawValue, r.error, r.analysisJSON, r.decision,
                                     r.footageSeconds, r.analysisSeconds, r.finishedAt.timeIntervalSince1970, r.worker, r.analyses])
                try db.execute(sql: "UPDATE \(StoreSchema.metaTable) SET value = CAST(value AS INTEGER) + 1 WHERE key = 'revision'")
            }
        }
    }

    public func records() async throws -> [TakeRecord] {
        try await wrap {
            try await pool.read { db in
                try Row.fetchAll(db, sql: "SELECT \(Self.columns) FROM \(StoreSchema.takesTable) ORDER BY finished_at, id").map(Self.decode)
            }
        }
    }

    public func revision() async throws -> Int64 {
        try await wrap {
            try await pool.read { db in
                try Int64.fetchOne(db, sql: "SELECT CAST(value AS INTEGER) FROM \(StoreSchema.metaTable) WHERE key = 'revision'") ?? 0
            }
        }
    }

    public func close() async throws {
        try pool.close()
    }
}
