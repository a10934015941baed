package dev.mrt2.cli.devicebench;

import dev.mrt2.cli.devicebench.DeviceBenchException.Kind;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Picks the one device that {@code --device} names from devicectl's list and checks that it can run the
 * benchmark: reachable now, paired, Developer Mode on. The lock check comes later, from {@code info lockState},
 * because the device list does not say whether the screen is locked.
 */
public final class DeviceResolver {

    private DeviceResolver() {
    }

    public static DevicectlDevice resolve(String query, List<DevicectlDevice> devices) {
        List<DevicectlDevice> matches = devices.stream().filter(d -> matches(d, query)).toList();
        if (matches.isEmpty()) {
            String seen = devices.isEmpty() ? "" : ": " + devices.stream()
                    .map(DevicectlDevice::label).collect(Collectors.joining(", "));
            throw new DeviceBenchException(Kind.NO_DEVICE, "no device matching '" + query
                    + "' is connected (devicectl list devices found " + devices.size() + seen + ")");
        }
        if (matches.size() > 1) {
            // A name shared by a reachable and an unreachable entry (an old pairing record) is not ambiguous.
            List<DevicectlDevice> reachable = matches.stream().filter(DevicectlDevice::reachable).toList();
            if (reachable.size() != 1) {
                throw new DeviceBenchException(Kind.NO_DEVICE, "'" + query + "' matches " + matches.size()
                        + " devices (" + matches.stream().map(DevicectlDevice::label).collect(Collectors.joining(", "))
                        + "); pass its UDID with --device");
            }
            matches = reachable;
        }
        DevicectlDevice device = matches.get(0);
        if (!device.reachable()) {
            throw new DeviceBenchException(Kind.NO_DEVICE, "device " + device.label()
                    + " is known but not connected (tunnelState '" + device.tunnelState()
                    + "'): connect it by cable or to this Mac's network and unlock it");
        }
        if (!"paired".equals(device.pairingState())) {
            throw new DeviceBenchException(Kind.DEVICE_NOT_READY, "device " + device.label()
                    + " is not paired with this Mac (pairingState '" + device.pairingState()
                    + "'): unlock it and answer 'Trust This Computer'");
        }
        if (device.developerMode() != null && !"enabled".equals(device.developerMode())) {
            throw new DeviceBenchException(Kind.DEVICE_NOT_READY, "Developer Mode is " + device.developerMode()
                    + " on device " + device.label() + ": Settings > Privacy & Security > Developer Mode");
        }
        return device;
    }

    private static boolean matches(DevicectlDevice device, String query) {
        // UDIDs are hex and names are typed by hand: accept either in any letter case.
        return device.selectors().stream().anyMatch(s -> s.equalsIgnoreCase(query));
    }
}
