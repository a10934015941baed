import SwiftUI
#if canImport(UIKit)
import UIKit
#endif
#if canImport(BenchCore)
import BenchCore
#endif
#if canImport(BenchCoreML)
import BenchCoreML
#endif

/// The iOS runner. Launched by `mrt2 device-bench` (devicectl) with `--mrt2-bench ...` arguments, it benchmarks the
/// models in its Documents folder, writes the results file there and exits; opened by hand it only says so.
@main
struct Mrt2DeviceBenchApp: App {
    @StateObject private var run = BenchRun()

    var body: some Scene {
        WindowGroup {
            BenchStatusView(run: run)
                .task { await run.start() }
        }
    }
}

@MainActor
final class BenchRun: ObservableObject {
    @Published private(set) var lines: [String] = []
    private var started = false

    func start() async {
        guard !started else { return }
        started = true
        let arguments: BenchArguments
        do {
            guard let parsed = try BenchArguments.parse(ProcessInfo.processInfo.arguments) else {
                lines.append("mrt2 device runner \(RunnerInfo.appVersion)")
                lines.append("Start it with `mrt2 device-bench --device ... --models DIR` from a Mac.")
                return
            }
            arguments = parsed
        } catch {
            finish("bad launch arguments: \(error)", status: 2)
        }
        let documents = FileManager.default.urls(for: .documentDirectory, in: .userDomainMask)[0]
        // A benchmark that lets the phone lock would stall its predictions and time out.
        UIApplication.shared.isIdleTimerDisabled = true
        do {
            try await BenchSession.run(arguments: arguments,
                                       modelsDirectory: Self.resolve(arguments.modelsDir, in: documents),
                                       output: Self.resolve(arguments.out, in: documents),
                                       fixture: arguments.fixture.map { Self.resolve($0, in: documents) }
            ) { @Sendable line in
                print(line)
                Task { @MainActor in self.lines.append(line) }
            }
        } catch {
            finish("cannot write results: \(error)", status: 1)
        }
        finish(nil, status: 0)
    }

    /// Exits so that `devicectl device process launch --console` returns; the results file is already in place.
    private func finish(_ message: String?, status: Int32) -> Never {
        if let message {
            print("mrt2-bench: \(message)")
        }
        exit(status)
    }

    private static func resolve(_ path: String, in documents: URL) -> URL {
        path.hasPrefix("/") ? URL(fileURLWithPath: path) : documents.appendingPathComponent(path)
    }
}

struct BenchStatusView: View {
    @ObservedObject var run: BenchRun

    var body: some View {
        ScrollView {
            VStack(alignment: .leading, spacing: 6) {
                ForEach(Array(run.lines.enumerated()), id: \.offset) { _, line in
                    Text(line).font(.system(.footnote, design: .monospaced))
                }
            }
            .frame(maxWidth: .infinity, alignment: .leading)
            .padding()
        }
    }
}
