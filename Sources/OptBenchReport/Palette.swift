/// One colour per optimizer run, the same in every chart of a report.
///
/// The colours are Okabe and Ito's palette, distinguishable with the common
/// kinds of colour blindness, then Tableau's for runs beyond eight.
public enum Palette {
    public static let colors = [
        "#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000",
        "#4E79A7", "#F28E2B", "#59A14F", "#E15759", "#B07AA1", "#76B7B2", "#EDC948", "#9C755F",
    ]

    /// The colour of run `index` (0-based, in the order the runs ran).
    public static func color(forRun index: Int) -> String { colors[index % colors.count] }

    /// Red for wrong predictions, green for right ones.
    public static let wrong = "#C62828"
    public static let right = "#2E7D32"
}
