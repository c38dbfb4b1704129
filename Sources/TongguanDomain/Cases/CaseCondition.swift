/// The unmet conditions a case step can report, by stable code. A refusal lists every one
/// that applies, so the person sees all that is missing at once.
public enum CaseCondition {
    public static func wrongState(_ state: CaseState, allowed: [CaseState], action: String) -> UnmetCondition {
        UnmetCondition(
            code: "wrong_state",
            message: "当前状态为「\(state.label)」,「\(action)」只能在"
                + allowed.map { "「\($0.label)」" }.joined(separator: "或") + "状态下进行")
    }

    public static func role(_ who: String) -> UnmetCondition {
        UnmetCondition(code: "role", message: "只有\(who)可以执行此操作")
    }

    public static let unitMismatch = UnmetCondition(code: "unit_mismatch", message: "您不属于该诉求的承办单位")
    public static let unitRequired = UnmetCondition(code: "unit_required", message: "请选择承办单位")
    public static let reasonRequired = UnmetCondition(code: "reason_required", message: "请填写理由")
    public static let outcomeRequired = UnmetCondition(code: "outcome_required", message: "请选择办理结果")
    public static let replyTextRequired = UnmetCondition(code: "reply_text_required", message: "请填写答复内容")
    public static let satisfactionRequired = UnmetCondition(code: "satisfaction_required", message: "请选择满意度")
    public static let daysRequired = UnmetCondition(code: "days_required", message: "请填写延期天数")
    public static let levelRequired = UnmetCondition(code: "level_required", message: "请选择督办方式(催办或挂牌督办)")
    public static let flaggedNoteRequired = UnmetCondition(code: "note_required", message: "挂牌督办须填写督办意见")
    public static let doneNoteRequired = UnmetCondition(code: "note_required", message: "完成任务须填写办理情况")

    public static func dateBeforeReceived(_ received: CivilDate) -> UnmetCondition {
        UnmetCondition(code: "date_before_received", message: "日期不能早于登记日期(\(received.chinese))")
    }

    public static func openSubtasks(_ n: Int) -> UnmetCondition {
        UnmetCondition(code: "open_subtasks", message: "还有\(n)项分解任务未完成")
    }

    public static let extensionUsed = UnmetCondition(code: "extension_used", message: "本轮办理已延期过一次,不能再次延期")
    public static let extensionNotAllowed = UnmetCondition(code: "extension_not_allowed", message: "该来源的办理时限不允许延期")

    public static func extensionTooLong(max: Int, counting: DayCounting) -> UnmetCondition {
        UnmetCondition(code: "extension_too_long", message: "延期应为1到\(max)个\(counting.label)")
    }

    public static func deadlinePassed(_ due: CivilDate) -> UnmetCondition {
        UnmetCondition(code: "deadline_passed", message: "办理期限\(due.chinese)已过,不能再申请延期")
    }

    public static let notPetition = UnmetCondition(code: "not_petition", message: "复查、复核仅适用于信访件")

    public static func reviewWindowClosed(_ last: CivilDate) -> UnmetCondition {
        UnmetCondition(code: "review_window_closed", message: "申请期限已于\(last.chinese)届满")
    }

    public static let reviewedAlready = UnmetCondition(code: "reviewed_already", message: "该事项已复查过一次,如不服可申请复核")
    public static let reviewRequired = UnmetCondition(code: "review_required", message: "须先经复查并答复,才能申请复核")
    /// 信访工作条例 art. 35: after 复核 the same matter is not accepted again.
    public static let reReviewedAlready = UnmetCondition(
        code: "re_reviewed_already",
        message: "该事项已经复核,同一事项不再受理复查、复核")
    public static let followedUpAlready = UnmetCondition(code: "followed_up_already", message: "本次办结已回访过")
    public static let unsatisfiedFollowUpRequired = UnmetCondition(
        code: "unsatisfied_follow_up_required",
        message: "只有回访不满意的诉求才能重新办理")
    public static let flaggedAlready = UnmetCondition(code: "flagged_already", message: "该诉求已挂牌督办")

    public static func dateInFuture(_ today: CivilDate) -> UnmetCondition {
        UnmetCondition(code: "date_in_future", message: "日期不能晚于今天(\(today.chinese))")
    }

    public static func dateBeforePreviousStep(_ previous: CivilDate) -> UnmetCondition {
        UnmetCondition(code: "date_before_previous_step", message: "日期不能早于上一步的日期(\(previous.chinese))")
    }

    public static let subtaskNotOpen = UnmetCondition(code: "subtask_done_already", message: "该任务已完成")
}
