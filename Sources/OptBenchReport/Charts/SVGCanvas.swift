import Foundation

/// A small builder for one self-contained SVG document.
///
/// `SVGCanvas` knows nothing about charts: it escapes text, formats numbers
/// compactly, namespaces element ids, and wraps the elements it collects in an
/// accessible `<svg>` root with a `<title>` and a `<desc>`.
///
/// Several charts are inlined in one HTML page, so every id a chart defines
/// (`<title>`, `<desc>`, clip paths, patterns) goes through ``id(_:)``, which
/// prefixes it with the chart's ``idPrefix``.
///
/// ```swift
/// var canvas = SVGCanvas(width: 200, height: 100, idPrefix: "demo",
///                        title: "A & B", description: "Two boxes.")
/// canvas.rect(x: 10, y: 10, width: 50, height: 50, fill: "#0072B2")
/// let svg = canvas.svg   // <svg xmlns=... aria-labelledby="demo-title demo-desc">...
/// ```
public struct SVGCanvas: Sendable {
    /// The font stack used for every text element.
    public static let fontFamily = "system-ui, -apple-system, Segoe UI, Roboto, Helvetica, Arial, sans-serif"
    /// Font sizes, in pixels, legible when the SVG is shown 800 px wide.
    public static let titleFontSize = 16.0
    public static let labelFontSize = 13.0
    public static let tickFontSize = 12.0
    /// Light grey for grid lines, darker greys for axes and secondary text.
    public static let gridColor = "#E3E3E3"
    public static let axisColor = "#555555"
    public static let textColor = "#1A1A1A"
    public static let mutedTextColor = "#555555"

    public let width: Double
    public let height: Double
    /// Prefix of every id in the document, already sanitised to a valid XML name.
    public let idPrefix: String
    public let title: String
    public let description: String
    /// Elements of `<defs>` (clip paths, patterns, gradients), in order.
    public private(set) var definitions: [String] = []
    /// The body elements, in drawing order.
    public private(set) var elements: [String] = []

    /// Creates an empty canvas.
    /// - Parameters:
    ///   - idPrefix: made unique per chart by the caller; characters outside
    ///     `[A-Za-z0-9_-]` become `-`, and a leading digit gets a `c` in front.
    public init(width: Double, height: Double, idPrefix: String, title: String, description: String) {
        self.width = width
        self.height = height
        self.idPrefix = SVGCanvas.sanitizedID(idPrefix)
        self.title = title
        self.description = description
    }

    /// The id `local` namespaced by this canvas's prefix: `"\(idPrefix)-\(local)"`.
    public func id(_ local: String) -> String { "\(idPrefix)-\(SVGCanvas.sanitizedID(local))" }

    /// Appends a raw element (already escaped) to the body.
    public mutating func append(_ element: String) { elements.append(element) }

    /// Appends a raw element (already escaped) to `<defs>`.
    public mutating func define(_ element: String) { definitions.append(element) }

    // MARK: - Elements

    /// Appends a `<line>`.
    public mutating func line(x1: Double, y1: Double, x2: Double, y2: Double, stroke: String,
                              width: Double = 1, dash: String? = nil, attributes: [(String, String)] = []) {
        var attrs: [(String, String)] = [("x1", f(x1)), ("y1", f(y1)), ("x2", f(x2)), ("y2", f(y2)),
                                         ("stroke", stroke), ("stroke-width", f(width))]
        if let dash { attrs.append(("stroke-dasharray", dash)) }
        append(SVGCanvas.element("line", attrs + attributes))
    }

    /// Appends a `<rect>`.
    public mutating func rect(x: Double, y: Double, width: Double, height: Double, fill: String,
                              stroke: String? = nil, attributes: [(String, String)] = []) {
        var attrs: [(String, String)] = [("x", f(x)), ("y", f(y)), ("width", f(max(0, width))),
                                         ("height", f(max(0, height))), ("fill", fill)]
        if let stroke { attrs.append(("stroke", stroke)) }
        append(SVGCanvas.element("rect", attrs + attributes))
    }

    /// Appends a `<text>`; `content` is escaped here.
    /// - Parameters:
    ///   - anchor: `start`, `middle` or `end`.
    ///   - rotation: degrees, clockwise, about the anchor point.
    public mutating func text(_ content: String, x: Double, y: Double, size: Double = SVGCanvas.tickFontSize,
                              anchor: String = "start", fill: String = SVGCanvas.textColor,
                              weight: String? = nil, rotation: Double? = nil,
                              attributes: [(String, String)] = []) {
        append(SVGCanvas.textElement(content, x: x, y: y, size: size, anchor: anchor, fill: fill,
                                     weight: weight, rotation: rotation, attributes: attributes))
    }

    /// The `<text>` element `text(...)` would append, as a string.
    public static func textElement(_ content: String, x: Double, y: Double, size: Double = tickFontSize,
                                   anchor: String = "start", fill: String = textColor,
                                   weight: String? = nil, rotation: Double? = nil,
                                   attributes: [(String, String)] = []) -> String {
        var attrs: [(String, String)] = [("x", format(x)), ("y", format(y)), ("font-size", format(size)),
                                         ("fill", fill)]
        if anchor != "start" { attrs.append(("text-anchor", anchor)) }
        if let weight { attrs.append(("font-weight", weight)) }
        if let rotation, rotation != 0 {
            attrs.append(("transform", "rotate(\(format(rotation)) \(format(x)) \(format(y)))"))
        }
        return "<text\(attributeString(attrs + attributes))>\(escape(content))</text>"
    }

    // MARK: - Output

    /// The complete document: root `<svg>` with `role="img"`, `<title>`,
    /// `<desc>`, `<defs>` if any, a white background, then the body.
    public var svg: String {
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(f(width))\" height=\"\(f(height))\""
        out += " viewBox=\"0 0 \(f(width)) \(f(height))\" role=\"img\""
        out += " aria-labelledby=\"\(id("title")) \(id("desc"))\""
        out += " font-family=\"\(SVGCanvas.escape(SVGCanvas.fontFamily))\">\n"
        out += "<title id=\"\(id("title"))\">\(SVGCanvas.escape(title))</title>\n"
        out += "<desc id=\"\(id("desc"))\">\(SVGCanvas.escape(description))</desc>\n"
        if !definitions.isEmpty {
            out += "<defs>\n" + definitions.joined(separator: "\n") + "\n</defs>\n"
        }
        out += "<rect x=\"0\" y=\"0\" width=\"\(f(width))\" height=\"\(f(height))\" fill=\"#FFFFFF\"/>\n"
        out += elements.joined(separator: "\n")
        out += "\n</svg>\n"
        return out
    }

    // MARK: - Text and numbers

    /// Escapes `&`, `<`, `>`, `"` and `'` for use in XML text and attribute
    /// values, and drops the control characters XML 1.0 forbids.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default:
                if scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Formats `value` with at most `decimals` decimals and no trailing zeros:
    /// `12.5`, `3`, `0.05`, never `-0`.
    ///
    /// Non-finite values are never valid SVG coordinates; they format as `0`
    /// so a bug cannot produce an unparsable document. Charts skip them before
    /// they get here.
    public static func format(_ value: Double, decimals: Int = 2) -> String {
        guard value.isFinite else { return "0" }
        var s = String(format: "%.\(max(0, decimals))f", value)
        if s.contains(".") {
            while s.hasSuffix("0") { s.removeLast() }
            if s.hasSuffix(".") { s.removeLast() }
        }
        if s == "-0" { s = "0" }
        return s
    }

    /// An estimate of the rendered width of `text` in the chart font, used for
    /// layout (legends, margins, label rotation). Deliberately generous.
    public static func estimatedTextWidth(_ text: String, fontSize: Double) -> Double {
        var units = 0.0
        for ch in text {
            if ch.isUppercase || ch == "%" || ch == "@" || ch == "m" || ch == "w" || ch == "M" || ch == "W" {
                units += 0.72
            } else if ch == " " || ch == "." || ch == "," || ch == "i" || ch == "l" || ch == "j" || ch == "'" || ch == "|" || ch == "/" {
                units += 0.32
            } else {
                units += 0.58
            }
        }
        return units * fontSize
    }

    /// `text` restricted to a valid XML id: `[A-Za-z0-9_-]`, starting with a letter or `_`.
    public static func sanitizedID(_ text: String) -> String {
        var out = String(text.unicodeScalars.map { scalar -> Character in
            let v = scalar.value
            let ok = (v >= 0x30 && v <= 0x39) || (v >= 0x41 && v <= 0x5A) || (v >= 0x61 && v <= 0x7A)
                || scalar == "_" || scalar == "-"
            return ok ? Character(scalar) : "-"
        })
        if out.isEmpty { out = "chart" }
        if let first = out.unicodeScalars.first, !(first == "_" || (first.value >= 0x41 && first.value <= 0x5A)
                                                    || (first.value >= 0x61 && first.value <= 0x7A)) {
            out = "c" + out
        }
        return out
    }

    /// `<name a="v" .../>`, values escaped.
    public static func element(_ name: String, _ attributes: [(String, String)]) -> String {
        "<\(name)\(attributeString(attributes))/>"
    }

    /// ` a="v" b="w"`, values escaped.
    public static func attributeString(_ attributes: [(String, String)]) -> String {
        attributes.map { " \($0.0)=\"\(escape($0.1))\"" }.joined()
    }

    private func f(_ value: Double) -> String { SVGCanvas.format(value) }
}
