extension QRCode {
    /// The code as a standalone SVG element for a printable card or a page: a white
    /// background over the symbol and its quiet zone, and the dark modules as one `<path>`
    /// of one-module-high rectangles (a run of dark modules in a row is one rectangle).
    ///
    /// The viewBox is in modules, so the image scales without blurring; `width`/`height`
    /// are `moduleSize` pixels per module, and `shape-rendering="crispEdges"` keeps
    /// neighbouring rectangles from showing hairline seams. Colours are presentation
    /// attributes, never `style`, because the site's Content-Security-Policy forbids inline
    /// styles. With a `title`, the image is announced by screen readers (`role="img"`).
    ///
    /// - Parameters:
    ///   - moduleSize: pixels per module in the `width`/`height` attributes (at least 1).
    ///   - quietZone: light modules around the symbol; the standard asks for 4.
    ///   - title: the accessible name, e.g. "户码 14112410220100019"; escaped here.
    public func svg(moduleSize: Int = 4, quietZone: Int = 4, title: String? = nil) -> String {
        precondition(moduleSize >= 1 && quietZone >= 0)
        let extent = size + 2 * quietZone
        let pixels = extent * moduleSize
        var out =
            #"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \#(extent) \#(extent)" width="\#(pixels)" height="\#(pixels)" shape-rendering="crispEdges""#
        if let title {
            let escaped = Self.escapeXML(title)
            out += #" role="img" aria-label="\#(escaped)"><title>\#(escaped)</title>"#
        } else {
            out += ">"
        }
        out += ##"<rect width="\##(extent)" height="\##(extent)" fill="#fff"/><path fill="#000" d=""##
        for y in 0..<size {
            var x = 0
            while x < size {
                guard isDark(x: x, y: y) else { x += 1; continue }
                let start = x
                while x < size && isDark(x: x, y: y) { x += 1 }
                let run = x - start
                out += "M\(start + quietZone) \(y + quietZone)h\(run)v1h-\(run)z"
            }
        }
        return out + #""/></svg>"#
    }

    private static func escapeXML(_ text: String) -> String { Markup.escape(text) }
}
