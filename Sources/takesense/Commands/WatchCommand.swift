import ArgumentParser
import Dailies
import Foundation
import OnSet

/// `takesense watch`: analyse each new take in a folder once it is complete; optionally serve the on-set page.
struct WatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Analyse each take written into a folder once it is complete, into a store; --serve shows the verdicts on a live page.",
        discussion: OnSetWatch.about
    )

    @Argument(help: "The folder the recorder writes takes into (searched recursively).") var folder: String
    @Option(help: "The store (default: DIR/.takesense-dailies.sqlite; or postgres://...).") var store: String?
    @Option(help: "Serve the on-set page on HOST:PORT (e.g. 127.0.0.1:8080).") var serve: String?
    @Option(help: "Token required on every request (needed when serving beyond 127.0.0.1); or TAKESENSE_TOKEN.") var token: String?
    @Option(help: "Seconds a file's size must stay unchanged before it is analysed.") var stable: Double = 3
    @OptionGroup var analysis: AnalysisOptions

    func validate() throws {
        guard stable >= 0.5, stable <= 3600 else { throw ValidationError("--stable must be between 0.5 and 3600 seconds") }
        if let serve, OnSetWatch.hostPort(serve) == nil {
            throw ValidationError("--serve must be HOST:PORT (e.g. 127.0.0.1:8080), got '\(serve)'")
        }
    }

    func run() throws {
        acceptTerminationSignals()
        let watch = try OnSetWatch(folder: folder, store: store, stableSeconds: stable, serve: serve.flatMap(OnSetWatch.hostPort),
                                   token: token ?? ProcessInfo.processInfo.environment["TAKESENSE_TOKEN"])
        let analyzer = try analysis.makeTakeSense()
        try waitFor { try await watch.run(analyzer: analyzer) { FileHandle.standardError.write(Data("\($0)\n".utf8)) } }
    }
}
