import Foundation
import ZIPFoundation

/// The central directory of a ZIP file, with bounds-checked access to its entries.
struct ZipDirectory {
    struct Entry {
        var method: UInt16
        var flags: UInt16
        var crc32: UInt32
        var compressedSize: UInt64
        var uncompressedSize: UInt64
        var localHeaderOffset: UInt64
    }

    private let data: Data
    /// Uncompressed bytes any one entry may have.
    let entryLimit: Int
    private var entries: [String: Entry] = [:]
    /// Lower-cased names, for files whose writer spelled a part name differently.
    private var folded: [String: String] = [:]

    init(_ data: Data, entryLimit: Int) throws(SheetFileError) {
        self.data = data
        self.entryLimit = entryLimit
        let bytes = Bytes(data: data)
        let corrupt = SheetFileError("无法读取 XLSX 文件:文件已损坏或不是 XLSX 文件")

        // End of central directory: 22 bytes plus a comment of up to 65,535, at the end.
        guard data.count >= 22 else { throw corrupt }
        var eocd: Int?
        var position = data.count - 22
        let lowest = max(0, data.count - 22 - 65_535)
        while position >= lowest {
            if bytes.u32(position) == 0x0605_4B50 { eocd = position; break }
            position -= 1
        }
        guard let eocd else { throw corrupt }
        var entryCount = UInt64(bytes.u16(eocd + 10) ?? 0)
        var directorySize = UInt64(bytes.u32(eocd + 12) ?? 0)
        var directoryOffset = UInt64(bytes.u32(eocd + 16) ?? 0)
        if entryCount == 0xFFFF || directorySize == 0xFFFF_FFFF || directoryOffset == 0xFFFF_FFFF {
            // ZIP64: a locator just before the record points to the 64-bit record.
            guard eocd >= 20, bytes.u32(eocd - 20) == 0x0706_4B50,
                let recordOffset = bytes.u64(eocd - 12), let record = Int(exactly: recordOffset),
                bytes.u32(record) == 0x0606_4B50,
                let count = bytes.u64(record + 32), let size = bytes.u64(record + 40), let offset = bytes.u64(record + 48)
            else { throw corrupt }
            (entryCount, directorySize, directoryOffset) = (count, size, offset)
        }
        guard let start = Int(exactly: directoryOffset), let size = Int(exactly: directorySize),
            start <= data.count, size <= data.count - start
        else { throw corrupt }

        var p = start
        for _ in 0..<min(entryCount, UInt64(size / 46 + 1)) {
            guard bytes.u32(p) == 0x0201_4B50,
                let flags = bytes.u16(p + 8), let method = bytes.u16(p + 10), let crc = bytes.u32(p + 16),
                let compressed32 = bytes.u32(p + 20), let uncompressed32 = bytes.u32(p + 24),
                let nameLength = bytes.u16(p + 28), let extraLength = bytes.u16(p + 30),
                let commentLength = bytes.u16(p + 32), let offset32 = bytes.u32(p + 42),
                let nameBytes = bytes.slice(p + 46, Int(nameLength))
            else { throw corrupt }
            var entry = Entry(
                method: method, flags: flags, crc32: crc, compressedSize: UInt64(compressed32),
                uncompressedSize: UInt64(uncompressed32), localHeaderOffset: UInt64(offset32))
            // ZIP64 extra field (id 1): only the sizes that are 0xFFFFFFFF above, in this order.
            if compressed32 == 0xFFFF_FFFF || uncompressed32 == 0xFFFF_FFFF || offset32 == 0xFFFF_FFFF {
                var e = p + 46 + Int(nameLength)
                let end = e + Int(extraLength)
                while e + 4 <= end, let id = bytes.u16(e), let length = bytes.u16(e + 2) {
                    if id == 1 {
                        var f = e + 4
                        func next() -> UInt64? { defer { f += 8 }; return f + 8 <= e + 4 + Int(length) ? bytes.u64(f) : nil }
                        if uncompressed32 == 0xFFFF_FFFF { guard let v = next() else { throw corrupt }; entry.uncompressedSize = v }
                        if compressed32 == 0xFFFF_FFFF { guard let v = next() else { throw corrupt }; entry.compressedSize = v }
                        if offset32 == 0xFFFF_FFFF { guard let v = next() else { throw corrupt }; entry.localHeaderOffset = v }
                        break
                    }
                    e += 4 + Int(length)
                }
            }
            let name = String(decoding: nameBytes, as: UTF8.self).replacingOccurrences(of: "\\", with: "/")
            let key = name.hasPrefix("/") ? String(name.dropFirst()) : name
            if entries[key] == nil {
                entries[key] = entry
                folded[key.lowercased()] = key
            }
            p += 46 + Int(nameLength) + Int(extraLength) + Int(commentLength)
        }
    }

    func contains(_ path: String) -> Bool { lookup(path) != nil }

    private func lookup(_ path: String) -> Entry? {
        if let entry = entries[path] { return entry }
        return folded[path.lowercased()].flatMap { entries[$0] }
    }

    /// The uncompressed bytes of an entry, refused when they would exceed `entryLimit`.
    func contents(of path: String) throws(SheetFileError) -> Data {
        let limit = entryLimit
        let corrupt = SheetFileError("无法读取 XLSX 文件:\(path) 已损坏")
        guard let entry = lookup(path) else { throw SheetFileError("无法读取 XLSX 文件:缺少 \(path)") }
        guard entry.flags & 1 == 0 else { throw SheetFileError("无法读取 XLSX 文件:文件已加密") }
        guard entry.uncompressedSize <= UInt64(limit) else {
            throw SheetFileError("无法读取 XLSX 文件:\(path) 解压后超过 \(limit / 1024 / 1024) MB")
        }
        let bytes = Bytes(data: data)
        guard let header = Int(exactly: entry.localHeaderOffset), bytes.u32(header) == 0x0403_4B50,
            let nameLength = bytes.u16(header + 26), let extraLength = bytes.u16(header + 28),
            let size = Int(exactly: entry.compressedSize),
            let compressed = bytes.slice(header + 30 + Int(nameLength) + Int(extraLength), size)
        else { throw corrupt }

        switch entry.method {
        case 0:
            guard compressed.count <= limit else { throw corrupt }
            let stored = Data(compressed)
            guard stored.crc32(checksum: 0) == entry.crc32 else { throw corrupt }
            return stored
        case 8:
            return try inflate(compressed, entry: entry, limit: limit, corrupt: corrupt, path: path)
        default:
            throw SheetFileError("无法读取 XLSX 文件:\(path) 的压缩方式不受支持")
        }
    }

    private func inflate(
        _ compressed: Data, entry: Entry, limit: Int, corrupt: SheetFileError,
        path: String
    ) throws(SheetFileError) -> Data {
        struct TooLarge: Error {}
        struct PastEnd: Error {}
        let chunkSize = 64 * 1024
        var output = Data()
        do {
            // ZIPFoundation's inflate loop always offers zlib a full chunk and asks for more until
            // the stream ends: give it full chunks (zero bytes after the entry, which inflate
            // rejects or ends on) and refuse a second chunk beyond the entry.
            let checksum = try Data.decompress(
                size: Int64(compressed.count), bufferSize: chunkSize, skipCRC32: false,
                provider: { position, size in
                    let start = Int(position)
                    guard start < compressed.count + size else { throw PastEnd() }
                    var chunk = Data(count: size)
                    if start < compressed.count {
                        let base = compressed.startIndex
                        let end = min(start + size, compressed.count)
                        chunk.replaceSubrange(0..<(end - start), with: compressed[(base + start)..<(base + end)])
                    }
                    return chunk
                },
                consumer: { piece in
                    guard output.count + piece.count <= limit else { throw TooLarge() }
                    output.append(piece)
                })
            guard checksum == entry.crc32 else { throw corrupt }
        } catch is TooLarge {
            throw SheetFileError("无法读取 XLSX 文件:\(path) 解压后超过 \(limit / 1024 / 1024) MB")
        } catch {
            throw corrupt
        }
        return output
    }

    /// Little-endian integers at offsets into the file; nil past its end.
    private struct Bytes {
        let data: Data

        func slice(_ offset: Int, _ count: Int) -> Data? {
            guard offset >= 0, count >= 0, offset <= data.count, count <= data.count - offset else { return nil }
            let base = data.startIndex
            return data[(base + offset)..<(base + offset + count)]
        }

        private func value<T: FixedWidthInteger>(_ offset: Int, _: T.Type) -> T? {
            guard let bytes = slice(offset, MemoryLayout<T>.size) else { return nil }
            var v: T = 0
            for (i, b) in bytes.enumerated() { v |= T(b) << (8 * i) }
            return v
        }

        func u16(_ offset: Int) -> UInt16? { value(offset, UInt16.self) }
        func u32(_ offset: Int) -> UInt32? { value(offset, UInt32.self) }
        func u64(_ offset: Int) -> UInt64? { value(offset, UInt64.self) }
    }
}
