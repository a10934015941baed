package dev.mrt2.mil.exec;

/**
 * The first op, in program order, whose output held a NaN or an infinity, and the 0-based predict call in which that
 * first happened.
 */
public record NonFiniteOp(String opName, String opType, int callIndex) {
    @Override
    public String toString() {
        return "op '" + opName + "' (" + opType + ") at call " + callIndex;
    }
}
