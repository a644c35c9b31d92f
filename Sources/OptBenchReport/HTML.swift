/// Small helpers for writing HTML by hand.
enum HTML {
    /// Escapes `& < > " '` for text and attribute values (the same escaping as
    /// the SVG figures, which are inlined in the page).
    static func escape(_ text: String) -> String { SVGCanvas.escape(text) }

    /// A table with a header row; cells are escaped text.
    static func table(header: [String], rows: [[String]], numericColumns: Set<Int> = []) -> String {
        var out = "<table>\n<thead><tr>"
        for (i, cell) in header.enumerated() {
            out += "<th\(numericColumns.contains(i) ? " class=\"num\"" : "")>\(escape(cell))</th>"
        }
        out += "</tr></thead>\n<tbody>\n"
        for row in rows {
            out += "<tr>"
            for (i, cell) in row.enumerated() {
                out += "<td\(numericColumns.contains(i) ? " class=\"num\"" : "")>\(escape(cell))</td>"
            }
            out += "</tr>\n"
        }
        return out + "</tbody>\n</table>\n"
    }

    /// A slug for element ids and file names.
    static func slug(_ text: String) -> String {
        var out = ""
        for character in text.lowercased() {
            if character.isASCII && (character.isLetter || character.isNumber) { out.append(character) }
            else if !out.hasSuffix("-") { out.append("-") }
        }
        while out.hasSuffix("-") { out.removeLast() }
        return out.isEmpty ? "run" : out
    }

    static let style = """
        :root { color-scheme: light; }
        body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif;
               margin: 0 auto; max-width: 1040px; padding: 24px; color: #1a1a1a; line-height: 1.5; }
        h1 { font-size: 28px; margin-bottom: 4px; }
        h2 { font-size: 22px; margin-top: 40px; border-bottom: 2px solid #ddd; padding-bottom: 4px; }
        h3 { font-size: 18px; margin-top: 28px; }
        .subtitle { color: #555; margin-top: 0; }
        nav ul { columns: 2; padding-left: 20px; }
        table { border-collapse: collapse; margin: 12px 0; font-size: 15px; }
        th, td { border-bottom: 1px solid #ddd; padding: 4px 12px; text-align: left; }
        th { background: #f4f4f4; }
        td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
        pre { background: #f7f7f7; border: 1px solid #e2e2e2; padding: 12px; overflow-x: auto;
              font-size: 13px; line-height: 1.35; }
        figure { margin: 16px 0; }
        figure svg { max-width: 100%; height: auto; display: block; }
        .swatch { display: inline-block; width: 12px; height: 12px; border-radius: 2px; margin-right: 6px;
                  vertical-align: -1px; }
        .analysis p { max-width: 820px; }
        .diverged { color: #C62828; font-weight: 600; }
        """
}
