import Foundation

/// One part of a batch spread over N workers: a take belongs to shard `index` when its content hash, read as
/// a number, is `index` modulo `count`, so every worker agrees without talking to the others, and the split
/// doesn't depend on the order or the names the inputs were given in.
public struct Shard: Sendable, Equatable, CustomStringConvertible {
    /// 0-based.
    public var index: Int
    public var count: Int

    public init(index: Int, count: Int) throws {
        guard count >= 1, (0..<count).contains(index) else {
            throw StoreError("--shard", "must be I/N with 0 <= I < N, got \(index)/\(count)")
        }
        self.index = index
        self.count = count
    }

    private init(valid index: Int, of count: Int) {
        self.index = index
        self.count = count
    }

    /// The whole batch (no sharding).
    public static let whole = Shard(valid: 0, of: 1)

    public var description: String { "\(index)/\(count)" }

    /// `I/N` (0-based I).
    public static func parse(_ text: String) throws -> Shard {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]) else {
            throw StoreError("--shard", "must be I/N (e.g. 0/4), got '\(text)'")
        }
        return try Shard(index: i, count: n)
    }

    /// The shard an array job's environment names: Slurm job arrays (`SLURM_ARRAY_TASK_ID`, `SLURM_ARRAY_TASK_COUNT`,
    /// `SLURM_ARRAY_TASK_MIN`, so `--array=1-4` works as well as `0-3`) or Kubernetes Indexed Jobs
    /// (`JOB_COMPLETION_INDEX`, with the completions count from `completions` or `TAKESENSE_SHARD_COUNT`). Nil when
    /// neither is set.
    public static func fromEnvironment(_ env: [String: String], completions: Int? = nil) throws -> Shard? {
        if let id = env["SLURM_ARRAY_TASK_ID"] {
            guard let task = Int(id), let countText = env["SLURM_ARRAY_TASK_COUNT"], let count = Int(countText) else {
                throw StoreError("SLURM_ARRAY_TASK_ID", "set to '\(id)' without a numeric SLURM_ARRAY_TASK_COUNT")
            }
            let minimum = env["SLURM_ARRAY_TASK_MIN"].flatMap(Int.init) ?? 0
            do { return try Shard(index: task - minimum, count: count) } catch {
                throw StoreError("SLURM_ARRAY_TASK_ID", "task \(task) (min \(minimum)) is not one of \(count); use a contiguous --array")
            }
        }
        if let text = env["JOB_COMPLETION_INDEX"] {
            guard let index = Int(text) else { throw StoreError("JOB_COMPLETION_INDEX", "not a number: '\(text)'") }
            guard let count = completions ?? env["TAKESENSE_SHARD_COUNT"].flatMap(Int.init) else {
                throw StoreError("JOB_COMPLETION_INDEX", "set without the completions count: pass --shard-count or set TAKESENSE_SHARD_COUNT")
            }
            return try Shard(index: index, count: count)
        }
        return nil
    }

    /// Whether the take with this content hash (hex SHA-256) is this shard's.
    public func owns(contentHash: String) -> Bool {
        guard count > 1 else { return true }
        // The first 15 hex digits (60 bits) as a number: uniform, and fits in an Int.
        let value = Int(contentHash.prefix(15), radix: 16) ?? 0
        return value % count == index
    }
}
