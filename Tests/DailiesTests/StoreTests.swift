import Dailies
import Foundation
import Testing

/// The store contract, run against every implementation: the same tests for SQLite and PostgreSQL.
enum StoreContract {
    static func record(_ n: Int, fingerprint: String = "fp1", status: TakeRecord.Status = .done, at t: Double = 1000) -> TakeRecord {
        TakeRecord(contentHash: String(repeating: "\(n % 10)", count: 64), fingerprint: fingerprint, path: "day1/take\(n).mov", status: status,
                   error: status == .failed ? "day1/take\(n).mov: not a media file" : nil,
                   analysisJSON: status == .done ? "{\"take\": \"day1/take\(n).mov\"}" : nil, decision: status == .done ? "keep" : nil,
                   footageSeconds: 12.5, analysisSeconds: 3.25, finishedAt: Date(timeIntervalSince1970: t), worker: "test:1")
    }

    static func roundTrip(_ open: () async throws -> any TakeStore) async throws {
        let store = try await open()
        #expect(try await store.records().isEmpty)
        let r0 = try await store.revision()
        let a = record(1), b = record(2, status: .failed, at: 1001)
        try await store.save(a)
        try await store.save(b)
        #expect(try await store.revision() > r0)
        #expect(try await store.record(contentHash: a.contentHash, fingerprint: "fp1") == a)
        #expect(try await store.record(contentHash: a.contentHash, fingerprint: "fp2") == nil)
        #expect(try await store.record(id: b.id) == b)
        #expect(try await store.records() == [a, b])
        // Saving the same key again replaces it and counts the second analysis.
        var again = a
        again.finishedAt = Date(timeIntervalSince1970: 1002)
        try await store.save(again)
        let stored = try #require(try await store.record(id: a.id))
        #expect(stored.analyses == 2 && stored.finishedAt == again.finishedAt)
        #expect(try await store.records().count == 2)
        try await store.close()
        // Committed means on disk (or in the server): a new connection sees it all.
        let reopened = try await open()
        #expect(try await reopened.records().map(\.id) == [b.id, a.id])
        try await reopened.close()
    }

    static func newestPerTake(_ open: () async throws -> any TakeStore) async throws {
        let store = try await open()
        try await store.save(record(3, fingerprint: "old", at: 10))
        try await store.save(record(3, fingerprint: "new", at: 20))
        try await store.save(record(4, fingerprint: "old", at: 15))
        let latest = try await store.latestPerTake()
        #expect(latest.map(\.fingerprint) == ["new", "old"])
        #expect(latest.map(\.path) == ["day1/take3.mov", "day1/take4.mov"])
        try await store.close()
    }

    /// Two connections saving at once (two machines of an array): every take lands once.
    static func concurrentWriters(_ open: @escaping @Sendable () async throws -> any TakeStore) async throws {
        let first = try await open(), second = try await open()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for n in 0..<20 {
                let store = n % 2 == 0 ? first : second
                group.addTask {
                    var r = record(n, at: Double(n))
                    r.contentHash = String(format: "%064x", n)
                    r.id = TakeRecord.id(contentHash: r.contentHash, fingerprint: r.fingerprint)
                    try await store.save(r)
                }
            }
            try await group.waitForAll()
        }
        let all = try await first.records()
        #expect(all.count == 20 && Set(all.map(\.id)).count == 20 && all.allSatisfy { $0.analyses == 1 })
        try await first.close()
        try await second.close()
    }
}

@Suite("SQLite take store")
struct SQLiteStoreTests {
    func freshPath() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("takesense-store-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir.appendingPathComponent("day.takesense").path
    }

    @Test("Records round-trip, re-saving counts the analyses, a reopened store has every commit")
    func roundTrip() async throws {
        let path = try freshPath()
        try await StoreContract.roundTrip { try await TakeStores.open(path) }
    }

    @Test("The newest analysis of each take's bytes is the one reported")
    func newest() async throws {
        let path = try freshPath()
        try await StoreContract.newestPerTake { try await TakeStores.open(path) }
    }

    @Test("Two connections writing at once lose nothing (WAL)")
    func concurrent() async throws {
        let path = try freshPath()
        try await StoreContract.concurrentWriters { try await TakeStores.open(path) }
    }

    @Test("A foreign or corrupt file is a one-line error and is left untouched")
    func foreignFiles() async throws {
        let dir = URL(fileURLWithPath: try freshPath()).deletingLastPathComponent()
        let text = dir.appendingPathComponent("notes.txt")
        try Data("call sheet, day 1\n".utf8).write(to: text)
        await #expect { try await TakeStores.open(text.path) } throws: { error in
            "\(error)".hasPrefix(text.path) && "\(error)".contains("not a TakeSense store") && !"\(error)".contains("\n")
        }
        #expect(try String(contentsOf: text, encoding: .utf8) == "call sheet, day 1\n")

        // Another program's SQLite database (made by the sqlite3 file format itself through a store of ours renamed).
        let other = dir.appendingPathComponent("other.db")
        let sqlite = Process()
        sqlite.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        sqlite.arguments = ["-c", "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute('create table clips(id)'); c.commit()", other.path]
        try sqlite.run()
        sqlite.waitUntilExit()
        let before = try Data(contentsOf: other)
        await #expect { try await TakeStores.open(other.path) } throws: { error in
            "\(error)".contains("not a TakeSense store") && "\(error)".contains("clips")
        }
        #expect(try Data(contentsOf: other) == before)

        // A store whose header was overwritten (corrupt).
        let corrupt = dir.appendingPathComponent("corrupt.takesense")
        let store = try await TakeStores.open(corrupt.path)
        try await store.save(StoreContract.record(1))
        try await store.close()
        var bytes = try Data(contentsOf: corrupt)
        bytes.replaceSubrange(0..<16, with: Data(repeating: 0x41, count: 16))
        try bytes.write(to: corrupt)
        await #expect { try await TakeStores.open(corrupt.path) } throws: { "\($0)".contains("not a TakeSense store") }
        #expect(try Data(contentsOf: corrupt) == bytes)
    }
}

/// Set by Scripts/with-postgres.sh (which `.ci/run` uses): a throw-away cluster on loopback.
enum TestPostgres {
    static let url = ProcessInfo.processInfo.environment["TAKESENSE_TEST_POSTGRES"]

    /// A new empty database on the test cluster, for one test.
    static func freshDatabase() throws -> String {
        let base = try #require(url)
        let name = "t_\(UUID().uuidString.prefix(8).lowercased())"
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/psql")
        p.arguments = [base, "-q", "-c", "CREATE DATABASE \(name)"]
        try p.run()
        p.waitUntilExit()
        try #require(p.terminationStatus == 0, "psql could not create a database on \(base)")
        return String(base.dropLast("/takesense".count)) + "/\(name)"
    }

    static func psql(_ url: String, _ sql: String) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/psql")
        p.arguments = [url, "-q", "-c", sql]
        try p.run()
        p.waitUntilExit()
    }
}

@Suite("PostgreSQL take store", .enabled(if: TestPostgres.url != nil,
                                          "TAKESENSE_TEST_POSTGRES is not set: run under Scripts/with-postgres.sh (as .ci/run does)"))
struct PostgresStoreTests {
    @Test("Records round-trip, re-saving counts the analyses, a reopened store has every commit")
    func roundTrip() async throws {
        let url = try TestPostgres.freshDatabase()
        try await StoreContract.roundTrip { try await TakeStores.open(url) }
    }

    @Test("The newest analysis of each take's bytes is the one reported")
    func newest() async throws {
        let url = try TestPostgres.freshDatabase()
        try await StoreContract.newestPerTake { try await TakeStores.open(url) }
    }

    @Test("Two connections writing at once lose nothing")
    func concurrent() async throws {
        let url = try TestPostgres.freshDatabase()
        try await StoreContract.concurrentWriters { try await TakeStores.open(url) }
    }

    @Test("A database whose takesense tables are someone else's is refused, untouched; no server is a one-line error")
    func foreign() async throws {
        let url = try TestPostgres.freshDatabase()
        try TestPostgres.psql(url, "CREATE TABLE takesense_store (name TEXT); INSERT INTO takesense_store VALUES ('mine')")
        await #expect { try await TakeStores.open(url) } throws: { "\($0)".contains("not a TakeSense store") }
        let nobody = "postgres://takesense@127.0.0.1:1/takesense"
        await #expect { try await TakeStores.open(nobody) } throws: { error in
            "\(error)".hasPrefix("postgres://takesense@127.0.0.1:1/takesense") && !"\(error)".contains("\n")
        }
    }
}
