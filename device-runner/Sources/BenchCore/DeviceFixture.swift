import Foundation

/// The port's device fixture (mrt2-model.md §8.3): a JSON manifest naming raw little-endian float32 files beside it.
///
///     { "arrays": { name: {"byte_count": n, "path": "file next to the manifest", "shape": [...]}, ... },
///       "dtype": "little-endian-float32", "schema": "mrt2-temporal-streaming-device-fixture-v1",
///       "steps": 64, "window_frames": 41 }
///
/// `mrt2 device-bench --fixtures` copies one next to the models; the runner feeds its `temporal_inputs` and
/// `source_encoded` rows to each temporal model, one step per row, and returns the outputs for the CLI to compare
/// with `reference_outputs` (the runner never judges them itself).
public struct DeviceFixture: Equatable, Sendable {
    public static let schema = "mrt2-temporal-streaming-device-fixture-v1"
    public static let dtype = "little-endian-float32"

    public let steps: Int
    public let windowFrames: Int
    /// `[steps][D]` temporal inputs, one row per streaming step.
    public let temporalInputs: [[Float]]
    /// `[steps][S]` source_encoded rows.
    public let sourceEncoded: [[Float]]

    public init(steps: Int, windowFrames: Int, temporalInputs: [[Float]], sourceEncoded: [[Float]]) {
        self.steps = steps
        self.windowFrames = windowFrames
        self.temporalInputs = temporalInputs
        self.sourceEncoded = sourceEncoded
    }

    struct Manifest: Decodable {
        struct Entry: Decodable {
            let byteCount: Int
            let path: String
            let shape: [Int]

            enum CodingKeys: String, CodingKey { case byteCount = "byte_count", path, shape }
        }

        let arrays: [String: Entry]
        let dtype: String
        let schema: String
        let steps: Int
        let windowFrames: Int

        enum CodingKeys: String, CodingKey { case arrays, dtype, schema, steps, windowFrames = "window_frames" }
    }

    /// Reads the manifest at `url` and the raw files it names (paths relative to its folder).
    public static func load(from url: URL) throws -> DeviceFixture {
        let manifest: Manifest
        do {
            manifest = try JSONDecoder().decode(Manifest.self, from: Data(contentsOf: url))
        } catch {
            throw FixtureError.unreadable(url.lastPathComponent, "\(error)")
        }
        guard manifest.dtype == dtype else {
            throw FixtureError.unreadable(url.lastPathComponent, "dtype '\(manifest.dtype)' is not '\(dtype)'")
        }
        func rows(_ name: String) throws -> [[Float]] {
            guard let entry = manifest.arrays[name] else {
                throw FixtureError.unreadable(url.lastPathComponent, "no array '\(name)'")
            }
            let count = entry.shape.reduce(1, *)
            guard entry.byteCount == 4 * count, let first = entry.shape.first, first == manifest.steps else {
                throw FixtureError.unreadable(url.lastPathComponent,
                                              "array '\(name)' has shape \(entry.shape) and \(entry.byteCount) bytes")
            }
            let file = url.deletingLastPathComponent().appendingPathComponent(entry.path)
            let data = try Data(contentsOf: file)
            guard data.count == entry.byteCount else {
                throw FixtureError.unreadable(entry.path, "\(data.count) bytes, the manifest says \(entry.byteCount)")
            }
            let values = FloatPacking.floats(littleEndian: data)
            let width = count / first
            return (0..<first).map { Array(values[($0 * width)..<(($0 + 1) * width)]) }
        }
        return DeviceFixture(steps: manifest.steps, windowFrames: manifest.windowFrames,
                             temporalInputs: try rows("temporal_inputs"), sourceEncoded: try rows("source_encoded"))
    }
}

public enum FixtureError: Error, Equatable, CustomStringConvertible {
    case unreadable(String, String)

    public var description: String {
        switch self {
        case .unreadable(let file, let why): return "\(file): \(why)"
        }
    }
}
