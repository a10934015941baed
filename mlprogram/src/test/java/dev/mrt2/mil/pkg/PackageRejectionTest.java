package dev.mrt2.mil.pkg;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.UnknownFieldSet;
import dev.mrt2.mil.Metadata;
import dev.mrt2.mil.MilException;
import dev.mrt2.mil.proto.MilProtos;
import dev.mrt2.mil.proto.ModelProtos;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One test per rejection rule (coreml-mlpackage.md §8): a valid package is written, one thing in it is broken,
 * and the reader must refuse it with one error that names the package, the file and the problem.
 */
class PackageRejectionTest {
    @TempDir
    Path dir;
    Path pkg;

    @BeforeEach
    void writeValidPackage() {
        pkg = dir.resolve("A.mlpackage");
        Examples.writeABlob(pkg);
        MlPackageReader.read(pkg).close();   // the untouched package is accepted
    }

    // ---------------------------------------------------------------- package and manifest (§8.1)

    @Test
    void rejectsMissingManifest() throws IOException {
        Files.delete(pkg.resolve("Manifest.json"));
        assertRejected("Manifest.json is missing");
    }

    @Test
    void rejectsManifestThatIsNotJson() throws IOException {
        writeManifest("{\"fileFormatVersion\": ");
        assertRejected("Manifest.json: not valid JSON");
    }

    @Test
    void rejectsDuplicateJsonKeys() throws IOException {
        writeManifest(manifest().replace("\"rootModelIdentifier\"", "\"fileFormatVersion\": \"1.0.0\",\n    \"rootModelIdentifier\""));
        assertRejected("Manifest.json: not valid JSON", "Duplicate field 'fileFormatVersion'");
    }

    @Test
    void rejectsWrongFileFormatVersion() throws IOException {
        writeManifest(manifest().replace("\"1.0.0\"", "\"2.0.0\""));
        assertRejected("fileFormatVersion is \"2.0.0\", expected \"1.0.0\"");
    }

    @Test
    void rejectsItemWithoutRequiredMember() throws IOException {
        writeManifest(manifest().replace("\"description\": \"CoreML Model Weights\",", ""));
        assertRejected("item '" + Manifest.WEIGHTS_ID + "': 'description' is missing");
    }

    @Test
    void rejectsItemPathWithDotDot() throws IOException {
        writeManifest(manifest().replace("\"path\": \"com.apple.CoreML/weights\"", "\"path\": \"../../etc\""));
        assertRejected("path '../../etc' has an empty, '.' or '..' segment");
    }

    @Test
    void rejectsAbsoluteItemPath() throws IOException {
        writeManifest(manifest().replace("\"path\": \"com.apple.CoreML/weights\"", "\"path\": \"/etc\""));
        assertRejected("path '/etc' must be relative");
    }

    @Test
    void rejectsItemLinkingOutsideData() throws IOException {
        Path outside = dir.resolve("elsewhere.mlmodel");
        Path model = pkg.resolve(PackageLayout.MODEL_FILE);
        Files.move(model, outside);
        Files.createSymbolicLink(model, outside);
        assertRejected("links outside Data/");
    }

    @Test
    void rejectsListedItemMissingOnDisk() throws IOException {
        Path weights = pkg.resolve(PackageLayout.WEIGHTS_DIR);
        Files.delete(weights.resolve("weight.bin"));
        Files.delete(weights);
        assertRejected("(com.apple.CoreML/weights) does not exist under Data/");
    }

    @Test
    void rejectsMissingRootModelIdentifier() throws IOException {
        writeManifest(manifest().replace(",\n    \"rootModelIdentifier\": \"" + Manifest.MODEL_ID + "\"", ""));
        assertRejected("rootModelIdentifier is missing");
    }

    @Test
    void rejectsRootIdentifierThatIsNoItem() throws IOException {
        writeManifest(manifest().replace("\"rootModelIdentifier\": \"" + Manifest.MODEL_ID,
                "\"rootModelIdentifier\": \"00000000-0000-5000-8000-000000000000"));
        assertRejected("is not an item of itemInfoEntries");
    }

    @Test
    void rejectsTwoItemsWithTheSameNameAndAuthor() throws IOException {
        writeManifest(manifest().replace("\"name\": \"model.mlmodel\"", "\"name\": \"weights\""));
        assertRejected("two items named 'weights'");
    }

    // ---------------------------------------------------------------- model message (§8.2, §8.3)

    @Test
    void rejectsModelFileThatIsNotProtobuf() throws IOException {
        Files.write(pkg.resolve(PackageLayout.MODEL_FILE), new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF});
        assertRejected("Data/com.apple.CoreML/model.mlmodel: not a Core ML Model protobuf");
    }

    @Test
    void rejectsModelThatIsNotAnMlProgram() throws IOException {
        editModel(m -> m.clearMlProgram().setUnknownFields(UnknownFieldSet.newBuilder()
                .addField(500, UnknownFieldSet.Field.newBuilder().addLengthDelimited(com.google.protobuf.ByteString.EMPTY).build())
                .build()));
        assertRejected("model is not an ML Program", "[500]");
    }

    @Test
    void rejectsSpecificationVersionThatDoesNotMatchTheOpset() throws IOException {
        editModel(m -> m.setSpecificationVersion(9));
        assertRejected("specificationVersion 9 goes with opset CoreML8, but function 'main' uses opset 'CoreML5'");
    }

    @Test
    void rejectsSpecificationVersionWeDoNotWrite() throws IOException {
        editModel(m -> m.setSpecificationVersion(4));
        assertRejected("specificationVersion 4 is not an ML Program version we support");
    }

    @Test
    void rejectsDescriptionInputThatDisagreesWithTheFunction() throws IOException {
        editModel(m -> m.getDescriptionBuilder().getInputBuilder(0).getTypeBuilder().getMultiArrayTypeBuilder().setShape(1, 11));
        assertRejected("input 0: description has 'x' fp32[1, 11] but function 'main' declares 'x' fp32[1, 10]");
    }

    @Test
    void rejectsBlockOutputsThatDifferFromTheDescription() throws IOException {
        editMainBlock(b -> b.setOutputs(0, "c"));
        assertRejected("block outputs [c] differ from the description outputs [y]");
    }

    // ---------------------------------------------------------------- blocks and operations (§8.4)

    @Test
    void rejectsUnknownOp() throws IOException {
        editMainBlock(b -> b.getOperationsBuilder(1).setType("frobnicate"));
        assertRejected("op 'y' (frobnicate): unknown op type 'frobnicate'");
    }

    @Test
    void rejectsOpNewerThanTheOpset() throws IOException {
        editMainBlock(b -> b.getOperationsBuilder(1).setType("slice_update"));
        assertRejected("op 'y' (slice_update): needs opset CoreML8, function uses CoreML5");
    }

    @Test
    void rejectsParameterTheOpHasNotInThisOpset() throws IOException {
        editMainBlock(b -> b.getOperationsBuilder(1).setType("gather")
                .putInputs("batch_dims", argument("c")).removeInputs("y").putInputs("indices", argument("c")));
        assertRejected("'batch_dims' is not a parameter of gather in opset CoreML5");
    }

    @Test
    void rejectsUndefinedValue() throws IOException {
        editMainBlock(b -> b.getOperationsBuilder(1).putInputs("y", argument("nowhere")));
        assertRejected("op 'y' (add): parameter 'y' uses undefined value 'nowhere'");
    }

    @Test
    void rejectsUseBeforeDefinition() throws IOException {
        editMainBlock(b -> {
            MilProtos.Operation c = b.getOperations(0);
            b.removeOperations(0).addOperations(c);
        });
        assertRejected("uses undefined value 'c'");
    }

    @Test
    void rejectsDuplicateValueName() throws IOException {
        editMainBlock(b -> b.getOperationsBuilder(1).getOutputsBuilder(0).setName("c"));
        assertRejected("value name 'c' is defined twice");
    }

    @Test
    void rejectsDuplicateOpName() throws IOException {
        editMainBlock(b -> b.getOperationsBuilder(1).putAttributes("name", b.getOperations(0).getAttributesOrThrow("name")));
        assertRejected("duplicate op name 'c'");
    }

    @Test
    void rejectsOpWithoutNameAttribute() throws IOException {
        editMainBlock(b -> b.getOperationsBuilder(1).removeAttributes("name"));
        assertRejected("operation #1 (add): no 'name' attribute");
    }

    @Test
    void rejectsExtraAttributeOnAnOrdinaryOp() throws IOException {
        editMainBlock(b -> b.getOperationsBuilder(1).putAttributes("val", b.getOperations(0).getAttributesOrThrow("val")));
        assertRejected("op 'y' (add): unexpected attribute 'val'");
    }

    @Test
    void rejectsImmediateInTheWrongTensorValueMember() throws IOException {
        editMainBlock(b -> b.getOperationsBuilder(0).putAttributes("val", fp16Value(MilProtos.TensorValue.newBuilder()
                .setFloats(MilProtos.TensorValue.RepeatedFloats.newBuilder().addValues(1).addValues(2)).build())));
        assertRejected("fp16[2] immediate stored in 'floats', expected 'bytes' (Table 5-1)");
    }

    @Test
    void rejectsImmediateWithTheWrongElementCount() throws IOException {
        editMainBlock(b -> b.getOperationsBuilder(0).putAttributes("val", fp16Value(MilProtos.TensorValue.newBuilder()
                .setBytes(MilProtos.TensorValue.RepeatedBytes.newBuilder()
                        .setValues(com.google.protobuf.ByteString.copyFrom(new byte[6]))).build())));
        assertRejected("fp16[2] immediate holds 6 bytes, expected 4");
    }

    @Test
    void rejectsStateFedToAnOrdinaryOp() throws IOException {
        Examples.writeB(pkg = dir.resolve("B.mlpackage"), Metadata.empty());
        editMainBlock(b -> b.getOperationsBuilder(1).putInputs("y", argument("acc")));
        assertRejected("state 'acc' can only feed read_state/write_state");
    }

    @Test
    void rejectsStateMissingFromTheDescription() throws IOException {
        Examples.writeB(pkg = dir.resolve("B.mlpackage"), Metadata.empty());
        editModel(m -> m.getDescriptionBuilder().clearState());
        assertRejected("description lists 0 states [] but function 'main' declares 1 [acc]");
    }

    @Test
    void rejectsWriteStateDataOfAnotherType() throws IOException {
        Examples.writeB(pkg = dir.resolve("B.mlpackage"), Metadata.empty());
        editMainBlock(b -> b.getOperationsBuilder(1).getOutputsBuilder(0).getTypeBuilder().getTensorTypeBuilder()
                .getDimensionsBuilder(1).getConstantBuilder().setSize(5));   // 'sum' claims fp16[1, 5]
        assertRejected("op 'y_write_state' (write_state): data fp16[1, 5] must have exactly the state's type fp16[1, 4]");
    }

    // ---------------------------------------------------------------- weight.bin (§4.8, §8.4 item 7)

    @Test
    void rejectsBlobOffsetBeyondTheFile() throws IOException {
        setBlobOffset(4096);
        assertRejected("weights/weight.bin: blob offset 4096 + 64 lies beyond the end of the file (168 bytes)");
    }

    @Test
    void rejectsBlobOffsetThatIsNotAligned() throws IOException {
        setBlobOffset(72);
        assertRejected("weights/weight.bin: blob offset 72 is not a multiple of 64");
    }

    @Test
    void rejectsBadSentinel() throws IOException {
        patchWeights(64, 0x0BADF00D);
        assertRejected("weights/weight.bin: blob at offset 64: invalid sentinel 0x0BADF00D (expected 0xDEADBEEF)");
    }

    @Test
    void rejectsBlobDtypeThatDisagreesWithTheDeclaredType() throws IOException {
        patchWeights(68, 1);   // mil_dtype 1 = fp16, the value says fp32
        assertRejected("blob at offset 64: mil_dtype 1 does not match declared fp32[1, 10] (code 2)");
    }

    @Test
    void rejectsBlobSizeThatDisagreesWithTheDeclaredType() throws IOException {
        patchWeights(72, 36);
        assertRejected("blob at offset 64: sizeInBytes 36 but declared fp32[1, 10] needs 40");
    }

    @Test
    void rejectsWeightFileVersionOtherThan2() throws IOException {
        patchWeights(4, 1);
        assertRejected("weights/weight.bin: storage version 1, only version 2 is supported");
    }

    @Test
    void rejectsHeaderCountThatDisagreesWithTheRecords() throws IOException {
        patchWeights(0, 2);
        assertRejected("weights/weight.bin: header count 2 but the file holds 1 blobs");
    }

    @Test
    void rejectsTruncatedWeightFile() throws IOException {
        try (FileChannel ch = FileChannel.open(weightFile(), StandardOpenOption.WRITE)) {
            ch.truncate(150);
        }
        assertRejected("weights/weight.bin: blob at offset 64: data [128, 168) lies beyond the end of the file (150 bytes)");
    }

    @Test
    void rejectsBlobFileNameOutsideTheWeightsDirectory() throws IOException {
        pointFirstBlobAt("@model_path/weights/../model.mlmodel");
        assertRejected("must name a file directly inside weights/");
    }

    @Test
    void rejectsBlobInAWeightFileThatDoesNotExist() throws IOException {
        pointFirstBlobAt("@model_path/weights/other.bin");
        assertRejected("references @model_path/weights/other.bin, which does not exist");
    }

    @Test
    void rejectsBlobInAWeightFileThatIsAFolder() throws IOException {
        pointFirstBlobAt("@model_path/weights/other.bin");
        Files.createDirectory(pkg.resolve("Data/com.apple.CoreML/weights/other.bin"));
        assertRejected("references @model_path/weights/other.bin, which is a directory, not a file,");
    }

    // ---------------------------------------------------------------- helpers

    /** Points the first constant's blob at {@code fileName}. */
    private void pointFirstBlobAt(String fileName) throws IOException {
        editMainBlock(b -> {
            MilProtos.Value.Builder val = b.getOperations(0).getAttributesOrThrow("val").toBuilder();
            val.getBlobFileValueBuilder().setFileName(fileName);
            b.getOperationsBuilder(0).putAttributes("val", val.build());
        });
    }

    private void assertRejected(String... fragments) {
        MilException e = assertThrows(MilException.class, () -> MlPackageReader.read(pkg).close());
        String msg = e.getMessage();
        assertTrue(msg.startsWith(pkg.toString() + ": "), "message must start with the package: " + msg);
        for (String f : fragments) {
            assertTrue(msg.contains(f), "expected '" + f + "' in: " + msg);
        }
    }

    private String manifest() throws IOException {
        return Files.readString(pkg.resolve("Manifest.json"));
    }

    private void writeManifest(String text) throws IOException {
        Files.writeString(pkg.resolve("Manifest.json"), text);
    }

    private void editModel(Consumer<ModelProtos.Model.Builder> edit) throws IOException {
        Path file = pkg.resolve(PackageLayout.MODEL_FILE);
        ModelProtos.Model.Builder m = ModelProtos.Model.parseFrom(Files.readAllBytes(file)).toBuilder();
        edit.accept(m);
        Files.write(file, m.build().toByteArray());
    }

    private void editMainBlock(Consumer<MilProtos.Block.Builder> edit) throws IOException {
        editModel(m -> {
            MilProtos.Program.Builder p = m.getMlProgramBuilder();
            MilProtos.Function.Builder f = p.getFunctionsOrThrow("main").toBuilder();
            MilProtos.Block.Builder b = f.getBlockSpecializationsOrThrow(f.getOpset()).toBuilder();
            edit.accept(b);
            f.putBlockSpecializations(f.getOpset(), b.build());
            p.putFunctions("main", f.build());
        });
    }

    private void setBlobOffset(long offset) throws IOException {
        editMainBlock(b -> {
            MilProtos.Value.Builder val = b.getOperations(0).getAttributesOrThrow("val").toBuilder();
            val.getBlobFileValueBuilder().setOffset(offset);
            b.getOperationsBuilder(0).putAttributes("val", val.build());
        });
    }

    private Path weightFile() {
        return pkg.resolve(PackageLayout.WEIGHTS_DIR).resolve(PackageLayout.WEIGHT_FILE);
    }

    private void patchWeights(long position, int uint32) throws IOException {
        try (FileChannel ch = FileChannel.open(weightFile(), StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(0, uint32), position);
        }
    }

    private static MilProtos.Argument argument(String name) {
        return MilProtos.Argument.newBuilder().addArguments(MilProtos.Argument.Binding.newBuilder().setName(name)).build();
    }

    private static MilProtos.Value fp16Value(MilProtos.TensorValue tensor) {
        MilProtos.TensorType t = MilProtos.TensorType.newBuilder().setDataType(MilProtos.DataType.FLOAT16).setRank(1)
                .addDimensions(MilProtos.Dimension.newBuilder().setConstant(
                        MilProtos.Dimension.ConstantDimension.newBuilder().setSize(2))).build();
        return MilProtos.Value.newBuilder().setType(MilProtos.ValueType.newBuilder().setTensorType(t))
                .setImmediateValue(MilProtos.Value.ImmediateValue.newBuilder().setTensor(tensor)).build();
    }
}
