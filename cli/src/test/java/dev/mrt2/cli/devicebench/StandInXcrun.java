package dev.mrt2.cli.devicebench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A bash stand-in for {@code xcrun}, written into a test's temporary folder and put first on the child's PATH.
 * It appends every call to a log (arguments separated by U+001F, one call per line) and answers like coremlcompiler,
 * devicectl, xcodebuild and swift build do, in the scenario named by {@code XCRUN_SCENARIO}:
 * <ul>
 *   <li>{@code success}: everything works; {@code copy from} delivers {@code XCRUN_RESULTS} once the app ran</li>
 *   <li>{@code no-device}: {@code list devices} finds nothing</li>
 *   <li>{@code locked}: {@code info lockState} reports a passcode is required</li>
 *   <li>{@code locked-at-launch}: lockState says unlocked, then the launch fails the way FrontBoard does on a
 *       locked phone</li>
 *   <li>{@code crash}: the launch ends with an error (the app died)</li>
 *   <li>{@code crash-silent}: the launch returns 0 but the app never writes results</li>
 *   <li>{@code timeout}: the launch hangs (sleeps 30 s)</li>
 *   <li>{@code unreachable}: the phone is listed but lockState cannot reach it</li>
 * </ul>
 */
public final class StandInXcrun {

    private static final String SCRIPT = """
            #!/bin/bash
            # Stand-in for xcrun in mrt2 device-bench tests: records the call, answers like the real tool.
            { printf '%s\\x1f' xcrun "$@"; printf '\\n'; } >> "$XCRUN_LOG"
            scenario="${XCRUN_SCENARIO:-success}"
            fixtures="$XCRUN_FIXTURES"
            opt() { # value of option $1 among the remaining arguments
              local want="$1"; shift
              while [ $# -gt 0 ]; do
                if [ "$1" = "$want" ]; then echo "$2"; return; fi
                shift
              done
            }
            setting() { # value of NAME=VALUE build setting $1
              local want="$1"; shift
              for a in "$@"; do case "$a" in "$want="*) echo "${a#*=}"; return;; esac; done
            }
            case "$1 $2" in
              "coremlcompiler compile")
                name=$(basename "$3" .mlpackage)
                mkdir -p "$4/$name.mlmodelc" && echo compiled > "$4/$name.mlmodelc/coremldata.bin"
                echo "$4/$name.mlmodelc"
                ;;
              "devicectl list")
                if [ "$scenario" = no-device ]; then src=devicectl-list-devices-empty.json
                else src=devicectl-list-devices.json; fi
                cp "$fixtures/$src" "$(opt --json-output "$@")"
                ;;
              "devicectl device")
                case "$3 $4" in
                  "info lockState")
                    if [ "$scenario" = unreachable ]; then
                      echo "ERROR: The device is not connected. (com.apple.dt.CoreDeviceError error 1011.)" >&2
                      exit 1
                    fi
                    if [ "$scenario" = locked ]; then src=devicectl-lockstate-locked.json
                    else src=devicectl-lockstate-unlocked.json; fi
                    cp "$fixtures/$src" "$(opt --json-output "$@")"
                    ;;
                  "install app") echo "App installed:" ;;
                  "copy to") echo "Copied $(opt --source "$@")" ;;
                  "process launch")
                    case "$scenario" in
                      crash)
                        echo "ERROR: The application exited abnormally (signal 11: SIGSEGV)" >&2
                        exit 1 ;;
                      crash-silent) exit 0 ;;
                      locked-at-launch)
                        echo "ERROR: The request to open \\"dev.mrt2.DeviceBench\\" failed. (FBSOpenApplicationErrorDomain error 7: Locked)" >&2
                        exit 1 ;;
                      timeout) sleep 30 ;;
                      *)
                        echo "Launched application with dev.mrt2.DeviceBench bundle identifier."
                        touch "$XCRUN_STATE/launched" ;;
                    esac
                    ;;
                  "copy from")
                    if [ -f "$XCRUN_STATE/launched" ]; then
                      cp "$XCRUN_RESULTS" "$(opt --destination "$@")"
                    else
                      echo "ERROR: The file doesn't exist. (NSCocoaErrorDomain error 4.)" >&2
                      exit 1
                    fi
                    ;;
                  *) echo "stand-in xcrun: unexpected devicectl device $3 $4" >&2; exit 64 ;;
                esac
                ;;
              "xcodebuild -project")
                app="$(setting SYMROOT "$@")/Release-iphoneos/Mrt2DeviceBench.app"
                mkdir -p "$app" && echo "** BUILD SUCCEEDED **"
                ;;
              "swift build")
                bin="$(opt --scratch-path "$@")/release/mrt2-bench"
                mkdir -p "$(dirname "$bin")"
                printf '#!/bin/bash\\n{ printf "%%s\\\\x1f" mrt2-bench "$@"; printf "\\\\n"; } >> "$XCRUN_LOG"\\nwhile [ $# -gt 0 ]; do [ "$1" = --out ] && cp "$XCRUN_RESULTS" "$2"; shift; done\\n' > "$bin"
                chmod +x "$bin"
                ;;
              *) echo "stand-in xcrun: unexpected call: $*" >&2; exit 64 ;;
            esac
            """;

    private final Path bin;
    private final Path log;
    private final Path state;

    public StandInXcrun(Path dir) throws IOException {
        this.bin = Files.createDirectories(dir.resolve("bin"));
        this.state = Files.createDirectories(dir.resolve("xcrun-state"));
        this.log = dir.resolve("xcrun.log");
        Path xcrun = bin.resolve("xcrun");
        Files.writeString(xcrun, SCRIPT);
        Files.setPosixFilePermissions(xcrun, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /** The environment overrides that put the stand-in first on PATH, for a scenario and a results file. */
    public Map<String, String> env(String scenario, Path results) {
        return Map.of(
                "PATH", bin + ":/usr/bin:/bin",
                "XCRUN_LOG", log.toString(),
                "XCRUN_STATE", state.toString(),
                "XCRUN_SCENARIO", scenario,
                "XCRUN_FIXTURES", Fixtures.dir().toString(),
                "XCRUN_RESULTS", results.toString());
    }

    /** Every recorded call, in order, as argv lists. */
    public List<List<String>> calls() throws IOException {
        if (!Files.exists(log)) {
            return List.of();
        }
        List<List<String>> calls = new ArrayList<>();
        for (String line : Files.readAllLines(log)) {
            List<String> argv = new ArrayList<>(Arrays.asList(line.split("\u001f", -1)));
            argv.remove(argv.size() - 1); // the separator after the last argument
            calls.add(argv);
        }
        return calls;
    }
}
