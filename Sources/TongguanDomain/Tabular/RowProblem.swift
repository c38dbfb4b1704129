/// One reason one row of an imported file was refused, located as a spreadsheet shows it.
public struct RowProblem: Hashable, Sendable, Codable {
    public let row: Int
    public let column: String
    public let message: String

    public init(row: Int, column: String, message: String) {
        self.row = row
        self.column = column
        self.message = message
    }

    public var text: String { "第\(row)行「\(column)」:\(message)" }
}
