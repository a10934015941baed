package dev.mrt2.cli.devicebench;

import java.util.Map;
import java.util.TreeMap;

/**
 * What the benchmark ran on, as the receipts name it: the phone devicectl resolved, or this Mac.
 *
 * @param mode   "device" or "mac"
 * @param query  the --device value (null on a Mac)
 * @param device the resolved devicectl entry (null on a Mac)
 */
public record BenchTarget(String mode, String query, DevicectlDevice device) {

    public static BenchTarget mac() {
        return new BenchTarget("mac", null, null);
    }

    public static BenchTarget device(String query, DevicectlDevice device) {
        return new BenchTarget("device", query, device);
    }

    /** JSON form; absent facts are left out rather than written as null. */
    Map<String, Object> toJson() {
        Map<String, Object> m = new TreeMap<>();
        m.put("mode", mode);
        if (device != null) {
            m.put("device_query", query);
            putIfPresent(m, "name", device.name());
            putIfPresent(m, "udid", device.udid());
            putIfPresent(m, "identifier", device.identifier());
            putIfPresent(m, "marketing_name", device.marketingName());
            putIfPresent(m, "product_type", device.productType());
            putIfPresent(m, "os_version", device.osVersion());
            putIfPresent(m, "transport", device.transportType());
        }
        return m;
    }

    String describe() {
        if (device == null) {
            return "this Mac";
        }
        StringBuilder b = new StringBuilder();
        b.append(device.marketingName() != null ? device.marketingName() : "device");
        if (device.name() != null) {
            b.append(" '").append(device.name()).append("'");
        }
        if (device.osVersion() != null) {
            b.append(", iOS ").append(device.osVersion());
        }
        if (device.udid() != null) {
            b.append(", ").append(device.udid());
        }
        return b.toString();
    }

    private static void putIfPresent(Map<String, Object> m, String key, String value) {
        if (value != null) {
            m.put(key, value);
        }
    }
}
