/// The samples of a part of a batch in the order of a ``SampleGrouping``:
/// grouped row `g` is the part's row `order[g]` (in batch order), and the
/// part's row `i` is grouped row `position[i]`.
///
/// The input is gathered in grouped order, and the first layer's forward
/// product (with the second's, when it joins the pipeline) runs on it; then
/// their outputs are put back in batch order, and the input is transposed
/// back into batch order for the weight gradient. Everything that sums over
/// samples sees them in batch order, so the results are those of an
/// ungrouped pass to the last bit.
struct GroupedRows {
    let order: UnsafePointer<Int32>, position: UnsafePointer<Int32>

    /// Copies the grouped rows `rows` of `grouped` (`width` floats per row)
    /// to their rows in batch order in `batchOrder`.
    func restore(rows: Range<Int>, width: Int, from grouped: UnsafePointer<Float>,
                 into batchOrder: UnsafeMutablePointer<Float>) {
        for g in rows {
            (batchOrder + Int(order[g]) * width).update(from: grouped + g * width, count: width)
        }
    }
}
