import Fluent
import Foundation
import TongguanDomain
import Vapor

/// Reading a case's details from a JSON body or a form into the domain's `CaseInput`, and
/// checking them: the domain's rules (`CaseDetails`) and the database's (division exists,
/// owner leader may own it), every problem at once.
enum CaseFields {
    /// Reads the JSON fields as text (the domain checks form and length); a value of the wrong
    /// JSON type or an unknown field is a problem here.
    static func read(_ input: inout InputReader) -> CaseInput {
        func text(_ reader: inout InputReader, _ field: String) -> String? {
            reader.string(field, maxLength: 100_000, multiLine: true, nullable: true)
        }
        var c = CaseInput()
        c.source = text(&input, "source")
        c.kind = text(&input, "kind")
        c.title = text(&input, "title")
        c.content = text(&input, "content")
        if let object = nested(&input, "requester") {
            var r = InputReader(object: object)
            c.requester = CaseInput.Requester(name: text(&r, "name"), phone: text(&r, "phone"), residentId: text(&r, "resident_id"))
            _ = try? r.finish()
            for p in r.problems.problems { input.add("requester.\(p.field)", p.message) }
        }
        c.divisionCode = text(&input, "division_code")
        c.receivedOn = text(&input, "received_on")
        if let object = nested(&input, "station") {
            var r = InputReader(object: object)
            c.station = CaseInput.Station(name: text(&r, "name"), batch: text(&r, "batch"))
            _ = try? r.finish()
            for p in r.problems.problems { input.add("station.\(p.field)", p.message) }
        }
        c.ownerLeaderId = text(&input, "owner_leader_id")
        c.backlog = input.bool("backlog")
        c.handedDownBy = text(&input, "handed_down_by")
        c.originalReceivedOn = text(&input, "original_received_on")
        return c
    }

    /// A nested object (null or absent: nil).
    static func nested(_ input: inout InputReader, _ field: String) -> [String: JSONValue]? {
        input.markSeen(field)
        switch input.rawValue(field) {
        case .none, .some(.null): return nil
        case .object(let o): return o
        default:
            input.add(field, "应为对象")
            return nil
        }
    }

    /// The stored case as input, for a PATCH to overlay (the resident ID is not read back).
    static func input(of c: CaseRecord) -> CaseInput {
        CaseInput(
            source: c.source, kind: c.kind, title: c.title, content: c.content,
            requester: .init(name: c.requesterName, phone: c.requesterPhone, residentId: nil), divisionCode: c.divisionCode,
            receivedOn: c.receivedOn, station: c.stationName.map { CaseInput.Station(name: $0, batch: c.stationBatch) },
            ownerLeaderId: c.ownerLeaderID?.uuidString, backlog: c.backlog, handedDownBy: c.handedDownBy,
            originalReceivedOn: c.originalReceivedOn)
    }

    /// Overlays the fields a PATCH body gave.
    static func overlay(_ patch: CaseInput, given: (String) -> Bool, on base: CaseInput) -> CaseInput {
        var c = base
        if given("source") { c.source = patch.source }
        if given("kind") { c.kind = patch.kind }
        if given("title") { c.title = patch.title }
        if given("content") { c.content = patch.content }
        if given("requester") {
            if let r = patch.requester {
                if r.name != nil { c.requester?.name = r.name }
                if r.phone != nil { c.requester?.phone = r.phone }
            }
        }
        if given("division_code") { c.divisionCode = patch.divisionCode }
        if given("received_on") { c.receivedOn = patch.receivedOn }
        if given("station") { c.station = patch.station }
        if given("owner_leader_id") { c.ownerLeaderId = patch.ownerLeaderId }
        if given("backlog") { c.backlog = patch.backlog }
        if given("handed_down_by") { c.handedDownBy = patch.handedDownBy }
        if given("original_received_on") { c.originalReceivedOn = patch.originalReceivedOn }
        if c.backlog != true && !given("handed_down_by") && !given("original_received_on") {
            c.handedDownBy = nil
            c.originalReceivedOn = nil
        }
        return c
    }

    /// The details, or every problem: `already` holds problems found while reading (their
    /// fields are not reported twice).
    static func check(
        _ input: CaseInput, scope: DivisionScope, already: [FieldProblem] = [], on db: any Database
    ) async throws -> (CaseDetails?, [FieldProblem]) {
        var problems = ProblemList()
        for p in already { problems.add(p.field, p.message) }
        let flagged = Set(already.map(\.field))
        do {
            let details = try CaseDetails(validating: input, today: CaseClock.today(), scope: scope)
            for p in try await CaseService.problems(details, scope: scope, on: db) { problems.add(p.field, p.message) }
            return (problems.isEmpty ? details : nil, problems.problems)
        } catch let failure as ValidationFailure {
            for p in failure.problems where !flagged.contains(p.field) { problems.add(p.field, p.message) }
            return (nil, problems.problems)
        }
    }
}
