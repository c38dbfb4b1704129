import Foundation
import Testing

@testable import TongguanDomain

@Suite("Role")
struct RoleTests {
    struct Expected: Sendable, CustomTestStringConvertible {
        let role: Role
        let raw: String
        let label: String
        let manageUsers: Bool
        let editRecords: Bool
        let readAudit: Bool
        let supervise: Bool
        var testDescription: String { raw }
    }

    static let table: [Expected] = [
        Expected(
            role: .admin, raw: "admin", label: "管理员",
            manageUsers: true, editRecords: true, readAudit: true, supervise: true),
        Expected(
            role: .operator, raw: "operator", label: "经办人",
            manageUsers: false, editRecords: true, readAudit: false, supervise: false),
        Expected(
            role: .supervisor, raw: "supervisor", label: "督办人",
            manageUsers: false, editRecords: false, readAudit: true, supervise: true),
        Expected(
            role: .viewer, raw: "viewer", label: "查看者",
            manageUsers: false, editRecords: false, readAudit: false, supervise: false),
    ]

    @Test("permission table", arguments: table)
    func permissions(_ e: Expected) {
        #expect(e.role.rawValue == e.raw)
        #expect(Role(rawValue: e.raw) == e.role)
        #expect(e.role.label == e.label)
        #expect(e.role.canManageUsers == e.manageUsers)
        #expect(e.role.canEditRecords == e.editRecords)
        #expect(e.role.canReadAudit == e.readAudit)
        #expect(e.role.canSupervise == e.supervise)
    }

    @Test("the table covers every role exactly once")
    func tableIsComplete() {
        #expect(Role.allCases == [.admin, .operator, .supervisor, .viewer])
        #expect(Set(Self.table.map(\.role)) == Set(Role.allCases))
        #expect(Self.table.count == Role.allCases.count)
        #expect(Set(Role.allCases.map(\.label)).count == Role.allCases.count)
    }

    @Test("only admins manage users")
    func onlyAdminsManageUsers() {
        #expect(Role.allCases.filter(\.canManageUsers) == [.admin])
    }

    @Test("unknown raw values are refused", arguments: ["", "Admin", "ADMIN", "root", "operator ", "管理员"])
    func unknownRaw(_ raw: String) {
        #expect(Role(rawValue: raw) == nil)
    }

    @Test("Codable uses the raw value")
    func codable() throws {
        let data = try JSONEncoder().encode(Role.allCases)
        #expect(String(decoding: data, as: UTF8.self) == #"["admin","operator","supervisor","viewer"]"#)
        #expect(try JSONDecoder().decode([Role].self, from: data) == Role.allCases)
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode([Role].self, from: Data(#"["superuser"]"#.utf8))
        }
    }
}
