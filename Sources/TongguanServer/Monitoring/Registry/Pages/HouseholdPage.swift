import Fluent
import Foundation
import SQLKit
import TongguanDomain
import Vapor

/// The household page: facts, members (IDs masked; the reveal form for admins and
/// supervisors) and the audit history.
extension RegistryPages {
    // MARK: a household

    struct MemberRow: Encodable, Sendable {
        var id: String
        var name: String
        var residentID: String
        var revealed: Bool
        var sex: String
        var birthDate: String
        var age: Int
        var relation: String
        var labour: String
        var school: String
        var work: String
        var flags: String
        var status: String
        var present: Bool
    }

    struct AuditRow: Encodable, Sendable {
        var time: String
        var actor: String
        var action: String
        var changes: String
    }

    /// A reveal of a member's ID: who, when, why and whose (never the ID).
    struct RevealRow: Encodable, Sendable {
        var time: String
        var actor: String
        var member: String
        var reason: String
    }

    /// The household's audit history (its own events within the caller's scope, as the audit
    /// list filters them) and its members' `member.reveal` events, each newest first and at
    /// most 50, in one round trip: the page is read far more often than it changes.
    static func history(
        of household: Household, members: [Member], scope: DivisionScope, disclosure: Disclosure, on db: any Database
    ) async throws -> (audit: [AuditEventRow], reveals: [RevealRow]) {
        let names = Dictionary(uniqueKeysWithValues: members.compactMap { m in m.id.map { ($0.uuidString, m.name) } })
        var query: SQLQueryString = """
            SELECT * FROM (SELECT * FROM audit_events WHERE entity_type = 'household' AND entity_id = \(bind: household.code)
            AND division_code LIKE \(bind: scope.prefix + "%") ORDER BY seq DESC LIMIT 50) own
            """
        if !names.isEmpty {
            query += """
                 UNION ALL SELECT * FROM (SELECT * FROM audit_events WHERE entity_type = 'member' AND action = 'member.reveal'
                AND entity_id IN (\(binds: Array(names.keys))) ORDER BY seq DESC LIMIT 50) revealed
                """
        }
        let rows = try await db.sql.raw(query).all(decoding: AuditEventRow.self).sorted { $0.seq > $1.seq }
        let reveals = rows.filter { $0.entityType == "member" }.map { r in
            let reason = AuditChange.decode(r.changes).first { $0.field == "reason" }?.after ?? ""
            let name = names[r.entityID.uppercased()] ?? names[r.entityID] ?? ""
            return RevealRow(time: ChinaDate.display(r.occurredAt), actor: r.actor, member: disclosure.name(name), reason: reason)
        }
        return (rows.filter { $0.entityType == "household" }, reveals)
    }

    struct DetailBody: Encodable, Sendable {
        var code: String
        var village: String
        var villageCode: String
        var address: String
        var phone: String
        var status: String
        var headName: String
        var memberCount: Int
        var members: [MemberRow]
        var canEdit: Bool
        var canReveal: Bool
        var canAudit: Bool
        var audit: [AuditRow]
        /// nil when there is none (the page then says so).
        var reveals: [RevealRow]?
        var form: MemberFormBody?
        /// The present members, for the leave and transfer forms.
        var presentMembers: [SelectOption]
        var leaveReasons: [SelectOption]
        var closeReasons: [SelectOption]
        var relations: [SelectOption]
        var today: String
        /// The hand-over form (户主变更): candidates, each present member's relation, the version.
        var handOver: HandOverBody?
    }

    struct HandOverRow: Encodable, Sendable {
        var id: String
        var label: String
        var isHead: Bool
    }

    struct HandOverBody: Encodable, Sendable {
        var candidates: [SelectOption]
        var members: [HandOverRow]
        /// Every relation but 户主 (a restated relation is never head).
        var relations: [SelectOption]
        var version: Int
    }

    /// `revealed`: the one member whose ID this answer shows in full (just revealed).
    func detail(
        _ req: Request, _ household: Household, revealed: (UUID, String)? = nil, form: MemberFormBody? = nil,
        status: HTTPResponseStatus = .ok, error: String? = nil
    ) async throws -> Response {
        let caller = try req.caller
        let members = try await RegistryFinder.members(of: household, on: req.db)
        let disclosure = Disclosure(role: caller.role)
        let dtos = RegistryQueries.memberDTOs(
            members, householdCode: household.code, ring: try req.registryKeys, disclosure: disclosure, today: RegistryFinder.today())
        let dto = HouseholdDTO(household, members: dtos, disclosure: disclosure)
        let names = try await Division.names(of: [household.divisionCode], on: req.db)
        var audit: [AuditRow] = []
        var reveals: [RevealRow] = []
        if caller.role.canReadAudit {
            let history = try await Self.history(of: household, members: members, scope: caller.scope, disclosure: disclosure, on: req.db)
            reveals = history.reveals
            audit = history.audit.map { r in
                AuditRow(
                    time: ChinaDate.display(r.occurredAt), actor: r.actor, action: AuditLabels.action(r.action),
                    changes: AuditChange.decode(r.changes).map { "\($0.field): \($0.before ?? "—") → \($0.after ?? "—")" }.joined(separator: ";"))
            }
        }
        let body = DetailBody(
            code: household.code, village: names[household.divisionCode] ?? household.divisionCode, villageCode: household.divisionCode,
            address: dto.address ?? "", phone: dto.phone ?? "", status: Self.label(HouseholdStatus.self, household.status),
            headName: dto.headName ?? "(无户主)", memberCount: dto.memberCount,
            members: dtos.map { m in
                let shown = revealed.flatMap { $0.0 == m.id ? $0.1 : nil }
                var flags: [String] = []
                if m.disability { flags.append("残疾") }
                if m.chronicIllness { flags.append("慢性病") }
                flags.append(m.basicMedicalInsurance ? "已参加基本医保" : "未参加基本医保")
                return MemberRow(
                    id: m.id.uuidString, name: m.name, residentID: shown ?? m.residentID, revealed: shown != nil,
                    sex: m.sex == "female" ? "女" : "男", birthDate: m.birthDate, age: m.age,
                    relation: Self.label(TongguanDomain.Relation.self, m.relation), labour: Self.label(LabourCapacity.self, m.labourCapacity),
                    school: Self.label(SchoolStage.self, m.schoolStage), work: Self.label(WorkStatus.self, m.workStatus),
                    flags: flags.joined(separator: "、"),
                    status: m.status == MemberStatus.present.rawValue
                        ? "在户" : "已离户(\(Self.label(LeaveReason.self, m.leaveReason)),\(m.leftOn ?? ""))",
                    present: m.status == MemberStatus.present.rawValue)
            },
            canEdit: caller.role.canEditRecords && household.status == HouseholdStatus.active.rawValue,
            canReveal: caller.role.canRevealResidentIDs, canAudit: caller.role.canReadAudit, audit: audit, reveals: reveals.isEmpty ? nil : reveals,
            form: form ?? (caller.role.canEditRecords ? Self.memberForm(action: "/monitoring/households/\(household.code)/members") : nil),
            presentMembers: dtos.filter { $0.status == MemberStatus.present.rawValue }.map {
                SelectOption(value: $0.id.uuidString, label: "\($0.name)(\(Self.label(TongguanDomain.Relation.self, $0.relation)))", selected: false)
            },
            leaveReasons: Self.choices(LeaveReason.self, selected: nil), closeReasons: Self.choices(HouseholdCloseReason.self, selected: nil),
            relations: Self.choices(TongguanDomain.Relation.self, selected: nil), today: RegistryFinder.today().description,
            handOver: Self.handOverBody(dtos, version: household.version))
        let response = try await req.page(
            "monitoring/household", title: "农户 \(household.code)", active: Self.active, status: status, error: error, body)
        // A page that may hold a revealed ID is never kept by a cache.
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }

    static func handOverBody(_ members: [MemberDTO], version: Int) -> HandOverBody? {
        let present = members.filter { $0.status == MemberStatus.present.rawValue }
        let label = { (m: MemberDTO) in "\(m.name)(\(Self.label(TongguanDomain.Relation.self, m.relation)))" }
        let candidates = present.filter { $0.relation != TongguanDomain.Relation.head.rawValue }
        guard !candidates.isEmpty else { return nil }
        return HandOverBody(
            candidates: candidates.map { SelectOption(value: $0.id.uuidString, label: label($0), selected: false) },
            members: present.map {
                HandOverRow(id: $0.id.uuidString, label: label($0), isHead: $0.relation == TongguanDomain.Relation.head.rawValue)
            },
            relations: Self.choices(TongguanDomain.Relation.self, selected: nil).filter { $0.value != TongguanDomain.Relation.head.rawValue },
            version: version)
    }

    func show(req: Request) async throws -> Response {
        try await detail(req, try await HouseholdsAPI.household(req))
    }

    struct RevealForm: Content {
        var reason: String?
    }

    func reveal(req: Request) async throws -> Response {
        let caller = try req.caller
        try caller.require(\.canRevealResidentIDs)
        let (member, household) = try await RegistryFinder.member(id: req.parameters.get("id"), in: caller.scope, on: req.db)
        let form = try req.content.decode(RevealForm.self)
        let reason = (try? TextPolicy.singleLine(form.reason ?? "")) ?? ""
        guard reason.count >= 2, reason.count <= 200 else {
            return try await detail(req, household, status: .unprocessableEntity, error: "请写明查看完整身份证号的原因(2到200个字)")
        }
        let clear = try await RegistryService.reveal(
            member, in: household, reason: reason, ring: try req.registryKeys, actor: req.auditActor, on: req.db)
        return try await detail(req, household, revealed: (member.id!, clear))
    }
}
