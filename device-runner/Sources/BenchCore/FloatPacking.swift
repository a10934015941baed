import Foundation

/// Float32 arrays as little-endian bytes, and those bytes as base64 text: how the runner returns a fixture run's
/// outputs inside the results JSON (one file to pull, exact values, no decimal rounding).
public enum FloatPacking {
    public static func littleEndian(_ values: [Float]) -> Data {
        var data = Data(capacity: values.count * 4)
        for v in values {
            withUnsafeBytes(of: v.bitPattern.littleEndian) { data.append(contentsOf: $0) }
        }
        return data
    }

    public static func floats(littleEndian data: Data) -> [Float] {
        let bytes = [UInt8](data)
        return stride(from: 0, to: bytes.count - bytes.count % 4, by: 4).map { i in
            let bits = UInt32(bytes[i]) | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2]) << 16
                | UInt32(bytes[i + 3]) << 24
            return Float(bitPattern: bits)
        }
    }

    public static func base64(_ values: [Float]) -> String {
        littleEndian(values).base64EncodedString()
    }
}
