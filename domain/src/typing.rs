//! What people type on Chinese phone keyboards.

/// Full-width forms (０-９, Ａ-Ｚ, ａ-ｚ, ＋, －, the ideographic space …), as
/// Chinese input methods often produce them, read as their ASCII forms;
/// every other character unchanged.
pub fn halfwidth(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFF01 + 0x21).unwrap_or(c),
        '\u{3000}' => ' ',
        other => other,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn full_width_forms_become_ascii() {
        let typed: String = "＋８６\u{3000}１３８ab ＷＦ－ｑ"
            .chars()
            .map(super::halfwidth)
            .collect();
        assert_eq!(typed, "+86 138ab WF-q");
        assert_eq!(super::halfwidth('王'), '王');
    }
}
