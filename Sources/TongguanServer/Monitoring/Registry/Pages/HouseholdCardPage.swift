import Fluent
import Foundation
import TongguanDomain
import Vapor

/// The printable household card with its QR code.
extension RegistryPages {
    // MARK: the household card

    struct CardBody: Encodable, Sendable {
        var code: String
        var village: String
        var headName: String
        var memberCount: Int
        var qr: String
        var url: String
    }

    /// The household page's address for the QR code: `TONGGUAN_BASE_URL` when set, else the
    /// address this request came to.
    static func pageURL(_ req: Request, code: String) -> String {
        let settings = req.application.tongguan.settings
        let base =
            settings.baseURL
            ?? ((settings.tls ? "https://" : "http://") + (req.headers.first(name: .host) ?? "localhost"))
        return base + "/monitoring/households/" + code
    }

    /// A printable card: the code as text and as a QR code (SVG drawn here) holding the
    /// household page's address, the village, the head's masked name and the member count.
    func card(req: Request) async throws -> Response {
        let household = try await HouseholdsAPI.household(req)
        let members = try await RegistryFinder.members(of: household, on: req.db)
        let present = members.filter { $0.status == MemberStatus.present.rawValue }
        let head = present.first { $0.relation == TongguanDomain.Relation.head.rawValue }
        let names = try await Division.names(of: [household.divisionCode], on: req.db)
        let url = Self.pageURL(req, code: household.code)
        let qr = try QRCode(text: url).svg(moduleSize: 4, title: "户码 \(household.code)")
        let body = CardBody(
            code: household.code, village: names[household.divisionCode] ?? household.divisionCode,
            headName: head.map { NameMask.shown($0.name, to: .viewer) } ?? "(无户主)", memberCount: present.count, qr: qr, url: url)
        return try await req.page("monitoring/card", title: "户码卡片 \(household.code)", active: Self.active, body)
    }
}
