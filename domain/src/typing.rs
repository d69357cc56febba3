//! What people type on Chinese phone keyboards.

/// Full-width digits and plus (０-９, ＋), as Chinese input methods often
/// produce them, read as their ASCII forms; every other character unchanged.
pub fn halfwidth(c: char) -> char {
    match c {
        '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
        '＋' => '+',
        other => other,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn full_width_digits_and_plus_become_ascii() {
        let typed: String = "＋８６ １３８ab".chars().map(super::halfwidth).collect();
        assert_eq!(typed, "+86 138ab");
    }
}
