package dev.mrt2.mil;

/** Deployment targets we write: specification version and MIL opset go together (coreml-mlpackage.md §3.1). */
public enum Opset {
    IOS15(6, "CoreML5"),
    IOS16(7, "CoreML6"),
    IOS17(8, "CoreML7"),
    IOS18(9, "CoreML8");

    public final int specificationVersion;
    public final String opsetName;

    Opset(int specificationVersion, String opsetName) {
        this.specificationVersion = specificationVersion;
        this.opsetName = opsetName;
    }

    public static Opset fromName(String opsetName) {
        for (Opset o : values()) {
            if (o.opsetName.equals(opsetName)) {
                return o;
            }
        }
        throw new IllegalArgumentException("unsupported opset '" + opsetName + "'");
    }

    public static Opset fromSpecificationVersion(int version) {
        for (Opset o : values()) {
            if (o.specificationVersion == version) {
                return o;
            }
        }
        throw new IllegalArgumentException("unsupported specificationVersion " + version);
    }
}
