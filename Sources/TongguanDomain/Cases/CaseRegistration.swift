import Foundation

/// The body of `POST /api/v1/cases` (and `PATCH` of a case's details), as sent:
/// `{"source", "kind" (the Chinese label, e.g. 投诉), "title", "content", "requester": {"name",
/// "phone", "resident_id"}, "division_code", "received_on", "station": {"name", "batch"},
/// "owner_leader_id", "backlog" (bool), "handed_down_by", "original_received_on"}`.
public struct CaseInput: Hashable, Sendable, Codable {
    public struct Requester: Hashable, Sendable, Codable {
        public var name: String?
        public var phone: String?
        public var residentId: String?

        public init(name: String? = nil, phone: String? = nil, residentId: String? = nil) {
            self.name = name
            self.phone = phone
            self.residentId = residentId
        }

        enum CodingKeys: String, CodingKey {
            case name, phone
            case residentId = "resident_id"
        }
    }

    public struct Station: Hashable, Sendable, Codable {
        public var name: String?
        public var batch: String?

        public init(name: String? = nil, batch: String? = nil) {
            self.name = name
            self.batch = batch
        }
    }

    public var source: String?
    public var kind: String?
    public var title: String?
    public var content: String?
    public var requester: Requester?
    public var divisionCode: String?
    public var receivedOn: String?
    public var station: Station?
    public var ownerLeaderId: String?
    /// 积案: handed down by a higher body (`handed_down_by`), first received on
    /// `original_received_on`.
    public var backlog: Bool?
    public var handedDownBy: String?
    public var originalReceivedOn: String?

    public init(
        source: String? = nil, kind: String? = nil, title: String? = nil, content: String? = nil, requester: Requester? = nil,
        divisionCode: String? = nil, receivedOn: String? = nil, station: Station? = nil, ownerLeaderId: String? = nil,
        backlog: Bool? = nil, handedDownBy: String? = nil, originalReceivedOn: String? = nil
    ) {
        self.source = source
        self.kind = kind
        self.title = title
        self.content = content
        self.requester = requester
        self.divisionCode = divisionCode
        self.receivedOn = receivedOn
        self.station = station
        self.ownerLeaderId = ownerLeaderId
        self.backlog = backlog
        self.handedDownBy = handedDownBy
        self.originalReceivedOn = originalReceivedOn
    }

    enum CodingKeys: String, CodingKey {
        case source, kind, title, content, requester, station, backlog
        case divisionCode = "division_code"
        case receivedOn = "received_on"
        case ownerLeaderId = "owner_leader_id"
        case handedDownBy = "handed_down_by"
        case originalReceivedOn = "original_received_on"
    }
}

/// A case's details that passed every rule: what the server stores on registration.
public struct CaseDetails: Hashable, Sendable {
    public struct Station: Hashable, Sendable {
        public var name: String
        /// The visit batch (接待批次), e.g. 2024年第3次.
        public var batch: String

        public init(name: String, batch: String) {
            self.name = name
            self.batch = batch
        }
    }

    public struct Backlog: Hashable, Sendable {
        /// The higher body that handed the case down, e.g. 中央联席办.
        public var handedDownBy: String
        /// When the matter was first received, before it became a backlog case.
        public var originalReceivedOn: CivilDate

        public init(handedDownBy: String, originalReceivedOn: CivilDate) {
            self.handedDownBy = handedDownBy
            self.originalReceivedOn = originalReceivedOn
        }
    }

    public var source: CaseSource
    public var kind: CaseKind
    public var title: String
    public var content: String
    public var requesterName: String
    public var requesterPhone: String
    public var requesterResidentId: String?
    public var divisionCode: DivisionCode
    public var receivedOn: CivilDate
    public var station: Station?
    public var ownerLeaderId: UUID?
    public var backlog: Backlog?

    public init(
        source: CaseSource, kind: CaseKind, title: String, content: String, requesterName: String, requesterPhone: String,
        requesterResidentId: String? = nil, divisionCode: DivisionCode, receivedOn: CivilDate, station: Station? = nil,
        ownerLeaderId: UUID? = nil, backlog: Backlog? = nil
    ) {
        self.source = source
        self.kind = kind
        self.title = title
        self.content = content
        self.requesterName = requesterName
        self.requesterPhone = requesterPhone
        self.requesterResidentId = requesterResidentId
        self.divisionCode = divisionCode
        self.receivedOn = receivedOn
        self.station = station
        self.ownerLeaderId = ownerLeaderId
        self.backlog = backlog
    }

    /// The snapshot of a newly registered case.
    public var registeredSnapshot: CaseSnapshot {
        CaseSnapshot(source: source, state: .registered, divisionCode: divisionCode, receivedOn: receivedOn)
    }

    /// The registration event.
    public var registeredEvent: CaseEvent { CaseEvent(kind: .registered, on: receivedOn, from: nil, to: .registered) }
}
