import Foundation
import Testing

@testable import TongguanDomain

@Suite("FieldProblem, ProblemList, ValidationFailure, RowProblem")
struct ValidationTests {
    @Test("FieldProblem keeps field and message, equality and hashing by value")
    func fieldProblem() {
        let p = FieldProblem(field: "division_code", message: "区划代码只能由数字组成")
        #expect(p.field == "division_code")
        #expect(p.message == "区划代码只能由数字组成")
        #expect(p == FieldProblem(field: "division_code", message: "区划代码只能由数字组成"))
        #expect(p != FieldProblem(field: "division_code", message: "other"))
        #expect(p != FieldProblem(field: "other", message: "区划代码只能由数字组成"))
        #expect(Set([p, p]).count == 1)
    }

    @Test("FieldProblem is Codable with field and message keys")
    func fieldProblemCodable() throws {
        let p = FieldProblem(field: "username", message: "用户名长度应为2到32个字符")
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let data = try encoder.encode(p)
        #expect(String(decoding: data, as: UTF8.self) == #"{"field":"username","message":"用户名长度应为2到32个字符"}"#)
        #expect(try JSONDecoder().decode(FieldProblem.self, from: data) == p)
    }

    @Test("an empty list is empty and does not throw")
    func emptyList() throws {
        let list = ProblemList()
        #expect(list.isEmpty)
        #expect(list.problems.isEmpty)
        try list.throwIfAny()
    }

    @Test("problems are collected in order, duplicates kept")
    func collects() {
        var list = ProblemList()
        list.add("a", "first")
        #expect(!list.isEmpty)
        list.add("b", "second")
        list.add("a", "third")
        list.add("a", "third")
        #expect(
            list.problems == [
                FieldProblem(field: "a", message: "first"),
                FieldProblem(field: "b", message: "second"),
                FieldProblem(field: "a", message: "third"),
                FieldProblem(field: "a", message: "third"),
            ])
    }

    @Test("throwIfAny throws every problem at once")
    func throwsAll() {
        var list = ProblemList()
        list.add("division_code", DivisionCode.Problem.notDigits.message)
        list.add("password", "密码至少10个字符")
        do {
            try list.throwIfAny()
            Issue.record("expected a ValidationFailure")
        } catch {
            #expect(error.problems == list.problems)
            #expect(error.problems.count == 2)
        }
        #expect(throws: ValidationFailure.self) { try list.throwIfAny() }
    }

    @Test("ValidationFailure keeps its problems")
    func validationFailure() {
        let problems = [FieldProblem(field: "x", message: "y")]
        #expect(ValidationFailure(problems).problems == problems)
        #expect(ValidationFailure([]).problems.isEmpty)
    }

    @Test("a copied list is independent")
    func valueSemantics() {
        var a = ProblemList()
        a.add("x", "1")
        var b = a
        b.add("y", "2")
        #expect(a.problems.count == 1)
        #expect(b.problems.count == 2)
    }

    @Test(
        "RowProblem text",
        arguments: [
            (RowProblem(row: 2, column: "区划代码", message: "区划代码只能由数字组成"), "第2行「区划代码」:区划代码只能由数字组成"),
            (RowProblem(row: 1048576, column: "", message: ""), "第1048576行「」:"),
            (RowProblem(row: 15, column: "division_code", message: "x"), "第15行「division_code」:x"),
        ])
    func rowProblemText(_ problem: RowProblem, _ text: String) {
        #expect(problem.text == text)
    }

    @Test("RowProblem is Codable and hashable by value")
    func rowProblemCodable() throws {
        let p = RowProblem(row: 3, column: "名称", message: "不能为空")
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let data = try encoder.encode(p)
        #expect(String(decoding: data, as: UTF8.self) == #"{"column":"名称","message":"不能为空","row":3}"#)
        #expect(try JSONDecoder().decode(RowProblem.self, from: data) == p)
        #expect(Set([p, RowProblem(row: 3, column: "名称", message: "不能为空")]).count == 1)
        #expect(p != RowProblem(row: 4, column: "名称", message: "不能为空"))
    }
}
