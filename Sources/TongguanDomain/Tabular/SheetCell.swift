import Foundation

/// One cell as a file holds it: text, or a number in the file's own text form (XLSX keeps
/// dates and amounts as numbers; CSV keeps everything as text).
public enum SheetCell: Equatable, Sendable {
    case text(String)
    case number(String)

    public var text: String {
        switch self {
        case .text(let s): s.trimmedCell
        case .number(let s): DecimalText.rounded(s, places: 6) ?? s
        }
    }

    public var isEmpty: Bool { text.isEmpty }
}

/// A sheet's rows with their spreadsheet row numbers (header = 1).
public struct SheetRow: Equatable, Sendable {
    public let line: Int
    public let cells: [SheetCell]
    public init(line: Int, cells: [SheetCell]) {
        self.line = line
        self.cells = cells
    }
}
