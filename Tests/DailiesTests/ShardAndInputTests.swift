import Dailies
import Foundation
import TakeSenseKit
import Testing

@Suite("Sharding by content hash; Slurm and Kubernetes variables")
struct ShardTests {
    @Test("Every take belongs to exactly one of N shards, whatever N")
    func partition() throws {
        let hashes = (0..<200).map { ContentHash.hex(Data("take \($0)".utf8)) }
        for n in [1, 2, 3, 4, 7] {
            let shards = try (0..<n).map { try Shard(index: $0, count: n) }
            for h in hashes { #expect(shards.filter { $0.owns(contentHash: h) }.count == 1) }
            // Roughly even (200 takes).
            if n > 1 { for s in shards { #expect(hashes.filter { s.owns(contentHash: $0) }.count > 200 / n / 2) } }
        }
    }

    @Test("I/N, Slurm array variables (any --array start), Kubernetes JOB_COMPLETION_INDEX; bad values are one-line errors")
    func parsing() throws {
        #expect(try Shard.parse("2/4") == Shard(index: 2, count: 4))
        for bad in ["4/4", "-1/4", "1", "a/b", "1/0"] { #expect(throws: StoreError.self) { try Shard.parse(bad) } }
        #expect(try Shard.fromEnvironment([:]) == nil)
        #expect(try Shard.fromEnvironment(["SLURM_ARRAY_TASK_ID": "3", "SLURM_ARRAY_TASK_COUNT": "4", "SLURM_ARRAY_TASK_MIN": "0"])
            == Shard(index: 3, count: 4))
        #expect(try Shard.fromEnvironment(["SLURM_ARRAY_TASK_ID": "4", "SLURM_ARRAY_TASK_COUNT": "4", "SLURM_ARRAY_TASK_MIN": "1"])
            == Shard(index: 3, count: 4))
        #expect(throws: StoreError.self) { try Shard.fromEnvironment(["SLURM_ARRAY_TASK_ID": "3"]) }
        #expect(try Shard.fromEnvironment(["JOB_COMPLETION_INDEX": "5"], completions: 8) == Shard(index: 5, count: 8))
        #expect(try Shard.fromEnvironment(["JOB_COMPLETION_INDEX": "5", "TAKESENSE_SHARD_COUNT": "6"]) == Shard(index: 5, count: 6))
        #expect { try Shard.fromEnvironment(["JOB_COMPLETION_INDEX": "5"]) } throws: { "\($0)".contains("completions count") }
    }
}

@Suite("Finding takes among the inputs", .enabled(if: Takesense.ready, "ffmpeg or the bundled sample is missing"))
struct TakeInputTests {
    @Test("Folders recursively by probing (not by extension), globs, manifest CSVs; duplicates once; missing globs reported")
    func discover() throws {
        let dir = try Takesense.temporaryDirectory()
        let takes = try Takesense.makeTakes(2, seconds: 1, in: dir.appendingPathComponent("card/sub"))
        // A camera file without an extension is a take; a .mov of notes and hidden files are not.
        let bare = dir.appendingPathComponent("card/A001C002")
        try FileManager.default.copyItem(at: takes[0], to: bare)
        try Data("notes\n".utf8).write(to: dir.appendingPathComponent("card/notes.mov"))
        try FileManager.default.copyItem(at: takes[1], to: dir.appendingPathComponent("card/._take2.mp4"))
        let folder = TakeInputs.discover([dir.appendingPathComponent("card").path])
        #expect(folder.takes.map { ($0.path as NSString).lastPathComponent } == ["A001C002", "take1.mp4", "take2.mp4"])
        #expect(folder.takes.allSatisfy { ($0.seconds ?? 0) > 0.5 })

        let csv = dir.appendingPathComponent("day.csv")
        try Data("path,label\ncard/sub/take2.mp4,happy\n".utf8).write(to: csv)
        let mixed = TakeInputs.discover([csv.path, dir.path + "/card/sub/*.mp4", dir.path + "/nothing/*.mov"])
        #expect(mixed.takes.map { ($0.path as NSString).lastPathComponent } == ["take2.mp4", "take1.mp4"])
        #expect(mixed.problems.count == 1 && mixed.problems[0].contains("no file matches"))
    }
}
