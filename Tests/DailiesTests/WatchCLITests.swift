import Dailies
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Testing

/// A running `takesense watch` with its standard error collected (it says the port it serves on).
final class Watcher: @unchecked Sendable {
    let process: Process
    private let lock = NSLock()
    private var text = ""

    init(_ args: [String], in dir: URL) throws {
        process = Takesense.process(args, in: dir)
        let pipe = Pipe()
        process.standardError = pipe
        process.standardOutput = FileHandle.nullDevice
        pipe.fileHandleForReading.readabilityHandler = { [weak self] h in
            let data = h.availableData
            guard let self, !data.isEmpty else { h.readabilityHandler = nil; return }
            self.lock.lock()
            self.text += String(decoding: data, as: UTF8.self)
            self.lock.unlock()
        }
        try process.run()
    }

    var log: String { lock.lock(); defer { lock.unlock() }; return text }

    /// The port from "serving http://127.0.0.1:PORT/".
    func port(timeout: Double = 120) async throws -> Int {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline, process.isRunning {
            if let range = log.range(of: #"serving http://127\.0\.0\.1:(\d+)/"#, options: .regularExpression) {
                return Int(log[range].split(separator: ":").last!.dropLast())!
            }
            try await Task.sleep(nanoseconds: 200_000_000)
        }
        throw StoreError("watch", "did not start serving: \(log)")
    }

    /// Ctrl-C, as the operator would; SIGKILL if it has not ended 20 s later (the test then fails on the log).
    func stop() {
        if process.isRunning { process.interrupt() }
        for _ in 0..<100 where process.isRunning { Thread.sleep(forTimeInterval: 0.2) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            Issue.record("watch did not stop on SIGINT")
        }
        process.waitUntilExit()
    }
}

enum HTTP {
    static func get(_ url: String, token: String? = nil) async throws -> (status: Int, body: Data) {
        var request = URLRequest(url: URL(string: url)!)
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, data)
    }

    static func takes(_ base: String) async throws -> [[String: Any]] {
        let r = try await get("\(base)/api/takes")
        return (try JSONSerialization.jsonObject(with: r.body) as? [String: Any])?["takes"] as? [[String: Any]] ?? []
    }
}

@Suite("takesense watch --serve: the on-set page", .serialized,
       .enabled(if: Takesense.ready, "the takesense executable, ffmpeg or the shipped models are missing"))
struct WatchCLITests {
    static let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }

    @Test("A take written in chunks is analysed once complete, shows in /api/takes and on the page in Chromium; a restart resumes")
    func watchAndServe() async throws {
        let dir = try Takesense.temporaryDirectory()
        let folder = dir.appendingPathComponent("card A")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let take = try Takesense.makeTakes(1, seconds: 4, in: dir.appendingPathComponent("made"))[0]
        let args = ["watch", "card A", "--store", "set.db", "--serve", "127.0.0.1:0", "--stable", "2", "--threads", "1"]
        let watcher = try Watcher(args, in: dir)
        defer { watcher.stop() }
        let base = "http://127.0.0.1:\(try await watcher.port())"

        // The page's live channel, listened to from before the take arrives: an event now, and one when it lands.
        let events = Process()
        events.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        events.arguments = ["-c", """
            import sys, urllib.request
            n = 0
            for line in urllib.request.urlopen(sys.argv[1], timeout=300):
                if line.startswith(b"event: takes"):
                    n += 1
                    print(n, flush=True)
                if n == 2: break
            """, base + "/events"]
        let eventsOut = Pipe()
        events.standardOutput = eventsOut
        try events.run()

        // A non-video file and a take written over ~5 s in pieces (pauses shorter than --stable).
        try Data("slate notes\n".utf8).write(to: folder.appendingPathComponent("notes.txt"))
        let bytes = try Data(contentsOf: take)
        let target = folder.appendingPathComponent("A001_C001.mp4")
        FileManager.default.createFile(atPath: target.path, contents: nil)
        let handle = try FileHandle(forWritingTo: target)
        let piece = bytes.count / 5 + 1
        for start in stride(from: 0, to: bytes.count, by: piece) {
            try handle.write(contentsOf: bytes[start..<min(bytes.count, start + piece)])
            try await Task.sleep(nanoseconds: 1_000_000_000)
            #expect(try await HTTP.takes(base).isEmpty, "a take was analysed before it was complete")
        }
        try handle.close()

        var listed: [[String: Any]] = []
        for _ in 0..<300 where listed.isEmpty {
            try await Task.sleep(nanoseconds: 500_000_000)
            listed = try await HTTP.takes(base)
        }
        try #require(listed.count == 1, "the take did not appear in /api/takes: \(watcher.log)")
        let item = listed[0]
        let id = try #require(item["id"] as? String)
        let decision = try #require((item["verdict"] as? [String: Any])?["decision"] as? String)
        #expect((item["take"] as? String)?.hasSuffix("A001_C001.mp4") == true && ["keep", "retake", "unsure"].contains(decision))
        #expect(watcher.process.isRunning)

        // The live channel said so (the page refreshes on it, without reload).
        let said = String(decoding: eventsOut.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        events.waitUntilExit()
        #expect(said.split(separator: "\n") == ["1", "2"], "server-sent events: \(said)")

        let one = try await HTTP.get("\(base)/api/takes/\(id)")
        let oneObject = try JSONSerialization.jsonObject(with: one.body) as? [String: Any]
        #expect(one.status == 200 && oneObject?["id"] as? String == id)
        let report = try await HTTP.get("\(base)/reports/\(id).html")
        #expect(report.status == 200 && String(decoding: report.body, as: UTF8.self).contains("<svg"))
        for path in ["/reports/..%2F..%2Fetc%2Fpasswd", "/reports/../set.db", "/api/takes/0000000000000000", "/set.db", "/card%20A/A001_C001.mp4"] {
            #expect(try await HTTP.get(base + path).status == 404, "\(path) was served")
        }

        if let chromium = Self.chromium {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: chromium)
            p.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--timeout=20000", "--dump-dom", base + "/"]
            let out = Pipe()
            p.standardOutput = out
            p.standardError = FileHandle.nullDevice
            try p.run()
            let dom = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            p.waitUntilExit()
            #expect(dom.contains("data-id=\"\(id)\"") && dom.contains("A001_C001.mp4"), "the page did not show the take: \(dom.prefix(400))")
            #expect(dom.contains("class=\"decision \(decision)\">\(decision.uppercased())<"))
            #expect(dom.contains("href=\"/reports/\(id).html\""))
        } else {
            Issue.record("Chromium is not installed (apt-get install chromium): the page was not checked in a browser")
        }

        // Stop and start again: the take is in the store, not analysed again.
        watcher.stop()
        let again = try Watcher(args, in: dir)
        defer { again.stop() }
        let base2 = "http://127.0.0.1:\(try await again.port())"
        try await Task.sleep(nanoseconds: 6_000_000_000)
        let relisted = try await HTTP.takes(base2)
        #expect(relisted.count == 1 && relisted.first?["id"] as? String == id)
        #expect(relisted.first?["finished_at"] as? Double == item["finished_at"] as? Double, "the take was analysed again after the restart")
        #expect(!again.log.contains("A001_C001.mp4:"), "\(again.log)")
    }

    @Test("Beyond loopback a token is required; with one, every request must carry it")
    func token() async throws {
        let dir = try Takesense.temporaryDirectory()
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("in"), withIntermediateDirectories: true)
        let open = try Takesense.run(["watch", "in", "--serve", "0.0.0.0:0"], in: dir)
        #expect(open.status != 0 && open.err.contains("needs --token"))

        let watcher = try Watcher(["watch", "in", "--store", "t.db", "--serve", "127.0.0.1:0", "--token", "s3cret", "--threads", "1"], in: dir)
        defer { watcher.stop() }
        let base = "http://127.0.0.1:\(try await watcher.port())"
        #expect(try await HTTP.get("\(base)/api/takes").status == 401)
        #expect(try await HTTP.get("\(base)/?token=wrong").status == 401)
        #expect(try await HTTP.get("\(base)/api/takes", token: "s3cret").status == 200)
        #expect(try await HTTP.get("\(base)/?token=s3cret").status == 200)
    }
}
