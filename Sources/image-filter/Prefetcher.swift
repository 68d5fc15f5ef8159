import Dispatch
import Foundation
import TensorScope
import TensorScopeImage

/// Reads batches of images one step ahead: while the forward pass runs on batch `k`, batch
/// `k + 1` is decoded and fitted on a thread of its own. Only these two batches are ever in
/// memory, however many images the run has.
final class Prefetcher: @unchecked Sendable {
    struct Item: Sendable {
        var position: Int
        var file: Inputs.File
    }

    struct Batch {
        var items: [Item]
        var tensor: Tensor
    }

    private let batches: [[Item]]
    private let read: @Sendable (Item) throws -> Image
    private let fit: @Sendable (Image, Item) throws -> Image
    private let skip: @Sendable (String) -> Void
    private let queue = DispatchQueue(label: "image-filter.prefetch")
    private var started = 0
    private let decodeTime = DecodeTime()

    /// Seconds spent decoding and fitting so far.
    var seconds: Double { decodeTime.total }

    private final class DecodeTime: @unchecked Sendable {
        private let lock = NSLock()
        private var value = 0.0
        var total: Double { lock.withLock { value } }
        func add(_ seconds: Double) { lock.withLock { value += seconds } }
    }
    private var pending: (group: DispatchGroup, result: ResultBox)?

    private final class ResultBox: @unchecked Sendable {
        var value: Result<Batch?, Error> = .success(nil)
    }

    /// - Parameters:
    ///   - read: decodes one image (errors for files found in folders are reported through
    ///     `skip` and the image left out; for files named on the command line they end the run).
    ///   - fit: brings it to the batch size.
    init(batches: [[Item]], read: @escaping @Sendable (Item) throws -> Image,
         fit: @escaping @Sendable (Image, Item) throws -> Image, skip: @escaping @Sendable (String) -> Void) {
        self.batches = batches
        self.read = read
        self.fit = fit
        self.skip = skip
    }

    /// The next batch with at least one readable image, or nil at the end.
    func next() throws -> Batch? {
        while true {
            if pending == nil { startNext() }
            guard let (group, box) = pending else { return nil }
            group.wait()
            pending = nil
            startNext()  // the one after, while the caller computes
            if let batch = try box.value.get() { return batch }
        }
    }

    private func startNext() {
        guard started < batches.count else { return }
        let items = batches[started]
        started += 1
        let group = DispatchGroup()
        let box = ResultBox()
        let (read, fit, skip, decodeTime) = (self.read, self.fit, self.skip, self.decodeTime)
        queue.async(group: group) {
            let start = Date()
            defer { decodeTime.add(Date().timeIntervalSince(start)) }
            box.value = Result {
                var kept: [Item] = []
                var scalars: [Float] = []
                var shape: [Int] = []
                for item in items {
                    do {
                        let image = try fit(try read(item), item)
                        shape = [image.height, image.width, image.channels]
                        scalars.append(contentsOf: image.pixels)
                        kept.append(item)
                    } catch where !item.file.explicit {
                        skip("skipping \(item.file.path): \(error)")
                    }
                }
                guard !kept.isEmpty else { return nil }
                return Batch(items: kept, tensor: try Tensor(shape: [kept.count] + shape, scalars: scalars))
            }
        }
        pending = (group, box)
    }
}
