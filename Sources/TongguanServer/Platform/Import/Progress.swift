import Foundation
import NIOConcurrencyHelpers

/// Tells the person at a terminal how a long import or export is going: rows done, rows per
/// second and time left, redrawn on one line of standard error. Piped, or under CI, it stays
/// silent until `finish`, which prints one summary line. HTTP requests pass `.silent`.
final class Progress: Sendable {
    private struct State {
        var phase = ""
        var done = 0
        var total: Int?
        var lastDraw = ContinuousClock.now
        var drew = false
    }

    private let state = NIOLockedValueBox(State())
    private let started = ContinuousClock.now
    private let live: Bool
    private let enabled: Bool

    /// For HTTP and tests: reports nothing.
    static var silent: Progress { Progress(enabled: false, live: false) }

    /// For a command: live on a terminal, a summary line otherwise.
    static func forConsole() -> Progress {
        let ci = ProcessInfo.processInfo.environment["CI"] == "true"
        return Progress(enabled: true, live: isatty(STDERR_FILENO) != 0 && !ci)
    }

    init(enabled: Bool, live: Bool) {
        self.enabled = enabled
        self.live = live
    }

    /// `done` of `total` rows in `phase` (检查 / 写入 / 导出); redraws at most 4 times a second.
    func update(_ phase: String, done: Int, total: Int? = nil) {
        guard enabled else { return }
        let line: String? = state.withLockedValue { s in
            s.phase = phase; s.done = done; s.total = total
            let now = ContinuousClock.now
            guard live, now - s.lastDraw >= .milliseconds(250) else { return nil }
            s.lastDraw = now
            s.drew = true
            return Self.describe(phase: phase, done: done, total: total, elapsed: now - started)
        }
        if let line { FileHandle.standardError.write(Data(("\r\u{1B}[K" + line).utf8)) }
    }

    /// The closing line: on a terminal it replaces the live one.
    func finish(_ summary: String) {
        guard enabled else { return }
        let elapsed = ContinuousClock.now - started
        let rows = state.withLockedValue { $0.done }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let rate = seconds > 0 ? Int(Double(rows) / seconds) : rows
        let prefix = live && state.withLockedValue({ $0.drew }) ? "\r\u{1B}[K" : ""
        FileHandle.standardError.write(Data((prefix + "\(summary)(\(rows) 行,用时 \(String(format: "%.1f", seconds)) 秒,每秒 \(rate) 行)\n").utf8))
    }

    static func describe(phase: String, done: Int, total: Int?, elapsed: Duration) -> String {
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let rate = seconds > 0 ? Double(done) / seconds : 0
        var text = "\(phase):已处理 \(done) 行,每秒 \(Int(rate)) 行"
        if let total, total > 0, rate > 0, done <= total {
            text += ",约剩 \(Int((Double(total - done) / rate).rounded())) 秒(共约 \(total) 行)"
        }
        return text
    }
}
