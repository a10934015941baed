/// The runner's launch options. Everything before `--mrt2-bench` is ignored, because the system and devicectl may
/// pass arguments of their own (a `--` separator, `-NSDocumentRevisionsDebugMode`); everything after it must be ours.
///
///     --mrt2-bench --models-dir DIR --models A,B --compute-units all,cpuOnly
///                  --frames N --warmups N --repeats N --seed N --out FILE [--fixture FILE]
///
/// `--fixture` names a device fixture manifest (``DeviceFixture``): every temporal model then also streams its
/// rows from fresh state and the results carry the outputs.
/// On iOS, relative `--models-dir` and `--out` paths are resolved against the app's Documents folder.
public struct BenchArguments: Equatable, Sendable {
    public static let marker = "--mrt2-bench"

    public var modelsDir: String
    public var models: [String]
    public var computeUnits: [ComputeUnitName]
    /// Timed predictions per repeat (for the temporal model, consecutive streaming steps).
    public var frames: Int
    /// Untimed predictions before the timed ones of each repeat.
    public var warmups: Int
    /// How often the sequence runs; the temporal model starts with fresh state each time.
    public var repeats: Int
    public var seed: UInt64
    public var out: String
    /// A device fixture manifest, or nil for timing only.
    public var fixture: String?

    public init(modelsDir: String, models: [String], computeUnits: [ComputeUnitName], frames: Int, warmups: Int,
                repeats: Int, seed: UInt64, out: String, fixture: String? = nil) {
        self.modelsDir = modelsDir
        self.models = models
        self.computeUnits = computeUnits
        self.frames = frames
        self.warmups = warmups
        self.repeats = repeats
        self.seed = seed
        self.out = out
        self.fixture = fixture
    }

    /// Parses the process arguments; `nil` when the marker is absent (the app was opened by hand).
    public static func parse(_ arguments: [String]) throws -> BenchArguments? {
        guard let start = arguments.firstIndex(of: marker) else { return nil }
        var values: [String: String] = [:]
        var i = start + 1
        while i < arguments.count {
            let option = arguments[i]
            guard Self.options.contains(option) else { throw ArgumentError.unknownOption(option) }
            guard i + 1 < arguments.count else { throw ArgumentError.missingValue(option) }
            guard values[option] == nil else { throw ArgumentError.repeated(option) }
            values[option] = arguments[i + 1]
            i += 2
        }
        func required(_ option: String) throws -> String {
            guard let v = values[option], !v.isEmpty else { throw ArgumentError.missingOption(option) }
            return v
        }
        func count(_ option: String, default value: Int, minimum: Int) throws -> Int {
            guard let text = values[option] else { return value }
            guard let n = Int(text), n >= minimum else {
                throw ArgumentError.invalid(option, text, "an integer >= \(minimum)")
            }
            return n
        }
        let models = try required("--models").split(separator: ",").map(String.init)
        var units: [ComputeUnitName] = []
        for name in (values["--compute-units"] ?? "all").split(separator: ",") {
            guard let unit = ComputeUnitName(rawValue: String(name)) else {
                throw ArgumentError.invalid("--compute-units", String(name),
                                            "one of " + ComputeUnitName.allCases.map(\.rawValue).joined(separator: ", "))
            }
            units.append(unit)
        }
        var seed: UInt64 = 0
        if let text = values["--seed"] {
            guard let parsed = UInt64(text) else {
                throw ArgumentError.invalid("--seed", text, "an unsigned 64-bit integer")
            }
            seed = parsed
        }
        return BenchArguments(
            modelsDir: try required("--models-dir"),
            models: models,
            computeUnits: units,
            frames: try count("--frames", default: 100, minimum: 1),
            warmups: try count("--warmups", default: 10, minimum: 0),
            repeats: try count("--repeats", default: 2, minimum: 1),
            seed: seed,
            out: try required("--out"),
            fixture: values["--fixture"])
    }

    private static let options: Set<String> = [
        "--models-dir", "--models", "--compute-units", "--frames", "--warmups", "--repeats", "--seed", "--out",
        "--fixture",
    ]
}

public enum ArgumentError: Error, Equatable, CustomStringConvertible {
    case unknownOption(String)
    case missingValue(String)
    case missingOption(String)
    case repeated(String)
    case invalid(String, String, String)

    public var description: String {
        switch self {
        case .unknownOption(let o): return "unknown option \(o)"
        case .missingValue(let o): return "\(o) needs a value"
        case .missingOption(let o): return "\(o) is required"
        case .repeated(let o): return "\(o) given twice"
        case .invalid(let o, let v, let expected): return "\(o) '\(v)': expected \(expected)"
        }
    }
}
