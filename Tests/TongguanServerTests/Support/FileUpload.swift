import Foundation
import NIOHTTP1
import Testing
import TongguanDomain
import Vapor
import VaporTesting

@testable import TongguanServer

extension TestApp {
    /// Sends a file as the body of an API import.
    func importFile(_ path: String, _ data: Data, token: String, tester: (any TestingApplicationTester)? = nil) async throws -> TestingHTTPResponse {
        var headers = HTTPHeaders()
        headers.contentType = HTTPMediaType(type: "text", subType: "csv")
        headers.bearerAuthorization = BearerAuthorization(token: token)
        return try await (tester ?? app.testing()).sendRequest(.POST, path, headers: headers, body: ByteBuffer(data: data))
    }

    /// A multipart form as a browser posts it: fields, then the file.
    static func multipart(
        fields: [(String, String)], file: Data, filename: String, boundary: String = "----tongguan-\(UUID().uuidString)"
    ) -> (HTTPHeaders, ByteBuffer) {
        var body = ByteBuffer()
        for (name, value) in fields {
            body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n")
        }
        body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(filename)\"\r\nContent-Type: text/csv\r\n\r\n")
        body.writeBytes(file)
        body.writeString("\r\n--\(boundary)--\r\n")
        var headers = HTTPHeaders()
        headers.replaceOrAdd(name: .contentType, value: "multipart/form-data; boundary=\(boundary)")
        headers.replaceOrAdd(name: .accept, value: "text/html")
        return (headers, body)
    }
}

/// SplitMix64: property tests sweep many inputs yet fail the same way on every run.
struct Seeded: RandomNumberGenerator {
    private var state: UInt64
    init(_ seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Sheets of valid projects for import tests.
enum ProjectRows {
    static let header = ProjectSheet.Column.allCases.map(\.rawValue)

    /// `count` distinct projects in 临县, signed on 2021-07-16.
    static func csv(count: Int, prefix: String = "项目") -> Data {
        var lines = [header.joined(separator: ",")]
        for i in 0..<count {
            lines.append("\(prefix)\(i),吕兴实业,91350100M000100Y43,141124,临县开发区,白酒,\(100 + i),\(50 + i),2021-07-16,,,,,,王建国,13912345678,")
        }
        return Data(lines.joined(separator: "\r\n").utf8)
    }
}
