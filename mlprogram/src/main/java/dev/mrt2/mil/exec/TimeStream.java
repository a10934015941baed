package dev.mrt2.mil.exec;

import dev.mrt2.mil.Binding;
import dev.mrt2.mil.Block;
import dev.mrt2.mil.ConstValue;
import dev.mrt2.mil.DataType;
import dev.mrt2.mil.FeatureDescription;
import dev.mrt2.mil.Model;
import dev.mrt2.mil.Operation;
import dev.mrt2.mil.TensorType;
import dev.mrt2.mil.Var;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A program over a time axis run on windows that start {@code shift} input rows apart and each emit rows
 * {@code [from, to)} of one output: every value's rows that one window computed and the next reads again are carried
 * from call to call, so a window computes only the rows new to it (a {@link TimeCrop} computes every row its emitted
 * rows read, context included). Two programs:
 * <ul>
 *   <li>{@link #first}: the whole program, plus one output per carried value, {@code <value>}{@value #NEXT}: the
 *       rows the next window reads again;</li>
 *   <li>{@link #steady}: the same inputs plus {@code <value>}{@value #PREVIOUS} (the previous call's
 *       {@code <value>}{@value #NEXT}); rows {@code [from, to)} of the output and the next carries.</li>
 * </ul>
 * A carried row is the one the next window would compute at that place: equal whenever no emitted row reads a row
 * that a window's start changes (a causal program whose windows keep at least its reach as context, e.g. the
 * SpectroStream decoder at its exact hop), and then the same operands in the same order, so on the JVM kernels the
 * emitted rows are the cropped windows' bit for bit. Refused ({@link TimeCrop.Unsupported}) where the shift is not a
 * whole number of rows of some value, or the new rows of the output are not {@code [from, to)}.
 *
 * @param carried the carried values, in the order of the programs' extra inputs and outputs
 */
public record TimeStream(Model first, Model steady, List<String> carried) {
    public static final String PREVIOUS = "__carried";
    public static final String NEXT = "__carry";

    /** The two programs; see the class comment. */
    public static TimeStream of(Model model, String input, int inputAxis, String output, int outputAxis, int from,
                                int to, int shift) {
        if (shift < 1) {
            throw new IllegalArgumentException("windows must move forward, shift " + shift);
        }
        TimeCrop c = TimeCrop.analyse(model, input, inputAxis, output, outputAxis, from, to);
        Plan p = new Plan(c, input, shift);
        if (!p.fresh.get(output).equals(new TimeCrop.Rows(from, to))) {
            throw new TimeCrop.Unsupported("a window " + shift + " rows on computes rows " + p.fresh.get(output)
                    + " of '" + output + "', not [" + from + ", " + to + ")");
        }
        List<String> carried = new ArrayList<>(p.carry.keySet());
        return new TimeStream(p.first(model, output), p.steady(model, input, output), List.copyOf(carried));
    }

    /** What each value holds, carries and reads when windows move by {@code shift} input rows. */
    private static final class Plan {
        private final TimeCrop c;
        private final String input;
        /** Rows per input row, by value. */
        private final Map<String, Double> rate = new HashMap<>();
        /** The rows of each value a steady window computes. */
        private final Map<String, TimeCrop.Rows> fresh = new HashMap<>();
        /** The rows of its time input each op reads in a steady window. */
        private final Map<String, TimeCrop.Rows> reads = new HashMap<>();
        /** The rows of each value that a steady window reads from the previous one, in value order of first read. */
        private final Map<String, TimeCrop.Rows> carry = new LinkedHashMap<>();
        /** How far each value's rows move from one window to the next. */
        private final Map<String, Integer> moves = new HashMap<>();

        Plan(TimeCrop c, String input, int shift) {
            this.c = c;
            this.input = input;
            rate.put(input, 1.0);
            Map<String, Integer> lowest = new LinkedHashMap<>();
            for (Operation op : c.main.block().operations()) {
                if (op.isConst() || !c.made.containsKey(op.output().name())) {
                    continue;
                }
                String x = c.timeInput(op);
                String o = op.output().name();
                rate.put(o, rate.get(x) * factor(op, x));
                double exact = shift * rate.get(o);
                int move = (int) Math.rint(exact);
                if (Math.abs(exact - move) > 1e-9) {
                    throw TimeCrop.unsupported(op, "moves by " + exact + " rows when the input moves by " + shift);
                }
                moves.put(o, move);
                TimeCrop.Rows made = c.made.get(o);
                if (move > made.length()) {
                    throw TimeCrop.unsupported(op, "a window " + shift + " rows on moves it " + move
                            + " rows, more than the " + made.length() + " it computes");
                }
                TimeCrop.Rows rows = new TimeCrop.Rows(made.hi() - move, made.hi());
                if (op.type().equals("reshape") && rows.lo() * c.inner(o) % c.inner(x) != 0) {
                    throw TimeCrop.unsupported(op, "would split an input row between two windows");
                }
                fresh.put(o, rows);
                TimeCrop.Rows read = c.read(op, x, rows);
                reads.put(op.name(), read);
                for (List<Binding> bs : op.inputs().values()) {
                    for (Binding b : bs) {
                        if (b.isName() && c.axis.containsKey(b.name()) && !b.name().equals(input)) {
                            lowest.merge(b.name(), read.lo(), Math::min);
                        }
                    }
                }
            }
            lowest.forEach((v, lo) -> {
                if (lo < fresh.get(v).lo()) {
                    carry.put(v, new TimeCrop.Rows(lo, fresh.get(v).lo()));
                }
            });
        }

        /** How many output rows one input row of {@code op} makes. */
        private double factor(Operation op, String x) {
            return switch (op.type()) {
                case "conv" -> 1.0 / c.taps(op, c.axis.get(x)).stride();
                case "conv_transpose" -> c.taps(op, c.axis.get(x)).stride();
                case "reshape" -> (double) c.inner(x) / c.inner(op.output().name());
                default -> 1.0;
            };
        }

        /** The rows of {@code v} the next window carries, in this window's rows. */
        private TimeCrop.Rows next(String v) {
            TimeCrop.Rows r = carry.get(v);
            return new TimeCrop.Rows(r.lo() + moves.get(v), r.hi() + moves.get(v));
        }

        Model first(Model model, String output) {
            List<Operation> ops = new ArrayList<>(c.main.block().operations());
            List<String> outputs = new ArrayList<>(c.main.block().outputs());
            List<FeatureDescription> outFeatures = new ArrayList<>(model.description().outputs());
            for (String v : carry.keySet()) {
                TensorType t = c.types.get(v);
                TimeCrop.Rows whole = new TimeCrop.Rows(0, (int) t.dim(c.axis.get(v)));
                String name = v + NEXT;
                ops.add(c.slice(v, v, whole, next(v), name));
                outputs.add(name);
                outFeatures.add(new FeatureDescription(name, "", ops.get(ops.size() - 1).output().tensorType()));
            }
            return TimeCrop.withBlock(model, new Block(c.main.block().inputs(), ops, outputs), c.main.inputs(),
                    model.description().inputs(), outFeatures);
        }

        Model steady(Model model, String input, String output) {
            List<Operation> ops = new ArrayList<>();
            List<Var> inputs = new ArrayList<>(c.main.inputs());
            List<FeatureDescription> inFeatures = new ArrayList<>(model.description().inputs());
            Map<String, TimeCrop.Rows> holds = new HashMap<>();
            holds.put(input, new TimeCrop.Rows(0, (int) c.types.get(input).dim(c.axis.get(input))));
            for (Map.Entry<String, TimeCrop.Rows> e : carry.entrySet()) {
                Var v = new Var(e.getKey() + PREVIOUS, TimeCrop.withRows(c.types.get(e.getKey()),
                        c.axis.get(e.getKey()), e.getValue().length()));
                inputs.add(v);
                inFeatures.add(new FeatureDescription(v.name(), "", v.tensorType()));
            }
            Map<String, String> joined = new HashMap<>();   // carried rows and fresh rows of a value, concatenated
            for (Operation op : c.main.block().operations()) {
                if (op.isConst() || !c.axis.containsKey(op.output().name())) {
                    ops.add(op);
                    continue;
                }
                TimeCrop.Rows want = reads.get(op.name());
                if (want == null) {
                    continue;
                }
                TreeMap<String, List<Binding>> in = new TreeMap<>(op.inputs());
                for (Map.Entry<String, List<Binding>> e : op.inputs().entrySet()) {
                    List<Binding> bound = new ArrayList<>();
                    for (Binding b : e.getValue()) {
                        if (!b.isName() || !c.axis.containsKey(b.name())) {
                            bound.add(b);
                            continue;
                        }
                        String x = b.name();
                        String held = x;
                        TimeCrop.Rows rows = x.equals(input) ? holds.get(input) : fresh.get(x);
                        if (want.lo() < rows.lo()) {
                            held = joined.computeIfAbsent(x, v -> join(ops, v));
                            rows = new TimeCrop.Rows(carry.get(x).lo(), fresh.get(x).hi());
                        }
                        bound.add(Binding.of(c.cut(ops, held, x, rows, want, op.name() + "_" + e.getKey())));
                    }
                    in.put(e.getKey(), bound);
                }
                ops.add(c.rewritten(op, in, want, fresh.get(op.output().name())));
            }
            List<String> outputs = new ArrayList<>(c.main.block().outputs());
            List<FeatureDescription> outFeatures = new ArrayList<>();
            for (FeatureDescription f : model.description().outputs()) {
                outFeatures.add(f.name().equals(output) ? new FeatureDescription(f.name(), f.shortDescription(),
                        TimeCrop.withRows(f.type(), c.axis.get(output), fresh.get(output).length())) : f);
            }
            for (String v : carry.keySet()) {
                boolean both = next(v).lo() < fresh.get(v).lo();
                String held = both ? joined.computeIfAbsent(v, x -> join(ops, x)) : v;
                TimeCrop.Rows rows = both ? new TimeCrop.Rows(carry.get(v).lo(), fresh.get(v).hi()) : fresh.get(v);
                String name = v + NEXT;
                ops.add(c.slice(held, v, rows, next(v), name));
                outputs.add(name);
                outFeatures.add(new FeatureDescription(name, "", ops.get(ops.size() - 1).output().tensorType()));
            }
            return TimeCrop.withBlock(model, new Block(c.main.block().inputs(), ops, outputs), inputs, inFeatures,
                    outFeatures);
        }

        /** A concat of {@code v}'s carried rows and its fresh rows along its time axis, appended to {@code ops}. */
        private String join(List<Operation> ops, String v) {
            int a = c.axis.get(v);
            String name = v + "_joined";
            TreeMap<String, List<Binding>> in = new TreeMap<>();
            in.put("values", List.of(Binding.of(v + PREVIOUS), Binding.of(v)));
            in.put("axis", List.of(Binding.inline(TimeCrop.intScalar(a))));
            in.put("interleave", List.of(Binding.inline(new ConstValue.Immediate(TensorType.scalar(DataType.BOOL),
                    new byte[] {0}, null))));
            TimeCrop.Rows rows = new TimeCrop.Rows(carry.get(v).lo(), fresh.get(v).hi());
            ops.add(new Operation("concat", name, in,
                    List.of(new Var(name, TimeCrop.withRows(c.types.get(v), a, rows.length()))), null));
            return name;
        }
    }
}
