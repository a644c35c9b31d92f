import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import OptBenchReport

// MARK: - A tiny DOM for the chart tests

/// One parsed XML element.
final class SVGNode {
    let name: String
    let attributes: [String: String]
    var children: [SVGNode] = []
    var text = ""
    weak var parent: SVGNode?

    init(name: String, attributes: [String: String], parent: SVGNode?) {
        self.name = name; self.attributes = attributes; self.parent = parent
    }

    /// This element and all its descendants, in document order.
    var all: [SVGNode] { [self] + children.flatMap(\.all) }
    func elements(_ name: String) -> [SVGNode] { all.filter { $0.name == name } }
    func elements(_ name: String, class cls: String) -> [SVGNode] {
        elements(name).filter { $0.attributes["class"] == cls }
    }
    func double(_ attribute: String) -> Double? { attributes[attribute].flatMap(Double.init) }
    var ancestors: [SVGNode] { parent.map { [$0] + $0.ancestors } ?? [] }
}

final class SVGTreeBuilder: NSObject, XMLParserDelegate {
    var root: SVGNode?
    private var current: SVGNode?

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]) {
        let node = SVGNode(name: elementName, attributes: attributeDict, parent: current)
        current?.children.append(node)
        if root == nil { root = node }
        current = node
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?,
                qualifiedName qName: String?) {
        current = current?.parent
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { current?.text += string }
}

/// Parses `svg` with `XMLParser`; fails the test if it is not well-formed.
func parseSVG(_ svg: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> SVGNode {
    let parser = XMLParser(data: Data(svg.utf8))
    let builder = SVGTreeBuilder()
    parser.delegate = builder
    let ok = parser.parse()
    #expect(ok, "not well-formed XML: \(String(describing: parser.parserError))", sourceLocation: sourceLocation)
    return try #require(builder.root, sourceLocation: sourceLocation)
}

/// Checks the accessible root: `<svg>` with role, aria-labelledby pointing at
/// the `<title>` and `<desc>` ids, and their texts.
func expectAccessibleRoot(_ root: SVGNode, title: String, descriptionContains desc: String,
                          sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(root.name == "svg", sourceLocation: sourceLocation)
    #expect(root.attributes["xmlns"] == "http://www.w3.org/2000/svg", sourceLocation: sourceLocation)
    #expect(root.attributes["role"] == "img", sourceLocation: sourceLocation)
    let titles = root.children.filter { $0.name == "title" }
    let descs = root.children.filter { $0.name == "desc" }
    #expect(titles.count == 1 && descs.count == 1, sourceLocation: sourceLocation)
    #expect(titles.first?.text == title, sourceLocation: sourceLocation)
    #expect(descs.first?.text.contains(desc) == true, sourceLocation: sourceLocation)
    let labelled = (root.attributes["aria-labelledby"] ?? "").split(separator: " ").map(String.init)
    #expect(labelled == [titles.first?.attributes["id"] ?? "?", descs.first?.attributes["id"] ?? "?"],
            sourceLocation: sourceLocation)
}

/// Every geometric attribute in the document is a finite number.
func expectFiniteGeometry(_ root: SVGNode, sourceLocation: SourceLocation = #_sourceLocation) {
    let numeric = ["x", "y", "x1", "y1", "x2", "y2", "width", "height", "cx", "cy", "r"]
    for node in root.all {
        for key in numeric {
            guard let value = node.attributes[key] else { continue }
            if node.name == "linearGradient" { continue }  // x1...y2 are fractions there, still numbers
            let d = Double(value)
            #expect(d?.isFinite == true, "\(node.name) \(key)=\(value)", sourceLocation: sourceLocation)
        }
        if let points = node.attributes["points"] {
            for pair in points.split(separator: " ") {
                let xy = pair.split(separator: ",").map { Double(String($0)) }
                #expect(xy.count == 2 && xy.allSatisfy { $0?.isFinite == true }, "points \(pair)",
                        sourceLocation: sourceLocation)
            }
        }
    }
}

/// `"x,y x,y"` as pairs.
func parsePoints(_ text: String) -> [(Double, Double)] {
    text.split(separator: " ").compactMap { pair in
        let xy = pair.split(separator: ",").compactMap { Double(String($0)) }
        return xy.count == 2 ? (xy[0], xy[1]) : nil
    }
}

/// Relative luminance-like brightness of `#RRGGBB`, 0 (black) to 1 (white).
func brightness(_ hex: String) -> Double {
    let digits = Array(hex.dropFirst())
    guard digits.count == 6 else { return .nan }
    func channel(_ i: Int) -> Double { Double(Int(String(digits[i..<i + 2]), radix: 16) ?? 0) / 255 }
    return 0.2126 * channel(0) + 0.7152 * channel(2) + 0.0722 * channel(4)
}

/// Whether `value` is a nice tick multiple of a 1-2-5 step.
func isNiceStep(_ step: Double) -> Bool {
    guard step > 0, step.isFinite else { return false }
    let mantissa = step / pow(10, floor(log10(step) + 1e-12))
    return [1.0, 2, 5, 10].contains { abs(mantissa - $0) < 1e-9 }
}

func expectNiceTicks(_ ticks: [Double], sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(ticks.count >= 2, sourceLocation: sourceLocation)
    guard ticks.count >= 2 else { return }
    let step = ticks[1] - ticks[0]
    #expect(isNiceStep(step), "step \(step)", sourceLocation: sourceLocation)
    for (a, b) in zip(ticks, ticks.dropFirst()) {
        #expect(abs((b - a) - step) < step * 1e-9, sourceLocation: sourceLocation)
    }
    for t in ticks {
        let k = t / step
        #expect(abs(k - k.rounded()) < 1e-9, "\(t) is not a multiple of \(step)", sourceLocation: sourceLocation)
    }
}

// MARK: - SVGCanvas and NiceTicks

@Suite struct SVGDocumentTests {
    @Test func escapesTheFiveXMLCharacters() {
        #expect(SVGCanvas.escape(#"a<b & "c" > 'd'"#) == "a&lt;b &amp; &quot;c&quot; &gt; &apos;d&apos;")
        #expect(SVGCanvas.escape("plain") == "plain")
        #expect(SVGCanvas.escape("bell\u{07}") == "bell")
    }

    @Test func formatsNumbersCompactly() {
        #expect(SVGCanvas.format(1) == "1")
        #expect(SVGCanvas.format(2.5) == "2.5")
        #expect(SVGCanvas.format(3.14159) == "3.14")
        #expect(SVGCanvas.format(100) == "100")
        #expect(SVGCanvas.format(-0.001) == "0")
        #expect(SVGCanvas.format(0.05, decimals: 2) == "0.05")
        #expect(SVGCanvas.format(0.123456, decimals: 4) == "0.1235")
        #expect(SVGCanvas.format(.nan) == "0")
        #expect(SVGCanvas.format(-.infinity) == "0")
    }

    @Test func rootIsAccessibleAndEscaped() throws {
        var canvas = SVGCanvas(width: 300, height: 200, idPrefix: "demo", title: #"<Loss> & "acc""#,
                               description: "Two <lines>.")
        canvas.text("R&D", x: 10, y: 20)
        canvas.rect(x: 1, y: 2, width: 3, height: 4, fill: "#0072B2")
        let root = try parseSVG(canvas.svg)
        expectAccessibleRoot(root, title: #"<Loss> & "acc""#, descriptionContains: "Two <lines>.")
        #expect(root.attributes["viewBox"] == "0 0 300 200")
        #expect(root.attributes["width"] == "300")
        #expect(root.attributes["font-family"] == SVGCanvas.fontFamily)
        #expect(root.attributes["aria-labelledby"] == "demo-title demo-desc")
        #expect(root.elements("text").map(\.text) == ["R&D"])
    }

    @Test func idsAreNamespacedAndValid() throws {
        #expect(SVGCanvas.sanitizedID("1 a/b") == "c1-a-b")
        #expect(SVGCanvas.sanitizedID("") == "chart")
        #expect(SVGCanvas.sanitizedID("val-acc_2") == "val-acc_2")
        let a = SVGCanvas(width: 10, height: 10, idPrefix: "a", title: "t", description: "d")
        let b = SVGCanvas(width: 10, height: 10, idPrefix: "b", title: "t", description: "d")
        let idsA = Set(try parseSVG(a.svg).all.compactMap { $0.attributes["id"] })
        let idsB = Set(try parseSVG(b.svg).all.compactMap { $0.attributes["id"] })
        #expect(idsA.count == 2)
        #expect(idsA.isDisjoint(with: idsB))
    }

    @Test func niceTicksUseOneTwoFiveSteps() {
        #expect(NiceTicks.ticks(in: 0...1, maxIntervals: 5) == [0, 0.2, 0.4, 0.6, 0.8, 1])
        #expect(NiceTicks.ticks(in: 1...30, maxIntervals: 9, integer: true) == [5, 10, 15, 20, 25, 30])
        #expect(NiceTicks.ticks(in: 1...10, maxIntervals: 9, integer: true) == Array(1...10).map(Double.init))
        #expect(NiceTicks.ticks(in: 1...3, maxIntervals: 9, integer: true) == [1, 2, 3])
        #expect(NiceTicks.ticks(in: 0...0.3, maxIntervals: 3) == [0, 0.1, 0.2, 0.3])
        let nice = NiceTicks.niceRange(lower: 0.23, upper: 0.91)
        #expect(nice.range == 0.2...1.0)
        #expect(nice.ticks == [0.2, 0.4, 0.6, 0.8, 1.0])
        for (lo, hi) in [(0.0, 1.0), (0.31, 2.47), (-3.2, 17.0), (1e-4, 3e-4), (0.0, 1234.0), (12.0, 12.0)] {
            let r = NiceTicks.niceRange(lower: lo, upper: hi, maxIntervals: 5)
            expectNiceTicks(r.ticks)
            #expect(r.range.lowerBound <= lo && r.range.upperBound >= hi)
            #expect(r.ticks.count <= 7)
            #expect(r.ticks.first == r.range.lowerBound && r.ticks.last == r.range.upperBound)
        }
        let nonFinite = NiceTicks.niceRange(lower: .nan, upper: .infinity)
        #expect(nonFinite.range == 0...1)
    }
}
