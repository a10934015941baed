package dev.mrt2.convert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mrt2.mil.ConstValue;
import dev.mrt2.mil.DataType;
import dev.mrt2.mil.FeatureDescription;
import dev.mrt2.mil.Metadata;
import dev.mrt2.mil.Model;
import dev.mrt2.mil.Operation;
import dev.mrt2.mil.TensorType;
import dev.mrt2.mil.Var;
import dev.mrt2.model.Mrt2Dims;
import dev.mrt2.model.Mrt2Keys;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every package reads back with our reader and shows exactly the contract of MODELS.md (tiny dimensions). */
class PackageContractTest {
    private static final Mrt2Dims D = Mrt2Dims.tiny();
    private static final List<String> PACKAGES =
            List.of(TemporalConverter.PACKAGE_NAME, DepthConverter.PACKAGE_NAME, DecoderConverter.PACKAGE_NAME);

    @Test
    void temporalBodyHasThreeInputsOneOutputAnd48StatesInAppendixBOrder() {
        Model m = ReadBack.model(TemporalConverter.PACKAGE_NAME);
        assertEquals(List.of(
                "temporal_inputs fp32[1, 1, " + D.temporalDim() + "]",
                "source_encoded fp32[1, 1, " + D.sourceDim() + "]",
                "cache_valid_bias fp16[1, 1, 1, 43]"), describe(m.description().inputs()));
        assertEquals(List.of("temporal_outputs fp32[1, 1, " + D.temporalDim() + "]"), describe(m.description().outputs()));
        List<String> states = describe(m.description().states());
        assertEquals(48, states.size());
        List<String> expected = new ArrayList<>();
        for (String name : Mrt2Keys.cacheNames(12)) {
            expected.add(name + " fp16[1, 41, " + D.temporalHeads() + ", " + D.temporalHeadDim() + "]");
        }
        assertEquals(expected, states, "states in Appendix B order");
        assertEquals("temporal_layer_00_self_key_cache fp16[1, 41, 4, 16]", states.get(0));
        assertEquals("temporal_layer_11_cross_value_cache fp16[1, 41, 4, 16]", states.get(47));
        // Function inputs: the three tensors, then the states, in declaration order.
        List<Var> fnInputs = m.program().main().inputs();
        assertEquals(51, fnInputs.size());
        assertEquals("cache_valid_bias", fnInputs.get(2).name());
        assertEquals("temporal_layer_00_self_key_cache", fnInputs.get(3).name());
    }

    @Test
    void depthBodyMapsAllLevelPositionsToFullVocabularyLogits() {
        Model m = ReadBack.model(DepthConverter.PACKAGE_NAME);
        assertEquals(List.of("depth_inputs fp32[1, 12, " + D.temporalDim() + "]"), describe(m.description().inputs()));
        assertEquals(List.of("depth_logits fp32[1, 12, " + D.vocab() + "]"), describe(m.description().outputs()));
        assertTrue(m.description().states().isEmpty());
    }

    @Test
    void decoderMapsTFramesToFourTMinusFourStftFramesChannelsLast() {
        Model m = ReadBack.model(DecoderConverter.PACKAGE_NAME);
        int t = TinyCheckpoint.FRAMES;
        assertEquals(List.of("decoder_embeddings fp32[1, " + t + ", " + D.codebookDim() + "]"),
                describe(m.description().inputs()));
        assertEquals(List.of("decoder_stft fp32[1, " + (4 * t - 4) + ", 480, 4]"), describe(m.description().outputs()));
        assertTrue(m.description().states().isEmpty());
    }

    @Test
    void everyPackageTargetsIos18() {
        for (String name : PACKAGES) {
            Model m = ReadBack.model(name);
            assertEquals(9, m.specificationVersion(), name);
            assertEquals("CoreML8", m.program().main().opset(), name);
        }
    }

    @Test
    void temporalConstantsAreFp16AndTheOthersFp32() {
        assertFloatConstants(ReadBack.model(TemporalConverter.PACKAGE_NAME), DataType.FLOAT16);
        assertFloatConstants(ReadBack.model(DepthConverter.PACKAGE_NAME), DataType.FLOAT32);
        assertFloatConstants(ReadBack.model(DecoderConverter.PACKAGE_NAME), DataType.FLOAT32);
    }

    @Test
    void temporalComputesInFp16BetweenOneCastInAndOneCastOut() {
        Model m = ReadBack.model(TemporalConverter.PACKAGE_NAME);
        long casts = ReadBack.ops(m).stream().filter(o -> o.type().equals("cast")).count();
        assertEquals(3, casts, "two inputs to fp16, the output to fp32");
        for (Operation o : ReadBack.ops(m)) {
            if (!o.type().equals("cast") && !o.outputs().isEmpty() && o.output().type() instanceof TensorType t
                    && t.dataType().isFloat()) {
                assertEquals(DataType.FLOAT16, t.dataType(), "op " + o.name() + " computes in " + t);
            }
        }
    }

    @Test
    void packageMetadataNamesTheToolAndTheCheckpoint() {
        Metadata md = ReadBack.model(TemporalConverter.PACKAGE_NAME).description().metadata();
        assertEquals("mrt2", md.author());
        assertEquals("Apache-2.0 (code); model weights: see source checkpoint licence", md.license());
        assertEquals(TemporalConverter.SCHEMA, md.userDefined().get("mrt2.schema"));
        assertEquals(TinyCheckpoint.SHA256, md.userDefined().get("mrt2.source_checkpoint_sha256"));
        assertEquals("0.1.0", md.userDefined().get("mrt2.tool_version"));
        assertEquals(3, md.userDefined().size());
    }

    @Test
    void sidecarJsonRepeatsTheContractAndTheDigests() throws IOException {
        JsonNode json = new ObjectMapper().readTree(Files.readString(
                TinyCheckpoint.sharedOutput().resolve("MRT2TemporalBody_export_metadata.json")));
        assertEquals(TemporalConverter.SCHEMA, json.get("schema").asText());
        assertEquals("tiny.safetensors", json.get("source_checkpoint").asText());
        assertEquals(TinyCheckpoint.SHA256, json.get("source_checkpoint_sha256").asText());
        assertEquals("float16", json.get("precision").asText());
        assertEquals("iOS18", json.get("deployment_target").asText());
        assertEquals(9, json.get("specification_version").asInt());
        assertEquals("CoreML8", json.get("opset").asText());
        assertEquals("mrt2 0.1.0", json.get("tool").asText());
        assertEquals("cache_valid_bias", json.get("inputs").get(2).get("name").asText());
        assertEquals("float16", json.get("inputs").get(2).get("dtype").asText());
        assertEquals(48, json.get("states").size());
        assertEquals("temporal_layer_05_cross_key_cache", json.get("states").get(22).get("name").asText());
        assertEquals(41, json.get("host_protocol").get("cache_rows").asInt());
        String weightSha = dev.mrt2.mil.pkg.Digests.sha256(TinyCheckpoint.sharedOutput()
                .resolve("MRT2TemporalBody.mlpackage/Data/com.apple.CoreML/weights/weight.bin"));
        assertEquals(weightSha, json.get("weight_bin_sha256").asText());

        JsonNode decoder = new ObjectMapper().readTree(Files.readString(
                TinyCheckpoint.sharedOutput().resolve("SpectroStreamDecoder_export_metadata.json")));
        assertEquals(TinyCheckpoint.FRAMES, decoder.get("frames").asInt());
        assertEquals("[1,16,480,4]", decoder.get("outputs").get(0).get("shape").toString());
    }

    @Test
    void sidecarIsSortedTwoSpaceJsonWithTrailingNewline() throws IOException {
        String text = Files.readString(TinyCheckpoint.sharedOutput().resolve("MRT2DepthBody_export_metadata.json"));
        assertTrue(text.startsWith("{\n  \"deployment_target\": \"iOS18\",\n"), text);
        assertTrue(text.endsWith("}\n"));
        assertTrue(!text.contains("\t") && !text.contains(" : "), "python json layout");
    }

    @Test
    void outputModelsMdListsEveryFileWithItsSizeAndDigest() throws IOException {
        String md = Files.readString(TinyCheckpoint.sharedOutput().resolve("MODELS.md"));
        for (String name : PACKAGES) {
            String weights = name + "/Data/com.apple.CoreML/weights/weight.bin";
            var file = TinyCheckpoint.sharedOutput().resolve(weights);
            assertTrue(md.contains("| `" + weights + "` | " + Files.size(file) + " | `"
                    + dev.mrt2.mil.pkg.Digests.sha256(file) + "` |"), md);
        }
        assertTrue(md.contains("| `MRT2DepthBody_export_metadata.json` |"), md);
    }

    private static void assertFloatConstants(Model m, DataType expected) {
        int floatConsts = 0;
        for (Operation o : ReadBack.ops(m)) {
            if (o.isConst() && o.value().type().dataType().isFloat()) {
                assertEquals(expected, o.value().type().dataType(), "const " + o.name());
                floatConsts++;
            }
            if (o.isConst() && o.value() instanceof ConstValue.Blob b) {
                assertEquals(expected, b.type().dataType(), "blob const " + o.name());
            }
        }
        assertTrue(floatConsts > 20, "float constants found: " + floatConsts);
    }

    private static List<String> describe(List<FeatureDescription> features) {
        return features.stream().map(f -> f.name() + " " + f.type()).toList();
    }
}
