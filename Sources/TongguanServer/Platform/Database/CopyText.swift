import FluentPostgresDriver
import Foundation
import NIOCore

/// PostgreSQL's COPY text format: tab between columns, `\N` for null, and backslash,
/// tab, line feed and carriage return escaped inside values. Each value is followed by a tab;
/// the writer turns the row's last one into a line feed.
enum CopyText {
    /// Ends a row: its last value's tab becomes a line feed.
    static func endRow(_ buffer: inout ByteBuffer) {
        buffer.moveWriterIndex(to: buffer.writerIndex - 1)
        buffer.writeInteger(UInt8(ascii: "\n"))
    }

    /// `COPY table (columns) FROM STDIN` of `rows` (whole rows in this format) on the
    /// connection of `pg`, inside its transaction when it is one.
    static func copy(_ rows: ByteBuffer, into table: String, columns: [String], on pg: any PostgresDatabase) async throws {
        let logger = pg.logger
        try await pg.withConnection { conn in
            conn.eventLoop.makeFutureWithTask {
                try await conn.copyFrom(table: table, columns: columns, logger: logger) { writer in
                    try await writer.write(rows)
                }
            }
        }.get()
    }

    static func append(_ s: String?, to buffer: inout ByteBuffer) {
        guard let s else {
            buffer.writeStaticString("\\N\t")
            return
        }
        let utf8 = s.utf8
        if utf8.contains(where: { $0 == 0x5C || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) {
            var escaped: [UInt8] = []
            escaped.reserveCapacity(utf8.count + 8)
            for byte in utf8 {
                switch byte {
                case 0x5C: escaped += [0x5C, 0x5C]
                case 0x09: escaped += [0x5C, UInt8(ascii: "t")]
                case 0x0A: escaped += [0x5C, UInt8(ascii: "n")]
                case 0x0D: escaped += [0x5C, UInt8(ascii: "r")]
                default: escaped.append(byte)
                }
            }
            buffer.writeBytes(escaped)
        } else {
            buffer.writeString(s)
        }
        buffer.writeInteger(UInt8(ascii: "\t"))
    }

    static func append(_ id: UUID?, to buffer: inout ByteBuffer) {
        append(id?.uuidString, to: &buffer)
    }

    static func append(_ n: Int64, to buffer: inout ByteBuffer) {
        buffer.writeString(String(n))
        buffer.writeInteger(UInt8(ascii: "\t"))
    }
}
