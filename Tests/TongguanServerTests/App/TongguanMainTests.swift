import Testing

@testable import TongguanServer

/// Only `serve` runs Swift concurrency on NIO's event loops; every other command keeps
/// Swift's pool (the member import was a fifth slower on the event loops).
@Suite struct TongguanMainTests {
    @Test(arguments: [
        ["tongguan"],
        ["tongguan", "serve"],
        ["tongguan", "serve", "--hostname", "0.0.0.0", "--port", "8080"],
        ["tongguan", "--demo"],
        ["tongguan", "serve", "--demo"],
        ["tongguan", "--env", "production", "serve"],
        ["tongguan", "-e", "production"],
        ["tongguan", "--env", "production"],
        ["tongguan", "-e", "serve", "serve"],
    ])
    func serveTakesTheEventLoops(_ arguments: [String]) {
        #expect(TongguanMain.startsServer(arguments))
    }

    @Test(arguments: [
        ["tongguan", "import", "members", "file.csv"],
        ["tongguan", "--env", "production", "import", "members", "file.csv"],
        ["tongguan", "-e", "production", "migrate"],
        ["tongguan", "--env", "serve", "backup", "/tmp/b.sqlite"],
        ["tongguan", "keys", "rotate"],
        ["tongguan", "routes"],
    ])
    func otherCommandsKeepSwiftsPool(_ arguments: [String]) {
        #expect(!TongguanMain.startsServer(arguments))
    }
}
