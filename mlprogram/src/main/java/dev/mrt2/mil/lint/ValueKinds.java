package dev.mrt2.mil.lint;

import dev.mrt2.mil.DataType;
import dev.mrt2.mil.Operation;
import dev.mrt2.mil.Var;
import java.util.Set;

/**
 * Which ops compute on a kind of element type. Constants feeding an op (axes, shapes, begin/end indices) are
 * compile-time plumbing and do not count, nor do the casts and identities that hand a value to a model output;
 * function inputs and op outputs do.
 */
final class ValueKinds {
    static final Set<DataType> INTEGER = Set.of(DataType.INT8, DataType.INT16, DataType.INT32, DataType.INT64,
            DataType.UINT8, DataType.UINT16, DataType.UINT32);
    static final Set<DataType> BOOL = Set.of(DataType.BOOL);

    private ValueKinds() {}

    /** Whether {@code op} (not a constant) produces, or reads a computed value of, one of {@code kinds}. */
    static boolean computesOn(ProgramIndex program, Operation op, Set<DataType> kinds) {
        if (op.isConst() || op.type().startsWith("constexpr_") || program.isOutputPlumbing(op)) {
            return false;   // constexpr_* expand stored (e.g. int8 palettized) weights once, at load
        }
        for (Var out : op.outputs()) {
            if (kinds.contains(ProgramIndex.tensorOf(out).dataType())) {
                return true;
            }
        }
        for (Var in : program.inputValues(op)) {
            if (!program.isConstant(in.name()) && kinds.contains(ProgramIndex.tensorOf(in).dataType())) {
                return true;
            }
        }
        return false;
    }
}
