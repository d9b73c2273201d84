//! Keyboard movement: the hex view's byte cursor and the field tree's focus.

use super::rows::ROW;

/// The keys that move the hex view's cursor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CursorKey {
    /// One byte back.
    Left,
    /// One byte on.
    Right,
    /// One row up.
    Up,
    /// One row down.
    Down,
    /// The first byte.
    Home,
    /// The last byte.
    End,
}

impl CursorKey {
    /// The key for a `KeyboardEvent.key` value.
    pub fn from_key(key: &str) -> Option<Self> {
        Some(match key {
            "ArrowLeft" => CursorKey::Left,
            "ArrowRight" => CursorKey::Right,
            "ArrowUp" => CursorKey::Up,
            "ArrowDown" => CursorKey::Down,
            "Home" => CursorKey::Home,
            "End" => CursorKey::End,
            _ => return None,
        })
    }
}

/// Where the cursor goes from `at` (none yet: the first byte) on `key`, among `len` bytes.
pub fn move_cursor(at: Option<usize>, key: CursorKey, len: usize) -> Option<usize> {
    let last = len.checked_sub(1)?;
    let Some(at) = at else {
        return Some(0);
    };
    let to = match key {
        CursorKey::Left => at.saturating_sub(1),
        CursorKey::Right => at + 1,
        CursorKey::Up => at.checked_sub(ROW).unwrap_or(at),
        CursorKey::Down if at + ROW <= last => at + ROW,
        CursorKey::Down => at,
        CursorKey::Home => 0,
        CursorKey::End => last,
    };
    Some(to.min(last))
}

/// Where focus goes in the field tree from row `at` of `len` on a key (`ArrowUp`,
/// `ArrowDown`, `Home`, `End`); `None` for other keys and an empty tree.
pub fn step_row(key: &str, at: usize, len: usize) -> Option<usize> {
    let last = len.checked_sub(1)?;
    let to = match key {
        "ArrowUp" => at.saturating_sub(1),
        "ArrowDown" => at + 1,
        "Home" => 0,
        "End" => last,
        _ => return None,
    };
    Some(to.min(last))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tree_keys_step_between_rows() {
        assert_eq!(step_row("ArrowDown", 0, 3), Some(1));
        assert_eq!(step_row("ArrowDown", 2, 3), Some(2));
        assert_eq!(step_row("ArrowUp", 0, 3), Some(0));
        assert_eq!(step_row("End", 0, 3), Some(2));
        assert_eq!(step_row("Home", 2, 3), Some(0));
        assert_eq!(step_row("Enter", 1, 3), None);
        assert_eq!(step_row("ArrowDown", 0, 0), None);
    }

    #[test]
    fn the_cursor_stays_inside_the_bytes() {
        use CursorKey::*;
        assert_eq!(move_cursor(None, Right, 0), None);
        assert_eq!(move_cursor(None, Down, 5), Some(0));
        assert_eq!(move_cursor(Some(0), Left, 5), Some(0));
        assert_eq!(move_cursor(Some(4), Right, 5), Some(4));
        assert_eq!(move_cursor(Some(3), Down, 40), Some(19));
        assert_eq!(move_cursor(Some(30), Down, 40), Some(30));
        assert_eq!(move_cursor(Some(20), Up, 40), Some(4));
        assert_eq!(move_cursor(Some(5), Up, 40), Some(5));
        assert_eq!(move_cursor(Some(5), End, 40), Some(39));
        assert_eq!(move_cursor(Some(5), Home, 40), Some(0));
        assert_eq!(CursorKey::from_key("ArrowUp"), Some(Up));
        assert_eq!(CursorKey::from_key("a"), None);
    }
}
