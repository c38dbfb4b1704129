import Fluent
import Foundation
import TongguanDomain

/// 诉求: one citizen's request, complaint or petition. The workflow's step dates are columns
/// (the `CaseSnapshot` the domain works on); the due dates are denormalised from them, the
/// policy and the calendar at every write, so that "overdue on a day" is an index range.
final class CaseRecord: Model, Versioned, @unchecked Sendable {
    static let schema = "cases"

    // managed fields

    @ID(key: .id)
    var id: UUID?

    @Timestamp(key: "created_at", on: .create)
    var createdAt: Date?

    @Timestamp(key: "updated_at", on: .update)
    var updatedAt: Date?

    @Field(key: "version")
    var version: Int

    // references

    /// Where the matter arose; every scope check uses it.
    @Field(key: "division_code")
    var divisionCode: String

    /// The unit it is routed to (承办单位); nil before routing and after a return.
    @OptionalField(key: "unit_id")
    var unitID: UUID?

    /// The unit's division, kept beside the unit for the escalation list.
    @OptionalField(key: "unit_division_code")
    var unitDivisionCode: String?

    /// 包案领导.
    @OptionalField(key: "owner_leader_id")
    var ownerLeaderID: UUID?

    // data

    @Field(key: "number")
    var number: String

    @Field(key: "source")
    var source: String

    @Field(key: "kind")
    var kind: String

    @Field(key: "title")
    var title: String

    @Field(key: "content")
    var content: String

    @Field(key: "requester_name")
    var requesterName: String

    @Field(key: "requester_phone")
    var requesterPhone: String

    /// The resident ID sealed under the platform data key (`CasesModule.sealedColumns`; never clear text).
    @OptionalField(key: "requester_id_sealed")
    var requesterIDSealed: String?

    /// Its blind index, for exact look-up without decrypting.
    @OptionalField(key: "requester_id_index")
    var requesterIDIndex: String?

    /// The ID masked (`141124********1234`), for lists and pages without decrypting.
    @OptionalField(key: "requester_id_masked")
    var requesterIDMasked: String?

    @Field(key: "received_on")
    var receivedOn: String

    @OptionalField(key: "station_name")
    var stationName: String?

    @OptionalField(key: "station_batch")
    var stationBatch: String?

    @Field(key: "backlog")
    var backlog: Bool

    @OptionalField(key: "handed_down_by")
    var handedDownBy: String?

    @OptionalField(key: "original_received_on")
    var originalReceivedOn: String?

    /// The date statistics count a case by when `backlog=true`: the original received date
    /// of a backlog case (else the received date).
    @Field(key: "count_on")
    var countOn: String

    // Open311 (online cases)

    @OptionalField(key: "address")
    var address: String?

    @OptionalField(key: "lat")
    var lat: Double?

    @OptionalField(key: "long")
    var long: Double?

    @OptionalField(key: "service_code")
    var serviceCode: String?

    @OptionalField(key: "open311_token")
    var open311Token: String?

    // workflow

    @Field(key: "state")
    var state: String

    @OptionalField(key: "outcome")
    var outcome: String?

    /// The latest answer's text (status_notes for Open311).
    @OptionalField(key: "reply_text")
    var replyText: String?

    @Field(key: "flagged")
    var flagged: Bool

    @OptionalField(key: "satisfaction")
    var satisfaction: String?

    @OptionalField(key: "routed_on") var routedOn: String?
    @OptionalField(key: "accepted_on") var acceptedOn: String?
    @OptionalField(key: "started_on") var startedOn: String?
    @OptionalField(key: "reopened_on") var reopenedOn: String?
    @OptionalField(key: "extension_days") var extensionDays: Int?
    @Field(key: "open_subtasks") var openSubtasks: Int
    @OptionalField(key: "replied_on") var repliedOn: String?
    @OptionalField(key: "closed_on") var closedOn: String?
    @OptionalField(key: "followed_up_on") var followedUpOn: String?
    @OptionalField(key: "review_requested_on") var reviewRequestedOn: String?
    @OptionalField(key: "re_review_requested_on") var reReviewRequestedOn: String?
    @Field(key: "last_step_on") var lastStepOn: String

    // denormalised deadlines (CaseDeadlines.compute at every write)

    @OptionalField(key: "due_route") var dueRoute: String?
    @OptionalField(key: "due_accept") var dueAccept: String?
    @OptionalField(key: "due_handle") var dueHandle: String?
    @OptionalField(key: "due_review") var dueReview: String?
    @OptionalField(key: "review_request_by") var reviewRequestBy: String?
    @Field(key: "due_provisional") var dueProvisional: Bool
    /// The earliest due date of the steps the case waits on now; nil when it waits on none
    /// (answered or closed). Overdue on day D ⇔ `pending_due < D`.
    @OptionalField(key: "pending_due") var pendingDue: String?
    /// Answered by the handle due date (set at the reply, cleared by a reopening).
    @OptionalField(key: "on_time") var onTime: Bool?

    init() {}
}

extension CaseRecord {
    var caseSource: CaseSource { CaseSource(rawValue: source) ?? .hotline }
    var caseKind: CaseKind { CaseKind(rawValue: kind) ?? .consultation }
    var caseState: CaseState { CaseState(rawValue: state) ?? .registered }
    var caseOutcome: CaseOutcome? { outcome.flatMap(CaseOutcome.init(rawValue:)) }
    var received: CivilDate { CivilDate(iso: receivedOn) ?? CivilDate(year: 2000, month: 1, day: 1)! }

    /// What the workflow needs, read from the columns.
    var snapshot: CaseSnapshot {
        func d(_ s: String?) -> CivilDate? { s.flatMap(CivilDate.init(iso:)) }
        return CaseSnapshot(
            source: caseSource, state: caseState, divisionCode: DivisionCode(divisionCode) ?? DivisionCode("141100")!,
            receivedOn: received, unitId: unitID, routedOn: d(routedOn), acceptedOn: d(acceptedOn), startedOn: d(startedOn),
            reopenedOn: d(reopenedOn), extensionDays: extensionDays, openSubtasks: openSubtasks, repliedOn: d(repliedOn),
            outcome: caseOutcome, closedOn: d(closedOn), satisfaction: satisfaction.flatMap(Satisfaction.init(rawValue:)),
            followedUpOn: d(followedUpOn), reviewRequestedOn: d(reviewRequestedOn), reReviewRequestedOn: d(reReviewRequestedOn),
            flagged: flagged, lastStepOn: d(lastStepOn))
    }

    /// Writes a snapshot back into the columns (the unit's division is set by the caller).
    func apply(_ s: CaseSnapshot) {
        state = s.state.rawValue
        unitID = s.unitId
        routedOn = s.routedOn?.description
        acceptedOn = s.acceptedOn?.description
        startedOn = s.startedOn?.description
        reopenedOn = s.reopenedOn?.description
        extensionDays = s.extensionDays
        openSubtasks = s.openSubtasks
        repliedOn = s.repliedOn?.description
        outcome = s.outcome?.rawValue
        closedOn = s.closedOn?.description
        satisfaction = s.satisfaction?.rawValue
        followedUpOn = s.followedUpOn?.description
        reviewRequestedOn = s.reviewRequestedOn?.description
        reReviewRequestedOn = s.reReviewRequestedOn?.description
        flagged = s.flagged
        lastStepOn = s.lastStepOn.description
    }

    /// Recomputes the denormalised deadlines from the snapshot, the policy and the calendar.
    func refreshDeadlines(policy: DeadlinePolicy, calendar: WorkingCalendar) {
        let s = snapshot
        let due = CaseDeadlines.compute(s, policy: policy, calendar: calendar)
        dueRoute = due.route?.description
        dueAccept = due.accept?.description
        dueHandle = due.handle?.description
        dueReview = due.review?.description
        reviewRequestBy = due.reviewRequestBy?.description
        dueProvisional = due.provisional
        pendingDue = CaseDeadlines.pendingSteps(s, policy: policy).compactMap { due[$0] }.min()?.description
    }
}

extension CaseDeadlines.Step {
    /// The column that holds this step's due date.
    var column: String {
        switch self {
        case .route: "due_route"
        case .accept: "due_accept"
        case .handle: "due_handle"
        case .review: "due_review"
        }
    }
}
