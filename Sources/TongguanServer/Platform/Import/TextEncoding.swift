import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Text encodings Foundation on Linux lacks. Excel on Chinese Windows saves CSV as GBK, which
/// GB18030 contains; glibc's iconv converts both ways.
enum TextEncoding {
    /// GB18030 (or GBK, its subset) bytes as a string; nil when the bytes are not GB18030.
    static func decodeGB18030(_ data: Data) -> String? {
        guard let utf8 = convert(data, from: "GB18030", to: "UTF-8") else { return nil }
        return String(data: utf8, encoding: .utf8)
    }

    /// The string as GB18030 bytes (every Unicode scalar has one); nil only if iconv fails.
    static func encodeGB18030(_ text: String) -> Data? {
        convert(Data(text.utf8), from: "UTF-8", to: "GB18030")
    }

    /// Converts all of `data` with iconv; nil on an invalid or incomplete sequence.
    static func convert(_ data: Data, from source: String, to target: String) -> Data? {
        let cd = iconv_open(target, source)
        // iconv_open signals failure with (iconv_t)-1.
        guard let cd, Int(bitPattern: cd) != -1 else { return nil }
        defer { iconv_close(cd) }
        if data.isEmpty { return Data() }

        var input = [UInt8](data)
        var capacity = max(256, data.count * 2)
        var output = Data()
        let ok = input.withUnsafeMutableBufferPointer { inBuffer -> Bool in
            var inPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(inBuffer.baseAddress!)
                .assumingMemoryBound(to: CChar.self)
            var inLeft = inBuffer.count
            while true {
                var chunk = [UInt8](repeating: 0, count: capacity)
                let (result, code, produced) = chunk.withUnsafeMutableBufferPointer { outBuffer -> (Int, Int32, Int) in
                    var outPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(outBuffer.baseAddress!)
                        .assumingMemoryBound(to: CChar.self)
                    var outLeft = outBuffer.count
                    errno = 0
                    let r = iconv(cd, &inPointer, &inLeft, &outPointer, &outLeft)
                    return (r, errno, outBuffer.count - outLeft)  // size_t is Int in Swift; (size_t)-1 is -1
                }
                output.append(contentsOf: chunk[..<produced])
                if result != -1 { return true }  // GB18030 and UTF-8 keep no shift state to flush
                // E2BIG: the output buffer is full; what fit is kept, go on with a larger one.
                if code == E2BIG { capacity *= 2; continue }
                return false  // EILSEQ (invalid sequence) or EINVAL (incomplete at the end)
            }
        }
        return ok ? output : nil
    }
}
