import Vapor

/// Which methods the routes offer for a path, so that a request with another method (TRACE,
/// PUT on a list) is told 405 with `Allow`, not 404 as if the path did not exist.
enum AllowedMethods {
    static func `for`(_ path: String, in routes: [Route]) -> [HTTPMethod] {
        let parts = path.split(separator: "/").map(String.init)
        var methods: [HTTPMethod] = []
        for route in routes where matches(route.path, parts) && !methods.contains(route.method) {
            methods.append(route.method)
        }
        if methods.contains(.GET) && !methods.contains(.HEAD) { methods.append(.HEAD) }
        return methods
    }

    static func matches(_ pattern: [PathComponent], _ parts: [String]) -> Bool {
        var i = 0
        for component in pattern {
            switch component {
            case .catchall: return i < parts.count
            case .anything, .parameter:
                guard i < parts.count else { return false }
            case .constant(let value):
                guard i < parts.count, parts[i] == value else { return false }
            }
            i += 1
        }
        return i == parts.count
    }
}
