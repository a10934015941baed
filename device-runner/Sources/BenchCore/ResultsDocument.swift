import Foundation

/// The results file, schema `mrt2-device-bench-results-v1` (documented in MODELS.md, "Device benchmark").
/// Optional fields are written as JSON null, never left out, so a reader can tell "absent" from "forgotten".
public struct ResultsDocument: Encodable, Equatable, Sendable {
    public static let schema = "mrt2-device-bench-results-v1"

    public var runner: Runner
    public var request: Request
    public var runs: [ModelRun]

    public init(runner: Runner, request: Request, runs: [ModelRun]) {
        self.runner = runner
        self.request = request
        self.runs = runs
    }

    public struct Runner: Encodable, Equatable, Sendable {
        public var appVersion: String
        public var platform: String
        public var osVersion: String
        public var hardwareModel: String

        public init(appVersion: String, platform: String, osVersion: String, hardwareModel: String) {
            self.appVersion = appVersion
            self.platform = platform
            self.osVersion = osVersion
            self.hardwareModel = hardwareModel
        }

        enum CodingKeys: String, CodingKey {
            case appVersion = "app_version", platform, osVersion = "os_version", hardwareModel = "hardware_model"
        }
    }

    public struct Request: Encodable, Equatable, Sendable {
        public var models: [String]
        public var computeUnits: [String]
        public var frames: Int
        public var warmups: Int
        public var repeats: Int
        public var seed: UInt64
        /// The fixture manifest's file name, or nil without `--fixture`.
        public var fixture: String?

        public init(_ a: BenchArguments) {
            models = a.models
            computeUnits = a.computeUnits.map(\.rawValue)
            frames = a.frames
            warmups = a.warmups
            repeats = a.repeats
            seed = a.seed
            fixture = a.fixture.map { String($0.split(separator: "/").last ?? Substring($0)) }
        }

        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(models, forKey: .models)
            try c.encode(computeUnits, forKey: .computeUnits)
            try c.encode(frames, forKey: .frames)
            try c.encode(warmups, forKey: .warmups)
            try c.encode(repeats, forKey: .repeats)
            try c.encode(seed, forKey: .seed)
            try c.encode(fixture, forKey: .fixture)
        }

        enum CodingKeys: String, CodingKey {
            case models, computeUnits = "compute_units", frames, warmups, repeats, seed, fixture
        }
    }

    public struct ComputePlan: Encodable, Equatable, Sendable {
        public var available: Bool
        public var reason: String?
        public var ops: [String: Int]
        public var cost: [String: Double]

        public static func unavailable(_ reason: String) -> ComputePlan {
            ComputePlan(available: false, reason: reason, ops: [:], cost: [:])
        }

        public static func from(_ tally: PlacementTally) -> ComputePlan {
            ComputePlan(available: true, reason: nil, ops: tally.ops, cost: tally.cost)
        }

        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(available, forKey: .available)
            try c.encode(reason, forKey: .reason)
            try c.encode(ops, forKey: .ops)
            try c.encode(cost, forKey: .cost)
        }

        enum CodingKeys: String, CodingKey { case available, reason, ops, cost }
    }

    public struct Outputs: Encodable, Equatable, Sendable {
        public var tally: FiniteTally

        public init(_ tally: FiniteTally) {
            self.tally = tally
        }

        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(tally.valuesChecked, forKey: .valuesChecked)
            try c.encode(tally.nonFiniteValues, forKey: .nonFiniteValues)
            if let first = tally.first {
                var f = c.nestedContainer(keyedBy: FirstKeys.self, forKey: .firstNonFinite)
                try f.encode(first.call, forKey: .call)
                try f.encode(first.output, forKey: .output)
                try f.encode(first.warmup, forKey: .warmup)
            } else {
                try c.encodeNil(forKey: .firstNonFinite)
            }
        }

        enum CodingKeys: String, CodingKey {
            case valuesChecked = "values_checked", nonFiniteValues = "non_finite_values"
            case firstNonFinite = "first_non_finite"
        }

        enum FirstKeys: String, CodingKey { case call, output, warmup }
    }

    /// One temporal model streamed through the device fixture from fresh state: its outputs, or why it stopped.
    public struct FixtureRun: Encodable, Equatable, Sendable {
        public var steps: Int
        public var error: String?
        /// `[steps * width]` temporal outputs, step-major; nil when the run failed.
        public var outputs: [Float]?
        public var width: Int

        public init(steps: Int, error: String?, outputs: [Float]?, width: Int) {
            self.steps = steps
            self.error = error
            self.outputs = outputs
            self.width = width
        }

        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(steps, forKey: .steps)
            try c.encode(error, forKey: .error)
            if let outputs {
                var o = c.nestedContainer(keyedBy: OutputKeys.self, forKey: .temporalOutputs)
                try o.encode(FloatPacking.base64(outputs), forKey: .base64)
                try o.encode(DeviceFixture.dtype, forKey: .dtype)
                try o.encode([steps, width], forKey: .shape)
            } else {
                try c.encodeNil(forKey: .temporalOutputs)
            }
        }

        enum CodingKeys: String, CodingKey { case steps, error, temporalOutputs = "temporal_outputs" }
        enum OutputKeys: String, CodingKey { case base64, dtype, shape }
    }

    public struct ModelRun: Encodable, Equatable, Sendable {
        public var model: String
        /// "temporal" (stateful, cache_valid_bias protocol) or "seeded" (fixed seeded inputs).
        public var kind: String
        public var computeUnits: String
        public var error: String?
        public var loadMs: Double?
        public var latenciesMs: [Double]
        public var computePlan: ComputePlan
        public var outputs: Outputs
        /// The fixture stream of a temporal model when `--fixture` was given, else nil.
        public var fixtureRun: FixtureRun?

        public init(model: String, kind: String, computeUnits: String, error: String?, loadMs: Double?,
                    latenciesMs: [Double], computePlan: ComputePlan, outputs: Outputs, fixtureRun: FixtureRun? = nil) {
            self.model = model
            self.kind = kind
            self.computeUnits = computeUnits
            self.error = error
            self.loadMs = loadMs
            self.latenciesMs = latenciesMs
            self.computePlan = computePlan
            self.outputs = outputs
            self.fixtureRun = fixtureRun
        }

        public var status: String { error == nil ? "ok" : "failed" }

        public func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(model, forKey: .model)
            try c.encode(kind, forKey: .kind)
            try c.encode(computeUnits, forKey: .computeUnits)
            try c.encode(status, forKey: .status)
            try c.encode(error, forKey: .error)
            try c.encode(loadMs.map(Self.microsecondPrecision), forKey: .loadMs)
            try c.encode(latenciesMs.map(Self.microsecondPrecision), forKey: .latenciesMs)
            try c.encode(computePlan, forKey: .computePlan)
            try c.encode(outputs, forKey: .outputs)
            try c.encode(fixtureRun, forKey: .fixtureRun)
        }

        /// Clock readings below a microsecond are noise; rounding keeps the file short and readable.
        static func microsecondPrecision(_ ms: Double) -> Double {
            (ms * 1000).rounded() / 1000
        }

        enum CodingKeys: String, CodingKey {
            case model, kind, computeUnits = "compute_units", status, error, loadMs = "load_ms"
            case latenciesMs = "latencies_ms", computePlan = "compute_plan", outputs, fixtureRun = "fixture_run"
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(Self.schema, forKey: .schema)
        try c.encode(runner, forKey: .runner)
        try c.encode(request, forKey: .request)
        try c.encode(runs, forKey: .runs)
    }

    enum CodingKeys: String, CodingKey { case schema, runner, request, runs }

    /// Pretty-printed JSON with sorted keys and a trailing newline.
    public func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(self)
        data.append(0x0A)
        return data
    }

    /// Writes the file atomically (temporary sibling, then rename), creating its folder.
    public func write(to url: URL) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(),
                                                withIntermediateDirectories: true)
        try jsonData().write(to: url, options: .atomic)
    }
}
