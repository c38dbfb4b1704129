import Fluent
import Foundation
import SQLKit
import TongguanDomain

/// The division tree in a scope as a sheet the importer reads back (区划代码, 名称, 级别).
enum DivisionExport {
    static func rows(in scope: DivisionScope, on db: any Database) async throws -> [[String]] {
        struct Row: Decodable { var code: String; var name: String; var level: String }
        let rows = try await db.sql.select().columns("code", "name", "level").from(Division.schema)
            .where("code", .like, SQLBind(scope.prefix + "%")).orderBy("code").all(decoding: Row.self)
        var sheet = [DivisionSheet.exportHeader]
        sheet.reserveCapacity(rows.count + 1)
        for row in rows { sheet.append([row.code, row.name, Division.Level(rawValue: row.level)?.label ?? row.level]) }
        return sheet
    }
}
