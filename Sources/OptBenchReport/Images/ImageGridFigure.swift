import Foundation
import OptBenchData

/// An SVG figure of captioned images: an ``ImageGrid`` embedded as a PNG, a caption
/// under every image, and a title on top.
///
/// The two figures of the reference study come ready-made:
/// ``trainingImages(images:classNames:count:columns:title:)`` (the first training
/// images with their class names) and
/// ``predictions(images:predicted:classNames:count:columns:title:)`` (test images
/// with the predicted class, wrong ones framed and captioned in red with the true
/// class under the guess).
///
/// ```swift
/// let figure = ImageGridFigure.trainingImages(images: dataset.train, classNames: dataset.classNames)
/// try figure.svg.write(toFile: "train_images.svg", atomically: true, encoding: .utf8)
/// try Data(figure.png).write(to: URL(fileURLWithPath: "train_images.png"))  // captions not included
/// ```
///
/// The SVG carries `<title>` and `<desc>` for screen readers, and its `width` and
/// `height` hold every caption: column spacing grows with the longest caption
/// (estimated from typical sans-serif glyph widths, with a safety margin), so
/// "true: T-shirt/top" fits at the minimum 11 px font size.
public struct ImageGridFigure: Sendable {
    /// The text under one image: one or more lines in one colour.
    public struct Caption: Sendable, Equatable {
        /// Lines from top to bottom, such as `["Pullover", "true: Coat"]`.
        public var lines: [String]
        /// A CSS colour, such as `Palette.wrong`.
        public var color: String

        /// Creates a caption.
        public init(lines: [String], color: String = "#222222") {
            self.lines = lines
            self.color = color
        }
    }

    /// The grid drawn in the figure; ``png`` is its PNG file.
    public let grid: ImageGrid
    /// One caption per image, in order.
    public let captions: [Caption]
    /// The heading above the grid, also the SVG `<title>`.
    public let title: String
    /// The longer text description, the SVG `<desc>`.
    public let summary: String
    /// Caption font size in CSS pixels.
    public let fontSize: Double
    /// Width of the SVG in CSS pixels.
    public let width: Int
    /// Height of the SVG in CSS pixels.
    public let height: Int

    /// The grid picture alone, as a PNG file (no captions or title).
    public var png: [UInt8] { grid.png }

    /// The figure as a standalone SVG document with the PNG embedded as a `data:` URI.
    public var svg: String { svg(imageHref: "data:image/png;base64," + Data(png).base64EncodedString()) }

    private let gridOrigin: (x: Int, y: Int)
    private let lineHeight: Double
    private let captionGap: Double = 5
    private let titleFontSize: Double = 16

    /// Lays out a figure of the first `captions.count` images of `images`.
    ///
    /// - Parameters:
    ///   - images: the source images.
    ///   - captions: one per image to draw (at most `images.count`).
    ///   - borders: one frame colour per image (`nil` for none), or empty for no frames.
    ///   - title: the heading; also the accessible name.
    ///   - summary: the accessible description (`<desc>`).
    ///   - columns: images per row.
    ///   - scale: integer zoom (3 turns 28×28 pixels into 84×84).
    ///   - fontSize: caption font size; values below 11 are raised to 11.
    public init(
        images: LabeledImages, captions: [Caption], borders: [RGBColor?] = [], title: String, summary: String,
        columns: Int = 10, scale: Int = 3, fontSize: Double = 12
    ) {
        precondition(!captions.isEmpty && captions.count <= images.count, "need 1...\(images.count) captions")
        let fontSize = max(fontSize, 11)
        let lineHeight = (fontSize * 1.25).rounded()
        let borderWidth = 2
        let slotWidth = images.columns * scale + 2 * borderWidth
        let widestCaption = captions.flatMap(\.lines).map { Self.estimatedWidth(of: $0, fontSize: fontSize) }.max() ?? 0
        let columnSpacing = max(8, Int((widestCaption + 8).rounded(.up)) - slotWidth)
        let maxLines = captions.map(\.lines.count).max() ?? 1
        let captionBand = Int((captionGap + Double(maxLines) * lineHeight + 6).rounded(.up))
        let grid = ImageGrid(
            images: images, count: captions.count, columns: columns, scale: scale,
            columnSpacing: columnSpacing, rowSpacing: captionBand, margin: columnSpacing / 2,
            borderWidth: borderWidth, borders: borders)

        let titleHeight = Int((titleFontSize * 2.2).rounded(.up))
        let titleWidth = Int(Self.estimatedWidth(of: title, fontSize: titleFontSize, bold: true).rounded(.up)) + 16
        let width = max(grid.width, titleWidth)
        let bottom = (grid.cells.indices.map { grid.frame(ofCell: $0).maxY }.max() ?? grid.height) + captionBand
        self.grid = grid
        self.captions = captions
        self.title = title
        self.summary = summary
        self.fontSize = fontSize
        self.lineHeight = lineHeight
        self.gridOrigin = ((width - grid.width) / 2, titleHeight)
        self.width = width
        self.height = titleHeight + max(grid.height, bottom)
    }

    /// The figure as SVG, with the grid picture loaded from `imageHref` (a `data:`
    /// URI, or a relative file name such as `train_images.png` next to the SVG).
    public func svg(imageHref: String) -> String {
        let id = "grid-" + Self.slug(title)
        var svg = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(width)" height="\(height)" \
            viewBox="0 0 \(width) \(height)" role="img" aria-labelledby="\(id)-title \(id)-desc" \
            font-family="Helvetica, Arial, 'Liberation Sans', 'DejaVu Sans', sans-serif">
            <title id="\(id)-title">\(Self.escape(title))</title>
            <desc id="\(id)-desc">\(Self.escape(summary))</desc>
            <rect width="100%" height="100%" fill="#FFFFFF"/>
            <text class="title" x="\(Self.format(Double(width) / 2))" y="\(Self.format(titleFontSize * 1.4))" \
            text-anchor="middle" font-size="\(Self.format(titleFontSize))" font-weight="bold" fill="#222222">\
            \(Self.escape(title))</text>
            <image x="\(gridOrigin.x)" y="\(gridOrigin.y)" width="\(grid.width)" height="\(grid.height)" \
            href="\(Self.escape(imageHref))"/>

            """
        for (index, caption) in captions.enumerated() {
            let cell = grid.frame(ofCell: index)
            let x = Self.format(Double(gridOrigin.x) + cell.midX)
            let top = Double(gridOrigin.y + cell.maxY) + captionGap + fontSize * 0.9
            svg += "<text class=\"caption\" text-anchor=\"middle\" font-size=\"\(Self.format(fontSize))\" "
            svg += "fill=\"\(Self.escape(caption.color))\">"
            for (line, text) in caption.lines.enumerated() {
                let y = Self.format(top + Double(line) * lineHeight)
                svg += "<tspan x=\"\(x)\" y=\"\(y)\">\(Self.escape(text))</tspan>"
            }
            svg += "</text>\n"
        }
        svg += "</svg>\n"
        return svg
    }

    // MARK: - Ready-made figures

    /// The first `count` images of `images` with their class names, like the first
    /// figure of the reference study.
    ///
    /// - Parameters:
    ///   - images: usually the training split.
    ///   - classNames: name of each class index.
    ///   - count: how many images (at most `images.count`).
    ///   - columns: images per row.
    ///   - title: the heading (default "The first 40 training images").
    public static func trainingImages(
        images: LabeledImages, classNames: [String], count: Int = 40, columns: Int = 10,
        title: String? = nil
    ) -> ImageGridFigure {
        let count = min(count, images.count)
        let names = (0..<count).map { name(of: Int(images.labels[$0]), classNames) }
        let title = title ?? "The first \(count) training images"
        var counts: [String: Int] = [:]
        for name in names { counts[name, default: 0] += 1 }
        let tally = counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
            .map { "\($0.value) \($0.key)" }.joined(separator: ", ")
        return ImageGridFigure(
            images: images, captions: names.map { Caption(lines: [$0]) },
            borders: Array(repeating: .lightGray, count: count),
            title: title,
            summary: "\(count) grayscale \(images.rows)×\(images.columns) images in a grid of \(columns) "
                + "columns, each labelled with its class: \(tally).",
            columns: columns)
    }

    /// The first `count` images with the predicted class; a wrong prediction gets a
    /// red frame, a red caption and a second line with the true class.
    ///
    /// - Parameters:
    ///   - images: usually the test split; its labels are the true classes.
    ///   - predicted: the predicted class of each image (at least `count` of them).
    ///   - classNames: name of each class index.
    ///   - count: how many images (at most `images.count`).
    ///   - columns: images per row.
    ///   - title: the heading, e.g. naming the optimizer.
    public static func predictions(
        images: LabeledImages, predicted: [Int], classNames: [String], count: Int = 40, columns: Int = 10,
        title: String
    ) -> ImageGridFigure {
        let count = min(count, images.count)
        precondition(predicted.count >= count, "\(predicted.count) predictions for \(count) images")
        let wrongColor = RGBColor(hex: Palette.wrong) ?? RGBColor(red: 0xC6, green: 0x28, blue: 0x28)
        var captions: [Caption] = []
        var borders: [RGBColor?] = []
        var mistakes: [String] = []
        for index in 0..<count {
            let truth = Int(images.labels[index]), guess = predicted[index]
            if truth == guess {
                captions.append(Caption(lines: [name(of: guess, classNames)], color: Palette.right))
                borders.append(.lightGray)
            } else {
                captions.append(Caption(
                    lines: [name(of: guess, classNames), "true: " + name(of: truth, classNames)],
                    color: Palette.wrong))
                borders.append(wrongColor)
                mistakes.append("image \(index + 1), \(name(of: guess, classNames)) instead of \(name(of: truth, classNames))")
            }
        }
        var summary = "The first \(count) test images with the predicted class under each; "
        summary += "\(count - mistakes.count) of \(count) are right (green captions)"
        if mistakes.isEmpty {
            summary += " and none is wrong."
        } else {
            summary += ", \(mistakes.count) wrong (red frame and caption, with the true class): "
            summary += mistakes.joined(separator: "; ") + "."
        }
        return ImageGridFigure(
            images: images, captions: captions, borders: borders, title: title, summary: summary,
            columns: columns, fontSize: 11)
    }

    // MARK: - Helpers

    private static func name(of index: Int, _ classNames: [String]) -> String {
        classNames.indices.contains(index) ? classNames[index] : "class \(index)"
    }

    /// A conservative width estimate for `text` in a sans-serif font: Arial-like
    /// advance widths plus 10 % for wider fallbacks such as DejaVu Sans.
    static func estimatedWidth(of text: String, fontSize: Double, bold: Bool = false) -> Double {
        var ems = 0.0
        for character in text {
            switch character {
            case "i", "j", "l", "I", "'", ".", ",", ":", ";", "!", "|", " ": ems += 0.3
            case "f", "t", "r", "/", "-", "(", ")", "[", "]": ems += 0.4
            case "m", "w", "M", "W": ems += 0.92
            case "A"..."Z", "%", "&", "@": ems += 0.72
            default: ems += 0.6
            }
        }
        return ems * fontSize * (bold ? 1.2 : 1.1)
    }

    /// XML escaping, shared with the charts.
    static func escape(_ text: String) -> String { SVGCanvas.escape(text) }

    /// Lower-case letters and digits joined by dashes, for element ids.
    private static func slug(_ text: String) -> String {
        let words = text.lowercased().split { !($0.isASCII && ($0.isLetter || $0.isNumber)) }
        return words.isEmpty ? "figure" : words.joined(separator: "-")
    }

    private static func format(_ value: Double) -> String {
        let rounded = (value * 10).rounded() / 10
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
    }
}
