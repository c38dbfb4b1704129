import Fluent
import Foundation
import TongguanDomain
import Vapor

/// A GeoReport `POST requests` checked against the service definition, the key's division
/// and the case rules: the details and extra fields `CaseService.register` takes, or a 400
/// listing every problem (named by GeoReport's field names, never repeating a value).
struct Open311Submission {
    var details: CaseDetails
    var extra: CaseService.Extra
    var accountID: String?

    /// GeoReport's POST fields. `email`, `device_id` and `media_url` are accepted and not kept.
    static let knownFields: Set<String> = [
        "api_key", "jurisdiction_id", "service_code", "lat", "long", "address_string", "address_id", "email", "device_id",
        "account_id", "first_name", "last_name", "phone", "description", "media_url",
    ]

    static let maxAddressLength = 200

    /// Tokens this server issues: 32 lowercase hex digits.
    static func isToken(_ s: String) -> Bool { s.count == 32 && s.allSatisfy { $0.isHexDigit && !$0.isUppercase } }

    static func newToken() -> String { [UInt8].random(count: 16).map { String(format: "%02x", $0) }.joined() }

    static func check(_ form: FormBody, key: Open311KeyRecord, on db: any Database) async throws -> Open311Submission {
        var problems: [String] = []
        func text(_ name: String, max: Int, multiLine: Bool = false) -> String? {
            guard let list = form.values[name] else { return nil }
            if list.count > 1 { problems.append("\(name):只能提交一次"); return nil }
            do {
                let v = multiLine ? try TextPolicy.multiLine(list[0]) : try TextPolicy.singleLine(list[0])
                if v.count > max { problems.append("\(name):不能超过\(max)个字符"); return nil }
                return v.isEmpty ? nil : v
            } catch {
                problems.append("\(name):" + error.message)
                return nil
            }
        }
        for name in form.unknownNames.prefix(20) { problems.append("\(name.prefix(40)):未知字段") }
        // The division: the key's, or a jurisdiction_id inside it.
        let keyDivision = DivisionCode(key.divisionCode)!
        var division = keyDivision
        if let raw = text("jurisdiction_id", max: 20) {
            if let code = DivisionCode(raw) {
                guard DivisionScope(keyDivision).contains(code) else { throw GeoError(.forbidden, "jurisdiction_id:该区划不在此 api_key 的范围内") }
                division = code
            } else {
                problems.append("jurisdiction_id:应为区划代码")
            }
        }
        // The service and its attributes.
        var service: Open311Service? = nil
        if let code = text("service_code", max: 40) {
            if let r = try await Open311Services.find(code, on: db), r.active {
                service = r.service
            } else {
                problems.append("service_code:服务不存在或已停用")
            }
        } else {
            problems.append("service_code:此项为必填")
        }
        var answers: [Open311Service.Answer] = []
        if let service {
            let (checked, attributeProblems) = service.check(answers: form.attributes)
            answers = checked
            problems += attributeProblems.map { "\($0.field):\($0.message)" }
        }
        // The place: lat and long together, or an address.
        func coordinate(_ name: String, _ range: ClosedRange<Double>) -> Double? {
            guard let raw = text(name, max: 30) else { return nil }
            guard let v = Double(raw), v.isFinite, range.contains(v) else {
                problems.append("\(name):应为 \(Int(range.lowerBound)) 到 \(Int(range.upperBound)) 之间的数字")
                return nil
            }
            return v
        }
        let lat = coordinate("lat", -90...90), long = coordinate("long", -180...180)
        let address = text("address_string", max: maxAddressLength)
        _ = text("address_id", max: 100)
        if (form.values["lat"] != nil) != (form.values["long"] != nil) { problems.append("lat:lat 和 long 应同时提交") }
        if form.values["lat"] == nil && form.values["long"] == nil && form.values["address_string"] == nil {
            problems.append("address_string:请提交位置:lat 和 long,或 address_string")
        }
        _ = text("email", max: 200)
        _ = text("device_id", max: 200)
        _ = text("media_url", max: 2000)
        let accountID = text("account_id", max: 100)
        let description = text("description", max: CaseDetails.maxContentLength - 1000, multiLine: true)
        let first = text("first_name", max: 30), last = text("last_name", max: 30)
        let phone = text("phone", max: 30)
        // The case, by the case rules (online cases need a name and a telephone to call back).
        var content = description ?? ""
        if !answers.isEmpty { content += (content.isEmpty ? "" : "\n\n") + answers.map(\.line).joined(separator: "\n") }
        let name = [last, first].compactMap { $0 }.joined()
        var title = service?.name ?? "网上诉求"
        if let address { title += " · " + address }
        let input = CaseInput(
            source: CaseSource.online.rawValue, kind: service?.kind.label ?? CaseKind.helpRequest.label,
            title: String(title.prefix(CaseDetails.maxTitleLength)),
            content: content, requester: .init(name: name, phone: phone ?? ""), divisionCode: division.rawValue,
            receivedOn: CaseClock.today().description)
        let (details, caseProblems) = try await CaseFields.check(input, scope: DivisionScope(keyDivision), on: db)
        let flagged = Set(problems.map { String($0.prefix { $0 != ":" }) })
        for p in caseProblems {
            let field = Self.geoField[p.field] ?? p.field
            if !flagged.contains(field) { problems.append("\(field):\(p.message)") }
        }
        guard problems.isEmpty, let details else { throw GeoError(.badRequest, problems) }
        var extra = CaseService.Extra()
        extra.address = address
        extra.lat = lat
        extra.long = long
        extra.serviceCode = service?.code
        extra.open311Token = newToken()
        extra.note = "经 Open311 接口(\(key.name))提交"
        return Open311Submission(details: details, extra: extra, accountID: accountID)
    }

    /// The case rules' field names as GeoReport's.
    static let geoField: [String: String] = [
        "requester.name": "last_name", "requester.phone": "phone", "content": "description", "title": "service_code",
        "division_code": "jurisdiction_id", "kind": "service_code",
    ]
}
