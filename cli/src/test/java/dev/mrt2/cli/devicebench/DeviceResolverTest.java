package dev.mrt2.cli.devicebench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.mrt2.cli.devicebench.DeviceBenchException.Kind;
import java.util.List;
import org.junit.jupiter.api.Test;

class DeviceResolverTest {

    private static final List<DevicectlDevice> RECORDED =
            DevicectlJson.devices(Fixtures.file("devicectl-list-devices.json"));

    @Test
    void readsTheFieldsItDocuments() {
        DevicectlDevice phone = RECORDED.get(0);
        assertEquals("Test iPhone", phone.name());
        assertEquals("00008130-001A2B3C4D5E6F70", phone.udid());
        assertEquals("6F1C2B9E-3D4A-4B5C-8D7E-1A2B3C4D5E6F", phone.identifier());
        assertEquals("1234567890123456", phone.ecid());
        assertEquals("iPhone 15 Pro Max", phone.marketingName());
        assertEquals("paired", phone.pairingState());
        assertEquals("wired", phone.transportType());
        assertEquals("disconnected", phone.tunnelState(), "reachable, tunnel not opened yet");
        assertEquals("enabled", phone.developerMode());
        assertEquals(true, phone.ddiServicesAvailable());
        assertEquals(true, phone.reachable());
        assertEquals(false, RECORDED.get(1).reachable(), "an old pairing record without transport");
    }

    @Test
    void matchesEverySelectorDevicectlAccepts() {
        for (String q : List.of("Test iPhone", "test iphone", "00008130-001A2B3C4D5E6F70",
                "00008130-001a2b3c4d5e6f70", "6F1C2B9E-3D4A-4B5C-8D7E-1A2B3C4D5E6F", "F2LTESTSERIAL",
                "1234567890123456")) {
            assertEquals("Test iPhone", DeviceResolver.resolve(q, RECORDED).name(), q);
        }
    }

    @Test
    void noDevicesAtAll() {
        DeviceBenchException e = assertThrows(DeviceBenchException.class, () -> DeviceResolver.resolve("iPhone",
                DevicectlJson.devices(Fixtures.file("devicectl-list-devices-empty.json"))));
        assertEquals(Kind.NO_DEVICE, e.kind());
        assertEquals("no device matching 'iPhone' is connected (devicectl list devices found 0)", e.getMessage());
    }

    @Test
    void noMatchListsWhatWasSeen() {
        DeviceBenchException e = assertThrows(DeviceBenchException.class,
                () -> DeviceResolver.resolve("iPhone", RECORDED));
        assertEquals("no device matching 'iPhone' is connected (devicectl list devices found 2: 'Test iPhone' "
                + "(00008130-001A2B3C4D5E6F70), 'Old iPad' (00008027-000A11B22C33D44E))", e.getMessage());
    }

    @Test
    void knownButUnreachableIsNotConnected() {
        DeviceBenchException e = assertThrows(DeviceBenchException.class,
                () -> DeviceResolver.resolve("Old iPad", RECORDED));
        assertEquals(Kind.NO_DEVICE, e.kind());
        assertEquals("device 'Old iPad' (00008027-000A11B22C33D44E) is known but not connected (tunnelState "
                + "'unavailable'): connect it by cable or to this Mac's network and unlock it", e.getMessage());
    }

    @Test
    void developerModeOff() {
        DevicectlDevice off = withState("paired", "disabled", "Phone");
        DeviceBenchException e = assertThrows(DeviceBenchException.class,
                () -> DeviceResolver.resolve("Phone", List.of(off)));
        assertEquals(Kind.DEVICE_NOT_READY, e.kind());
        assertEquals("Developer Mode is disabled on device 'Phone' (UDID-Phone): Settings > Privacy & Security > "
                + "Developer Mode", e.getMessage());
    }

    @Test
    void notPaired() {
        DeviceBenchException e = assertThrows(DeviceBenchException.class,
                () -> DeviceResolver.resolve("Phone", List.of(withState("unpaired", "enabled", "Phone"))));
        assertEquals(Kind.DEVICE_NOT_READY, e.kind());
        assertEquals("device 'Phone' (UDID-Phone) is not paired with this Mac (pairingState 'unpaired'): unlock it "
                + "and answer 'Trust This Computer'", e.getMessage());
    }

    @Test
    void twoReachablePhonesWithOneNameAreAmbiguous() {
        DevicectlDevice a = withState("paired", "enabled", "Phone");
        DevicectlDevice b = new DevicectlDevice("id-b", "Phone", "18.0", "enabled", true, "UDID-B", null, null,
                null, null, "paired", "wired", "connected");
        DeviceBenchException e = assertThrows(DeviceBenchException.class,
                () -> DeviceResolver.resolve("Phone", List.of(a, b)));
        assertEquals("'Phone' matches 2 devices ('Phone' (UDID-Phone), 'Phone' (UDID-B)); pass its UDID with "
                + "--device", e.getMessage());
        assertEquals("UDID-B", DeviceResolver.resolve("udid-b", List.of(a, b)).udid());
    }

    @Test
    void lockStateFields() {
        assertEquals(true, DevicectlJson.lockState(Fixtures.file("devicectl-lockstate-locked.json")).locked());
        assertEquals(false, DevicectlJson.lockState(Fixtures.file("devicectl-lockstate-unlocked.json")).locked());
        assertEquals(true, new DevicectlJson.LockState(null, false).locked(), "never unlocked since boot");
        assertEquals(false, new DevicectlJson.LockState(null, null).locked(), "no evidence is not a lock");
    }

    private static DevicectlDevice withState(String pairing, String devMode, String name) {
        return new DevicectlDevice("id-" + name, name, "18.0", devMode, true, "UDID-" + name, null, null, null,
                null, pairing, "wired", "connected");
    }
}
