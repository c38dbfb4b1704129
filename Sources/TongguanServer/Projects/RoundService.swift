import Fluent
import Foundation
import TongguanDomain
import Vapor

/// Rounds are held by the city or a county. A county's staff see their own rounds and the
/// city's (their projects are announced at both); they change only rounds in their scope.
enum RoundService {
    static func visible(_ scope: DivisionScope, on db: any Database) -> QueryBuilder<Round> {
        let ancestors = scope.root.ancestors.map(\.rawValue)
        return Round.query(on: db).group(.or) { or in
            or.filter(\.$divisionCode =~ scope.prefix)
            if !ancestors.isEmpty { or.filter(\.$divisionCode ~~ ancestors) }
        }
    }

    static func isVisible(_ round: Round, to scope: DivisionScope) -> Bool {
        scope.contains(round.divisionCode) || scope.root.ancestors.contains { $0.rawValue == round.divisionCode }
    }

    static func find(_ id: UUID?, visibleTo scope: DivisionScope, on db: any Database) async throws -> Round? {
        guard let id, let round = try await Round.find(id, on: db), isVisible(round, to: scope) else { return nil }
        return round
    }

    static func findEditable(_ raw: String?, scope: DivisionScope, on db: any Database) async throws -> Round {
        guard let id = raw.flatMap(UUID.init(uuidString:)), let round = try await Round.find(id, on: db),
              isVisible(round, to: scope) else { throw Problem.notFound }
        guard scope.contains(round.divisionCode) else { throw Problem(.forbidden, detail: "上级单位的活动批次只能查看,不能修改") }
        return round
    }
}
