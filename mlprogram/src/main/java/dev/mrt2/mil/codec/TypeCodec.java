package dev.mrt2.mil.codec;

import dev.mrt2.mil.DataType;
import dev.mrt2.mil.MilException;
import dev.mrt2.mil.StateType;
import dev.mrt2.mil.TensorType;
import dev.mrt2.mil.ValueType;
import dev.mrt2.mil.proto.MilProtos;
import java.util.ArrayList;
import java.util.List;

/** MIL value types between our records and MIL.proto (coreml-mlpackage.md §2.7). */
final class TypeCodec {
    private TypeCodec() {}

    static MilProtos.ValueType encode(ValueType type) {
        if (type instanceof StateType s) {
            MilProtos.StateType state = MilProtos.StateType.newBuilder().setWrappedType(encode(s.wrapped())).build();
            return MilProtos.ValueType.newBuilder().setStateType(state).build();
        }
        return MilProtos.ValueType.newBuilder().setTensorType(encodeTensor((TensorType) type)).build();
    }

    static MilProtos.TensorType encodeTensor(TensorType t) {
        MilProtos.TensorType.Builder b = MilProtos.TensorType.newBuilder()
                .setDataTypeValue(t.dataType().protoValue)
                .setRank(t.rank());                          // 0 for scalars: then absent on the wire
        for (long d : t.shape()) {
            // A fixed dimension is always a present ConstantDimension message, even for size 0 (§2.2 rule 3).
            b.addDimensions(MilProtos.Dimension.newBuilder()
                    .setConstant(MilProtos.Dimension.ConstantDimension.newBuilder().setSize(d)));
        }
        return b.build();
    }

    static ValueType decode(MilProtos.ValueType v, String where) {
        switch (v.getTypeCase()) {
            case TENSORTYPE:
                return decodeTensor(v.getTensorType(), where);
            case STATETYPE: {
                MilProtos.ValueType wrapped = v.getStateType().getWrappedType();
                if (wrapped.getTypeCase() != MilProtos.ValueType.TypeCase.TENSORTYPE) {
                    throw new MilException(where + ": state must wrap a tensor type, got " + wrapped.getTypeCase());
                }
                return new StateType(decodeTensor(wrapped.getTensorType(), where));
            }
            case TYPE_NOT_SET:
                throw new MilException(where + ": value type missing");
            default:
                throw new MilException(where + ": " + v.getTypeCase() + " values are not supported (only tensors and states)");
        }
    }

    static TensorType decodeTensor(MilProtos.TensorType t, String where) {
        DataType dt = decodeDataType(t.getDataTypeValue(), where);
        if (t.getAttributesCount() != 0) {
            throw new MilException(where + ": tensor type carries attributes " + t.getAttributesMap().keySet());
        }
        if (t.getRank() != t.getDimensionsCount()) {
            throw new MilException(where + ": tensor rank " + t.getRank() + " but " + t.getDimensionsCount() + " dimensions");
        }
        List<Long> shape = new ArrayList<>(t.getDimensionsCount());
        for (MilProtos.Dimension d : t.getDimensionsList()) {
            if (d.getDimensionCase() != MilProtos.Dimension.DimensionCase.CONSTANT) {
                throw new MilException(where + ": dimension " + shape.size() + " is not a constant size"
                        + " (symbolic shapes are not supported)");
            }
            long size = d.getConstant().getSize();
            if (size < 0) {   // uint64 beyond Long.MAX_VALUE
                throw new MilException(where + ": dimension " + shape.size() + " is too large");
            }
            shape.add(size);
        }
        return new TensorType(dt, shape);
    }

    static DataType decodeDataType(int protoValue, String where) {
        try {
            return DataType.fromProto(protoValue);
        } catch (IllegalArgumentException e) {
            throw new MilException(where + ": unsupported MIL data type " + protoValue);
        }
    }
}
