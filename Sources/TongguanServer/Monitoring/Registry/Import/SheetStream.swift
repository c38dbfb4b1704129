import Foundation
import TongguanDomain

/// Where an import's rows come from: bytes already in memory (an upload, bounded by the
/// upload limit) or a file on disk (the command line), which is read in pieces so a file of
/// a million members never sits in memory whole, as bytes or as text.
enum SheetStream {
    case data(Data)
    case file(String)

    /// Bytes per piece of a CSV file (a piece always ends at a line end outside quotes).
    static let pieceSize = 4 << 20

    /// Hands over each row; `body` returns false to stop. XLSX is read whole (its rows are
    /// bounded by the XLSX reader's limits); CSV from a file piece by piece.
    func read(limits: SheetLimits, each body: (SheetRow) -> Bool) throws(SheetFileError) {
        switch self {
        case .data(let data):
            try SheetFile.read(data, limits: limits, each: body)
        case .file(let path):
            guard let handle = FileHandle(forReadingAtPath: path) else { throw SheetFileError("无法读取文件:\(path)") }
            defer { try? handle.close() }
            let head = (try? handle.read(upToCount: 8)) ?? Data()
            if head.starts(with: SheetFile.zipSignature) || head.starts(with: SheetFile.oleSignature) {
                guard let whole = FileManager.default.contents(atPath: path) else { throw SheetFileError("无法读取文件:\(path)") }
                try SheetFile.read(whole, limits: limits, each: body)
                return
            }
            try? handle.seek(toOffset: 0)
            try Self.readCSV(handle, limits: limits, each: body)
        }
    }

    /// CSV from a file, piece by piece: each piece is cut after the last line feed that the
    /// CSV parser would see outside quotes, so a quoted line break never splits a row.
    static func readCSV(
        _ handle: FileHandle, limits: SheetLimits, pieceSize: Int = pieceSize, each body: (SheetRow) -> Bool
    ) throws(SheetFileError) {
        var carry = Data()
        var lineOffset = 0
        while true {
            let chunk = (try? handle.read(upToCount: pieceSize)) ?? Data()
            let atEnd = chunk.isEmpty
            var piece = carry
            piece.append(chunk)
            if piece.isEmpty { return }
            let cut = atEnd ? piece.count : lastRowEnd(piece)
            guard cut > 0 else {
                carry = piece
                continue
            }
            let text = Data(piece.prefix(cut))
            carry = Data(piece.dropFirst(cut))
            let decoded = try SheetFile.decodeText(text)
            var stopped = false
            let offset = lineOffset
            do {
                try CSVParser.parse(decoded, maxFieldsPerRow: limits.columnsPerRow) { row in
                    let keep = body(SheetRow(line: offset + row.line, cells: row.fields.map { .text(FormulaGuard.unguarded($0)) }))
                    if !keep { stopped = true }
                    return keep
                }
            } catch {
                switch error {
                case .unterminatedQuote(let line): throw SheetFileError("CSV 第\(offset + line)行引号未闭合")
                case .tooManyFields(let line): throw SheetFileError("CSV 第\(offset + line)行" + limits.tooWideMessage)
                }
            }
            if stopped || atEnd { return }
            lineOffset += SheetFile.lineFeeds(in: text)
        }
    }

    /// The offset just after the last line feed outside quotes (0 when there is none),
    /// following the parser's rules: a quote opens a quoted field only at a field's start,
    /// and `""` inside one is a quote.
    static func lastRowEnd(_ piece: Data) -> Int {
        piece.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) -> Int in
            var quoted = false, closing = false, fieldStart = true
            var last = 0
            for i in 0..<bytes.count {
                let b = bytes[i]
                if closing {
                    closing = false
                    if b == 0x22 { quoted = true; continue }
                }
                if quoted {
                    if b == 0x22 { quoted = false; closing = true }
                    continue
                }
                if b == 0x22 && fieldStart { quoted = true; fieldStart = false; continue }
                fieldStart = b == 0x2C || b == 0x0A || b == 0x0D
                if b == 0x0A { last = i + 1 }
            }
            return last
        }
    }
}
