import Foundation
import XCTest
@testable import BenchCore

final class SplitMix64Tests: XCTestCase {
    func testSeedZeroIsReplacedByTheGoldenGamma() {
        // Standard SplitMix64 from state 0 outputs e220a8397b1dcdaf, 6e789e6aa1b965f4, 06c45d188009454f, ...;
        // the contract starts seed 0 at the gamma, so its first output is the standard second one.
        var g = SplitMix64(seed: 0)
        XCTAssertEqual(g.next(), 0x6E78_9E6A_A1B9_65F4)
        XCTAssertEqual(g.next(), 0x06C4_5D18_8009_454F)
        XCTAssertEqual(g.next(), 0xF88B_B8A8_724C_81EC)
    }

    func testNonZeroSeedIsTheState() {
        var g = SplitMix64(seed: 42)
        XCTAssertEqual(g.next(), 0xBDD7_3226_2FEB_6E95)
        XCTAssertEqual(g.next(), 0x28EF_E333_B266_F103)
    }

    func testUniformUsesTheTop24Bits() {
        var g = SplitMix64(seed: 0)
        XCTAssertEqual(g.nextUniform(), Float(0x6E78_9E6A_A1B9_65F4 as UInt64 >> 40) / 16_777_216)
        XCTAssertEqual(g.nextUniform(), 0.02643376588821411)
    }

    func testGaussianIsBoxMullerOfTwoUniforms() {
        var g = SplitMix64(seed: 7)
        // sqrt(-2 ln u1) cos(2 pi u2) of the first two uniforms, computed independently in double precision.
        XCTAssertEqual(g.nextGaussian(), 1.3649924, accuracy: 1e-6)
    }

    func testStreamsDependOnTheInputNameNotTheVisitOrder() {
        var a = SplitMix64.stream(seed: 5, name: "source_encoded")
        var b = SplitMix64(seed: 5 ^ 0xFFAE_7DC5_135C_1279) // FNV-1a-64("source_encoded")
        XCTAssertEqual(a.next(), b.next())
        var c = SplitMix64.stream(seed: 5, name: "temporal_inputs")
        var d = SplitMix64.stream(seed: 5, name: "source_encoded")
        XCTAssertNotEqual(c.next(), d.next())
    }

    func testGaussianMomentsAreRoughlyStandard() {
        var g = SplitMix64(seed: 1)
        let xs = (0..<20_000).map { _ in Double(g.nextGaussian()) }
        let mean = xs.reduce(0, +) / Double(xs.count)
        let variance = xs.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(xs.count)
        XCTAssertEqual(mean, 0, accuracy: 0.03)
        XCTAssertEqual(variance, 1, accuracy: 0.05)
    }
}

final class CacheValidBiasTests: XCTestCase {
    private let m = CacheValidBias.masked

    func testStepZeroMasksEveryCacheRow() {
        let b = CacheValidBias.values(step: 0, length: 43)
        XCTAssertEqual(b.count, 43)
        XCTAssertEqual(b[0], 0, "sink")
        XCTAssertEqual(b[42], 0, "current frame")
        XCTAssertEqual(Array(b[1...41]), Array(repeating: m, count: 41))
    }

    func testStepOneOpensTheNewestRow() {
        let b = CacheValidBias.values(step: 1, length: 43)
        XCTAssertEqual(b[41], 0, "row 40 holds the previous frame")
        XCTAssertEqual(Array(b[1...40]), Array(repeating: m, count: 40))
    }

    func testStepFortyLeavesOnlyTheOldestRowMasked() {
        let b = CacheValidBias.values(step: 40, length: 43)
        XCTAssertEqual(b[1], m)
        XCTAssertEqual(Array(b[2...42]), Array(repeating: 0, count: 41))
    }

    func testFromStepFortyOneOnEverythingIsValid() {
        for step in [41, 42, 100, 10_000] {
            XCTAssertEqual(CacheValidBias.values(step: step, length: 43), Array(repeating: 0, count: 43), "\(step)")
        }
    }

    func testRuleHoldsForEveryRowAndStep() {
        for step in 0..<50 {
            let b = CacheValidBias.values(step: step, length: 43)
            for r in 0..<41 {
                XCTAssertEqual(b[1 + r], r >= 41 - min(step, 41) ? 0 : m, "step \(step) row \(r)")
            }
        }
    }

    func testMaskIsExactInFloat16() {
        XCTAssertEqual(Float16Bits.from(m), 0xF0E2)
        XCTAssertEqual(Float16Bits.toFloat(0xF0E2), -10_000)
    }
}

final class Float16BitsTests: XCTestCase {
    func testKnownValues() {
        XCTAssertEqual(Float16Bits.from(1), 0x3C00)
        XCTAssertEqual(Float16Bits.from(-2.5), 0xC100)
        XCTAssertEqual(Float16Bits.from(0.1), 0x2E66)
        XCTAssertEqual(Float16Bits.from(65504), 0x7BFF, "largest finite")
        XCTAssertEqual(Float16Bits.from(65519), 0x7BFF, "below the halfway point stays finite")
        XCTAssertEqual(Float16Bits.from(65520), 0x7C00, "the tie rounds to even, which is infinity")
        XCTAssertEqual(Float16Bits.from(1e-7), 0x0002, "subnormal")
        XCTAssertEqual(Float16Bits.from(5.96e-8), 0x0001, "smallest subnormal")
        XCTAssertEqual(Float16Bits.from(1e-9), 0x0000)
        XCTAssertEqual(Float16Bits.from(-0.0), 0x8000)
        XCTAssertEqual(Float16Bits.from(.infinity), 0x7C00)
        XCTAssertTrue(Float16Bits.from(.nan) & 0x03FF != 0, "NaN stays NaN")
    }

    func testEveryHalfRoundTripsThroughFloat() {
        for bits in 0...UInt16.max {
            let f = Float16Bits.toFloat(bits)
            if f.isNaN {
                XCTAssertFalse(Float16Bits.isFinite(bits))
                continue
            }
            XCTAssertEqual(Float16Bits.from(f), bits, "bits \(String(bits, radix: 16))")
            XCTAssertEqual(Float16Bits.isFinite(bits), f.isFinite)
        }
    }

    func testMidpointsRoundToEven() {
        // Halfway between 1 (0x3C00) and the next half (0x3C01) is 1 + 2^-11: even neighbour 0x3C00 wins.
        XCTAssertEqual(Float16Bits.from(1 + 0.00048828125), 0x3C00)
        // Halfway between 0x3C01 and 0x3C02 rounds up to the even 0x3C02.
        XCTAssertEqual(Float16Bits.from(1 + 3 * 0.00048828125), 0x3C02)
    }
}

final class StridedIndexTests: XCTestCase {
    func testContiguousVisitsEveryOffsetInOrder() {
        var seen: [Int] = []
        StridedIndex.forEachOffset(shape: [2, 3], strides: [3, 1]) { seen.append($0) }
        XCTAssertEqual(seen, [0, 1, 2, 3, 4, 5])
    }

    func testPaddedRowsSkipThePadding() {
        // [1, 2, 3] stored with rows padded to 4 elements.
        var seen: [Int] = []
        StridedIndex.forEachOffset(shape: [1, 2, 3], strides: [8, 4, 1]) { seen.append($0) }
        XCTAssertEqual(seen, [0, 1, 2, 4, 5, 6])
    }

    func testScalarsAndEmptyArrays() {
        var n = 0
        StridedIndex.forEachOffset(shape: [], strides: []) { _ in n += 1 }
        XCTAssertEqual(n, 1)
        StridedIndex.forEachOffset(shape: [3, 0], strides: [1, 1]) { _ in n += 1 }
        XCTAssertEqual(n, 1)
    }
}

final class LatencyStatsTests: XCTestCase {
    func testNearestRankMatchesTheReceipts() {
        // The temporal row of fixtures/device-bench/results-iphone-ok.json.
        let ms = [14.1, 13.9, 14.0, 13.8, 41.2, 14.2, 13.95, 14.05, 13.85, 14.148]
        let s = LatencyStats(milliseconds: ms)!
        XCTAssertEqual(s.p50, 14.0)
        XCTAssertEqual(s.p90, 14.2)
        XCTAssertEqual(s.p99, 41.2)
        XCTAssertEqual(s.max, 41.2)
        XCTAssertEqual(s.overBudget, 1)
        XCTAssertEqual(s.mean, 16.7198, accuracy: 1e-9)
    }

    func testOneToHundred() {
        let s = LatencyStats(milliseconds: (1...100).reversed().map(Double.init))!
        XCTAssertEqual([s.p50, s.p90, s.p99, s.max], [50, 90, 99, 100])
        XCTAssertEqual(s.overBudget, 60)
    }

    func testEmptyHasNoStatistics() {
        XCTAssertNil(LatencyStats(milliseconds: []))
    }
}

final class RunScheduleTests: XCTestCase {
    func testWarmupsComeFirstInEveryRepeat() {
        let calls = Array(RunSchedule(frames: 3, warmups: 2, repeats: 2))
        XCTAssertEqual(calls.map(\.index), Array(0..<10))
        XCTAssertEqual(calls.map(\.step), [0, 1, 2, 3, 4, 0, 1, 2, 3, 4])
        XCTAssertEqual(calls.map(\.repeatIndex), [0, 0, 0, 0, 0, 1, 1, 1, 1, 1])
        XCTAssertEqual(calls.filter(\.timed).count, 6)
        XCTAssertFalse(calls[1].timed)
        XCTAssertTrue(calls[2].timed)
    }
}

final class ArgumentsTests: XCTestCase {
    private let launch = ["/var/containers/Bundle/Application/X/Mrt2DeviceBench.app/Mrt2DeviceBench",
                          "-NSDocumentRevisionsDebugMode", "YES", "--", "--mrt2-bench",
                          "--models-dir", "mrt2-bench/models", "--models", "MRT2DepthBody,MRT2TemporalBody",
                          "--compute-units", "cpuAndNeuralEngine,cpuAndGPU", "--frames", "5", "--warmups", "2",
                          "--repeats", "2", "--seed", "18446744073709551615", "--out", "mrt2-bench/results.json"]

    func testParsesWhatDeviceBenchSends() throws {
        let a = try XCTUnwrap(BenchArguments.parse(launch))
        XCTAssertEqual(a.modelsDir, "mrt2-bench/models")
        XCTAssertEqual(a.models, ["MRT2DepthBody", "MRT2TemporalBody"])
        XCTAssertEqual(a.computeUnits, [.cpuAndNeuralEngine, .cpuAndGPU])
        XCTAssertEqual([a.frames, a.warmups, a.repeats], [5, 2, 2])
        XCTAssertEqual(a.seed, UInt64.max)
        XCTAssertEqual(a.out, "mrt2-bench/results.json")
        XCTAssertNil(a.fixture)
        let f = try XCTUnwrap(BenchArguments.parse(launch + ["--fixture", "mrt2-bench/fixture/f_device_fixture.json"]))
        XCTAssertEqual(f.fixture, "mrt2-bench/fixture/f_device_fixture.json")
        XCTAssertEqual(ResultsDocument.Request(f).fixture, "f_device_fixture.json", "the echo names the file only")
    }

    func testNoMarkerMeansOpenedByHand() throws {
        XCTAssertNil(try BenchArguments.parse(["app", "-NSDocumentRevisionsDebugMode", "YES"]))
    }

    func testDefaults() throws {
        let a = try XCTUnwrap(BenchArguments.parse(["--mrt2-bench", "--models-dir", "m", "--models", "A",
                                                    "--out", "r.json"]))
        XCTAssertEqual(a.computeUnits, [.all])
        XCTAssertEqual([a.frames, a.warmups, a.repeats], [100, 10, 2])
        XCTAssertEqual(a.seed, 0)
    }

    func testErrorsNameTheOption() {
        func error(_ args: [String]) -> String {
            do {
                _ = try BenchArguments.parse(["--mrt2-bench"] + args)
                return "no error"
            } catch {
                return "\(error)"
            }
        }
        let base = ["--models-dir", "m", "--models", "A", "--out", "r"]
        XCTAssertEqual(error(base + ["--frames", "0"]), "--frames '0': expected an integer >= 1")
        XCTAssertEqual(error(base + ["--compute-units", "ane"]),
                       "--compute-units 'ane': expected one of all, cpuAndNeuralEngine, cpuAndGPU, cpuOnly")
        XCTAssertEqual(error(base + ["--bogus", "1"]), "unknown option --bogus")
        XCTAssertEqual(error(base + ["--seed"]), "--seed needs a value")
        XCTAssertEqual(error(["--models", "A", "--out", "r"]), "--models-dir is required")
        XCTAssertEqual(error(base + ["--out", "s"]), "--out given twice")
        XCTAssertEqual(error(base + ["--seed", "-1"]), "--seed '-1': expected an unsigned 64-bit integer")
    }
}

final class InputRecipeTests: XCTestCase {
    func testFillsByName() {
        XCTAssertEqual(InputFill.forInput(named: "cache_valid_bias"), .cacheValidBias)
        XCTAssertEqual(InputFill.forInput(named: "temporal_layer_00_self_key_cache_in"), .zeros)
        XCTAssertEqual(InputFill.forInput(named: "source_encoded"), .gaussian(standardDeviation: 0.15))
        XCTAssertEqual(InputFill.forInput(named: "depth_inputs"), .gaussian(standardDeviation: 1))
        XCTAssertEqual(InputFill.forInput(named: "gumbel_noise"), .gumbel)
        XCTAssertTrue(InputFill.changesEveryStep("temporal_inputs"))
        XCTAssertFalse(InputFill.changesEveryStep("source_encoded"))
    }

    func testSameSeedSameValues() {
        var a = SplitMix64.stream(seed: 3, name: "depth_inputs")
        var b = SplitMix64.stream(seed: 3, name: "depth_inputs")
        let fill = InputFill.forInput(named: "depth_inputs")
        XCTAssertEqual(fill.values(count: 64, generator: &a), fill.values(count: 64, generator: &b))
    }
}

final class ResultsDocumentTests: XCTestCase {
    func testWritesTheSchemaDeviceBenchReads() throws {
        var placement = PlacementTally()
        placement.record(device: .neuralEngine, costWeight: 0.75)
        placement.record(device: .cpu, costWeight: 0.25)
        placement.record(device: nil, costWeight: nil)
        var finite = FiniteTally()
        finite.record(call: 0, warmup: true, output: "temporal_outputs", checked: 1024, nonFinite: 0)
        finite.record(call: 1, warmup: false, output: "temporal_outputs", checked: 1024, nonFinite: 2)
        finite.record(call: 2, warmup: false, output: "temporal_outputs", checked: 1024, nonFinite: 1)
        let args = try XCTUnwrap(BenchArguments.parse(["--mrt2-bench", "--models-dir", "m", "--models", "T",
                                                       "--out", "r", "--frames", "2", "--warmups", "1",
                                                       "--repeats", "1", "--compute-units", "cpuOnly"]))
        let doc = ResultsDocument(
            runner: .init(appVersion: "0.1.0", platform: "macOS", osVersion: "15.2.0", hardwareModel: "arm64"),
            request: .init(args),
            runs: [
                .init(model: "T", kind: "temporal", computeUnits: "cpuOnly", error: nil, loadMs: 12.3456789,
                      latenciesMs: [1.0000004, 2.5], computePlan: .from(placement), outputs: .init(finite)),
                .init(model: "T", kind: "temporal", computeUnits: "cpuOnly", error: "load failed", loadMs: nil,
                      latenciesMs: [], computePlan: .unavailable("no plan"), outputs: .init(FiniteTally())),
            ])
        let json = try JSONSerialization.jsonObject(with: doc.jsonData()) as! [String: Any]
        XCTAssertEqual(json["schema"] as? String, "mrt2-device-bench-results-v1")
        let request = json["request"] as! [String: Any]
        XCTAssertEqual(request["compute_units"] as? [String], ["cpuOnly"])
        let runs = json["runs"] as! [[String: Any]]
        XCTAssertEqual(runs[0]["status"] as? String, "ok")
        XCTAssertEqual(runs[0]["load_ms"] as? Double, 12.346)
        XCTAssertEqual(runs[0]["latencies_ms"] as? [Double], [1.0, 2.5])
        XCTAssertTrue(runs[0]["error"] is NSNull, "absent values are written as null")
        let outputs = runs[0]["outputs"] as! [String: Any]
        XCTAssertEqual(outputs["values_checked"] as? Int, 3072)
        XCTAssertEqual(outputs["non_finite_values"] as? Int, 3)
        let first = outputs["first_non_finite"] as! [String: Any]
        XCTAssertEqual(first["call"] as? Int, 1)
        XCTAssertEqual(first["warmup"] as? Bool, false)
        let plan = runs[0]["compute_plan"] as! [String: Any]
        XCTAssertEqual(plan["ops"] as? [String: Int], ["neural_engine": 1, "gpu": 0, "cpu": 1, "none": 1])
        XCTAssertEqual(plan["cost"] as? [String: Double], ["neural_engine": 0.75, "gpu": 0, "cpu": 0.25])
        XCTAssertEqual(runs[1]["status"] as? String, "failed")
        XCTAssertTrue(runs[1]["load_ms"] is NSNull)
        XCTAssertTrue((runs[1]["outputs"] as! [String: Any])["first_non_finite"] is NSNull)
        let text = String(decoding: try doc.jsonData(), as: UTF8.self)
        XCTAssertTrue(text.hasSuffix("}\n"))
        XCTAssertTrue(request["fixture"] is NSNull)
        XCTAssertTrue(runs[0]["fixture_run"] is NSNull)
    }

    func testFixtureRunCarriesItsOutputsAsLittleEndianBase64() throws {
        let run = ResultsDocument.ModelRun(
            model: "T", kind: "temporal", computeUnits: "cpuOnly", error: nil, loadMs: 1, latenciesMs: [1],
            computePlan: .unavailable("no plan"), outputs: .init(FiniteTally()),
            fixtureRun: .init(steps: 2, error: nil, outputs: [1, -2, 0.5, 0], width: 2))
        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(run)) as! [String: Any]
        let fixture = json["fixture_run"] as! [String: Any]
        XCTAssertEqual(fixture["steps"] as? Int, 2)
        XCTAssertTrue(fixture["error"] is NSNull)
        let outputs = fixture["temporal_outputs"] as! [String: Any]
        XCTAssertEqual(outputs["shape"] as? [Int], [2, 2])
        XCTAssertEqual(outputs["dtype"] as? String, "little-endian-float32")
        // 1.0 = 0x3F800000, -2.0 = 0xC0000000, 0.5 = 0x3F000000, 0 = 0, each little-endian
        XCTAssertEqual(outputs["base64"] as? String, "AACAPwAAAMAAAAA/AAAAAA==")
        let failed = ResultsDocument.FixtureRun(steps: 2, error: "prediction failed", outputs: nil, width: 0)
        let f = try JSONSerialization.jsonObject(with: JSONEncoder().encode(failed)) as! [String: Any]
        XCTAssertTrue(f["temporal_outputs"] is NSNull)
    }
}

final class DeviceFixtureTests: XCTestCase {
    private func write(_ dir: URL, steps: Int, bytes: Int? = nil) throws -> URL {
        let inputs: [Float] = (0..<(steps * 3)).map { Float($0) }
        let sources: [Float] = (0..<(steps * 2)).map { -Float($0) }
        try FloatPacking.littleEndian(inputs).write(to: dir.appendingPathComponent("f_temporal_inputs_f32.bin"))
        try FloatPacking.littleEndian(sources).write(to: dir.appendingPathComponent("f_source_encoded_f32.bin"))
        let manifest = """
        {"arrays": {"source_encoded": {"byte_count": \(steps * 8), "path": "f_source_encoded_f32.bin", \
        "shape": [\(steps), 1, 1, 2]}, "temporal_inputs": {"byte_count": \(bytes ?? steps * 12), \
        "path": "f_temporal_inputs_f32.bin", "shape": [\(steps), 1, 1, 3]}}, "dtype": "little-endian-float32", \
        "schema": "mrt2-temporal-streaming-device-fixture-v1", "steps": \(steps), "window_frames": 41}
        """
        let url = dir.appendingPathComponent("f_device_fixture.json")
        try Data(manifest.utf8).write(to: url)
        return url
    }

    private func tempDir() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString)
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    func testReadsRowsPerStep() throws {
        let f = try DeviceFixture.load(from: write(tempDir(), steps: 2))
        XCTAssertEqual(f.steps, 2)
        XCTAssertEqual(f.windowFrames, 41)
        XCTAssertEqual(f.temporalInputs, [[0, 1, 2], [3, 4, 5]])
        XCTAssertEqual(f.sourceEncoded, [[0, -1], [-2, -3]])
    }

    func testAByteCountThatDoesNotFitTheShapeIsNamed() throws {
        XCTAssertThrowsError(try DeviceFixture.load(from: write(tempDir(), steps: 2, bytes: 20))) { error in
            XCTAssertEqual("\(error)", "f_device_fixture.json: array 'temporal_inputs' has shape [2, 1, 1, 3] and 20 bytes")
        }
    }
}

final class CarryRingTests: XCTestCase {
    private let m = CacheValidBias.masked

    func testBiasOpensTheOldestRowsFirst() {
        let b = CarryRing.bias(step: 2, length: 43)
        XCTAssertEqual(Array(b[0...3]), [0, 0, 0, m], "sink, rows 0 and 1 open, row 2 masked")
        XCTAssertEqual(b[42], 0, "current frame")
        XCTAssertEqual(CarryRing.bias(step: 0, length: 43).filter { $0 == 0 }.count, 2)
        XCTAssertEqual(CarryRing.bias(step: 100, length: 43), Array(repeating: Float(0), count: 43))
    }

    func testFillsInOrderThenShiftsTheOldestOut() {
        var ring = CarryRing(cacheCount: 2, window: 41, rowSize: 2)
        for s in 0..<43 {
            ring.file(updates: [[Float(s), -Float(s)], [Float(s) * 10, 0]], step: s)
        }
        // after 43 steps the rows hold steps 2...42, oldest first, in every cache alike
        XCTAssertEqual(Array(ring.caches[0][0..<2]), [2, -2])
        XCTAssertEqual(Array(ring.caches[0][80..<82]), [42, -42])
        XCTAssertEqual(Array(ring.caches[1][0..<2]), [20, 0])
        XCTAssertEqual(ring.caches[0].count, 82)
    }
}

final class FloatPackingTests: XCTestCase {
    func testRoundTripsEveryBitPattern() {
        let values: [Float] = [0, -0.0, 1, -2.5, .infinity, .leastNonzeroMagnitude, .greatestFiniteMagnitude]
        let back = FloatPacking.floats(littleEndian: FloatPacking.littleEndian(values))
        XCTAssertEqual(back.map(\.bitPattern), values.map(\.bitPattern))
    }
}

final class ConsoleLineTests: XCTestCase {
    func testSummarisesARunLikeTheReceipts() {
        var placement = PlacementTally()
        placement.record(device: .neuralEngine, costWeight: 0.704)
        placement.record(device: .cpu, costWeight: 0.296)
        let run = ResultsDocument.ModelRun(
            model: "MRT2TemporalBody", kind: "temporal", computeUnits: "cpuAndNeuralEngine", error: nil,
            loadMs: 1, latenciesMs: [14.1, 13.9, 14.0, 13.8, 41.2, 14.2, 13.95, 14.05, 13.85, 14.148],
            computePlan: .from(placement), outputs: .init(FiniteTally()))
        XCTAssertEqual(ConsoleLine.summary(run),
                       "MRT2TemporalBody [cpuAndNeuralEngine]: p50 14.000 p90 14.200 p99 41.200 max 41.200 ms, "
                       + "1/10 over 40 ms, cost neural_engine 70.4% gpu 0.0% cpu 29.6%, non-finite 0/0")
    }

    func testFailedRunSaysWhy() {
        let run = ResultsDocument.ModelRun(
            model: "M", kind: "seeded", computeUnits: "all", error: "load failed: boom", loadMs: nil,
            latenciesMs: [], computePlan: .unavailable("x"), outputs: .init(FiniteTally()))
        XCTAssertEqual(ConsoleLine.summary(run), "M [all]: FAILED: load failed: boom")
    }
}

final class RunnerInfoTests: XCTestCase {
    func testDescribesThisMachine() {
        let r = RunnerInfo.current()
        XCTAssertEqual(r.appVersion, "0.1.0")
        XCTAssertFalse(r.hardwareModel.isEmpty)
        XCTAssertEqual(r.osVersion.split(separator: ".").count, 3)
    }
}
