import Foundation
import Testing
import TongguanDomain
import Vapor

@testable import TongguanServer

/// 监测 reports' share of the scope matrix: every role may read the summary and the flow of
/// its own county; a neighbouring county or the city above is 404, like a missing division.
extension ScopeMatrixTests {
    static let monitoringReports = Part(cases: [
        Case(
            method: .GET, path: "/api/v1/monitoring/summary",
            make: { _, place in ("/api/v1/monitoring/summary?group_by=division&division=\(divisionOf[place]!)", nil) }, expected: readable),
        Case(
            method: .GET, path: "/api/v1/monitoring/flow",
            make: { _, place in ("/api/v1/monitoring/flow?division=\(divisionOf[place]!)", nil) }, expected: readable),
    ])
}
