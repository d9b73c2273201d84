//! Which rows of a long list to draw. The message list draws only the rows in view and a
//! few beyond, with two spacers standing in for the rest, so that its whole history
//! (10,000 messages by default) scrolls, and a flood redraws a screenful of rows, not the
//! history.

use std::ops::Range;

/// The height of one row in CSS pixels: `.msg` in `style/client.css` has this height.
pub const ROW_PX: usize = 26;

/// Rows drawn beyond each edge of the view, so that a short scroll lands on drawn rows.
pub const OVERSCAN: usize = 6;

/// The rows to draw of a list scrolled `scroll_top` pixels down in a box `height` pixels
/// tall: those in view, and [`OVERSCAN`] more on each side. The list may have fewer rows;
/// the caller takes what there is.
pub fn window(scroll_top: f64, height: f64) -> Range<usize> {
    let top = row_at(scroll_top);
    let in_view = (height.max(0.0) / ROW_PX as f64).ceil() as usize + 1;
    top.saturating_sub(OVERSCAN)..top + in_view + OVERSCAN
}

/// The height in pixels of the spacer that stands for the `rows` rows not drawn above
/// or below (a whole number, so that no float is formatted for the page).
pub fn spacer_px(rows: usize) -> usize {
    rows.saturating_mul(ROW_PX)
}

/// The row at `px` pixels from the top of the list (0 for anything not a positive number).
fn row_at(px: f64) -> usize {
    if px.is_finite() && px > 0.0 {
        (px / ROW_PX as f64) as usize
    } else {
        0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn at_the_top_the_rows_in_view_and_the_overscan_below() {
        // 520 px shows 20 rows, a 21st partly once scrolled.
        assert_eq!(window(0.0, 520.0), 0..21 + OVERSCAN);
    }

    #[test]
    fn scrolled_down_the_overscan_is_on_both_sides() {
        let w = window(26_013.0, 520.0);
        assert_eq!(w, 1000 - OVERSCAN..1000 + 21 + OVERSCAN);
        assert_eq!(spacer_px(w.start), (1000 - OVERSCAN) * 26);
    }

    #[test]
    fn odd_inputs_give_a_window_at_the_top() {
        assert_eq!(window(-40.0, 0.0), 0..1 + OVERSCAN);
        assert_eq!(window(f64::NAN, f64::NAN), 0..1 + OVERSCAN);
        assert_eq!(window(f64::INFINITY, 26.0), 0..2 + OVERSCAN);
    }

    #[test]
    fn near_the_top_the_overscan_above_is_cut_short() {
        assert_eq!(window(52.0, 52.0).start, 0);
    }
}
