package dev.mrt2.mil.pkg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.mrt2.mil.DataType;
import dev.mrt2.mil.ProgramText;
import dev.mrt2.mil.TensorType;
import dev.mrt2.mil.proto.MilProtos;
import dev.mrt2.mil.proto.ModelProtos;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reader accepts what coremltools writes and we do not: random lower-case identifiers, an empty weights
 * directory, unlisted files, Program.attributes["buildInfo"], inline Binding.value arguments, an output
 * description without a shape, and its own metadata keys.
 */
class CoremltoolsStyleReadTest {
    @TempDir
    Path dir;

    @Test
    void readsAPackageShapedLikeCoremltoolsOutput() throws Exception {
        Path pkg = dir.resolve("ct.mlpackage");
        Path model = pkg.resolve(PackageLayout.MODEL_FILE);
        Files.createDirectories(pkg.resolve(PackageLayout.WEIGHTS_DIR));           // empty: no blob was large enough
        Files.writeString(pkg.resolve("executorch_debug_handle_mapping.json"), "{}");
        Files.writeString(pkg.resolve("Manifest.json"), """
                {
                    "fileFormatVersion": "1.0.0",
                    "itemInfoEntries": {
                        "c4bd585e-521e-4eaa-870a-353b220bc6e0": {
                            "author": "com.apple.CoreML",
                            "description": "CoreML Model Weights",
                            "name": "weights",
                            "path": "com.apple.CoreML/weights"
                        },
                        "d366de41-de8d-437c-b387-efc02fecea3c": {
                            "author": "com.apple.CoreML",
                            "description": "CoreML Model Specification",
                            "name": "model.mlmodel",
                            "path": "com.apple.CoreML/model.mlmodel"
                        }
                    },
                    "rootModelIdentifier": "d366de41-de8d-437c-b387-efc02fecea3c"
                }
                """);
        Files.write(model, coremltoolsStyleModel(dir));

        try (MlPackage read = MlPackageReader.read(pkg)) {
            assertNull(read.weightFile());
            assertEquals("""
                    main(%x: fp32[1, 4]) opset CoreML5 {
                      %y: fp32[1, 4] = add(x=%x, y=[1.0, 2.0, 3.0, 4.0])
                    } -> (%y)
                    """, ProgramText.of(read.model()));
            assertEquals(TensorType.of(DataType.FLOAT32, 1, 4), read.model().description().outputs().get(0).type(),
                    "shape taken from the program");
            PackageSummary s = PackageSummary.of(read);
            assertEquals(1, s.constants().count());
            assertEquals("9.1.dev1", s.metadata().userDefined().get("com.github.apple.coremltools.version"));

            // Re-written in our canonical form, it reads back the same.
            PackageWriteResult r = MlPackageWriter.write(dir.resolve("ours.mlpackage"), read.model());
            assertEquals(64, r.weightBytes());
            try (MlPackage again = MlPackageReader.read(dir.resolve("ours.mlpackage"))) {
                assertEquals(ProgramText.of(read.model()), ProgramText.of(again.model()));
            }
        }
    }

    /** Example A, but with the constant inlined into the add, buildInfo, coremltools metadata, no output shape. */
    private static byte[] coremltoolsStyleModel(Path tmp) throws Exception {
        Examples.writeA(tmp.resolve("A.mlpackage"));
        ModelProtos.Model.Builder m = ModelProtos.Model.parseFrom(
                Files.readAllBytes(tmp.resolve("A.mlpackage").resolve(PackageLayout.MODEL_FILE))).toBuilder();
        m.getDescriptionBuilder().getOutputBuilder(0).getTypeBuilder().getMultiArrayTypeBuilder().clearShape();
        m.getDescriptionBuilder().getMetadataBuilder()
                .putUserDefined("com.github.apple.coremltools.version", "9.1.dev1")
                .putUserDefined("com.github.apple.coremltools.source", "milinternal");
        MilProtos.Program.Builder p = m.getMlProgramBuilder();
        MilProtos.Function.Builder f = p.getFunctionsOrThrow("main").toBuilder();
        MilProtos.Block.Builder b = f.getBlockSpecializationsOrThrow("CoreML5").toBuilder();
        MilProtos.Value c = b.getOperations(0).getAttributesOrThrow("val");
        b.removeOperations(0);
        b.getOperationsBuilder(0).putInputs("y", MilProtos.Argument.newBuilder()
                .addArguments(MilProtos.Argument.Binding.newBuilder().setValue(c)).build());
        f.putBlockSpecializations("CoreML5", b.build());
        p.putFunctions("main", f.build());
        MilProtos.Value str = MilProtos.Value.newBuilder().setType(MilProtos.ValueType.newBuilder()
                .setTensorType(MilProtos.TensorType.newBuilder().setDataType(MilProtos.DataType.STRING))).build();
        MilProtos.ValueType dictType = MilProtos.ValueType.newBuilder().setDictionaryType(MilProtos.DictionaryType.newBuilder()
                .setKeyType(str.getType()).setValueType(str.getType())).build();
        p.putAttributes("buildInfo", MilProtos.Value.newBuilder().setType(dictType)
                .setImmediateValue(MilProtos.Value.ImmediateValue.newBuilder().setDictionary(
                        MilProtos.DictionaryValue.newBuilder().addValues(MilProtos.DictionaryValue.KeyValuePair.newBuilder()
                                .setKey(stringValue("coremltools-version")).setValue(stringValue("9.1.dev1")))))
                .build());
        return m.build().toByteArray();
    }

    private static MilProtos.Value stringValue(String s) {
        return MilProtos.Value.newBuilder()
                .setType(MilProtos.ValueType.newBuilder().setTensorType(MilProtos.TensorType.newBuilder()
                        .setDataType(MilProtos.DataType.STRING)))
                .setImmediateValue(MilProtos.Value.ImmediateValue.newBuilder().setTensor(MilProtos.TensorValue.newBuilder()
                        .setStrings(MilProtos.TensorValue.RepeatedStrings.newBuilder().addValues(s))))
                .build();
    }
}
