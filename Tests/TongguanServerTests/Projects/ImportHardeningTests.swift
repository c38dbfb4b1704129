import Fluent
import Foundation
import NIOHTTP1
import Testing
import TongguanDomain
import Vapor
import VaporTesting

@testable import TongguanServer

/// What an outside probe found in imports: unbounded reports, a dry run that disagreed with
/// the import, 500s under concurrent imports, formula injection, XXE, and text that did not
/// survive export → import.
@Suite struct ImportHardeningTests {
    /// The probe's file: a valid header and half a million rows of `x` (1 MB). The report
    /// keeps the full count, lists 200 problems and counts the rest by column and reason.
    @Test func aGarbageFileGetsABoundedReport() async throws {
        try await TestApp.with { t in
            let token = try await t.adminToken()
            var text = ProjectRows.header.joined(separator: ",") + "\r\n"
            text += String(repeating: "x\r\n", count: 500_000)
            let res = try await t.importFile("/api/v1/projects/import?dry_run=true", Data(text.utf8), token: token)
            try expectProblem(res, .unprocessableEntity)
            #expect(res.body.readableBytes < 100_000, "report of \(res.body.readableBytes) bytes")
            let body = try res.json()
            let rows = try #require(body["rows"] as? [[String: Any]])
            #expect(rows.count == RowProblemTally.reportLimit)
            #expect(body["row_count"] as? Int == 500_000 * RowProblemTally.perRowLimit)
            let summary = try #require(body["row_summary"] as? [[String: Any]])
            #expect(summary.reduce(0) { $0 + ($1["count"] as? Int ?? 0) } == 500_000 * RowProblemTally.perRowLimit)
            #expect((body["detail"] as? String)?.contains("列出前200处") == true)
        }
    }

    @Test func workPerFileIsBounded() async throws {
        try await TestApp.with { t in
            let token = try await t.adminToken()
            // One row of 300 columns is refused while it is parsed.
            let wide = ProjectRows.header.joined(separator: ",") + "\r\n" + String(repeating: ",", count: 300) + "\r\n"
            let res = try await t.importFile("/api/v1/projects/import", Data(wide.utf8), token: token)
            try expectProblem(res, .unprocessableEntity)
            #expect((try res.json()["rows"] as? [[String: Any]])?.first?["message"] as? String == "CSV 第2行列数超过256列,请只保留模板中的列")
            // Rows × columns beyond the bound stop the reading with one clear message.
            var options = ProjectImport.Options()
            options.limits = SheetLimits(cells: 17 * 10)
            let report = try await ProjectImport.run(
                data: ProjectRows.csv(count: 20), options: options, scope: DivisionScope(DivisionCode("141100")!),
                actor: AuditActor(name: "t", requestID: "t", clientAddress: "l"), on: t.db)
            #expect(report.problems.map(\.message) == [options.limits.tooLargeMessage])
            #expect(try await Project.query(on: t.db).count() == 0)
        }
    }

    /// The probe's 14-row export: the dry run said 14 updated, the import 14 unchanged.
    @Test func aDryRunReportsWhatTheImportDoes() async throws {
        try await TestApp.with { t in
            let token = try await t.adminToken()
            #expect(try await t.importFile("/api/v1/projects/import", ProjectRows.csv(count: 14), token: token).status == .ok)
            let export = try await t.request(.GET, "/api/v1/projects/export?format=csv", token: token)
            let file = Data(buffer: export.body)
            let dry = try await t.importFile("/api/v1/projects/import?dry_run=true", file, token: token).json()
            let real = try await t.importFile("/api/v1/projects/import", file, token: token).json()
            for key in ["created", "updated", "unchanged"] { #expect(dry[key] as? Int == real[key] as? Int, "\(key)") }
            #expect(real["unchanged"] as? Int == 14)
            #expect(dry["applied"] as? Bool == false && real["applied"] as? Bool == true)
            // An edited file: the dry run counts the same changes and writes none of them.
            var edited = String(decoding: file, as: UTF8.self)
            edited = edited.replacingOccurrences(of: ",100,50,", with: ",100.5,50,")
            let dryEdit = try await t.importFile("/api/v1/projects/import?dry_run=true", Data(edited.utf8), token: token).json()
            #expect(dryEdit["updated"] as? Int == 1 && dryEdit["unchanged"] as? Int == 13)
            #expect(try await Project.query(on: t.db).filter(\.$totalInvestmentFen == 1005 * Fen.perWan / 10).count() == 0)
        }
    }

    /// Four imports of one file at once into an empty database: each is applied, told 409 or
    /// told to retry; none answers 500, nothing is duplicated, the trail stays whole.
    @Test func concurrentImportsNeverAnswer500() async throws {
        try await TestApp.with { t in
            let token = try await t.adminToken()
            let file = ProjectRows.csv(count: 2000)
            let statuses = try await withThrowingTaskGroup(of: HTTPStatus.self) { group in
                for _ in 0..<4 {
                    group.addTask { try await t.importFile("/api/v1/projects/import?create_rounds=true", file, token: token).status }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            // Applied, told it conflicts, or (on a loaded machine, after a minute's wait for the
            // write turn) told to retry: never a 500.
            #expect(statuses.allSatisfy { $0 == .ok || $0 == .conflict || $0 == .serviceUnavailable }, "\(statuses)")
            #expect(statuses.contains(.ok))
            #expect(try await Project.query(on: t.db).count() == 2000)
            let events = try await t.sql.select().column("seq").from("audit_events").all().count
            #expect(try await AuditVerification.verify(on: t.db) == .intact(count: events))
        }
    }

    @Test func formulasAreGuardedInCSVAndComeBackAsTyped() async throws {
        try await TestApp.with { t in
            let token = try await t.adminToken()
            let names = ["=HYPERLINK(\"http://evil.example\",\"点我\")", "=cmd|' /C calc'!A0", "+1+1", "-2", "@SUM(A1)", "'已加引号", "''两个"]
            for name in names {
                let res = try await t.request(
                    .POST, "/api/v1/projects", token: token,
                    json: [
                        "name": name, "investor_name": "@公司", "credit_code": "91350100M000100Y43", "division_code": "141124",
                        "industry": "白酒", "total_investment_fen": 1, "expected_annual_output_fen": 1,
                    ])
                #expect(res.status == .created, "\(res.body.string)")
            }
            let export = try await t.request(.GET, "/api/v1/projects/export?format=csv", token: token)
            let csv = String(decoding: Data(buffer: export.body), as: UTF8.self)
            #expect(csv.contains("'=HYPERLINK("))
            #expect(csv.contains("'=cmd|"))
            #expect(csv.contains("'@公司"))
            #expect(!csv.contains(",=") && !csv.contains("\n="))
            let again = try await t.importFile("/api/v1/projects/import", Data(buffer: export.body), token: token).json()
            #expect(again["unchanged"] as? Int == names.count && again["created"] as? Int == 0)
            let stored = Set(try await Project.query(on: t.db).all().map(\.name))
            #expect(stored == Set(names))
        }
    }

    @Test func anXLSXWithADoctypeIsRefused() async throws {
        let sheet = """
            <?xml version="1.0" encoding="UTF-8"?>
            <!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
            <worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>
            <row r="1"><c r="A1" t="inlineStr"><is><t>XXE-[&xxe;]</t></is></c></row></sheetData></worksheet>
            """
        // sheet2.xml is the workbook's first sheet.
        let parts = SheetFileTests.excelParts.map { $0.0 == "xl/worksheets/sheet2.xml" ? ($0.0, sheet) : $0 }
        let data = try SheetFileTests.zip(parts)
        let error = #expect(throws: SheetFileError.self) { try SheetFile.read(data) }
        #expect(error?.message.contains("DOCTYPE") == true)
    }

    @Test func textPolicyAppliesToEveryField() async throws {
        try await TestApp.with { t in
            let token = try await t.adminToken()
            let base: [String: Any] = [
                "investor_name": "公司", "credit_code": "91350100M000100Y43", "division_code": "141124",
                "industry": "白酒", "total_investment_fen": 1, "expected_annual_output_fen": 1,
            ]
            for (field, value) in [
                ("name", "a\u{0000}b"), ("name", "正常\u{202E}txt.exe"), ("investor_name", "公司\u{FEFF}"),
                ("contact_person", "王\u{0007}"), ("notes", "备注\u{001B}[31m"),
            ] {
                var body = base
                body["name"] = "项目"
                body[field] = value
                let res = try await t.request(.POST, "/api/v1/projects", token: token, json: body)
                try expectProblem(res, .unprocessableEntity)
                #expect(try res.problemFields() == [field])
            }
            // Invisible characters that scripts and emoji need are kept exactly.
            var body = base
            body["name"] = "探针\u{200B}项目\u{200D}👩‍👩‍👧"
            body["notes"] = "第一行\r\n第二行\t制表"
            let res = try await t.request(.POST, "/api/v1/projects", token: token, json: body)
            #expect(res.status == .created)
            #expect(try res.json()["name"] as? String == "探针\u{200B}项目\u{200D}👩‍👩‍👧")
            #expect(try res.json()["notes"] as? String == "第一行\n第二行\t制表")
            #expect(try await Project.query(on: t.db).count() == 1)
        }
    }

    /// Export → import is the identity for every text field of a project, in every format,
    /// for random text drawn from all of Unicode that the text policy accepts.
    @Test(arguments: ["format=csv", "format=csv&encoding=gb18030", "format=xlsx"])
    func exportThenImportIsTheIdentity(query: String) async throws {
        var random = Seeded(query.utf8.reduce(1469598103934665603) { ($0 ^ UInt64($1)) &* 1099511628211 })
        try await TestApp.with { t in
            let token = try await t.adminToken()
            var created = 0
            for i in 0..<60 {
                let name = RandomText.line(&random) + "#\(i)"
                let body: [String: Any] = [
                    "name": name, "investor_name": RandomText.line(&random), "credit_code": "91350100M000100Y43",
                    "division_code": "141124", "industry": "白酒", "total_investment_fen": Int.random(in: 0...1_000_000_000, using: &random),
                    "expected_annual_output_fen": 1, "development_zone": RandomText.line(&random), "contact_person": RandomText.line(&random),
                    "notes": RandomText.lines(&random),
                ]
                let res = try await t.request(.POST, "/api/v1/projects", token: token, json: body)
                if res.status == .created { created += 1 } else { Issue.record("refused: \(res.body.string)") }
            }
            let before = try await Project.query(on: t.db).sort(\.$name).all()
            let export = try await t.request(.GET, "/api/v1/projects/export?\(query)", token: token)
            let report = try await t.importFile("/api/v1/projects/import", Data(buffer: export.body), token: token)
            #expect(report.status == .ok, "\(report.body.string.prefix(400))")
            let json = try report.json()
            #expect(json["unchanged"] as? Int == created && json["created"] as? Int == 0 && json["updated"] as? Int == 0)
            let after = try await Project.query(on: t.db).sort(\.$name).all()
            for (a, b) in zip(before, after) {
                for (x, y) in [
                    (a.name, b.name), (a.investorName, b.investorName), (a.developmentZone, b.developmentZone),
                    (a.contactPerson, b.contactPerson), (a.notes, b.notes),
                ] {
                    #expect(Array(x.unicodeScalars) == Array(y.unicodeScalars))
                }
            }
        }
    }

    /// The probe's case: a 3,000-row file (about 300 KB) through the upload form over a real
    /// socket, where the body arrives as a stream and the form token is inside it.
    @Test func theUploadFormTakesARealFile() async throws {
        try await TestApp.with { t in
            let tester = try t.app.testing(method: .running(hostname: "127.0.0.1", port: Int.random(in: 20000...40000)))
            let web = WebClient(t)
            try await web.signIn()
            let (headers, body) = TestApp.multipart(fields: [("csrf_token", web.csrf ?? "")], file: ProjectRows.csv(count: 3000), filename: "p.csv")
            var sent = headers
            sent.replaceOrAdd(name: .cookie, value: web.cookie ?? "")
            let res = try await tester.sendRequest(.POST, "/projects/import", headers: sent, body: body)
            #expect(res.status == .ok, "\(res.body.string.prefix(300))")
            #expect(res.body.string.contains("新增 3000 个项目"))
            #expect(try await Project.query(on: t.db).count() == 3000)
            // Without the token it is still refused, however large.
            var forged = headers
            forged.replaceOrAdd(name: .cookie, value: web.cookie ?? "")
            let (_, noToken) = TestApp.multipart(
                fields: [], file: ProjectRows.csv(count: 3000, prefix: "伪造"), filename: "p.csv",
                boundary: headers.first(name: .contentType)!.components(separatedBy: "boundary=").last!)
            let refused = try await tester.sendRequest(.POST, "/projects/import", headers: forged, body: noToken)
            #expect(refused.status == .forbidden)
            #expect(try await Project.query(on: t.db).count() == 3000)
        }
    }
}

/// Random single-line and multi-line text from all of Unicode, kept to what the text
/// policy accepts (it is not the property under test here).
enum RandomText {
    static let ranges: [ClosedRange<UInt32>] = [
        0x20...0x7E, 0xA1...0x17F, 0x300...0x36F, 0x370...0x3FF, 0x4E00...0x9FFF,
        0x3000...0x303F, 0xFF01...0xFF5E, 0x200B...0x200D, 0xE000...0xE0FF, 0xF900...0xFAFF,
        0x1F300...0x1F6FF, 0x20000...0x2A6DF, 0x0600...0x06FF, 0xAC00...0xD7A3,
    ]

    static func line<R: RandomNumberGenerator>(_ random: inout R, maxLength: Int = 24) -> String {
        var scalars = String.UnicodeScalarView()
        for _ in 0..<Int.random(in: 1...maxLength, using: &random) {
            let range = ranges.randomElement(using: &random)!
            if let s = Unicode.Scalar(UInt32.random(in: range, using: &random)) { scalars.append(s) }
        }
        let text = TextPolicy.trimmed(String(scalars))
        guard TextPolicy.firstProblem(in: text) == nil, !text.isEmpty else { return "替代" }
        return text
    }

    static func lines<R: RandomNumberGenerator>(_ random: inout R) -> String {
        (0..<Int.random(in: 1...3, using: &random)).map { _ in line(&random) }.joined(separator: "\n")
    }
}
