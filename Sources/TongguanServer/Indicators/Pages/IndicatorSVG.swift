import Foundation
import TongguanDomain

/// The small SVG pictures of the 指标 pages, drawn on the server with classes only (the CSP
/// forbids inline styles; colours are in app.css): a target's progress bar and a tile's
/// sparkline. Every text is escaped here.
enum IndicatorSVG {
    /// A bar from the start (0) to the target (1), filled as far as `progress` (clamped),
    /// coloured by the status, with the percentage written beside it.
    static func progressBar(_ progress: ExactDecimal?, status: TargetStatus, width: Int = 220, height: Int = 18) -> String {
        let barWidth = width - 56
        var filled = 0
        var label = "—"
        if let progress {
            let clamped = min(max(progress, .zero), .one)
            filled = ((try? clamped.times(ExactDecimal(barWidth)).rounded(decimals: 0))?.integerValue).map(Int.init) ?? 0
            label = ((try? progress.times(.hundred))?.text(decimals: 0) ?? "—") + "%"
        }
        let title = Markup.escape("完成进度\(label),\(status.label)")
        return
            #"<svg class="ind-progress" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \#(width) \#(height)" width="\#(width)" height="\#(height)" role="img" aria-label="\#(title)">"#
            + "<title>\(title)</title>"
            + #"<rect class="ind-progress-track" x="0" y="2" width="\#(barWidth)" height="\#(height - 4)" rx="3"></rect>"#
            + #"<rect class="ind-progress-fill ind-status-\#(status.rawValue)" x="0" y="2" width="\#(filled)" height="\#(height - 4)" rx="3"></rect>"#
            + #"<text class="ind-progress-label" x="\#(barWidth + 6)" y="\#(height - 4)">\#(Markup.escape(label))</text></svg>"#
    }

    /// The tile's values as a line (broken where a period has no value); the last point is
    /// marked.
    static func sparkline(_ tile: DashboardTile, width: Int = 140, height: Int = 36, label: String) -> String {
        let pad = 3
        let lines = tile.sparklinePolylines(width: width - 2 * pad, height: height - 2 * pad)
        var out =
            #"<svg class="ind-sparkline" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \#(width) \#(height)" width="\#(width)" height="\#(height)" role="img" aria-label="\#(Markup.escape(label))">"#
        out += "<title>\(Markup.escape(label))</title><g transform=\"translate(\(pad) \(pad))\">"
        for points in lines { out += #"<polyline class="ind-spark-line" fill="none" points="\#(points)"></polyline>"# }
        if let last = lines.last?.split(separator: " ").last {
            let xy = last.split(separator: ",")
            if xy.count == 2 { out += #"<circle class="ind-spark-dot" cx="\#(xy[0])" cy="\#(xy[1])" r="2.5"></circle>"# }
        }
        if lines.isEmpty { out += #"<text class="ind-spark-empty" x="0" y="\#(height / 2)">无数据</text>"# }
        return out + "</g></svg>"
    }
}
