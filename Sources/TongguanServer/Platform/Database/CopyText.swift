import Fluent
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
        try await copy([rows], into: table, columns: columns, on: pg)
    }

    /// The same for rows in several buffers (a large batch, written a chunk at a time).
    static func copy(_ chunks: [ByteBuffer], into table: String, columns: [String], on pg: any PostgresDatabase) async throws {
        let logger = pg.logger
        try await pg.withConnection { conn in
            conn.eventLoop.makeFutureWithTask {
                try await conn.copyFrom(table: table, columns: columns, logger: logger) { writer in
                    for chunk in chunks where chunk.readableBytes > 0 { try await writer.write(chunk) }
                }
            }
        }.get()
    }

    /// The same on a Fluent database, which must be PostgreSQL.
    static func copy(_ chunks: [ByteBuffer], into table: String, columns: [String], on db: any Database) async throws {
        guard let pg = db as? any PostgresDatabase else { throw NotPostgres() }
        try await copy(chunks, into: table, columns: columns, on: pg)
    }

    struct NotPostgres: Error {}

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

    static func append(_ flag: Bool, to buffer: inout ByteBuffer) {
        buffer.writeString(flag ? "t\t" : "f\t")
    }

    static func append(_ n: Int64, to buffer: inout ByteBuffer) {
        buffer.writeString(String(n))
        buffer.writeInteger(UInt8(ascii: "\t"))
    }
}
