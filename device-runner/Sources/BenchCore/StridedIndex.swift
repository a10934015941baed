/// Visits the element offsets of a strided array in logical (row-major) order. Core ML may pad the last
/// dimension of an output (e.g. to 64 bytes on the Neural Engine); reading only logical elements keeps padding
/// bytes out of the non-finite check.
public enum StridedIndex {
    /// Calls `body` once per logical element with its offset in elements from the array's start.
    public static func forEachOffset(shape: [Int], strides: [Int], _ body: (Int) -> Void) {
        precondition(shape.count == strides.count, "shape and strides differ in rank")
        if shape.contains(0) { return }
        if shape.isEmpty {
            body(0)
            return
        }
        var index = [Int](repeating: 0, count: shape.count)
        var offset = 0
        let last = shape.count - 1
        while true {
            // The innermost dimension is a simple run: no index bookkeeping per element.
            for i in 0..<shape[last] {
                body(offset + i * strides[last])
            }
            var d = last - 1
            while d >= 0 {
                index[d] += 1
                offset += strides[d]
                if index[d] < shape[d] { break }
                offset -= strides[d] * shape[d]
                index[d] = 0
                d -= 1
            }
            if d < 0 { return }
        }
    }
}
