import Testing

@testable import TongguanDomain

@Suite("DivisionScope")
struct DivisionScopeTests {
    private func scope(_ text: String) throws -> DivisionScope {
        DivisionScope(try #require(DivisionCode(text)))
    }

    @Test(
        "prefix is the root's significant prefix",
        arguments: [
            ("140000", "14"), ("141100", "1411"), ("141124", "141124"),
            ("141124100", "141124100"), ("141124100201", "141124100201"),
        ])
    func prefix(_ root: String, _ prefix: String) throws {
        let s = try scope(root)
        #expect(s.prefix == prefix)
        #expect(s.root.rawValue == root)
        #expect(s.prefix.allSatisfy { $0.isASCII && $0.isNumber })
    }

    @Test(
        "contains codes",
        arguments: [
            ("141100", "141124", true),
            ("141100", "141124100201", true),
            ("141100", "141100", true),
            ("141124", "141124100", true),
            ("141124", "141123", false),
            ("141124", "141100", false),
            ("141100", "142301", false),
            ("140000", "142301", true),
        ])
    func containsCode(_ root: String, _ other: String, _ expected: Bool) throws {
        let s = try scope(root)
        #expect(s.contains(try #require(DivisionCode(other))) == expected)
        #expect(s.contains(other) == expected)
    }

    @Test(
        "raw strings that are not valid codes are never contained",
        arguments: [
            "", "14", "1411", "14112", "1411241", "14112410", "1411241002", "14112410020",
            "1411241002011", "141124x", "141124 ", " 141124", "141124\n", "1411%", "1411_0",
            "141124' OR '1'='1", "１４１１２４", "000000", "001124",
        ])
    func rejectsGarbage(_ raw: String) throws {
        // Even a scope covering a whole province (prefix "14") must not take a raw prefix match.
        #expect(!(try scope("140000")).contains(raw))
        #expect(!(try scope("141100")).contains(raw))
        #expect(!(try scope("141124")).contains(raw))
    }

    @Test(
        "encloses",
        arguments: [
            ("141100", "141124", true),
            ("141100", "141100", true),
            ("141100", "141124100201", true),
            ("140000", "141100", true),
            ("141124", "141124100", true),
            ("141124", "141100", false),
            ("141124", "141123", false),
            ("141124", "140000", false),
            ("141100", "140000", false),
            ("141124100", "141124", false),
            ("141100", "142300", false),
        ])
    func encloses(_ outer: String, _ inner: String, _ expected: Bool) throws {
        #expect(try scope(outer).encloses(scope(inner)) == expected)
    }

    @Test("equal roots give equal scopes")
    func equality() throws {
        #expect(try scope("141124") == scope("141124"))
        #expect(try scope("141124") != scope("141100"))
        let set: Set<DivisionScope> = try [scope("141124"), scope("141124"), scope("141100")]
        #expect(set.count == 2)
    }
}
