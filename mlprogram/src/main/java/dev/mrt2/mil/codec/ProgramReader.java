package dev.mrt2.mil.codec;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.mrt2.mil.Binding;
import dev.mrt2.mil.Block;
import dev.mrt2.mil.ConstValue;
import dev.mrt2.mil.DataType;
import dev.mrt2.mil.FeatureDescription;
import dev.mrt2.mil.Function;
import dev.mrt2.mil.Metadata;
import dev.mrt2.mil.MilException;
import dev.mrt2.mil.Model;
import dev.mrt2.mil.ModelDescription;
import dev.mrt2.mil.Operation;
import dev.mrt2.mil.Program;
import dev.mrt2.mil.TensorType;
import dev.mrt2.mil.ValueType;
import dev.mrt2.mil.Var;
import dev.mrt2.mil.proto.FeatureTypesProtos;
import dev.mrt2.mil.proto.MilProtos;
import dev.mrt2.mil.proto.ModelProtos;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Decodes model.mlmodel into our model records: the single-function ML Program form that coremltools and our
 * writer produce (static shapes, tensors and states). Accepts what coremltools adds that we do not write (inline
 * {@code Binding.value}, {@code Program.attributes["buildInfo"]}, unknown metadata keys) and rejects, with a
 * message naming the field, anything outside that form. Semantic checks follow in {@link ModelValidator}.
 */
public final class ProgramReader {
    private ProgramReader() {}

    /** Parses and validates; {@code blobs} resolves every blob-backed value (and checks it). */
    public static Model fromBytes(byte[] bytes, BlobResolver blobs) {
        ModelProtos.Model proto;
        try {
            proto = ModelProtos.Model.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new MilException("not a Core ML Model protobuf: " + e.getMessage(), e);
        }
        Model model = fromProto(proto, blobs);
        ModelValidator.validate(model);
        return model;
    }

    public static Model fromProto(ModelProtos.Model proto, BlobResolver blobs) {
        if (!proto.hasMlProgram()) {
            throw new MilException("model is not an ML Program (no field 502 'mlProgram'"
                    + (proto.getUnknownFields().asMap().isEmpty() ? "" : "; it holds fields "
                    + proto.getUnknownFields().asMap().keySet()) + ")");
        }
        if (proto.getSpecificationVersion() == 0) {
            throw new MilException("specificationVersion is missing (0)");
        }
        if (proto.getIsUpdatable()) {
            throw new MilException("isUpdatable is true; ML Programs cannot be updatable");
        }
        ModelDescription description = description(proto.getDescription());
        Program program = program(proto.getMlProgram(), blobs);
        return new Model(proto.getSpecificationVersion(), fillOutputShapes(description, program), program);
    }

    private static ModelDescription description(ModelProtos.ModelDescription d) {
        if (d.getFunctionsCount() > 0 || !d.getDefaultFunctionName().isEmpty()) {
            throw new MilException("multi-function model descriptions are not supported");
        }
        if (d.getTrainingInputCount() > 0) {
            throw new MilException("model description has training inputs (not an ML Program field)");
        }
        List<FeatureDescription> inputs = new ArrayList<>();
        for (ModelProtos.FeatureDescription f : d.getInputList()) inputs.add(feature(f, "input", false));
        List<FeatureDescription> outputs = new ArrayList<>();
        for (ModelProtos.FeatureDescription f : d.getOutputList()) outputs.add(feature(f, "output", false));
        List<FeatureDescription> states = new ArrayList<>();
        for (ModelProtos.FeatureDescription f : d.getStateList()) states.add(feature(f, "state", true));
        Metadata metadata = Metadata.empty();
        if (d.hasMetadata()) {
            ModelProtos.Metadata m = d.getMetadata();
            metadata = new Metadata(m.getShortDescription(), m.getVersionString(), m.getAuthor(), m.getLicense(),
                    new TreeMap<>(m.getUserDefinedMap()));
        }
        return new ModelDescription(inputs, outputs, states, metadata);
    }

    private static FeatureDescription feature(ModelProtos.FeatureDescription f, String kind, boolean state) {
        String where = "description " + kind + " '" + f.getName() + "'";
        FeatureTypesProtos.FeatureType type = f.getType();
        if (type.getIsOptional()) {
            throw new MilException(where + ": optional features are not supported");
        }
        FeatureTypesProtos.ArrayFeatureType array;
        if (state) {
            if (type.getTypeCase() != FeatureTypesProtos.FeatureType.TypeCase.STATETYPE) {
                throw new MilException(where + ": a state feature must have stateType, got " + type.getTypeCase());
            }
            array = type.getStateType().getArrayType();
        } else {
            if (type.getTypeCase() != FeatureTypesProtos.FeatureType.TypeCase.MULTIARRAYTYPE) {
                throw new MilException(where + ": only multi-array features are supported, got " + type.getTypeCase());
            }
            array = type.getMultiArrayType();
        }
        if (array.getShapeFlexibilityCase() != FeatureTypesProtos.ArrayFeatureType.ShapeFlexibilityCase.SHAPEFLEXIBILITY_NOT_SET) {
            throw new MilException(where + ": flexible shapes are not supported");
        }
        if (array.getDefaultOptionalValueCase()
                != FeatureTypesProtos.ArrayFeatureType.DefaultOptionalValueCase.DEFAULTOPTIONALVALUE_NOT_SET) {
            throw new MilException(where + ": default values are not supported");
        }
        DataType dt;
        try {
            dt = DataType.fromArrayDataType(array.getDataTypeValue());
        } catch (IllegalArgumentException e) {
            throw new MilException(where + ": unsupported array data type " + array.getDataTypeValue());
        }
        for (long d : array.getShapeList()) {
            if (d < 0) {
                throw new MilException(where + ": negative dimension in shape " + array.getShapeList());
            }
        }
        return new FeatureDescription(f.getName(), f.getShortDescription(), new TensorType(dt, array.getShapeList()));
    }

    // coremltools omits an output's shape when it is symbolic; our programs are static, so take it from the program.
    private static ModelDescription fillOutputShapes(ModelDescription d, Program program) {
        List<FeatureDescription> outputs = new ArrayList<>();
        Map<String, ValueType> types = new TreeMap<>();
        for (Operation op : program.main().block().operations()) {
            for (Var v : op.outputs()) types.put(v.name(), v.type());
        }
        for (FeatureDescription f : d.outputs()) {
            if (f.type().rank() == 0 && types.get(f.name()) instanceof TensorType t && t.dataType() == f.type().dataType()) {
                outputs.add(new FeatureDescription(f.name(), f.shortDescription(), t));
            } else {
                outputs.add(f);
            }
        }
        return new ModelDescription(d.inputs(), outputs, d.states(), d.metadata());
    }

    private static Program program(MilProtos.Program p, BlobResolver blobs) {
        if (p.getVersion() != 1) {
            throw new MilException("Program.version is " + p.getVersion() + ", must be 1");
        }
        if (!p.getDocString().isEmpty()) {
            throw new MilException("Program.docString must be empty");
        }
        for (String key : p.getAttributesMap().keySet()) {
            if (!"buildInfo".equals(key)) {
                throw new MilException("unknown program attribute '" + key + "' (only buildInfo is allowed)");
            }
        }
        if (p.getFunctionsCount() != 1 || !p.getFunctionsMap().containsKey("main")) {
            throw new MilException("program must hold exactly one function 'main', has " + p.getFunctionsMap().keySet());
        }
        TreeMap<String, Function> functions = new TreeMap<>();
        functions.put("main", function("main", p.getFunctionsMap().get("main"), blobs));
        return new Program(functions);
    }

    private static Function function(String name, MilProtos.Function f, BlobResolver blobs) {
        String where = "function '" + name + "'";
        if (f.getAttributesCount() != 0) {
            throw new MilException(where + ": function attributes are not allowed");
        }
        if (f.getBlockSpecializationsCount() != 1 || !f.getBlockSpecializationsMap().containsKey(f.getOpset())) {
            throw new MilException(where + ": needs exactly one block specialization keyed by its opset '" + f.getOpset()
                    + "', has " + f.getBlockSpecializationsMap().keySet());
        }
        List<Var> inputs = new ArrayList<>();
        for (MilProtos.NamedValueType v : f.getInputsList()) {
            inputs.add(new Var(v.getName(), TypeCodec.decode(v.getType(), where + " input '" + v.getName() + "'")));
        }
        MilProtos.Block block = f.getBlockSpecializationsMap().get(f.getOpset());
        return new Function(name, inputs, f.getOpset(), block(block, where, blobs));
    }

    private static Block block(MilProtos.Block b, String where, BlobResolver blobs) {
        if (b.getInputsCount() != 0) {
            throw new MilException(where + ": the top-level block cannot have inputs");
        }
        if (b.getAttributesCount() != 0) {
            throw new MilException(where + ": block attributes are not allowed");
        }
        List<Operation> ops = new ArrayList<>(b.getOperationsCount());
        for (int i = 0; i < b.getOperationsCount(); i++) {
            ops.add(operation(b.getOperations(i), i, blobs));
        }
        return new Block(List.of(), ops, b.getOutputsList());
    }

    private static Operation operation(MilProtos.Operation op, int index, BlobResolver blobs) {
        String name = opName(op, index);
        String where = "op '" + name + "' (" + op.getType() + ")";
        if (op.getBlocksCount() != 0) {
            throw new MilException(where + ": nested blocks (control flow) are not supported");
        }
        boolean isConst = "const".equals(op.getType());
        for (String key : op.getAttributesMap().keySet()) {
            if (!"name".equals(key) && !(isConst && "val".equals(key))) {
                throw new MilException(where + ": unexpected attribute '" + key + "'");
            }
        }
        ConstValue value = null;
        if (isConst) {
            MilProtos.Value val = op.getAttributesMap().get("val");
            if (val == null) {
                throw new MilException(where + ": const without a 'val' attribute");
            }
            value = ValueCodec.decode(val, where + " val", blobs);
        }
        TreeMap<String, List<Binding>> inputs = new TreeMap<>();
        for (Map.Entry<String, MilProtos.Argument> e : op.getInputsMap().entrySet()) {
            List<Binding> bindings = new ArrayList<>();
            for (MilProtos.Argument.Binding b : e.getValue().getArgumentsList()) {
                switch (b.getBindingCase()) {
                    case NAME -> bindings.add(Binding.of(b.getName()));
                    case VALUE -> bindings.add(Binding.inline(
                            ValueCodec.decode(b.getValue(), where + " parameter '" + e.getKey() + "'", blobs)));
                    default -> throw new MilException(where + ": parameter '" + e.getKey() + "' has an empty binding");
                }
            }
            inputs.put(e.getKey(), bindings);
        }
        List<Var> outputs = new ArrayList<>();
        for (MilProtos.NamedValueType v : op.getOutputsList()) {
            outputs.add(new Var(v.getName(), TypeCodec.decode(v.getType(), where + " output '" + v.getName() + "'")));
        }
        return new Operation(op.getType(), name, inputs, outputs, value);
    }

    private static String opName(MilProtos.Operation op, int index) {
        MilProtos.Value v = op.getAttributesMap().get("name");
        String where = "operation #" + index + " (" + op.getType() + ")";
        if (v == null) {
            throw new MilException(where + ": no 'name' attribute");
        }
        boolean rank0String = v.hasType() && v.getType().hasTensorType()
                && v.getType().getTensorType().getDataTypeValue() == DataType.STRING.protoValue
                && v.getType().getTensorType().getRank() == 0
                && v.getImmediateValue().getTensor().getStrings().getValuesCount() == 1;
        if (!rank0String) {
            throw new MilException(where + ": 'name' attribute must be a rank-0 string");
        }
        return v.getImmediateValue().getTensor().getStrings().getValues(0);
    }
}
