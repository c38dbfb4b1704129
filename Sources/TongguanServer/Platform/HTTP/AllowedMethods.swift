import Vapor

/// Which methods the routes offer for a path, so that a request with another method (TRACE,
/// PUT on a list) is told 405 with `Allow`, not 404 as if the path did not exist.
enum AllowedMethods {
    static func `for`(_ path: String, in routes: [Route]) -> [HTTPMethod] {
        let parts = path.split(separator: "/").map(String.init)
        // Like the router, a constant segment wins over a parameter: `/projects/export` is
        // the export route, not `/projects/:id`, so only the most specific patterns count.
        let matching = routes.filter { matches($0.path, parts) }
        guard let best = matching.map({ specificity($0.path) }).max(by: { $0.lexicographicallyPrecedes($1) }) else { return [] }
        var methods: [HTTPMethod] = []
        for route in matching where specificity(route.path) == best && !methods.contains(route.method) {
            methods.append(route.method)
        }
        return methods
    }

    static func specificity(_ pattern: [PathComponent]) -> [Int] {
        pattern.map { component in
            switch component {
            case .constant: 2
            case .parameter, .anything: 1
            case .catchall: 0
            }
        }
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
