package dev.mrt2.mil;

import dev.mrt2.safetensors.Float16;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A readable dump of a program for golden tests and {@code --verbose}, one op per line:
 * <pre>
 * main(%x: fp32[1, 4]) opset CoreML5 {
 *   %c: fp32[1, 4] = const(val=[1.0, 2.0, 3.0, 4.0])
 *   %y: fp32[1, 4] = add(x=%x, y=%c)
 *   write_state(data=%sum, input=%acc)  # y_write_state
 * } -> (%y)
 * </pre>
 * The op name follows {@code #} when it differs from the single output's name. Immediates of up to
 * {@value #MAX_LISTED} elements are listed; larger ones and blobs are summarized.
 */
public final class ProgramText {
    static final int MAX_LISTED = 16;

    private ProgramText() {}

    public static String of(Program program) {
        StringBuilder out = new StringBuilder();
        for (Function f : program.functions().values()) {
            function(out, f);
        }
        return out.toString();
    }

    public static String of(Model model) {
        return of(model.program());
    }

    private static void function(StringBuilder out, Function f) {
        out.append(f.name()).append('(');
        appendVars(out, f.inputs());
        out.append(") opset ").append(f.opset()).append(" {\n");
        for (Operation op : f.block().operations()) {
            out.append("  ").append(operation(op)).append('\n');
        }
        out.append("} -> (");
        for (int i = 0; i < f.block().outputs().size(); i++) {
            out.append(i == 0 ? "%" : ", %").append(f.block().outputs().get(i));
        }
        out.append(")\n");
    }

    /** One op as a line (without indentation or newline). */
    public static String operation(Operation op) {
        StringBuilder out = new StringBuilder();
        if (!op.outputs().isEmpty()) {
            appendVars(out, op.outputs());
            out.append(" = ");
        }
        out.append(op.type()).append('(');
        List<String> args = new ArrayList<>();
        if (op.value() != null) {
            args.add("val=" + value(op.value()));
        }
        for (Map.Entry<String, List<Binding>> e : op.inputs().entrySet()) {
            List<String> bound = new ArrayList<>();
            for (Binding b : e.getValue()) {
                bound.add(b.isName() ? "%" + b.name() : value(b.value()));
            }
            args.add(e.getKey() + "=" + (bound.size() == 1 ? bound.get(0) : "(" + String.join(", ", bound) + ")"));
        }
        out.append(String.join(", ", args)).append(')');
        if (op.outputs().size() != 1 || !op.outputs().get(0).name().equals(op.name())) {
            out.append("  # ").append(op.name());
        }
        return out.toString();
    }

    private static void appendVars(StringBuilder out, List<Var> vars) {
        for (int i = 0; i < vars.size(); i++) {
            out.append(i == 0 ? "" : ", ").append('%').append(vars.get(i).name()).append(": ").append(vars.get(i).type());
        }
    }

    /** A constant's value: listed elements, a count, or the blob reference. */
    public static String value(ConstValue v) {
        if (v instanceof ConstValue.Blob blob) {
            return "blob(" + blob.fileName() + ", offset=" + blob.offset() + ")";
        }
        ConstValue.Immediate imm = (ConstValue.Immediate) v;
        TensorType t = imm.type();
        long n = t.elementCount();
        if (n > MAX_LISTED) {
            return "<" + n + " values>";
        }
        List<String> items = new ArrayList<>();
        if (t.dataType() == DataType.STRING) {
            for (String s : imm.strings()) items.add('"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"');
        } else {
            ByteBuffer d = ByteBuffer.wrap(imm.bytes()).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < n; i++) items.add(element(t.dataType(), d, i));
        }
        return t.rank() == 0 ? items.get(0) : "[" + String.join(", ", items) + "]";
    }

    private static String element(DataType dt, ByteBuffer d, int i) {
        return switch (dt) {
            case BOOL -> d.get(i) != 0 ? "true" : "false";
            case FLOAT16 -> Float.toString(Float16.toFloat(d.getShort(2 * i)));
            case FLOAT32 -> Float.toString(d.getFloat(4 * i));
            case FLOAT64 -> Double.toString(d.getDouble(8 * i));
            case INT8 -> Byte.toString(d.get(i));
            case UINT8 -> Integer.toString(Byte.toUnsignedInt(d.get(i)));
            case INT16 -> Short.toString(d.getShort(2 * i));
            case UINT16 -> Integer.toString(Short.toUnsignedInt(d.getShort(2 * i)));
            case INT32 -> Integer.toString(d.getInt(4 * i));
            case UINT32 -> Integer.toUnsignedString(d.getInt(4 * i));
            case INT64 -> Long.toString(d.getLong(8 * i));
            case STRING -> throw new IllegalStateException("strings are listed separately");
        };
    }
}
