package dev.mrt2.mil.codec;

import com.google.protobuf.CodedOutputStream;
import dev.mrt2.mil.Binding;
import dev.mrt2.mil.Block;
import dev.mrt2.mil.FeatureDescription;
import dev.mrt2.mil.Function;
import dev.mrt2.mil.Metadata;
import dev.mrt2.mil.Model;
import dev.mrt2.mil.ModelDescription;
import dev.mrt2.mil.Operation;
import dev.mrt2.mil.Var;
import dev.mrt2.mil.proto.FeatureTypesProtos;
import dev.mrt2.mil.proto.MilProtos;
import dev.mrt2.mil.proto.ModelProtos;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * Encodes a model as the {@code CoreML.Specification.Model} message of model.mlmodel (coreml-mlpackage.md §2, §5):
 * inputs bound by name, every op with its "name" attribute, const values per Table 5-1, states in Function.inputs
 * and in ModelDescription.state (field 13). {@link #toBytes} serializes deterministically (§2.2: map entries
 * sorted by key), so the same model gives the same bytes on every run.
 */
public final class ProgramWriter {
    private ProgramWriter() {}

    public static byte[] toBytes(Model model) {
        ModelProtos.Model proto = toProto(model);
        byte[] out = new byte[proto.getSerializedSize()];
        CodedOutputStream cos = CodedOutputStream.newInstance(out);
        cos.useDeterministicSerialization();   // plain toByteArray() keeps map insertion order
        try {
            proto.writeTo(cos);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        cos.checkNoSpaceLeft();
        return out;
    }

    public static ModelProtos.Model toProto(Model model) {
        return ModelProtos.Model.newBuilder()
                .setSpecificationVersion(model.specificationVersion())
                .setDescription(description(model.description()))
                .setMlProgram(program(model))
                .build();
    }

    private static ModelProtos.ModelDescription description(ModelDescription d) {
        ModelProtos.ModelDescription.Builder b = ModelProtos.ModelDescription.newBuilder();
        for (FeatureDescription f : d.inputs()) b.addInput(feature(f, false));
        for (FeatureDescription f : d.outputs()) b.addOutput(feature(f, false));
        for (FeatureDescription f : d.states()) b.addState(feature(f, true));
        if (!isEmpty(d.metadata())) {
            b.setMetadata(metadata(d.metadata()));
        }
        return b.build();
    }

    private static ModelProtos.FeatureDescription feature(FeatureDescription f, boolean state) {
        FeatureTypesProtos.ArrayFeatureType.Builder array = FeatureTypesProtos.ArrayFeatureType.newBuilder()
                .addAllShape(f.type().shape())
                .setDataTypeValue(f.type().dataType().arrayDataType);
        FeatureTypesProtos.FeatureType.Builder type = FeatureTypesProtos.FeatureType.newBuilder();
        if (state) {
            type.setStateType(FeatureTypesProtos.StateFeatureType.newBuilder().setArrayType(array));
        } else {
            type.setMultiArrayType(array);
        }
        return ModelProtos.FeatureDescription.newBuilder()
                .setName(f.name())
                .setShortDescription(f.shortDescription())
                .setType(type)
                .build();
    }

    private static boolean isEmpty(Metadata m) {
        return m.shortDescription().isEmpty() && m.versionString().isEmpty() && m.author().isEmpty()
                && m.license().isEmpty() && m.userDefined().isEmpty();
    }

    private static ModelProtos.Metadata metadata(Metadata m) {
        return ModelProtos.Metadata.newBuilder()
                .setShortDescription(m.shortDescription())
                .setVersionString(m.versionString())
                .setAuthor(m.author())
                .setLicense(m.license())
                .putAllUserDefined(m.userDefined())
                .build();
    }

    private static MilProtos.Program program(Model model) {
        MilProtos.Program.Builder p = MilProtos.Program.newBuilder().setVersion(1);   // Program.version is always 1
        for (Map.Entry<String, Function> e : model.program().functions().entrySet()) {
            p.putFunctions(e.getKey(), function(e.getValue()));
        }
        return p.build();
    }

    private static MilProtos.Function function(Function f) {
        MilProtos.Function.Builder b = MilProtos.Function.newBuilder();
        for (Var v : f.inputs()) b.addInputs(namedType(v));
        return b.setOpset(f.opset())
                .putBlockSpecializations(f.opset(), block(f.block()))   // one entry, keyed by the opset
                .build();
    }

    private static MilProtos.Block block(Block block) {
        MilProtos.Block.Builder b = MilProtos.Block.newBuilder();
        for (Var v : block.inputs()) b.addInputs(namedType(v));
        b.addAllOutputs(block.outputs());
        for (Operation op : block.operations()) b.addOperations(operation(op));
        return b.build();
    }

    private static MilProtos.Operation operation(Operation op) {
        MilProtos.Operation.Builder b = MilProtos.Operation.newBuilder().setType(op.type());
        for (Map.Entry<String, List<Binding>> e : op.inputs().entrySet()) {
            MilProtos.Argument.Builder arg = MilProtos.Argument.newBuilder();
            for (Binding binding : e.getValue()) {
                MilProtos.Argument.Binding.Builder bb = MilProtos.Argument.Binding.newBuilder();
                if (binding.isName()) {
                    bb.setName(binding.name());
                } else {
                    bb.setValue(ValueCodec.encode(binding.value()));
                }
                arg.addArguments(bb);
            }
            b.putInputs(e.getKey(), arg.build());
        }
        for (Var out : op.outputs()) b.addOutputs(namedType(out));
        b.putAttributes("name", ValueCodec.stringScalar(op.name()));
        if (op.value() != null) {
            b.putAttributes("val", ValueCodec.encode(op.value()));
        }
        return b.build();
    }

    private static MilProtos.NamedValueType namedType(Var v) {
        return MilProtos.NamedValueType.newBuilder().setName(v.name()).setType(TypeCodec.encode(v.type())).build();
    }
}
