#if canImport(CoreML)
import CoreML
import Foundation
#if canImport(BenchCore)
import BenchCore
#endif

/// Reads and writes MLMultiArray elements in logical order through the array's strides, for the element types the
/// mrt2 packages use (fp32, fp16, int32, fp64). FP16 goes through raw bits, which works on every Mac.
enum ArrayIO {
    static func write(_ values: [Float], into array: MLMultiArray) throws {
        precondition(values.count == array.count, "value count does not match the array")
        let shape = array.shape.map(\.intValue)
        let type = array.dataType
        try array.withUnsafeMutableBytes { raw, strides in
            var i = 0
            switch type {
            case .float32:
                let p = raw.bindMemory(to: Float.self)
                StridedIndex.forEachOffset(shape: shape, strides: strides) { p[$0] = values[i]; i += 1 }
            case .float16:
                let p = raw.bindMemory(to: UInt16.self)
                StridedIndex.forEachOffset(shape: shape, strides: strides) {
                    p[$0] = Float16Bits.from(values[i]); i += 1
                }
            case .int32:
                let p = raw.bindMemory(to: Int32.self)
                StridedIndex.forEachOffset(shape: shape, strides: strides) { p[$0] = Int32(values[i]); i += 1 }
            case .double:
                let p = raw.bindMemory(to: Double.self)
                StridedIndex.forEachOffset(shape: shape, strides: strides) { p[$0] = Double(values[i]); i += 1 }
            default:
                throw BenchError.unsupportedDataType("\(type.rawValue)")
            }
        }
    }

    /// Every element in logical order as Float (fp32, fp16, fp64; int32 converted).
    static func read(_ array: MLMultiArray) -> [Float] {
        let shape = array.shape.map(\.intValue)
        let type = array.dataType
        var out: [Float] = []
        out.reserveCapacity(array.count)
        array.withUnsafeBytes { raw, strides in
            switch type {
            case .float32:
                let p = raw.bindMemory(to: Float.self)
                StridedIndex.forEachOffset(shape: shape, strides: strides) { out.append(p[$0]) }
            case .float16:
                let p = raw.bindMemory(to: UInt16.self)
                StridedIndex.forEachOffset(shape: shape, strides: strides) { out.append(Float16Bits.toFloat(p[$0])) }
            case .double:
                let p = raw.bindMemory(to: Double.self)
                StridedIndex.forEachOffset(shape: shape, strides: strides) { out.append(Float(p[$0])) }
            case .int32:
                let p = raw.bindMemory(to: Int32.self)
                StridedIndex.forEachOffset(shape: shape, strides: strides) { out.append(Float(p[$0])) }
            default:
                break
            }
        }
        return out
    }

    /// Logical elements inspected and how many of them are NaN or infinite (integer arrays are always finite).
    static func scan(_ array: MLMultiArray) -> (checked: Int, nonFinite: Int) {
        let shape = array.shape.map(\.intValue)
        let type = array.dataType
        return array.withUnsafeBytes { raw, strides in
            var checked = 0
            var bad = 0
            switch type {
            case .float32:
                let p = raw.bindMemory(to: Float.self)
                StridedIndex.forEachOffset(shape: shape, strides: strides) {
                    checked += 1
                    if !p[$0].isFinite { bad += 1 }
                }
            case .float16:
                let p = raw.bindMemory(to: UInt16.self)
                StridedIndex.forEachOffset(shape: shape, strides: strides) {
                    checked += 1
                    if !Float16Bits.isFinite(p[$0]) { bad += 1 }
                }
            case .double:
                let p = raw.bindMemory(to: Double.self)
                StridedIndex.forEachOffset(shape: shape, strides: strides) {
                    checked += 1
                    if !p[$0].isFinite { bad += 1 }
                }
            default:
                checked = array.count
            }
            return (checked, bad)
        }
    }
}

enum BenchError: Error, CustomStringConvertible {
    case unsupportedDataType(String)
    case unsupportedInput(String, String)
    case missingModel(String)

    var description: String {
        switch self {
        case .unsupportedDataType(let t): return "unsupported MLMultiArray data type \(t)"
        case .unsupportedInput(let name, let why): return "input '\(name)' is not supported: \(why)"
        case .missingModel(let path): return "\(path) not found (did device-bench copy it?)"
        }
    }
}
#endif
