import ConsoleKit
import Foundation
import TongguanDomain
import Vapor

/// A kind of sheet a module imports or exports (`projects`, `members`, a ledger's code…).
/// The App-level `tongguan import KIND FILE` and `tongguan export KIND` commands are built
/// from these; each kind brings its own command so it can take options of its own.
struct SheetKind: Sendable {
    var name: String
    /// One Chinese line for `tongguan import --help`.
    var summary: String
    var importCommand: (any AnyAsyncCommand & Sendable)?
    var exportCommand: (any AnyAsyncCommand & Sendable)?
}

/// `tongguan import KIND FILE`: dispatches to the module that registered KIND.
struct ImportCommands: AsyncCommandGroup {
    let kinds: [SheetKind]
    var help: String {
        "导入数据表(全部成功或全部不导入)。可导入:" + kinds.filter { $0.importCommand != nil }.map { "\($0.name)(\($0.summary))" }.joined(separator: "、")
    }
    var commands: [String: any AnyAsyncCommand] {
        Dictionary(kinds.compactMap { k in k.importCommand.map { (k.name, $0 as any AnyAsyncCommand) } }, uniquingKeysWith: { a, _ in a })
    }
}

/// `tongguan export KIND`: dispatches to the module that registered KIND.
struct ExportCommands: AsyncCommandGroup {
    let kinds: [SheetKind]
    var help: String {
        "导出数据表(与导入格式相同)。可导出:" + kinds.filter { $0.exportCommand != nil }.map { "\($0.name)(\($0.summary))" }.joined(separator: "、")
    }
    var commands: [String: any AnyAsyncCommand] {
        Dictionary(kinds.compactMap { k in k.exportCommand.map { (k.name, $0 as any AnyAsyncCommand) } }, uniquingKeysWith: { a, _ in a })
    }
}
