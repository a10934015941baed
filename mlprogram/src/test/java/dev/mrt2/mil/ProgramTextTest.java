package dev.mrt2.mil;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The text form: one op per line, outputs with types, blobs by reference, long immediates summarized. */
class ProgramTextTest {
    @Test
    void goldenProgram() {
        MilBuilder b = new MilBuilder(Opset.IOS15, new MilBuilderTest.MemorySink());
        Var x = b.input("x", TensorType.of(DataType.FLOAT16, 2, 20));
        Var w = b.constant("w", TensorType.of(DataType.FLOAT16, 20), new float[20]);
        Var small = b.constantInts("small", TensorType.of(DataType.INT32, 17), new int[17]);
        List<Var> parts = b.split("parts", b.mul("scaled", x, w), -1, 5, 15);
        b.output("head", parts.get(0));
        b.output("n", b.cast("n_f", small, DataType.FLOAT32));
        assertEquals("""
                main(%x: fp16[2, 20]) opset CoreML5 {
                  %w: fp16[20] = const(val=blob(@model_path/weights/weight.bin, offset=64))
                  %small: int32[17] = const(val=<17 values>)
                  %scaled: fp16[2, 20] = mul(x=%x, y=%w)
                  %parts_split_sizes: int32[2] = const(val=[5, 15])
                  %parts_axis: int32[] = const(val=-1)
                  %parts_0: fp16[2, 5], %parts_1: fp16[2, 15] = split(axis=%parts_axis, split_sizes=%parts_split_sizes, x=%scaled)  # parts
                  %head: fp16[2, 5] = identity(x=%parts_0)
                  %n_f_dtype: string[] = const(val="fp32")
                  %n_f: fp32[17] = cast(dtype=%n_f_dtype, x=%small)
                  %n: fp32[17] = identity(x=%n_f)
                } -> (%head, %n)
                """, ProgramText.of(b.build(Metadata.empty())));
    }
}
