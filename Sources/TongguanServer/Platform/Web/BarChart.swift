import Foundation
import TongguanDomain

/// A horizontal bar chart drawn on the server as SVG markup, for pages that must work with
/// JavaScript off and under a CSP that forbids inline styles: only presentation attributes
/// and CSS classes (`bar-chart`, `bar`, `bar-label`, `bar-value` in app.css). Every text is
/// escaped here, so a template renders the result with `#unsafeHTML(chart)`.
///
///     BarChart(title: "签约项目投资额", bars: [.init(label: "离石区", value: 120, valueText: "1.20亿元")]).svg()
struct BarChart: Sendable {
    struct Bar: Sendable {
        var label: String
        /// Any unit; bars are scaled to the largest value. Negative values draw as empty.
        var value: Int64
        /// What is printed after the bar (e.g. `Fen.yiText(value)`).
        var valueText: String
        /// Makes the bar and its label a link.
        var href: String?

        init(label: String, value: Int64, valueText: String? = nil, href: String? = nil) {
            self.label = label; self.value = value; self.valueText = valueText ?? String(value); self.href = href
        }
    }

    var title: String
    var bars: [Bar]
    /// Sized so that the text reads at its real size in a half-width column and stays
    /// legible when scaled down to a 390px phone.
    var width = 480
    var labelWidth = 84
    var valueWidth = 96
    var barHeight = 20
    var gap = 8
    /// A CSS class for the bars' colour (`bar`, `bar-2`, `bar-3` …).
    var barClass = "bar"

    init(title: String, bars: [Bar], barClass: String = "bar") {
        self.title = title; self.bars = bars; self.barClass = barClass
    }

    var height: Int { max(1, bars.count) * (barHeight + gap) + gap }

    func svg() -> String {
        let e = Self.escape
        let plot = width - labelWidth - valueWidth
        let maxValue = bars.map(\.value).max() ?? 0
        var out =
            #"<svg class="bar-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \#(width) \#(height)" "#
            + #"width="\#(width)" height="\#(height)" role="img" aria-label="\#(e(title))" preserveAspectRatio="xMinYMin meet">"#
        out += "<title>\(e(title))</title>"
        if bars.isEmpty {
            out += #"<text class="bar-label" x="0" y="\#(barHeight)">无数据</text>"#
        }
        for (i, bar) in bars.enumerated() {
            let y = gap + i * (barHeight + gap)
            let length = maxValue > 0 && bar.value > 0 ? max(1, Int((Double(bar.value) / Double(maxValue) * Double(plot)).rounded())) : 0
            let textY = y + barHeight / 2 + 5
            var row = #"<text class="bar-label" x="\#(labelWidth - 6)" y="\#(textY)" text-anchor="end">\#(e(Self.clip(bar.label)))</text>"#
            row += #"<rect class="\#(e(barClass))" x="\#(labelWidth)" y="\#(y)" width="\#(length)" height="\#(barHeight)" rx="2">"#
            row += "<title>\(e(bar.label)):\(e(bar.valueText))</title></rect>"
            row += #"<text class="bar-value" x="\#(labelWidth + length + 6)" y="\#(textY)">\#(e(bar.valueText))</text>"#
            if let href = bar.href {
                out += #"<a href="\#(e(href))">\#(row)</a>"#
            } else {
                out += row
            }
        }
        return out + "</svg>"
    }

    /// Long labels would run into the bars.
    static func clip(_ label: String, max: Int = 6) -> String {
        label.count > max ? String(label.prefix(max - 1)) + "…" : label
    }

    static func escape(_ text: String) -> String { Markup.escape(text) }
}
