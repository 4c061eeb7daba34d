import TakeSenseKit
import Director
import Foundation

/// One take in a store: keyed by the file's content hash and the analyser's fingerprint.
public struct TakeRecord: Sendable, Equatable {
    public enum Status: String, Sendable, Codable { case done, failed }

    /// Short stable id (hex) from the content hash and the fingerprint: the take's address in the on-set API.
    public var id: String
    public var contentHash: String
    public var fingerprint: String
    /// The path the take was found at (as given, or under the folder given).
    public var path: String
    public var status: Status
    /// One line naming the file and the problem (failed takes).
    public var error: String?
    /// The full analysis JSON (analyze's one-take schema), for done takes.
    public var analysisJSON: String?
    public var decision: String?
    /// Footage length in seconds (when the container said).
    public var footageSeconds: Double?
    /// Wall time the analysis took.
    public var analysisSeconds: Double
    public var finishedAt: Date
    /// host:pid of the process that analysed it.
    public var worker: String
    /// How many times this (content, fingerprint) was analysed: more than 1 means work was done twice.
    public var analyses: Int

    public init(contentHash: String, fingerprint: String, path: String, status: Status, error: String? = nil,
                analysisJSON: String? = nil, decision: String? = nil, footageSeconds: Double? = nil, analysisSeconds: Double,
                finishedAt: Date = Date(), worker: String = TakeRecord.thisWorker, analyses: Int = 1) {
        self.id = TakeRecord.id(contentHash: contentHash, fingerprint: fingerprint)
        self.contentHash = contentHash
        self.fingerprint = fingerprint
        self.path = path
        self.status = status
        self.error = error
        self.analysisJSON = analysisJSON
        self.decision = decision
        self.footageSeconds = footageSeconds
        self.analysisSeconds = analysisSeconds
        self.finishedAt = finishedAt
        self.worker = worker
        self.analyses = analyses
    }

    public static func id(contentHash: String, fingerprint: String) -> String {
        String(ContentHash.hex(Data("\(contentHash)\n\(fingerprint)".utf8)).prefix(16))
    }

    public static var thisWorker: String { "\(ProcessInfo.processInfo.hostName):\(getpid())" }

    /// The stored analysis, decoded.
    public func analysis() throws -> TakeAnalysis? {
        guard let analysisJSON else { return nil }
        let decoder = JSONDecoder()
        return try decoder.decode(TakeAnalysis.self, from: Data(analysisJSON.utf8))
    }
}

/// Where finished takes are kept: each take committed on its own, so a killed run loses only the takes in
/// progress. Two implementations with the same schema and semantics: SQLite (one machine) and PostgreSQL
/// (many machines writing at once).
public protocol TakeStore: Sendable {
    /// The store as the user named it (path or URL without password).
    var location: String { get }
    /// The record of these bytes analysed with these settings and models, if any.
    func record(contentHash: String, fingerprint: String) async throws -> TakeRecord?
    /// The record with this id (`TakeRecord.id`).
    func record(id: String) async throws -> TakeRecord?
    /// Inserts or replaces the record of (content hash, fingerprint) in its own transaction; replacing adds
    /// the stored `analyses` count to the new one.
    func save(_ record: TakeRecord) async throws
    /// Every record, oldest first.
    func records() async throws -> [TakeRecord]
    /// A number that changes whenever a record is saved (for live pages).
    func revision() async throws -> Int64
    func close() async throws
}

public extension TakeStore {
    /// The newest record of each take's bytes (several fingerprints: the latest analysis wins), by path.
    func latestPerTake() async throws -> [TakeRecord] {
        var newest: [String: TakeRecord] = [:]
        for r in try await records() where newest[r.contentHash].map({ $0.finishedAt <= r.finishedAt }) ?? true {
            newest[r.contentHash] = r
        }
        return newest.values.sorted { ($0.path, $0.contentHash) < ($1.path, $1.contentHash) }
    }
}

/// A store that could not be opened or used: one line naming it.
public struct StoreError: Error, CustomStringConvertible, Sendable {
    public var location: String
    public var reason: String
    public init(_ location: String, _ reason: String) {
        self.location = location
        self.reason = reason.split(whereSeparator: \.isNewline).joined(separator: " ")
    }
    public var description: String { "\(location): \(reason)" }
}

/// The store's identity, written in its own table: a file or database holding anything else is refused.
enum StoreSchema {
    static let format = "takesense-dailies"
    static let version = 1
    static let metaTable = "takesense_store"
    static let takesTable = "takesense_takes"
}

public enum TakeStores {
    /// `postgres://` or `postgresql://` URLs open the shared PostgreSQL store; anything else is an SQLite file.
    public static func open(_ location: String) async throws -> any TakeStore {
        if location.hasPrefix("postgres://") || location.hasPrefix("postgresql://") {
            return try await PostgresTakeStore.open(url: location)
        }
        return try SQLiteTakeStore(path: location)
    }
}

