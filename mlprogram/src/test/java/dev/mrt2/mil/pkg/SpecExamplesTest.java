package dev.mrt2.mil.pkg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mrt2.mil.DataType;
import dev.mrt2.mil.Metadata;
import dev.mrt2.mil.MilBuilder;
import dev.mrt2.mil.Opset;
import dev.mrt2.mil.ProgramText;
import dev.mrt2.mil.TensorType;
import dev.mrt2.mil.Var;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** coreml-mlpackage.md §7: the worked examples written to disk match the spec's lengths and SHA-256, file by file. */
class SpecExamplesTest {
    static final String MANIFEST_SHA = "b9d91b16fae049486c357b420de5724f520e4c48b8c16e7b79bb5224c89265ec";
    static final String HEADER_ONLY_WEIGHTS_SHA = Digests.sha256(new byte[] {0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
            0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
            0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});

    @TempDir
    Path dir;

    @Test
    void exampleAMatchesSpecBytes() throws Exception {
        Path target = dir.resolve("A.mlpackage");
        PackageWriteResult r = Examples.writeA(target);
        assertEquals(301, r.modelBytes());
        assertEquals("4fc072c27543be98ba2db4b1d2268cff3a692bcda8ca9f45b1c8c45c9bea6a80", r.modelSha256());
        assertEquals(64, r.weightBytes(), "no blob: a header-only weight.bin (§1.6 option b)");
        assertEquals(HEADER_ONLY_WEIGHTS_SHA, r.weightSha256());
        assertFilesMatch(target, r);
    }

    @Test
    void exampleAFp16MatchesSpecBytes() {
        Path target = dir.resolve("Afp16.mlpackage");
        PackageWriteResult r = MlPackageWriter.write(target, Examples.aFp16());
        assertEquals(791, r.modelBytes());
        assertEquals("f8aec00625f8c56200e8701818e6e0d693dfcf647a8b1fafa117347a3dd9e8a5", r.modelSha256());
        assertFilesMatch(target, r);
    }

    /** The same network from the builder: same structure, our literal names, one identity for the output name. */
    @Test
    void exampleAFp16FromBuilderRoundTrips() {
        Path target = dir.resolve("Afp16b.mlpackage");
        try (MlPackageBuilder pkg = MlPackageBuilder.create(target, Opset.IOS15)) {
            MilBuilder b = pkg.builder();
            Var x = b.input("x", Examples.F32_1x4);
            Var x16 = b.cast("x_to_fp16", x, DataType.FLOAT16);
            Var c = b.constant("c_to_fp16", Examples.F16_1x4, new float[] {1, 2, 3, 4});
            Var y16 = b.add("y_cast_fp16", x16, c);
            b.output("y", b.cast("y_to_fp32", y16, DataType.FLOAT32));
            pkg.commit(b.build(Metadata.empty()));
        }
        try (MlPackage read = MlPackageReader.read(target)) {
            assertEquals("""
                    main(%x: fp32[1, 4]) opset CoreML5 {
                      %x_to_fp16_dtype: string[] = const(val="fp16")
                      %x_to_fp16: fp16[1, 4] = cast(dtype=%x_to_fp16_dtype, x=%x)
                      %c_to_fp16: fp16[1, 4] = const(val=[1.0, 2.0, 3.0, 4.0])
                      %y_cast_fp16: fp16[1, 4] = add(x=%x_to_fp16, y=%c_to_fp16)
                      %y_to_fp32_dtype: string[] = const(val="fp32")
                      %y_to_fp32: fp32[1, 4] = cast(dtype=%y_to_fp32_dtype, x=%y_cast_fp16)
                      %y: fp32[1, 4] = identity(x=%y_to_fp32)
                    } -> (%y)
                    """, ProgramText.of(read.model()));
        }
    }

    @Test
    void exampleABlobMatchesSpecBytes() {
        Path target = dir.resolve("Ablob.mlpackage");
        PackageWriteResult r = Examples.writeABlob(target);
        assertEquals(313, r.modelBytes());
        assertEquals("a3fb869bc586ed6a14ed5447ef688696898624061e9cceb5459494e98027ace3", r.modelSha256());
        assertEquals(168, r.weightBytes());
        assertEquals("e5b5a050b75af0cf7e7a37fb3436efef46d1e1942b73704d8c854c0ce6e9f10f", r.weightSha256());
        assertFilesMatch(target, r);
    }

    @Test
    void exampleBMatchesSpecBytes() {
        Path target = dir.resolve("B.mlpackage");
        PackageWriteResult r = Examples.writeB(target, Metadata.empty());
        assertEquals(517, r.modelBytes());
        assertEquals("93fbf2e03325dddb84e19427e3c06d73a5572f2b750c4e4718d50719f76a5f17", r.modelSha256());
        assertFilesMatch(target, r);
    }

    @Test
    void manifestMatchesSection75() throws Exception {
        byte[] bytes = Manifest.standard().toBytes();
        assertEquals(617, bytes.length);
        assertEquals(MANIFEST_SHA, Digests.sha256(bytes));
        String text = new String(bytes, StandardCharsets.UTF_8);
        assertEquals("""
                {
                    "fileFormatVersion": "1.0.0",
                    "itemInfoEntries": {
                        "2B0550FC-D6E9-5F18-8CF7-D77FB4D55B8B": {
                            "author": "com.apple.CoreML",
                            "description": "CoreML Model Weights",
                            "name": "weights",
                            "path": "com.apple.CoreML/weights"
                        },
                        "CCEA4B4E-14A1-5F11-8391-0BCA9ED5FEEB": {
                            "author": "com.apple.CoreML",
                            "description": "CoreML Model Specification",
                            "name": "model.mlmodel",
                            "path": "com.apple.CoreML/model.mlmodel"
                        }
                    },
                    "rootModelIdentifier": "CCEA4B4E-14A1-5F11-8391-0BCA9ED5FEEB"
                }
                """, text);
    }

    @Test
    void identifiersAreTheSection14Uuid5Vectors() {
        assertEquals("CCEA4B4E-14A1-5F11-8391-0BCA9ED5FEEB", ItemIdentifiers.forPath("com.apple.CoreML/model.mlmodel"));
        assertEquals("2B0550FC-D6E9-5F18-8CF7-D77FB4D55B8B", ItemIdentifiers.forPath("com.apple.CoreML/weights"));
    }

    @Test
    void manifestParsesBackToTheSameContent() {
        Manifest parsed = Manifest.parse(Manifest.standard().toBytes());
        assertArrayEquals(Manifest.standard().toBytes(), parsed.toBytes());
        assertEquals(PackageLayout.MODEL_ITEM_PATH, parsed.rootItem().path());
        assertEquals(PackageLayout.WEIGHTS_ITEM_PATH, parsed.weightsItem().path());
    }

    /** Every file on disk has the size and digest the write reported; the package holds nothing else. */
    static void assertFilesMatch(Path pkg, PackageWriteResult r) {
        try {
            Path model = pkg.resolve(PackageLayout.MODEL_FILE);
            Path weights = pkg.resolve(PackageLayout.WEIGHTS_DIR).resolve(PackageLayout.WEIGHT_FILE);
            Path manifest = pkg.resolve(PackageLayout.MANIFEST);
            assertEquals(r.modelBytes(), Files.size(model));
            assertEquals(r.weightBytes(), Files.size(weights));
            assertEquals(r.manifestBytes(), Files.size(manifest));
            assertEquals(r.modelSha256(), Digests.sha256(model));
            assertEquals(r.weightSha256(), Digests.sha256(weights));
            assertEquals(MANIFEST_SHA, Digests.sha256(manifest));
            assertEquals(r.modelBytes() + r.weightBytes() + r.manifestBytes(), r.totalBytes());
            try (var files = Files.walk(pkg)) {
                assertEquals(3, files.filter(Files::isRegularFile).count());
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
