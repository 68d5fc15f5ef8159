import Foundation
import TensorScope

/// What a run's outputs depend on, recorded next to them (`.image-filter-run.json` in each
/// output folder) so `--resume` can refuse to mix two configurations in one folder.
struct RunSettings: Codable, Equatable {
    var size: Int
    var fit: String
    /// Where the weights come from: `seed N`, or `file <FNV-1a digest of its bytes>` for
    /// `--load-weights` (a file's size and time would not tell two apart).
    var weights: String
    var exactDecode: Bool
    var ignoreOrientation: Bool
    var featuresDType: String
    /// How outputs are named: `tree` (mirroring the inputs) or `flat` (numbered); absent in
    /// folders written before the choice existed, which are flat.
    var layout: String?

    static let fileName = ".image-filter-run.json"

    /// Fails with one line per setting that differs from `recorded`.
    func check(against recorded: RunSettings, folder: String) throws {
        var differences: [String] = []
        func compare<T: Equatable>(_ name: String, _ now: T, _ then: T) {
            if now != then { differences.append("\(name) \(then) there, \(now) now") }
        }
        compare("--size", size, recorded.size)
        compare("--fit", fit, recorded.fit)
        compare("weights", weights, recorded.weights)
        compare("--exact-decode", exactDecode, recorded.exactDecode)
        compare("--ignore-orientation", ignoreOrientation, recorded.ignoreOrientation)
        compare("features dtype", featuresDType, recorded.featuresDType)
        compare("output names", layout ?? "flat", recorded.layout ?? "flat")
        guard differences.isEmpty else {
            throw TensorScopeError(.invalidArgument, "--resume: \(folder) holds outputs of another configuration ("
                + differences.joined(separator: "; ") + "); resume with the same settings, or use another folder")
        }
    }

    /// Reads the settings recorded in `folder`, if any.
    static func recorded(in folder: String) throws -> RunSettings? {
        let path = (folder as NSString).appendingPathComponent(fileName)
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        do {
            return try JSONDecoder().decode(RunSettings.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw TensorScopeError(.io, "\(path): unreadable run settings (\(error.localizedDescription)); remove it to start afresh")
        }
    }

    /// Records these settings in `folder`.
    func record(in folder: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try AtomicFile.write(try encoder.encode(self), to: (folder as NSString).appendingPathComponent(Self.fileName))
    }

    /// FNV-1a (64-bit) of the tensors' names, shapes and values, as hex: enough to tell two
    /// weight files apart.
    static func digest(of tensors: [String: Tensor]) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ bytes: some Sequence<UInt8>) {
            for byte in bytes {
                hash ^= UInt64(byte)
                hash = hash &* 0x100_0000_01b3
            }
        }
        for name in tensors.keys.sorted() {
            let tensor = tensors[name]!
            mix(name.utf8)
            mix(tensor.shape.flatMap { withUnsafeBytes(of: $0.littleEndian, Array.init) })
            tensor.withUnsafeBufferPointer { mix(UnsafeRawBufferPointer($0)) }
        }
        return String(hash, radix: 16)
    }
}
