package dev.mrt2.cli.devicebench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mrt2.cli.devicebench.DeviceBenchException.Kind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads the two devicectl JSON outputs device-bench relies on ({@code list devices}, {@code info lockState}). */
public final class DevicectlJson {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private DevicectlJson() {
    }

    /** Parses {@code result.devices} of {@code devicectl list devices --json-output}. */
    public static List<DevicectlDevice> devices(Path file) {
        JsonNode devices = read(file).path("result").path("devices");
        if (!devices.isArray()) {
            throw new DeviceBenchException(Kind.TOOL_FAILED,
                    file + ": devicectl list devices wrote no result.devices array");
        }
        List<DevicectlDevice> list = new ArrayList<>();
        for (JsonNode d : devices) {
            JsonNode dev = d.path("deviceProperties");
            JsonNode hw = d.path("hardwareProperties");
            JsonNode conn = d.path("connectionProperties");
            list.add(new DevicectlDevice(
                    text(d.path("identifier")),
                    text(dev.path("name")),
                    text(dev.path("osVersionNumber")),
                    text(dev.path("developerModeStatus")),
                    dev.path("ddiServicesAvailable").isBoolean() ? dev.path("ddiServicesAvailable").asBoolean() : null,
                    text(hw.path("udid")),
                    text(hw.path("serialNumber")),
                    text(hw.path("ecid")),
                    text(hw.path("marketingName")),
                    text(hw.path("productType")),
                    text(conn.path("pairingState")),
                    text(conn.path("transportType")),
                    text(conn.path("tunnelState"))));
        }
        return List.copyOf(list);
    }

    /**
     * Reads {@code devicectl device info lockState --json-output}: the phone is locked when
     * {@code result.passcodeRequired} is true (a passcode must be entered now) or {@code result.unlockedSinceBoot}
     * is false (never unlocked since boot, so data-protected files and the app container are closed).
     */
    public static LockState lockState(Path file) {
        JsonNode result = read(file).path("result");
        JsonNode passcode = result.path("passcodeRequired");
        JsonNode unlocked = result.path("unlockedSinceBoot");
        return new LockState(
                passcode.isBoolean() ? passcode.asBoolean() : null,
                unlocked.isBoolean() ? unlocked.asBoolean() : null);
    }

    /** What devicectl said about the lock: either field may be absent on older Xcode versions. */
    public record LockState(Boolean passcodeRequired, Boolean unlockedSinceBoot) {
        public boolean locked() {
            return Boolean.TRUE.equals(passcodeRequired) || Boolean.FALSE.equals(unlockedSinceBoot);
        }
    }

    private static JsonNode read(Path file) {
        try {
            return MAPPER.readTree(Files.readString(file));
        } catch (IOException e) {
            throw new DeviceBenchException(Kind.TOOL_FAILED,
                    file + ": devicectl wrote no readable JSON (" + e.getMessage().lines().findFirst().orElse("") + ")",
                    e);
        }
    }

    private static String text(JsonNode node) {
        if (node.isTextual()) {
            return node.asText();
        }
        if (node.isIntegralNumber()) {
            return node.bigIntegerValue().toString();
        }
        return null;
    }
}
