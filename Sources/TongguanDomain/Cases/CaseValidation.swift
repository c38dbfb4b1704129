import Foundation

extension CaseDetails {
    public static let maxTitleLength = 200
    public static let maxContentLength = 5000
    public static let maxNameLength = 50
    public static let maxStationLength = 100

    /// Every problem of a case's details at once. `scope` is the registering user's: a case
    /// outside it is refused. Messages never repeat the values (names, phones, IDs).
    public init(validating input: CaseInput, today: CivilDate, scope: DivisionScope? = nil) throws(ValidationFailure) {
        var list = ProblemList()
        func line(_ raw: String?, _ field: String, _ name: String, max: Int, required: Bool = true) -> String {
            CaseDetails.checkedText(raw, field, name, max: max, multiLine: false, required: required, into: &list)
        }
        func date(_ raw: String?, _ field: String, _ name: String) -> CivilDate? {
            let value = TextPolicy.trimmed(raw ?? "")
            guard !value.isEmpty else { list.add(field, "请填写\(name)"); return nil }
            guard let parsed = CivilDate(iso: value) else { list.add(field, "\(name)应为 YYYY-MM-DD 格式的真实日期"); return nil }
            if parsed > today { list.add(field, "\(name)不能晚于今天") }
            return parsed
        }

        let source = CaseSource(rawValue: TextPolicy.trimmed(input.source ?? ""))
        if source == nil {
            list.add("source", (input.source ?? "").isEmpty ? "请选择来源" : "来源应为 " + CaseSource.allCases.map(\.rawValue).joined(separator: "、"))
        }
        // The API takes the Chinese label (投诉); the code name (complaint) is read too.
        let kind = CaseKind(label: TextPolicy.trimmed(input.kind ?? ""))
        if kind == nil {
            let allowed = (source?.kinds ?? CaseKind.allCases).map(\.label)
            list.add("kind", (input.kind ?? "").isEmpty ? "请选择类别" : "类别应为 " + allowed.joined(separator: "、"))
        } else if let kind, let source, !kind.fits(source) {
            list.add("kind", CaseKind.mismatchMessage(kind, source))
        }
        let title = line(input.title, "title", "标题", max: CaseDetails.maxTitleLength)
        let content = CaseDetails.checkedText(
            input.content, "content", "内容", max: CaseDetails.maxContentLength, multiLine: true, required: true, into: &list)
        let name = line(input.requester?.name, "requester.name", "诉求人姓名", max: CaseDetails.maxNameLength)
        var phone = TextPolicy.trimmed(input.requester?.phone ?? "")
        if phone.isEmpty {
            list.add("requester.phone", "请填写联系电话")
        } else if let normalized = PhoneNumber.normalized(phone) {
            phone = normalized
        } else {
            list.add("requester.phone", PhoneNumber.problemMessage)
        }
        var residentId: String? = nil
        if let raw = input.requester?.residentId, !TextPolicy.trimmed(raw).isEmpty {
            do { residentId = try ResidentID.validate(TextPolicy.trimmed(raw)) } catch { list.add("requester.resident_id", error.message) }
        }
        var division: DivisionCode? = nil
        do { division = try DivisionCode(validating: TextPolicy.trimmed(input.divisionCode ?? "")) } catch {
            list.add("division_code", (input.divisionCode ?? "").isEmpty ? "请填写区划代码" : error.message)
        }
        if let d = division, let scope, !scope.contains(d) { list.add("division_code", "该区划不在您的管辖范围内") }
        let receivedOn = date(input.receivedOn, "received_on", "登记日期")

        var station: Station? = nil
        if source == .liaisonStation {
            let stationName = line(input.station?.name, "station.name", "联络站名称", max: CaseDetails.maxStationLength)
            let batch = line(input.station?.batch, "station.batch", "接待批次", max: CaseDetails.maxNameLength)
            station = Station(name: stationName, batch: batch)
        } else if let s = input.station, !TextPolicy.trimmed(s.name ?? "").isEmpty || !TextPolicy.trimmed(s.batch ?? "").isEmpty {
            list.add("station", "只有来源为人大代表联络站的诉求填写联络站和接待批次")
        }
        var ownerLeader: UUID? = nil
        if let raw = input.ownerLeaderId, !TextPolicy.trimmed(raw).isEmpty {
            ownerLeader = UUID(uuidString: TextPolicy.trimmed(raw))
            if ownerLeader == nil { list.add("owner_leader_id", "包案领导编号格式不正确") }
        }
        var backlog: Backlog? = nil
        let givenBy = !TextPolicy.trimmed(input.handedDownBy ?? "").isEmpty
        let givenOriginal = !TextPolicy.trimmed(input.originalReceivedOn ?? "").isEmpty
        if input.backlog == true {
            let by = line(input.handedDownBy, "handed_down_by", "交办机关", max: CaseDetails.maxStationLength)
            let original = date(input.originalReceivedOn, "original_received_on", "原始登记日期")
            if let original, let receivedOn, original > receivedOn {
                list.add("original_received_on", "原始登记日期不能晚于登记日期")
            }
            if let original { backlog = Backlog(handedDownBy: by, originalReceivedOn: original) }
        } else {
            if givenBy { list.add("handed_down_by", "只有积案(backlog 为 true)填写交办机关") }
            if givenOriginal { list.add("original_received_on", "只有积案(backlog 为 true)填写原始登记日期") }
        }
        try list.throwIfAny()
        self.init(
            source: source!, kind: kind!, title: title, content: content, requesterName: name, requesterPhone: phone,
            requesterResidentId: residentId, divisionCode: division!, receivedOn: receivedOn!, station: station,
            ownerLeaderId: ownerLeader, backlog: backlog)
    }
}

extension CaseDetails {
    /// Text checked by `TextPolicy` and for length; a problem names the field, never the value.
    static func checkedText(
        _ raw: String?, _ field: String, _ name: String, max: Int, multiLine: Bool, required: Bool,
        into list: inout ProblemList
    ) -> String {
        do {
            let value = multiLine ? try TextPolicy.multiLine(raw ?? "") : try TextPolicy.singleLine(raw ?? "")
            if value.isEmpty, required { list.add(field, "请填写\(name)") } else if value.count > max { list.add(field, "\(name)不能超过\(max)个字符") }
            return value
        } catch {
            list.add(field, "\(name):" + error.message)
            return ""
        }
    }
}
