import ArgumentParser
import Dailies
import Foundation
import OnSet

/// `takesense watch`: analyse each new take in a folder once it is complete; optionally serve the on-set page.
struct WatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Analyse each take written into a folder once it is complete, into a store; --serve shows the verdicts on a live page.",
        discussion: """
        A take is analysed once its size has not changed for --stable seconds and its container opens with a video \
        stream (recorders write files over minutes). Takes already in the store (same bytes, settings and models) \
        are not analysed again, so stopping and restarting resumes. --serve HOST:PORT serves GET / (the page for \
        the video-assist screen, updated by server-sent events), /events, /api/takes, /api/takes/{id} and \
        /reports/{id}.html, from the store only. It binds 127.0.0.1 unless told otherwise; any other address needs \
        --token, which every request must then carry (Authorization: Bearer TOKEN, or ?token=TOKEN in the page's URL).
        """
    )

    @Argument(help: "The folder the recorder writes takes into (searched recursively).") var folder: String
    @Option(help: "The store (default: DIR/.takesense-dailies.sqlite; or postgres://...).") var store: String?
    @Option(help: "Serve the on-set page on HOST:PORT (e.g. 127.0.0.1:8080).") var serve: String?
    @Option(help: "Token required on every request (needed when serving beyond 127.0.0.1); or TAKESENSE_TOKEN.") var token: String?
    @Option(help: "Seconds a file's size must stay unchanged before it is analysed.") var stable: Double = 3
    @OptionGroup var analysis: AnalysisOptions

    func validate() throws {
        guard stable >= 0.5, stable <= 3600 else { throw ValidationError("--stable must be between 0.5 and 3600 seconds") }
        if let serve { _ = try Self.hostPort(serve) }
    }

    static func hostPort(_ text: String) throws -> (String, Int) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port) else {
            throw ValidationError("--serve must be HOST:PORT (e.g. 127.0.0.1:8080), got '\(text)'")
        }
        let host = String(text[..<colon]).trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        return (host.isEmpty ? "127.0.0.1" : host, port)
    }

    func run() throws {
        acceptTerminationSignals()
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw Failure("\(folder): no such folder")
        }
        let location = store ?? (folder as NSString).appendingPathComponent(".takesense-dailies.sqlite")
        let token = self.token ?? ProcessInfo.processInfo.environment["TAKESENSE_TOKEN"]
        let served = try serve.map(Self.hostPort)
        let analyzer = try analysis.makeTakeSense()
        let watcher = FolderWatcher(folder: folder, stableSeconds: stable)
        try waitFor {
            let store: any TakeStore
            do { store = try await TakeStores.open(location) } catch { throw Failure("\(error)") }
            let server: OnSetServer?
            do { server = try served.map { try OnSetServer(store: store, host: $0.0, port: $0.1, token: token) } } catch { throw Failure("\(error)") }
            log("watching \(watcher.folder) → \(BatchRun.shown(location))")
            let runner = BatchRunner(store: store, analyzer: analyzer)
            try await withThrowingTaskGroup(of: Void.self) { group in
                if let server {
                    group.addTask {
                        try await server.run { port in log("serving http://\(server.host):\(port)/") }
                    }
                }
                group.addTask {
                    try await watcher.run { take in
                        do {
                            let summary = try await runner.run([take])
                            if summary.analysed + summary.failed > 0, let r = try await Self.latest(store, path: take.path) {
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

    static func latest(_ store: any TakeStore, path: String) async throws -> TakeRecord? {
        try await store.records().last { $0.path == path }
    }
}

private func log(_ line: String) {
    FileHandle.standardError.write(Data("\(line)\n".utf8))
}
