package dev.mrt2.validate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.mrt2.io.BadInputException;
import dev.mrt2.tensor.NdArray;
import dev.mrt2.tensor.Npz;
import dev.mrt2.validate.fixtures.DeviceFixture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a streaming fixture's name and device manifest say before any array is used: a name saying 0 steps (rows of
 * nothing, once a division by zero) or more steps than an int holds (once a NumberFormatException) and a manifest
 * made with another temporal window are refused in one line naming the file, not reported as internal errors or
 * compared as if they were the model's.
 */
class StreamFixtureHeaderTest {
    @TempDir
    Path tmp;

    private static SortedMap<String, NdArray> stream(int steps) {
        return new TreeMap<>(Map.of(
                FixtureFiles.STREAM_INPUTS, NdArray.f32(new int[] {steps, 1, 1, 4}, new float[steps * 4]),
                FixtureFiles.STREAM_SOURCES, NdArray.f32(new int[] {steps, 1, 1, 2}, new float[steps * 2]),
                FixtureFiles.STREAM_OUTPUTS, NdArray.f32(new int[] {1, steps, 4}, new float[steps * 4])));
    }

    private static String refused(Path dir) {
        return assertThrows(BadInputException.class, () -> FixtureFolder.read(dir)).getMessage();
    }

    @Test
    void aStreamOfZeroStepsIsRefusedByItsName() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("zero"));
        // what np.savez_compressed writes for arrays of 0 rows
        Npz.writeCompressed(dir.resolve("temporal_streaming_carry_0.npz"), stream(0));
        assertEquals(dir.resolve("temporal_streaming_carry_0.npz") + ": the name says 0 steps; a streaming fixture "
                + "holds 1 to 2147483647", refused(dir));

        Path device = Files.createDirectories(tmp.resolve("zero-device"));
        new DeviceFixture(DeviceFixture.SCHEMA, 0, 41, stream(0)).write(device, "temporal_streaming_carry_0");
        assertEquals(device.resolve("temporal_streaming_carry_0_device_fixture.json") + ": the name says 0 steps; "
                + "a streaming fixture holds 1 to 2147483647", refused(device));
    }

    @Test
    void aStepCountBeyondAnIntIsRefusedByItsName() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("huge"));
        Npz.writeCompressed(dir.resolve("temporal_streaming_carry_99999999999.npz"), stream(1));
        assertEquals(dir.resolve("temporal_streaming_carry_99999999999.npz") + ": the name says 99999999999 steps; "
                + "a streaming fixture holds 1 to 2147483647", refused(dir));
    }

    @Test
    void aDeviceFixtureOfAnotherWindowIsRefused() throws IOException {
        Path good = Files.createDirectories(tmp.resolve("window41"));
        new DeviceFixture(DeviceFixture.SCHEMA, 1, 41, stream(1)).write(good, "temporal_streaming_carry_1");
        assertEquals(1, FixtureFolder.read(good).stream().steps());

        Path dir = Files.createDirectories(tmp.resolve("window40"));
        new DeviceFixture(DeviceFixture.SCHEMA, 1, 40, stream(1)).write(dir, "temporal_streaming_carry_1");
        assertEquals(dir.resolve("temporal_streaming_carry_1_device_fixture.json") + ": 'window_frames' is 40, the "
                + "model's temporal window is 41 frames (mrt2-model.md §3.5)", refused(dir));
    }
}
