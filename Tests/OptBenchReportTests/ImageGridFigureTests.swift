import Foundation
import OptBenchData
import Testing

#if canImport(FoundationXML)
import FoundationXML
#endif

@testable import OptBenchReport

/// Collects what the figure tests look at while parsing an SVG.
final class ImageGridSVGProbe: NSObject, XMLParserDelegate {
    struct Caption { var fill: String; var lines: [String] }
    var captions: [Caption] = []
    var titleText = "", descText = "", headingText = ""
    var imageHref: String?
    var rootSize: (width: String, height: String)?
    private var stack: [String] = []
    private var inCaption = false, inHeading = false

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?,
                qualifiedName: String?, attributes: [String: String] = [:]) {
        stack.append(name)
        switch name {
        case "svg": rootSize = (attributes["width"] ?? "", attributes["height"] ?? "")
        case "image": imageHref = attributes["href"]
        case "text" where attributes["class"] == "caption":
            inCaption = true
            captions.append(Caption(fill: attributes["fill"] ?? "", lines: []))
        case "text" where attributes["class"] == "title": inHeading = true
        case "tspan" where inCaption: captions[captions.count - 1].lines.append("")
        default: break
        }
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        stack.removeLast()
        if name == "text" { inCaption = false; inHeading = false }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        switch stack.last {
        case "title": titleText += string
        case "desc": descText += string
        case "tspan" where inCaption: captions[captions.count - 1].lines[captions[captions.count - 1].lines.count - 1] += string
        case "text" where inHeading: headingText += string
        default: break
        }
    }

    /// Parses `svg`; `nil` unless it is well-formed XML.
    static func parse(_ svg: String) -> ImageGridSVGProbe? {
        let probe = ImageGridSVGProbe()
        let parser = XMLParser(data: Data(svg.utf8))
        parser.delegate = probe
        return parser.parse() ? probe : nil
    }
}

let figureClassNames = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                        "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]

@Suite("ImageGridFigure")
struct ImageGridFigureTests {
    @Test("the training figure is well-formed SVG with title, desc and 40 class-name captions")
    func trainingFigure() throws {
        let images = gridTestImages(count: 50)
        let figure = ImageGridFigure.trainingImages(images: images, classNames: figureClassNames)
        let probe = try #require(ImageGridSVGProbe.parse(figure.svg), "SVG is not well-formed XML")
        #expect(probe.titleText == "The first 40 training images")
        #expect(probe.headingText == "The first 40 training images")
        #expect(probe.descText.contains("40 grayscale 28×28 images"))
        #expect(probe.captions.count == 40)
        #expect(probe.captions.map { $0.lines } == (0..<40).map { [figureClassNames[$0 % 10]] })
        #expect(!probe.captions.contains { $0.fill == Palette.wrong })
        #expect(probe.rootSize?.width == "\(figure.width)" && probe.rootSize?.height == "\(figure.height)")
        #expect(figure.svg.contains("role=\"img\""))
    }

    @Test("the predictions figure captions wrong predictions in red with the true class")
    func predictionsFigure() throws {
        let images = gridTestImages(count: 60)
        var predicted = images.labels.map(Int.init)
        let wrong: Set = [0, 7, 23, 39]
        for index in wrong { predicted[index] = (predicted[index] + 4) % 10 }
        predicted[45] = 0  // beyond the 40 shown: must not matter
        let figure = ImageGridFigure.predictions(
            images: images, predicted: predicted, classNames: figureClassNames, title: "Adam <test> & \"friends\"")
        let probe = try #require(ImageGridSVGProbe.parse(figure.svg), "SVG is not well-formed XML")
        #expect(probe.titleText == "Adam <test> & \"friends\"")
        #expect(probe.captions.count == 40)
        let red = Set(probe.captions.indices.filter { probe.captions[$0].fill == Palette.wrong })
        #expect(red == wrong)
        #expect(probe.captions.indices.filter { !wrong.contains($0) }.allSatisfy { probe.captions[$0].fill == Palette.right })
        // Image 7 has label 7 (Sneaker), predicted 1 (Trouser).
        #expect(probe.captions[7].lines == ["Trouser", "true: Sneaker"])
        #expect(probe.captions[8].lines == ["Bag"])
        #expect(probe.descText.contains("36 of 40 are right"))
        #expect(probe.descText.contains("image 8, Trouser instead of Sneaker"))

        // The wrong cells' frames are red in the embedded pixels, the right ones are not.
        let href = try #require(probe.imageHref)
        let prefix = "data:image/png;base64,"
        #expect(href.hasPrefix(prefix))
        let png = try #require(Data(base64Encoded: String(href.dropFirst(prefix.count))))
        #expect([UInt8](png) == figure.png)
        let decoded = try PNGDecoder().decode(png)
        #expect(decoded.width == figure.grid.width && decoded.height == figure.grid.height)
        let wrongColor = try #require(RGBColor(hex: Palette.wrong))
        for index in 0..<40 {
            let frame = figure.grid.frame(ofCell: index)
            let isRed = Array(decoded.pixel(x: frame.x, y: frame.y + 10)) == [wrongColor.red, wrongColor.green, wrongColor.blue]
            #expect(isRed == wrong.contains(index), "cell \(index)")
        }
    }

    @Test("captions fit: columns are at least as wide as the widest caption, and inside the SVG")
    func captionsFit() throws {
        let images = gridTestImages(count: 40)
        // Odd images wrong (predicted label + 1), so "true: T-shirt/top", the longest line, appears.
        let predicted = (0..<40).map { $0 % 2 == 0 ? $0 % 10 : ($0 % 10 + 1) % 10 }
        let figure = ImageGridFigure.predictions(
            images: images, predicted: predicted, classNames: figureClassNames, title: "Half wrong")
        #expect(figure.fontSize >= 11)
        let widest = ImageGridFigure.estimatedWidth(of: "true: T-shirt/top", fontSize: figure.fontSize)
        let pitch = Double(figure.grid.cells[1].x - figure.grid.cells[0].x)
        #expect(pitch >= widest + 4)
        // The lowest caption line ends inside the SVG.
        let probe = try #require(ImageGridSVGProbe.parse(figure.svg))
        let lastLineY = try #require(figure.svg.components(separatedBy: "y=\"").compactMap { Double($0.prefix { $0 != "\"" }) }.max())
        #expect(lastLineY + 4 <= Double(figure.height))
        #expect(probe.captions.last?.lines.count == 2)
        // The title is not wider than the figure.
        let long = ImageGridFigure.trainingImages(
            images: gridTestImages(count: 3), classNames: figureClassNames,
            title: "A very long title that is much wider than three small images side by side")
        #expect(Double(long.width) >= ImageGridFigure.estimatedWidth(of: long.title, fontSize: 16, bold: true))
        #expect(long.captions.count == 3)
    }

    @Test("XML special characters in captions and titles are escaped")
    func escaping() throws {
        let names = ["a<b", "c&d", "\"q\"", "it's", ">", "x", "y", "z", "w", "v"]
        let figure = ImageGridFigure.trainingImages(images: gridTestImages(count: 10), classNames: names, title: "1 < 2 & 3")
        #expect(!figure.svg.contains("a<b") && !figure.svg.contains("c&d"))
        let probe = try #require(ImageGridSVGProbe.parse(figure.svg))
        #expect(probe.captions.map { $0.lines.joined() } == names)
        #expect(probe.titleText == "1 < 2 & 3")
        #expect(ImageGridFigure.escape("<&>\"'") == "&lt;&amp;&gt;&quot;&apos;")
    }

    @Test("the SVG can reference the PNG as a file instead of embedding it")
    func externalImage() throws {
        let figure = ImageGridFigure.trainingImages(images: gridTestImages(count: 20), classNames: figureClassNames)
        let probe = try #require(ImageGridSVGProbe.parse(figure.svg(imageHref: "train images.png?a=1&b=2")))
        #expect(probe.imageHref == "train images.png?a=1&b=2")
        #expect(probe.captions.count == 20)
    }
}
