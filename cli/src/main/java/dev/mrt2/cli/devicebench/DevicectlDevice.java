package dev.mrt2.cli.devicebench;

import java.util.ArrayList;
import java.util.List;

/**
 * The fields of one entry of {@code xcrun devicectl list devices --json-output F} that device-bench reads
 * ({@code result.devices[i]}). Absent fields are null; nothing else in the entry is interpreted.
 *
 * @param identifier          {@code identifier}: CoreDevice UUID
 * @param name                {@code deviceProperties.name}: the name the user gave the phone
 * @param osVersion           {@code deviceProperties.osVersionNumber}
 * @param developerMode       {@code deviceProperties.developerModeStatus}: "enabled" or "disabled"
 * @param ddiServicesAvailable {@code deviceProperties.ddiServicesAvailable}: false while the developer disk image is
 *                            not mounted, which is the case on a phone that has been locked since it connected
 * @param udid                {@code hardwareProperties.udid}
 * @param serialNumber        {@code hardwareProperties.serialNumber}
 * @param ecid                {@code hardwareProperties.ecid}, as decimal text
 * @param marketingName       {@code hardwareProperties.marketingName}, e.g. "iPhone 15 Pro Max"
 * @param productType         {@code hardwareProperties.productType}, e.g. "iPhone16,2"
 * @param pairingState        {@code connectionProperties.pairingState}: "paired" when the phone trusts this Mac
 * @param transportType       {@code connectionProperties.transportType}: "wired" or "localNetwork"; absent when
 *                            the device is not seen at all
 * @param tunnelState         {@code connectionProperties.tunnelState}: "connected", "disconnected" (reachable, no
 *                            tunnel open yet) or "unavailable" (not reachable now)
 */
public record DevicectlDevice(
        String identifier,
        String name,
        String osVersion,
        String developerMode,
        Boolean ddiServicesAvailable,
        String udid,
        String serialNumber,
        String ecid,
        String marketingName,
        String productType,
        String pairingState,
        String transportType,
        String tunnelState) {

    /** Every value devicectl's {@code --device} accepts for this entry. */
    public List<String> selectors() {
        List<String> all = new ArrayList<>();
        for (String s : new String[] {identifier, udid, serialNumber, ecid, name}) {
            if (s != null && !s.isEmpty()) {
                all.add(s);
            }
        }
        return all;
    }

    /** Reachable now: devicectl has a transport to it and does not call its tunnel unavailable. */
    public boolean reachable() {
        return transportType != null && !transportType.isEmpty() && !"unavailable".equals(tunnelState);
    }

    /** "Name (UDID)" for messages; falls back to whatever identifies the device. */
    public String label() {
        String id = udid != null ? udid : identifier;
        if (name == null) {
            return id == null ? "(unnamed device)" : id;
        }
        return id == null ? "'" + name + "'" : "'" + name + "' (" + id + ")";
    }
}
