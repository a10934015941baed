package dev.mrt2.mil.pkg;

import dev.mrt2.mil.Binding;
import dev.mrt2.mil.Block;
import dev.mrt2.mil.ConstValue;
import dev.mrt2.mil.DataType;
import dev.mrt2.mil.FeatureDescription;
import dev.mrt2.mil.Function;
import dev.mrt2.mil.Metadata;
import dev.mrt2.mil.MilBuilder;
import dev.mrt2.mil.Model;
import dev.mrt2.mil.ModelDescription;
import dev.mrt2.mil.Operation;
import dev.mrt2.mil.Opset;
import dev.mrt2.mil.Program;
import dev.mrt2.mil.TensorType;
import dev.mrt2.mil.Var;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The worked examples of coreml-mlpackage.md §7, and a few larger programs, as test fixtures. */
final class Examples {
    static final TensorType F32_1x4 = TensorType.of(DataType.FLOAT32, 1, 4);
    static final TensorType F16_1x4 = TensorType.of(DataType.FLOAT16, 1, 4);

    private Examples() {}

    /** §7.1: {@code y = x + c}, fp32, iOS15, c immediate. */
    static PackageWriteResult writeA(Path target) {
        try (MlPackageBuilder pkg = MlPackageBuilder.create(target, Opset.IOS15)) {
            MilBuilder b = pkg.builder();
            Var x = b.input("x", F32_1x4);
            Var c = b.constant("c", F32_1x4, new float[] {1, 2, 3, 4});
            b.output("y", b.add("y", x, c));
            return pkg.commit(b.build(Metadata.empty()));
        }
    }

    /** §7.3: as A with ten elements, so c lands in weight.bin at offset 64. */
    static PackageWriteResult writeABlob(Path target) {
        TensorType t = TensorType.of(DataType.FLOAT32, 1, 10);
        try (MlPackageBuilder pkg = MlPackageBuilder.create(target, Opset.IOS15)) {
            MilBuilder b = pkg.builder();
            Var x = b.input("x", t);
            Var c = b.constant("c", t, new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
            b.output("y", b.add("y", x, c));
            return pkg.commit(b.build(Metadata.empty()));
        }
    }

    /** §7.4: the stateful accumulator {@code acc <- acc + x; y = acc}, iOS18. */
    static PackageWriteResult writeB(Path target, Metadata metadata) {
        try (MlPackageBuilder pkg = MlPackageBuilder.create(target, Opset.IOS18)) {
            MilBuilder b = pkg.builder();
            Var x = b.input("x", F16_1x4);
            Var acc = b.state("acc", F16_1x4);
            Var read = b.readState("acc_read", acc);
            Var sum = b.add("sum", read, x);
            b.writeState("y_write_state", acc, sum);
            b.output("y", b.readState("y", acc));
            return pkg.commit(b.build(metadata));
        }
    }

    /**
     * §7.2 built at the IR level: coremltools names the dtype literals {@code <op>_dtype_0} and lets the final
     * cast's op name ({@code y_to_fp32}) differ from its output ({@code y}); our builder names literals
     * {@code <op>_<param>} and names outputs after their op.
     */
    static Model aFp16() {
        TensorType str = TensorType.scalar(DataType.STRING);
        Var x = new Var("x", F32_1x4);
        Var xDtype = new Var("x_to_fp16_dtype_0", str);
        Var c = new Var("c_to_fp16", F16_1x4);
        Var x16 = new Var("x_to_fp16", F16_1x4);
        Var y16 = new Var("y_cast_fp16", F16_1x4);
        Var yDtype = new Var("y_to_fp32_dtype_0", str);
        Var y = new Var("y", F32_1x4);
        byte[] cBytes = {0x00, 0x3C, 0x00, 0x40, 0x00, 0x42, 0x00, 0x44};
        List<Operation> ops = List.of(
                constOp(xDtype, string("fp16")),
                constOp(c, new ConstValue.Immediate(F16_1x4, cBytes, null)),
                op("cast", "x_to_fp16", Map.of("x", x, "dtype", xDtype), x16),
                op("add", "y_cast_fp16", Map.of("x", x16, "y", c), y16),
                constOp(yDtype, string("fp32")),
                op("cast", "y_to_fp32", Map.of("x", y16, "dtype", yDtype), y));
        return singleFunction(Opset.IOS15, List.of(x), ops, List.of(new FeatureDescription("x", "", F32_1x4)),
                List.of(new FeatureDescription("y", "", F32_1x4)));
    }

    static Model singleFunction(Opset opset, List<Var> inputs, List<Operation> ops, List<FeatureDescription> in,
                                List<FeatureDescription> out) {
        List<String> outputs = out.stream().map(FeatureDescription::name).toList();
        Function main = new Function("main", inputs, opset.opsetName, new Block(List.of(), ops, outputs));
        TreeMap<String, Function> functions = new TreeMap<>();
        functions.put("main", main);
        return new Model(opset.specificationVersion, new ModelDescription(in, out, List.of(), Metadata.empty()),
                new Program(functions));
    }

    static ConstValue.Immediate string(String s) {
        return new ConstValue.Immediate(TensorType.scalar(DataType.STRING), s.getBytes(StandardCharsets.UTF_8), List.of(s));
    }

    static Operation constOp(Var out, ConstValue value) {
        return new Operation("const", out.name(), new TreeMap<>(), List.of(out), value);
    }

    static Operation op(String type, String name, Map<String, Var> inputs, Var... outputs) {
        TreeMap<String, List<Binding>> bindings = new TreeMap<>();
        inputs.forEach((k, v) -> bindings.put(k, List.of(Binding.of(v.name()))));
        return new Operation(type, name, bindings, List.of(outputs), null);
    }
}
