import Foundation
import Torch

/// One mini-batch: inputs, int64 class targets, and for padded sequences the true lengths.
public struct Batch: @unchecked Sendable {
    public let inputs: Tensor
    public let targets: Tensor
    /// Valid length of each padded sequence (nil for fixed-size inputs such as face crops).
    public let lengths: Tensor?
    public init(inputs: Tensor, targets: Tensor, lengths: Tensor? = nil) {
        self.inputs = inputs
        self.targets = targets
        self.lengths = lengths
    }
    public var count: Int { targets.size(0) }
}

/// A dataset split that yields batches. Training sources shuffle and augment deterministically from
/// `(seed, epoch)`, so a resumed run sees the same batches as an uninterrupted one.
public protocol BatchSource: Sendable {
    var count: Int { get }
    /// Class index of every sample, in order (for class weights and evaluation).
    var targets: [Int] { get }
    func batches(epoch: Int, batchSize: Int) throws -> AnyIterator<Result<Batch, Error>>
}

/// Runs a batch iterator on a background thread, `depth` batches ahead, so that preparing the next
/// batch (decoding, augmentation) overlaps the model's work on the current one.
public final class Prefetcher: IteratorProtocol, @unchecked Sendable {
    private var buffer: [Result<Batch, Error>?] = []
    private let lock = NSCondition()
    private var finished = false
    private var cancelled = false
    private let depth: Int

    public init(_ source: AnyIterator<Result<Batch, Error>>, depth: Int = 2) {
        self.depth = max(1, depth)
        let box = UncheckedBox(source)
        Thread.detachNewThread { [self] in
            while true {
                lock.lock()
                while buffer.count >= self.depth && !cancelled { lock.wait() }
                let stop = cancelled
                lock.unlock()
                if stop { break }
                let item = box.value.next()
                lock.lock()
                buffer.append(item)
                if item == nil { finished = true }
                lock.broadcast()
                lock.unlock()
                if item == nil { break }
            }
        }
    }

    public func next() -> Result<Batch, Error>? {
        lock.lock()
        defer { lock.unlock() }
        while buffer.isEmpty { lock.wait() }
        let item = buffer.removeFirst()
        lock.broadcast()
        return item ?? nil
    }

    /// Stops the producer (when the consumer leaves early).
    public func cancel() {
        lock.lock()
        cancelled = true
        lock.broadcast()
        lock.unlock()
    }

    deinit { cancel() }
}

final class UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
