import Foundation

/// Rules for user names and passwords; checked by the API, the forms and the CLI alike.
public enum Credentials {
    public static let minimumPasswordLength = 10
    public static let maximumPasswordLength = 72  // bcrypt reads at most 72 bytes

    /// Lower-case ASCII letters, digits, '.', '_' and '-', 2 to 32 characters. Names are
    /// compared lower-cased, so 'Admin' and 'admin' are the same account.
    public static func normalizedUsername(_ raw: String) -> String {
        raw.trimmingCharacters(in: .whitespaces).lowercased()
    }

    public static func usernameProblem(_ raw: String) -> String? {
        let name = normalizedUsername(raw)
        guard (2...32).contains(name.count) else { return "用户名长度应为2到32个字符" }
        let allowed = name.unicodeScalars.allSatisfy { s in
            (s >= "a" && s <= "z") || (s >= "0" && s <= "9") || s == "." || s == "_" || s == "-"
        }
        return allowed ? nil : "用户名只能包含小写字母、数字、点、下划线和连字符"
    }

    public static func passwordProblem(_ password: String) -> String? {
        if let problem = TextPolicy.firstProblem(in: password) { return "密码" + problem.message }
        if password.count < minimumPasswordLength { return "密码至少\(minimumPasswordLength)个字符" }
        if password.utf8.count > maximumPasswordLength { return "密码不能超过\(maximumPasswordLength)字节" }
        let hasLetter = password.unicodeScalars.contains { ($0 >= "a" && $0 <= "z") || ($0 >= "A" && $0 <= "Z") }
        let hasDigit = password.unicodeScalars.contains { $0 >= "0" && $0 <= "9" }
        return hasLetter && hasDigit ? nil : "密码须同时包含字母和数字"
    }
}
